"""The needs register end to end: three bodies get a form link by e-mail (one sends it twice,
one is withdrawn first), two needs cards reach the context board with their bodies, the table
votes on them, and the documento di sintesi (DOCX and PDF read back) says so; then its approval
freezes it. Bad input and other people's projects change nothing."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from docx import Document
from pypdf import PdfReader

from tests.conftest import post_form
from workshop.boards import service as boards
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.extensions import db
from workshop.models import (
    Board,
    MarkKind,
    MeetingMark,
    NeedsCall,
    NeedsSubmission,
    PersonalLink,
    RoomVote,
    utcnow,
)
from workshop.models.board import BoardKind
from workshop.needs import service
from workshop.rooms import sessions as rooms

BODIES = ("Cooperativa Sole", "APS Luna", "ODV Stella")
ZONE_FILL = service.ZONE_COLUMNS  # entries that fill the new zone's first row


@pytest.fixture
def mailing(app, smtp_sink):  # the SMTP sink fixture comes from the web conftest
    app.config.update(
        MAIL_SMTP_HOST="127.0.0.1",
        MAIL_SMTP_PORT=smtp_sink.server_address[1],
        MAIL_SMTP_SECURITY="none",
        MAIL_SENDER="lab@example.org",
    )
    return smtp_sink


def context_board(project) -> Board:
    return next(b for b in project.boards if b.kind == BoardKind.CONTEXT)


def open_call(client, project_id: int) -> str:
    response = post_form(client, f"/projects/{project_id}/needs", {"title": "Bisogni 0-6 anni"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def send_to(client, call_url: str, organisation: str, email: str):
    return post_form(
        client,
        f"{call_url}/send",
        {"organisation": organisation, "name": "Referente", "email": email},
    )


def call_to_four_bodies(client, project_id: int) -> tuple[str, dict[str, PersonalLink]]:
    """A call whose form goes to BODIES and "APS Sole": its URL and each body's link."""
    call_url = open_call(client, project_id)
    for n, body in enumerate(BODIES + ("APS Sole",)):
        assert send_to(client, call_url, body, f"ente{n}@example.org").status_code == 302
    found = {
        link.recipient_organisation: link for link in db.session.scalars(sa.select(PersonalLink))
    }
    return call_url, found


def fill(client, url: str, body: str = "", need: str = "", **more):
    data = {"body": body, "need": need, "evidence": "Liste d'attesa 2025", "people": "40 famiglie"}
    return post_form(client, url, {**data, **more})


