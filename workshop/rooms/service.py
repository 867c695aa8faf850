"""Live sessions and their rooms, stored: opening, groups and moves, the conductor's controls,
votes, signals, attendance, harvest, and what each viewer may receive while notes are private.

Plain functions over a SQLAlchemy session; callers commit unless a function says it does.
Board changes (a group board's template, a harvest) go through workshop.boards.service, so
they are ordinary, sequenced, persisted changes.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Session

from workshop import protocol as P
from workshop.boards import service as boards
from workshop.boards.errors import BadRequest, LimitReached, NotFound
from workshop.boards.ops import CREATE, Change, Op
from workshop.boards.state import Actor
from workshop.models import (
    Board,
    BoardChange,
    BoardItem,
    BoardSnapshot,
    LiveSession,
    Room,
    RoomMember,
    RoomSignal,
    RoomVisit,
    RoomVote,
    SnapshotKind,
)
from workshop.rooms import rules
from workshop.rooms.privacy import seal_anonymity
from workshop.rooms.rules import ItemMeta, Privacy, Timer, Viewer

TEMPLATE_TYPES = ("frame", "text")  # what a group board copies from the plenary
HARVESTABLE_TYPES = ("sticky", "text", "shape")
VOTABLE_TYPES = ("sticky", "text", "shape")
TEMPLATE_CLIENT_ID = "rooms"  # client_id of the server's own changes (templates, harvests)


# --- finding ---------------------------------------------------------------------------------------


def open_session_on(session: Session, plenary_board_id: int) -> LiveSession | None:
    return session.scalar(
        sa.select(LiveSession).where(
            LiveSession.plenary_board_id == plenary_board_id, LiveSession.closed_at.is_(None)
        )
    )


def room_of_board(session: Session, board_id: int) -> Room | None:
    """The room of an open live session that works on this board, if any (with its session:
    this runs before every change, and one query is cheaper than two)."""
    return session.scalar(
        sa.select(Room)
        .join(LiveSession, Room.live_session_id == LiveSession.id)
        .where(Room.board_id == board_id, LiveSession.closed_at.is_(None))
        .options(orm.contains_eager(Room.live_session))
    )


def get_live(session: Session, session_id: Any) -> LiveSession:
    if isinstance(session_id, bool) or not isinstance(session_id, int):
        raise BadRequest("session_id must be a whole number", field="session_id")
    live = session.get(LiveSession, session_id)
    if live is None or live.closed_at is not None:
        raise NotFound("no such live session", field="session_id")
    return live


def room_in(live: LiveSession, room_id: Any) -> Room:
    for room in live.rooms:
        if room.id == room_id and not isinstance(room_id, bool):
            return room
    raise NotFound("no such room in this session", field="room_id")


def plenary_of(live: LiveSession) -> Room:
    return next(r for r in live.rooms if r.is_plenary)


def groups_of(live: LiveSession) -> list[Room]:
    return [r for r in live.rooms if not r.is_plenary]


# --- opening, groups, moves --------------------------------------------------------------------------


def open_session(
    session: Session, board: Board, opened_by: str, plenary_name: str, now: datetime
) -> LiveSession:
    """Open a live session on this board, or return the one already open. Commits."""
    live = open_session_on(session, board.id)
    if live is not None:
        return live
    live = LiveSession(
        project_id=board.project_id, plenary_board_id=board.id, opened_by=opened_by, opened_at=now
    )
    live.rooms.append(Room(board_id=board.id, name=plenary_name, position=0, is_plenary=True))
    session.add(live)
    session.commit()
    return live


def close_session(
    session: Session,
    live: LiveSession,
    now: datetime,
    names: SnapshotNames | None = None,
    locks: boards.WriteLocks | None = None,
    closed_by: str | None = None,
) -> None:
    """Close the session: every room's board is kept as a named snapshot first. Commits."""
    names = names or ENGLISH_SNAPSHOT_NAMES
    for room in live.rooms:
        seal_anonymity(session, room, None)  # a round still open ends with the session: anonymous for good
        _auto_snapshot(session, room, SnapshotKind.SESSION, names.session_end(room), closed_by, locks)
    live.closed_at = now
    session.execute(
        sa.update(RoomVisit)
        .where(RoomVisit.live_session_id == live.id, RoomVisit.left_at.is_(None))
        .values(left_at=now)
    )
    session.commit()


