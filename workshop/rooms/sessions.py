"""Live sessions: finding them, opening and closing them, and what their state says on the wire.

Plain functions over a SQLAlchemy session; a function that commits says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Session

from workshop.access.service import format_join_code
from workshop.boards import service as boards
from workshop.boards.errors import BadRequest, NotFound
from workshop.boards.state import Actor
from workshop.models import (
    AnonymousItem,
    Board,
    BoardItem,
    Invite,
    InviteRole,
    LabMeeting,
    LabProject,
    LiveSession,
    PhaseSpan,
    Room,
    RoomVisit,
    SnapshotKind,
)
from workshop.rooms import labs
from workshop.rooms import locks as session_locks
from workshop.rooms.controls import ENGLISH_SNAPSHOT_NAMES, SnapshotNames, auto_snapshot, timer_of
from workshop.rooms.privacy import seal_anonymity
from workshop.rooms.spread import spread_revealed

# --- finding ---------------------------------------------------------------------------------------


def open_session_on(session: Session, plenary_board_id: int) -> LiveSession | None:
    return session.scalar(
        sa.select(LiveSession).where(
            LiveSession.plenary_board_id == plenary_board_id, LiveSession.closed_at.is_(None)
        )
    )


# Built once: this runs before every change, and a statement built anew costs its cache key
# each time (about 0.25 ms of CPU a change, measured on PostgreSQL).
_ROOM_OF_BOARD = (
    sa.select(Room)
    .join(LiveSession, Room.live_session_id == LiveSession.id)
    .where(Room.board_id == sa.bindparam("board_id"), LiveSession.closed_at.is_(None))
    .options(orm.contains_eager(Room.live_session))
)


def room_of_board(session: Session, board_id: int) -> Room | None:
    """The room of an open live session that works on this board, if any (with its session:
    one query is cheaper than two)."""
    return session.scalar(_ROOM_OF_BOARD, {"board_id": board_id})


@dataclass(frozen=True)
class LiveRules:
    """What a change's checks read of a live session (as LiveSession names it)."""

    id: int
    choosing: bool


@dataclass(frozen=True)
class RoomRules:
    """What a change's checks read of its board's room (as Room names it): its phase, its
    private writing, and who may enter it."""

    id: int
    is_plenary: bool
    phase: str | None
    private_since_seq: int | None
    private_anonymous: bool
    anonymous_windows: list[list[int]]
    live_session: LiveRules


# The board's room in an open live session, found by the board's index on rooms.
_OPEN_ROOM = (
    sa.select(
        Room.id.label("room_id"),
        Room.is_plenary,
        Room.phase,
        Room.private_since_seq,
        Room.private_anonymous,
        Room.anonymous_windows,
        LiveSession.id.label("live_id"),
        LiveSession.choosing,
    )
    .join(LiveSession, Room.live_session_id == LiveSession.id)
    .where(Room.board_id == sa.bindparam("board_id"), LiveSession.closed_at.is_(None))
    .subquery()
)
# The board's row, its room in an open live session if any, and whether it holds items of an
# anonymous round: one round trip for what a batch of changes checks and broadcasts by.
_RULES_OF_BOARD = (
    sa.select(sa.exists().where(AnonymousItem.board_id == Board.id), *_OPEN_ROOM.c)
    .select_from(Board)
    .outerjoin(_OPEN_ROOM, sa.true())
    .where(Board.id == sa.bindparam("board_id"))
)


@dataclass(frozen=True)
class BoardRules:
    """What the write path reads of a board's rooms, once per batch of changes."""

    room: RoomRules | None  # its room in an open live session
    anonymous: bool  # it holds items of an anonymous round (privacy.has_anonymous_items)


