"""The board sequencer (issue 18): group commit in seq order, a refused change alone, and
boards that never wait for each other. On SQLite, and on PostgreSQL with DATABASE_URL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy import event, orm

from tests.support.boards import ALICE, check_integrity
from tests.unit import test_lock_order
from workshop.boards import service
from workshop.boards.errors import BoardError, Forbidden
from workshop.boards.locks import WriteLocks
from workshop.boards.ops import parse_change
from workshop.boards.sequencer import Sequencers, in_batch, once_per_batch
from workshop.database import make_engine
from workshop.models import Board, BoardChange, BoardItem, BoardKind, Project

WAIT_S = 20


engine = test_lock_order.engine  # a fresh schema's engine, emptied afterwards


@pytest.fixture
def boards(engine) -> tuple[int, int]:
    with orm.Session(engine) as session:
        project = Project(title="P")
        made = [Board(kind=BoardKind.FREE, title=t, project=project) for t in ("A", "B")]
        session.add_all(made)
        session.commit()
        return made[0].id, made[1].id


@pytest.fixture
def locks(database_url) -> WriteLocks:
    return WriteLocks.for_url(database_url)


@pytest.fixture
def sequencers(engine, locks) -> Sequencers:
    """As the server builds them: a session per task (thread here), ended with the task."""
    scoped = orm.scoped_session(orm.sessionmaker(bind=engine, expire_on_commit=False))

    def spawn(run: Callable[[int], None], board_id: int) -> None:
        def task() -> None:
            try:
                run(board_id)
            finally:
                scoped.remove()

        threading.Thread(target=task, daemon=True).start()

    return Sequencers(locks, lambda: scoped, spawn)


@pytest.fixture
def commits(engine) -> list[int]:
    """Every commit on the engine's connections."""
    seen: list[int] = []
    event.listen(engine, "commit", lambda conn: seen.append(1))
    return seen


def create(board_id: int, change_id: str, item_id: str | None = None):
    op = {"op": "create", "id": item_id or change_id, "type": "sticky", "fields": {"text": "x"}}
    return parse_change(
        {"board_id": board_id, "change_id": change_id, "client_id": "c", "ops": [op]}
    )


def update_missing(board_id: int, change_id: str):
    op = {"op": "update", "id": "nobody-made-this", "fields": {"text": "x"}}
    return parse_change(
        {"board_id": board_id, "change_id": change_id, "client_id": "c", "ops": [op]}
    )


class Submitter:
    """Submits from threads of its own, keeping each answer (an AppliedChange or the error)."""

    def __init__(self, sequencers: Sequencers) -> None:
        self.sequencers = sequencers
        self.answers: dict[str, object] = {}
        self.threads: list[threading.Thread] = []

    def submit(self, change, **callbacks) -> threading.Thread:
        def run() -> None:
            try:
                self.answers[change.change_id + f"#{id(change)}"] = self.sequencers.submit(
                    change, ALICE, **callbacks
                )
            except BaseException as error:  # noqa: BLE001 - the answer under test
                self.answers[change.change_id + f"#{id(change)}"] = error

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.threads.append(thread)
        return thread

    def answer(self, change) -> object:
        return self.answers[change.change_id + f"#{id(change)}"]

    def join(self) -> None:
        for thread in self.threads:
            thread.join(WAIT_S)
        assert not any(t.is_alive() for t in self.threads), "a submit never returned"


