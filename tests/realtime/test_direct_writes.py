"""Messages written straight to a WebSocket (realtime/direct_writes.py), on real gevent sockets
and python-engineio's own socket, reader and writer thread: what a client receives is whole and
in order, whatever the kernel takes at once."""

from __future__ import annotations

import json
import socket as std_socket
import struct

import engineio
import gevent
import pytest
from engineio import packet as eio_packet
from engineio import socket as eio_socket
from gevent import socket as gevent_socket
from geventwebsocket.websocket import Stream, WebSocket

from tests.support.gevent_websockets import WebSocketHandler
from workshop.realtime.direct_writes import DirectWebSocketWSGI, DirectWrites

SMALL_SEND_BUFFER_BYTES = 4096
BIG_MESSAGE_CHARS = 2_000_000  # far more than any socket buffer takes at once
TIMEOUT_S = 10


class Connection:
    """A server-side engine socket upgraded to a WebSocket over a socket pair; `client` is the
    other end, read with plain blocking calls in gevent's terms."""

    def __init__(self, writes: DirectWrites, sid: str) -> None:
        writes.connections.append(self)
        self.server_end, self.client = gevent_socket.socketpair()
        self.engine_socket = eio_socket.Socket(writes.engine_server, sid)
        writes.engine_server.sockets[sid] = self.engine_socket
        handler = self.handler = WebSocketHandler(self.server_end)
        environ = {"wsgi.websocket": WebSocket({}, Stream(handler), handler)}
        self.websocket = DirectWebSocketWSGI(
            self.engine_socket._websocket_handler, writes.engine_server
        )
        self.greenlet = gevent.spawn(self.websocket, environ, None)
        gevent.sleep(0)  # the handler starts, and with it the writer
        self.buffer = b""

    def close(self) -> None:
        """The client hangs up: the reader ends, and with it the engine socket."""
        self.client.close()
        self.greenlet.join(TIMEOUT_S)
        self.handler.rfile.close()
        self.server_end.close()

    def read_frame(self) -> str:
        """One server frame's text (servers never mask)."""
        header = self._read(2)
        assert header[0] == 0x81, "a final text frame"
        length = header[1] & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._read(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._read(8))[0]
        return self._read(length).decode("utf-8")

    def _read(self, size: int) -> bytes:
        with gevent.Timeout(TIMEOUT_S):
            while len(self.buffer) < size:
                chunk = self.client.recv(65536)
                assert chunk, "the server closed the connection"
                self.buffer += chunk
        taken, self.buffer = self.buffer[:size], self.buffer[size:]
        return taken


@pytest.fixture
def writes():
    server = engineio.Server(async_mode="gevent")
    installed = DirectWrites.install(server)
    assert installed is not None
    installed.connections = []
    yield installed
    for connection in installed.connections:
        connection.close()


def message(text: str) -> eio_packet.Packet:
    return eio_packet.Packet(eio_packet.MESSAGE, text)


def test_a_message_is_one_frame_written_at_once_and_a_broadcast_frames_it_once(writes):
    first, second = Connection(writes, "a"), Connection(writes, "b")
    change = message('2["change_applied",{"seq":7,"text":"Caffè €"}]')

    writes.engine_server.send_packet("a", change)
    writes.engine_server.send_packet("b", change)

    assert (
        first.read_frame()
        == second.read_frame()
        == '42["change_applied",{"seq":7,"text":"Caffè €"}]'
    )
    assert (writes.direct, writes.queued) == (2, 0)
    assert first.engine_socket.queue.empty()


def test_what_the_kernel_does_not_take_waits_for_the_writer_and_nothing_overtakes_it(writes):
    slow = Connection(writes, "slow")
    slow.server_end.setsockopt(std_socket.SOL_SOCKET, std_socket.SO_SNDBUF, SMALL_SEND_BUFFER_BYTES)
    big = "x" * BIG_MESSAGE_CHARS

    writes.engine_server.send_packet("slow", message(json.dumps(["big", big])))
    for seq in range(50):
        writes.engine_server.send_packet("slow", message(json.dumps(["change", seq])))

    assert writes.direct == 1, "the big frame went direct, in part"
    assert writes.queued == 50, "the rest of it was queued, so everything after it waits too"
    assert json.loads(slow.read_frame()[1:]) == ["big", big]
    assert [json.loads(slow.read_frame()[1:]) for _ in range(50)] == [
        ["change", seq] for seq in range(50)
    ]
    # Once the writer has sent it all, messages go direct again.
    gevent.sleep(0.05)
    writes.engine_server.send_packet("slow", message('["after"]'))
    assert slow.read_frame() == '4["after"]'
    assert writes.direct == 2


def test_nothing_goes_direct_while_the_writer_is_mid_frame(writes):
    slow = Connection(writes, "busy")
    slow.server_end.setsockopt(std_socket.SOL_SOCKET, std_socket.SO_SNDBUF, SMALL_SEND_BUFFER_BYTES)
    big = "y" * BIG_MESSAGE_CHARS
    # A ping first, so the big message is queued behind it and the writer takes both.
    writes.engine_server.send_packet("busy", eio_packet.Packet(eio_packet.PING))
    writes.engine_server.send_packet("busy", message(json.dumps(["big", big])))
    gevent.sleep(0.05)
    assert slow.engine_socket.queue.empty() and slow.websocket.writing

    writes.engine_server.send_packet("busy", message('["small"]'))

    assert writes.direct == 0
    assert slow.read_frame() == "2"
    assert json.loads(slow.read_frame()[1:]) == ["big", big]
    assert slow.read_frame() == '4["small"]'


def test_pings_and_the_close_keep_the_queue(writes):
    connection = Connection(writes, "p")

    writes.engine_server.send_packet("p", eio_packet.Packet(eio_packet.PING))

    assert connection.read_frame() == "2"
    assert (writes.direct, writes.queued) == (0, 1)


def test_a_client_gone_falls_back_to_the_queue_and_the_socket_is_closed(writes):
    connection = Connection(writes, "gone")
    connection.client.close()

    writes.engine_server.send_packet("gone", message('["lost"]'))
    connection.greenlet.join(TIMEOUT_S)

    assert writes.direct == 0 and writes.queued >= 1
    assert connection.engine_socket.closed
    assert "gone" not in writes.open, "a closed socket is forgotten"


def test_only_gevent_websocket_servers_get_direct_writes():
    assert DirectWrites.install(engineio.Server(async_mode="threading")) is None
    gevent_server = engineio.Server(async_mode="gevent")
    assert DirectWrites.install(gevent_server) is not None
    assert gevent_server._async["websocket"] is DirectWebSocketWSGI
