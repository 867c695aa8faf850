"""The pure access policy: who may see and change what, without an app or a database."""

from __future__ import annotations

import pytest

from workshop.access import policy
from workshop.access.principal import Principal
from workshop.models import InviteRole, UserRole

PROJECT_A, PROJECT_B = 1, 2
BOARD_A1, BOARD_A2, BOARD_B1 = 11, 12, 21
BOARDS = {BOARD_A1: PROJECT_A, BOARD_A2: PROJECT_A, BOARD_B1: PROJECT_B}

ORGANIZER = Principal("s-org", user_id=1, user_role=UserRole.ORGANIZER)
CONDUCTOR_A = Principal(
    "s-cond", user_id=2, user_role=UserRole.CONDUCTOR, conducted_project_ids=frozenset({PROJECT_A})
)
CONDUCTOR_NONE = Principal("s-cond0", user_id=3, user_role=UserRole.CONDUCTOR)
PARTICIPANT_A = Principal(
    "s-pa",
    participant_id=10,
    invite_id=100,
    invite_project_id=PROJECT_A,
    invite_role=InviteRole.PARTICIPANT,
)
PARTICIPANT_A1_ONLY = Principal(
    "s-pa1",
    participant_id=11,
    invite_id=101,
    invite_project_id=PROJECT_A,
    invite_board_id=BOARD_A1,
    invite_role=InviteRole.PARTICIPANT,
)
OBSERVER_A = Principal(
    "s-oa",
    participant_id=12,
    invite_id=102,
    invite_project_id=PROJECT_A,
    invite_role=InviteRole.OBSERVER,
)
PARTICIPANT_B = Principal(
    "s-pb",
    participant_id=13,
    invite_id=103,
    invite_project_id=PROJECT_B,
    invite_role=InviteRole.PARTICIPANT,
)

WHO = {
    "anonymous": None,
    "organizer": ORGANIZER,
    "conductor_a": CONDUCTOR_A,
    "conductor_none": CONDUCTOR_NONE,
    "participant_a": PARTICIPANT_A,
    "participant_a1_only": PARTICIPANT_A1_ONLY,
    "observer_a": OBSERVER_A,
    "participant_b": PARTICIPANT_B,
}


def _cases(table):
    """Expand {who: (allowed...)} into (who, target, expected) for every target."""
    return [(who, target, target in allowed) for who, allowed in table.items() for target in BOARDS]


VIEW = {
    "anonymous": (),
    "organizer": (BOARD_A1, BOARD_A2, BOARD_B1),
    "conductor_a": (BOARD_A1, BOARD_A2),
    "conductor_none": (),
    "participant_a": (BOARD_A1, BOARD_A2),
    "participant_a1_only": (BOARD_A1,),
    "observer_a": (BOARD_A1, BOARD_A2),
    "participant_b": (BOARD_B1,),
}
EDIT = {**VIEW, "observer_a": ()}


@pytest.mark.parametrize(("who", "board_id", "expected"), _cases(VIEW))
def test_board_is_visible_only_inside_the_principals_scope(who, board_id, expected):
    assert policy.can_view_board(WHO[who], BOARDS[board_id], board_id) is expected


@pytest.mark.parametrize(("who", "board_id", "expected"), _cases(EDIT))
def test_observers_and_outsiders_cannot_edit_a_board(who, board_id, expected):
    assert policy.can_edit_board(WHO[who], BOARDS[board_id], board_id) is expected


MANAGE = {
    "anonymous": (),
    "organizer": (PROJECT_A, PROJECT_B),
    "conductor_a": (PROJECT_A,),
    "conductor_none": (),
    "participant_a": (),
    "participant_a1_only": (),
    "observer_a": (),
    "participant_b": (),
}


@pytest.mark.parametrize(
    ("who", "project_id", "expected"),
    [(who, p, p in allowed) for who, allowed in MANAGE.items() for p in (PROJECT_A, PROJECT_B)],
)
def test_only_organizers_and_assigned_conductors_manage_a_project(who, project_id, expected):
    assert policy.can_manage_project(WHO[who], project_id) is expected
    assert policy.can_view_project(WHO[who], project_id) is expected
    assert policy.can_conduct_board(WHO[who], project_id) is expected


@pytest.mark.parametrize("who", list(WHO))
def test_only_organizers_create_projects_and_manage_accounts(who):
    expected = who == "organizer"
    assert policy.can_create_project(WHO[who]) is expected
    assert policy.can_manage_accounts(WHO[who]) is expected


def test_a_participant_whose_invite_names_the_same_numbers_as_a_user_gains_nothing():
    """Participant and user ids live in separate tables: an id clash must not grant rights."""
    clash = Principal(
        "s-clash",
        participant_id=CONDUCTOR_A.user_id,
        invite_id=5,
        invite_project_id=PROJECT_B,
        invite_role=InviteRole.PARTICIPANT,
        conducted_project_ids=frozenset({PROJECT_A}),
    )
    assert not policy.can_manage_project(clash, PROJECT_A)
    assert not policy.can_view_board(clash, PROJECT_A, BOARD_A1)


@pytest.mark.parametrize(
    ("who", "identity"), [(ORGANIZER, "u:1"), (CONDUCTOR_A, "u:2"), (PARTICIPANT_A, "p:10")]
)
def test_identity_distinguishes_users_from_participants(who, identity):
    assert who.identity == identity
    assert who.get_id() == who.auth_session_id
