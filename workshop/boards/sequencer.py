"""One sequencer per board, with group commit.

A socket's change joins its board's queue, and the caller waits. The board's sequencer, one
task per board while the board has work (the task of the change that finds the board idle,
for its first batch, then a task of its own while changes keep queueing; gone when the queue
is empty), takes the board's lock, takes everything queued (at most MAX_BATCH_CHANGES),
and writes the batch in one transaction: each change is sequenced and checked against the
board as the batch has left it so far. The batch is written first without savepoints and
without looking for retries: the insert of its changes finds a change id the board already
holds. When a change is refused or found a retry (rare), the batch is rolled back and written
again with a savepoint and a look for its retry per change, so that the refused change is
undone alone and the others go on. One commit for the whole batch; then, in seq order, each
change is broadcast (its `after_commit`) and its caller released to send the ack. No ack
precedes its commit, and a batch whose commit fails acknowledges nothing.

Boards never share a sequencer or a lock (locks.WriteLocks): a board whose queue is long, or
whose broadcasts go to a big room, does not hold up any other board. On SQLite the batch's
transaction (only that) also takes the database's one writer. Callers that write directly
(service.apply_change without a sequencer: web routes, the ledger, the demo, room controls)
take the same board lock, so a board's changes keep one order whichever way they came.

The database is the durable log. What a batch reads and writes of the board (its seq, its
items, the changes' rows) is kept in a BatchLedger and written once before the commit. The
items a committed batch leaves are kept for the board's next batch (batch.ItemCache), which
uses them only when its seq bump proves nobody else wrote the board since (another process,
a direct writer, a compaction); else it reads them again. On PostgreSQL a single move is then
five round trips (begin, seq bump, item write, change insert, commit) and the room's read
once per batch, where it was ten.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.orm import Session

from workshop.boards.batch import BatchLedger, ItemCache
from workshop.boards.canvas import ActionResult, BoardView
from workshop.boards.locks import WriteLocks
from workshop.boards.ops import Change
from workshop.boards.service import AppliedChange, _apply_in_transaction
from workshop.boards.state import Actor

# Changes committed together at most: a batch holds SQLite's writer for its length, and a
# change waits for the whole batch's commit. 60 people at 2 writes/s queue far fewer.
MAX_BATCH_CHANGES = 64

T = TypeVar("T")


_BATCH_MEMO = "workshop.sequencer.batch_memo"


def once_per_batch(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once for the whole batch that this session's sequencer is writing and
    broadcasting (every time outside one). For what the board's lock keeps still while a batch
    holds it, and the batch's own changes do not alter: the board's room and its private
    writing are read once per batch, not once per change (a round trip each on PostgreSQL)."""
    memo = session.info.get(_BATCH_MEMO)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def in_batch(session: Session) -> bool:
    """Is this session's sequencer writing or broadcasting a batch now?"""
    return _BATCH_MEMO in session.info


@dataclass(eq=False)
class _Queued:
    change: Change
    actor: Actor
    after_commit: Callable[[AppliedChange], None] | None
    plan: Callable[[BoardView], ActionResult] | None
    check: Callable[[], None] | None
    done: threading.Event = field(default_factory=threading.Event)
    applied: AppliedChange | None = None
    error: BaseException | None = None

    def finish(self, applied: AppliedChange | None, error: BaseException | None) -> None:
        if not self.done.is_set():
            self.applied, self.error = applied, error
            self.done.set()


