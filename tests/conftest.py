"""Fixtures shared by every test: an app on a scratch database, clients, people and projects."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from werkzeug.security import generate_password_hash

from tests.support.services import ScratchPostgres, wants_postgres
from workshop import create_app
from workshop.access import service as access
from workshop.config import TestConfig
from workshop.extensions import db
from workshop.models import Base, InviteRole, Project, User, UserRole, utcnow
from workshop.models import user as user_model
from workshop.projects import service as projects

PASSWORD = "correct-horse-battery"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FAST_PASSWORD_HASH = "pbkdf2:sha256:1"


@pytest.fixture(autouse=True)
def _fast_password_hashes(monkeypatch):
    """Real hashes are slow on purpose (scrypt, ~0.15 s); the suite hashes thousands of times.
    Checking still runs the real check_password_hash, which reads the method from the hash."""
    monkeypatch.setattr(
        user_model,
        "generate_password_hash",
        partial(generate_password_hash, method=FAST_PASSWORD_HASH),
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """The suite's database: a scratch PostgreSQL database when DATABASE_URL names PostgreSQL
    (as in CI), otherwise a SQLite file. Tables are created once, emptied after each test."""
    if wants_postgres():
        with ScratchPostgres() as scratch:
            yield scratch.url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _schema(database_url):
    from workshop.database import make_engine

    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    engine.dispose()


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app of the session: each test builds a new app, and
    compiling the templates again for each one was most of the web tests' time."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_BYTECODE = MemoryBytecodeCache()


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in an app context of its own.

    The `app` fixture keeps an app context pushed for the test's own database work, and Flask
    reuses an active app context for a request: `g` (Flask-Login's cached user, Flask-WTF's
    CSRF token) and the database session would then leak from one request into the next, as
    they never do in production.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def make_app(database_url, _schema, tmp_path):
    """Build apps on the suite's database (TestConfig unless told); tables are emptied after."""

    def make(config=None, **overrides):
        settings = {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_DIR": tmp_path,
            "REDIS_URL": None,
            **overrides,
        }
        app = create_app(config or TestConfig(), **settings)
        app.test_client_class = IsolatedClient
        app.jinja_env.bytecode_cache = TEMPLATE_BYTECODE
        return app

    yield make
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client) -> str:
    """A CSRF token for this client's session, read from a real form."""
    html = client.get("/join").get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, "the join page has no CSRF token"
    return match.group(1)


def post_form(client, url: str, data: dict | None = None, **kwargs):
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


@pytest.fixture
def make_user(app):
    def make(
        email: str = "organizer@example.org", role: UserRole = UserRole.ORGANIZER, name: str = "Ada"
    ) -> User:
        user = User(email=email, name=name, role=role)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_project(app):
    def make(title: str = "Progetto", creator: User | None = None, conductors=()) -> Project:
        project = projects.create_project(db.session, {"title": title}, creator)
        for conductor in conductors:
            projects.assign_conductor(db.session, project, conductor)
        db.session.commit()
        return project

    return make


@pytest.fixture
def make_invite(app):
    def make(
        project: Project, role: InviteRole = InviteRole.PARTICIPANT, board_id: int | None = None
    ):
        invite = access.create_invite(db.session, project.id, None, role=role, board_id=board_id)
        db.session.commit()
        return invite

    return make


@dataclass
class Auth:
    """Log a test client in and out through the real forms (flaskr's AuthActions)."""

    client: object

    def login(self, email: str, password: str = PASSWORD):
        return post_form(self.client, "/auth/login", {"email": email, "password": password})

    def logout(self):
        return post_form(self.client, "/auth/logout")

    def join(self, code: str, name: str = "Bea"):
        response = post_form(self.client, "/join", {"code": code})
        assert response.status_code == 302, response.get_data(as_text=True)
        return post_form(self.client, response.headers["Location"], {"display_name": name})


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def world(app, make_user, make_project, make_invite):
    """Two projects, an organizer, a conductor of A, and participants of A and of B."""
    organizer = make_user("org@example.org", UserRole.ORGANIZER, "Olga")
    conductor = make_user("cond@example.org", UserRole.CONDUCTOR, "Carlo")
    other_conductor = make_user("cond2@example.org", UserRole.CONDUCTOR, "Chiara")
    project_a = make_project("Progetto A", organizer, conductors=[conductor])
    project_b = make_project("Progetto B", organizer, conductors=[other_conductor])
    invite_a = make_invite(project_a)
    invite_b = make_invite(project_b)
    observer_a = make_invite(project_a, role=InviteRole.OBSERVER)
    return World(
        organizer, conductor, other_conductor, project_a, project_b, invite_a, invite_b, observer_a
    )


@dataclass
class World:
    organizer: User
    conductor: User
    other_conductor: User
    project_a: Project
    project_b: Project
    invite_a: object
    invite_b: object
    observer_invite_a: object


def now():
    return utcnow()


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
