"""The calls' registry: the in-memory one and the one shared through Redis behave alike, and the
shared one forgets a dead process's peers (issue 18)."""

from __future__ import annotations

import secrets

import pytest

from tests.support.services import require_redis
from workshop.calls import shared_registry
from workshop.calls.rules import CallRefused, CallRegistry
from workshop.calls.shared_registry import PEER_TTL_S, SharedCallRegistry


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(require_redis())
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client):
    name = f"calls-test-{secrets.token_hex(6)}"
    yield name
    keys = list(redis_client.scan_iter(f"{name}:*"))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def registry(request):
    if request.param == "memory":
        return CallRegistry()
    return SharedCallRegistry(
        request.getfixturevalue("redis_client"), request.getfixturevalue("prefix")
    )


def test_join_signal_floor_media_and_leave(registry):
    bea, call, previous = registry.join("s1", "p:1", "Bea", False, 1, True)
    assert previous is None and list(call.peers) == [bea.peer_id] and call.is_plenary
    carla, call, _ = registry.join("s2", "u:2", "Carla", True, 1, True)
    assert set(call.peers) == {bea.peer_id, carla.peer_id}
    assert registry.target(bea, carla.peer_id).sid == "s2"
    assert registry.of_sid("s1").peer_id == bea.peer_id and registry.of_sid("nobody") is None
    assert registry.sids_of("p:1") == ["s1"]
    # Media state and the floor are written back and read by anyone.
    bea.cam = True
    registry.update_peer(bea)
    assert registry.call(1).peers[bea.peer_id].cam is True
    assert registry.set_floor(1, bea.peer_id, True) == {bea.peer_id}
    assert registry.call(1).floor == {bea.peer_id}
    assert registry.set_floor(1, bea.peer_id, False) == set()
    # Another board's peer is out of reach, whatever id is named.
    dario, _, _ = registry.join("s3", "p:3", "Dario", False, 2, False)
    for to in (dario.peer_id, "", None, 7, "x" * 500, "bad\nid"):
        with pytest.raises(CallRefused):
            registry.target(bea, to)
    # One call per socket: joining board 2 leaves board 1.
    moved, call, previous = registry.join("s1", "p:1", "Bea", False, 2, False)
    assert previous.peer_id == bea.peer_id and set(call.peers) == {dario.peer_id, moved.peer_id}
    assert set(registry.call(1).peers) == {carla.peer_id}
    assert registry.leave("s2").peer_id == carla.peer_id and registry.call(1) is None
    assert registry.leave("s2") is None
    assert registry.sids_of("u:2") == []


@pytest.mark.redis
def test_two_processes_see_one_call_and_a_dead_ones_peers_expire(redis_client, prefix, monkeypatch):
    alive, dead = SharedCallRegistry(redis_client, prefix), SharedCallRegistry(redis_client, prefix)
    bea, _, _ = alive.join("s1", "p:1", "Bea", False, 1, False)
    now = shared_registry.time.time()
    # The dead process's peer was last refreshed longer ago than its lifetime.
    monkeypatch.setattr(shared_registry.time, "time", lambda: now - PEER_TTL_S - 1)
    ghost, call, _ = dead.join("s2", "p:2", "Ghost", False, 1, False)
    monkeypatch.undo()
    assert bea.peer_id in call.peers  # it saw the live process's peer when it joined
    assert set(alive.call(1).peers) == {bea.peer_id}  # and is gone from the call now
    assert alive.sids_of("p:2") == []
    # The living process's heartbeat keeps its own; a socket that left elsewhere is dropped.
    assert alive.refresh() == 1 and redis_client.ttl(f"{prefix}:peer:{bea.peer_id}") > 0
    dead.leave("s1")  # e.g. a move handled on the other process
    assert alive.refresh() == 0 and alive.call(1) is None


@pytest.mark.redis
def test_garbage_in_redis_is_not_a_peer(redis_client, prefix):
    registry = SharedCallRegistry(redis_client, prefix)
    bea, _, _ = registry.join("s1", "p:1", "Bea", False, 1, False)
    redis_client.set(f"{prefix}:peer:{bea.peer_id}", b'{"peer_id": "x", "admin": true}')
    assert registry.of_sid("s1") is None and registry.call(1) is None
    with pytest.raises(CallRefused):
        registry.target(bea, bea.peer_id)
