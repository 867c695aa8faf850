"""Projects: creating them with their four session boards, the record, free boards, invites and
conductors, through the real pages."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.conftest import count, post_form
from tests.support.routes import fingerprint
from workshop.extensions import db
from workshop.models import (
    SESSION_BOARD_KINDS,
    Board,
    BoardKind,
    Invite,
    InviteRole,
    Project,
    ProjectStatus,
)
from workshop.projects.catalogue import THIRD_SECTOR_TYPES

pytestmark = pytest.mark.usefixtures("english")

FULL_RECORD = {
    "title": "Comunità che cura",
    "status": "draft",
    "notice_name": "Avviso pubblico di co-progettazione",
    "notice_act": "Determina n. 12/2026",
    "proposing_body": "Comune di Borgo Sereno",
    "territory": "Ambito Valle Serena, 14 Comuni",
    "third_sector_types": ["odv", "aps", "social_cooperative"],
    "motivation": "Perché nessuno ce la fa da solo.",
    "requested_activities": "Sportello; accompagnamento.",
    "public_resources_monetary": "FNPS 2026",
    "public_resources_in_kind": "Locali comunali",
    "third_sector_cofunding": "Volontariato",
    "procedure_steps": "Avvio; avviso; istruttoria; tavolo; convenzione.",
    "table_coordination": "La RUP con una facilitatrice.",
    "participant_selection": "Gli enti ammessi.",
    "conflict_handling": "Consenso, poi maggioranza qualificata.",
    "strengths": "Rete attiva.",
    "weaknesses": "Tempi stretti.",
    # The rest of the seed-004 record (issue 16).
    "rup": "Dott.ssa Anna Neri",
    "political_act": "Delibera di Giunta n. 31/2026",
    "cup": "D61B26000120006",
    "instrument": "co_design",
    "scheme_general_objective": "Autonomia abitativa delle famiglie fragili.",
    "scheme_specific_objectives": "1. Sportello casa (presa in carico); 2. Alloggi ponte (accoglienza).",
    "public_in_kind_eur": "51726",
    "agreement_date": "2026-09-30",
    "agreement_number": "17/2026",
    "agreement_duration": "36 mesi",
    "strength_tags": "rete, territorio, rete",
    "weakness_tags": "tempi",
}


def record_of(project_id: int) -> dict:
    db.session.expire_all()
    project = db.session.get(Project, project_id)
    return {name: getattr(project, name) for name in FULL_RECORD}


@pytest.fixture
def organizer(world, auth):
    auth.login(world.organizer.email)
    return world.organizer


# --- creating -------------------------------------------------------------------------------


def test_the_new_project_form_preselects_the_status_a_new_project_gets(client, organizer):
    page = client.get("/projects/new").get_data(as_text=True)
    status_select = re.search(r'<select[^>]*name="status".*?</select>', page, re.S).group(0)
    selected = re.findall(
        r'<option selected value="(\w+)"|<option value="(\w+)" selected', status_select
    )
    assert [a or b for a, b in selected] == [Project.status.default.arg.value]


def test_an_organizer_creates_a_project_with_its_four_session_boards_in_order(client, organizer):
    response = post_form(
        client, "/projects/new", {"title": "  Nuovo progetto ", "status": "active"}
    )
    assert response.status_code == 302
    project_id = int(response.headers["Location"].rsplit("/", 1)[1])
    project = db.session.get(Project, project_id)
    assert project.title == "Nuovo progetto"
    assert project.created_by_id == organizer.id
    boards = db.session.scalars(
        sa.select(Board).where(Board.project_id == project_id).order_by(Board.position)
    )
    assert [(b.kind, b.position) for b in boards] == [
        (k, i) for i, k in enumerate(SESSION_BOARD_KINDS)
    ]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for label in (
        "Context and problem analysis",
        "Stakeholder mapping",
        "Theory of Change",
        "Social reporting",
    ):
        assert label in page


def test_a_project_created_with_every_field_keeps_them(client, organizer):
    response = post_form(client, "/projects/new", FULL_RECORD)
    project_id = int(response.headers["Location"].rsplit("/", 1)[1])
    saved = record_of(project_id)
    assert saved["third_sector_types"] == ["odv", "aps", "social_cooperative"]
    assert saved["status"] == ProjectStatus.DRAFT
    assert (
        saved["rup"] == "Dott.ssa Anna Neri"
        and saved["table_coordination"] == "La RUP con una facilitatrice."
    )
    assert saved["public_in_kind_eur"] == Decimal("51726.00") and saved["agreement_date"] == date(
        2026, 9, 30
    )
    assert saved["strength_tags"] == ["rete", "territorio"] and saved["weakness_tags"] == ["tempi"]
    assert saved["instrument"] == "co_design" and saved["cup"] == "D61B26000120006"
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    for shown in (
        "Dott.ssa Anna Neri",
        "Delibera di Giunta n. 31/2026",
        "D61B26000120006",
        "17/2026",
        "36 mesi",
        "territorio",
    ):
        assert shown in page, shown
    assert "51,726.00" in page or "51.726,00" in page


def test_an_unknown_instrument_is_refused_and_saves_nothing(client, organizer):
    before = count(Project)
    response = post_form(
        client, "/projects/new", {"title": "X", "status": "active", "instrument": "appalto"}
    )
    assert response.status_code == 200 and count(Project) == before


@pytest.mark.parametrize("who", ["conductor", "other_conductor"])
def test_conductors_cannot_create_projects(client, world, auth, who):
    auth.login(getattr(world, who).email)
    before = count(Project)
    assert client.get("/projects/new").status_code == 403
    assert (
        post_form(client, "/projects/new", {"title": "Mio", "status": "active"}).status_code == 403
    )
    assert count(Project) == before


# --- editing the record ---------------------------------------------------------------------


def test_editing_saves_every_field_of_the_record(client, world, organizer):
    project_id = world.project_a.id
    response = post_form(client, f"/projects/{project_id}/edit", FULL_RECORD)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{project_id}"
    saved = record_of(project_id)
    expected = {
        **FULL_RECORD,
        "status": ProjectStatus.DRAFT,
        "public_in_kind_eur": Decimal("51726.00"),
        "agreement_date": date(2026, 9, 30),
        "strength_tags": ["rete", "territorio"],
        "weakness_tags": ["tempi"],
    }
    assert saved == expected

    form = client.get(f"/projects/{project_id}/edit").get_data(as_text=True)
    for code in FULL_RECORD["third_sector_types"]:
        assert re.search(
            rf'<input[^>]*checked[^>]*value="{code}"|<input[^>]*value="{code}"[^>]*checked', form
        )


def test_the_record_types_no_euro_totals_they_come_from_the_ledger(client, world, organizer):
    """Issue 16: one budget. A total posted to the record form is not stored (the form has no
    such field); the record shows the ledger's totals instead."""
    project_id = world.project_a.id
    post_form(
        client, f"/projects/{project_id}/edit", {**FULL_RECORD, "public_resources_eur": "480000"}
    )
    db.session.expire_all()
    assert db.session.get(Project, project_id).public_resources_eur is None
    form = client.get(f"/projects/{project_id}/edit").get_data(as_text=True)
    assert 'name="public_resources_eur"' not in form
    assert f"/projects/{project_id}/ledger/" in form


