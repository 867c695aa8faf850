"""Rights changes on the wire between processes (realtime/rights.py): what a message names, what
is refused, and that a bad message or a dead Redis never breaks the process."""

from __future__ import annotations

import json
import logging
import threading
import time

import pytest

from tests.support.live_server import free_port
from tests.support.services import require_redis
from workshop.access.principal import Principal
from workshop.realtime import rights
from workshop.realtime.rights import RightsBus, RightsChange, decode, encode, session_digest

ADA = Principal("session-of-ada", user_id=7)
RITA = Principal("session-of-rita", participant_id=42, invite_id=3, invite_project_id=1)

GOOD = [
    RightsChange.everyone(),
    RightsChange.session("session-of-ada"),
    RightsChange.user(7),
    RightsChange.participant(42),
    RightsChange.invite(3),
]


@pytest.mark.parametrize("change", GOOD, ids=lambda c: c.kind)
def test_a_change_travels_and_comes_back_the_same(change):
    assert decode(encode(change, "proc-a")) == ("proc-a", change)
    assert decode(encode(change, "proc-a").encode()) == ("proc-a", change)  # as Redis gives it


def test_a_change_names_exactly_whom_it_concerns():
    assert RightsChange.everyone().affects(ADA) and RightsChange.everyone().affects(RITA)
    assert RightsChange.session("session-of-ada").affects(ADA)
    assert not RightsChange.session("session-of-ada").affects(RITA)
    assert RightsChange.user(7).affects(ADA) and not RightsChange.user(42).affects(RITA)
    assert RightsChange.participant(42).affects(RITA) and not RightsChange.participant(7).affects(
        ADA
    )
    assert RightsChange.invite(3).affects(RITA) and not RightsChange.invite(3).affects(ADA)
    assert not RightsChange.invite(4).affects(RITA)


def test_a_session_id_never_travels_only_its_digest():
    wire = encode(RightsChange.session("session-of-ada"), "proc-a")
    assert "session-of-ada" not in wire
    assert json.loads(wire)["key"] == session_digest("session-of-ada")


def _message(**fields):
    return json.dumps({"v": 1, "from": "proc-a", "kind": "user", "key": 7, **fields})


BAD = {
    "not json": "{nope",
    "not utf-8": b"\xff\xfe{}",
    "a list": "[1, 2]",
    "a number": "7",
    "none": None,
    "an int object": 7,
    "missing key": json.dumps({"v": 1, "from": "proc-a", "kind": "user"}),
    "extra key": json.dumps({"v": 1, "from": "a", "kind": "user", "key": 7, "grant": "all"}),
    "version 2": _message(v=2),
    "version true": _message(v=True),
    "version text": _message(v="1"),
    "unknown kind": _message(kind="project"),
    "kind not text": _message(kind=["user"]),
    "key as text": _message(key="7"),
    "key true": _message(key=True),
    "key zero": _message(key=0),
    "key negative": _message(key=-1),
    "key float": _message(key=7.0),
    "key huge float": _message(key=1e400),
    "everyone with a key": _message(kind="all", key=7),
    "session id in clear": _message(kind="session", key="session-of-ada"),
    "session digest upper case": _message(kind="session", key="A" * 32),
    "session digest short": _message(kind="session", key="a" * 31),
    "origin empty": _message(**{"from": ""}),
    "origin long": _message(**{"from": "x" * 65}),
    "origin number": _message(**{"from": 1}),
    "oversized": _message(**{"from": "x" * 600}),
    "oversized bytes": b" " * 600 + _message().encode(),
}


@pytest.mark.parametrize("raw", BAD.values(), ids=BAD.keys())
def test_a_bad_message_is_refused(raw):
    assert decode(raw) is None


@pytest.mark.parametrize("raw", BAD.values(), ids=BAD.keys())
def test_a_bad_message_is_dropped_and_logged_never_acted_on(raw, caplog):
    delivered = []
    bus = RightsBus(None, "test")
    bus.on_change = delivered.append
    with caplog.at_level(logging.WARNING, logger=rights.__name__):
        assert bus.receive(raw) is None
    assert delivered == []
    assert "malformed rights message" in caplog.text


def test_a_process_ignores_its_own_messages_and_acts_on_the_others():
    delivered = []
    bus = RightsBus(None, "test")
    bus.on_change = delivered.append
    assert bus.receive(encode(RightsChange.user(7), bus.origin)) is None
    assert bus.receive(encode(RightsChange.user(7), "another-process")) == RightsChange.user(7)
    assert delivered == [RightsChange.user(7)]


def test_without_redis_publishing_is_a_no_op():
    RightsBus(None, "test").publish(RightsChange.user(7))  # one process: nothing to tell


def test_with_redis_down_publishing_logs_and_returns_quickly(caplog):
    bus = RightsBus(f"redis://127.0.0.1:{free_port()}/0", "test")  # nobody listens there
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger=rights.__name__):
        bus.publish(RightsChange.invite(3))
    assert time.monotonic() - started < rights.REDIS_TIMEOUT_S * 4
    assert "not published" in caplog.text and "next sweep" in caplog.text


@pytest.mark.redis
def test_two_buses_on_redis_hear_each_other_and_survive_garbage():
    url = require_redis()
    channel = f"rights-test-{time.monotonic_ns()}"
    sender, listener = RightsBus(url, channel), RightsBus(url, channel)
    heard: list[RightsChange] = []
    own: list[RightsChange] = []
    arrived = threading.Event()

    def hear(change):
        heard.append(change)
        arrived.set()

    listener.on_change, sender.on_change = hear, own.append
    threads = []

    def spawn(function):
        thread = threading.Thread(target=function, daemon=True)
        threads.append(thread)
        thread.start()

    listener.start_listening(spawn)
    listener.start_listening(spawn)  # once only
    sender.start_listening(spawn)
    assert len(threads) == 2
    try:
        import redis

        raw = redis.Redis.from_url(url)
        deadline = time.monotonic() + 5
        while raw.pubsub_numsub(channel)[0][1] < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        raw.publish(channel, b"\xff garbage")
        raw.publish(channel, _message(kind="project"))
        sender.publish(RightsChange.participant(42))
        assert arrived.wait(5)
        time.sleep(0.2)  # anything else would have arrived by now
        assert heard == [
            RightsChange.participant(42)
        ]  # the garbage was dropped, the listener lived
        assert own == []  # the sender acted on its own change when it made it, not again
    finally:
        sender.stop()
        listener.stop()
        for thread in threads:
            thread.join(timeout=rights.LISTEN_POLL_S * 3)
    assert not any(thread.is_alive() for thread in threads)
