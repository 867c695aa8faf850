"""The attendance of a live session as Italian offices expect it: `;` with a UTF-8 BOM, local
time (WORKSHOP_TIMEZONE), Italian headers (English for an English reader), and each person's
organisation and role, from the join form (optional fields) or from their registration."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import sqlalchemy as sa

from tests.conftest import post_form
from workshop.access import service as access
from workshop.extensions import db
from workshop.models import Participant, Registration, RegistrationStatus
from workshop.rooms import labs
from workshop.rooms import service as rooms

# 14:05 in Rome on 12 March 2026 (UTC+1).
ENTERED = datetime(2026, 3, 12, 13, 5, tzinfo=UTC)


def _participant(name: str) -> Participant:
    return db.session.scalar(sa.select(Participant).where(Participant.display_name == name))


def _session_with_visits(world, client):
    # Bea joins through the form and gives her organisation and role.
    response = post_form(client, "/join", {"code": world.invite_a.code})
    post_form(
        client,
        response.headers["Location"],
        {"display_name": "Bea", "organisation": "=Cooperativa La Rete", "role": "educatrice"},
    )
    client.delete_cookie("session")
    # Dario came through his registration to the lab: his personal invite names it.
    lab = labs.create_lab(db.session, "Lab", [], [world.project_a.id], None)
    invite = access.create_invite(db.session, world.project_a.id, None)
    db.session.add(
        Registration(
            lab_id=lab.id,
            name="Dario Neri",
            email="dario@example.org",
            organisation="Comune di Lecco",
            role="assistente sociale",
            status=RegistrationStatus.ACCEPTED,
            seat=1,
            token="t" * 43,
            invite_id=invite.id,
        )
    )
    dario = Participant(invite_id=invite.id, display_name="Dario")
    db.session.add(dario)
    db.session.commit()
    board = world.project_a.boards[0]
    live = rooms.open_session(db.session, board, f"u:{world.conductor.id}", "Plenaria", ENTERED)
    plenary = live.rooms[0]
    bea = _participant("Bea")
    rooms.enter(db.session, live, plenary, f"p:{bea.id}", "Bea", ENTERED)
    rooms.enter(db.session, live, plenary, f"p:{dario.id}", "Dario", ENTERED)
    return live.id


def _rows(body: bytes, delimiter=";"):
    assert body.startswith("\ufeff".encode()), "no UTF-8 BOM"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def test_the_join_form_keeps_organisation_and_role(client, world):
    response = post_form(client, "/join", {"code": world.invite_a.code})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="organisation"' in page and 'name="role"' in page
    post_form(
        client,
        response.headers["Location"],
        {"display_name": "Eva", "organisation": " ASL ", "role": ""},
    )
    eva = _participant("Eva")
    assert (eva.organisation, eva.role) == ("ASL", "")


def test_attendance_is_semicolons_bom_local_time_italian_headers_organisation_and_role(
    client, auth, world
):
    session_id = _session_with_visits(world, client)
    auth.login("org@example.org")
    response = client.get(
        f"/live-sessions/{session_id}/attendance.csv", headers={"Accept-Language": "it"}
    )
    assert response.status_code == 200
    rows = _rows(response.data)
    assert rows[0] == [
        "nome",
        "organizzazione",
        "ruolo",
        "stanza",
        "entrata",
        "uscita",
        "minuti",
        "modifiche",
        "voti",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    # A cell that starts like a formula is kept as text.
    assert by_name["Bea"][1:3] == ["'=Cooperativa La Rete", "educatrice"]
    assert by_name["Dario"][1:3] == ["Comune di Lecco", "assistente sociale"]
    assert by_name["Bea"][4] == "12/03/2026 14:05"  # Europe/Rome, not UTC
    assert "," in by_name["Bea"][6] or by_name["Bea"][6].isdigit()  # minutes with a decimal comma


def test_attendance_has_english_headers_for_an_english_organizer(client, auth, world):
    session_id = _session_with_visits(world, client)
    auth.login("org@example.org")
    post_form(client, "/language", {"lang": "en"})
    rows = _rows(client.get(f"/live-sessions/{session_id}/attendance.csv").data)
    assert rows[0][:4] == ["name", "organisation", "role", "room"]
