"""One encode per room per change (issue 18): a change is serialised once and sent to every
socket of its room; during private writing once per distinct view (the conductors, the note's
author, everybody else), not once per recipient. Each view still gets exactly what it may see."""

from __future__ import annotations

import pytest

from tests.support.sockets import sticky, update
from workshop import protocol as P
from workshop.realtime import wire
from workshop.realtime.wire import WirePacket

OTHERS = ("Dario", "Ettore", "Fabio", "Gina", "Ivo")


def ok(ack):
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


@pytest.fixture
def encodes(monkeypatch):
    """How many times a change_applied packet was serialised."""
    counted: list[int] = []
    real = WirePacket.encode

    def encode(self):
        if self.data and self.data[0] == P.CHANGE_APPLIED:
            counted.append(self.data[1]["seq"])
        return real(self)

    monkeypatch.setattr(WirePacket, "encode", encode)
    return counted


@pytest.fixture
def plenary(clients, cast):
    conductor = clients.as_user(cast.conductor, "carla")
    ok(conductor.join(cast.board))
    ok(conductor.emit(P.OPEN_LIVE_SESSION, {"board_id": cast.board}))
    bea = clients.as_participant(cast.invite_a, "Bea")
    others = [clients.as_participant(cast.invite_a, name) for name in OTHERS]
    for c in (bea, *others):
        ok(c.join(cast.board))
    for c in (conductor, bea, *others):
        c.received()
    return conductor, bea, others


def test_a_public_change_is_encoded_once_for_the_whole_room(plenary, cast, encodes):
    conductor, bea, others = plenary
    seq = ok(bea.apply(cast.board, [sticky("public", text="per tutti")]))["seq"]
    assert encodes.count(seq) == 1
    for c in (conductor, *others):
        assert [m["seq"] for m in c.received(P.CHANGE_APPLIED)] == [seq]


def test_private_writing_encodes_once_per_view_not_per_recipient(plenary, cast, encodes):
    conductor, bea, others = plenary
    ok(conductor.emit(P.START_PRIVATE_WRITING, {"board_id": cast.board, "anonymous": True}))
    for c in (conductor, bea, *others):
        c.received()

    # Bea's private note: the conductors see it, the others get the seq without it.
    created = ok(bea.apply(cast.board, [sticky("secret", text="SEGRETO")]))["seq"]
    assert encodes.count(created) == 2  # conductors; everybody else (5 sockets)
    # The conductor touches it: Bea (its author) sees it, the others do not.
    touched = ok(conductor.apply(cast.board, [update("secret", color="pink")]))["seq"]
    assert (
        encodes.count(touched) == 2
    )  # Bea; everybody else (the conductor who made it has the ack)

    for c in others:
        got = c.received(P.CHANGE_APPLIED)
        assert [m["seq"] for m in got] == [created, touched]
        assert all(m["ops"] == [] for m in got) and "SEGRETO" not in repr(got)
        assert all(m["author"] == {"id": "", "name": ""} for m in got)
    bea_got = bea.received(P.CHANGE_APPLIED)
    assert [m["seq"] for m in bea_got] == [touched] and "pink" in repr(bea_got)
    conductor_got = conductor.received(P.CHANGE_APPLIED)
    assert [m["seq"] for m in conductor_got] == [created]
    assert "SEGRETO" in repr(conductor_got) and conductor_got[0]["author"]["name"] == "Bea"


@pytest.fixture
def snapshot_encodes(monkeypatch):
    """How many times a board's snapshot was encoded for joiners."""
    counted: list[int] = []
    real = wire.encode_json

    def encode(value):
        counted.append(len(value))
        return real(value)

    monkeypatch.setattr(wire, "encode_json", encode)
    return counted


def test_a_boards_snapshot_is_encoded_once_for_every_joiner_at_its_seq(
    clients, cast, snapshot_encodes
):
    """Warm joins of a board send the JSON encoded for the first joiner at the board's seq;
    a change makes the next joiner's snapshot anew. Every joiner reads the same items."""
    writer = clients.as_user(cast.conductor, "carla")
    ok(writer.join(cast.board))
    ok(writer.apply(cast.board, [sticky(f"s{n}", text=f"nota {n}") for n in range(5)]))
    snapshot_encodes.clear()  # the writer's own join, of the empty board
    joiners = [clients.as_participant(cast.invite_a, name) for name in OTHERS[:3]]
    first, *rest = [ok(j.join(cast.board)) for j in joiners]
    assert snapshot_encodes == [5]
    assert all(a["items"] == first["items"] and a["seq"] == first["seq"] for a in rest)
    assert sorted(i["id"] for i in first["items"]) == [f"s{n}" for n in range(5)]

    ok(writer.apply(cast.board, [update("s0", text="cambiata")]))
    late = ok(clients.as_participant(cast.invite_a, "Lia").join(cast.board))
    assert snapshot_encodes == [5, 5]
    assert {i["id"]: i["fields"]["text"] for i in late["items"]}["s0"] == "cambiata"


def test_a_snapshot_filtered_for_a_participant_is_not_the_shared_encoding(
    clients, cast, snapshot_encodes
):
    """During private writing a participant's snapshot leaves out the others' notes: it is
    encoded for them alone, never taken from (or put into) the shared encoding."""
    conductor = clients.as_user(cast.conductor, "carla")
    ok(conductor.join(cast.board))
    ok(conductor.emit(P.OPEN_LIVE_SESSION, {"board_id": cast.board}))
    ok(conductor.emit(P.START_PRIVATE_WRITING, {"board_id": cast.board, "anonymous": False}))
    bea = clients.as_participant(cast.invite_a, "Bea")
    ok(bea.join(cast.board))
    ok(bea.apply(cast.board, [sticky("bea-private", text="solo mia")]))
    snapshot_encodes.clear()  # the conductor's join, of the empty board
    dario = ok(clients.as_participant(cast.invite_a, "Dario").join(cast.board))
    assert "bea-private" not in [i["id"] for i in dario["items"]]
    assert snapshot_encodes == []  # the filtered list went out as it is
    carla_again = ok(clients.as_user(cast.conductor, "carla").join(cast.board))
    assert "bea-private" in [i["id"] for i in carla_again["items"]]
    assert len(snapshot_encodes) == 1  # the conductor's view is the whole board: shared
