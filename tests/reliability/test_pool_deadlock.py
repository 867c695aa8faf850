"""The PostgreSQL freeze (issue 18): 60 writers on one board through maintenance points.

Before the fix, every writer queued for a board's write lock held one of the pool's
connections while it waited (the rooms check read before the lock), and maintenance took the
board's lock first and then asked the pool for a connection: with more writers queued than
the pool has connections, nothing moved until the pool's 30 s timeout, then the queued writes
were answered `internal` and the checkpoint was lost ("board maintenance failed").

A real server (gevent) on a scratch PostgreSQL database, its checkpoint interval lowered
through configuration so that a short run crosses several maintenance points. Each of 60
stock python-socketio clients sends its next change as soon as the previous one is
acknowledged, so the lock always has a queue as long as the room. The test fails on a stall:
an ack slower than ACK_DEADLINE_S, an ack that is not ok, a pool timeout or a failed
maintenance in the server's log, or a missing checkpoint. Run with -s to see the figures.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from tests.support.real_board import RealClient, seed, server_env, server_log_problems, start_server
from tests.support.services import ScratchPostgres
from workshop.database import make_engine
from workshop.models import Board, BoardSnapshot, SnapshotKind

WRITERS = 60
CHANGES_EACH = 4  # + each writer's create: the board passes 5 maintenance points of 50
CHECKPOINT_EVERY = 50
# The old freeze lasted the pool's 30 s timeout. A queue of 60 writers on a loaded 2-core
# machine may wait a few seconds for its turn; a stall waits at least the pool's timeout.
ACK_DEADLINE_S = 15
RUN_DEADLINE_S = 240


@pytest.fixture
def postgres_url():
    with ScratchPostgres() as scratch:
        yield scratch.url


def note(item_id: str, n: int) -> dict:
    """A writer's own note: created by its first change, moved and rewritten by the others."""
    fields = {"text": str(n), "x": n * 10, "y": n * 10}
    if n == 0:
        return {"op": "create", "id": item_id, "type": "sticky", "fields": fields}
    return {"op": "update", "id": item_id, "fields": fields}


@pytest.mark.slow
@pytest.mark.postgres
def test_sixty_writers_pass_maintenance_points_without_a_stall(postgres_url, tmp_path, capsys):
    world = seed(postgres_url, participants=WRITERS)
    log = tmp_path / "server.log"
    env = server_env(
        postgres_url,
        tmp_path,
        WORKSHOP_CHECKPOINT_EVERY_CHANGES=str(CHECKPOINT_EVERY),
    )
    server = start_server(env, log)
    clients: list[RealClient] = []
    try:
        for n in range(WRITERS):
            client = RealClient(f"p{n}", server.url, world.cookies[f"p{n}"]).connect()
            clients.append(client)
            assert client.join(world.board)["ok"]

        acks: list[tuple[str, float, dict | None]] = []  # (change_id, seconds, ack)
        lock = threading.Lock()
        start = threading.Barrier(WRITERS)

        def write(client: RealClient) -> None:
            start.wait()
            item_id = f"{client.name}-note"
            for n in range(CHANGES_EACH + 1):
                change_id = f"{client.name}:{n}"
                sent = time.monotonic()
                try:
                    ack = client.apply(
                        world.board, [note(item_id, n)], change_id, timeout=ACK_DEADLINE_S
                    )
                except Exception:  # noqa: BLE001 - no answer within the deadline: a stall
                    ack = None
                with lock:
                    acks.append((change_id, time.monotonic() - sent, ack))
                if ack is None or not ack.get("ok"):
                    return

        began = time.monotonic()
        threads = [threading.Thread(target=write, args=(c,), daemon=True) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(RUN_DEADLINE_S)
        elapsed = time.monotonic() - began
    finally:
        for client in clients:
            client.close()
        server.stop()

    unanswered = [cid for cid, _s, ack in acks if ack is None]
    refused = [
        (cid, ack["error"]["code"]) for cid, _s, ack in acks if ack is not None and not ack["ok"]
    ]
    slowest = max(seconds for _cid, seconds, _ack in acks)
    text = log.read_text(errors="replace")
    engine = make_engine(postgres_url)
    try:
        with engine.connect() as conn:
            seq = conn.scalar(sa.select(Board.seq).where(Board.id == world.board))
            checkpoints = conn.scalars(
                sa.select(BoardSnapshot.seq).where(
                    BoardSnapshot.board_id == world.board,
                    BoardSnapshot.kind == SnapshotKind.CHECKPOINT,
                )
            ).all()
    finally:
        engine.dispose()
    with capsys.disabled():
        ok = sum(1 for _cid, _s, ack in acks if ack is not None and ack["ok"])
        print(
            f"\n{WRITERS} writers, {ok} changes acked in {elapsed:.1f} s, "
            f"slowest ack {slowest:.2f} s, "
            f"{len(unanswered)} unanswered, {len(refused)} refused, board at seq {seq}, "
            f"checkpoints at {sorted(checkpoints)}"
        )
    assert not unanswered, f"{len(unanswered)} changes had no ack within {ACK_DEADLINE_S} s"
    assert not refused, refused[:5]
    assert slowest < ACK_DEADLINE_S
    assert len(acks) == WRITERS * (CHANGES_EACH + 1)
    assert seq == WRITERS * (CHANGES_EACH + 1)
    assert "QueuePool limit" not in text
    assert "maintenance failed" not in text
    assert server_log_problems(log) == []
    # Maintenance kept up, in its own task, while the writers went on (a run that starts just
    # after a checkpoint finds the next one not due yet, so not one per point).
    assert checkpoints and max(checkpoints) >= seq - 2 * CHECKPOINT_EVERY, sorted(checkpoints)
