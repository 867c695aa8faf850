"""Catching a client up and keeping the op log short: the changes a client missed, or the whole
board at one seq (from a per-process cache of recent snapshots); checkpoints, and the compaction of
the op log behind them. The writes themselves are in service.py; replay for review in history.py.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from workshop import protocol as P
from workshop.boards import service
from workshop.boards.errors import NotFound
from workshop.boards.locks import WriteLocks
from workshop.boards.service import AppliedChange
from workshop.models import Board, BoardChange, BoardItem, BoardSnapshot, SnapshotKind, utcnow

# History: a checkpoint snapshot every this many changes, and the op log keeps at least this
# many changes behind the head, so a replay is fine-grained for recent work and checkpointed
# for older work, while the log does not grow without bound.
CHECKPOINT_EVERY_CHANGES = 500
KEEP_CHANGES_BEHIND_HEAD = 20_000
# Boards whose latest snapshot a process keeps for joiners: a 5,000-item board is a few MB.
SNAPSHOT_CACHE_BOARDS = 16

T = TypeVar("T")


@dataclass(eq=False)
class _Entry:
    """A board's live items at one seq, and what was derived from them (derived())."""

    seq: int
    items: list[dict[str, Any]]
    derived: Any = None


class SnapshotCache:
    """This process's latest snapshot (live items in wire form) of recently joined boards, each
    at the seq it was read at.

    A board's live items at a given seq never change (every change bumps the seq in its own
    transaction), so an entry is good exactly while the board is at its seq. When 60 people
    open a 5,000-item board at once, the first reads it and the others, waiting for that read
    rather than starting their own, share it. The lists are shared: never modify them.
    """

    def __init__(self, max_boards: int = SNAPSHOT_CACHE_BOARDS) -> None:
        self.max_boards = max_boards
        self._lock = threading.Lock()
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._reading: dict[tuple[int, int], threading.Lock] = {}  # one read per (board, seq)

    def items(
        self, board_id: int, seq: int, read: Callable[[], list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """The board's live items at seq: from the cache, or from `read()` (called at most once
        per board and seq at a time; the caller's read must see the board at exactly seq)."""
        key = (board_id, seq)
        with self._lock:
            cached = self._get(board_id, seq)
            if cached is not None:
                return cached
            gate = self._reading.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                cached = self._get(board_id, seq)
            if cached is not None:
                return cached
            try:
                items = read()
                with self._lock:
                    held = self._entries.get(board_id)
                    if held is None or held.seq <= seq:  # a slow reader never replaces a newer one
                        self._entries[board_id] = _Entry(seq, items)
                        self._entries.move_to_end(board_id)
                        while len(self._entries) > self.max_boards:
                            self._entries.popitem(last=False)
                return items
            finally:
                with self._lock:
                    self._reading.pop(key, None)

    def derived(
        self, board_id: int, seq: int, items: list[dict[str, Any]], derive: Callable[[list], T]
    ) -> T | None:
        """`derive(items)`, computed once and kept beside the board's entry (the snapshot's
        JSON, which every joiner then gets without encoding it again). None when the cache no
        longer holds these very `items` at seq: the caller uses the items."""
        with self._lock:
            held = self._entries.get(board_id)
            if held is None or held.seq != seq or held.items is not items:
                return None
            if held.derived is not None:
                return held.derived
        value = derive(items)
        held.derived = value  # the entry's own: a newer entry starts without one
        return value

    def _get(self, board_id: int, seq: int) -> list[dict[str, Any]] | None:
        held = self._entries.get(board_id)
        if held is None or held.seq != seq:
            return None
        self._entries.move_to_end(board_id)
        return held.items


# --- catching a client up ------------------------------------------------------------------------


def changes_since(session: Session, board: Board, since_seq: int) -> list[dict[str, Any]] | None:
    """The changes after since_seq up to board.seq, oldest first; None when a snapshot is the way
    to catch up (history compacted, too far behind, or a client ahead of the board)."""
    if since_seq < board.compacted_seq or since_seq > board.seq:
        return None
    if board.seq - since_seq > P.MAX_DELTA_CHANGES:
        return None
    rows = session.scalars(
        sa.select(BoardChange)
        .where(
            BoardChange.board_id == board.id,
            BoardChange.seq > since_seq,
            BoardChange.seq <= board.seq,
        )
        .order_by(BoardChange.seq)
    )
    return [
        AppliedChange(
            r.board_id, r.seq, r.change_id, r.client_id, r.author, r.author_name, r.ops
        ).to_wire()
        for r in rows
    ]


def sync_payload(
    session: Session, board_id: int, since_seq: int | None, snapshots: SnapshotCache | None = None
) -> dict[str, Any]:
    """What a (re)joining client needs: the changes it missed, or the whole board, at one seq.

    Begins its own transaction (the session must have none open) and reads in one snapshot of
    the database, so the seq is exactly the state the items or changes describe. A joining
    socket calls this after it entered the board's room: whatever commits after the snapshot
    reaches it as a broadcast, whatever committed before is in the answer (and a broadcast of
    it, if one arrives, carries a seq the client already holds).

    A snapshot comes from `snapshots` when it holds the board at the read's seq.
    Raises NotFound when the board is gone.
    """
    _begin_consistent_read(session)
    # populate_existing: a Board the session already holds may be older than this snapshot.
    board = session.get(Board, board_id, populate_existing=True)
    if board is None:
        raise NotFound("no such board", field="board_id")
    if since_seq is not None:
        changes = changes_since(session, board, since_seq)
        if changes is not None:
            return {"mode": "delta", "seq": board.seq, "changes": changes}
    if snapshots is None:
        items = service.live_items(session, board.id)
    else:
        items = snapshots.items(board.id, board.seq, lambda: service.live_items(session, board.id))
    return {"mode": "snapshot", "seq": board.seq, "items": items}


def _begin_consistent_read(session: Session) -> None:
    """Start a transaction whose reads all see the same committed state.

    PostgreSQL's default (READ COMMITTED) gives each statement a fresh view, so a change could
    commit between reading the board's seq and reading its items. SQLite's driver sends no
    BEGIN before a SELECT, so each statement would be its own transaction there too.
    """
    # A scoped session proxies neither in_transaction nor get_transaction: ask the session.
    real = session() if isinstance(session, scoped_session) else session
    if real.in_transaction():
        raise RuntimeError("sync_payload begins its own transaction: end the open one first")
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN")
    else:
        # For this transaction only: a connection's isolation level set through SQLAlchemy is
        # reset at every checkin, which cost every later checkout of it one more round trip.
        session.connection().exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


# --- checkpoints and compaction ---------------------------------------------------------------


def take_snapshot(
    session: Session,
    board_id: int,
    kind: SnapshotKind,
    name: str = "",
    created_by: str | None = None,
) -> BoardSnapshot:
    board = session.get(
        Board, board_id, populate_existing=True
    )  # the sequencer writes with Core: refresh
    if board is None:
        raise NotFound("no such board", field="board_id")
    snapshot = BoardSnapshot(
        board_id=board_id,
        seq=board.seq,
        kind=kind,
        name=name,
        items=service.live_items(session, board_id),
        created_by=created_by,
        created_at=utcnow(),
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def maintain(
    session: Session, board_id: int, locks: WriteLocks | None = None, every: int | None = None
) -> bool:
    """Take a checkpoint when one is due and compact the op log behind it. True if it did.

    Never in the writers' way: the board is read without its write lock, in one consistent
    snapshot of the database (the heavy part: every live item). Only the short write that
    follows is serialised with the writers, by the board's row lock in PostgreSQL and, on
    SQLite, by the process's one database writer (locks.WriteLocks.database), taken before a
    connection is asked for, never the board's own lock.
    Ends whatever transaction the session holds; the session must hold nothing unsaved.
    """
    every = CHECKPOINT_EVERY_CHANGES if every is None else every
    session.rollback()
    try:
        _begin_consistent_read(session)
        board = session.get(Board, board_id, populate_existing=True)
        if board is None or board.seq - _last_checkpoint(session, board_id) < every:
            return False
        seq = board.seq
        items = service.live_items(session, board_id)
    finally:
        session.rollback()  # the connection goes back to the pool before any lock is waited for
    with nullcontext() if locks is None else locks.database():
        try:
            if _last_checkpoint(session, board_id) >= seq:
                session.rollback()
                return False  # another run took this checkpoint already
            session.add(
                BoardSnapshot(
                    board_id=board_id,
                    seq=seq,
                    kind=SnapshotKind.CHECKPOINT,
                    name="",
                    items=items,
                    created_at=utcnow(),
                )
            )
            session.flush()  # the big row, before the board's row is locked
            # The board's row lock in the database, as the seq bump takes it: compaction and
            # a change never overlap, and the writers wait only for the deletes below.
            board = session.scalars(
                sa.select(Board)
                .where(Board.id == board_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).one_or_none()
            if board is None:
                session.rollback()
                return False
            compact(session, board, seq - KEEP_CHANGES_BEHIND_HEAD)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return True


def _last_checkpoint(session: Session, board_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.max(BoardSnapshot.seq)).where(
                BoardSnapshot.board_id == board_id, BoardSnapshot.kind == SnapshotKind.CHECKPOINT
            )
        )
        or 0
    )


def compact(session: Session, board: Board, upto_seq: int) -> int:
    """Drop changes and tombstones at or below upto_seq; clients older than that get a
    snapshot. Returns the number of changes removed."""
    if upto_seq <= board.compacted_seq:
        return 0
    removed = session.execute(
        sa.delete(BoardChange).where(BoardChange.board_id == board.id, BoardChange.seq <= upto_seq)
    ).rowcount
    session.execute(
        sa.delete(BoardItem).where(
            BoardItem.board_id == board.id,
            BoardItem.deleted_seq.is_not(None),
            BoardItem.deleted_seq <= upto_seq,
        )
    )
    board.compacted_seq = upto_seq
    session.flush()
    return removed
