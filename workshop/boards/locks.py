"""A process's write locks: one per board, and SQLite's one writer.

Each board's changes take that board's lock, so they get their seqs, commit and leave in
order; two boards never wait for each other's lock (issue 18: a busy board slowed every other
board of its process when all of them shared one lock).

SQLite has one writer for the whole file, and its busy-wait is a C call that blocks every
green thread of the process under eventlet: the process's SQLite writers also take
`database()`, but only around the write transaction itself (a few statements and a commit,
nothing that yields), never while a change is broadcast. PostgreSQL locks rows, so there
`database()` is a no-op.

The order is always: the board's lock, then `database()`, then a pooled connection. Nothing
waits for a board's lock while it holds `database()` or a connection (the PostgreSQL freeze).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext


class WriteLocks:
    def __init__(self, one_writer: bool) -> None:
        self.one_writer = one_writer  # SQLite: one writer for the whole database file
        self._database = threading.Lock()
        self._guard = threading.Lock()
        self._boards: dict[int, threading.Lock] = {}

    @classmethod
    def for_url(cls, database_url: str) -> WriteLocks:
        return cls(one_writer=database_url.startswith("sqlite"))

    def board(self, board_id: int) -> threading.Lock:
        """The board's own lock: the order of its changes. Shared with no other board."""
        with self._guard:
            return self._boards.setdefault(board_id, threading.Lock())

    def database(self) -> AbstractContextManager:
        """Held around a write transaction: SQLite's one writer; nothing on PostgreSQL."""
        return self._database if self.one_writer else nullcontext()

    @contextmanager
    def writing(self, board_id: int) -> Iterator[None]:
        """The board's lock and the database's, for a caller that writes all the while."""
        with self.board(board_id), self.database():
            yield