def needs_on_board(project_id: int) -> list:
    items = boards.project_board_items(db.session, project_id, BoardKind.CONTEXT.value)
    return [
        it
        for it in items.values()
        if it.type == "problem" and str(it.fields.get("evidence", "")).startswith("Segnalato da:")
    ]


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_three_forms_one_twice_one_withdrawn_make_two_needs_cards_and_the_sintesi(
    app, client, auth, world, mailing
):
    auth.login(world.organizer.email)
    call_url = open_call(client, world.project_a.id)
    for n, body in enumerate(BODIES):
        assert send_to(client, call_url, body, f"ente{n}@example.org").status_code == 302
    assert [m["to"] for m in mailing.messages] == [[f"<ente{n}@example.org>"] for n in range(3)]
    urls = [
        re.search(r"https?://\S+/n/(\S+)", m["message"].get_content()).group(0)
        for m in mailing.messages
    ]
    paths = ["/n/" + url.rsplit("/n/", 1)[1] for url in urls]
    assert "Bisogni 0-6 anni" in mailing.messages[0]["message"].get_content()

    body = app.test_client()  # the bodies have no account
    page = body.get(paths[0])
    assert page.status_code == 200 and "Cooperativa Sole" in page.get_data(as_text=True)
    assert fill(body, paths[0], "Cooperativa Sole", "Mancano posti al nido").status_code == 200
    # Sent twice: the same entry, the same card, with the corrected text.
    again = fill(
        body,
        paths[0],
        "Cooperativa Sole",
        "Mancano posti al nido nel quartiere Nord",
        resources="Due educatrici e una sala",
        contact="sole@example.org",
    )
    assert again.status_code == 200
    assert fill(body, paths[1], "APS Luna", "Genitori soli senza rete").status_code == 200

    # Withdrawn before it was used: a clear page, nothing stored.
    third = db.session.scalar(
        sa.select(PersonalLink).where(PersonalLink.recipient_organisation == "ODV Stella")
    )
    assert post_form(client, f"{call_url}/links/{third.id}/revoke").status_code == 302
    closed = body.get(paths[2])
    assert closed.status_code == 410 and "ritirato" in closed.get_data(as_text=True)
    assert fill(body, paths[2], "ODV Stella", "Trasporti").status_code == 410

    cards = needs_on_board(world.project_a.id)
    assert sorted(c.fields["text"] for c in cards) == [
        "Genitori soli senza rete",
        "Mancano posti al nido nel quartiere Nord",
    ]
    assert {c.fields["evidence"].splitlines()[0] for c in cards} == {
        "Segnalato da: Cooperativa Sole",
        "Segnalato da: APS Luna",
    }
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NeedsSubmission)) == 2
    items = boards.project_board_items(db.session, world.project_a.id, BoardKind.CONTEXT.value)
    zone = [
        it
        for it in items.values()
        if it.type == "frame" and it.fields["title"] == "Bisogni segnalati"
    ]
    assert len(zone) == 1
    # The organizer's page: the links with their state, and the entries.
    html = client.get(call_url).get_data(as_text=True)
    assert (
        html.count('data-link="') == 3
        and "Ritirato" in html
        and "Due educatrici e una sala" in html
    )

    # The table votes in a room on the context board; the conductor marks a decision and dissent.
    board = db.session.get(Board, context_board(world.project_a).id)
    live = rooms.open_session(db.session, board, f"u:{world.conductor.id}", "Plenaria", utcnow())
    room = live.rooms[0]
    luna = next(c for c in cards if "APS Luna" in c.fields["evidence"])
    for who in ("p:1", "p:2", "p:3"):
        db.session.add(RoomVote(room_id=room.id, item_id=luna.id, identity=who))
    for kind, text in (
        (MarkKind.DECISION, "Priorità ai genitori soli"),
        (MarkKind.MINORITY, "Prima il nido"),
    ):
        db.session.add(
            MeetingMark(
                project_id=world.project_a.id,
                kind=kind,
                text=text,
                created_by="u:1",
                created_by_name="Carlo",
            )
        )
    db.session.commit()

    docx = client.get(f"{call_url}/sintesi.docx?lang=it")
    assert docx.status_code == 200
    text = docx_text(docx.data)
    assert "BOZZA" in text and "Documento di sintesi della co-programmazione" in text
    assert text.index("Genitori soli senza rete") < text.index(
        "Mancano posti al nido nel quartiere Nord"
    )
    for expected in (
        "Ente segnalante: APS Luna",
        "Ente segnalante: Cooperativa Sole",
        "Voti: 3",
        "Voti: 0",
        "Cooperativa Sole: Due educatrici e una sala",
        "Decisione: Priorità ai genitori soli",
        "Posizione di minoranza: Prima il nido",
    ):
        assert expected in text, expected
    assert "ODV Stella" not in text and "Trasporti" not in text
    pdf = pdf_text(client.get(f"{call_url}/sintesi.pdf?lang=en").data)
    for expected in (
        "DRAFT",
        "APS Luna",
        "Cooperativa Sole",
        "Genitori soli senza rete",
        "Minority position",
    ):
        assert expected in pdf, expected

    # Approved: frozen. A later change on the board no longer reaches it.
    assert (
        post_form(client, f"{call_url}/approve", {"approved_by": "Tavolo del 12 marzo"}).status_code
        == 302
    )
    change = parse_change(
        {
            "board_id": board.id,
            "change_id": "later",
            "client_id": "t",
            "ops": [{"op": "update", "id": luna.id, "fields": {"text": "Testo cambiato"}}],
        }
    )
    boards.apply_change(db.session, change, Actor("u:1", "Carlo", True))
    text = docx_text(client.get(f"{call_url}/sintesi.docx?lang=it").data)
    assert "BOZZA" not in text and "Approvato da Tavolo del 12 marzo" in text
    assert "Genitori soli senza rete" in text and "Testo cambiato" not in text
    assert post_form(client, f"{call_url}/approve", {"approved_by": "Altri"}).status_code == 400
    # A correction keeps version 1 whole and opens version 2, a draft that follows the boards.
    assert post_form(client, f"{call_url}/correct", {"reason": "  "}).status_code == 400
    call_id = int(call_url.rstrip("/").rsplit("/", 1)[1])
    assert db.session.get(NeedsCall, call_id).sintesi_approved_at is not None  # unchanged
    assert (
        post_form(client, f"{call_url}/correct", {"reason": "Manca un bisogno"}).status_code == 302
    )
    call = db.session.get(NeedsCall, call_id)
    db.session.refresh(call)
    (kept,) = call.sintesi_versions
    assert kept["reason"] == "Manca un bisogno" and kept["approved_by"] == "Tavolo del 12 marzo"
    assert "Genitori soli senza rete" in str(kept["snapshot"])
    text = docx_text(client.get(f"{call_url}/sintesi.docx?lang=it").data)
    assert "BOZZA" in text and "Testo cambiato" in text
    assert "Versione 2: corregge la versione 1 (Manca un bisogno)." in text
    assert post_form(client, f"{call_url}/correct", {"reason": "Di nuovo"}).status_code == 400
    assert (
        post_form(client, f"{call_url}/approve", {"approved_by": "Tavolo del 9 aprile"}).status_code
        == 302
    )
    # The project's ZIP files it too, approved, beside the verbali.
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/projects/{world.project_a.id}/export.zip").data)
    )
    (filed,) = [
        n for n in archive.namelist() if n.endswith(".docx") and "documento-di-sintesi" in n
    ]
    assert "Approvato da Tavolo del 9 aprile" in docx_text(archive.read(filed))