BAD_INPUT = [
    ("title", "", "title"),
    ("title", "   ", "title"),
    ("title", "x" * 201, "title"),
    ("status", "archived", "status"),
    ("third_sector_types", ["odv", "spa"], "third_sector_types"),
    ("motivation", "x" * 20_001, "motivation"),
]


@pytest.mark.parametrize(("field", "value", "error_field"), BAD_INPUT)
@pytest.mark.parametrize("page", ["new", "edit"])
def test_bad_record_input_gets_a_clear_error_and_changes_nothing(
    client, world, organizer, field, value, error_field, page
):
    url = "/projects/new" if page == "new" else f"/projects/{world.project_a.id}/edit"
    before = fingerprint()
    response = post_form(client, url, {**FULL_RECORD, field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{error_field}-error"' in html or (
        error_field == "third_sector_types" and 'class="field-error"' in html
    ), "the error is shown next to its field"
    assert "Some fields need a correction" in html
    assert fingerprint() == before


# --- free boards ----------------------------------------------------------------------------


def test_free_boards_follow_the_session_boards(client, world, organizer):
    project_id = world.project_a.id
    first = post_form(client, f"/projects/{project_id}/boards", {"title": "  Idee  libere "})
    second = post_form(client, f"/projects/{project_id}/boards", {"title": "Parcheggio"})
    for response in (first, second):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/boards/")
    boards = db.session.scalars(
        sa.select(Board).where(Board.project_id == project_id).order_by(Board.position)
    ).all()
    assert [(b.kind, b.title, b.position) for b in boards[4:]] == [
        (BoardKind.FREE, "Idee libere", 4),
        (BoardKind.FREE, "Parcheggio", 5),
    ]
    assert "Idee libere" in client.get(first.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_a_free_board_needs_a_title(client, world, organizer, title):
    before = fingerprint()
    response = post_form(client, f"/projects/{world.project_a.id}/boards", {"title": title})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{world.project_a.id}"
    assert "Give the board a title" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert fingerprint() == before


# --- invites --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["participant", "observer"])
@pytest.mark.parametrize("scope", ["project", "board"])
def test_invites_for_the_project_or_one_board(client, world, organizer, role, scope):
    board = world.project_a.boards[1]
    board_id = board.id if scope == "board" else 0
    response = post_form(
        client,
        f"/projects/{world.project_a.id}/invites",
        {"board_id": str(board_id), "role": role, "label": "  Gruppo   giovani "},
    )
    assert response.status_code == 302
    invite = db.session.scalars(sa.select(Invite).order_by(Invite.id.desc())).first()
    assert (invite.project_id, invite.board_id, invite.role, invite.label) == (
        world.project_a.id,
        board.id if scope == "board" else None,
        InviteRole(role),
        "Gruppo giovani",
    )
    page = client.get(f"/projects/{world.project_a.id}").get_data(as_text=True)
    assert f"{invite.code[:4]}-{invite.code[4:]}" in page  # the code as people read it
    assert f"/j/{invite.token}" in page


@pytest.mark.parametrize(
    ("board", "role"),
    [("of_project_b", "participant"), ("unknown", "participant"), ("own", "admin")],
)
def test_an_invite_for_a_foreign_board_or_role_is_refused(client, world, organizer, board, role):
    board_id = {
        "of_project_b": world.project_b.boards[0].id,
        "unknown": 999_999,
        "own": world.project_a.boards[0].id,
    }[board]
    before = fingerprint()
    response = post_form(
        client, f"/projects/{world.project_a.id}/invites", {"board_id": str(board_id), "role": role}
    )
    assert response.status_code == 400
    assert fingerprint() == before


def test_revoking_an_invite_from_another_project_is_not_found(client, world, organizer):
    url = f"/projects/{world.project_a.id}/invites/{world.invite_b.id}/revoke"
    assert post_form(client, url).status_code == 404
    assert db.session.get(Invite, world.invite_b.id).revoked_at is None


def test_a_revoked_invite_is_shown_as_revoked(client, world, organizer):
    url = f"/projects/{world.project_a.id}/invites/{world.invite_a.id}/revoke"
    assert post_form(client, url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Invite, world.invite_a.id).revoked_at is not None
    assert "Revoked" in client.get(f"/projects/{world.project_a.id}").get_data(as_text=True)


# --- conductors -----------------------------------------------------------------------------


def project_titles(client) -> list[str]:
    html = client.get("/projects/").get_data(as_text=True)
    return sorted(set(re.findall(r"Progetto [AB]", html)))


def test_a_conductor_sees_only_the_projects_assigned_to_them(client, world, auth):
    auth.login(world.conductor.email)
    assert project_titles(client) == ["Progetto A"]
    assert client.get(f"/projects/{world.project_a.id}").status_code == 200
    assert client.get(f"/projects/{world.project_b.id}").status_code == 403


def test_an_organizer_sees_every_project(client, world, organizer):
    assert project_titles(client) == ["Progetto A", "Progetto B"]


def test_assigning_and_removing_a_conductor_opens_and_closes_the_project(
    app, client, world, organizer
):
    from tests.conftest import Auth

    conductor = app.test_client()
    Auth(conductor).login(world.other_conductor.email)
    project_a = world.project_a.id
    assert conductor.get(f"/projects/{project_a}").status_code == 403

    assigned = post_form(
        client, f"/projects/{project_a}/conductors", {"user_id": str(world.other_conductor.id)}
    )
    assert assigned.status_code == 302
    assert conductor.get(f"/projects/{project_a}").status_code == 200
    assert "Chiara" in client.get(f"/projects/{project_a}").get_data(as_text=True)

    removed = post_form(
        client, f"/projects/{project_a}/conductors/{world.other_conductor.id}/remove"
    )
    assert removed.status_code == 302
    assert conductor.get(f"/projects/{project_a}").status_code == 403


@pytest.mark.parametrize("who", ["organizer", "unknown"])
def test_only_a_conductor_account_can_be_assigned(client, world, organizer, who):
    user_id = world.organizer.id if who == "organizer" else 999_999
    before = fingerprint()
    response = post_form(
        client, f"/projects/{world.project_a.id}/conductors", {"user_id": str(user_id)}
    )
    assert response.status_code == 400
    assert fingerprint() == before


def test_every_third_sector_type_has_a_label_in_the_form(client, organizer):
    html = client.get("/projects/new").get_data(as_text=True)
    for code in THIRD_SECTOR_TYPES:
        assert f'value="{code}"' in html
    assert "Social cooperative" in html
