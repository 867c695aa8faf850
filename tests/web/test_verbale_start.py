"""A meeting's verbale is made by a POST, never by looking: a link opened, or prefetched by a
browser, shows the page that offers to prepare it and writes nothing (issue 17's left-over)."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.web.conftest import _live_session_of_a
from workshop.extensions import db
from workshop.models import Verbale


def _verbali() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Verbale))


def test_looking_at_a_session_without_a_verbale_makes_none(app, client, world, become):
    become("organizer")
    live_id = _live_session_of_a(world)
    url = f"/projects/{world.project_a.id}/live-sessions/{live_id}/verbale"
    before = _verbali()

    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Prepara il verbale" in text and "non ha ancora un verbale" in text
    assert client.get(url).status_code == 200
    assert _verbali() == before

    refused = client.post(url, data={})  # no CSRF token: refused, nothing made
    assert refused.status_code == 400
    assert _verbali() == before

    made = client.post(url, data={"csrf_token": csrf_token(client)})
    assert made.status_code == 302 and "/verbali/" in made.headers["Location"]
    assert _verbali() == before + 1
    again = client.get(url)  # found now, and not made twice
    assert again.status_code == 302 and again.headers["Location"] == made.headers["Location"]
    twice = client.post(url, data={"csrf_token": csrf_token(client)})
    assert twice.headers["Location"] == made.headers["Location"]
    assert _verbali() == before + 1
