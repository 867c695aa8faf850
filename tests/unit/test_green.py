"""Blocking C work runs off the event loop (workshop.green): a password check under gevent or
eventlet lets the process's other green threads go on, as a login during a plenary must not
freeze every board of its process. Each mode in a fresh interpreter, patched as the server is."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# A green thread ticks every millisecond while the main one checks a password. Blocking the
# loop, the check (~170 ms of scrypt, 60 ms on a fast core) would leave it at 0-2 ticks.
PROBE = textwrap.dedent(
    """
    import sys, time
    mode = sys.argv[1]
    if mode == "gevent":
        from gevent import monkey; monkey.patch_all()
        import gevent as green; spawn, sleep = green.spawn, green.sleep
    elif mode == "eventlet":
        import eventlet as green; green.monkey_patch(); spawn, sleep = green.spawn, green.sleep
    from werkzeug.security import generate_password_hash
    from workshop.models.user import User

    ticks = []
    def ticker():
        while True:
            ticks.append(time.monotonic()); sleep(0.001)
    user = User(email="a@b.c", name="A", role="organizer")
    user.password_hash = generate_password_hash("a long password")
    spawn(ticker); sleep(0.01)
    before = len(ticks); began = time.monotonic()
    ok = user.check_password("a long password") and not user.check_password("wrong password!")
    took = time.monotonic() - began
    print(ok, len(ticks) - before, round(took * 1000))
    """
)


@pytest.mark.parametrize("mode", ["gevent", "eventlet"])
def test_a_password_check_leaves_the_event_loop_running(mode):
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    ok, ticks, took_ms = done.stdout.split()
    assert ok == "True"
    # Two checks took `took_ms`; the ticker ran through them (at least a tick per 10 ms).
    assert int(ticks) >= int(took_ms) // 10, (ticks, took_ms)
