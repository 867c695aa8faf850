"""Lock first, connection second (issue 18): maintenance never waits for a board's write lock
on PostgreSQL's per-board locks, and a change's checks run under the lock, in its transaction."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from tests.support.boards import ALICE, check_integrity
from workshop.boards import service, snapshots
from workshop.boards.errors import Forbidden
from workshop.boards.ops import parse_change
from workshop.database import make_engine
from workshop.models import Base, Board, BoardKind, BoardSnapshot, Project, SnapshotKind

WAIT_S = 10


@pytest.fixture
def engine(database_url, _schema):
    engine = make_engine(database_url)
    yield engine
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def board_id(engine) -> int:
    with orm.Session(engine) as session:
        board = Board(kind=BoardKind.FREE, title="B", project=Project(title="P"))
        session.add(board)
        session.commit()
        return board.id


def change(board_id: int, n: int):
    op = {"op": "create", "id": f"s{n}", "type": "sticky", "fields": {"text": str(n)}}
    return parse_change(
        {"board_id": board_id, "change_id": f"c:{n}", "client_id": "c", "ops": [op]}
    )


def test_maintenance_runs_while_a_writer_holds_the_boards_lock(engine, board_id, monkeypatch):
    """Per-board locks (PostgreSQL's): the checkpoint's read and write need no board lock, so a
    writer holding it (and waiting for a connection) cannot stall maintenance, nor the reverse."""
    monkeypatch.setattr(snapshots, "KEEP_CHANGES_BEHIND_HEAD", 2)
    locks = service.WriteLocks(one_writer=False)
    with orm.Session(engine, expire_on_commit=False) as session:
        for n in range(1, 6):
            service.apply_change(session, change(board_id, n), ALICE, locks)
    done: list[bool] = []

    def maintain() -> None:
        with orm.Session(engine, expire_on_commit=False) as session:
            done.append(snapshots.maintain(session, board_id, locks, every=5))

    with locks.board(board_id):  # a writer in the middle of its change
        worker = threading.Thread(target=maintain)
        worker.start()
        worker.join(WAIT_S)
        assert done == [True], "maintenance waited for the board's write lock"
    with orm.Session(engine) as session:
        checkpoint = session.scalars(
            sa.select(BoardSnapshot).where(BoardSnapshot.board_id == board_id)
        ).one()
        assert checkpoint.kind == SnapshotKind.CHECKPOINT and checkpoint.seq == 5
        assert len(checkpoint.items) == 5
        assert session.get(Board, board_id).compacted_seq == 3
        check_integrity(session, board_id)


def test_a_changes_check_runs_under_the_lock_and_its_refusal_changes_nothing(engine, board_id):
    locks = service.WriteLocks(one_writer=False)
    held: list[bool] = []

    def check() -> None:
        lock = locks.board(board_id)
        held.append(lock.locked())
        raise Forbidden("you were moved to another room")

    with orm.Session(engine, expire_on_commit=False) as session:
        with pytest.raises(Forbidden):
            service.apply_change(session, change(board_id, 1), ALICE, locks, check=check)
        assert held == [True]
        assert not session.in_transaction()
        applied = service.apply_change(
            session, change(board_id, 2), ALICE, locks, check=lambda: None
        )
        assert applied.seq == 1  # the refused change took no seq
