"""Rooms on a real `python -m workshop` process (gevent) with stock python-socketio clients:
a conductor and twelve participants split into three groups, one moved, their notes harvested
into the plenary, everyone brought back. On SQLite and on PostgreSQL. Run with -s for figures."""

from __future__ import annotations

import gc
import warnings
from collections import Counter

import pytest

from tests.support.real_board import (
    RealClient,
    seed,
    server_env,
    server_log_problems,
    start_server,
    sticky,
)
from tests.support.services import ScratchPostgres
from workshop import protocol as P

pytestmark = pytest.mark.slow

PARTICIPANTS = 12
GROUPS = 3


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    else:
        with ScratchPostgres() as scratch:
            yield scratch.url


@pytest.fixture
def opened():
    clients: list[RealClient] = []
    yield clients
    for client in clients:
        client.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def ok(ack):
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def follow_move(client: RealClient, current: int, moved: dict) -> int:
    """What the board client does on moved_to_room: leave the old board, join the new one. A
    move out of a group has taken the socket off that group's board already (issue 14): the
    leave then answers not_joined, which the client ignores."""
    left = client.call(P.LEAVE_BOARD, {"board_id": current})
    assert left.get("ok") is True or left["error"]["code"] == P.NOT_JOINED, left
    ok(client.join(moved["board_id"]))
    return moved["board_id"]


def last_move(client: RealClient, count: int) -> dict:
    moves = client.wait_for(
        lambda: len(client.received(P.MOVED_TO_ROOM)) >= count and client.received(P.MOVED_TO_ROOM)
    )
    assert moves, f"{client.name} was never told to move"
    return moves[-1]


