"""Many sockets of one board going silent at once (a network cut, an overloaded server that
misses their pongs) must be closed cleanly: no error in the server, and the board's presence
must not keep ghosts of them."""

from __future__ import annotations

import json
import os
import secrets
import signal
import time

import pytest
import websocket

from bench.realtime import BenchServer, People, Target, server_env
from workshop import protocol as P

pytestmark = pytest.mark.slow

SILENT = 90  # deeper than the recursion limit allows when each close re-enters the next


def _open(url: str, cookie: str, board_id: int) -> websocket.WebSocket:
    """A raw Engine.IO websocket that joins the board, then never reads again (no pongs)."""
    ws = _open_raw(url, cookie)
    ws.send("420" + json.dumps(["join_board", {"protocol": 1, "board_id": board_id}]))
    while True:
        message = ws.recv()
        if message.startswith("430"):
            return ws
        if message == "2":
            ws.send("3")


def _join_ack(url: str, cookie: str, board_id: int) -> dict:
    ws = _open_raw(url, cookie)
    ws.send("421" + json.dumps(["join_board", {"protocol": 1, "board_id": board_id}]))
    while True:
        message = ws.recv()
        if message.startswith("431"):
            ws.close()
            return json.loads(message[3:])[0]


def _open_raw(url: str, cookie: str) -> websocket.WebSocket:
    ws = websocket.create_connection(
        url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
        header=[f"Cookie: {cookie}"],
        timeout=30,
    )
    assert ws.recv().startswith("0")
    ws.send("40")
    assert ws.recv().startswith("40")
    return ws


def test_a_board_full_of_silent_sockets_is_cleaned_up(tmp_path):
    secret = secrets.token_hex(32)
    url = f"sqlite:///{tmp_path / 'storm.sqlite3'}"
    people = People(url, secret, tmp_path)
    try:
        board = people.boards([SILENT + 2])[0]
    finally:
        people.close()
    log = tmp_path / "server.log"
    server = BenchServer(server_env(Target("sqlite", "gevent"), url, secret, tmp_path), log).start()
    try:
        cookies = board["cookies"]
        silent = [_open(server.url, cookie, board["board_id"]) for cookie in cookies[:SILENT]]
        # They stop answering pings now. The server pings every PING_INTERVAL_S and gives up
        # PING_TIMEOUT_S later. A server that stalls in between (CPU starvation, a long GC or
        # database pause) finds them all timed out at once when it resumes, and closes them one
        # inside the other.
        time.sleep(P.PING_INTERVAL_S + 2)
        os.kill(server.pid, signal.SIGSTOP)
        time.sleep(P.PING_TIMEOUT_S)
        os.kill(server.pid, signal.SIGCONT)
        time.sleep(0.5)
        newcomer = _join_ack(server.url, cookies[SILENT], board["board_id"])
        assert newcomer["ok"]
        time.sleep(2)
        later = _join_ack(server.url, cookies[SILENT + 1], board["board_id"])
        ghosts = later["peers"]
        for ws in silent:
            ws.close()
    finally:
        server.stop()
    text = log.read_bytes()[server.ready_offset :].decode(errors="replace")
    assert "RecursionError" not in text
    assert "disconnect handler error" not in text
    # Only the newcomer may still be there; the silent sockets' peers must all have left.
    assert len(ghosts) <= 1, f"{len(ghosts)} peers still listed on the board"
