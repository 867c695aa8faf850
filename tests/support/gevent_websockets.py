"""gevent-websocket's WebSocket on a plain socket, without a WSGI server around it."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from gevent import socket as gevent_socket


class WebSocketHandler:
    """What gevent-websocket's WebSocket reads from its WSGI handler: the socket and its file."""

    server = SimpleNamespace(application=None)  # no app to tell of a close
    logger = logging.getLogger(__name__)

    def __init__(self, sock: gevent_socket.socket) -> None:
        self.socket = sock
        self.rfile = sock.makefile("rb")
