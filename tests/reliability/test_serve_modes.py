"""`python -m workshop` in each green mode it offers answers a WebSocket (gevent's needs
gevent-websocket's handler: without it every socket fell back to, or failed like, polling)."""

from __future__ import annotations

import pytest
import websocket

from tests.support.live_server import LiveServer, flask_command


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_the_server_speaks_websocket_in_each_green_mode(tmp_path, mode):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "WORKSHOP_INSTANCE_DIR": str(tmp_path),
        "REDIS_URL": "",
        "SOCKETIO_ASYNC_MODE": mode,
    }
    flask_command({**LiveServer(env).env}, "db", "upgrade")
    with LiveServer(env, log_path=tmp_path / "server.log") as server:
        address = server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        # websocket-client: its handshake is synchronous. simple-websocket's client sometimes
        # lost the first frame when eventlet sent it right behind the handshake's answer (1 run
        # in 10), and the test then waited for a frame the server had sent.
        ws = websocket.create_connection(address, timeout=10)
        try:
            opened = ws.recv()
            assert isinstance(opened, str) and opened.startswith('0{"sid"'), opened
            ws.send("40")  # into the default namespace: no session cookie, so refused in words
            answer = ws.recv()
            assert isinstance(answer, str) and answer.startswith("44"), answer
        finally:
            ws.close()
