"""A change that commits while someone is joining reaches them exactly once.

The joiner's state is its join answer (a snapshot or a delta at `seq`) plus every broadcast
with a later seq. These tests commit another socket's change at each moment of the join (from
another thread, as a concurrent greenlet would on PostgreSQL) and check that the joiner ends
up at the board's head, holding what the database holds.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from tests.support.boards import Mirror, stored_live_items
from tests.support.sockets import sticky, update
from workshop import protocol as P
from workshop.boards import snapshots
from workshop.extensions import db
from workshop.models import Board


def ok(ack):
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def commit_elsewhere(writer, board_id: int, ops: list[dict]) -> dict:
    """Another socket's change, applied (committed and broadcast) in a thread of its own."""
    acks: list[dict] = []
    thread = threading.Thread(target=lambda: acks.append(writer.apply(board_id, ops)))
    thread.start()
    thread.join(timeout=10)
    assert acks, "the other socket's change did not finish"
    return ok(acks[0])


def head_and_items(board_id: int) -> tuple[int, dict]:
    db.session.rollback()
    seq = db.session.scalar(sa.select(Board.seq).where(Board.id == board_id))
    return seq, stored_live_items(db.session, board_id)


@pytest.fixture
def writer_and_joiner(clients, cast):
    writer = clients.as_user(cast.conductor, "carla")
    ok(writer.join(cast.board))
    ok(writer.apply(cast.board, [sticky("s1")]))
    joiner = clients.as_participant(cast.invite_a, "Bea")
    return writer, joiner


def converge(joiner, board_id: int, ack: dict, mirror: Mirror | None = None) -> Mirror:
    mirror = mirror or Mirror()
    mirror.load_join(ack)
    for change in joiner.received(P.CHANGE_APPLIED):
        mirror.receive(change)
    return mirror


@pytest.mark.parametrize("since_seq", [None, 1], ids=["snapshot", "delta"])
def test_a_change_committed_right_after_the_joiners_read_is_delivered(
    writer_and_joiner, clients, cast, monkeypatch, since_seq
):
    writer, joiner = writer_and_joiner
    mirror = Mirror()
    if since_seq is not None:
        # A reconnect: what the page held (seq 1) comes back on a new socket, not in the room.
        mirror.load_join(ok(joiner.join(cast.board)))
        joiner.disconnect()
        joiner = clients.as_participant(cast.invite_a, "Bea again")
    real_sync_payload = snapshots.sync_payload

    def read_then_someone_commits(*args, **kwargs):
        state = real_sync_payload(*args, **kwargs)
        commit_elsewhere(writer, cast.board, [update("s1", text="after the read")])
        return state

    monkeypatch.setattr(snapshots, "sync_payload", read_then_someone_commits)
    ack = ok(joiner.join(cast.board, since_seq=since_seq))

    mirror = converge(joiner, cast.board, ack, mirror)
    head, items = head_and_items(cast.board)
    assert ack["seq"] < head  # the change did land after the read
    assert (mirror.seq, mirror.waiting) == (head, False)
    assert mirror.items == items


def test_a_change_committed_between_entering_the_room_and_the_read_is_not_applied_twice(
    writer_and_joiner, cast, monkeypatch
):
    writer, joiner = writer_and_joiner
    real_sync_payload = snapshots.sync_payload

    def someone_commits_then_read(*args, **kwargs):
        commit_elsewhere(writer, cast.board, [sticky("s2")])
        return real_sync_payload(*args, **kwargs)

    monkeypatch.setattr(snapshots, "sync_payload", someone_commits_then_read)
    ack = ok(joiner.join(cast.board))

    assert "s2" in {item["id"] for item in ack["items"]}
    # The broadcast of s2's creation arrives too; the Mirror refuses a create of a live item,
    # so this fails if the client would apply it on top of the snapshot.
    mirror = converge(joiner, cast.board, ack)
    head, items = head_and_items(cast.board)
    assert (mirror.seq, mirror.items) == (head, items)


def test_the_join_read_is_one_snapshot_even_when_a_change_commits_in_the_middle(
    writer_and_joiner, cast
):
    """A change committing between reading the board's seq and reading its items must not show
    up in the items under the older seq (a client would then apply its broadcast twice)."""
    writer, joiner = writer_and_joiner
    joining_thread = threading.current_thread()
    fired = []

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        if fired or threading.current_thread() is not joining_thread:
            return
        if "FROM board_items" in statement and "deleted_seq IS NULL" in statement:
            fired.append(commit_elsewhere(writer, cast.board, [sticky("s3")]))

    sa.event.listen(db.engine, "before_cursor_execute", before_execute)
    try:
        ack = ok(joiner.join(cast.board))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before_execute)

    assert fired, "the items were never read"
    assert "s3" not in {item["id"] for item in ack["items"]}
    mirror = converge(joiner, cast.board, ack)
    head, items = head_and_items(cast.board)
    assert (mirror.seq, mirror.items) == (head, items)


def test_a_refused_or_failed_join_leaves_no_room_behind(writer_and_joiner, cast, monkeypatch):
    _, joiner = writer_and_joiner

    def storage_fails(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("the database went away"))

    monkeypatch.setattr(snapshots, "sync_payload", storage_fails)
    ack = joiner.join(cast.board)
    assert ack["error"]["code"] == P.UNAVAILABLE
    assert joiner.rooms() == [] and cast.board not in joiner.entry.boards


def test_join_board_past_its_budget_is_rate_limited_and_changes_nothing(writer_and_joiner, cast):
    _, joiner = writer_and_joiner
    # The bucket refills at JOINS_PER_SECOND while this runs: allow a few more than the burst.
    acks = [joiner.join(cast.board) for _ in range(P.JOIN_BURST + 5)]
    accepted = [a for a in acks if a["ok"]]
    refused = acks[-1]
    assert P.JOIN_BURST <= len(accepted) < len(acks)
    assert refused["ok"] is False and refused["error"]["code"] == P.RATE_LIMITED
    assert P.RATE_LIMITED in P.RETRYABLE_ERRORS
    # Still on the board: the refusal took nothing away.
    assert joiner.rooms() == [f"board:{cast.board}"] and cast.board in joiner.entry.boards
    joiner.refill_budget()
    ok(joiner.join(cast.board))
