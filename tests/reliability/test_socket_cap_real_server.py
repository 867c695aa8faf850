"""The 9th socket of one person, against a real server (gevent) with stock python-socketio
clients: refused with the clear code `too_many_sockets`, while the eight stay connected."""

from __future__ import annotations

import pytest
import socketio

from tests.support.real_board import RealClient, seed, server_env, server_log_problems, start_server
from workshop import protocol as P

pytestmark = pytest.mark.slow


def test_the_ninth_socket_gets_too_many_sockets(tmp_path):
    url = f"sqlite:///{tmp_path / 'board.sqlite3'}"
    seeded = seed(url, participants=1)
    log = tmp_path / "server.log"
    server = start_server(server_env(url, tmp_path / "instance"), log)
    tabs: list[RealClient] = []
    try:
        for n in range(P.MAX_SOCKETS_PER_PERSON):
            tabs.append(RealClient(f"tab{n}", server.url, seeded.cookies["p0"]).connect())
        refusals = []
        ninth = socketio.Client(reconnection=False)
        ninth.on("connect_error", lambda data=None: refusals.append(data))
        with pytest.raises(socketio.exceptions.ConnectionError):
            ninth.connect(
                server.url,
                headers={"Cookie": seeded.cookies["p0"]},
                transports=["websocket"],
                wait_timeout=10,
            )
        assert refusals and P.TOO_MANY_SOCKETS in str(refusals[0])
        assert all(tab.connected for tab in tabs)
        assert tabs[0].join(seeded.board)["ok"]
    finally:
        for tab in tabs:
            tab.close()
        server.stop()
    assert server_log_problems(log) == []
