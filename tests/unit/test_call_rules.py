"""The call rules and settings, without Flask: modes, who connects to whom, what a signal may
carry, and settings that refuse what a browser could not use."""

from __future__ import annotations

import pytest

from workshop.calls import rules, settings
from workshop.calls.rules import BROADCAST, EXTERNAL, MESH, CallRefused, CallRegistry, Peer


def peer(peer_id, conducts=False, board_id=1):
    return Peer(peer_id, f"sid-{peer_id}", f"who-{peer_id}", peer_id, conducts, board_id)


@pytest.mark.parametrize(
    ("size", "is_plenary", "external", "mode"),
    [
        (6, True, False, MESH),
        (7, True, False, BROADCAST),
        (30, False, False, MESH),
        (2, False, True, EXTERNAL),
    ],
)
def test_mode(size, is_plenary, external, mode):
    assert rules.mode_for(size, is_plenary, 6, external) == mode


def test_in_broadcast_only_senders_connect():
    conductor, bea, dario = peer("c", conducts=True), peer("b"), peer("d")
    assert rules.may_connect(bea, dario, MESH, set())
    assert not rules.may_connect(bea, dario, BROADCAST, set())
    assert rules.may_connect(bea, conductor, BROADCAST, set())
    assert rules.may_connect(dario, bea, BROADCAST, {"b"})  # Bea has the floor
    assert not rules.may_connect(bea, peer("x", board_id=2), MESH, set())  # another room
    assert not rules.may_connect(bea, conductor, EXTERNAL, set())


def test_a_target_outside_the_senders_call_is_refused():
    calls = CallRegistry()
    bea, _, _ = calls.join("s1", "bea", "Bea", False, 1, False)
    dario, _, _ = calls.join("s2", "dario", "Dario", False, 2, False)
    with pytest.raises(CallRefused) as refused:
        calls.target(bea, dario.peer_id)
    assert refused.value.code == "forbidden"
    # Joining another call leaves the first: one call per socket.
    moved, call, previous = calls.join("s1", "bea", "Bea", False, 2, False)
    assert previous is bea and calls.call(1) is None and calls.target(moved, dario.peer_id) is dario


@pytest.mark.parametrize(
    ("description", "candidate"),
    [
        (None, None),
        ({"type": "offer"}, {"candidate": ""}),
        ({"type": "bogus", "sdp": ""}, None),
        (None, "x"),
    ],
)
def test_bad_signals(description, candidate):
    with pytest.raises(CallRefused):
        rules.check_signal(10, 100, description, candidate)


def test_a_good_signal_passes_and_size_counts():
    rules.check_signal(10, 100, {"type": "answer", "sdp": "v=0"}, None)
    with pytest.raises(CallRefused) as refused:
        rules.check_signal(101, 100, {"type": "answer", "sdp": "v=0"}, None)
    assert refused.value.code == "too_large"


def test_ice_servers():
    assert settings.parse_ice_servers("") == ()
    [stun, turn] = settings.parse_ice_servers(
        '[{"urls": "stun:stun.example.org"}, {"urls": ["turn:t.example.org"], "username": "u", "credential": "p"}]'
    )
    assert stun == {"urls": ["stun:stun.example.org"]} and turn["credential"] == "p"


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        '{"urls": "stun:x"}',
        '[{"urls": "http://x"}]',
        '[{"urls": "turn:x"}]',  # TURN without credentials
        '[{"urls": "stun:x", "other": 1}]',
    ],
)
def test_bad_ice_servers(raw):
    with pytest.raises(settings.CallSettingsError):
        settings.parse_ice_servers(raw)


def test_mesh_limit_and_video_server():
    assert settings.parse_mesh_limit(None) == settings.DEFAULT_MESH_LIMIT
    assert settings.parse_mesh_limit("4") == 4
    for bad in ("1", "17", "six"):
        with pytest.raises(settings.CallSettingsError):
            settings.parse_mesh_limit(bad)
    assert (
        settings.parse_sfu_url("https://meet.example.org/{room}")
        == "https://meet.example.org/{room}"
    )
    for bad in ("http://meet.example.org/{room}", "https://meet.example.org/"):
        with pytest.raises(settings.CallSettingsError):
            settings.parse_sfu_url(bad)
    one = settings.external_room_url("https://m.example.org/{room}", "secret", 1)
    assert one != settings.external_room_url("https://m.example.org/{room}", "secret", 2)
    assert one != settings.external_room_url("https://m.example.org/{room}", "other", 1)
