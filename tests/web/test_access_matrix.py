"""Who reaches what: every route × every kind of person, on project A's resources.

The matrix names every (endpoint, method) of the app: a new route without an entry here fails
`test_every_route_is_in_the_matrix`, so nobody adds a page without deciding who may open it.
A refused request must also leave the database exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import url_for

from tests.conftest import CSRF_INPUT
from workshop.access import service as access
from workshop.extensions import db
from workshop.models import Base, utcnow

LOGIN = "/auth/login"  # a redirect to the login page (anonymous visitors)
PRINCIPALS = (
    "anonymous",
    "participant_a",
    "participant_b",
    "observer_a",
    "conductor_a",
    "conductor_b",
    "organizer",
)
PARTICIPANTS = ("participant_a", "participant_b", "observer_a")
USERS = ("conductor_a", "conductor_b", "organizer")
# Not access-controlled on purpose: the CSS and JS are public.
EXEMPT_ENDPOINTS = {"static"}


def expect(default=None, **by_principal):
    """Expected outcome per principal: a status code, or the path a 302 must start with."""
    table = {who: default for who in PRINCIPALS}
    for key, value in by_principal.items():
        group = {"participants": PARTICIPANTS, "users": USERS}.get(key, (key,))
        for who in group:
            table[who] = value
    assert None not in table.values(), by_principal
    return table


def accounts_only(success):
    """Account holders only: organizers and conductors."""
    return expect(LOGIN, participants=403, users=success)


def organizer_only(success):
    return expect(LOGIN, participants=403, conductor_a=403, conductor_b=403, organizer=success)


def managers_of_a(success):
    """The organizer and project A's conductor: the people who manage project A."""
    return expect(LOGIN, participants=403, conductor_b=403, conductor_a=success, organizer=success)


@dataclass(frozen=True)
class Route:
    expected: dict
    data: dict | None = None  # form fields for a POST (the CSRF token is added)


MATRIX: dict[tuple[str, str], Route] = {
    ("pages.index", "GET"): Route(expect(200, participants="/me", users="/projects/")),
    ("pages.my_boards", "GET"): Route(expect(LOGIN, participants=200, users="/projects/")),
    ("pages.set_language", "POST"): Route(expect("/"), {"lang": "en"}),
    ("pages.healthz", "GET"): Route(expect(200)),
    ("auth.login", "GET"): Route(expect(200, users="/projects/")),
    ("auth.login", "POST"): Route(expect(200, users="/projects/"), {}),
    ("auth.logout", "POST"): Route(expect("/"), {}),
    ("join.by_code", "GET"): Route(expect(200)),
    ("join.by_code", "POST"): Route(expect("/j/"), {"code": "{invite_code}"}),
    ("join.by_link", "GET"): Route(expect(200, participant_a="/me")),
    ("join.by_link", "POST"): Route(expect("/me"), {"display_name": "Zeno"}),
    ("projects.list_projects", "GET"): Route(accounts_only(200)),
    ("projects.create", "GET"): Route(organizer_only(200)),
    ("projects.create", "POST"): Route(organizer_only("/projects/"), {"title": "Nuovo", "status": "active"}),
    ("projects.show", "GET"): Route(managers_of_a(200)),
    ("projects.edit", "GET"): Route(managers_of_a(200)),
    ("projects.edit", "POST"): Route(managers_of_a("/projects/"), {"title": "Rinominato", "status": "active"}),
    ("projects.add_board", "POST"): Route(managers_of_a("/boards/"), {"title": "Lavagna libera"}),
    ("projects.create_invite", "POST"): Route(
        managers_of_a("/projects/"), {"board_id": "0", "role": "participant", "label": "Gruppo 2"}
    ),
    ("projects.revoke_invite", "POST"): Route(managers_of_a("/projects/"), {}),
    ("projects.remove_participant", "POST"): Route(managers_of_a("/projects/"), {}),
    ("projects.assign_conductor", "POST"): Route(organizer_only("/projects/"), {"user_id": "{conductor_b_id}"}),
    ("projects.unassign_conductor", "POST"): Route(organizer_only("/projects/"), {}),
    ("boards.show", "GET"): Route(
        expect(LOGIN, participant_a=200, observer_a=200, participant_b=403, users=200, conductor_b=403)
    ),
    ("accounts.index", "GET"): Route(organizer_only(200)),
    ("accounts.index", "POST"): Route(
        organizer_only("/accounts/"),
        {"name": "Nina", "email": "nina@example.org", "role": "conductor", "password": "long-enough-1"},
    ),
    ("accounts.toggle_active", "POST"): Route(organizer_only("/accounts/"), {}),
}

