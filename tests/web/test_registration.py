"""Registration for a lab: order of arrival, the waiting line, promotion, the personal link,
the organizer's desk, e-mails over a real SMTP conversation, and a race for the last place."""

from __future__ import annotations

import logging
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from tests.conftest import post_form
from tests.support.services import ScratchPostgres
from workshop import mail
from workshop.database import make_engine
from workshop.extensions import db
from workshop.models import (
    AuthSession,
    Base,
    Board,
    Lab,
    Registration,
    RegistrationStatus,
    User,
    UserRole,
    utcnow,
)
from workshop.registration import service
from workshop.registration.csv_export import export_registrations
from workshop.rooms import labs
from workshop.rooms import service as rooms

ACCEPTED, WAITING, CANCELLED = (
    RegistrationStatus.ACCEPTED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)
RACERS = 8  # threads racing for one last place


def person(n: int, lang: str = "it") -> service.Applicant:
    return service.Applicant(f"Persona {n}", f"p{n}@example.org", "APS Ponte", "volontaria", lang)


@pytest.fixture
def lab(world):
    made = labs.create_lab(
        db.session, "Laboratorio 2026", [], [world.project_a.id], world.organizer.id
    )
    db.session.commit()
    return made


def open_desk(lab_id: int, places: int) -> None:
    service.open_registration(db.session, lab_id, places, utcnow())
    db.session.commit()


def register(lab_id: int, n: int, lang: str = "it") -> list[service.Notice]:
    notices = service.register(db.session, lab_id, person(n, lang), utcnow())
    db.session.commit()
    return notices


def statuses(lab_id: int) -> list[tuple[str, str, int | None]]:
    return [(r.name, r.status.value, r.seat) for r in service.registrations_of(db.session, lab_id)]


# --- the domain: order, line, promotion ---------------------------------------------------------------


def test_people_are_accepted_in_order_and_the_rest_wait_with_their_position(lab):
    open_desk(lab.id, 2)
    kinds = [register(lab.id, n)[0] for n in range(1, 5)]
    assert [k.kind for k in kinds] == ["accepted", "accepted", "waiting", "waiting"]
    assert [k.position for k in kinds[2:]] == [1, 2]
    assert statuses(lab.id) == [
        ("Persona 1", "accepted", 1),
        ("Persona 2", "accepted", 2),
        ("Persona 3", "waiting", None),
        ("Persona 4", "waiting", None),
    ]
    fourth = db.session.scalar(
        sa.select(Registration).where(Registration.email == "p4@example.org")
    )
    assert service.position_in_line(db.session, fourth) == 2


def test_a_cancellation_admits_the_first_in_line_and_the_line_moves_up(lab):
    open_desk(lab.id, 1)
    for n in (1, 2, 3):
        register(lab.id, n)
    first = db.session.scalar(sa.select(Registration).where(Registration.email == "p1@example.org"))
    notices = service.cancel(db.session, first, utcnow())
    db.session.commit()
    assert [(n.kind, n.registration.name) for n in notices] == [
        ("cancelled", "Persona 1"),
        ("promoted", "Persona 2"),
    ]
    assert statuses(lab.id) == [
        ("Persona 1", "cancelled", None),
        ("Persona 2", "accepted", 1),
        ("Persona 3", "waiting", None),
    ]
    third = db.session.scalar(sa.select(Registration).where(Registration.email == "p3@example.org"))
    assert service.position_in_line(db.session, third) == 1
    # Cancelling again changes nothing and tells nobody.
    assert service.cancel(db.session, first, utcnow()) == []


def test_more_places_admit_the_line_and_fewer_than_the_accepted_are_refused(lab):
    open_desk(lab.id, 1)
    for n in (1, 2, 3, 4):
        register(lab.id, n)
    desk = service.desk_of(db.session, lab.id)
    promoted = service.set_places(db.session, desk, 3, utcnow())
    db.session.commit()
    assert [(n.kind, n.registration.name) for n in promoted] == [
        ("promoted", "Persona 2"),
        ("promoted", "Persona 3"),
    ]
    with pytest.raises(service.RegistrationError) as caught:
        service.set_places(db.session, desk, 2, utcnow())
    assert caught.value.code == "places_below_accepted"
    db.session.rollback()
    assert service.desk_of(db.session, lab.id).places == 3
    assert [s for _, s, _ in statuses(lab.id)] == ["accepted", "accepted", "accepted", "waiting"]


