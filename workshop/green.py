"""Blocking C work off the event loop.

One server process runs every board of its people on one event loop (gevent by default,
eventlet on request: workshop/__main__.py). Work in C that releases the GIL but never yields
to the loop, such as checking a password's scrypt hash (about 170 ms on a slow core), would
freeze every board of the process for its length: run it in an OS thread instead, and let the
caller's green thread wait for it while the others go on. Under plain threads (tests, the
CLI) it runs where it is called.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def in_os_thread(work: Callable[..., T], *args: object) -> T:
    """`work(*args)` in a native thread when an event loop is running, else here."""
    # Only a library the process already imported can have patched it (and importing eventlet
    # for nothing warns that it is deprecated).
    if "gevent" in sys.modules:
        from gevent import get_hub, monkey

        if monkey.is_module_patched("threading"):
            return get_hub().threadpool.apply(work, args)
    if "eventlet" in sys.modules:
        from eventlet import patcher, tpool

        if patcher.is_monkey_patched("thread"):
            return tpool.execute(work, *args)
    return work(*args)
