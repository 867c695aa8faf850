"""Issue 17 ("Done when"): a meeting on a real `python -m workshop` process, with registered
attendees (one absent); the conductor marks two decisions and a minority position (a participant
may not), writes a next step in the decision log, closes the session; the organizer downloads the
verbale's DOCX and PDF over HTTP and they hold the attendees with their bodies, the phases with
their times, the votes, the decisions, the dissent and the absent person."""

from __future__ import annotations

import gc
import io
import re
import secrets
import warnings
from datetime import date

import pytest
import requests
from sqlalchemy import orm

from tests.conftest import CSRF_INPUT
from tests.support.real_board import RealClient, cookie_header, seed, server_env, start_server
from workshop import protocol as P
from workshop.access import service as access
from workshop.database import make_engine
from workshop.models import Board, Registration, RegistrationStatus, utcnow
from workshop.rooms import labs

pytestmark = pytest.mark.slow

PEOPLE = (  # name, organisation, role, comes?
    ("Anna Rossi", "Cooperativa Il Melo", "Educatrice", True),
    ("Bruno Neri", "Comune di Lecce", "Assistente sociale", True),
    ("Carla Verdi", "APS Quartieri", "Volontaria", False),
)


def ok(ack):
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def registered(url: str, board_id: int) -> tuple[int, int, dict[str, str]]:
    """A lab holding the project, meeting today; three registrations with their personal invites;
    the two who come have joined. Returns (project, meeting, cookie per name)."""
    engine = make_engine(url)
    cookies = {}
    with orm.Session(engine, expire_on_commit=False) as session:
        project_id = session.get(Board, board_id).project_id
        lab = labs.create_lab(
            session,
            "Tavolo di co-programmazione",
            [(date.today(), "Prima seduta")],
            [project_id],
            None,
        )
        session.flush()
        for seat, (name, organisation, role, comes) in enumerate(PEOPLE, start=1):
            invite = access.create_invite(session, project_id, None)
            session.add(
                Registration(
                    lab_id=lab.id,
                    name=name,
                    email=f"{name.split()[0].lower()}@example.org",
                    organisation=organisation,
                    role=role,
                    status=RegistrationStatus.ACCEPTED,
                    seat=seat,
                    token=secrets.token_urlsafe(32),
                    invite_id=invite.id,
                )
            )
            if comes:
                auth = access.join(session, invite, name, access_lifetime(), utcnow())
                cookies[name] = cookie_header(auth.id)
        session.commit()
        meeting_id = lab.meetings[0].id
    engine.dispose()
    return project_id, meeting_id, cookies


def access_lifetime():
    from tests.support.real_board import LIFETIME

    return LIFETIME


def create(item_id, type_, **fields):
    return {"op": "create", "id": item_id, "type": type_, "fields": fields}


