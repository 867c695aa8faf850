"""Calls over in-process sockets: a signal reaches only a peer of the sender's own room, moves
end the call, the conductor's controls are the conductor's, bad input changes nothing."""

from __future__ import annotations

import pytest

from tests.realtime import test_rooms
from tests.realtime.test_rooms import Lab, code, ok
from workshop import protocol as P
from workshop.realtime.calls import calls

lab = test_rooms.lab  # the fixture, which the tests take by name

OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
CANDIDATE = {
    "candidate": "candidate:1 1 udp 2122260223 192.168.1.2 50000 typ host",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
}


@pytest.fixture(autouse=True)
def _fresh_calls():
    calls.clear()
    yield
    calls.clear()


def enter(client, board_id, cam=True, mic=True):
    return ok(client.emit(P.CALL_JOIN, {"board_id": board_id, "cam": cam, "mic": mic}))


def signal(client, board_id, to, **body):
    return client.emit(P.CALL_SIGNAL, {"board_id": board_id, "to": to, **body})


def move(lab: Lab, who, room):
    ok(
        lab.conductor.emit(
            P.MOVE_TO_ROOM,
            {
                "session_id": lab.session_id,
                "identity": who.entry.principal.identity,
                "room_id": room["id"],
            },
        )
    )


def test_peers_of_one_room_signal_each_other(lab):
    bea = enter(lab.bea, lab.board)
    dario = enter(lab.dario, lab.board)
    assert bea["mode"] == P.CALL_MESH and bea["peers"] == [] and bea["sfu_url"] is None
    assert [p["peer_id"] for p in dario["peers"]] == [bea["peer_id"]]
    [joined] = lab.bea.received(P.CALL_PEER_JOINED)
    assert joined["peer"]["peer_id"] == dario["peer_id"] and joined["peer"]["name"] == "Dario"
    ok(signal(lab.dario, lab.board, bea["peer_id"], description=OFFER))
    ok(signal(lab.dario, lab.board, bea["peer_id"], candidate=CANDIDATE))
    got = lab.bea.received(P.CALL_SIGNALLED)
    assert got == [
        {"board_id": lab.board, "from": dario["peer_id"], "description": OFFER},
        {"board_id": lab.board, "from": dario["peer_id"], "candidate": CANDIDATE},
    ]
    # The socket id never leaves the server: peers know each other by opaque ids only.
    assert lab.bea.sid not in str(dario) and lab.dario.sid not in str(got)


def test_a_call_needs_the_board_joined_and_the_room_as_ones_own(lab, clients, cast):
    g1, g2 = lab.groups(2)
    # A board this socket never joined.
    assert (
        code(lab.bea.emit(P.CALL_JOIN, {"board_id": g1["board_id"], "cam": True, "mic": True}))
        == P.NOT_JOINED
    )
    # Moved to group 1: the plenary board is still joined, its call is not hers any more.
    move(lab, lab.bea, g1)
    assert (
        code(lab.bea.emit(P.CALL_JOIN, {"board_id": lab.board, "cam": True, "mic": True}))
        == P.FORBIDDEN
    )
    ok(lab.bea.leave(lab.board))
    ok(lab.bea.join(g1["board_id"]))
    enter(lab.bea, g1["board_id"])


def test_no_signal_into_another_room(lab):
    g1, g2 = lab.groups(2)
    move(lab, lab.bea, g1)
    move(lab, lab.dario, g2)
    for who, group in ((lab.bea, g1), (lab.dario, g2)):
        ok(who.leave(lab.board))
        ok(who.join(group["board_id"]))
    bea = enter(lab.bea, g1["board_id"])
    dario = enter(lab.dario, g2["board_id"])
    assert bea["peers"] == [] and dario["peers"] == []
    lab.bea.received()
    # Dario names Bea's peer id, through his own board or hers: refused both ways, nothing sent.
    assert code(signal(lab.dario, g2["board_id"], bea["peer_id"], description=OFFER)) == P.FORBIDDEN
    assert (
        code(signal(lab.dario, g1["board_id"], bea["peer_id"], description=OFFER)) == P.NOT_JOINED
    )
    assert (
        code(lab.dario.emit(P.CALL_JOIN, {"board_id": g1["board_id"], "cam": True, "mic": True}))
        == P.NOT_JOINED
    )
    assert lab.bea.received(P.CALL_SIGNALLED) == []