def test_fewer_places_move_high_seats_down(lab):
    open_desk(lab.id, 3)
    for n in (1, 2, 3):
        register(lab.id, n)
    first = db.session.scalar(sa.select(Registration).where(Registration.email == "p1@example.org"))
    service.cancel(db.session, first, utcnow(), by_organizer=True)
    service.set_places(db.session, service.desk_of(db.session, lab.id), 2, utcnow())
    db.session.commit()
    assert sorted(seat for _, s, seat in statuses(lab.id) if s == "accepted") == [1, 2]


def test_the_same_email_twice_is_refused_and_nothing_changes(lab):
    open_desk(lab.id, 5)
    register(lab.id, 1)
    again = service.Applicant("Altro nome", "  P1@Example.org ", "", "")
    with pytest.raises(service.RegistrationError) as caught:
        service.register(db.session, lab.id, again, utcnow())
    assert caught.value.code == "duplicate"
    db.session.rollback()
    assert statuses(lab.id) == [("Persona 1", "accepted", 1)]


def test_someone_who_cancelled_may_register_again_at_the_end_of_the_line(lab):
    open_desk(lab.id, 1)
    register(lab.id, 1)
    register(lab.id, 2)
    first = db.session.scalar(sa.select(Registration).where(Registration.email == "p1@example.org"))
    old_token = first.token
    service.cancel(db.session, first, utcnow())
    db.session.commit()
    notices = register(lab.id, 1)
    assert notices[0].kind == "waiting" and notices[0].position == 1
    assert notices[0].registration.token != old_token


def test_closed_registration_and_a_missing_lab_are_refused(lab):
    with pytest.raises(service.RegistrationError) as caught:
        service.register(db.session, lab.id, person(1), utcnow())
    assert caught.value.code == "closed"  # never opened
    open_desk(lab.id, 2)
    service.close_registration(db.session, service.desk_of(db.session, lab.id))
    db.session.commit()
    with pytest.raises(service.RegistrationError) as caught:
        service.register(db.session, lab.id, person(1), utcnow())
    assert caught.value.code == "closed"
    with pytest.raises(service.RegistrationError) as caught:
        service.register(db.session, lab.id + 1000, person(1), utcnow())
    assert caught.value.code == "no_lab"
    db.session.rollback()
    assert statuses(lab.id) == []


@pytest.mark.parametrize("places", [0, -1, 10_001, "3", True, None])
def test_bad_numbers_of_places_are_refused(lab, places):
    with pytest.raises(service.RegistrationError) as caught:
        service.open_registration(db.session, lab.id, places, utcnow())
    assert caught.value.code == "bad_places"


# --- concurrency: real threads on the real database ------------------------------------------------


