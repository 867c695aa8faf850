"""Group commit on a real server (issue 18): clients that keep several changes in flight on
one board, so the board's sequencer commits them in batches; then SIGKILL in the middle.

Checks what a person relies on: every acknowledged change is in the database after the kill
(no ack ran ahead of its commit), each client's acks and an observer's broadcasts come in seq
order, and re-sending everything after a restart stores each change once. On PostgreSQL the
database's own count of commits shows that changes were committed in batches. Run with -s to
see the figures.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from tests.reliability import test_real_server as real_server
from tests.reliability.test_real_server import connect, session_for
from tests.support.boards import check_integrity
from tests.support.live_server import LiveServer
from tests.support.real_board import apply_with_retry, seed, server_env, start_server, sticky
from workshop import protocol as P
from workshop.models import BoardChange, BoardItem

WRITERS = 8
CHANGES_EACH = 80
IN_FLIGHT = 4  # changes a writer sends before waiting for the first ack
KILL_AFTER_ACKS = 250

# The same fixtures as the other real-server tests: the database under test, the clients and
# the servers to close afterwards.
database = real_server.database
opened = real_server.opened
servers = real_server.servers


def commits_so_far(url: str) -> int | None:
    """PostgreSQL's count of committed transactions in this database (None on SQLite)."""
    if url.startswith("sqlite"):
        return None
    with session_for(url) as session:
        session.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
        return session.scalar(
            sa.text("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
        )


class Pipelined:
    """A writer keeping up to IN_FLIGHT changes in flight, sent in bursts, recording acks as
    they arrive."""

    def __init__(self, client, board_id: int) -> None:
        self.client = client
        self.board_id = board_id
        self.acks: list[tuple[str, int]] = []  # (change_id, seq), in arrival order
        self.refused: list[dict] = []
        self.slots = threading.Semaphore(IN_FLIGHT)
        self.lock = threading.Lock()

    def run(self, stop: threading.Event) -> None:
        for n in range(CHANGES_EACH):
            change_id = f"{self.client.name}:{n}"
            while not stop.is_set() and not self.slots.acquire(timeout=0.05):
                pass
            if stop.is_set():
                return
            payload = {
                "board_id": self.board_id,
                "change_id": change_id,
                "client_id": self.client.name,
                "ops": [sticky(f"{self.client.name}-{n}", text=f"note {n}")],
            }
            try:
                self.client.sio.emit(
                    P.APPLY_CHANGE,
                    payload,
                    callback=lambda ack, cid=change_id: self.acked(cid, ack),
                )
            except Exception:  # noqa: BLE001 - the server was killed under us
                return
            # In bursts of IN_FLIGHT, within the socket's change budget: changes that arrive
            # together queue behind the first, however quickly the server takes each.
            if n % IN_FLIGHT == IN_FLIGHT - 1:
                time.sleep(IN_FLIGHT / P.CHANGES_PER_SECOND)

    def acked(self, change_id: str, ack: dict) -> None:
        with self.lock:
            if ack.get("ok"):
                self.acks.append((change_id, ack["seq"]))
            else:
                self.refused.append(ack)
        self.slots.release()


@pytest.mark.slow
def test_sigkill_during_group_commits_loses_no_acknowledged_change(
    database,
    tmp_path,
    opened,
    servers,
    capsys,
):
    world = seed(database, participants=WRITERS + 1)
    log = tmp_path / "server.log"
    env = server_env(database, tmp_path)
    server = start_server(env, log)
    servers.append(server)
    names = [f"p{n}" for n in range(WRITERS)]
    clients = [connect(opened, name, server.url, world.cookies[name]) for name in names]
    observer = connect(opened, "observer", server.url, world.cookies[f"p{WRITERS}"])
    for client in [*clients, observer]:
        assert client.join(world.board)["ok"]

    writers = [Pipelined(client, world.board) for client in clients]
    stop = threading.Event()
    commits_before = commits_so_far(database)
    threads = [threading.Thread(target=w.run, args=(stop,), daemon=True) for w in writers]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while sum(len(w.acks) for w in writers) < KILL_AFTER_ACKS and time.monotonic() < deadline:
        time.sleep(0.005)
    server.kill()  # SIGKILL, with changes queued and in flight
    stop.set()
    for t in threads:
        t.join(10)
    acked = {cid: seq for w in writers for cid, seq in w.acks}
    assert KILL_AFTER_ACKS <= len(acked) < WRITERS * CHANGES_EACH
    assert all(ack["error"]["code"] == P.RATE_LIMITED for w in writers for ack in w.refused)
    # Each writer heard its acks in seq order, the observer every broadcast in seq order.
    for w in writers:
        seqs = [seq for _cid, seq in w.acks]
        assert seqs == sorted(seqs), w.client.name
    heard = [m["seq"] for m in observer.received(P.CHANGE_APPLIED)]
    assert heard == sorted(heard) and len(heard) == len(set(heard))
    with session_for(database) as session:
        stored = dict(
            session.execute(
                sa.select(BoardChange.change_id, BoardChange.seq).where(
                    BoardChange.board_id == world.board
                )
            ).all()
        )
    lost = {cid: seq for cid, seq in acked.items() if stored.get(cid) != seq}
    assert lost == {}, f"{len(lost)} acknowledged changes are not in the database"
    committed_at_kill = len(stored)
    time.sleep(1)  # PostgreSQL's statistics arrive within a second
    commits = None if commits_before is None else commits_so_far(database) - commits_before

    # Restart; every writer re-sends all it meant to, with the same change_ids.
    server = LiveServer(env, port=server.port, log_path=log).start()
    servers.append(server)
    for name in names:
        client = connect(opened, f"{name}-again", server.url, world.cookies[name])
        assert client.join(world.board, since_seq=0)["ok"]
        for n in range(CHANGES_EACH):
            change_id = f"{name}:{n}"
            ack = apply_with_retry(
                client, world.board, [sticky(f"{name}-{n}", text=f"note {n}")], change_id
            )
            assert ack["ok"], ack
            if change_id in acked:
                assert ack["duplicate"] and ack["seq"] == acked[change_id]
    with session_for(database) as session:
        count = session.scalar(
            sa.select(sa.func.count()).where(BoardChange.board_id == world.board)
        )
        items = session.scalar(sa.select(sa.func.count()).where(BoardItem.board_id == world.board))
        check_integrity(session, world.board)
    assert count == items == WRITERS * CHANGES_EACH
    with capsys.disabled():
        print(
            f"\ngroup commit + SIGKILL ({database.split(':')[0]}): {len(acked)} acked, "
            f"{committed_at_kill} committed at the kill, 0 lost; "
            + ("" if commits is None else f"{commits} database commits for them; ")
            + f"{count} changes stored once each after the re-send"
        )
    if commits is not None:
        # Batches: fewer commits than changes (each join and read adds none; a few other
        # writes, such as attendance, add some).
        assert commits < committed_at_kill, (commits, committed_at_kill)