def create_groups(
    session: Session,
    live: LiveSession,
    names: Sequence[str],
    actor: Actor,
    locks: boards.WriteLocks | None,
    after_commit: Callable[[boards.AppliedChange], None] | None = None,
) -> list[Room]:
    """New group rooms, each on a new board of the plenary's kind that starts as a copy of the
    plenary's frames and texts (one change per board). Commits."""
    if len(groups_of(live)) + len(names) > P.MAX_GROUPS:
        raise LimitReached(f"a live session has at most {P.MAX_GROUPS} groups")
    plenary = plenary_of(live)
    plenary_board = session.get(Board, plenary.board_id)
    template = [
        it for it in boards.live_items(session, plenary_board.id) if it["type"] in TEMPLATE_TYPES
    ]
    last_position = (
        session.scalar(
            sa.select(sa.func.max(Board.position)).where(Board.project_id == live.project_id)
        )
        or 0
    )
    first_room_position = max((r.position for r in live.rooms), default=0) + 1
    rooms = []
    for offset, name in enumerate(names):
        board = Board(
            project_id=live.project_id,
            kind=plenary_board.kind,
            title=name,
            position=last_position + 1 + offset,
        )
        session.add(board)
        session.flush()
        room = Room(board_id=board.id, name=name, position=first_room_position + offset)
        live.rooms.append(room)
        rooms.append(room)
    session.commit()
    for room in rooms:
        if template:
            ops = tuple(
                Op(
                    CREATE,
                    it["id"],
                    it["type"],
                    {k: v for k, v in it["fields"].items() if k != "author"},
                )
                for it in template
            )
            change = Change(room.board_id, f"template:{room.board_id}", TEMPLATE_CLIENT_ID, ops)
            boards.apply_change(session, change, actor, locks, after_commit)
    return rooms


def ensure_member(session: Session, live: LiveSession, identity: str, name: str) -> RoomMember:
    """A participant's place in the session: the plenary until someone moves them."""
    member = session.get(RoomMember, (live.id, identity))
    if member is None:
        member = RoomMember(
            live_session_id=live.id, identity=identity, room_id=plenary_of(live).id, name=name
        )
        session.add(member)
        session.flush()
    return member


def members(session: Session, live: LiveSession) -> list[RoomMember]:
    return list(
        session.scalars(
            sa.select(RoomMember)
            .where(RoomMember.live_session_id == live.id)
            .order_by(RoomMember.name)
        )
    )


def assign_random(session: Session, live: LiveSession, rng: random.Random) -> dict[str, int]:
    """Every participant of the session into a group at random, balanced. Commits."""
    groups = groups_of(live)
    if not groups:
        raise BadRequest("create groups first")
    everyone = members(session, live)
    plan = rules.balanced_assignment(
        sorted(m.identity for m in everyone), [g.id for g in groups], rng
    )
    for member in everyone:
        member.room_id = plan[member.identity]
    live.choosing = False
    session.commit()
    return plan


def move(
    session: Session, live: LiveSession, identity: Any, room_id: Any
) -> tuple[RoomMember, Room]:
    """Put one participant into a room (a group, or the plenary). Commits."""
    room = room_in(live, room_id)
    if not isinstance(identity, str):
        raise BadRequest("identity must be text", field="identity")
    member = session.get(RoomMember, (live.id, identity))
    if member is None:
        raise NotFound("this person has not joined the session", field="identity")
    member.room_id = room.id
    session.commit()
    return member, room


def all_back_to_plenary(session: Session, live: LiveSession) -> list[RoomMember]:
    plenary = plenary_of(live)
    moved = [m for m in members(session, live) if m.room_id != plenary.id]
    for member in moved:
        member.room_id = plenary.id
    live.choosing = False
    session.commit()
    return moved


def may_enter(session: Session, live: LiveSession, room: Room, identity: str) -> bool:
    """A participant's own room, the plenary, or any group while they may choose."""
    if room.is_plenary or live.choosing:
        return True
    member = session.get(RoomMember, (live.id, identity))
    return member is not None and member.room_id == room.id