def race_for_the_last_place(url: str) -> list[tuple[str, int | None]]:
    """RACERS threads, each with its own connection, register at once for a lab with one place
    left. Returns (status, seat) of every registration."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    make_session = orm.sessionmaker(bind=engine, expire_on_commit=False)
    with make_session() as session:
        lab = labs.create_lab(session, "Corsa", [], [], None)
        service.open_registration(session, lab.id, 2, utcnow())
        service.register(session, lab.id, person(0), utcnow())
        session.commit()
        lab_id = lab.id
    start = threading.Barrier(RACERS)
    errors: list[BaseException] = []

    def racer(n: int) -> None:
        with make_session() as session:
            try:
                start.wait()
                service.register(session, lab_id, person(n), utcnow())
                session.commit()
            except BaseException as error:  # reported below, not lost in the thread
                errors.append(error)

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(1, RACERS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with make_session() as session:
        rows = [(r.status.value, r.seat) for r in service.registrations_of(session, lab_id)]
    engine.dispose()
    assert errors == []
    return rows


def test_concurrent_registrations_for_the_last_place_one_wins_on_sqlite(tmp_path):
    rows = race_for_the_last_place(f"sqlite:///{tmp_path / 'race.sqlite3'}")
    assert len(rows) == RACERS + 1
    assert sorted(seat for status, seat in rows if status == "accepted") == [1, 2]
    assert sum(status == "waiting" for status, _ in rows) == RACERS - 1


@pytest.mark.postgres
def test_concurrent_registrations_for_the_last_place_one_wins_on_postgres():
    with ScratchPostgres() as scratch:
        rows = race_for_the_last_place(scratch.url)
    assert sorted(seat for status, seat in rows if status == "accepted") == [1, 2]
    assert sum(status == "waiting" for status, _ in rows) == RACERS - 1


# --- e-mail: a real SMTP conversation, and the log in development ---------------------------------


def open_form_desk(world, places: int) -> Lab:
    lab = labs.create_lab(
        db.session, "Laboratorio 2026", [], [world.project_a.id], world.organizer.id
    )
    service.open_registration(db.session, lab.id, places, utcnow())
    db.session.commit()
    return lab


def sign_up(client, lab_id: int, n: int):
    return post_form(
        client,
        f"/labs/{lab_id}/register",
        {
            "name": f"Persona {n}",
            "email": f"p{n}@example.org",
            "organisation": "APS",
            "role": "socia",
        },
    )


def test_emails_go_through_the_smtp_server_after_the_commit_in_the_registrants_language(
    mailing_app, smtp_sink
):
    organizer = User(email="org@example.org", name="Olga", role=UserRole.ORGANIZER)
    organizer.set_password("correct-horse-battery")
    db.session.add(organizer)
    db.session.commit()
    lab = labs.create_lab(db.session, "Laboratorio 2026", [], [], organizer.id)
    service.open_registration(db.session, lab.id, 1, utcnow())
    db.session.commit()
    italian, english = mailing_app.test_client(), mailing_app.test_client()
    assert sign_up(italian, lab.id, 1).status_code == 302
    with english.session_transaction() as cookie:
        cookie["lang"] = "en"
    response = sign_up(english, lab.id, 2)
    assert response.status_code == 302
    # A duplicate changes nothing; its owner is told, with the personal link once more.
    assert sign_up(italian, lab.id, 1).status_code == 302
    assert [m["to"] for m in smtp_sink.messages] == [
        ["<p1@example.org>"],
        ["<p2@example.org>"],
        ["<p1@example.org>"],
    ]
    accepted, waiting, already = (m["message"] for m in smtp_sink.messages)
    assert accepted["From"] == "lab@example.org"
    assert accepted["Subject"] == "Hai un posto in Laboratorio 2026"
    token = db.session.scalar(
        sa.select(Registration.token).where(Registration.email == "p1@example.org")
    )
    assert f"/registration/{token}" in accepted.get_content()
    assert already["Subject"] == "Sei già iscritta o iscritto a Laboratorio 2026"
    assert (
        f"/registration/{token}" in already.get_content() and "già iscritt" in already.get_content()
    )
    assert waiting["Subject"] == "You are on the waiting list for Laboratorio 2026"
    assert "number 1 on the waiting list" in waiting.get_content()
    assert any(
        line.upper().startswith("MAIL FROM:<LAB@EXAMPLE.ORG>") for line in smtp_sink.transcript
    )
    # The first cancels through the personal link: the second is admitted and told, in English.
    page = italian.get(f"/registration/{token}").get_data(as_text=True)
    assert "Annulla la mia iscrizione" in page
    assert post_form(italian, f"/registration/{token}/cancel").status_code == 302
    subjects = [m["message"]["Subject"] for m in smtp_sink.messages[3:]]
    assert subjects == [
        "La tua iscrizione a Laboratorio 2026 è annullata",
        "A place freed up: you are in Laboratorio 2026",
    ]


def test_nothing_is_mailed_about_a_registration_that_was_rolled_back(mailing_app, smtp_sink):
    lab = labs.create_lab(db.session, "Chiuso", [], [], None)
    service.open_registration(db.session, lab.id, 1, utcnow())
    service.close_registration(db.session, service.desk_of(db.session, lab.id))
    db.session.commit()
    client = mailing_app.test_client()
    assert sign_up(client, lab.id, 1).status_code == 403
    assert smtp_sink.messages == [] and statuses(lab.id) == []


def test_without_an_smtp_host_the_message_is_written_to_the_log(caplog):
    settings = mail.MailSettings(host=None, sender="lab@example.org")
    message = mail.compose(settings, "bea@example.org", "Oggetto", "Ciao Bea")
    with caplog.at_level(logging.INFO, logger="workshop.mail"):
        mail.send(settings, message)
    assert "To: bea@example.org" in caplog.text and "Ciao Bea" in caplog.text


def test_an_unreachable_smtp_server_is_logged_not_raised(caplog):
    settings = mail.MailSettings(host="127.0.0.1", port=1, security="none", timeout_s=2)
    with caplog.at_level(logging.ERROR, logger="workshop.mail"):
        assert (
            mail.send_quietly(settings, mail.compose(settings, "a@example.org", "x", "y")) is False
        )
    assert "not sent" in caplog.text


# --- the web: form, personal link, entering the lab ---------------------------------------------------


def token_of(n: int) -> str:
    """The personal link's token of p<n>@example.org (sent by e-mail, never shown by the form)."""
    return db.session.scalar(
        sa.select(Registration.token).where(Registration.email == f"p{n}@example.org")
    )


