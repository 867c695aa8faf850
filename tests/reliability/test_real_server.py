"""Real `python -m workshop` processes (gevent) and stock python-socketio clients over the
websocket transport: editing across a server, SIGKILL mid-burst (F1), two processes behind
Redis, the Origin check (A1), the frame limit (D1) and a database outage (F2).

Each runs on SQLite and on PostgreSQL. Run with -s to see the figures.
"""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy import orm

from tests.support.boards import board_state_hash, check_integrity, stored_live_items
from tests.support.live_server import LiveServer
from tests.support.real_board import (
    RealClient,
    apply_with_retry,
    seed,
    server_env,
    server_log_problems,
    start_server,
    sticky,
)
from tests.support.services import ScratchPostgres, require_redis
from workshop import protocol as P
from workshop.database import make_engine
from workshop.models import BoardChange, BoardItem
from workshop.realtime.sessions import registry

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    """A scratch database URL on the backend under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'board.sqlite3'}"
    else:
        with ScratchPostgres() as scratch:
            yield scratch.url


@pytest.fixture
def opened():
    """Clients to close after the test, whatever happened."""
    clients: list[RealClient] = []
    yield clients
    for client in clients:
        client.close()
    # The client library leaves the socket of a connection the server dropped to the garbage
    # collector; collect it here, where that is expected, not in some later test.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def servers():
    """Servers to stop after the test (before the scratch database is dropped)."""
    started: list[LiveServer] = []
    yield started
    for server in started:
        server.stop()


@contextmanager
def session_for(url: str) -> Iterator[orm.Session]:
    """A session of the test's own, its connections closed afterwards."""
    engine = make_engine(url)
    try:
        with orm.Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def connect(opened, name: str, url: str, cookie: str) -> RealClient:
    client = RealClient(name, url, cookie).connect()
    opened.append(client)
    return client