def wait_until(predicate: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def queued_while_held(locks, sequencers, board_id, submitter, changes, callbacks=None) -> None:
    """Queue the changes in this order while the board's lock is held, so that they form one
    batch when it is let go (the lock stands for a batch or a direct writer before them)."""
    with locks.board(board_id):
        for n, change in enumerate(changes, start=1):
            submitter.submit(change, **(callbacks(change) if callbacks else {}))
            wait_until(lambda n=n: sequencers.pending(board_id) == n)
    submitter.join()


def test_a_queue_is_committed_once_then_broadcast_and_acked_in_seq_order(
    engine, boards, locks, sequencers, commits
):
    board_id, _ = boards
    broadcasts: list[int] = []
    returned: list[int] = []
    problems: list[str] = []
    reader = make_engine(str(engine.url.render_as_string(hide_password=False)))

    def after_commit(applied: service.AppliedChange) -> None:
        # Committed before anyone hears of it: another connection sees it already.
        with reader.connect() as conn:
            stored = conn.scalar(
                sa.select(BoardChange.seq).where(BoardChange.change_id == applied.change_id)
            )
        if stored != applied.seq:
            problems.append(f"{applied.change_id} broadcast before its commit")
        # No later change's ack went out before this earlier change's broadcast.
        if any(seq > applied.seq for seq in returned):
            problems.append(f"an ack after seq {applied.seq} went out before its broadcast")
        broadcasts.append(applied.seq)

    changes = [create(board_id, f"c{n}") for n in range(12)]
    submitter = Submitter(sequencers)
    original = submitter.submit

    def submit_recording(change, **callbacks):
        def run() -> None:
            applied = sequencers.submit(change, ALICE, **callbacks)
            returned.append(applied.seq)
            submitter.answers[change.change_id + f"#{id(change)}"] = applied

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        submitter.threads.append(thread)
        return thread

    submitter.submit = submit_recording  # type: ignore[method-assign]
    commits.clear()
    queued_while_held(
        locks, sequencers, board_id, submitter, changes, lambda c: {"after_commit": after_commit}
    )
    submitter.submit = original  # type: ignore[method-assign]
    reader.dispose()

    assert problems == []
    assert broadcasts == list(range(1, 13))  # seq order == broadcast order
    assert [submitter.answer(c).seq for c in changes] == list(range(1, 13))  # queue order
    assert len(commits) == 1  # twelve changes, one commit
    assert sorted(returned) == list(range(1, 13))
    with orm.Session(engine) as session:
        check_integrity(session, board_id)


def test_concurrent_writers_get_gapless_seqs_in_broadcast_order(
    engine, boards, sequencers, commits
):
    board_id, _ = boards
    broadcasts: list[int] = []
    writers, each = 6, 15
    results: dict[int, list[int]] = {}

    def writer(w: int) -> None:
        seqs = results.setdefault(w, [])
        for n in range(each):
            applied = sequencers.submit(
                create(board_id, f"w{w}-{n}"),
                ALICE,
                after_commit=lambda a: broadcasts.append(a.seq),
            )
            seqs.append(applied.seq)

    commits.clear()
    threads = [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT_S * 3)
    assert not any(t.is_alive() for t in threads)
    assert broadcasts == list(range(1, writers * each + 1))
    for seqs in results.values():
        assert seqs == sorted(seqs)  # each writer's acks in its own order
    assert len(commits) <= writers * each
    with orm.Session(engine) as session:
        assert session.get(Board, board_id).seq == writers * each
        check_integrity(session, board_id)


def test_a_refused_change_is_refused_alone_and_its_batch_commits(
    engine, boards, locks, sequencers, commits
):
    board_id, _ = boards

    def refuse() -> None:
        raise Forbidden("you were moved to another room")

    first = create(board_id, "c1")
    bad = update_missing(board_id, "c2")
    third = create(board_id, "c3")
    retry = create(board_id, "c1")  # the same change_id again, in the same batch
    checked = create(board_id, "c4")
    last = create(board_id, "c5")
    changes = [first, bad, third, retry, checked, last]
    broadcast: list[str] = []
    submitter = Submitter(sequencers)
    commits.clear()
    queued_while_held(
        locks,
        sequencers,
        board_id,
        submitter,
        changes,
        lambda c: {
            "after_commit": lambda a: broadcast.append(a.change_id),
            **({"check": refuse} if c is checked else {}),
        },
    )

    assert submitter.answer(first).seq == 1 and not submitter.answer(first).duplicate
    assert isinstance(submitter.answer(bad), BoardError)
    assert submitter.answer(third).seq == 2
    assert submitter.answer(retry).duplicate and submitter.answer(retry).seq == 1
    assert isinstance(submitter.answer(checked), Forbidden)
    assert submitter.answer(last).seq == 3
    assert broadcast == ["c1", "c3", "c5"]  # the retry is not broadcast again
    assert len(commits) == 1
    with orm.Session(engine) as session:
        stored = dict(
            session.execute(
                sa.select(BoardChange.change_id, BoardChange.seq).where(
                    BoardChange.board_id == board_id
                )
            ).all()
        )
        assert stored == {"c1": 1, "c3": 2, "c5": 3}
        items = session.scalars(
            sa.select(BoardItem.item_id).where(BoardItem.board_id == board_id)
        ).all()
        assert sorted(items) == ["c1", "c3", "c5"]
        assert session.get(Board, board_id).seq == 3
        check_integrity(session, board_id)


def test_a_batch_of_new_changes_is_written_without_savepoints_or_lookups(
    engine, boards, locks, sequencers, commits
):
    """The usual batch (new change ids, nothing refused): no look for retries (the insert of
    its changes finds one), no savepoint per change (each costs PostgreSQL two round trips),
    one commit."""
    board_id, _ = boards
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    changes = [create(board_id, f"n{n}") for n in range(5)]
    submitter = Submitter(sequencers)
    commits.clear()
    try:
        queued_while_held(locks, sequencers, board_id, submitter, changes)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert [submitter.answer(c).seq for c in changes] == [1, 2, 3, 4, 5]
    assert len(commits) == 1
    assert not [s for s in statements if "SAVEPOINT" in s.upper()]
    lookups = [s for s in statements if "FROM board_changes" in s and "change_id" in s]
    assert lookups == []
    inserts = [s for s in statements if s.startswith("INSERT INTO board_changes")]
    assert len(inserts) == 1 and "ON CONFLICT" in inserts[0], inserts


def change_of(board_id: int, change_id: str, *ops: dict):
    return parse_change(
        {"board_id": board_id, "change_id": change_id, "client_id": "c", "ops": list(ops)}
    )


def test_a_batch_of_new_changes_costs_one_round_trip_per_change(
    engine, boards, locks, sequencers, commits
):
    """Its items are read at once (or kept from the board's last batch), its seq counted in
    memory after the first bump, and its changes' rows and the board's counters written once
    before the commit (BatchLedger): 8 moves of 8 notes are 8 item writes and a handful of
    statements for the batch."""
    board_id, _ = boards
    ids = [f"note{n}" for n in range(8)]
    made = [create(board_id, f"c-{i}", i) for i in ids]
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        queued_while_held(locks, sequencers, board_id, Submitter(sequencers), made)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # The first batch looks for its items once (none is there yet), after the seq bump, which
    # locks the board's row: nothing read may be stale.
    reads = [s for s in statements if "FROM board_items" in s]
    assert len(reads) == 1, reads
    first_bump = next(n for n, s in enumerate(statements) if s.startswith("UPDATE boards"))
    assert statements.index(reads[0]) > first_bump
    statements.clear()
    event.listen(engine, "before_cursor_execute", listener)
    moves = [
        change_of(board_id, f"m-{i}", {"op": "update", "id": i, "fields": {"x": 10.0 * n}})
        for n, i in enumerate(ids)
    ]
    submitter = Submitter(sequencers)
    try:
        queued_while_held(locks, sequencers, board_id, submitter, moves)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert [submitter.answer(c).seq for c in moves] == list(range(9, 17))
    written = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    item_writes = [s for s in written if "board_items" in s]
    assert len(item_writes) == 8
    # The first change's bump, the batch's changes in one insert, the board's seq and count.
    assert len(written) - len(item_writes) == 3, written
    # The notes as the last batch committed them: its bump proved nobody wrote them since.
    assert [s for s in statements if "FROM board_items" in s] == []
    with orm.Session(engine) as session:
        board = session.get(Board, board_id)
        assert (board.seq, board.live_items) == (16, 8)
        stored = session.scalars(
            sa.select(BoardChange.seq).where(BoardChange.board_id == board_id)
        ).all()
        assert sorted(stored) == list(range(1, 17))
        xs = dict(session.execute(sa.select(BoardItem.item_id, BoardItem.fields)).all())
        assert [xs[i]["x"] for i in ids] == [10.0 * n for n in range(8)]
        check_integrity(session, board_id)


def test_changes_of_one_batch_build_on_each_other(engine, boards, locks, sequencers):
    """A later change of a batch sees what the earlier ones did, kept in memory (no savepoint:
    the BatchLedger's path): a note created, written over and moved, another created then
    deleted, a third created, all in one batch."""
    board_id, _ = boards
    changes = [
        create(board_id, "b1", "n1"),
        change_of(board_id, "b2", {"op": "update", "id": "n1", "fields": {"text": "due"}}),
        change_of(board_id, "b3", {"op": "update", "id": "n1", "fields": {"x": 50.0}}),
        create(board_id, "b4", "n2"),
        change_of(board_id, "b5", {"op": "delete", "id": "n2"}),
        create(board_id, "b6", "n3"),
    ]
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    submitter = Submitter(sequencers)
    try:
        queued_while_held(locks, sequencers, board_id, submitter, changes)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert [submitter.answer(c).seq for c in changes] == [1, 2, 3, 4, 5, 6]
    assert not [s for s in statements if "SAVEPOINT" in s.upper()]
    # Each change broadcasts what it did, not what a later change of the batch did after it.
    created = submitter.answer(changes[0]).ops[0]["fields"]
    assert created.get("text") != "due" and created.get("x") != 50.0
    assert submitter.answer(changes[1]).ops[0]["fields"] == {"text": "due"}
    with orm.Session(engine) as session:
        board = session.get(Board, board_id)
        assert (board.seq, board.live_items) == (6, 2)
        items = {i.item_id: i for i in session.scalars(sa.select(BoardItem))}
        assert items["n1"].fields["text"] == "due" and items["n1"].fields["x"] == 50.0
        assert items["n1"].updated_seq == 3 and items["n2"].deleted_seq == 5
        assert items["n3"].created_seq == 6
        check_integrity(session, board_id)


def test_what_a_batch_reads_once_is_read_once_per_batch_and_every_time_outside_one(
    engine, boards, locks, sequencers
):
    """once_per_batch: the board's room and its private writing are read by the first change
    of a batch and reused by the others (and by the broadcasts after the commit); outside a
    batch, and in the next batch, they are read again."""
    board_id, _ = boards
    reads: list[int] = []
    session = sequencers._session()

    def room_check() -> None:
        assert in_batch(session())
        once_per_batch(session(), ("room", board_id), lambda: reads.append(1))

    changes = [create(board_id, f"m{n}") for n in range(4)]
    submitter = Submitter(sequencers)
    queued_while_held(
        locks,
        sequencers,
        board_id,
        submitter,
        changes,
        lambda c: {"check": room_check, "after_commit": lambda a: room_check()},
    )
    assert [submitter.answer(c).seq for c in changes] == [1, 2, 3, 4]
    assert len(reads) == 1
    queued_while_held(
        locks,
        sequencers,
        board_id,
        submitter,
        [create(board_id, "m9")],
        lambda c: {"check": room_check},
    )
    assert len(reads) == 2  # a new batch reads again
    with orm.Session(engine) as outside:
        assert not in_batch(outside)
        once_per_batch(outside, "k", lambda: reads.append(1))
        once_per_batch(outside, "k", lambda: reads.append(1))
    assert len(reads) == 4


def test_a_refusal_in_a_batch_of_new_changes_is_refused_alone(
    engine, boards, locks, sequencers, commits
):
    """Written first without savepoints, the batch meets a refusal: it is written again with a
    savepoint per change, and only the refused change is refused; one commit all the same."""
    board_id, _ = boards
    changes = [create(board_id, "a1"), update_missing(board_id, "a2"), create(board_id, "a3")]
    broadcast: list[str] = []
    submitter = Submitter(sequencers)
    commits.clear()
    queued_while_held(
        locks,
        sequencers,
        board_id,
        submitter,
        changes,
        lambda c: {"after_commit": lambda a: broadcast.append(a.change_id)},
    )
    assert submitter.answer(changes[0]).seq == 1
    assert isinstance(submitter.answer(changes[1]), BoardError)
    assert submitter.answer(changes[2]).seq == 2
    assert broadcast == ["a1", "a3"]
    assert len(commits) == 1
    with orm.Session(engine) as session:
        assert session.get(Board, board_id).seq == 2
        stored = session.scalars(
            sa.select(BoardChange.change_id).where(BoardChange.board_id == board_id)
        ).all()
        assert sorted(stored) == ["a1", "a3"]


def test_a_batch_whose_commit_fails_acknowledges_nothing(engine, boards, locks, sequencers):
    board_id, _ = boards
    broadcast: list[str] = []
    changes = [create(board_id, f"c{n}") for n in range(3)]
    submitter = Submitter(sequencers)

    def failing_commit(session, *_args):
        raise RuntimeError("the disk is full")

    scoped = sequencers._session()
    event.listen(orm.Session, "before_commit", failing_commit)
    try:
        queued_while_held(
            locks,
            sequencers,
            board_id,
            submitter,
            changes,
            lambda c: {"after_commit": lambda a: broadcast.append(a.change_id)},
        )
    finally:
        event.remove(orm.Session, "before_commit", failing_commit)
    assert scoped is not None
    assert all(isinstance(submitter.answer(c), RuntimeError) for c in changes)
    assert broadcast == []
    with orm.Session(engine) as session:
        assert session.get(Board, board_id).seq == 0
    # The board goes on afterwards.
    assert sequencers.submit(create(board_id, "after"), ALICE).seq == 1


def test_a_busy_board_does_not_hold_up_another(engine, boards, locks, sequencers):
    """Board A's sequencer is stuck broadcasting (a huge room, a slow socket): board B's
    changes, through its sequencer and through the direct path, are committed meanwhile."""
    a, b = boards
    stuck = threading.Event()
    let_go = threading.Event()

    def slow_broadcast(_applied) -> None:
        stuck.set()
        let_go.wait(WAIT_S)

    submitter = Submitter(sequencers)
    busy = create(a, "a1")
    submitter.submit(busy, after_commit=slow_broadcast)
    queued_behind = create(a, "a2")
    assert stuck.wait(WAIT_S)
    submitter.submit(queued_behind)
    others = [create(b, f"b{n}") for n in range(3)]
    for change in others:
        submitter.submit(change)
    with orm.Session(engine, expire_on_commit=False) as session:
        direct = service.apply_change(session, create(b, "b-direct"), ALICE, locks)
    deadline = time.monotonic() + WAIT_S
    while len([c for c in others if c.change_id + f"#{id(c)}" in submitter.answers]) < 3:
        assert time.monotonic() < deadline, "board B waited for board A"
        time.sleep(0.005)
    assert sorted([*(submitter.answer(c).seq for c in others), direct.seq]) == [1, 2, 3, 4]
    assert not let_go.is_set() and busy.change_id + f"#{id(busy)}" not in submitter.answers
    let_go.set()
    submitter.join()
    assert submitter.answer(busy).seq == 1 and submitter.answer(queued_behind).seq == 2


@pytest.mark.postgres
def test_a_board_mid_transaction_does_not_hold_up_another_on_postgres(
    engine, boards, locks, sequencers
):
    """PostgreSQL locks rows: a batch of board A still in its transaction (here, waiting in a
    change's check) leaves board B free. SQLite has one writer for the whole file, so there a
    batch's transaction is kept short instead (nothing in it waits)."""
    if not engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL only")
    a, b = boards
    inside = threading.Event()
    let_go = threading.Event()

    def slow_check() -> None:
        inside.set()
        let_go.wait(WAIT_S)

    submitter = Submitter(sequencers)
    busy = create(a, "a1")
    submitter.submit(busy, check=slow_check)
    assert inside.wait(WAIT_S)
    other = create(b, "b1")
    submitter.submit(other)
    wait_until(lambda: other.change_id + f"#{id(other)}" in submitter.answers)
    assert submitter.answer(other).seq == 1
    let_go.set()
    submitter.join()
    assert submitter.answer(busy).seq == 1


def test_the_old_shared_lock_is_gone(locks, boards):
    a, b = boards
    with locks.board(a):
        assert locks.board(b).acquire(timeout=1)  # another board's lock is free
        locks.board(b).release()
