"""Logging in, joining by invite and ending sessions: the access service on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from workshop.access import service
from workshop.access.service import JOIN_CODE_ALPHABET, AccessError
from workshop.models import AuthSession, InviteRole, User, UserRole, utcnow
from workshop.models.access import JOIN_CODE_CHARS, MAX_DISPLAY_NAME_CHARS
from workshop.projects import service as projects

PASSWORD = "correct-horse-battery"
LIFETIME = timedelta(hours=12)
AMBIGUOUS = "0O1IL5S2Z8B"


def make_user(session, email="ada@example.org", role=UserRole.ORGANIZER, active=True) -> User:
    user = User(email=email, name="Ada", role=role, active=active)
    user.set_password(PASSWORD)
    session.add(user)
    session.flush()
    return user


@pytest.fixture
def project(session):
    return projects.create_project(session, {"title": "Progetto A"}, None)


@pytest.fixture
def other_project(session):
    return projects.create_project(session, {"title": "Progetto B"}, None)


@pytest.fixture
def invite(session, project):
    return service.create_invite(session, project.id, None)


# --- codes ----------------------------------------------------------------------------------


def test_join_code_alphabet_has_no_ambiguous_characters():
    assert not set(AMBIGUOUS) & set(JOIN_CODE_ALPHABET)
    assert len(set(JOIN_CODE_ALPHABET)) == len(JOIN_CODE_ALPHABET)
    assert all(ch.isupper() or ch.isdigit() for ch in JOIN_CODE_ALPHABET)


def test_new_codes_use_only_the_alphabet_and_the_full_length():
    codes = {service.new_join_code() for _ in range(500)}
    assert all(len(code) == JOIN_CODE_CHARS for code in codes)
    assert set("".join(codes)) <= set(JOIN_CODE_ALPHABET)
    assert len(codes) > 490  # random, not a counter


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("CAFE7946", "CAFE7946"),
        ("CAFE-7946", "CAFE7946"),
        ("cafe 7946", "CAFE7946"),
        ("  Cafe-7946\n", "CAFE7946"),
        ("c a f e – 7 9 4 6", "CAFE7946"),
    ],
)
def test_normalise_join_code_accepts_what_people_type(typed, expected):
    assert service.normalise_join_code(typed) == expected


def test_format_join_code_groups_by_four():
    assert service.format_join_code("CAFE7946") == "CAFE-7946"


@pytest.mark.parametrize("typed", ["cafe 7946", "CAFE-7946", "cafe-7946 "])
def test_find_invite_by_code_finds_a_typed_code(session, invite, typed):
    invite.code = "CAFE7946"
    session.flush()
    assert service.find_invite_by_code(session, typed, utcnow()).id == invite.id


@pytest.mark.parametrize("state", ["unknown", "too_short", "empty", "revoked", "expired"])
def test_unknown_revoked_and_expired_codes_are_refused_alike(session, invite, state):
    now = utcnow()
    typed = invite.code
    if state == "unknown":
        typed = "ACDE3467" if invite.code != "ACDE3467" else "ACDE3469"
    elif state == "too_short":
        typed = invite.code[:-1]
    elif state == "empty":
        typed = ""
    elif state == "revoked":
        service.revoke_invite(session, invite, now)
    elif state == "expired":
        invite.expires_at = now - timedelta(seconds=1)
    session.flush()
    with pytest.raises(AccessError) as caught:
        service.find_invite_by_code(session, typed, now)
    assert caught.value.code == "invalid_code"
    assert str(caught.value) == "invalid_code"  # nothing tells which case it was


@pytest.mark.parametrize("state", ["unknown", "empty", "revoked", "expired"])
def test_unknown_revoked_and_expired_links_are_refused_alike(session, invite, state):
    now = utcnow()
    token = {"unknown": "x" * 43, "empty": ""}.get(state, invite.token)
    if state == "revoked":
        service.revoke_invite(session, invite, now)
    elif state == "expired":
        invite.expires_at = now
    session.flush()
    with pytest.raises(AccessError) as caught:
        service.find_invite_by_token(session, token, now)
    assert caught.value.code == "invalid_link"


def test_an_invite_for_a_board_of_another_project_is_refused(session, project, other_project):
    with pytest.raises(AccessError) as caught:
        service.create_invite(session, project.id, None, board_id=other_project.boards[0].id)
    assert caught.value.code == "board_not_in_project"


def test_an_invite_label_is_folded_and_capped(session, project):
    invite = service.create_invite(
        session, project.id, None, label="  Tavolo\n\n  giovani " + "x" * 500
    )
    assert invite.label.startswith("Tavolo giovani x")
    assert len(invite.label) == 120


# --- display names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bea", "Bea"),
        ("  Bea   Rossi ", "Bea Rossi"),
        ("Bea\tRossi\n", "Bea Rossi"),
        ("Bea\x00Rossi", "BeaRossi"),
        ("Bea \u200b Rossi", "Bea Rossi"),  # a zero-width space leaves no double space behind
        ("\u202eBea", "Bea"),  # no right-to-left override to disguise a name
        ("Zoë Šimić-Łukasz", "Zoë Šimić-Łukasz"),
        ("x" * MAX_DISPLAY_NAME_CHARS, "x" * MAX_DISPLAY_NAME_CHARS),
    ],
)
def test_display_names_are_cleaned(raw, expected):
    assert service.clean_display_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "name_required"),
        ("   ", "name_required"),
        ("\x00\u200b", "name_required"),
        ("x" * (MAX_DISPLAY_NAME_CHARS + 1), "name_too_long"),
    ],
)
def test_bad_display_names_are_refused(raw, code):
    with pytest.raises(AccessError) as caught:
        service.clean_display_name(raw)
    assert caught.value.code == code


# --- joining --------------------------------------------------------------------------------


def test_join_creates_a_participant_with_a_session_scoped_to_the_invite(session, project):
    board = project.boards[1]
    invite = service.create_invite(
        session, project.id, None, board_id=board.id, role=InviteRole.OBSERVER
    )
    now = utcnow()
    auth = service.join(session, invite, "  Bea  ", LIFETIME, now)
    who = service.load_principal(session, auth.id, now)
    assert who.is_participant and not who.is_user
    assert who.display_name == "Bea"
    assert (who.invite_project_id, who.invite_board_id, who.invite_role) == (
        project.id,
        board.id,
        InviteRole.OBSERVER,
    )
    assert auth.expires_at == now + LIFETIME


@pytest.mark.parametrize("state", ["revoked", "expired"])
def test_join_through_a_dead_invite_is_refused(session, invite, state):
    now = utcnow()
    if state == "revoked":
        invite.revoked_at = now
    else:
        invite.expires_at = now - timedelta(minutes=1)
    with pytest.raises(AccessError) as caught:
        service.join(session, invite, "Bea", LIFETIME, now)
    assert caught.value.code == "invalid_code"


def test_revoking_an_invite_ends_the_sessions_opened_through_it_only(session, project):
    invite = service.create_invite(session, project.id, None)
    other = service.create_invite(session, project.id, None)
    now = utcnow()
    first = service.join(session, invite, "Bea", LIFETIME, now)
    second = service.join(session, invite, "Carla", LIFETIME, now)
    bystander = service.join(session, other, "Dario", LIFETIME, now)
    service.revoke_invite(session, invite, now)
    session.flush()
    later = now + timedelta(seconds=1)
    assert service.load_principal(session, first.id, later) is None
    assert service.load_principal(session, second.id, later) is None
    assert service.load_principal(session, bystander.id, later) is not None
    session.expire_all()
    assert session.get(AuthSession, first.id).revoked_at is not None


def test_removing_a_participant_ends_their_sessions_only(session, invite):
    now = utcnow()
    removed = service.join(session, invite, "Bea", LIFETIME, now)
    stays = service.join(session, invite, "Carla", LIFETIME, now)
    service.remove_participant(session, session.get(AuthSession, removed.id).participant, now)
    session.flush()
    assert service.load_principal(session, removed.id, now) is None
    assert service.load_principal(session, stays.id, now) is not None


# --- logging in -----------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["ada@example.org", "  ADA@Example.org "])
def test_authenticate_accepts_the_email_in_any_case(session, email):
    user = make_user(session)
    assert service.authenticate(session, email, PASSWORD).id == user.id


@pytest.mark.parametrize(
    "case", ["wrong_password", "unknown_email", "deactivated", "empty_password"]
)
def test_authenticate_refuses_bad_credentials_alike(session, case):
    make_user(session, active=case != "deactivated")
    email, password = "ada@example.org", PASSWORD
    if case == "wrong_password":
        password = PASSWORD + "!"
    elif case == "unknown_email":
        email = "nobody@example.org"
    elif case == "empty_password":
        password = ""
    with pytest.raises(AccessError) as caught:
        service.authenticate(session, email, password)
    assert caught.value.code == "bad_credentials"


def test_every_login_opens_a_new_session(session):
    user = make_user(session)
    now = utcnow()
    first = service.open_user_session(session, user, LIFETIME, now)
    second = service.open_user_session(session, user, LIFETIME, now)
    assert first.id != second.id
    assert len(first.id) >= 43  # 32 random bytes
    assert user.last_login_at == now


def test_a_conductor_principal_carries_their_projects(session, project, other_project):
    conductor = make_user(session, "c@example.org", UserRole.CONDUCTOR)
    projects.assign_conductor(session, project, conductor)
    now = utcnow()
    auth = service.open_user_session(session, conductor, LIFETIME, now)
    who = service.load_principal(session, auth.id, now)
    assert who.is_conductor and who.is_user
    assert who.conducted_project_ids == frozenset({project.id})


def test_the_sweep_loads_every_principal_in_three_statements_whatever_their_number(
    session, project
):
    """Every open socket's principal is re-loaded every few seconds, on the event loop: the
    ORM's entities with their selectin loads took six statements (and ~3.6 ms for 61 people)."""
    now = utcnow()
    plenary = projects.add_free_board(session, project, "Plenaria")
    invite = service.create_invite(session, project.id, None, board_id=plenary.id)
    people = [service.join(session, invite, f"Bea {n}", LIFETIME, now).id for n in range(12)]
    conductor = make_user(session, "c@example.org", UserRole.CONDUCTOR)
    projects.assign_conductor(session, project, conductor)
    conducting = service.open_user_session(session, conductor, LIFETIME, now).id
    session.flush()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        found = service.load_principals(session, [*people, conducting, "nobody"], now)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert len(statements) <= 3, statements
    assert [found[p].display_name for p in people] == [f"Bea {n}" for n in range(12)]
    assert {found[p].invite_board_id for p in people} == {plenary.id}
    assert found[conducting].conducted_project_ids == frozenset({project.id})
    assert found["nobody"] is None