def test_a_move_ends_the_call_at_once_and_the_old_peer_is_out_of_reach(lab):
    g1, _g2 = lab.groups(2)
    bea = enter(lab.bea, lab.board)
    dario = enter(lab.dario, lab.board)
    lab.bea.received()
    move(lab, lab.dario, g1)
    # Before Dario's client has done anything, the server ended his call.
    assert lab.dario.received(P.CALL_ENDED) == [{"board_id": lab.board, "reason": "moved"}]
    assert lab.bea.received(P.CALL_PEER_LEFT) == [
        {"board_id": lab.board, "peer_id": dario["peer_id"]}
    ]
    assert code(signal(lab.dario, lab.board, bea["peer_id"], description=OFFER)) == P.NOT_JOINED
    assert code(signal(lab.bea, lab.board, dario["peer_id"], description=OFFER)) == P.FORBIDDEN
    assert lab.dario.received(P.CALL_SIGNALLED) == []
    # His client follows: the group's board, then its call; back to plenary ends that one too.
    ok(lab.dario.leave(lab.board))
    ok(lab.dario.join(g1["board_id"]))
    enter(lab.dario, g1["board_id"])
    ok(lab.conductor.emit(P.BACK_TO_PLENARY, {"session_id": lab.session_id}))
    assert lab.dario.received(P.CALL_ENDED) == [{"board_id": g1["board_id"], "reason": "moved"}]
    assert calls.call(g1["board_id"]) is None


def test_leaving_the_board_or_closing_the_socket_leaves_the_call(lab):
    bea = enter(lab.bea, lab.board)
    enter(lab.dario, lab.board)
    lab.dario.received()
    ok(lab.bea.leave(lab.board))
    assert lab.dario.received(P.CALL_PEER_LEFT) == [
        {"board_id": lab.board, "peer_id": bea["peer_id"]}
    ]
    ok(lab.bea.join(lab.board))
    again = enter(lab.bea, lab.board)
    lab.bea.disconnect()
    assert lab.dario.wait_for(lambda: lab.dario.received(P.CALL_PEER_LEFT)) == [
        {"board_id": lab.board, "peer_id": again["peer_id"]}
    ]
    assert [p.identity for p in calls.call(lab.board).peers.values()] == [
        lab.dario.entry.principal.identity
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, P.BAD_REQUEST),  # neither description nor candidate
        ({"description": OFFER, "candidate": CANDIDATE}, P.BAD_REQUEST),
        ({"description": {"type": "pranswer-ish", "sdp": ""}}, P.BAD_REQUEST),
        ({"description": {"type": "offer", "sdp": 5}}, P.BAD_REQUEST),
        ({"description": "v=0"}, P.BAD_REQUEST),
        ({"candidate": {"candidate": "x", "evil": 1}}, P.BAD_REQUEST),
        (
            {"description": {"type": "offer", "sdp": "a" * (P.MAX_CALL_SIGNAL_BYTES + 1)}},
            P.TOO_LARGE,
        ),
        ({"description": OFFER, "extra": 1}, P.BAD_REQUEST),
    ],
)
def test_bad_signals_are_refused_and_nothing_is_forwarded(lab, body, expected):
    bea = enter(lab.bea, lab.board)
    enter(lab.dario, lab.board)
    lab.bea.received()
    assert code(signal(lab.dario, lab.board, bea["peer_id"], **body)) == expected
    assert lab.bea.received(P.CALL_SIGNALLED) == []


@pytest.mark.parametrize("to", ["nobody", 12, None, ["x"]])
def test_a_signal_to_an_unknown_peer_is_forbidden(lab, to):
    enter(lab.bea, lab.board)
    assert code(signal(lab.bea, lab.board, to, description=OFFER)) == P.FORBIDDEN


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        {"board_id": "x", "cam": True, "mic": True},
        {"board_id": 1, "cam": "yes", "mic": True},
        {"board_id": 1},
    ],
)
def test_a_bad_join_is_refused(lab, payload):
    if isinstance(payload, dict) and payload.get("board_id") == 1:
        payload = {**payload, "board_id": lab.board}
    assert code(lab.bea.emit(P.CALL_JOIN, payload)) == P.BAD_REQUEST
    assert calls.of_sid(lab.bea.sid) is None


