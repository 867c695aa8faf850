"""Redis down (issue 19): logins, joins and public pages keep working (the rate limits fall back
to memory), /healthz answers 503 naming Redis, and the organizers' pages say the service is
degraded. A redis-server of the test's own on a free port, killed mid-test."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, post_form
from workshop.extensions import db
from workshop.projects import report_links

pytestmark = pytest.mark.redis

DEGRADED = "Servizio degradato"


def test_with_redis_down_people_still_log_in_join_and_read_and_healthz_names_redis(
    make_app, redis_server, world
):
    url, kill = redis_server
    app = make_app(REDIS_URL=url, RATELIMIT_STORAGE_URI=url)
    with app.app_context():
        report_board = next(b for b in world.project_a.boards if b.kind.value == "social_reporting")
        token = report_links.create_link(db.session, report_board, world.conductor.id, "it").token
        db.session.commit()
        invite_code = world.invite_a.code
        email = world.organizer.email
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert (
        post_form(client, "/auth/login", {"email": email, "password": "wrong"}).status_code == 200
    )
    assert DEGRADED not in client.get("/auth/login").get_data(as_text=True)

    kill()

    organizer = app.test_client()
    login = post_form(organizer, "/auth/login", {"email": email, "password": PASSWORD})
    assert login.status_code == 302
    participant = app.test_client()
    join = post_form(participant, "/join", {"code": invite_code})
    assert join.status_code == 302
    assert (
        post_form(participant, join.headers["Location"], {"display_name": "Bea"}).status_code == 302
    )
    public = app.test_client().get(f"/r/{token}")
    assert public.status_code == 200
    health = app.test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["redis"] == "unavailable" and health.get_json()["unavailable"] == [
        "redis"
    ]
    assert health.get_json()["database"] == "ok"
    # The organizers see a short notice; participants are not troubled with it.
    assert DEGRADED in organizer.get("/projects/").get_data(as_text=True)
    assert DEGRADED not in participant.get("/me").get_data(as_text=True)