# --- automatic snapshots ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotNames:
    """How automatic snapshots are named. The caller translates: a snapshot keeps the name it
    was given, in the language of the conductor who ended the phase or the session."""

    phases: dict[str, str]  # phase -> its label; PRIVATE_WRITE for writing in private
    phase_end: str  # "End of phase: %(phase)s"
    session_end_text: str  # "End of live session"

    def _in_room(self, text: str, room: Room) -> str:
        # A group's board is named after the group already; the name says whose board it was.
        name = text if room.is_plenary else f"{text} — {room.name}"
        return name[:MAX_SNAPSHOT_NAME_CHARS]

    def phase_ended(self, room: Room) -> str:
        key = PRIVATE_WRITE if room.phase == P.PHASE_WRITE and room.private_since_seq is not None else room.phase
        return self._in_room(self.phase_end % {"phase": self.phases.get(key, key)}, room)

    def session_end(self, room: Room) -> str:
        return self._in_room(self.session_end_text, room)


PRIVATE_WRITE = "write_private"
MAX_SNAPSHOT_NAME_CHARS = 200  # BoardSnapshot.name's column
ENGLISH_SNAPSHOT_NAMES = SnapshotNames(
    phases={
        P.PHASE_WRITE: "writing",
        PRIVATE_WRITE: "private writing",
        P.PHASE_CLUSTER: "clustering",
        P.PHASE_VOTE: "voting",
        P.PHASE_DISCUSS: "discussion",
    },
    phase_end="End of phase: %(phase)s",
    session_end_text="End of live session",
)


def _auto_snapshot(
    session: Session,
    room: Room,
    kind: SnapshotKind,
    name: str,
    created_by: str | None,
    locks: boards.WriteLocks | None,
) -> BoardSnapshot | None:
    """The room's board as it is now, unless a snapshot of this kind and name already holds
    it at this seq (the same phase ended twice, a close retried): nothing changed, nothing new.
    Under the board's write lock, so the seq and the items are of one moment."""
    with locks.board(room.board_id) if locks else _no_lock():
        seq = session.scalar(sa.select(Board.seq).where(Board.id == room.board_id))
        already = session.scalar(
            sa.select(BoardSnapshot.id)
            .where(
                BoardSnapshot.board_id == room.board_id,
                BoardSnapshot.seq == seq,
                BoardSnapshot.kind == kind,
                BoardSnapshot.name == name,
            )
            .limit(1)
        )
        if already is not None:
            return None
        return boards.take_snapshot(session, room.board_id, kind, name=name, created_by=created_by)


def set_phase(
    session: Session,
    live: LiveSession,
    targets: Sequence[Room],
    phase: str | None,
    votes_per_person: int | None,
    conductor: str,
    names: SnapshotNames | None = None,
    locks: boards.WriteLocks | None = None,
) -> list[BoardSnapshot]:
    """Set the phase of these rooms. A room whose phase ends (changed or cleared) has its board
    kept as a named snapshot first. Returns the snapshots taken. Commits."""
    if phase is not None and phase not in P.PHASES:
        raise BadRequest("phase must be one of " + ", ".join(P.PHASES), field="phase")
    names = names or ENGLISH_SNAPSHOT_NAMES
    taken = []
    for room in targets:
        if room.phase is not None and room.phase != phase:
            snapshot = _auto_snapshot(session, room, SnapshotKind.PHASE, names.phase_ended(room), conductor, locks)
            if snapshot is not None:
                taken.append(snapshot)
        room.phase = phase
        if votes_per_person is not None:
            room.votes_per_person = votes_per_person
        if phase == P.PHASE_WRITE:
            # A new round of work: last round's "I'm done" no longer holds.
            clear_signals(session, room)
    session.commit()
    return taken


# --- controls ------------------------------------------------------------------------------------------


def timer_of(room: Room) -> Timer:
    return Timer(room.timer_duration_ms, room.timer_ends_at, room.timer_remaining_ms)


