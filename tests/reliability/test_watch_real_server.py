"""`watch` on a real `python -m workshop` process (gevent): a reconnecting board page sends its
own join and its watches at once, and events run concurrently there; the watch must wait for
the join, not be refused. A socket with no joined board of the project is refused."""

from __future__ import annotations

import gc
import threading
import warnings

import pytest

from tests.support.real_board import RealClient, seed, server_env, server_log_problems, start_server
from tests.support.services import ScratchPostgres
from workshop import protocol as P

pytestmark = pytest.mark.slow

ROUNDS = 5  # reconnects, each with the join and the watch sent back to back


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'watch.sqlite3'}"
    else:
        with ScratchPostgres() as scratch:
            yield scratch.url


def test_a_watch_sent_with_its_join_waits_for_it_and_a_lone_watch_is_refused(database, tmp_path):
    world = seed(database, participants=2)
    server = start_server(server_env(world.url, tmp_path), tmp_path / "server.log")
    clients = []
    try:
        for round_ in range(ROUNDS):
            client = RealClient(f"p0-{round_}", server.url, world.cookies["p0"]).connect()
            clients.append(client)
            acks: dict[str, dict] = {}
            done = threading.Event()

            def answer(name, acks=acks, done=done):
                def record(ack):
                    acks[name] = ack
                    if len(acks) == 2:
                        done.set()

                return record

            # As BoardConnection does on "connect": every connection on the socket joins at once.
            base = {"protocol": P.PROTOCOL_VERSION}
            client.sio.emit(
                P.JOIN_BOARD, {**base, "board_id": world.board}, callback=answer("join")
            )
            client.sio.emit(
                P.JOIN_BOARD,
                {**base, "board_id": world.board_b, "watch": True},
                callback=answer("watch"),
            )
            assert done.wait(15), acks
            assert acks["join"]["ok"] is True, acks
            assert acks["watch"]["ok"] is True and acks["watch"]["me"] is None, acks
            client.close()

        lone = RealClient("p1", server.url, world.cookies["p1"]).connect()
        clients.append(lone)
        ack = lone.call(
            P.JOIN_BOARD, {"protocol": P.PROTOCOL_VERSION, "board_id": world.board_b, "watch": True}
        )
        assert ack["ok"] is False and ack["error"]["code"] == P.FORBIDDEN
    finally:
        for client in clients:
            client.close()
        server.stop()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
    assert server_log_problems(tmp_path / "server.log") == []
