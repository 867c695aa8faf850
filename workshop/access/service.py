"""Logging in, joining by invite, and ending sessions."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.access.principal import Principal
from workshop.models import (  # rooms: group boards an invite opens
    AuthSession,
    Board,
    Invite,
    InviteRole,
    LiveSession,
    Participant,
    ProjectConductor,
    Room,
    User,
)
from workshop.models.access import (
    JOIN_CODE_CHARS,
    MAX_DISPLAY_NAME_CHARS,
    MAX_INVITE_LABEL_CHARS,
    invite_usable,
)
from workshop.models.user import normalise_email

# No 0/O, 1/I/L, 5/S, 2/Z or 8/B: a code read aloud or copied from a projector must not be misread.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_GROUP = 4
MAX_CODE_ATTEMPTS = 20


class AccessError(Exception):
    """A join or login that cannot go ahead; `code` is stable for tests and translations."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_CHARS))


def format_join_code(code: str) -> str:
    """ "KQ7M3WXP" -> "KQ7M-3WXP", the way people see and read it."""
    return "-".join(code[i : i + JOIN_CODE_GROUP] for i in range(0, len(code), JOIN_CODE_GROUP))


def normalise_join_code(raw: str) -> str:
    """Accept what people type: lower case, spaces, dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def clean_display_name(raw: str) -> str:
    """Fold white space and drop invisible characters (controls, zero-width, direction marks).

    Raises AccessError("name_required") or AccessError("name_too_long").
    """
    # Invisible characters go first, so "Bea \u200b Rossi" folds to one space, not two.
    visible = "".join(ch if ch.isprintable() else " " if ch.isspace() else "" for ch in raw)
    name = " ".join(visible.split())
    if not name:
        raise AccessError("name_required", "a display name is required")
    if len(name) > MAX_DISPLAY_NAME_CHARS:
        raise AccessError("name_too_long", f"at most {MAX_DISPLAY_NAME_CHARS} characters")
    return name


# --- invites -------------------------------------------------------------------------------


def create_invite(
    session: Session,
    project_id: int,
    created_by_id: int | None,
    *,
    board_id: int | None = None,
    role: InviteRole = InviteRole.PARTICIPANT,
    label: str = "",
    expires_at: datetime | None = None,
) -> Invite:
    """A new invite with a fresh code and link token. Raises AccessError for a foreign board."""
    if board_id is not None:
        board = session.get(Board, board_id)
        if board is None or board.project_id != project_id:
            raise AccessError("board_not_in_project")
    label = " ".join(label.split())[:MAX_INVITE_LABEL_CHARS]
    for _ in range(MAX_CODE_ATTEMPTS):
        code = new_join_code()
        taken = session.scalar(sa.select(Invite.id).where(Invite.code == code))
        if taken is None:
            break
    else:  # pragma: no cover - 25^8 codes; reaching this means something else is wrong
        raise AccessError("code_space_exhausted")
    invite = Invite(
        project_id=project_id,
        board_id=board_id,
        code=code,
        token=secrets.token_urlsafe(32),
        label=label,
        role=role,
        created_by_id=created_by_id,
        expires_at=expires_at,
    )
    session.add(invite)
    session.flush()
    return invite


def find_invite_by_code(session: Session, raw_code: str, now: datetime) -> Invite:
    """Raises AccessError("invalid_code") for unknown, revoked and expired codes alike."""
    code = normalise_join_code(raw_code)
    invite = None
    if len(code) == JOIN_CODE_CHARS:
        invite = session.scalar(sa.select(Invite).where(Invite.code == code))
    if invite is None or not invite.is_usable(now):
        raise AccessError("invalid_code")
    return invite


def find_invite_by_token(session: Session, token: str, now: datetime) -> Invite:
    invite = session.scalar(sa.select(Invite).where(Invite.token == token)) if token else None
    if invite is None or not invite.is_usable(now):
        raise AccessError("invalid_link")
    return invite


def revoke_invite(session: Session, invite: Invite, now: datetime) -> None:
    """Ends the invite and every session opened through it."""
    invite.revoked_at = now
    participant_ids = sa.select(Participant.id).where(Participant.invite_id == invite.id)
    _revoke_where(session, AuthSession.participant_id.in_(participant_ids), now)


def remove_participant(session: Session, participant: Participant, now: datetime) -> None:
    participant.removed_at = now
    _revoke_where(session, AuthSession.participant_id == participant.id, now)


# --- sessions ------------------------------------------------------------------------------


def _new_auth_session(lifetime: timedelta, now: datetime, **who) -> AuthSession:
    return AuthSession(
        id=secrets.token_urlsafe(32), created_at=now, expires_at=now + lifetime, **who
    )


def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with that e-mail and password. Raises AccessError("bad_credentials")."""
    user = session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active or not user.check_password(password):
        raise AccessError("bad_credentials")
    return user


def open_user_session(
    session: Session, user: User, lifetime: timedelta, now: datetime
) -> AuthSession:
    """A new session id at every login, so a planted cookie never becomes a logged-in one."""
    auth = _new_auth_session(lifetime, now, user_id=user.id)
    user.last_login_at = now
    session.add(auth)
    session.flush()
    return auth


def join(
    session: Session, invite: Invite, display_name: str, lifetime: timedelta, now: datetime
) -> AuthSession:
    """A participant joins through an invite. Raises AccessError for a bad name or a dead invite."""
    name = clean_display_name(display_name)
    if not invite.is_usable(now):
        raise AccessError("invalid_code")
    participant = Participant(invite_id=invite.id, display_name=name, created_at=now)
    session.add(participant)
    session.flush()
    auth = _new_auth_session(lifetime, now, participant_id=participant.id)
    session.add(auth)
    session.flush()
    return auth


