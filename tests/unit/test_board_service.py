"""The sequencer over a real database: seqs, duplicates, locks, limits, deltas and compaction."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from tests.support.boards import (
    ALICE,
    CONDUCTOR,
    Mirror,
    board_state_hash,
    check_integrity,
    stored_live_items,
)
from workshop import protocol as P
from workshop.boards import service, snapshots
from workshop.boards.errors import BoardError
from workshop.boards.ops import parse_change
from workshop.database import make_engine
from workshop.models import (
    Base,
    Board,
    BoardChange,
    BoardKind,
    BoardSnapshot,
    Project,
    SnapshotKind,
)


@pytest.fixture
def store(database_url, _schema):
    engine = make_engine(database_url)
    session = orm.Session(engine, expire_on_commit=False)
    yield session
    session.close()
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def board_id(store) -> int:
    project = Project(title="P")
    board = Board(kind=BoardKind.FREE, title="B", project=project)
    store.add_all([project, board])
    store.commit()
    return board.id


def send(store, board_id, change_id, ops, actor=ALICE, broadcasts=None):
    change = parse_change(
        {"board_id": board_id, "change_id": change_id, "client_id": "c", "ops": ops}
    )
    return service.apply_change(
        store, change, actor, after_commit=broadcasts.append if broadcasts is not None else None
    )


def sticky(item_id, **fields):
    return {"op": "create", "id": item_id, "type": "sticky", "fields": fields}


def test_changes_get_gapless_seqs_and_are_committed(store, board_id):
    seen = []
    for n in range(1, 6):
        applied = send(store, board_id, f"c:{n}", [sticky(f"s{n}")], broadcasts=seen)
        assert applied.seq == n and not applied.duplicate
    assert [a.seq for a in seen] == [1, 2, 3, 4, 5]
    store.expire_all()
    assert store.get(Board, board_id).seq == 5 and store.get(Board, board_id).live_items == 5
    check_integrity(store, board_id)


def test_a_retried_change_id_applies_once_and_is_not_broadcast_again(store, board_id):
    seen = []
    first = send(store, board_id, "c:1", [sticky("s1")], broadcasts=seen)
    before = board_state_hash(store, board_id)
    again = send(store, board_id, "c:1", [sticky("s1")], broadcasts=seen)
    assert again.duplicate and again.seq == first.seq and again.ops == first.ops
    assert len(seen) == 1 and board_state_hash(store, board_id) == before
    # A retry whose ops differ is still the first change: the change_id decides.
    assert send(store, board_id, "c:1", [sticky("other")]).duplicate


def test_a_retry_is_acknowledged_as_a_duplicate_even_once_the_board_is_locked(store, board_id):
    first = send(store, board_id, "c:1", [sticky("s1")])
    store.execute(sa.update(Board).where(Board.id == board_id).values(locked=True))
    store.commit()
    again = send(store, board_id, "c:1", [sticky("s1")])
    assert again.duplicate and again.seq == first.seq


def test_a_refused_change_leaves_everything_as_it_was(store, board_id):
    send(store, board_id, "c:1", [sticky("s1"), sticky("a"), sticky("b")])
    before = board_state_hash(store, board_id)
    with pytest.raises(BoardError):
        send(store, board_id, "c:2", [{"op": "delete", "id": "a"}, sticky("s2"), sticky("s1")])
    assert board_state_hash(store, board_id) == before
    # The refused change_id was not used up.
    assert send(store, board_id, "c:2", [sticky("s2")]).seq == 2


def test_an_unknown_board_is_not_found(store, board_id):
    with pytest.raises(BoardError) as caught:
        send(store, board_id + 999, "c:1", [sticky("s1")])
    assert caught.value.code == P.NOT_FOUND


def test_a_locked_board_refuses_participants_and_obeys_the_conductor(store, board_id):
    store.execute(sa.update(Board).where(Board.id == board_id).values(locked=True))
    store.commit()
    before = board_state_hash(store, board_id)
    with pytest.raises(BoardError) as caught:
        send(store, board_id, "c:1", [sticky("s1")], actor=ALICE)
    assert caught.value.code == P.BOARD_LOCKED and board_state_hash(store, board_id) == before
    assert send(store, board_id, "c:2", [sticky("s1")], actor=CONDUCTOR).seq == 1


def test_the_live_item_limit_holds(store, board_id):
    store.execute(
        sa.update(Board)
        .where(Board.id == board_id)
        .values(live_items=P.MAX_LIVE_ITEMS_PER_BOARD - 1)
    )
    store.commit()
    before = board_state_hash(store, board_id)
    with pytest.raises(BoardError) as caught:
        send(store, board_id, "c:1", [sticky("s1"), sticky("s2")])
    assert caught.value.code == P.LIMIT_REACHED and board_state_hash(store, board_id) == before
    send(store, board_id, "c:2", [sticky("s1")])  # the last place is still free


def test_the_author_and_creator_come_from_the_server(store, board_id):
    send(store, board_id, "c:1", [sticky("s1")], actor=ALICE)
    row = store.scalars(sa.select(BoardChange).where(BoardChange.board_id == board_id)).one()
    assert (row.author, row.author_name) == (ALICE.identity, ALICE.name)
    assert stored_live_items(store, board_id)["s1"]["fields"]["author"] == ALICE.name


# --- catching up -----------------------------------------------------------------------------------------


def sync_read(store, board_id, since):
    """A join's read, as the socket layer makes it: in a transaction of its own."""
    store.rollback()
    try:
        return snapshots.sync_payload(store, board_id, since)
    finally:
        store.rollback()


