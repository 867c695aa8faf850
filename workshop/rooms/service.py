"""Live sessions and their rooms, stored: the one module callers import.

The work is split by concern, each module plain functions over a SQLAlchemy session:
sessions (finding, opening, closing, the wire form), groups (group boards seeded from the
plenary, moves), controls (phase, timer, message, follow-me, signals), votes, harvest, locks,
copying (items from board to board); here stay private writing, what each viewer may receive,
and attendance. Everything is re-exported here, so `rooms.<name>` reads the same everywhere.
Board changes (a group board's template, a harvest, a frame lock) go through
workshop.boards.service, so they are ordinary, sequenced, persisted changes.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards import service as boards
from workshop.boards.errors import BadRequest, LimitReached, NotFound  # noqa: F401 - re-exported
from workshop.models import Board, BoardChange, LiveSession, Room, RoomVisit, RoomVote
from workshop.rooms import rules
from workshop.rooms.controls import (  # noqa: F401 - re-exported
    ENGLISH_SNAPSHOT_NAMES,
    MAX_SNAPSHOT_NAME_CHARS,
    PRIVATE_WRITE,
    SnapshotNames,
    auto_snapshot,
    clear_signals,
    move_followed_view,
    no_lock,
    set_follow,
    set_message,
    set_phase,
    set_signal,
    set_timer,
    set_timers,
    signals,
    timer_of,
)
from workshop.rooms.groups import (  # noqa: F401 - re-exported
    TEMPLATE_TYPES,
    Moved,
    Present,
    Seed,
    adopt,
    all_back_to_plenary,
    assign_random,
    choose,
    create_groups,
    ensure_member,
    may_enter,
    members,
    move,
    set_choosing,
    template_items,
)
from workshop.rooms.harvest import Harvested, harvest  # noqa: F401 - re-exported
from workshop.rooms.items import SERVER_CLIENT_ID, live_item, new_id  # noqa: F401 - re-exported
from workshop.rooms.locks import lock_board, lock_frame, locked_frames, release_session_locks  # noqa: F401
from workshop.rooms.privacy import seal_anonymity
from workshop.rooms.rules import Privacy
from workshop.rooms.sessions import (  # noqa: F401 - re-exported
    BoardRules,
    RoomFacts,
    RoomRules,
    SessionBoards,
    close_session,
    get_any_live,
    get_live,
    group_board_ids,
    group_boards_by_session,
    groups_of,
    harvest_origins,
    join_invite,
    join_wire,
    meeting_wire,
    open_session,
    open_session_on,
    plenary_of,
    project_meetings,
    room_facts,
    room_in,
    room_of_board,
    room_rules_of_board,
    room_wire,
    session_wire,
    target_rooms,
)
from workshop.rooms.spread import spread_revealed  # noqa: F401 - re-exported
from workshop.rooms.votes import cast_vote, is_votable, my_votes, retract_vote, tally, votes_left  # noqa: F401

TEMPLATE_CLIENT_ID = SERVER_CLIENT_ID  # the older name
_live_item = live_item
_new_id = new_id
_no_lock = no_lock
_auto_snapshot = auto_snapshot


# --- private writing -----------------------------------------------------------------------------------


def privacy_of(room: Room | None) -> Privacy:
    if room is None:
        return Privacy()
    windows = [tuple(w) for w in room.anonymous_windows or ()]
    if room.private_since_seq is not None and room.private_anonymous:
        windows.append((room.private_since_seq, None))
    return Privacy(room.private_since_seq, tuple(windows))


def start_private_writing(
    session: Session, room: Room, anonymous: bool, locks: boards.WriteLocks | None
) -> int:
    """From the board's current seq on, new notes are private. Taken under the board's write
    lock, so no change is half-way between its commit and its broadcast. Commits."""
    with locks.board(room.board_id) if locks else _no_lock():
        seq = session.scalar(sa.select(Board.seq).where(Board.id == room.board_id))
        if room.private_since_seq is None:
            room.private_since_seq = seq
            room.private_anonymous = bool(anonymous)
        else:
            # Already writing in private: a round promised anonymous stays anonymous.
            room.private_anonymous = room.private_anonymous or bool(anonymous)
        session.commit()
    return room.private_since_seq


def reveal(session: Session, room: Room, locks: boards.WriteLocks | None) -> int | None:
    """Every private note becomes visible to all; anonymous ones keep their authors hidden.
    Returns the seq the private writing started after (None if there was none). Commits."""
    since = room.private_since_seq
    with locks.board(room.board_id) if locks else _no_lock():
        if room.private_since_seq is not None and room.private_anonymous:
            seq = session.scalar(sa.select(Board.seq).where(Board.id == room.board_id))
            seal_anonymity(session, room, seq)
            room.anonymous_windows = [
                *(room.anonymous_windows or []),
                [room.private_since_seq, seq],
            ]
        room.private_since_seq = None
        room.private_anonymous = False
        session.commit()
    return since


# --- attendance -------------------------------------------------------------------------------------------


def enter(
    session: Session, live: LiveSession, room: Room, identity: str, name: str, now: datetime
) -> None:
    """Someone opened a room's board: their stay starts now, unless one is open already. Commits."""
    open_visit = session.scalar(
        sa.select(RoomVisit.id).where(
            RoomVisit.room_id == room.id,
            RoomVisit.identity == identity,
            RoomVisit.left_at.is_(None),
        )
    )
    if open_visit is None:
        session.add(
            RoomVisit(
                live_session_id=live.id,
                room_id=room.id,
                identity=identity,
                name=name,
                entered_at=now,
            )
        )
        session.commit()


