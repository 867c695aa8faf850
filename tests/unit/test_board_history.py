"""A board at any point of its history: replayed from snapshots and the op log, read-only."""

from __future__ import annotations

import pytest
from sqlalchemy import orm

from tests.support.boards import ALICE
from workshop.boards import history, service, snapshots
from workshop.boards.ops import parse_change
from workshop.database import make_engine
from workshop.models import Base, Board, BoardKind, Project, SnapshotKind


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
    board = Board(kind=BoardKind.FREE, title="B", project=Project(title="P"))
    store.add(board)
    store.commit()
    return board.id


def send(store, board_id, n, ops):
    service.apply_change(
        store,
        parse_change({"board_id": board_id, "change_id": f"c{n}", "client_id": "t", "ops": ops}),
        ALICE,
    )


def build(store, board_id):
    send(
        store,
        board_id,
        1,
        [{"op": "create", "id": "a", "type": "sticky", "fields": {"text": "uno"}}],
    )
    send(
        store,
        board_id,
        2,
        [
            {"op": "create", "id": "b", "type": "sticky", "fields": {"text": "due"}},
            {"op": "create", "id": "c", "type": "connector", "fields": {"from": "a", "to": "b"}},
        ],
    )
    send(store, board_id, 3, [{"op": "update", "id": "a", "fields": {"text": "uno!"}}])
    send(store, board_id, 4, [{"op": "delete", "id": "b"}])  # the connector goes with it
    send(store, board_id, 5, [{"op": "restore", "id": "b"}])


def state(items):
    return {it["id"]: it["fields"].get("text") for it in items}


def test_every_point_of_the_history_replays_to_what_the_board_was(store, board_id):
    build(store, board_id)
    assert state(history.items_at(store, board_id, 0)) == {}
    assert state(history.items_at(store, board_id, 1)) == {"a": "uno"}
    assert state(history.items_at(store, board_id, 2)) == {"a": "uno", "b": "due", "c": None}
    assert state(history.items_at(store, board_id, 3)) == {"a": "uno!", "b": "due", "c": None}
    assert state(history.items_at(store, board_id, 4)) == {"a": "uno!"}
    assert state(history.items_at(store, board_id, 5)) == {"a": "uno!", "b": "due"}
    now = {it["id"]: it["fields"] for it in service.live_items(store, board_id)}
    assert {it["id"]: it["fields"] for it in history.items_at(store, board_id, 99)} == now


def test_a_snapshot_is_the_starting_point_and_compacted_history_is_refused(store, board_id):
    build(store, board_id)
    snapshots.take_snapshot(store, board_id, SnapshotKind.NAMED, name="Fine della sessione 1")
    store.commit()
    send(store, board_id, 6, [{"op": "update", "id": "b", "fields": {"text": "tre"}}])
    board = store.get(Board, board_id)
    snapshots.compact(store, board, 5)  # the log before the snapshot is gone
    store.commit()
    assert state(history.items_at(store, board_id, 5)) == {"a": "uno!", "b": "due"}
    assert state(history.items_at(store, board_id, 6)) == {"a": "uno!", "b": "tre"}
    with pytest.raises(history.HistoryCompacted):
        history.items_at(store, board_id, 3)
    assert history.oldest_kept_seq(store, board_id) == 5
    assert [s.name for s in history.snapshots(store, board_id)] == ["Fine della sessione 1"]


def test_the_timeline_counts_what_each_change_did(store, board_id):
    build(store, board_id)
    entries = history.timeline(store, board_id)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert (entries[1].created, entries[3].deleted, entries[4].created) == (2, 2, 1)
    assert entries[0].author_name == ALICE.name
    assert [e.seq for e in history.timeline(store, board_id, limit=2)] == [4, 5]