def test_the_form_registers_and_the_link_shows_the_place_or_the_position(client, world, caplog):
    lab = open_form_desk(world, 1)
    with caplog.at_level(logging.INFO, logger="workshop.mail"):
        first = sign_up(client, lab.id, 1)
    assert "Hai un posto" in caplog.text  # development: the e-mail is in the log
    assert "Cerca la nostra e-mail" in client.get(first.headers["Location"]).get_data(as_text=True)
    mine = client.get(f"/registration/{token_of(1)}").get_data(as_text=True)
    assert mine.count('data-status="accepted"') == 1
    sign_up(client, lab.id, 2)
    page = client.get(f"/registration/{token_of(2)}").get_data(as_text=True)
    assert 'data-status="waiting"' in page and "numero 1" in page


def test_the_form_answers_a_known_address_exactly_as_a_new_one(client, world):
    """Issue 19: the public form must not tell a stranger who is registered."""
    lab = open_form_desk(world, 3)
    new = sign_up(client, lab.id, 1)
    known = sign_up(client, lab.id, 1)
    assert (known.status_code, known.headers["Location"]) == (
        new.status_code,
        new.headers["Location"],
    )
    assert known.get_data() == new.get_data()
    assert set(known.headers.keys()) == set(new.headers.keys())
    assert (
        client.get(known.headers["Location"]).get_data()
        == client.get(new.headers["Location"]).get_data()
    )
    assert len(statuses(lab.id)) == 1  # nothing changed


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "email": "a@example.org"},
        {"name": "Bea", "email": "non-una-mail"},
        {"name": "Bea", "email": ""},
        {"name": "x" * 61, "email": "a@example.org"},
        {"name": "Bea", "email": "a@example.org", "organisation": "o" * 201},
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(client, world, data):
    lab = open_form_desk(world, 3)
    response = post_form(client, f"/labs/{lab.id}/register", data)
    assert response.status_code == 200 and "field-error" in response.get_data(as_text=True)
    assert statuses(lab.id) == []


def test_closed_and_missing_registrations_give_a_clear_error(client, world):
    lab = open_form_desk(world, 3)
    service.close_registration(db.session, service.desk_of(db.session, lab.id))
    db.session.commit()
    closed = client.get(f"/labs/{lab.id}/register")
    assert closed.status_code == 403 and "chiuse" in closed.get_data(as_text=True)
    assert client.get(f"/labs/{lab.id + 99}/register").status_code == 404
    assert client.get("/registration/no-such-token").status_code == 404


def live_session_of(world):
    board = db.session.get(Board, world.project_a.boards[0].id)
    return rooms.open_session(db.session, board, f"u:{world.conductor.id}", "Plenaria", utcnow())


def test_an_accepted_registrant_enters_the_live_session_with_their_name(client, world):
    lab = open_form_desk(world, 1)
    sign_up(client, lab.id, 1)
    token = token_of(1)
    # No live session yet: the link says so, and lets nobody in.
    assert post_form(client, f"/registration/{token}/enter").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthSession)) == 0
    live = live_session_of(world)
    assert "Entra nel laboratorio" in client.get(f"/registration/{token}").get_data(as_text=True)
    response = post_form(client, f"/registration/{token}/enter")
    assert response.headers["Location"].endswith(f"/boards/{live.plenary_board_id}")
    board = client.get(response.headers["Location"])
    assert board.status_code == 200 and "Persona 1" in board.get_data(as_text=True)
    # Removed by the organizer: the session it opened ends.
    registration = db.session.scalar(sa.select(Registration))
    service.cancel(db.session, registration, utcnow(), by_organizer=True)
    db.session.commit()
    assert client.get(f"/boards/{live.plenary_board_id}").status_code in (302, 401)


