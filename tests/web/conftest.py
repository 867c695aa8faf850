"""Fixtures for the HTTP tests: the resources of project A that routes name, and logging in as
each kind of person."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.smtp import mailing_app, smtp_sink  # noqa: F401  (fixtures for the e-mail tests)
from workshop.access import service as access
from workshop.extensions import db
from workshop.models import utcnow
from workshop.projects import report_links

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


@pytest.fixture
def targets(world):
    """Project A's resources by the names routes give their arguments, plus form values."""
    invite = world.invite_a
    removable = access.join(db.session, invite, "Ugo", timedelta(hours=1), utcnow())
    report_board = next(b for b in world.project_a.boards if b.kind.value == "social_reporting")
    report_link = report_links.create_link(db.session, report_board, world.conductor.id, "it")
    registration = _registration_for_a(world)
    task, measurement_link = _monitoring_for_a(world)
    db.session.commit()
    return {
        "project_id": world.project_a.id,
        "board_id": world.project_a.boards[0].id,
        "fmt": "pdf",  # a board diagram's format
        "item_type": "sticky",  # a board's items as CSV
        "seq": 0,  # a point of a board's history
        "job_id": "j0",  # a download job nobody started (tests/web/test_jobs.py follows real ones)
        "report_board_id": report_board.id,
        "link_id": report_link.id,
        "report_token": report_link.token,
        "toc_board_id": next(
            b.id for b in world.project_a.boards if b.kind.value == "theory_of_change"
        ),
        "invite_id": invite.id,
        "participant_id": removable.participant_id,
        "user_id": world.conductor.id,
        "token": invite.token,
        "invite_code": invite.code,
        "conductor_b_id": world.other_conductor.id,
        "actor_id": "no-such-actor",  # the positions of an actor nobody placed: 404 once let in
        "line_id": 0,  # a co-funding ledger line nobody wrote: 404 once let in
        "meeting_id": 0,  # a lab meeting nobody held: its verbale is 404 once let in
        "session_id": (live_id := _live_session_of_a(world)),
        "verbale_id": _verbale_of(world, live_id),
        **_library_targets(world, registration.lab_id),
        "lab_id": registration.lab_id,
        "registration_id": registration.id,
        "registration_token": registration.token,
        **_needs_targets(world),
        "task_id": task.id,  # a collection of the monitoring calendar, with its owner's link
        "measurement_token": measurement_link.token,
    }


def _needs_targets(world) -> dict:
    """A call for needs of project A with one form link sent (issue 17)."""
    from workshop.needs import service as needs

    call = needs.open_call(db.session, world.project_a.id, "Bisogni", world.organizer.id)
    link = needs.send_link(
        db.session,
        call,
        name="Ida",
        organisation="APS",
        email="ida@example.org",
        created_by_id=None,
    )
    db.session.commit()
    return {"call_id": call.id, "needs_link_id": link.id, "needs_token": link.token}


def _registration_for_a(world):
    """A lab of project A with registration open and one accepted registration."""
    from workshop.registration import service as registration
    from workshop.rooms import labs

    lab = labs.create_lab(db.session, "Laboratorio A", [], [world.project_a.id], world.organizer.id)
    registration.open_registration(db.session, lab.id, 5, utcnow())
    applicant = registration.Applicant("Ines", "ines@example.org", "APS", "socia")
    return registration.register(db.session, lab.id, applicant, utcnow())[0].registration


def _verbale_of(world, live_id: int) -> int:
    """The verbale of project A's live session (issue 17)."""
    from workshop.meetings import verbale

    return verbale.current(db.session, world.project_a.id, live_session_id=live_id).id


def _monitoring_for_a(world):
    """A collection task of project A (its indicator is not on the board) and the owner's link."""
    from datetime import date

    from workshop.models import MonitoringTask
    from workshop.monitoring import service as monitoring

    task = MonitoringTask(
        project_id=world.project_a.id, indicator_id="ind-x", due_on=date(2027, 3, 31)
    )
    db.session.add(task)
    db.session.flush()
    return task, monitoring.send_link(db.session, task, email="anna@example.org", now=utcnow())


def _live_session_of_a(world) -> int:
    """A live session on project A's first board (rooms): its attendance is a route."""
    from workshop.models import Board
    from workshop.rooms import service as rooms

    board = db.session.get(Board, world.project_a.boards[0].id)
    live = rooms.open_session(db.session, board, f"u:{world.conductor.id}", "Plenaria", utcnow())
    return live.id


def _library_targets(world, lab_id: int) -> dict:
    """The practice library: a material by project A's conductor, attached to project A and to
    project A's lab; a published case history of project B (closed), with one of its boards."""
    from workshop.library import cases, catalogue
    from workshop.models import MaterialKind, ProjectStatus

    material = catalogue.add_material(
        db.session,
        None,
        catalogue.MaterialFields(
            "Regolamento", MaterialKind.NORMATIVE, url="https://example.org/r"
        ),
        None,
        world.conductor.id,
    )
    catalogue.attach_to_project(db.session, material, world.project_a.id)
    catalogue.attach_to_lab(db.session, material, lab_id)
    world.project_b.status = ProjectStatus.CLOSED
    case = cases.publish(
        db.session,
        world.project_b,
        cases.Summary("Caso B"),
        [world.project_b.boards[0].id],
        world.other_conductor.id,
    )
    db.session.commit()
    return {"material_id": material.id, "case_id": case.id, "case_board_id": case.boards[0].id}


@pytest.fixture
def become(auth, world):
    """Log the client in as one of PRINCIPALS, through the real forms."""

    def become(who: str) -> None:
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

    return become


@pytest.fixture
def english(client):
    """Pages in English, the language of the interface's source strings, for tests that read
    messages (Italian is the default; tests/web/test_i18n.py covers the translations)."""
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client
