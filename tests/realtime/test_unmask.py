"""What browsers send, unmasked in C (realtime/unmask.py): the same bytes as gevent-websocket's
own loop, and whole messages read through its WebSocket."""

from __future__ import annotations

import os
import struct

import pytest
from gevent import socket as gevent_socket
from geventwebsocket.websocket import Header, Stream, WebSocket

from tests.support.gevent_websockets import WebSocketHandler
from workshop.realtime import unmask

PYTHON_UNMASK = Header.unmask_payload  # gevent-websocket's own, before any install


@pytest.fixture
def installed(monkeypatch):
    monkeypatch.setattr(Header, "mask_payload", unmask.unmask_payload)
    monkeypatch.setattr(Header, "unmask_payload", unmask.unmask_payload)


@pytest.mark.parametrize("length", [0, 1, 3, 4, 5, 125, 126, 65_536])
def test_the_same_bytes_as_gevent_websockets_own_loop(length):
    header = Header(fin=1, opcode=WebSocket.OPCODE_TEXT, length=length)
    header.mask = os.urandom(4)
    payload = os.urandom(length)
    assert unmask.unmask_payload(header, payload) == bytes(PYTHON_UNMASK(header, payload))


def client_frame(text: str, mask: bytes) -> bytes:
    """A masked text frame as a browser sends it (RFC 6455, 5.2)."""
    payload = text.encode("utf-8")
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    if len(payload) < 126:
        head = struct.pack("!BB", 0x81, 0x80 | len(payload))
    elif len(payload) < 65_536:
        head = struct.pack("!BBH", 0x81, 0x80 | 126, len(payload))
    else:
        head = struct.pack("!BBQ", 0x81, 0x80 | 127, len(payload))
    return head + mask + masked


def test_a_big_change_from_a_browser_is_read_whole(installed):
    """Two hundred cards pasted at once: some 40 KB, accents and all."""
    server_end, client = gevent_socket.socketpair()
    handler = WebSocketHandler(server_end)
    websocket = WebSocket({}, Stream(handler), handler)
    small = '42["apply_change",{"ops":[]}]'
    big = '42["apply_change",' + ",".join(f'"Città n. {n}: più case"' for n in range(1800)) + "]"
    client.sendall(client_frame(small, os.urandom(4)) + client_frame(big, os.urandom(4)))
    try:
        assert websocket.receive() == small
        assert websocket.receive() == big
    finally:
        client.close()
        server_end.close()


def test_install_replaces_the_loop_for_masking_and_unmasking(monkeypatch):
    monkeypatch.setattr(Header, "mask_payload", Header.mask_payload)
    monkeypatch.setattr(Header, "unmask_payload", Header.unmask_payload)
    unmask.install()
    assert Header.unmask_payload is unmask.unmask_payload
    assert Header.mask_payload is unmask.unmask_payload
