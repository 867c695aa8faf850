"""Session 2 over sockets: the grid's rule in a participant's drag, refusals, and a CSV import
made over HTTP reaching every socket on the board."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.support.boards import Mirror
from tests.support.sockets import csrf_token, update
from workshop import protocol as P
from workshop.boards.service import live_items
from workshop.canvases.stakeholder_positions import position_history
from workshop.extensions import db
from workshop.models import Board, BoardKind


def ok(ack):
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def code(ack):
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    return ack["error"]["code"]


def actor(item_id, **fields):
    return {"op": "create", "id": item_id, "type": "actor", "fields": {"w": 180, "h": 90, **fields}}


@pytest.fixture
def board_id(world) -> int:
    return next(b.id for b in world.project_a.boards if b.kind == BoardKind.STAKEHOLDERS)


@pytest.fixture
def grid(clients, cast, board_id):
    """The conductor lays out the whole stakeholder map; returns the grid's box."""
    conductor = clients.as_user(cast.conductor)
    ok(conductor.join(board_id))
    ack = ok(
        conductor.emit(
            P.RUN_ACTION,
            {
                "board_id": board_id,
                "change_id": "tpl",
                "client_id": "c",
                "action": "apply_template",
                "args": {"name": "stakeholders_full"},
            },
        )
    )
    (grid_op,) = [op for op in ack["ops"] if op["type"] == "pi_grid"]
    conductor.disconnect()
    return grid_op["id"], grid_op["fields"]


def test_a_drag_onto_the_grid_sets_power_and_interest_for_everyone(clients, cast, board_id, grid):
    _, box = grid
    alice = clients.as_participant(cast.invite_a, "Alice")
    bob = clients.as_participant(cast.invite_a, "Bob")
    mirror = Mirror()
    mirror.load_join(ok(bob.join(board_id)))
    ok(alice.join(board_id))
    ok(alice.apply(board_id, [actor("a", name="Cooperativa Il Faro", x=box["x"] - 1000, y=0)]))
    # Dragged to the top-right quarter of the grid: power and interest high.
    cx, cy = box["x"] + box["w"] * 0.75, box["y"] + box["h"] * 0.25
    ack = ok(alice.apply(board_id, [update("a", x=cx - 90, y=cy - 45)]))
    assert ack["ops"][-1]["fields"] == {"power": 4.0, "interest": 4.0, "quadrant": "manage_closely"}
    for change in bob.received(P.CHANGE_APPLIED):
        mirror.receive(change)
    assert mirror.items["a"]["fields"]["quadrant"] == "manage_closely"
    stored = {it["id"]: it for it in live_items(db.session, board_id)}
    assert mirror.items == {
        i: {"type": it["type"], "fields": it["fields"]} for i, it in stored.items()
    }
    history = position_history(db.session.connection(), board_id, "a")
    assert [(h["power"], h["interest"]) for h in history] == [(1, 1), (4.0, 4.0)]


def test_broken_rules_are_refused_and_change_nothing(clients, cast, board_id):
    alice = clients.as_participant(cast.invite_a, "Alice")
    seq = ok(alice.join(board_id))["seq"]
    ok(alice.apply(board_id, [actor("a", name="Comune", macro_type="public", sub_type="comune")]))
    assert code(alice.apply(board_id, [update("a", sub_type="aps")])) == P.INVALID_OP
    assert code(alice.apply(board_id, [update("a", quadrant="monitor")])) == P.INVALID_OP
    relation = {"op": "create", "id": "r", "type": "relation", "fields": {"from": "a", "to": "a"}}
    assert code(alice.apply(board_id, [relation])) == P.INVALID_OP
    assert ok(alice.join(board_id))["seq"] == seq + 1


def test_an_observer_may_not_move_an_actor(clients, cast, board_id):
    alice = clients.as_participant(cast.invite_a, "Alice")
    ok(alice.join(board_id))
    ok(alice.apply(board_id, [actor("a", name="Comune")]))
    observer = clients.as_participant(cast.observer_invite_a, "Oscar")
    ok(observer.join(board_id))
    assert code(observer.apply(board_id, [update("a", power=5)])) == P.FORBIDDEN


def test_a_csv_import_reaches_every_socket_on_the_board_as_one_change(
    clients, cast, app, board_id, grid
):
    conductor = clients.as_user(cast.conductor)
    participant = clients.as_participant(cast.invite_a, "Alice")
    watcher = clients.as_participant(
        cast.invite_a, "Wendy"
    )  # follows the registry from another board
    ok(conductor.join(board_id))
    seq = ok(participant.join(board_id))["seq"]
    ok(watcher.join(cast.board))  # watching needs a board of the project joined first
    ok(watcher.join(board_id, watch=True))
    for client in (conductor, participant, watcher):
        client.received()
    csv_text = (
        "id;nome;tipo;sottotipo;potere;interesse\r\n"
        ";Comune di Borgo;public;comune;5;4\r\n;ODV Aiuto;third_sector;odv;2;5\r\n"
    )
    form = {
        "csrf_token": csrf_token(app, conductor.http),
        "file": FileStorage(
            io.BytesIO(csv_text.encode("utf-8-sig")), "r.csv", content_type="text/csv"
        ),
    }
    boundary, body = encode_multipart(form)
    response = conductor.http.post(
        f"/projects/{cast.project_a.id}/registry.csv",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    for client in (conductor, participant, watcher):
        (change,) = client.received(P.CHANGE_APPLIED)
        assert change["seq"] == seq + 1 and change["client_id"] == "registry-csv"
        names = sorted(op["fields"]["name"] for op in change["ops"] if op["op"] == "create")
        assert names == ["Comune di Borgo", "ODV Aiuto"]
    assert db.session.get(Board, board_id).seq == seq + 1