def set_timer(room: Room, action: str, duration_ms: int | None, now: datetime) -> None:
    timer = timer_of(room)
    if action == "start":
        timer = timer.start(now, duration_ms)
    elif action == "pause":
        timer = timer.pause(now)
    elif action == "reset":
        timer = timer.reset() if duration_ms is None else Timer(duration_ms, None, duration_ms)
    else:
        raise BadRequest("action must be start, pause or reset", field="action")
    room.timer_duration_ms, room.timer_ends_at, room.timer_remaining_ms = (
        timer.duration_ms,
        timer.ends_at,
        timer.remaining_ms,
    )


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


def reveal(session: Session, room: Room, locks: boards.WriteLocks | None) -> None:
    """Every private note becomes visible to all; anonymous ones keep their authors hidden. Commits."""
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


class _no_lock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def room_wire(room: Room, live: LiveSession, board_locked: bool, now: datetime) -> dict[str, Any]:
    """A room's state as every socket on its board receives it."""
    return {
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
        "locked": board_locked,
        "choosing": live.choosing,
    }


def session_wire(live: LiveSession) -> dict[str, Any]:
    return {
        "id": live.id,
        "meeting_id": live.meeting_id,
        "plenary_board_id": live.plenary_board_id,
        "choosing": live.choosing,
        "rooms": [
            {"id": r.id, "board_id": r.board_id, "name": r.name, "is_plenary": r.is_plenary}
            for r in live.rooms
        ],
    }


def _ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


# --- votes -----------------------------------------------------------------------------------------------


def _live_item(session: Session, board_id: int, item_id: Any) -> BoardItem:
    if not isinstance(item_id, str) or not 0 < len(item_id) <= P.MAX_ITEM_ID_CHARS:
        raise BadRequest("item_id must be an item id", field="item_id")
    item = session.get(BoardItem, (board_id, item_id))
    if item is None or item.deleted_seq is not None:
        raise NotFound("no such item", field="item_id")
    return item


def cast_vote(session: Session, room: Room, viewer: Viewer, item_id: Any) -> None:
    """One dot on an item. Stacking dots on one item is allowed; the total per person is not. Commits."""
    rules.check_vote_in_phase(room.phase)
    item = _live_item(session, room.board_id, item_id)
    meta = ItemMeta(item.type, item.created_seq, item.created_by)
    if item.type not in VOTABLE_TYPES or rules.is_hidden(meta, viewer, privacy_of(room)):
        raise NotFound("no such item to vote on", field="item_id")
    used = session.scalar(
        sa.select(sa.func.count()).where(
            RoomVote.room_id == room.id, RoomVote.identity == viewer.identity
        )
    )
    if used >= room.votes_per_person:
        raise LimitReached(f"you have used your {room.votes_per_person} votes: take one back first")
    session.add(RoomVote(room_id=room.id, item_id=item.item_id, identity=viewer.identity))
    session.commit()


def retract_vote(session: Session, room: Room, identity: str, item_id: Any) -> None:
    rules.check_vote_in_phase(room.phase)
    vote = session.scalar(
        sa.select(RoomVote)
        .where(
            RoomVote.room_id == room.id, RoomVote.identity == identity, RoomVote.item_id == item_id
        )
        .limit(1)
    )
    if vote is None:
        raise NotFound("you have no vote on this item", field="item_id")
    session.delete(vote)
    session.commit()


def tally(session: Session, room: Room) -> dict[str, int]:
    rows = session.execute(
        sa.select(RoomVote.item_id, sa.func.count())
        .where(RoomVote.room_id == room.id)
        .group_by(RoomVote.item_id)
    )
    return {item_id: n for item_id, n in rows}


def my_votes(session: Session, room: Room, identity: str) -> dict[str, int]:
    return dict(
        Counter(
            session.scalars(
                sa.select(RoomVote.item_id).where(
                    RoomVote.room_id == room.id, RoomVote.identity == identity
                )
            )
        )
    )


# --- signals ------------------------------------------------------------------------------------------------