@pytest.fixture
def one_link(client, auth, world):
    auth.login(world.organizer.email)
    call_url = open_call(client, world.project_a.id)
    assert send_to(client, call_url, "APS Luna", "luna@example.org").status_code == 302
    link = db.session.scalar(sa.select(PersonalLink))
    auth.logout()
    return call_url, link


@pytest.mark.parametrize(
    "data, field",
    [
        ({"need": ""}, "need"),
        ({"body": ""}, "body"),
        ({"need": "x" * 501}, "need"),
        ({"evidence": "y" * 1201}, "evidence"),
        ({"need": "campanello\x07"}, "need"),
        ({"people": "riga\x00"}, "people"),
    ],
)
def test_bad_input_gets_a_clear_error_and_stores_nothing(app, one_link, data, field):
    _call_url, link = one_link
    body = app.test_client()
    response = fill(body, f"/n/{link.token}", **{"body": "APS Luna", "need": "Un bisogno", **data})
    assert response.status_code == 400
    assert 'class="field-error" id="' + field in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NeedsSubmission)) == 0
    assert needs_on_board(db.session.get(PersonalLink, link.id).project_id) == []


def test_an_expired_or_unknown_link_gets_a_clear_page_and_stores_nothing(app, one_link):
    _call_url, link = one_link
    db.session.get(PersonalLink, link.id).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    body = app.test_client()
    page = body.get(f"/n/{link.token}")
    assert page.status_code == 410 and "scaduto" in page.get_data(as_text=True)
    assert fill(body, f"/n/{link.token}", "APS Luna", "Un bisogno").status_code == 410
    assert body.get("/n/" + "x" * 43).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NeedsSubmission)) == 0


@pytest.mark.parametrize(
    "data",
    [
        {"organisation": "ODV Stella"},  # no e-mail
        {"organisation": "ODV Stella", "email": "non-una-email"},
        {"email": "solo@example.org"},  # no body, no name
        {"organisation": "x" * 201, "email": "lunga@example.org"},
        {},  # nobody chosen, nobody typed
    ],
)
def test_a_bad_recipient_is_refused_and_no_link_is_made(client, auth, world, data):
    auth.login(world.organizer.email)
    call_url = open_call(client, world.project_a.id)
    response = post_form(client, f"{call_url}/send", data)
    assert response.status_code == 400
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonalLink)) == 0


def test_other_projects_managers_and_participants_cannot_see_or_send(
    app, client, auth, world, one_link
):
    call_url, link = one_link
    call_id = link.subject_id
    auth.login(world.other_conductor.email)  # manages project B only
    assert client.get(call_url).status_code == 403
    assert send_to(client, call_url, "Intrusa", "x@example.org").status_code == 403
    assert post_form(client, f"{call_url}/links/{link.id}/revoke").status_code == 403
    assert post_form(client, f"{call_url}/remind").status_code == 403
    # Through their own project's address, A's call is not found.
    assert client.get(f"/projects/{world.project_b.id}/needs/{call_id}").status_code == 404
    assert (
        post_form(
            client, f"/projects/{world.project_b.id}/needs/{call_id}/links/{link.id}/revoke"
        ).status_code
        == 404
    )
    assert (
        client.get(f"/projects/{world.project_b.id}/needs/{call_id}/sintesi.docx").status_code
        == 404
    )
    auth.logout()
    participant = app.test_client()
    from tests.conftest import Auth

    Auth(participant).join(world.invite_a.code, "Pia")
    assert participant.get(call_url).status_code == 403
    assert participant.get(f"{call_url}/sintesi.pdf").status_code == 403
    assert post_form(participant, f"{call_url}/remind").status_code == 403
    assert db.session.get(PersonalLink, link.id).revoked_at is None
    assert db.session.get(PersonalLink, link.id).reminded_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonalLink)) == 1