# --- two clients, one item ------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_clients_edit_the_same_item_across_a_real_server(database, tmp_path, opened, servers):
    world = seed(database)
    log = tmp_path / "server.log"
    server = start_server(server_env(database, tmp_path), log)
    servers.append(server)
    ada = connect(opened, "ada", server.url, world.cookies["p0"])
    bob = connect(opened, "bob", server.url, world.cookies["p1"])
    assert ada.join(world.board)["ok"] and bob.join(world.board)["ok"]

    assert ada.apply(world.board, [sticky("s1", text="draft")], "ada:1")["ok"]
    assert bob.wait_for(lambda: bob.received(P.CHANGE_APPLIED))
    # Both edit at once from the same version: one field each, then the same field.
    results: dict[str, dict] = {}

    def edit(client, change_id, fields):
        results[change_id] = client.apply(
            world.board, [{"op": "update", "id": "s1", "fields": fields}], change_id
        )

    threads = [
        threading.Thread(target=edit, args=(ada, "ada:2", {"text": "Ada's", "x": 10})),
        threading.Thread(target=edit, args=(bob, "bob:1", {"color": "green", "x": 20})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert all(r["ok"] for r in results.values()), results
    later = "ada:2" if results["ada:2"]["seq"] > results["bob:1"]["seq"] else "bob:1"
    with session_for(database) as session:
        fields = stored_live_items(session, world.board)["s1"]["fields"]
    assert fields["text"] == "Ada's" and fields["color"] == "green"
    assert fields["x"] == (10 if later == "ada:2" else 20)  # the later change wins the shared field
    # Each saw the other's change, in seq order, and both end equal to the board.
    assert ada.wait_for(lambda: len(ada.received(P.CHANGE_APPLIED)) == 1)
    assert bob.wait_for(lambda: len(bob.received(P.CHANGE_APPLIED)) == 2)
    assert server_log_problems(log) == []


# --- F1: SIGKILL in the middle of a burst -----------------------------------------------------------------


CLIENTS = 5
CHANGES_EACH = 100


def burst(client: RealClient, board_id: int, acked: dict, stop: threading.Event) -> None:
    """Send CHANGES_EACH changes as fast as the rate limit allows, recording each ack."""
    for n in range(CHANGES_EACH):
        change_id = f"{client.name}:{n}"
        while not stop.is_set():
            try:
                ack = client.apply(
                    board_id, [sticky(f"{client.name}-{n}", text=f"note {n}")], change_id, timeout=5
                )
            except Exception:  # noqa: BLE001 - the server was killed under us
                return
            if ack["ok"]:
                acked[change_id] = ack["seq"]
                break
            assert ack["error"]["code"] == P.RATE_LIMITED, ack
            time.sleep(1 / P.CHANGES_PER_SECOND)
        if stop.is_set():
            return


@pytest.mark.slow
def test_sigkill_during_a_burst_loses_no_acknowledged_change(
    database, tmp_path, opened, servers, capsys
):
    world = seed(database)
    log = tmp_path / "server.log"
    env = server_env(database, tmp_path)
    server = start_server(env, log)
    servers.append(server)
    names = [f"p{n}" for n in range(CLIENTS)]
    clients = [connect(opened, name, server.url, world.cookies[name]) for name in names]
    for client in clients:
        assert client.join(world.board)["ok"]

    acked: dict[str, int] = {}
    stop = threading.Event()
    threads = [threading.Thread(target=burst, args=(c, world.board, acked, stop)) for c in clients]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(acked) < 200 and time.monotonic() < deadline:
        time.sleep(0.005)
    server.kill()  # SIGKILL: no flush, no goodbye
    stop.set()
    for t in threads:
        t.join(10)
    acked_before_kill = dict(acked)
    assert 200 <= len(acked_before_kill) < CLIENTS * CHANGES_EACH

    # Restart on the same port; every client reconnects, catches up and re-sends everything
    # it sent, acknowledged or not, with the same change_ids.
    server = LiveServer(env, port=server.port, log_path=log).start()
    servers.append(server)
    duplicates = committed_unacked = 0
    for name in names:
        client = connect(opened, f"{name}-again", server.url, world.cookies[name])
        assert client.join(world.board, since_seq=0)["ok"]
        for n in range(CHANGES_EACH):
            change_id = f"{name}:{n}"
            ack = apply_with_retry(
                client, world.board, [sticky(f"{name}-{n}", text=f"note {n}")], change_id
            )
            assert ack["ok"], ack
            if change_id in acked_before_kill:
                assert ack["duplicate"] and ack["seq"] == acked_before_kill[change_id], (
                    change_id,
                    ack,
                )
                duplicates += 1
            elif ack["duplicate"]:
                committed_unacked += 1  # in flight at the kill: committed, its ack lost

    with session_for(database) as session:
        stored = dict(
            session.execute(
                sa.select(BoardChange.change_id, BoardChange.seq).where(
                    BoardChange.board_id == world.board
                )
            ).all()
        )
        present = sum(1 for cid, seq in acked_before_kill.items() if stored.get(cid) == seq)
        items = session.scalars(
            sa.select(BoardItem.item_id).where(BoardItem.board_id == world.board)
        ).all()
        check_integrity(session, world.board)
    if database.startswith("sqlite"):
        with sqlite3.connect(database.removeprefix("sqlite:///")) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    assert len(stored) == len(items) == CLIENTS * CHANGES_EACH  # each change once, each item once
    assert present == len(acked_before_kill)
    assert duplicates == len(acked_before_kill)
    with capsys.disabled():
        print(
            f"\nF1 ({database.split(':')[0]}): {len(acked_before_kill)} acked, {present} present, "
            f"0 duplicates; {duplicates} re-sent acked changes acked as duplicates, "
            f"{committed_unacked} committed but unacked at the kill also acked as duplicates; "
            f"{len(stored)} changes stored once each after the re-send"
        )


# --- two processes behind Redis -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_two_processes_share_changes_through_redis(tmp_path, opened, servers):
    redis_url = require_redis()
    with ScratchPostgres() as scratch:
        world = seed(scratch.url)
        env = server_env(scratch.url, tmp_path, REDIS_URL=redis_url)
        try:
            one = start_server(env, tmp_path / "one.log")
            servers.append(one)
            two = start_server(env, tmp_path / "two.log")
            servers.append(two)
            ada = connect(opened, "ada", one.url, world.cookies["p0"])
            bob = connect(opened, "bob", two.url, world.cookies["p1"])
            assert ada.join(world.board)["ok"] and bob.join(world.board)["ok"]
            for n in range(5):
                assert ada.apply(world.board, [sticky(f"a{n}")], f"ada:{n}")["ok"]
                assert bob.apply(world.board, [sticky(f"b{n}")], f"bob:{n}")["ok"]
            assert bob.wait_for(lambda: len(bob.received(P.CHANGE_APPLIED)) == 5)
            assert ada.wait_for(lambda: len(ada.received(P.CHANGE_APPLIED)) == 5)
            assert [c["change_id"] for c in bob.received(P.CHANGE_APPLIED)] == [
                f"ada:{n}" for n in range(5)
            ]
            seqs = sorted(
                c["seq"] for c in ada.received(P.CHANGE_APPLIED) + bob.received(P.CHANGE_APPLIED)
            )
            assert seqs == list(range(1, 11))  # one sequencer for both processes
            # Cursors stay with their process: all sockets of a board belong on one (docs).
            assert server_log_problems(tmp_path / "one.log") == []
            assert server_log_problems(tmp_path / "two.log") == []
        finally:
            for client in opened:
                client.close()
            for server in servers:
                server.stop()


# --- A1: the Origin check ----------------------------------------------------------------------------------


FOREIGN_ORIGINS = [
    "https://evil.example",
    "http://evil.example",
    "null",
    "http://localhost.evil.example",
    "http://localhost:1",
    "https://localhost",
    "file://",
]


def test_a_foreign_origin_is_refused_at_the_handshake(app, client, capsys):
    from workshop.extensions import socketio

    connects_before = len(registry.all())
    sessions_before = len(socketio.server.eio.sockets)
    refused = 0
    for origin in FOREIGN_ORIGINS:
        response = client.get("/socket.io/?EIO=4&transport=polling", headers={"Origin": origin})
        assert response.status_code == 400, (origin, response.status_code)
        refused += 1
    assert len(registry.all()) == connects_before  # no connect handler ran...
    assert len(socketio.server.eio.sockets) == sessions_before  # ...nor even an Engine.IO session
    same = client.get("/socket.io/?EIO=4&transport=polling", headers={"Origin": "http://localhost"})
    assert same.status_code == 200 and same.get_data(as_text=True).startswith("0{")
    no_origin = client.get("/socket.io/?EIO=4&transport=polling")
    assert no_origin.status_code == 200  # non-browser clients send none; the cookie still decides
    with capsys.disabled():
        print(
            f"\nA1: {len(FOREIGN_ORIGINS)} foreign origins, {refused} refused; the same origin accepted"
        )


def test_the_origin_allowlist_is_never_a_wildcard(app):
    from workshop import create_app
    from workshop.config import TestConfig
    from workshop.extensions import socketio

    assert socketio.server.eio.cors_allowed_origins not in ("*", [])
    with pytest.raises(ValueError):
        create_app(
            TestConfig(),
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            SOCKETIO_EXTRA_ORIGINS=["*"],
            REDIS_URL=None,
        )


@pytest.mark.slow
def test_a_foreign_origin_is_refused_by_a_real_server(tmp_path, servers):
    url = f"sqlite:///{tmp_path / 'origin.sqlite3'}"
    seed(url, participants=0)
    server = start_server(server_env(url, tmp_path), tmp_path / "server.log")
    servers.append(server)
    handshake = server.url + "/socket.io/?EIO=4&transport=polling"
    assert (
        requests.get(handshake, headers={"Origin": "https://evil.example"}, timeout=5).status_code
        == 400
    )
    assert requests.get(handshake, headers={"Origin": server.url}, timeout=5).status_code == 200


# --- D1: the frame limit ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_frame_over_64_kib_drops_only_its_own_socket(database, tmp_path, opened, servers, capsys):
    world = seed(database)
    log = tmp_path / "server.log"
    server = start_server(server_env(database, tmp_path), log)
    servers.append(server)
    big = connect(opened, "big", server.url, world.cookies["p0"])
    bystander = connect(opened, "bystander", server.url, world.cookies["p1"])
    assert big.join(world.board)["ok"] and bystander.join(world.board)["ok"]
    with session_for(database) as session:
        before = board_state_hash(session, world.board)
    for size in (P.MAX_MESSAGE_BYTES + 1024, 1_000_000):
        payload = {
            "board_id": world.board,
            "change_id": f"big:{size}",
            "client_id": "big",
            "ops": [sticky(f"big{size}", text="x" * size)],
        }
        big.sio.emit(P.APPLY_CHANGE, payload)
        assert big.wait_for(lambda client=big: not client.connected, 5), (
            "the oversize frame did not close its socket"
        )
        assert bystander.connected
        assert bystander.apply(world.board, [sticky(f"after{size}")], f"bystander:{size}")["ok"]
        big = connect(
            opened, "big", server.url, world.cookies["p0"]
        )  # the same person may come back
        assert big.join(world.board)["ok"]
    with session_for(database) as session:
        items = stored_live_items(session, world.board)
        assert set(items) == {f"after{P.MAX_MESSAGE_BYTES + 1024}", "after1000000"}
        assert session.scalar(sa.select(sa.func.count()).select_from(BoardChange)) == 2
        assert board_state_hash(session, world.board) != before  # (only the bystander's changes)
    # A frame just under the limit is read and refused by validation, not by the transport.
    ack = big.apply(
        world.board, [sticky("under", text="x" * (P.MAX_MESSAGE_BYTES - 1024))], "big:under"
    )
    assert ack["ok"] is False and ack["error"]["code"] == P.TOO_LARGE and big.connected
    assert server_log_problems(log) == []
    with capsys.disabled():
        print(
            f"\nD1 ({database.split(':')[0]}): frames of {P.MAX_MESSAGE_BYTES + 1024:,} and 1,000,000+ bytes "
            "closed only their own socket, nothing persisted; the bystander kept working"
        )


# --- F2: the database goes away and comes back ---------------------------------------------------------------------


class Outage:
    """Takes the database away from the server and gives it back."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._holder: subprocess.Popen | None = None

    def begin(self) -> None:
        if self.url.startswith("sqlite"):
            # Another process takes the write lock and keeps it, as a backup or a stuck CLI would.
            self._holder = subprocess.Popen(
                [sys.executable, "-c", HOLD_SQLITE_WRITE_LOCK, self.url.removeprefix("sqlite:///")],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert self._holder.stdout.readline().strip() == "locked"
        else:
            name = sa.engine.make_url(self.url).database
            with self._admin() as conn:
                conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                    ),
                    {"n": name},
                )

    def end(self) -> None:
        if self._holder is not None:
            self._holder.kill()
            self._holder.wait(5)
            self._holder.stdout.close()
            self._holder = None
        elif not self.url.startswith("sqlite"):
            name = sa.engine.make_url(self.url).database
            with self._admin() as conn:
                conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))

    @contextmanager
    def _admin(self):
        admin = sa.create_engine(
            sa.engine.make_url(self.url).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        try:
            with admin.connect() as conn:
                yield conn
        finally:
            admin.dispose()


HOLD_SQLITE_WRITE_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(600)
"""


@pytest.mark.slow
def test_a_database_outage_is_unavailable_then_heals_without_a_restart(
    database, tmp_path, opened, servers, capsys
):
    world = seed(database)
    log = tmp_path / "server.log"
    server = start_server(server_env(database, tmp_path), log)
    servers.append(server)
    writer = connect(opened, "writer", server.url, world.cookies["p0"])
    watcher = connect(opened, "watcher", server.url, world.cookies["p1"])
    assert writer.join(world.board)["ok"] and watcher.join(world.board)["ok"]
    assert writer.apply(world.board, [sticky("before")], "writer:0")["ok"]
    assert watcher.wait_for(lambda: watcher.received(P.CHANGE_APPLIED))
    health = requests.get(server.url + "/healthz", timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"

    outage = Outage(database)
    outage.begin()
    try:
        started = time.monotonic()
        ack = writer.apply(world.board, [sticky("during")], "writer:1", timeout=30)
        refused_after_s = time.monotonic() - started
        assert ack == {
            "ok": False,
            "error": {"code": P.UNAVAILABLE, "message": ack["error"]["message"]},
        }
        assert P.UNAVAILABLE in P.RETRYABLE_ERRORS
        # One failing write must not freeze the process: the others are answered at once.
        started = time.monotonic()
        read = watcher.join(world.board, since_seq=1)
        read_s = time.monotonic() - started
        assert read_s < 2, f"a read waited {read_s:.1f}s behind a failing write"
        if database.startswith("sqlite"):
            assert read["ok"]  # SQLite still reads while another process holds the write lock
        else:
            assert read["error"]["code"] == P.UNAVAILABLE
        health = requests.get(server.url + "/healthz", timeout=30)
        assert health.status_code == 503 and health.json()["status"] == "degraded", health.text
        assert server.process.poll() is None  # the process survives
        assert writer.connected and watcher.connected
        time.sleep(0.3)
        assert len(watcher.received(P.CHANGE_APPLIED)) == 1  # nothing was broadcast
    finally:
        outage.end()

    # Back: the first change goes through without a restart, with the same change_id.
    ack = writer.apply(world.board, [sticky("during")], "writer:1", timeout=30)
    assert ack["ok"] and not ack["duplicate"] and ack["seq"] == 2, ack
    assert watcher.wait_for(lambda: len(watcher.received(P.CHANGE_APPLIED)) == 2)
    health = requests.get(server.url + "/healthz", timeout=5)
    assert health.status_code == 200, health.text
    with session_for(database) as session:
        assert set(stored_live_items(session, world.board)) == {"before", "during"}
        check_integrity(session, world.board)
    assert server_log_problems(log) == []
    with capsys.disabled():
        print(
            f"\nF2 ({database.split(':')[0]}): unavailable after {refused_after_s:.1f}s, nothing broadcast, "
            "healthz 503 degraded, process alive; first change after recovery applied without a restart"
        )
