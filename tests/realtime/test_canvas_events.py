"""Canvas actions and watching a board over in-process sockets."""

from __future__ import annotations

import pytest

from tests.support.sockets import sticky
from workshop import protocol as P
from workshop.boards.canvas import Template, canvases


def ok(ack):
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def code(ack):
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    return ack["error"]["code"]


@pytest.fixture
def zones_template():
    template = Template(
        "t_zones",
        ("context",),
        lambda: [
            {
                "op": "create",
                "id": "z1",
                "type": "frame",
                "fields": {"x": 0, "y": 0, "title": "Cause"},
            }
        ],
    )
    canvases.add_template(template)
    yield template
    del canvases.templates["context"]["t_zones"]


def run(client, board_id, action, args, change_id="a-1"):
    return client.emit(
        P.RUN_ACTION,
        {
            "board_id": board_id,
            "change_id": change_id,
            "client_id": "c1",
            "action": action,
            "args": args,
        },
    )


def test_an_action_is_acked_with_its_change_and_broadcast_to_the_others(
    clients, cast, zones_template
):
    conductor = clients.as_user(cast.conductor)
    participant = clients.as_participant(cast.invite_a)
    ok(conductor.join(cast.board))
    ok(participant.join(cast.board))
    participant.received()
    ack = ok(run(conductor, cast.board, "apply_template", {"name": "t_zones"}))
    assert ack["seq"] == 1 and ack["ops"][0]["id"] == "z1" and ack["result"]["created"] == ["z1"]
    (broadcast,) = participant.received(P.CHANGE_APPLIED)
    assert broadcast["seq"] == 1 and broadcast["ops"] == ack["ops"]


def test_a_participant_may_not_run_a_conductors_action(clients, cast, zones_template):
    participant = clients.as_participant(cast.invite_a)
    ok(participant.join(cast.board))
    assert code(run(participant, cast.board, "apply_template", {"name": "t_zones"})) == P.FORBIDDEN
    assert (
        code(run(participant, cast.board_b, "apply_template", {"name": "t_zones"})) == P.NOT_JOINED
    )
    assert code(run(participant, cast.board, "Not An Action", {})) == P.BAD_REQUEST
    assert ok(participant.join(cast.board))["seq"] == 0


def test_a_watcher_follows_a_board_without_being_present_on_it(clients, cast):
    conductor = clients.as_user(cast.conductor)
    participant = clients.as_participant(cast.invite_a)
    ok(conductor.join(cast.board_a2))
    ok(participant.join(cast.board))  # watching needs a board of the project joined first
    conductor.received()
    ack = ok(participant.join(cast.board_a2, watch=True))
    assert ack["me"] is None and ack["peers"] == []
    assert conductor.received(P.PEER_JOINED) == []
    ok(conductor.apply(cast.board_a2, [sticky("s1")]))
    assert [c["seq"] for c in participant.received(P.CHANGE_APPLIED)] == [1]
    assert code(participant.join(cast.board, watch="yes")) == P.BAD_REQUEST