class Sequencers:
    """A process's board sequencers.

    `session()` gives the running task's session (a scoped session: one per task); `spawn(fn,
    board_id)` runs `fn(board_id)` in a task of its own (a green thread under eventlet), with
    whatever context the callbacks need, and ends that task's session afterwards.
    """

    def __init__(
        self,
        locks: WriteLocks,
        session: Callable[[], Session],
        spawn: Callable[[Callable[[int], None], int], object],
        max_batch: int = MAX_BATCH_CHANGES,
        items: ItemCache | None = None,
    ) -> None:
        self.locks = locks
        self.max_batch = max_batch
        self.items = items if items is not None else ItemCache()
        self._session = session
        self._spawn = spawn
        self._guard = threading.Lock()
        self._queues: dict[int, deque[_Queued]] = {}
        self._running: set[int] = set()

    def submit(
        self,
        change: Change,
        actor: Actor,
        *,
        after_commit: Callable[[AppliedChange], None] | None = None,
        plan: Callable[[BoardView], ActionResult] | None = None,
        check: Callable[[], None] | None = None,
    ) -> AppliedChange:
        """Queue a change on its board and wait until it is committed (or refused, raising).
        The caller must hold no database connection: the sequencer needs one to go on."""
        queued = _Queued(change, actor, after_commit, plan, check)
        board_id = change.board_id
        with self._guard:
            self._queues.setdefault(board_id, deque()).append(queued)
            lead = board_id not in self._running
            self._running.add(board_id)
        if lead:
            # An idle board: this caller's task is its sequencer for one batch (its own change
            # comes first in it), with no hand-over to another task; more queued behind it go
            # on in a task of their own, so this caller's ack is not held back by them. It
            # yields once first: under eventlet the handlers of changes that arrived with this
            # one are ready to run, and queue theirs into this batch instead of the next.
            time.sleep(0)
            self._run(board_id, first_batch_only=True)
        queued.done.wait()
        if queued.error is not None:
            raise queued.error
        assert queued.applied is not None
        return queued.applied

    def pending(self, board_id: int) -> int:
        """Changes queued on the board and not yet taken into a batch."""
        with self._guard:
            return len(self._queues.get(board_id, ()))

    def _take(self, board_id: int) -> list[_Queued]:
        """The next batch; none (and the task ends) when the queue is empty."""
        with self._guard:
            queue = self._queues.get(board_id)
            if not queue:
                self._queues.pop(board_id, None)
                self._running.discard(board_id)
                return []
            return [queue.popleft() for _ in range(min(len(queue), self.max_batch))]

    def _run(self, board_id: int, first_batch_only: bool = False) -> None:
        batch: list[_Queued] = []
        try:
            while True:
                # The board's lock before the queue is read: what queues while a direct writer
                # or the previous batch holds the lock joins this batch.
                with self.locks.board(board_id):
                    batch = self._take(board_id)
                    if not batch:
                        return
                    self._apply_batch(batch)
                batch = []
                if not first_batch_only:
                    # The broadcasts' reads: the connection goes back to the pool before the
                    # board's lock is waited for again. (A handler's own session is ended by
                    # its handler, as after a direct write: its objects stay loaded.)
                    self._session().rollback()
                    continue
                with self._guard:
                    if not self._queues.get(board_id):
                        self._queues.pop(board_id, None)
                        self._running.discard(board_id)
                        return
                self._spawn(self._run, board_id)
                return
        except BaseException as error:
            # Nobody waits forever: the batch in hand and whatever queued behind it.
            with self._guard:
                self._running.discard(board_id)
                left = list(self._queues.pop(board_id, ()))
            for queued in [*batch, *left]:
                queued.finish(None, error)
            raise

    def _apply_batch(self, batch: list[_Queued]) -> None:
        session = self._session()
        session.info[_BATCH_MEMO] = {}
        try:
            self._write_and_release(session, batch)
        finally:
            session.info.pop(_BATCH_MEMO, None)

    def _write_and_release(self, session: Session, batch: list[_Queued]) -> None:
        with self.locks.database():
            try:
                outcomes, ledger = self._write(session, batch)
                session.commit()
            except Exception as error:  # noqa: BLE001 - nothing committed: every change fails
                # Each caller gets the error and reports it as its handler does (an outage is
                # `unavailable`, retried), so it is not logged here a second time.
                session.rollback()
                outcomes, ledger = [(queued, None, error) for queued in batch], None
        if ledger is not None:
            ledger.committed()
        # Committed: in seq order, broadcast each change, then release its ack.
        for queued, applied, error in outcomes:
            if applied is not None and queued.after_commit is not None:
                if not applied.duplicate and applied.seq:
                    try:
                        queued.after_commit(applied)
                    except Exception as failed:  # noqa: BLE001 - its caller reports it
                        applied, error = None, failed
            queued.finish(applied, error)

    def _write(
        self, session: Session, batch: list[_Queued]
    ) -> tuple[
        list[tuple[_Queued, AppliedChange | None, BaseException | None]], BatchLedger | None
    ]:
        """Each change of the batch in the batch's transaction; the caller commits, then tells
        the ledger (when one wrote the batch) that its items are the board's.

        First with a BatchLedger and without savepoints: a refusal or a retry is rare. When one
        comes, the batch is rolled back and written again, one change alone with a look for its
        retry, more with a savepoint and that look per change, so that a refused change is
        refused alone and a retry is acknowledged as what it was."""
        ids = [queued.change.change_id for queued in batch]
        if len(set(ids)) == len(ids):  # else a retry in the batch itself: it gives its seq back
            ledger = BatchLedger(
                batch[0].change.board_id,
                named={op.id for q in batch for op in q.change.ops},
                cache=self.items,
            )
            try:
                outcomes = self._write_each(session, batch, savepoints=False, ledger=ledger)
                if ledger.flush(session.connection()):
                    return outcomes, ledger
            except _Refused:
                pass
            session.rollback()
        return self._write_each(session, batch, savepoints=len(batch) > 1), None

    def _write_each(
        self,
        session: Session,
        batch: list[_Queued],
        *,
        savepoints: bool,
        ledger: BatchLedger | None = None,
    ) -> list[tuple[_Queued, AppliedChange | None, BaseException | None]]:
        """With a `ledger`, without savepoints, the first refusal raises _Refused (the caller
        rolls back and tries again without it), the changes' items come from the ledger (read
        at once after the first change's seq bump, or kept from the last batch) and their rows
        are kept there for the caller to flush."""
        if session.get_bind().dialect.name == "sqlite":
            # The write lock from the start (not at the first write), and a transaction open
            # before the first savepoint: the driver would otherwise let the outermost
            # savepoint's release commit.
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        optimistic = ledger is not None
        outcomes: list[tuple[_Queued, AppliedChange | None, BaseException | None]] = []
        for queued in batch:
            savepoint = session.begin_nested() if savepoints else None
            undo = session.rollback if savepoint is None else savepoint.rollback
            if optimistic:
                undo = _refuse  # a change that gives its seq back: the batch goes again
            try:
                if queued.check is not None:
                    queued.check()
                applied = _apply_in_transaction(
                    session,
                    queued.change,
                    queued.actor,
                    queued.plan,
                    undo,
                    known_new=ledger is not None,
                    ledger=ledger,
                )
            except _Refused:
                raise
            except Exception as error:  # noqa: BLE001 - refused alone; its caller reports it
                if optimistic:
                    raise _Refused from error
                if savepoint is None or savepoint.is_active:
                    undo()  # a failure to undo is the batch's: it propagates
                outcomes.append((queued, None, error))
                continue
            if savepoint is not None and savepoint.is_active:
                savepoint.commit()  # RELEASE: the change stays in the batch
            outcomes.append((queued, applied, None))
        return outcomes


class _Refused(Exception):
    """A change of a batch written without savepoints was refused (or gives its seq back)."""


def _refuse() -> None:
    raise _Refused