# --- load_principal refuses every dead session ----------------------------------------------


def _user_session(session, now):
    user = make_user(session)
    return user, service.open_user_session(session, user, LIFETIME, now)


def _participant_session(session, project, now):
    invite = service.create_invite(session, project.id, None)
    auth = service.join(session, invite, "Bea", LIFETIME, now)
    return invite, auth


DEAD_SESSIONS = [
    "unknown_id",
    "empty_id",
    "user_session_ended",
    "user_session_expired",
    "user_deactivated",
    "all_user_sessions_ended",
    "participant_removed",
    "invite_revoked",
    "invite_expired",
    "participant_session_expired",
]


@pytest.mark.parametrize("case", DEAD_SESSIONS)
def test_load_principal_returns_none_for_a_dead_session(session, project, case):
    now = utcnow()
    at = now
    if case.startswith(("user", "all_user")):
        user, auth = _user_session(session, now)
        if case == "user_session_ended":
            service.end_session(session, auth.id, now)
        elif case == "user_session_expired":
            at = auth.expires_at
        elif case == "user_deactivated":
            user.active = False
        elif case == "all_user_sessions_ended":
            service.end_user_sessions(session, user.id, now)
        auth_id = auth.id
    elif case in ("unknown_id", "empty_id"):
        _user_session(session, now)
        auth_id = "no-such-session" if case == "unknown_id" else ""
    else:
        invite, auth = _participant_session(session, project, now)
        if case == "participant_removed":
            service.remove_participant(session, auth.participant, now)
        elif case == "invite_revoked":
            invite.revoked_at = now  # revoked without the cascade: the invite alone must suffice
        elif case == "invite_expired":
            invite.expires_at = now + timedelta(minutes=5)
            at = now + timedelta(minutes=5)
        elif case == "participant_session_expired":
            at = auth.expires_at + timedelta(seconds=1)
        auth_id = auth.id
    session.flush()
    # No expire_all(): the same session that ended a session must see it ended.
    assert service.load_principal(session, auth_id, at) is None