def leave(session: Session, room: Room, identity: str, now: datetime) -> None:
    session.execute(
        sa.update(RoomVisit)
        .where(
            RoomVisit.room_id == room.id,
            RoomVisit.identity == identity,
            RoomVisit.left_at.is_(None),
        )
        .values(left_at=now)
    )
    session.commit()


ATTENDANCE_COLUMNS = (
    "name",
    "identity",
    "room",
    "entered_at",
    "left_at",
    "minutes",
    "changes",
    "votes",
)


def attendance(session: Session, live: LiveSession, now: datetime) -> list[dict[str, Any]]:
    """One row per stay: who, which room, from when to when, the changes they made on that
    room's board during the stay, and the dots they gave in that room."""
    rooms = {r.id: r for r in live.rooms}
    rows = []
    visits = session.scalars(
        sa.select(RoomVisit)
        .where(RoomVisit.live_session_id == live.id)
        .order_by(RoomVisit.entered_at, RoomVisit.id)
    )
    votes = Counter(
        session.execute(
            sa.select(RoomVote.room_id, RoomVote.identity).where(RoomVote.room_id.in_(list(rooms)))
        ).all()
    )
    voted_once: set[tuple[int, str]] = set()
    for visit in visits:
        room = rooms[visit.room_id]
        until = visit.left_at or now
        changes = session.scalar(
            sa.select(sa.func.count()).where(
                BoardChange.board_id == room.board_id,
                BoardChange.author == visit.identity,
                BoardChange.created_at >= visit.entered_at,
                BoardChange.created_at <= until,
            )
        )
        # Votes belong to the room, not to one stay: counted on the first stay there.
        key = (room.id, visit.identity)
        vote_count = 0 if key in voted_once else votes.get(key, 0)
        voted_once.add(key)
        rows.append(
            {
                "name": visit.name,
                "identity": visit.identity,
                "room": room.name,
                "entered_at": visit.entered_at.isoformat(timespec="seconds"),
                "left_at": visit.left_at.isoformat(timespec="seconds") if visit.left_at else "",
                "minutes": round((until - visit.entered_at).total_seconds() / 60, 1),
                "changes": changes,
                "votes": vote_count,
            }
        )
    return rows


def thumbnail(session: Session, board_id: int) -> list[list[Any]]:
    return rules.compact_items(boards.live_items(session, board_id))