def room_rules_of_board(session: Session, board_id: int) -> BoardRules:
    """room_of_board for the write path, which runs it once per batch of changes, with the
    board's anonymity: a Core read on the session's connection costs about a third of the
    ORM's load of a Room and its session (measured on SQLite: 67 against 238 µs), and one
    round trip on PostgreSQL instead of two."""
    row = session.connection().execute(_RULES_OF_BOARD, {"board_id": board_id}).one_or_none()
    if row is None:
        return BoardRules(None, False)
    anonymous, room_id, *room, live_id, choosing = row
    if room_id is None:
        return BoardRules(None, bool(anonymous))
    rules = RoomRules(room_id, *room, live_session=LiveRules(live_id, bool(choosing)))
    return BoardRules(rules, bool(anonymous))


def get_live(session: Session, session_id: Any) -> LiveSession:
    if isinstance(session_id, bool) or not isinstance(session_id, int):
        raise BadRequest("session_id must be a whole number", field="session_id")
    live = session.get(LiveSession, session_id)
    if live is None or live.closed_at is not None:
        raise NotFound("no such live session", field="session_id")
    return live


def get_any_live(session: Session, session_id: Any) -> LiveSession:
    """A live session, open or closed (attendance reads closed ones too)."""
    if isinstance(session_id, bool) or not isinstance(session_id, int):
        raise BadRequest("session_id must be a whole number", field="session_id")
    live = session.get(LiveSession, session_id)
    if live is None:
        raise NotFound("no such live session", field="session_id")
    return live


def room_in(live: LiveSession, room_id: Any) -> Room:
    for room in live.rooms:
        if room.id == room_id and not isinstance(room_id, bool):
            return room
    raise NotFound("no such room in this session", field="room_id")


def target_rooms(live: LiveSession, room_id: Any) -> list[Room]:
    """One room, or every room of the session when room_id is null."""
    return list(live.rooms) if room_id is None else [room_in(live, room_id)]


def plenary_of(live: LiveSession) -> Room:
    return next(r for r in live.rooms if r.is_plenary)


def groups_of(live: LiveSession) -> list[Room]:
    return [r for r in live.rooms if not r.is_plenary]


# --- opening and closing ---------------------------------------------------------------------------


def open_session(
    session: Session,
    board: Board,
    opened_by: str,
    plenary_name: str,
    now: datetime,
    meeting_id: Any = None,
) -> LiveSession:
    """Open a live session on this board, or return the one already open; tied to a lab
    meeting when `meeting_id` is given (checked first: a refused meeting opens nothing).
    Commits."""
    if room_of_board(session, board.id) is not None and open_session_on(session, board.id) is None:
        raise BadRequest("this board is a group of another live session", field="board_id")
    meeting = (
        labs.meeting_of_project(session, board.project_id, meeting_id)
        if meeting_id is not None
        else None
    )
    live = open_session_on(session, board.id)
    if live is None:
        live = LiveSession(
            project_id=board.project_id,
            plenary_board_id=board.id,
            opened_by=opened_by,
            opened_at=now,
        )
        live.rooms.append(Room(board_id=board.id, name=plenary_name, position=0, is_plenary=True))
        session.add(live)
    if meeting is not None:
        live.meeting_id = meeting.id
    session.commit()
    return live


