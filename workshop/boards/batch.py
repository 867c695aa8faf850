"""What a sequencer's batch keeps in memory while it writes (BatchLedger), and the items that
a process keeps between its batches (ItemCache).

A batch's first change bumps the board's seq, which locks the board's row (on PostgreSQL any
other writer of the board waits for this transaction) and says whether anybody else wrote the
board since this process's last batch on it: if the bump returns the very next seq, and the
board was not compacted meanwhile, the items this process committed last are still the
board's rows, and the batch reads none of them again. The database stays the durable log and
the only state that outlives a batch's failure: a batch takes the board's cached items out
for its length and gives them back only after its commit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from workshop.boards.service import _BOARDS, _CHANGES, _LOAD_ITEMS, _item_from_row
from workshop.boards.state import Item

# Items (and ids known to have no row) that a process keeps between batches, over all its
# boards; the boards used least recently go first. A lab's five boards at their limit of
# items fit several times over.
MAX_CACHED_ITEMS = 50_000


# What else must match besides the next seq: the board's compaction (it deletes tombstones
# without bumping the seq) and its creation (a deleted board's id may be given to a new board
# on SQLite, which could reach the same seq without this process).
BoardStamp = tuple[int, Any]  # compacted_seq, created_at


@dataclass
class _Committed:
    seq: int  # the board's seq when these were committed
    stamp: BoardStamp
    items: dict[str, Item]
    known: set[str]  # the items' ids and those that had no row at `seq`

    def size(self) -> int:
        return len(self.known)


class ItemCache:
    """The items that a process's sequencers last read or wrote on each board, as committed.

    `take` hands a batch the board's items only when its seq bump proves them current (the
    next seq, the same compaction and creation); otherwise, or when the batch fails, they are
    gone and the batch reads what it needs. Only a committed batch puts them back (`keep`)."""

    def __init__(self, max_items: int = MAX_CACHED_ITEMS) -> None:
        self.max_items = max_items
        self._boards: OrderedDict[int, _Committed] = OrderedDict()
        self._size = 0
        self._guard = threading.Lock()

    def take(self, board_id: int, bumped_seq: int, stamp: BoardStamp) -> _Committed | None:
        with self._guard:
            kept = self._boards.pop(board_id, None)
            if kept is None:
                return None
            self._size -= kept.size()
        if kept.seq + 1 != bumped_seq or kept.stamp != stamp:
            return None  # written by someone else meanwhile: read again
        return kept

    def keep(self, board_id: int, committed: _Committed) -> None:
        with self._guard:
            old = self._boards.pop(board_id, None)
            if old is not None:
                self._size -= old.size()
            if committed.size() > self.max_items:
                return
            self._boards[board_id] = committed
            self._size += committed.size()
            while self._size > self.max_items:
                _, gone = self._boards.popitem(last=False)
                self._size -= gone.size()

    def __len__(self) -> int:
        """Items and absent ids kept, over all boards."""
        return self._size


# The batch's changes in one insert. A change id the board already holds (a retry that this
# process did not see coming: it went through before a reconnect, or on another process) is
# not inserted, and the batch goes again with a look for retries per change. The unique index
# sees what other transactions committed, whatever this statement's snapshot.
_NEW_CHANGES_ONLY = ["board_id", "change_id"]
_INSERT_NEW_CHANGES = {
    "postgresql": postgresql.insert(_CHANGES)
    .on_conflict_do_nothing(index_elements=_NEW_CHANGES_ONLY)
    .returning(_CHANGES.c.change_id),
    "sqlite": sqlite.insert(_CHANGES)
    .on_conflict_do_nothing(index_elements=_NEW_CHANGES_ONLY)
    .returning(_CHANGES.c.change_id),
}
_SET_SEQ_AND_COUNT = (
    sa.update(_BOARDS)
    .where(_BOARDS.c.id == sa.bindparam("board"))
    .values(seq=sa.bindparam("seq"), live_items=_BOARDS.c.live_items + sa.bindparam("delta"))
)


@dataclass
class BatchLedger:
    """What a sequencer's batch keeps in memory while it writes its changes in one transaction
    without savepoints (none refused: a refusal rolls the batch back and it goes again without
    a ledger). Its first change bumps the board's seq (`bumped`), which locks the board's row;
    each later change takes the next seq from here. The items its changes name (`named`) come
    from the process's ItemCache when the bump proves it current, else are read in one query
    when the first change reads, after that bump: on PostgreSQL the row lock orders this batch
    after any other writer of the board, so nothing read is stale. Each change's items stay
    here as it left them for the next. The changes' rows and the board's seq and item count are
    written once, by `flush`, before the commit; `committed` gives the items to the cache."""

    board_id: int
    named: set[str] = field(default_factory=set)  # item ids the batch's ops name
    cache: ItemCache | None = None
    board: tuple[int, str, bool, int, int] | None = None  # seq, kind, locked, live, project
    items: dict[str, Item] = field(default_factory=dict)  # as the batch has left them
    read: set[str] = field(default_factory=set)  # ids read or written (absent ones too)
    changes: list[dict[str, Any]] = field(default_factory=list)
    live_delta: int = 0
    first_seq: int = 0
    stamp: BoardStamp | None = None
    touched: set[str] = field(default_factory=set)  # ids the batch's changes wrote

    def bumped(self, seq: int, stamp: BoardStamp) -> None:
        """The first change bumped the board's seq to `seq`: take the cached items if current."""
        self.first_seq, self.stamp = seq, stamp
        kept = self.cache.take(self.board_id, seq, stamp) if self.cache else None
        if kept is not None:  # the batch's own now: no copy
            self.items, self.read = kept.items, kept.known

    def load(self, conn: sa.Connection, ids: Iterable[str]) -> dict[str, Item]:
        """These items as the batch has left them (those it has not touched from the database,
        with every other item its ops name on the first call)."""
        ids = list(ids)
        wanted = list((set(ids) | self.named) - self.read)
        self.named = set()
        if wanted:
            rows = conn.execute(_LOAD_ITEMS, {"board": self.board_id, "ids": wanted})
            self.items.update((row.item_id, _item_from_row(row)) for row in rows)
            self.read.update(wanted)
        # Copies: the applier changes what it gets, and an earlier change of the batch still
        # broadcasts the fields it left.
        return {i: self.items[i].copy() for i in ids if i in self.items}

    def applied(
        self,
        board: tuple[int, str, bool, int, int],
        changed: dict[str, Item],
        live_delta: int,
        change_row: dict[str, Any],
    ) -> None:
        """A change of the batch was applied: `board` as it left it, `changed` its items."""
        self.board = board
        self.items.update(changed)
        self.read.update(changed)
        self.touched.update(changed)
        self.changes.append(change_row)
        self.live_delta += live_delta

    def flush(self, conn: sa.Connection) -> bool:
        """Write the changes' rows and the board's counters. False, with nothing of the batch
        to keep, when the board already held one of its change ids (a retry: the caller rolls
        the batch back)."""
        if self.changes:
            inserted = conn.execute(_INSERT_NEW_CHANGES[conn.dialect.name], self.changes)
            if len(inserted.all()) != len(self.changes):
                return False
        if self.board is not None:
            last_seq = self.board[0]
            if last_seq != self.first_seq or self.live_delta:  # else the bump said it all
                conn.execute(
                    _SET_SEQ_AND_COUNT,
                    {"board": self.board_id, "seq": last_seq, "delta": self.live_delta},
                )
        return True

    def committed(self) -> None:
        """The batch's transaction committed: its items are the board's rows at its last seq."""
        if self.cache is not None and self.board is not None and self.stamp is not None:
            # Copies of what the batch wrote: its changes' ops, now broadcast and acknowledged,
            # share their fields with these items.
            for item_id in self.touched:
                self.items[item_id] = self.items[item_id].copy()
            kept = _Committed(self.board[0], self.stamp, self.items, self.read)
            self.cache.keep(self.board_id, kept)