CASES = [
    pytest.param(endpoint, method, who, id=f"{endpoint}-{method}-{who}")
    for (endpoint, method) in MATRIX
    for who in PRINCIPALS
]


def test_every_route_is_in_the_matrix(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXEMPT_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert sorted(routes - set(MATRIX)) == [], "add these routes to the access matrix"
    assert sorted(set(MATRIX) - routes) == [], "these matrix entries name no route"


@pytest.fixture
def targets(world):
    """Project A's resources named by the routes' arguments, plus a participant to remove."""
    invite = world.invite_a
    extra = access.join(db.session, invite, "Ugo", sa_timedelta(), utcnow())
    db.session.commit()
    return {
        "project_id": world.project_a.id,
        "board_id": world.project_a.boards[0].id,
        "invite_id": invite.id,
        "participant_id": extra.participant_id,
        "user_id": world.conductor.id,
        "token": invite.token,
        "invite_code": invite.code,
        "conductor_b_id": world.other_conductor.id,
    }


def sa_timedelta():
    from datetime import timedelta

    return timedelta(hours=1)


def become(who, auth, world):
    """Log the client in as `who` through the real forms."""
    if who == "anonymous":
        return
    if who in PARTICIPANTS:
        invite = {
            "participant_a": world.invite_a,
            "participant_b": world.invite_b,
            "observer_a": world.observer_invite_a,
        }[who]
        response = auth.join(invite.code, f"Persona {who}")
    else:
        email = {
            "conductor_a": world.conductor.email,
            "conductor_b": world.other_conductor.email,
            "organizer": world.organizer.email,
        }[who]
        response = auth.login(email)
    assert response.status_code == 302, response.get_data(as_text=True)


def fingerprint() -> dict:
    """Every row of every table: a refused request must leave all of them as they were."""
    snapshot = {}
    for table in Base.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        snapshot[table.name] = sorted(repr(tuple(row)) for row in rows)
    db.session.rollback()
    return snapshot


def url_for_route(app, endpoint: str, targets: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{arg: targets[arg] for arg in rule.arguments})


def fill(data: dict, targets: dict) -> dict:
    return {key: str(value).format(**targets) for key, value in data.items()}


def csrf_for(client) -> str:
    return CSRF_INPUT.search(client.get("/join").get_data(as_text=True)).group(1)


@pytest.mark.parametrize(("endpoint", "method", "who"), CASES)
def test_access_matrix(app, client, auth, world, targets, endpoint, method, who):
    route = MATRIX[(endpoint, method)]
    expected = route.expected[who]
    become(who, auth, world)
    url = url_for_route(app, endpoint, targets)
    before = fingerprint()

    if method == "GET":
        response = client.get(url)
    else:
        data = {"csrf_token": csrf_for(client), **fill(route.data or {}, targets)}
        response = client.post(url, data=data)

    if isinstance(expected, int):
        assert response.status_code == expected, response.get_data(as_text=True)[-600:]
    else:
        assert response.status_code == 302, response.get_data(as_text=True)[-600:]
        assert response.headers["Location"].startswith(expected), response.headers["Location"]
    if expected in (LOGIN, 403):
        assert fingerprint() == before, "a refused request changed the database"