def close_session(
    session: Session,
    live: LiveSession,
    now: datetime,
    names: SnapshotNames | None = None,
    locks: boards.WriteLocks | None = None,
    closed_by: str | None = None,
    keep_locks: bool = False,
    actor: Actor | None = None,
    after_commit: Callable[[boards.AppliedChange], None] | None = None,
) -> list[int]:
    """Close the session: every room's board is kept as a named snapshot first; the locks set
    during the session are lifted unless the conductor keeps them. Returns the ids of the boards
    whose board lock was lifted. Commits."""
    names = names or ENGLISH_SNAPSHOT_NAMES
    # The frames' unlock is a change like any: made in the name of who closes the session.
    actor = actor or Actor(closed_by or live.opened_by, "", may_conduct=True)
    for board_id, since in [(r.board_id, r.private_since_seq) for r in live.rooms]:
        if since is not None:  # a round still open ends with the session: laid out as a reveal
            spread_revealed(session, board_id, since, actor, locks, after_commit)
    for room in live.rooms:
        # A round still open ends with the session: anonymous for good.
        seal_anonymity(session, room, None)
        auto_snapshot(
            session, room, SnapshotKind.SESSION, names.session_end(room), closed_by, locks
        )
    unlocked = (
        []
        if keep_locks
        else session_locks.release_session_locks(session, live, actor, locks, after_commit)
    )
    for room in live.rooms:
        room.session_locked_board, room.session_locked_frames = False, []
    live.closed_at = now
    session.execute(
        sa.update(RoomVisit)
        .where(RoomVisit.live_session_id == live.id, RoomVisit.left_at.is_(None))
        .values(left_at=now)
    )
    session.execute(  # the phase still running ends with the session (the verbale's times)
        sa.update(PhaseSpan)
        .where(PhaseSpan.live_session_id == live.id, PhaseSpan.ended_at.is_(None))
        .values(ended_at=now)
    )
    session.commit()
    return unlocked


# --- what the conductor needs at hand --------------------------------------------------------------


def join_invite(session: Session, project_id: int, board_id: int, now: datetime) -> Invite | None:
    """The invitation a conductor reads aloud for this board: a usable participant invite of the
    project naming this board, else one for the whole project; the newest of them."""
    candidates = session.scalars(
        sa.select(Invite)
        .where(
            Invite.project_id == project_id,
            Invite.role == InviteRole.PARTICIPANT,
            Invite.revoked_at.is_(None),
            sa.or_(Invite.board_id == board_id, Invite.board_id.is_(None)),
        )
        .order_by(Invite.created_at.desc(), Invite.id.desc())
    )
    usable = [i for i in candidates if i.is_usable(now)]
    return next((i for i in usable if i.board_id == board_id), None) or next(iter(usable), None)


def join_wire(invite: Invite | None, link_for: Callable[[str], str]) -> dict[str, str] | None:
    """{code, link} as people read and open them; `link_for(token)` builds the address."""
    if invite is None:
        return None
    return {"code": format_join_code(invite.code), "link": link_for(invite.token)}


def meeting_wire(session: Session, live: LiveSession) -> dict[str, Any] | None:
    if live.meeting_id is None:
        return None
    meeting = session.get(LabMeeting, live.meeting_id)
    if meeting is None:
        return None
    return {"id": meeting.id, "title": meeting.title, "date": meeting.held_on.isoformat()}


def project_meetings(session: Session, project_id: int, today: date) -> list[LabMeeting]:
    """The meetings of every lab holding the project, today's first, then the coming ones by
    date, then the past ones, the most recent first: the order a conductor picks from."""
    found = session.scalars(
        sa.select(LabMeeting)
        .join(LabProject, LabProject.lab_id == LabMeeting.lab_id)
        .where(LabProject.project_id == project_id)
    )

    def order(m: LabMeeting) -> tuple[int, int, int]:
        days = (m.held_on - today).days
        if days == 0:
            return (0, 0, m.id)
        return (1, days, m.id) if days > 0 else (2, -days, m.id)

    return sorted(found, key=order)


@dataclass(frozen=True)
class SessionBoards:
    """A live session and the group boards it made: the board list shows them under it."""

    live: LiveSession
    group_board_ids: list[int] = field(default_factory=list)


def group_boards_by_session(session: Session, project_id: int) -> list[SessionBoards]:
    """Every live session of the project that made group boards, the newest first, with the
    ids of its group boards in the groups' order."""
    rows = session.execute(
        sa.select(LiveSession, Room.board_id)
        .join(Room, Room.live_session_id == LiveSession.id)
        .where(LiveSession.project_id == project_id, Room.is_plenary.is_(False))
        .order_by(LiveSession.opened_at.desc(), LiveSession.id.desc(), Room.position)
    ).all()
    grouped: dict[int, SessionBoards] = {}
    for live, board_id in rows:
        grouped.setdefault(live.id, SessionBoards(live)).group_board_ids.append(board_id)
    return list(grouped.values())


