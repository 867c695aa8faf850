"""Rights take effect at once on every process (issue 19): two real `python -m workshop` processes
on PostgreSQL and Redis. A removal, a revoked invite, a conductor taken off the project or a
logout served by process A ends or narrows the person's socket on process B well before the 5 s
sweep would (realtime/rights.py); with Redis down, A still acts on its own sockets at once and
the sweep covers B.

Timed on purpose: the figure is the feature. The bound asserted, MAX_REACTION_S, is half the
sweep interval, so a pass cannot be the sweep's doing; the measured figures are printed (-s).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.real_board import (
    RealClient,
    apply_with_retry,
    sticky,
)
from tests.support.services import ScratchPostgres, require_redis
from tests.support.two_processes import Browser, Pair
from workshop import protocol as P

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

MAX_REACTION_S = P.AUTH_RECHECK_INTERVAL_S / 2  # 2.5 s; the goal is 1 s, measured ~0.1 s
POLL_S = 0.01


def _timed(client: RealClient, predicate: Callable[[], Any], post: Callable[[], Any]) -> float:
    """Seconds from sending the POST (the form's page was fetched before) until `predicate`
    holds at the client; the POST's own share (its commit included) is printed beside it."""
    started = time.monotonic()
    response = post()
    answered = time.monotonic() - started
    assert response.status_code == 302, response.status_code
    deadline = started + P.AUTH_RECHECK_INTERVAL_S * 3
    while not predicate() and time.monotonic() < deadline:
        time.sleep(POLL_S)
    assert predicate(), f"{client.name}: nothing happened within the sweep interval"
    took = time.monotonic() - started
    print(
        f"\n{client.name}: {took * 1000:.0f} ms after the POST, {answered * 1000:.0f} ms of it the POST"
    )
    return took


def _ended(client: RealClient) -> Callable[[], bool]:
    return lambda: not client.connected and bool(client.received(P.SESSION_ENDED))


def test_a_revoke_on_one_process_ends_the_socket_on_the_other_at_once(tmp_path):
    pair = Pair(tmp_path, require_redis())
    with ScratchPostgres() as scratch:
        try:
            pair.start(scratch.url)
            world, ids, b = pair.world, pair.ids, pair.b
            bystander = pair.on_board("bystander", b, "p0")
            removed = pair.on_board("removed", b, "p1")
            logged_out = pair.on_board("logged_out", b, "p2")
            conductor = pair.on_board("conductor", b, "conductor")
            page = pair.project_page
            figures = {}

            # A participant removed on A: their socket on B is told and closed.
            figures["participant removed"] = _timed(removed, _ended(removed), pair.removal("p1"))
            # A conductor taken off the project on A: on B they lose the board, not the socket.
            figures["conductor removed"] = _timed(
                conductor,
                lambda: conductor.received(P.BOARD_ACCESS_LOST),
                pair.organizer.form(page, f"{page}/conductors/{ids['conductor']}/remove"),
            )
            assert conductor.received(P.BOARD_ACCESS_LOST) == [
                {"board_id": world.board, "code": P.FORBIDDEN}
            ]
            assert conductor.connected
            refused = conductor.apply(world.board, [sticky("c1")], "c:1")
            assert refused["error"]["code"] == P.NOT_JOINED
            # A logout on A: the same person's socket on B closes.
            figures["logout"] = _timed(
                logged_out,
                _ended(logged_out),
                Browser(pair.a.url, world.cookies["p2"]).form("/", "/auth/logout"),
            )
            # The bystander on B keeps writing; the others are gone.
            assert bystander.connected
            assert apply_with_retry(bystander, world.board, [sticky("b1")], "b:1")["ok"]
            print(
                "\nrights change on process A -> effect on process B: "
                + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in figures.items())
            )
            for what, seconds in figures.items():
                assert seconds < MAX_REACTION_S, f"{what}: {seconds:.2f} s"
            assert pair.log_problems() == []
        finally:
            pair.close()


def test_with_redis_down_the_process_acts_at_once_and_the_sweep_covers_the_other(
    tmp_path, redis_server
):
    url, kill = redis_server
    pair = Pair(tmp_path, url)
    with ScratchPostgres() as scratch:
        try:
            pair.start(scratch.url)
            here = pair.on_board("here", pair.a, "p1")
            there = pair.on_board("there", pair.b, "p2")
            kill()
            # The organizer's page still works, and A closes its own socket at once.
            local = _timed(here, _ended(here), pair.removal("p1"))
            # B hears nothing (Redis is down): its sweep closes the socket within its interval.
            remote = _timed(there, _ended(there), pair.removal("p2"))
            print(f"\nRedis down: same process {local * 1000:.0f} ms, other process {remote:.1f} s")
            assert local < MAX_REACTION_S
            assert remote < P.AUTH_RECHECK_INTERVAL_S * 2
            log = (tmp_path / "a.log").read_text(errors="replace")
            assert "not published" in log
        finally:
            pair.close()
