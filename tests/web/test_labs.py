"""Labs: organizers create a lab with dated meetings and projects; others are refused."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import post_form
from workshop.boards.errors import BadRequest
from workshop.extensions import db
from workshop.models import Lab
from workshop.rooms import labs


def test_meeting_lines_are_parsed_and_a_bad_line_is_named():
    assert labs.parse_meetings("2026-03-12 Contesto\n\n 2026-04-02  Stakeholder ") == [
        (date(2026, 3, 12), "Contesto"),
        (date(2026, 4, 2), "Stakeholder"),
    ]
    with pytest.raises(labs.BadMeetingLine) as caught:
        labs.parse_meetings("2026-03-12 Contesto\n2026-02-30 Impossibile")
    assert caught.value.line == 2 and isinstance(caught.value, BadRequest)
    with pytest.raises(labs.BadMeetingLine):
        labs.parse_meetings("12/03/2026 Contesto")


def test_an_organizer_creates_a_lab_with_meetings_and_projects(client, auth, world):
    auth.login("org@example.org")
    response = post_form(
        client,
        "/labs/",
        {
            "title": "Laboratorio 2026",
            "meetings": "2026-03-12 Contesto\n2026-04-02 Mappa",
            "projects": world.project_a.id,
        },
    )
    assert response.status_code == 302
    lab = db.session.scalar(sa.select(Lab))
    assert lab.title == "Laboratorio 2026"
    assert [m.title for m in lab.meetings] == ["Contesto", "Mappa"]
    assert [p.project_id for p in lab.projects] == [world.project_a.id]
    page = client.get("/labs/").get_data(as_text=True)
    assert "Laboratorio 2026" in page and "Mappa" in page


def test_a_bad_meeting_line_is_shown_and_nothing_is_stored(client, auth, world):
    auth.login("org@example.org")
    response = post_form(client, "/labs/", {"title": "X", "meetings": "domani Contesto"})
    assert (
        response.status_code == 200
        and db.session.scalar(sa.select(sa.func.count()).select_from(Lab)) == 0
    )


def test_a_conductor_may_not_manage_labs(client, auth, world):
    auth.login("cond@example.org")
    assert client.get("/labs/").status_code == 403