def group_board_ids(session: Session, project_id: int) -> set[int]:
    """Every board of the project made as a live session's group board."""
    return set(
        session.scalars(
            sa.select(Room.board_id)
            .join(LiveSession, Room.live_session_id == LiveSession.id)
            .where(LiveSession.project_id == project_id, Room.is_plenary.is_(False))
        )
    )


# --- on the wire -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomFacts:
    """What a room's state says beside its controls, read from the board and the presence."""

    locked: bool = False
    locked_frames: tuple[str, ...] = ()
    present: int = 0  # distinct people on the room's board now
    harvested: dict[str, str] = field(default_factory=dict)  # plenary item id -> group name
    marks: dict[str, str] = field(default_factory=dict)  # item id -> "decision" | "minority"


def room_facts(session: Session, room: Room, present: int) -> RoomFacts:
    from workshop.meetings.marks import card_marks  # the verbale's marks, shown on the cards
    from workshop.rooms.service import privacy_of  # private writing's rules live there

    board_locked = bool(session.scalar(sa.select(Board.locked).where(Board.id == room.board_id)))
    return RoomFacts(
        board_locked,
        tuple(session_locks.locked_frames(session, room.board_id)),
        present,
        harvest_origins(session, room.board_id) if room.is_plenary else {},
        card_marks(session, room.board_id, privacy_of(room)),
    )


def harvest_origins(session: Session, plenary_board_id: int) -> dict[str, str]:
    """Which group each live harvested item of a plenary board came from: item id -> the
    group's name. Holds after the session closes."""
    origins: dict[str, str] = {}
    for room in session.scalars(
        sa.select(Room)
        .join(LiveSession, Room.live_session_id == LiveSession.id)
        .where(LiveSession.plenary_board_id == plenary_board_id, Room.is_plenary.is_(False))
    ):
        for item_id in room.harvested_items or {}:
            origins[item_id] = room.name
    if not origins:
        return {}
    alive = set(
        session.scalars(
            sa.select(BoardItem.item_id).where(
                BoardItem.board_id == plenary_board_id,
                BoardItem.item_id.in_(list(origins)),
                BoardItem.deleted_seq.is_(None),
            )
        )
    )
    return {item_id: name for item_id, name in origins.items() if item_id in alive}


def room_wire(
    room: Room, live: LiveSession, facts: RoomFacts | bool, now: datetime
) -> dict[str, Any]:
    """A room's state as every socket on its board receives it. `facts` may be just the board's
    lock (the older callers)."""
    if isinstance(facts, bool):
        facts = RoomFacts(locked=facts)
    wire = {
        "id": room.id,
        "board_id": room.board_id,
        "name": room.name,
        "is_plenary": room.is_plenary,
        "phase": room.phase,
        "votes_per_person": room.votes_per_person,
        "timer": timer_of(room).to_wire(now),
        "message": {"text": room.message, "at": _ms(room.message_at)} if room.message else None,
        "private": room.private_since_seq is not None,
        "anonymous": room.private_anonymous,
        "follow": {"identity": room.follow_identity, "view": room.follow_view}
        if room.follow_identity
        else None,
        "locked": facts.locked,
        "locked_frames": list(facts.locked_frames),
        "present": facts.present,
        "choosing": live.choosing,
        "marks": dict(facts.marks),
    }
    if room.is_plenary:
        wire["harvested"] = dict(facts.harvested)
    return wire


def session_wire(live: LiveSession, meeting: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": live.id,
        "meeting_id": live.meeting_id,
        "meeting": meeting,
        "plenary_board_id": live.plenary_board_id,
        "choosing": live.choosing,
        "rooms": [
            {"id": r.id, "board_id": r.board_id, "name": r.name, "is_plenary": r.is_plenary}
            for r in live.rooms
        ],
    }


def _ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)