def set_signal(session: Session, room: Room, identity: str, name: str, kind: Any, on: Any) -> None:
    if kind not in P.SIGNAL_KINDS:
        raise BadRequest("kind must be hand or done", field="kind")
    if not isinstance(on, bool):
        raise BadRequest("on must be true or false", field="on")
    existing = session.get(RoomSignal, (room.id, identity, kind))
    if on and existing is None:
        session.add(RoomSignal(room_id=room.id, identity=identity, kind=kind, name=name))
    elif not on and existing is not None:
        session.delete(existing)
    session.commit()


def signals(session: Session, room: Room) -> dict[str, list[str]]:
    """kind -> names of who raised it, oldest first."""
    found: dict[str, list[str]] = {kind: [] for kind in P.SIGNAL_KINDS}
    for signal in session.scalars(
        sa.select(RoomSignal).where(RoomSignal.room_id == room.id).order_by(RoomSignal.raised_at)
    ):
        found[signal.kind].append(signal.name)
    return found


def clear_signals(session: Session, room: Room) -> None:
    session.execute(sa.delete(RoomSignal).where(RoomSignal.room_id == room.id))


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


# --- harvest -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Harvested:
    room: Room
    applied: boards.AppliedChange
    created: dict[str, str]  # group item id -> new plenary item id


def harvest(
    session: Session,
    live: LiveSession,
    picks: Iterable[tuple[int, str]],
    conductor: Actor,
    locks: boards.WriteLocks | None,
    after_commit: Callable[[boards.AppliedChange], None] | None = None,
) -> list[Harvested]:
    """Copy chosen items of group boards into the plenary as new, editable items, inside a frame
    per group titled with the group's name. One change per group; a harvested note's author
    is its group's name. Commits."""
    by_room: dict[int, list[str]] = {}
    group_by_board = {r.board_id: r for r in groups_of(live)}
    for board_id, item_id in picks:
        room = group_by_board.get(board_id)
        if room is None:
            raise NotFound("that board is not a group of this session", field="board_id")
        ids = by_room.setdefault(room.id, [])
        if item_id not in ids:
            ids.append(item_id)
    plenary = plenary_of(live)
    done = []
    for room_id, item_ids in by_room.items():
        room = room_in(live, room_id)
        sources = []
        for item_id in item_ids:
            item = _live_item(session, room.board_id, item_id)
            if item.type not in HARVESTABLE_TYPES:
                raise BadRequest(f"{item.type} items are not harvested", field="item_id")
            sources.append(item)
        plenary_items = boards.live_items(session, plenary.board_id)
        ops: list[Op] = []
        frame = next(
            (
                it
                for it in plenary_items
                if it["id"] == room.harvest_frame_id and it["type"] == "frame"
            ),
            None,
        )
        if frame is None:
            bottom = max(
                (
                    it["fields"]["y"] + it["fields"]["h"]
                    for it in plenary_items
                    if "y" in it["fields"]
                ),
                default=0,
            )
            frame_id = _new_id()
            box = rules.harvest_frame_box(room.position, bottom)
            ops.append(Op(CREATE, frame_id, "frame", {**box, "title": room.name, "color": "white"}))
            frame_fields = box
            room.harvest_frame_id = frame_id
            room.harvested_count = 0
        else:
            frame_fields = frame["fields"]
        created = {}
        for index, item in enumerate(sources, start=room.harvested_count):
            x, y = rules.harvest_slot(frame_fields, index)
            fields = {k: v for k, v in item.fields.items() if k != "author"}
            fields.update(x=x, y=y)
            new_id = _new_id()
            created[item.item_id] = new_id
            ops.append(Op(CREATE, new_id, item.type, fields))
        room.harvested_count += len(sources)
        actor = Actor(conductor.identity, room.name, may_conduct=True)
        change = Change(plenary.board_id, f"harvest:{_new_id()}", TEMPLATE_CLIENT_ID, tuple(ops))
        # The room's bookkeeping rides in the same transaction as the change.
        applied = boards.apply_change(session, change, actor, locks, after_commit)
        done.append(Harvested(room, applied, created))
    return done


def _new_id() -> str:
    return secrets.token_urlsafe(12)


def thumbnail(session: Session, board_id: int) -> list[list[Any]]:
    return rules.compact_items(boards.live_items(session, board_id))
