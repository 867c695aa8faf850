"""The items a process's sequencers keep between batches (boards/batch.ItemCache): used only
when the batch's seq bump proves them current, dropped when anyone else wrote the board (a
direct writer, another process, a compaction) or when a batch fails; retries are still
acknowledged once. On SQLite, and on PostgreSQL with DATABASE_URL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event, orm

from tests.support.boards import ALICE, check_integrity
from tests.unit import test_sequencer
from tests.unit.test_sequencer import Submitter, change_of, create, queued_while_held
from workshop.boards import service, snapshots
from workshop.boards.batch import ItemCache
from workshop.boards.errors import NotFound
from workshop.boards.sequencer import Sequencers
from workshop.models import Board, BoardChange, BoardItem

# The sequencer's fixtures: a fresh schema's engine, two boards, the write locks, sequencers.
engine = test_sequencer.engine
boards = test_sequencer.boards
locks = test_sequencer.locks
sequencers = test_sequencer.sequencers


@pytest.fixture
def item_reads(engine):
    """Every read of board_items on the engine, while the test runs."""
    reads: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        if "FROM board_items" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    yield reads
    event.remove(engine, "before_cursor_execute", listener)


def move(board_id: int, change_id: str, item_id: str, x: float):
    return change_of(board_id, change_id, {"op": "update", "id": item_id, "fields": {"x": x}})


def stored_fields(engine, board_id: int, item_id: str) -> dict:
    with orm.Session(engine) as session:
        return session.get(BoardItem, (board_id, item_id)).fields


def test_a_board_written_only_by_its_sequencer_is_not_read_again(
    engine, boards, sequencers, item_reads
):
    board_id, _ = boards
    sequencers.submit(create(board_id, "c1", "n1"), ALICE)
    assert len(item_reads) == 1  # the new note's id, absent
    for n in range(5):
        sequencers.submit(move(board_id, f"m{n}", "n1", 10.0 * n), ALICE)
    assert len(item_reads) == 1
    assert stored_fields(engine, board_id, "n1")["x"] == 40.0


def test_a_direct_writer_between_batches_makes_the_next_batch_read_again(
    engine, boards, sequencers, locks, item_reads
):
    """A web route writes without the sequencer (and would be another process's sequencer
    just the same): the next batch's bump skips a seq, and it reads the note as written."""
    board_id, _ = boards
    sequencers.submit(create(board_id, "c1", "n1"), ALICE)
    with orm.Session(engine) as session:
        service.apply_change(
            session,
            change_of(board_id, "web", {"op": "update", "id": "n1", "fields": {"text": "web"}}),
            ALICE,
            locks,
        )
    reads_before = len(item_reads)
    sequencers.submit(move(board_id, "m1", "n1", 5.0), ALICE)
    assert len(item_reads) == reads_before + 1
    fields = stored_fields(engine, board_id, "n1")
    assert (fields["text"], fields["x"]) == ("web", 5.0)  # the web route's edit is kept


def test_another_process_writing_the_board_is_seen(engine, boards, sequencers, locks):
    """Two processes' sequencers (each with its own cache) write one board in turns: neither
    writes over the other's edit from a stale copy."""
    board_id, _ = boards
    other = Sequencers(locks, sequencers._session, sequencers._spawn, items=ItemCache())
    sequencers.submit(create(board_id, "c1", "n1"), ALICE)
    other.submit(
        change_of(board_id, "o1", {"op": "update", "id": "n1", "fields": {"y": 7.0}}), ALICE
    )
    sequencers.submit(move(board_id, "m1", "n1", 3.0), ALICE)
    other.submit(
        change_of(board_id, "o2", {"op": "update", "id": "n1", "fields": {"text": "b"}}), ALICE
    )
    sequencers.submit(move(board_id, "m2", "n1", 4.0), ALICE)
    fields = stored_fields(engine, board_id, "n1")
    assert (fields["x"], fields["y"], fields["text"]) == (4.0, 7.0, "b")
    with orm.Session(engine) as session:
        check_integrity(session, board_id)


def test_a_compaction_between_batches_is_seen(engine, boards, sequencers):
    """Compaction deletes tombstones without bumping the seq: a kept tombstone must not let a
    later change restore a note whose row is gone."""
    board_id, _ = boards
    sequencers.submit(create(board_id, "c1", "n1"), ALICE)
    sequencers.submit(change_of(board_id, "d1", {"op": "delete", "id": "n1"}), ALICE)
    with orm.Session(engine) as session:
        board = session.get(Board, board_id)
        snapshots.compact(session, board, board.seq)
        session.commit()
    with pytest.raises(NotFound):
        sequencers.submit(change_of(board_id, "r1", {"op": "restore", "id": "n1"}), ALICE)
    with orm.Session(engine) as session:
        assert session.get(BoardItem, (board_id, "n1")) is None