@pytest.mark.parametrize("kind", ["user", "participant"])
def test_load_principal_returns_a_live_session_just_before_it_expires(session, project, kind):
    now = utcnow()
    if kind == "user":
        _, auth = _user_session(session, now)
    else:
        _, auth = _participant_session(session, project, now)
    session.flush()
    assert (
        service.load_principal(session, auth.id, auth.expires_at - timedelta(seconds=1)) is not None
    )


def test_ending_one_users_sessions_leaves_other_users_logged_in(session):
    now = utcnow()
    ada = make_user(session)
    bob = make_user(session, "bob@example.org")
    ada_auth = service.open_user_session(session, ada, LIFETIME, now)
    bob_auth = service.open_user_session(session, bob, LIFETIME, now)
    service.end_user_sessions(session, ada.id, now)
    session.flush()
    assert service.load_principal(session, ada_auth.id, now) is None
    assert service.load_principal(session, bob_auth.id, now) is not None


def test_real_password_hashes_are_slow_salted_scrypt(session, monkeypatch):
    from werkzeug.security import generate_password_hash

    from workshop.models import user as user_model

    monkeypatch.setattr(
        user_model, "generate_password_hash", generate_password_hash
    )  # undo the fast one
    ada, bob = make_user(session), make_user(session, "bob@example.org")
    assert ada.password_hash.startswith("scrypt:")
    assert ada.password_hash != bob.password_hash  # salted
    assert ada.check_password(PASSWORD) and not ada.check_password(PASSWORD.upper())