def test_a_zone_the_conductor_locked_still_takes_the_entries(app, world):
    call = service.open_call(db.session, world.project_a.id, "Bisogni", world.organizer.id)
    tokens = [
        service.send_link(
            db.session,
            call,
            name="",
            organisation=f"Ente {n}",
            email=f"e{n}@example.org",
            created_by_id=None,
        ).token
        for n in range(ZONE_FILL + 1)
    ]
    db.session.commit()
    body = app.test_client()
    assert fill(body, f"/n/{tokens[0]}", "Ente 0", "Primo bisogno").status_code == 200
    items = boards.project_board_items(db.session, world.project_a.id, BoardKind.CONTEXT.value)
    zone = next(it for it in items.values() if it.type == "frame")
    change = parse_change(
        {
            "board_id": context_board(world.project_a).id,
            "change_id": "lock",
            "client_id": "t",
            "ops": [{"op": "update", "id": zone.id, "fields": {"locked": True}}],
        }
    )
    boards.apply_change(db.session, change, Actor(f"u:{world.conductor.id}", "Carlo", True))
    for n, token in enumerate(tokens[1:], 1):  # the last one makes the locked zone grow
        assert fill(body, f"/n/{token}", f"Ente {n}", f"Bisogno {n}").status_code == 200
    assert len(needs_on_board(world.project_a.id)) == ZONE_FILL + 1
    items = boards.project_board_items(db.session, world.project_a.id, BoardKind.CONTEXT.value)
    assert items[zone.id].fields["locked"] is True
    assert items[zone.id].fields["h"] > zone.fields["h"]


def test_an_entry_is_checked_as_board_text():
    with pytest.raises(service.NeedsError) as refused:
        service.checked_entry(service.Entry(body="APS", need="a\x1bb"))
    assert (refused.value.code, refused.value.field) == ("invalid_text", "need")
    clean = service.checked_entry(service.Entry(body="  APS  ", need=" Bisogno ", people="tutti"))
    assert (clean.body, clean.need) == ("APS", "Bisogno")
    assert service.card_evidence(clean) == "Segnalato da: APS\nPersone coinvolte: tutti"


def test_a_reminder_goes_once_a_day_to_the_bodies_that_have_not_answered(
    app, client, auth, world, mailing
):
    """Four bodies: one answered, one's link was withdrawn, one's expired, one is silent. The
    reminder reaches the silent one only, with its own link, and pressing again the same day
    sends nothing; the list says when each was reminded."""
    auth.login(world.organizer.email)
    call_url, found = call_to_four_bodies(client, world.project_a.id)
    assert (
        fill(
            app.test_client(), f"/n/{found['Cooperativa Sole'].token}", "Cooperativa Sole", "Nidi"
        ).status_code
        == 200
    )
    assert post_form(client, f"{call_url}/links/{found['APS Luna'].id}/revoke").status_code == 302
    db.session.get(PersonalLink, found["APS Sole"].id).expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = client.get(call_url).get_data(as_text=True)
    assert "1 ente non ha ancora risposto" in page and "Ricorda a chi non ha risposto" in page
    mailing.messages.clear()

    response = post_form(client, f"{call_url}/remind")
    assert response.status_code == 302
    assert [m["to"] for m in mailing.messages] == [["<ente2@example.org>"]]  # ODV Stella
    text = mailing.messages[0]["message"].get_content()
    assert f"/n/{found['ODV Stella'].token}" in text and "promemoria" in text.lower()
    assert "Promemoria" in mailing.messages[0]["message"]["Subject"]
    reminded = db.session.get(PersonalLink, found["ODV Stella"].id)
    assert reminded.reminded_at is not None
    assert all(
        db.session.get(PersonalLink, found[b].id).reminded_at is None
        for b in ("Cooperativa Sole", "APS Luna", "APS Sole")
    )
    page = client.get(call_url).get_data(as_text=True)
    assert "Promemoria inviati: 1." in page and "Ricordato il" in page
    assert "Ricorda a chi non ha risposto" not in page  # nobody left to remind today

    # Pressed again the same day: nothing is sent, and the page says why.
    mailing.messages.clear()
    assert post_form(client, f"{call_url}/remind").status_code == 302
    assert mailing.messages == []
    assert "Nessuno da ricordare" in client.get(call_url).get_data(as_text=True)
    # A day later the silent body may be reminded again.
    db.session.get(PersonalLink, reminded.id).reminded_at = utcnow() - service.REMIND_AGAIN_AFTER
    db.session.commit()
    assert post_form(client, f"{call_url}/remind").status_code == 302
    assert [m["to"] for m in mailing.messages] == [["<ente2@example.org>"]]


