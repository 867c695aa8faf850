"""The conductor's controls of a room: phase (with its automatic snapshot), timer, message,
follow-me, and the participants' signals (raised hands, "I'm done").

Plain functions over a SQLAlchemy session; a function that commits says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop import protocol as P
from workshop.boards import service as boards
from workshop.boards import snapshots
from workshop.boards.errors import BadRequest
from workshop.models import (
    Board,
    BoardSnapshot,
    LiveSession,
    PhaseSpan,
    Room,
    RoomSignal,
    SnapshotKind,
    utcnow,
)
from workshop.rooms.rules import Timer


class no_lock:
    """Stands in for a board's write lock where the caller has none (tests, scripts)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def board_lock(locks: boards.WriteLocks | None, board_id: int):
    return locks.writing(board_id) if locks else no_lock()


# --- automatic snapshots ------------------------------------------------------------------------------


PRIVATE_WRITE = "write_private"
MAX_SNAPSHOT_NAME_CHARS = 200  # BoardSnapshot.name's column


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
        private = room.phase == P.PHASE_WRITE and room.private_since_seq is not None
        key = PRIVATE_WRITE if private else room.phase
        return self._in_room(self.phase_end % {"phase": self.phases.get(key, key)}, room)

    def session_end(self, room: Room) -> str:
        return self._in_room(self.session_end_text, room)


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


def auto_snapshot(
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
    with board_lock(locks, room.board_id):
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
        return snapshots.take_snapshot(
            session, room.board_id, kind, name=name, created_by=created_by
        )


# --- phase ------------------------------------------------------------------------------------------------


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
            snapshot = auto_snapshot(
                session, room, SnapshotKind.PHASE, names.phase_ended(room), conductor, locks
            )
            if snapshot is not None:
                taken.append(snapshot)
        if room.phase != phase:
            record_phase(session, room, phase, utcnow())
        room.phase = phase
        if votes_per_person is not None:
            room.votes_per_person = votes_per_person
        if phase == P.PHASE_WRITE:
            # A new round of work: last round's "I'm done" no longer holds.
            clear_signals(session, room)
    session.commit()
    return taken


def record_phase(session: Session, room: Room, phase: str | None, now: datetime) -> None:
    """The room's running phase ends now and `phase` (if any) starts: the verbale's agenda as
    it was run, with its times."""
    session.execute(
        sa.update(PhaseSpan)
        .where(PhaseSpan.room_id == room.id, PhaseSpan.ended_at.is_(None))
        .values(ended_at=now)
    )
    if phase is not None:
        session.add(
            PhaseSpan(
                live_session_id=room.live_session_id, room_id=room.id, phase=phase, started_at=now
            )
        )


# --- timer, message, follow-me -----------------------------------------------------------------------------


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


def set_timers(
    session: Session, targets: Sequence[Room], action: str, duration_ms: int | None, now: datetime
) -> None:
    """Start, pause or reset the timer of every target room at once. Commits."""
    for room in targets:
        set_timer(room, action, duration_ms, now)
    session.commit()


def set_message(session: Session, targets: Sequence[Room], text: str, now: datetime) -> None:
    """Put a message up in these rooms (an empty text takes it down). Commits."""
    for room in targets:
        room.message, room.message_at = text, (now if text else None)
    session.commit()


def set_follow(
    session: Session,
    targets: Sequence[Room],
    identity: str,
    on: bool,
    view: dict[str, float] | None,
) -> None:
    """Participants of these rooms follow this conductor's view, or stop following. Commits."""
    for room in targets:
        room.follow_identity = identity if on else None
        room.follow_view = view if on else None
    session.commit()


def move_followed_view(
    session: Session, live: LiveSession, identity: str, view: dict[str, float]
) -> list[Room]:
    """The followed conductor's view moved: the rooms that follow them. Commits."""
    followed = [r for r in live.rooms if r.follow_identity == identity]
    for room in followed:
        room.follow_view = view
    session.commit()
    return followed


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