def test_a_waiting_or_cancelled_registration_lets_nobody_in(client, world):
    lab = open_form_desk(world, 1)
    live_session_of(world)
    sign_up(client, lab.id, 1)
    sign_up(client, lab.id, 2)
    waiting_token = token_of(2)
    assert post_form(client, f"/registration/{waiting_token}/enter").status_code == 403
    first = db.session.scalar(sa.select(Registration).where(Registration.email == "p1@example.org"))
    service.cancel(db.session, first, utcnow())
    db.session.commit()
    assert post_form(client, f"/registration/{first.token}/enter").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthSession)) == 0


# --- the organizer's desk and who may reach it ---------------------------------------------------------


def test_the_organizer_opens_changes_removes_closes_and_downloads_the_csv(client, auth, world):
    lab = labs.create_lab(
        db.session, "Laboratorio 2026", [], [world.project_a.id], world.organizer.id
    )
    db.session.commit()
    auth.login("org@example.org")
    assert (
        post_form(client, f"/labs/{lab.id}/registrations/places", {"places": "1"}).status_code
        == 302
    )
    visitor = client.application.test_client()
    for n in (1, 2, 3):
        sign_up(visitor, lab.id, n)
    page = client.get(f"/labs/{lab.id}/registrations").get_data(as_text=True)
    assert "ammessi: 1 · in attesa: 2" in page and "p3@example.org" in page
    assert (
        post_form(client, f"/labs/{lab.id}/registrations/places", {"places": "0"}).status_code
        == 400
    )
    assert (
        post_form(client, f"/labs/{lab.id}/registrations/places", {"places": "2"}).status_code
        == 302
    )
    first = db.session.scalar(sa.select(Registration).where(Registration.email == "p1@example.org"))
    assert post_form(client, f"/labs/{lab.id}/registrations/{first.id}/remove").status_code == 302
    assert [s for _, s, _ in statuses(lab.id)] == ["cancelled", "accepted", "accepted"]
    assert post_form(client, f"/labs/{lab.id}/registrations/close").status_code == 302
    assert sign_up(visitor, lab.id, 4).status_code == 403
    csv = client.get(f"/labs/{lab.id}/registrations.csv")
    body = csv.get_data()
    assert body.startswith(b"\xef\xbb\xbf") and csv.headers["Content-Disposition"].startswith(
        "attachment"
    )
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("nome;e-mail;organizzazione") and len(lines) == 4
    assert "Persona 1;p1@example.org;APS;socia;annullato" in lines[1]


def test_the_csv_neutralises_formulas():
    row = Registration(
        id=1,
        name='=HYPERLINK("x")',
        email="a@example.org",
        organisation="+39",
        role="@ruolo",
        status=RegistrationStatus.WAITING,
        arrived_at=utcnow(),
    )
    line = export_registrations([row], {1: 1}).decode("utf-8-sig").splitlines()[1]
    assert line.startswith('"\'=HYPERLINK(""x"")";a@example.org;\'+39;\'@ruolo;in attesa;1;')


@pytest.mark.parametrize("who", ["anonymous", "conductor", "participant"])
def test_only_organizers_see_or_manage_registrations(client, auth, world, who):
    lab = open_form_desk(world, 1)
    sign_up(client.application.test_client(), lab.id, 1)
    if who == "conductor":
        auth.login("cond@example.org")
    elif who == "participant":
        auth.join(world.invite_a.code)
    registration = db.session.scalar(sa.select(Registration))
    refused = (401, 403) if who != "anonymous" else (302, 401)
    for url in (f"/labs/{lab.id}/registrations", f"/labs/{lab.id}/registrations.csv"):
        assert client.get(url).status_code in refused
    for url, data in (
        (f"/labs/{lab.id}/registrations/places", {"places": "5"}),
        (f"/labs/{lab.id}/registrations/close", {}),
        (f"/labs/{lab.id}/registrations/{registration.id}/remove", {}),
    ):
        assert post_form(client, url, data).status_code in refused
    assert statuses(lab.id) == [("Persona 1", "accepted", 1)]
    assert (
        service.desk_of(db.session, lab.id).places == 1
        and service.desk_of(db.session, lab.id).is_open
    )


def test_a_registration_of_another_lab_cannot_be_removed_through_this_one(client, auth, world):
    lab = open_form_desk(world, 1)
    other = open_form_desk(world, 1)
    sign_up(client.application.test_client(), other.id, 1)
    registration = db.session.scalar(sa.select(Registration))
    auth.login("org@example.org")
    assert (
        post_form(client, f"/labs/{lab.id}/registrations/{registration.id}/remove").status_code
        == 404
    )
    assert statuses(other.id) == [("Persona 1", "accepted", 1)]
