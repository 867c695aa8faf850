"""How `python -m workshop` listens: the sockets it accepts send small frames at once."""

from __future__ import annotations

import socket

import pytest

from workshop.__main__ import listener


def test_the_sockets_the_server_accepts_have_nagle_off():
    """Nagle's algorithm held each small frame sent behind an unacknowledged one until the
    client's delayed ACK (40 ms): a board's broadcasts reached 1 in 20 people 20-40 ms late."""
    server = listener("127.0.0.1", 0)
    try:
        assert server.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        with socket.create_connection(server.getsockname()[:2], timeout=5):
            accepted, _ = server.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        server.close()


def test_a_port_in_use_is_refused_not_shared():
    """No SO_REUSEPORT: a second server on a busy port fails instead of taking half of its
    connections."""
    first = listener("127.0.0.1", 0)
    try:
        with pytest.raises(OSError):
            listener("127.0.0.1", first.getsockname()[1]).close()
    finally:
        first.close()


def test_what_start_up_built_is_kept_out_of_the_collectors_sight():
    """A full collection stops every board of the process: it scans only what serving made."""
    import gc

    from workshop.__main__ import freeze_start_up_objects

    try:
        freeze_start_up_objects()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # this interpreter's modules and objects at least
        assert len(gc.get_objects(generation=2)) < frozen / 10
    finally:
        gc.unfreeze()


def test_every_frame_received_is_checked_for_utf8_in_c_not_in_python():
    # gevent-websocket checks each text frame's UTF-8 byte by byte in Python unless wsaccel is
    # there: 5% of the server's CPU at 60 clients x 2 writes/s.
    from geventwebsocket.utf8validator import Utf8Validator

    assert Utf8Validator.__module__ == "wsaccel.utf8validator"
    assert Utf8Validator().validate("Caffè €".encode())[0]
    assert not Utf8Validator().validate(b"\xff\xfe")[0]
