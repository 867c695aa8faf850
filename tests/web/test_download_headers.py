"""Text downloads name their charset once (issue 19: two downloads sent "charset=utf-8" twice,
which some spreadsheet importers read as a malformed header)."""

from __future__ import annotations

import sqlalchemy as sa

from tests.web.test_library import upload
from tests.web.test_registration import open_form_desk, sign_up
from workshop.boards import service
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.extensions import db
from workshop.models import Material


def _one_charset(response) -> None:
    content_type = response.headers["Content-Type"]
    assert content_type.lower().count("charset=") == 1, content_type


def test_a_board_s_items_as_csv_name_their_charset_once(client, world, become):
    board = next(b for b in world.project_a.boards if b.kind.value == "context")
    change = parse_change(
        {
            "board_id": board.id,
            "change_id": "c1",
            "client_id": "t",
            "ops": [
                {"op": "create", "id": "p1", "type": "problem", "fields": {"text": "Solitudine"}}
            ],
        }
    )
    service.apply_change(db.session, change, Actor("u:1", "Olga", True))
    db.session.commit()
    become("conductor_a")
    response = client.get(f"/boards/{board.id}/items-problem.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    _one_charset(response)


def test_the_registrations_csv_names_its_charset_once(client, world, become):
    lab = open_form_desk(world, 2)
    sign_up(client.application.test_client(), lab.id, 1)
    become("organizer")
    response = client.get(f"/labs/{lab.id}/registrations.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    _one_charset(response)


def test_a_library_text_file_names_its_charset_once(client, auth, make_user):
    from workshop.models import UserRole

    user = make_user("cond@example.org", UserRole.CONDUCTOR, "Carlo")
    auth.login(user.email)
    assert upload(client, "note.txt", "Città e quartieri".encode()).status_code == 302
    material = db.session.scalar(sa.select(Material))
    with client.get(f"/library/materials/{material.id}/file") as response:
        assert response.mimetype == "text/plain"
        _one_charset(response)