def test_a_reminder_without_the_form_token_changes_nothing(client, auth, world, one_link):
    call_url, link = one_link
    auth.login(world.organizer.email)
    assert client.post(f"{call_url}/remind").status_code == 400  # no CSRF token
    assert db.session.get(PersonalLink, link.id).reminded_at is None


def test_the_daily_job_reminds_once_each_silent_body_whose_link_closes_in_three_days(
    app, client, auth, world, mailing
):
    """`flask needs remind`, run daily. Four bodies: one answered, one an organizer reminded by
    hand within its last days, one whose link has weeks left, one silent whose link closes in
    two days though reminded by hand weeks ago. The job writes to the last only, in Italian
    with its own link; the next day's run sends nothing. A failed e-mail is tried again at the
    next run; after the synthesis is approved, nothing."""
    auth.login(world.organizer.email)
    call_url, found = call_to_four_bodies(client, world.project_a.id)
    fill(app.test_client(), f"/n/{found['Cooperativa Sole'].token}", "Cooperativa Sole", "Nidi")
    now = utcnow()
    db.session.get(PersonalLink, found["ODV Stella"].id).reminded_at = now - timedelta(hours=1)
    db.session.get(PersonalLink, found["ODV Stella"].id).expires_at = now + timedelta(days=1)
    db.session.get(PersonalLink, found["APS Sole"].id).expires_at = now + timedelta(days=2)
    db.session.get(PersonalLink, found["APS Sole"].id).reminded_at = now - timedelta(days=20)
    db.session.commit()
    mailing.messages.clear()
    runner = app.test_cli_runner()

    def run(at) -> str:
        result = runner.invoke(args=["needs", "remind", "--at", at.isoformat()])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        return result.output

    # The mail server is down: nothing is marked, the run says so.
    port = app.config["MAIL_SMTP_PORT"]
    app.config["MAIL_SMTP_PORT"] = 1  # nothing listens there
    assert "0 reminders sent, 1 not sent" in run(now)
    assert db.session.get(PersonalLink, found["APS Sole"].id).reminded_at < now - timedelta(days=1)
    app.config["MAIL_SMTP_PORT"] = port

    assert "1 reminders sent" in run(now + timedelta(hours=1))
    assert [m["to"] for m in mailing.messages] == [["<ente3@example.org>"]]  # APS Sole
    text = mailing.messages[0]["message"].get_content()
    assert f"/n/{found['APS Sole'].token}" in text and "promemoria" in text.lower()
    assert db.session.get(PersonalLink, found["APS Sole"].id).reminded_at > now

    mailing.messages.clear()
    assert "0 reminders sent" in run(now + timedelta(days=1))  # once is enough
    assert mailing.messages == []

    # A new silent body near its deadline, but the synthesis is approved: the call is done.
    assert send_to(client, call_url, "APS Nuova", "nuova@example.org").status_code == 302
    late = db.session.scalar(
        sa.select(PersonalLink).where(PersonalLink.recipient_organisation == "APS Nuova")
    )
    late.expires_at = now + timedelta(days=2)
    db.session.get(NeedsCall, late.subject_id).sintesi_approved_at = now
    db.session.commit()
    mailing.messages.clear()
    assert "0 calls gathering" in run(now + timedelta(hours=2))
    assert mailing.messages == []


def test_the_daily_job_refuses_a_moment_without_a_time_zone(app):
    result = app.test_cli_runner().invoke(args=["needs", "remind", "--at", "2027-01-15T08:00"])
    assert result.exit_code != 0 and "time zone" in result.output