def test_a_conductor_and_twelve_participants_in_three_groups(database, tmp_path, opened):
    world = seed(database, participants=PARTICIPANTS)
    log = tmp_path / "server.log"
    server = start_server(server_env(database, tmp_path), log)
    try:
        conductor = RealClient("conductor", server.url, world.cookies["conductor"]).connect()
        opened.append(conductor)
        people = []
        for n in range(PARTICIPANTS):
            client = RealClient(f"p{n}", server.url, world.cookies[f"p{n}"]).connect()
            opened.append(client)
            people.append(client)
        plenary = world.board
        ok(conductor.join(plenary))
        session = ok(conductor.call(P.OPEN_LIVE_SESSION, {"board_id": plenary}))["session"]
        for client in people:
            assert ok(client.join(plenary))["live"]["session"]["id"] == session["id"]

        # Three groups, everyone assigned at random: four each.
        rooms = ok(conductor.call(P.CREATE_GROUPS, {"session_id": session["id"], "count": GROUPS}))[
            "session"
        ]["rooms"]
        groups = [r for r in rooms if not r["is_plenary"]]
        members = ok(
            conductor.call(P.ASSIGN_GROUPS, {"session_id": session["id"], "mode": "random"})
        )["members"]
        assert sorted(Counter(m["room_id"] for m in members).values()) == [4, 4, 4]
        where = {}
        for client in people:
            where[client.name] = follow_move(client, plenary, last_move(client, 1))
        ok(conductor.call(P.ROOM_OVERVIEW, {"session_id": session["id"]}))

        # Everyone writes two notes on their group's board.
        for client in people:
            for k in range(2):
                ok(
                    client.apply(
                        where[client.name],
                        [sticky(f"{client.name}n{k}", text=f"{client.name} idea {k}")],
                        f"{client.name}:{k}",
                    )
                )

        # The conductor's overview hears of every group, in a thumbnail per room.
        def thumbs():
            latest = {}
            for t in conductor.received(P.THUMBNAIL_CHANGED):
                latest[t["room_id"]] = t
            return (
                latest
                if len(latest) >= GROUPS
                and all(
                    sum(1 for i in latest[g["id"]]["items"] if i[0] == "sticky") == 8
                    for g in groups
                )
                else None
            )

        assert conductor.wait_for(thumbs, timeout_s=10), conductor.received(P.THUMBNAIL_CHANGED)[
            -3:
        ]

        # One participant is moved to another group, and their socket follows.
        mover = people[0]
        target = next(g for g in groups if g["board_id"] != where[mover.name])
        identity = next(m["identity"] for m in members if m["name"] == "Participant 0")
        ok(
            conductor.call(
                P.MOVE_TO_ROOM,
                {"session_id": session["id"], "identity": identity, "room_id": target["id"]},
            )
        )
        moved = last_move(mover, 2)
        assert moved["board_id"] == target["board_id"]
        old_board = where[mover.name]
        where[mover.name] = follow_move(mover, old_board, moved)
        assert (
            mover.apply(old_board, [sticky("too-late")], "p0:late")["error"]["code"] == P.NOT_JOINED
        )
        ok(mover.apply(where[mover.name], [sticky("p0moved")], "p0:moved"))

        # Harvest: the first note of everyone, into the plenary, a frame per group.
        picks = [
            {"board_id": where_first, "item_id": f"p{n}n0"}
            for n, where_first in (
                (n, _first_board(members, groups, n, old_board)) for n in range(PARTICIPANTS)
            )
        ]
        harvest = ok(conductor.call(P.HARVEST, {"session_id": session["id"], "items": picks}))
        created = {
            old: new for change in harvest["changes"] for old, new in change["created"].items()
        }
        assert len(created) == PARTICIPANTS and len(harvest["changes"]) == GROUPS

        # Everyone back to the plenary: they find the harvest there, as real items.
        ok(conductor.call(P.BACK_TO_PLENARY, {"session_id": session["id"]}))
        for client in people:
            moved = last_move(client, 3 if client is mover else 2)
            assert moved["is_plenary"] and moved["board_id"] == plenary
            # The move already took the socket off its group's board (issue 14).
            left = client.call(P.LEAVE_BOARD, {"board_id": where[client.name]})
            assert left["error"]["code"] == P.NOT_JOINED, left
            snapshot = ok(client.join(plenary))
            texts = {i["fields"].get("text") for i in snapshot["items"]}
            assert {f"p{n} idea 0" for n in range(PARTICIPANTS)} <= texts
            frames = [i for i in snapshot["items"] if i["type"] == "frame"]
            assert sorted(f["fields"]["title"] for f in frames) == sorted(g["name"] for g in groups)
        ok(
            people[1].apply(
                plenary,
                [{"op": "update", "id": created["p1n0"], "fields": {"text": "edited"}}],
                "p1:edit",
            )
        )

        # Attendance: everyone was in the plenary, then in one or two groups.
        organizer = RealClient("organizer", server.url, world.cookies["organizer"]).connect()
        opened.append(organizer)
        rows = ok(organizer.call(P.ATTENDANCE, {"session_id": session["id"]}))["rows"]
        stays = Counter(r["name"] for r in rows)
        assert stays["Participant 0"] == 4 and all(
            stays[f"Participant {n}"] == 3 for n in range(1, PARTICIPANTS)
        )
        # Two notes in the first group, one in the second; two notes and the edit in the plenary.
        assert sum(r["changes"] for r in rows if r["name"] == "Participant 0") == 3
        assert sum(r["changes"] for r in rows if r["name"] == "Participant 1") == 3
        print(
            f"\nrooms real server: {PARTICIPANTS} participants, {GROUPS} groups, {len(rows)} stays, "
            f"{len(created)} harvested"
        )
    finally:
        server.stop()
    assert server_log_problems(log) == []


def _first_board(members, groups, n, old_board_of_p0):
    """Where participant n wrote their first note: their group before any move."""
    if n == 0:
        return old_board_of_p0
    room_id = next(m["room_id"] for m in members if m["name"] == f"Participant {n}")
    return next(g["board_id"] for g in groups if g["id"] == room_id)
