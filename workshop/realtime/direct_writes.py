"""Writing a message straight to a WebSocket, not through its writer green thread.

python-engineio queues every packet for a socket and a green thread per socket takes it from
the queue, frames it and writes it. For a change broadcast to a 60-person room that is 59 queue
puts, 59 wake-ups of a writer, 59 timers armed for the writer's next wait and 59 frames built,
all for the same bytes: under gevent the hub's switching and the writers took about 40% of the
server's CPU at 60 clients x 2 writes/s (py-spy, bench/results/2026-12-03-direct-writes.md).

A server-to-client WebSocket frame is not masked, so a message's frame is the same for every
recipient: it is built once per packet (python-socketio hands every recipient of a broadcast
the same Engine.IO packet) and written to each socket with one non-blocking send. The writer
thread keeps everything that needs it, so the order of what a client receives never changes:
- a message goes direct only if the socket's queue is empty and its writer is not mid-write;
- what the kernel did not take (a slow client's full buffer) is queued, as raw bytes, and the
  writer sends it before anything queued after it;
- pings, the close packet and everything during an upgrade from polling take the queue, as do
  sockets that are not a plain gevent-websocket connection (TLS, eventlet, polling).
A send that fails (a client gone) falls back to the queue, where the writer meets the same
error and closes the socket as it always did.
"""

from __future__ import annotations

from typing import Any

from engineio import packet as eio_packet

# Imported by a gevent process only (realtime.init_app): gevent and gevent-websocket are there.
from engineio.async_drivers.gevent import WebSocketWSGI as _GeventWebSocketWSGI
from gevent import socket as _gevent_socket
from geventwebsocket.websocket import Header, WebSocket

_NO_WAIT_S = 0.0


class FrameBytes(bytes):
    """A finished WebSocket frame (or what is left of one) queued for the writer, which writes
    it as it is instead of framing it again."""


class _QueuedFrame(eio_packet.Packet):
    """The rest of a frame that the kernel did not take at once, for the writer's queue."""

    def __init__(self, frame: bytes) -> None:
        super().__init__(eio_packet.MESSAGE)
        self.frame = FrameBytes(frame)

    def encode(self, b64: bool = False) -> FrameBytes:  # the writer sends pkt.encode()
        return self.frame


def text_frame(pkt: eio_packet.Packet) -> bytes:
    """The WebSocket frame of an Engine.IO text packet, built once per packet: every recipient
    of a broadcast gets the same packet object."""
    frame = getattr(pkt, "_ws_frame", None)
    if frame is None:
        payload = pkt.encode().encode("utf-8")
        header = Header.encode_header(True, WebSocket.OPCODE_TEXT, b"", len(payload), 0)
        frame = pkt._ws_frame = bytes(header) + payload
    return frame


class DirectWebSocketWSGI(_GeventWebSocketWSGI):
    """engineio's gevent WebSocket, known to DirectWrites while it is open, whose send
    (called by the writer thread only) says when a write is under way and writes queued
    frames as they are."""

    def __init__(self, handler: Any, server: Any) -> None:
        super().__init__(handler, server)
        # The handler is the engine socket's _websocket_handler, bound to it.
        self.engine_socket = getattr(handler, "__self__", None)
        self.writing = False
        self.raw_socket = None

    def __call__(self, environ: dict, start_response: Any) -> Any:
        websocket = environ.get("wsgi.websocket")
        raw = getattr(getattr(websocket, "handler", None), "socket", None)
        engine_server = getattr(self.engine_socket, "server", None)
        writes = getattr(engine_server, "direct_writes", None)
        # Only a plain gevent socket: TLS would need its own record layer.
        if writes is not None and type(raw) is _gevent_socket.socket:
            self.raw_socket = raw
            writes.opened(self.engine_socket.sid, self)
        try:
            return super().__call__(environ, start_response)
        finally:
            if self.raw_socket is not None:
                writes.closed(self.engine_socket.sid, self)

    def send(self, message: Any) -> Any:
        self.writing = True
        try:
            if isinstance(message, FrameBytes):
                return self._sock.raw_write(message)
            return super().send(message)
        finally:
            self.writing = False


class DirectWrites:
    """Installed on an engineio server: its send_packet writes a message straight to the
    socket when nothing is queued before it (see the module's docstring)."""

    def __init__(self, engine_server: Any) -> None:
        self.engine_server = engine_server
        self.queued_send_packet = engine_server.send_packet
        self.open: dict[str, DirectWebSocketWSGI] = {}
        self.direct = 0  # messages written straight, for tests and benchmarks
        self.queued = 0

    @classmethod
    def install(cls, engine_server: Any) -> DirectWrites | None:
        """Install on a gevent engineio server using gevent-websocket; None elsewhere."""
        if engine_server.async_mode != "gevent":
            return None
        if engine_server._async.get("websocket") is not _GeventWebSocketWSGI:
            return None  # simple-websocket, not gevent-websocket
        writes = cls(engine_server)
        engine_server.direct_writes = writes
        engine_server._async = {**engine_server._async, "websocket": DirectWebSocketWSGI}
        engine_server.send_packet = writes.send_packet
        return writes

    def opened(self, sid: str, websocket: DirectWebSocketWSGI) -> None:
        self.open[sid] = websocket

    def closed(self, sid: str, websocket: DirectWebSocketWSGI) -> None:
        if self.open.get(sid) is websocket:
            del self.open[sid]

    def send_packet(self, sid: str, pkt: eio_packet.Packet) -> None:
        websocket = self.open.get(sid)
        if websocket is None or not self._may_go_direct(websocket, pkt):
            self.queued += 1
            return self.queued_send_packet(sid, pkt)
        engine_socket = websocket.engine_socket
        if not engine_socket.check_ping_timeout():
            return None  # the client is gone: engineio has closed it
        frame = text_frame(pkt)
        try:
            sent = websocket.raw_socket.send(frame, 0, _NO_WAIT_S)
        except BlockingIOError:
            sent = 0
        except OSError:
            # Gone: the writer meets the same error and closes the socket as it always did.
            self.queued += 1
            return self.queued_send_packet(sid, pkt)
        self.direct += 1
        if sent < len(frame):
            engine_socket.queue.put(_QueuedFrame(frame[sent:]))
        return None

    @staticmethod
    def _may_go_direct(websocket: DirectWebSocketWSGI, pkt: eio_packet.Packet) -> bool:
        engine_socket = websocket.engine_socket
        # Other packets (pings, close, upgrade's noop) keep engineio's queue, and with it the
        # writer's own timing: its wait on the queue ends the connection when no ping arrives.
        return (
            pkt.packet_type == eio_packet.MESSAGE
            and not pkt.binary
            and engine_socket.upgraded
            and not engine_socket.upgrading
            and not engine_socket.closing
            and not engine_socket.closed
            and not websocket.writing
            and engine_socket.queue.empty()
        )