@pytest.fixture
def opened():
    clients: list[RealClient] = []
    yield clients
    for client in clients:
        client.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def test_a_meeting_s_verbale_read_back_from_docx_and_pdf(tmp_path, opened):
    from docx import Document
    from pypdf import PdfReader

    database = f"sqlite:///{tmp_path / 'verbale.sqlite3'}"
    world = seed(database, participants=0)
    plenary = world.board
    project_id, meeting_id, cookies = registered(database, plenary)
    server = start_server(server_env(database, tmp_path), tmp_path / "server.log")
    try:
        conductor = RealClient("conductor", server.url, world.cookies["conductor"]).connect()
        opened.append(conductor)
        anna = RealClient("anna", server.url, cookies["Anna Rossi"]).connect()
        bruno = RealClient("bruno", server.url, cookies["Bruno Neri"]).connect()
        opened.extend([anna, bruno])
        ok(conductor.join(plenary))
        ok(
            conductor.apply(
                plenary,
                [
                    create(
                        "core",
                        "problem",
                        x=0,
                        y=0,
                        w=220,
                        h=110,
                        text="Dispersione scolastica",
                        role="core",
                    ),
                    create(
                        "cause", "problem", x=0, y=300, w=220, h=110, text="Poca offerta serale"
                    ),
                ],
                "cond:cards",
            )
        )
        live = ok(
            conductor.call(P.OPEN_LIVE_SESSION, {"board_id": plenary, "meeting_id": meeting_id})
        )["session"]
        sid = live["id"]
        for client in (anna, bruno):
            ok(client.join(plenary))
        ok(conductor.call(P.SET_PHASE, {"session_id": sid, "room_id": None, "phase": "write"}))
        ok(
            anna.apply(
                plenary,
                [create("idea", "sticky", x=400, y=0, text="Doposcuola nei quartieri")],
                "anna:1",
            )
        )
        ok(
            conductor.call(
                P.SET_PHASE,
                {"session_id": sid, "room_id": None, "phase": "vote", "votes_per_person": 3},
            )
        )
        for client in (anna, bruno):
            ok(client.call(P.CAST_VOTE, {"board_id": plenary, "item_id": "idea"}))
        ok(bruno.call(P.CAST_VOTE, {"board_id": plenary, "item_id": "cause"}))
        ok(conductor.call(P.SET_PHASE, {"session_id": sid, "room_id": None, "phase": "discuss"}))

        # A participant may not mark: a clear refusal, and nothing marked.
        refusal = anna.call(
            P.MARK_CARD, {"board_id": plenary, "item_id": "idea", "kind": "decision"}
        )
        assert refusal["ok"] is False and refusal["error"]["code"] == P.FORBIDDEN
        assert ok(conductor.call(P.DECISION_LOG, {"session_id": sid}))["entries"] == []

        ok(
            conductor.call(
                P.MARK_CARD, {"board_id": plenary, "item_id": "idea", "kind": "decision"}
            )
        )
        ok(
            conductor.call(
                P.MARK_CARD, {"board_id": plenary, "item_id": "core", "kind": "decision"}
            )
        )
        entries = ok(
            conductor.call(
                P.MARK_CARD, {"board_id": plenary, "item_id": "cause", "kind": "minority"}
            )
        )["entries"]
        assert sorted((e["kind"], e["text"]) for e in entries) == [
            ("decision", "Dispersione scolastica"),
            ("decision", "Doposcuola nei quartieri"),
            ("minority", "Poca offerta serale"),
        ]
        # Everyone in the room sees the marks on the cards.
        seen = bruno.wait_for(
            lambda: [
                s
                for s in bruno.received(P.ROOM_STATE)
                if len((s.get("room") or {}).get("marks", {})) == 3
            ]
        )
        assert seen and seen[-1]["room"]["marks"] == {
            "idea": "decision",
            "core": "decision",
            "cause": "minority",
        }
        ok(
            conductor.call(
                P.LOG_DECISION,
                {"session_id": sid, "kind": "next_step", "text": "Convocare il tavolo tecnico"},
            )
        )
        bad = conductor.call(
            P.LOG_DECISION, {"session_id": sid, "kind": "next_step", "text": "a\x00b"}
        )
        assert bad["ok"] is False and bad["error"]["code"] == P.INVALID_OP
        ok(conductor.call(P.CLOSE_LIVE_SESSION, {"session_id": sid}))

        web = requests.Session()
        web.headers["Cookie"] = world.cookies["organizer"]
        meeting_url = f"{server.url}/projects/{project_id}/meetings/{meeting_id}/verbale"
        # Looking makes nothing: the page offers to prepare the verbale, and a POST does.
        start = web.get(meeting_url, timeout=30)
        assert start.status_code == 200 and "Prepara il verbale" in start.text
        assert web.get(meeting_url, timeout=30).url == meeting_url  # still none made
        token = CSRF_INPUT.search(start.text).group(1)
        # The session the page's form was signed in (it now holds the CSRF token), as a
        # browser would send it back.
        web.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in start.cookies.items())
        page = web.post(meeting_url, data={"csrf_token": token}, timeout=30)
        assert page.status_code == 200, page.status_code
        verbale_url = page.url
        assert "/verbali/" in verbale_url
        assert web.get(meeting_url, timeout=30).url == verbale_url  # found, not made again
        docx = web.get(verbale_url + ".docx", timeout=60)
        pdf = web.get(verbale_url + ".pdf", timeout=60)
        assert docx.status_code == 200 and pdf.status_code == 200
    finally:
        server.stop()

    document = Document(io.BytesIO(docx.content))
    words = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    pdf_text = " ".join(
        (page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    pdf_flat = " ".join(pdf_text.split())
    for text in (words + "\n" + cells, pdf_flat):
        assert "BOZZA" in text
        assert "Prima seduta" in text
        for name, organisation, _role, _comes in PEOPLE:
            assert (
                name in text and organisation in text
            )  # attendees and the absent, with their bodies
        assert "Carlo" in text  # the chair: who opened the session
        for phase in ("scrittura", "votazione", "discussione"):
            assert phase in text
        assert "Doposcuola nei quartieri: 2 voti" in text and "Poca offerta serale: 1 voto" in text
        assert "Convocare il tavolo tecnico" in text
    # Sections in order, in the DOCX: decisions, then dissent; the absent person under "assenti".
    decisions = words.split("Decisioni")[1].split("Posizioni di minoranza")[0]
    minority = words.split("Posizioni di minoranza")[1].split("Prossimi passi")[0]
    assert "Dispersione scolastica" in decisions and "Doposcuola nei quartieri" in decisions
    assert "Poca offerta serale" in minority and "Dispersione" not in minority
    absent_table = document.tables[1]
    assert [c.text for c in absent_table.rows[1].cells] == [
        "Carla Verdi",
        "APS Quartieri",
        "Volontaria",
    ]
    present = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows[1:]}
    assert (
        present["Anna Rossi"] == "Cooperativa Il Melo"
        and present["Bruno Neri"] == "Comune di Lecce"
    )
    assert "Carla Verdi" not in present
    # Phases with their local times ("10:02–10:05 scrittura").

    assert re.search(r"\d\d:\d\d–\d\d:\d\d scrittura", words)