def test_media_state_reaches_the_others(lab):
    enter(lab.bea, lab.board)
    dario = enter(lab.dario, lab.board)
    lab.bea.received()
    ok(
        lab.dario.emit(
            P.CALL_MEDIA, {"board_id": lab.board, "cam": False, "mic": True, "speaking": True}
        )
    )
    [changed] = lab.bea.received(P.CALL_MEDIA_CHANGED)
    assert changed["peer"]["peer_id"] == dario["peer_id"]
    assert (changed["peer"]["cam"], changed["peer"]["mic"], changed["peer"]["speaking"]) == (
        False,
        True,
        True,
    )
    assert (
        code(
            lab.dario.emit(
                P.CALL_MEDIA, {"board_id": lab.board, "cam": 1, "mic": True, "speaking": True}
            )
        )
        == P.BAD_REQUEST
    )


def test_mute_all_and_the_floor_are_the_conductors(lab):
    bea = enter(lab.bea, lab.board)
    enter(lab.dario, lab.board)
    assert code(lab.bea.emit(P.CALL_MUTE_ALL, {"board_id": lab.board})) == P.FORBIDDEN
    assert (
        code(
            lab.bea.emit(
                P.CALL_FLOOR, {"board_id": lab.board, "peer_id": bea["peer_id"], "on": True}
            )
        )
        == P.FORBIDDEN
    )
    # The conductor must be in the call to run it.
    assert code(lab.conductor.emit(P.CALL_MUTE_ALL, {"board_id": lab.board})) == P.NOT_JOINED
    enter(lab.conductor, lab.board)
    lab.bea.received()
    lab.dario.received()
    assert ok(lab.conductor.emit(P.CALL_MUTE_ALL, {"board_id": lab.board}))["muted"] == 2
    assert lab.bea.received(P.CALL_MUTED) == [{"board_id": lab.board}]
    assert lab.dario.received(P.CALL_MUTED) == [{"board_id": lab.board}]
    floor = ok(
        lab.conductor.emit(
            P.CALL_FLOOR, {"board_id": lab.board, "peer_id": bea["peer_id"], "on": True}
        )
    )
    assert floor["floor"] == [bea["peer_id"]]
    assert lab.dario.received(P.CALL_MODE)[-1]["floor"] == [bea["peer_id"]]


def test_a_large_plenary_goes_broadcast_and_listeners_do_not_connect(lab, app, clients, cast):
    app.config["CALLS"] = type(app.config["CALLS"])(mesh_limit=2)
    try:
        conductor = enter(lab.conductor, lab.board)
        bea = enter(lab.bea, lab.board)
        assert bea["mode"] == P.CALL_MESH
        dario = enter(lab.dario, lab.board)
        assert dario["mode"] == P.CALL_BROADCAST
        assert lab.bea.received(P.CALL_MODE)[-1]["mode"] == P.CALL_BROADCAST
        # Two listeners: no connection between them; either may still reach the conductor.
        assert code(signal(lab.dario, lab.board, bea["peer_id"], description=OFFER)) == P.FORBIDDEN
        ok(signal(lab.dario, lab.board, conductor["peer_id"], description=OFFER))
        # Given the floor, Bea publishes to everyone.
        ok(
            lab.conductor.emit(
                P.CALL_FLOOR, {"board_id": lab.board, "peer_id": bea["peer_id"], "on": True}
            )
        )
        ok(signal(lab.dario, lab.board, bea["peer_id"], description=OFFER))
    finally:
        app.config["CALLS"] = type(app.config["CALLS"])()


def test_an_organisations_video_server_gets_an_unguessable_room(lab, app):
    app.config["CALLS"] = type(app.config["CALLS"])(sfu_url="https://meet.example.org/{room}")
    try:
        ack = enter(lab.bea, lab.board)
        assert ack["mode"] == P.CALL_EXTERNAL
        assert ack["sfu_url"].startswith("https://meet.example.org/tavolo-")
        assert str(lab.board) not in ack["sfu_url"].removeprefix("https://meet.example.org/")
        other = enter(lab.dario, lab.board)
        assert other["sfu_url"] == ack["sfu_url"]
        # No mesh beside it: no signal goes through.
        assert code(signal(lab.dario, lab.board, ack["peer_id"], description=OFFER)) == P.FORBIDDEN
    finally:
        app.config["CALLS"] = type(app.config["CALLS"])()