def board(store, board_id) -> Board:
    store.expire_all()
    return store.get(Board, board_id)


def test_a_client_catches_up_with_exactly_the_changes_it_missed(store, board_id):
    for n in range(1, 6):
        send(store, board_id, f"c:{n}", [sticky(f"s{n}")])
    sync = sync_read(store, board_id, 3)
    assert sync["mode"] == "delta" and [c["seq"] for c in sync["changes"]] == [4, 5]
    assert sync_read(store, board_id, 5) == {
        "mode": "delta",
        "seq": 5,
        "changes": [],
    }


@pytest.mark.parametrize("since", [None, 6, 10**12])
def test_no_since_or_a_since_ahead_of_the_board_gets_a_snapshot(store, board_id, since):
    for n in range(1, 6):
        send(store, board_id, f"c:{n}", [sticky(f"s{n}")])
    sync = sync_read(store, board_id, since)
    assert sync["mode"] == "snapshot" and len(sync["items"]) == 5 and sync["seq"] == 5


def test_a_client_too_far_behind_gets_a_snapshot(store, board_id, monkeypatch):
    monkeypatch.setattr(P, "MAX_DELTA_CHANGES", 3)
    for n in range(1, 6):
        send(store, board_id, f"c:{n}", [sticky(f"s{n}")])
    assert sync_read(store, board_id, 1)["mode"] == "snapshot"
    assert sync_read(store, board_id, 2)["mode"] == "delta"


def test_compaction_keeps_a_checkpoint_and_old_clients_get_a_snapshot(store, board_id, monkeypatch):
    monkeypatch.setattr(snapshots, "CHECKPOINT_EVERY_CHANGES", 10)
    monkeypatch.setattr(snapshots, "KEEP_CHANGES_BEHIND_HEAD", 4)
    for n in range(1, 11):
        send(store, board_id, f"c:{n}", [sticky(f"s{n}")])
    send(store, board_id, "c:del", [{"op": "delete", "id": "s1"}])  # seq 11: a tombstone
    mirror = Mirror()
    mirror.load_join(sync_read(store, board_id, None))
    assert snapshots.maintain(store, board_id)
    b = board(store, board_id)
    assert b.compacted_seq == 7
    checkpoint = store.scalars(
        sa.select(BoardSnapshot).where(BoardSnapshot.board_id == board_id)
    ).one()
    assert (
        checkpoint.kind == SnapshotKind.CHECKPOINT
        and checkpoint.seq == 11
        and len(checkpoint.items) == 9
    )
    assert sync_read(store, board_id, 3)["mode"] == "snapshot"
    assert sync_read(store, board_id, 7)["mode"] == "delta"
    assert not snapshots.maintain(store, board_id)  # not due again yet
    check_integrity(store, board_id)
    assert mirror.items == stored_live_items(store, board_id)


# --- the snapshot cache for joins -----------------------------------------------------------------


def test_joiners_at_the_same_seq_share_one_read_and_a_change_invalidates_it(
    store, board_id, monkeypatch
):
    for n in range(1, 4):
        send(store, board_id, f"c:{n}", [sticky(f"s{n}")])
    cache = snapshots.SnapshotCache()
    reads = []
    real_live_items = service.live_items

    def counting_live_items(session, bid):
        reads.append(bid)
        return real_live_items(session, bid)

    def join():
        store.rollback()
        try:
            return snapshots.sync_payload(store, board_id, None, cache)
        finally:
            store.rollback()

    monkeypatch.setattr(service, "live_items", counting_live_items)
    first, second = join(), join()
    assert first == second and first["seq"] == 3 and len(first["items"]) == 3
    assert len(reads) == 1
    send(store, board_id, "c:4", [sticky("s4")])
    third = join()
    assert third["seq"] == 4 and {it["id"] for it in third["items"]} == {"s1", "s2", "s3", "s4"}
    assert len(reads) == 2


def test_concurrent_joiners_wait_for_the_first_read_instead_of_reading_again():
    import threading

    cache = snapshots.SnapshotCache()
    started, release = threading.Event(), threading.Event()
    reads = []

    def slow_read():
        reads.append(1)
        started.set()
        release.wait(5)
        return [{"id": "a"}]

    results = []
    first = threading.Thread(target=lambda: results.append(cache.items(1, 7, slow_read)))
    first.start()
    assert started.wait(5)
    others = [
        threading.Thread(target=lambda: results.append(cache.items(1, 7, slow_read)))
        for _ in range(5)
    ]
    for t in others:
        t.start()
    release.set()
    for t in [first, *others]:
        t.join(5)
    assert len(reads) == 1 and len(results) == 6 and all(r is results[0] for r in results)


def test_the_snapshot_cache_keeps_a_bounded_number_of_boards_and_never_goes_back_in_seq():
    cache = snapshots.SnapshotCache(max_boards=2)
    cache.items(1, 5, lambda: ["one@5"])
    cache.items(2, 5, lambda: ["two@5"])
    cache.items(3, 5, lambda: ["three@5"])  # board 1, the least recently used, goes
    assert cache.items(1, 5, lambda: ["one@5 again"]) == ["one@5 again"]
    cache.items(2, 9, lambda: ["two@9"])
    cache.items(2, 6, lambda: ["two@6, read late"])  # a slow reader's older snapshot
    assert cache.items(2, 9, lambda: ["read again"]) == ["two@9"]


def test_a_failed_read_is_not_cached_and_the_next_joiner_reads_again():
    cache = snapshots.SnapshotCache()

    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        cache.items(1, 3, broken)
    assert cache.items(1, 3, lambda: ["fine"]) == ["fine"]