def test_a_new_board_given_an_old_boards_id_is_not_read_from_its_items(engine, boards, sequencers):
    """SQLite may give a deleted board's id to a new board, which can reach the same seq
    without this process: the bump's stamp (the board's creation) tells them apart."""
    board_id, _ = boards
    sequencers.submit(create(board_id, "c1", "n1"), ALICE)
    with orm.Session(engine) as session:
        old = session.get(Board, board_id)
        project_id, kind = old.project_id, old.kind
        session.delete(old)
        session.commit()
        session.add(Board(id=board_id, project_id=project_id, kind=kind, title="New", seq=1))
        session.commit()
    with pytest.raises(NotFound):
        sequencers.submit(move(board_id, "m1", "n1", 1.0), ALICE)
    with orm.Session(engine) as session:
        assert session.get(BoardItem, (board_id, "n1")) is None


def test_a_batch_that_fails_leaves_nothing_kept(engine, boards, sequencers):
    board_id, _ = boards
    sequencers.submit(create(board_id, "c1", "n1"), ALICE)
    assert len(sequencers.items) == 1

    def failing_commit(session, *_args):
        raise RuntimeError("the disk is full")

    event.listen(orm.Session, "before_commit", failing_commit)
    try:
        with pytest.raises(RuntimeError):
            sequencers.submit(move(board_id, "m1", "n1", 99.0), ALICE)
    finally:
        event.remove(orm.Session, "before_commit", failing_commit)
    assert len(sequencers.items) == 0  # the failed batch took the board's items and dropped them
    sequencers.submit(move(board_id, "m2", "n1", 1.0), ALICE)
    assert stored_fields(engine, board_id, "n1")["x"] == 1.0


def test_what_a_batch_keeps_does_not_change_with_what_it_broadcast(engine, boards, sequencers):
    """The cache keeps copies: a change's ops, handed to its broadcast and ack, share their
    fields with the items the batch wrote."""
    board_id, _ = boards
    applied = sequencers.submit(create(board_id, "c1", "n1"), ALICE)
    applied.ops[0]["fields"]["text"] = "changed after the commit"
    sequencers.submit(move(board_id, "m1", "n1", 2.0), ALICE)
    assert stored_fields(engine, board_id, "n1")["text"] == "x"


def test_a_retry_of_a_change_from_an_earlier_batch_is_acknowledged_once(
    engine, boards, locks, sequencers
):
    """Alone or in a batch of new changes, the insert of the batch's changes finds the retry:
    the batch goes again with a look per change, the retry gets its first seq back, the others
    commit, and the seqs stay gapless."""
    board_id, _ = boards
    first = sequencers.submit(create(board_id, "c1", "n1"), ALICE)
    sequencers.submit(move(board_id, "m1", "n1", 1.0), ALICE)

    alone = sequencers.submit(move(board_id, "m1", "n1", 1.0), ALICE)  # a retry of a move
    assert alone.duplicate and alone.seq == 2
    recreated = sequencers.submit(create(board_id, "c1", "n1"), ALICE)  # its op now refused
    assert recreated.duplicate and recreated.seq == first.seq

    changes = [
        create(board_id, "c2", "n2"),
        move(board_id, "m1", "n1", 1.0),
        create(board_id, "c3", "n3"),
    ]
    submitter = Submitter(sequencers)
    queued_while_held(locks, sequencers, board_id, submitter, changes)
    answers = [submitter.answer(c) for c in changes]
    assert [(a.seq, a.duplicate) for a in answers] == [(3, False), (2, True), (4, False)]
    with orm.Session(engine) as session:
        assert session.get(Board, board_id).seq == 4
        stored = session.scalars(
            sa.select(BoardChange.change_id)
            .where(BoardChange.board_id == board_id)
            .order_by(BoardChange.seq)
        ).all()
        assert stored == ["c1", "m1", "c2", "c3"]
        check_integrity(session, board_id)


def test_the_cache_keeps_at_most_its_size_dropping_the_board_used_least_lately(
    engine, boards, locks
):
    board_a, board_b = boards
    small = ItemCache(max_items=3)
    scoped = orm.scoped_session(orm.sessionmaker(bind=engine, expire_on_commit=False))
    sequencers = Sequencers(locks, lambda: scoped, lambda run, board_id: run(board_id), items=small)
    for n in range(2):
        sequencers.submit(create(board_a, f"a{n}"), ALICE)
    assert len(small) == 2
    for n in range(2):
        sequencers.submit(create(board_b, f"b{n}"), ALICE)
    assert len(small) == 2  # board A's two went to make room for board B's
    sequencers.submit(move(board_a, "ma", "a0", 1.0), ALICE)  # read again, right
    assert stored_fields(engine, board_a, "a0")["x"] == 1.0
    scoped.remove()