def load_principal(session: Session, auth_session_id: str, now: datetime) -> Principal | None:
    """The principal of a live session, or None when it is unknown, revoked, expired or its
    account or invite has since been closed."""
    return load_principals(session, [auth_session_id], now)[auth_session_id]


def load_principals(
    session: Session, auth_session_ids: Iterable[str], now: datetime
) -> dict[str, Principal | None]:
    """load_principal for many sessions in at most three queries, whatever their number: the
    sweep re-checks every open socket every few seconds (one load each held the event loop ~40
    ms for 60 people), and every socket's connect loads one. The columns are read, not the
    objects: a bulk revoke (_revoke_where) never touches objects this session already holds,
    and a read of columns cannot be answered from stale ones. It is also about a third of the
    ORM's cost (its entities and their selectin loads: 4 queries for a participant)."""
    wanted = list(auth_session_ids)
    found: dict[str, Principal | None] = dict.fromkeys(wanted)
    ids = {auth_session_id for auth_session_id in wanted if auth_session_id}
    if not ids:
        return found
    rows = [
        row for row in session.execute(_PRINCIPAL_ROWS, {"ids": list(ids)}) if row.expires_at > now
    ]
    conducted = _conducted_projects(session, {row.user_id for row in rows if row.user_id})
    plenaries = {row.invite_board_id for row in rows if row.user_id is None}
    rooms = _room_boards(session, plenaries - {None})
    for row in rows:
        if row.user_id is not None:
            if row.user_active:
                found[row.id] = Principal(
                    auth_session_id=row.id,
                    user_id=row.user_id,
                    user_role=row.user_role,
                    display_name=row.user_name,
                    email=row.user_email,
                    conducted_project_ids=conducted.get(row.user_id, frozenset()),
                )
        elif row.invite_id is not None and invite_usable(
            row.invite_revoked_at, row.invite_expires_at, now
        ):
            found[row.id] = Principal(
                auth_session_id=row.id,
                participant_id=row.participant_id,
                display_name=row.participant_name,
                invite_id=row.invite_id,
                invite_project_id=row.invite_project_id,
                invite_board_id=row.invite_board_id,
                invite_role=row.invite_role,
                room_board_ids=rooms.get(row.invite_board_id, frozenset()),
            )
    return found


# A live session's person: its account, or its participant (not removed) and their invite.
_PRINCIPAL_ROWS = (
    sa.select(
        AuthSession.id,
        AuthSession.expires_at,
        User.id.label("user_id"),
        User.role.label("user_role"),
        User.name.label("user_name"),
        User.email.label("user_email"),
        User.active.label("user_active"),
        Participant.id.label("participant_id"),
        Participant.display_name.label("participant_name"),
        Invite.id.label("invite_id"),
        Invite.project_id.label("invite_project_id"),
        Invite.board_id.label("invite_board_id"),
        Invite.role.label("invite_role"),
        Invite.revoked_at.label("invite_revoked_at"),
        Invite.expires_at.label("invite_expires_at"),
    )
    .outerjoin(User, User.id == AuthSession.user_id)
    .outerjoin(
        Participant,
        sa.and_(Participant.id == AuthSession.participant_id, Participant.removed_at.is_(None)),
    )
    .outerjoin(Invite, Invite.id == Participant.invite_id)
    .where(
        AuthSession.id.in_(sa.bindparam("ids", expanding=True)),
        AuthSession.revoked_at.is_(None),
    )
)


def _conducted_projects(session: Session, user_ids: set[int]) -> dict[int, frozenset[int]]:
    if not user_ids:
        return {}
    pairs = session.execute(
        sa.select(ProjectConductor.user_id, ProjectConductor.project_id).where(
            ProjectConductor.user_id.in_(user_ids)
        )
    )
    projects: dict[int, set[int]] = {}
    for user_id, project_id in pairs:
        projects.setdefault(user_id, set()).add(project_id)
    return {user_id: frozenset(ids) for user_id, ids in projects.items()}


def _room_boards(session: Session, plenary_board_ids: set[int]) -> dict[int, frozenset[int]]:
    """The boards of the open live sessions run on each plenary board that invites name (rooms,
    issue 7): an invite to the plenary opens its groups' boards too."""
    if not plenary_board_ids:
        return {}
    pairs = session.execute(
        sa.select(LiveSession.plenary_board_id, Room.board_id)
        .join(LiveSession, Room.live_session_id == LiveSession.id)
        .where(LiveSession.plenary_board_id.in_(plenary_board_ids), LiveSession.closed_at.is_(None))
    )
    boards: dict[int, set[int]] = {}
    for plenary_board_id, board_id in pairs:
        boards.setdefault(plenary_board_id, set()).add(board_id)
    return {plenary: frozenset(ids) for plenary, ids in boards.items()}


def end_session(session: Session, auth_session_id: str, now: datetime) -> None:
    _revoke_where(session, AuthSession.id == auth_session_id, now)


def end_user_sessions(session: Session, user_id: int, now: datetime) -> None:
    """For a password change or a deactivated account: every device is logged out."""
    _revoke_where(session, AuthSession.user_id == user_id, now)


def _revoke_where(session: Session, condition, now: datetime) -> None:
    session.execute(
        sa.update(AuthSession)
        .where(condition, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


__all__ = [
    "AccessError",
    "authenticate",
    "create_invite",
    "end_session",
    "end_user_sessions",
    "find_invite_by_code",
    "find_invite_by_token",
    "format_join_code",
    "join",
    "load_principal",
    "normalise_join_code",
    "open_user_session",
    "remove_participant",
    "revoke_invite",
]
