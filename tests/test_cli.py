"""`flask --app workshop users create` and `demo load`, through Flask's CLI runner."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import count
from workshop.access import service as access
from workshop.demo import DEMO_CONDUCTOR_EMAIL, DEMO_JOIN_CODE, DEMO_ORGANIZER_EMAIL, DEMO_PASSWORD
from workshop.extensions import db
from workshop.models import Invite, Project, User, UserRole

PASSWORD = "a-long-enough-password"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def create(runner, *args, password=PASSWORD, confirm=None):
    confirm = password if confirm is None else confirm
    return runner.invoke(
        args=["users", "create", *args], input=f"{password}\n{confirm}\n", catch_exceptions=False
    )


@pytest.mark.parametrize("role", ["organizer", "conductor"])
def test_users_create_asks_for_the_password_and_stores_only_its_hash(runner, role):
    result = create(
        runner, "--email", " Ada@Example.org ", "--name", " Ada Lovelace ", "--role", role
    )
    assert result.exit_code == 0, result.output
    assert f"created {role} ada@example.org" in result.output
    user = db.session.scalar(sa.select(User))
    assert (user.email, user.name, user.role) == ("ada@example.org", "Ada Lovelace", UserRole(role))
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD)
    assert PASSWORD not in result.output.replace("Password", "")  # never echoed


def test_users_create_makes_an_organizer_by_default(runner):
    assert create(runner, "--email", "o@example.org", "--name", "Olga").exit_code == 0
    assert db.session.scalar(sa.select(User.role)) == UserRole.ORGANIZER


@pytest.mark.parametrize("email", ["ada@example.org", "ADA@example.org", " ada@EXAMPLE.org"])
def test_users_create_refuses_an_email_that_has_an_account(runner, make_user, email):
    make_user("ada@example.org")
    result = create(runner, "--email", email, "--name", "Ada again")
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert count(User) == 1


@pytest.mark.parametrize("password", ["short", "123456789"])
def test_users_create_refuses_a_short_password(runner, password):
    result = create(runner, "--email", "ada@example.org", "--name", "Ada", password=password)
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert count(User) == 0


def test_users_create_refuses_a_password_typed_differently_twice(runner):
    result = create(runner, "--email", "ada@example.org", "--name", "Ada", confirm=PASSWORD + "x")
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert count(User) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email", "--name", "Ada"], "not a valid e-mail"),
        (["--email", "ada@", "--name", "Ada"], "not a valid e-mail"),
        (["--email", "ada@example.org", "--name", "   "], "a name is required"),
        (["--email", "ada@example.org", "--name", "Ada", "--role", "participant"], "Invalid value"),
    ],
)
def test_users_create_refuses_bad_input(runner, args, message):
    result = runner.invoke(args=["users", "create", *args], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code != 0
    assert message in result.output
    assert count(User) == 0


def test_demo_load_creates_the_demo_once_and_prints_how_to_get_in(runner):
    first = runner.invoke(args=["demo", "load"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "created" in first.output
    for text in (DEMO_ORGANIZER_EMAIL, DEMO_CONDUCTOR_EMAIL, DEMO_PASSWORD, "CAFE-7946"):
        assert text in first.output
    counts = {table.name: _rows(table) for table in db.metadata.sorted_tables}

    second = runner.invoke(args=["demo", "load"], catch_exceptions=False)
    assert second.exit_code == 0
    assert "already present" in second.output
    assert {table.name: _rows(table) for table in db.metadata.sorted_tables} == counts
    assert count(Project) == 1


def test_the_demo_join_code_opens_the_demo_project(runner):
    runner.invoke(args=["demo", "load"], catch_exceptions=False)
    invite = access.find_invite_by_code(db.session, "cafe 7946", _now())
    assert invite.code == DEMO_JOIN_CODE
    assert invite.project.title.startswith("Abitare solidale")
    assert len(invite.project.boards) == 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invite)) == 1


def _rows(table) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(table))


def _now():
    from workshop.models import utcnow

    return utcnow()
