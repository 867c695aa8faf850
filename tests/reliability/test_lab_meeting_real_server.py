"""A whole lab meeting on a real `python -m workshop` process (issue 14, "Done when"): a conductor
and six participants on stock python-socketio clients, on the problem-tree board (typed cards).

Open the session for a lab meeting; groups seeded from the problem-tree frame; private,
anonymous writing of typed cards, texts and shapes (nobody receives anyone else's before the
reveal); the reveal; a participant edits their revealed card (still anonymous); voting on typed
cards; a phase that forbids writing; harvest of typed cards with their causal link; a lock;
closing the session (the lock ends, the anonymity holds); attendance read with `attendance`.

Privacy and anonymity are checked with `expect`: every failed expectation is listed at the end
(rather than stopping at the first), so a run names each promise that does not hold yet. Run
with -s for the figures."""

from __future__ import annotations

import gc
import time
import warnings
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import orm

from tests.support.real_board import RealClient, seed, server_env, server_log_problems, start_server
from tests.support.services import ScratchPostgres
from workshop import protocol as P
from workshop.database import make_engine
from workshop.models import Board
from workshop.rooms import labs

pytestmark = pytest.mark.slow

PARTICIPANTS = 6
SETTLE_S = 0.5  # time for broadcasts to arrive before checking that something did NOT arrive


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'meeting.sqlite3'}"
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


def refused(ack) -> str:
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    return ack["error"]["code"]


def create(item_id, type_, **fields):
    return {"op": "create", "id": item_id, "type": type_, "fields": fields}


def with_meeting(url: str, board_id: int) -> int:
    """A lab holding the seeded project, meeting today: the id of the meeting."""
    engine = make_engine(url)
    with orm.Session(engine, expire_on_commit=False) as session:
        project_id = session.get(Board, board_id).project_id
        lab = labs.create_lab(
            session, "Laboratorio", [(date.today(), "Analisi del contesto")], [project_id], None
        )
        session.commit()
        meeting_id = lab.meetings[0].id
    engine.dispose()
    return meeting_id


class Expectations:
    """Soft checks: each failure is kept with its message, all reported at the end."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def __call__(self, condition: bool, message: str) -> None:
        if not condition:
            self.failed.append(message)


def op_ids(changes) -> set[str]:
    return {op["id"] for change in changes for op in change["ops"]}


def last_move(client: RealClient, count: int) -> dict:
    moves = client.wait_for(
        lambda: len(client.received(P.MOVED_TO_ROOM)) >= count and client.received(P.MOVED_TO_ROOM)
    )
    assert moves, f"{client.name} was never told to move"
    return moves[-1]


def test_a_whole_lab_meeting_on_typed_cards(database, tmp_path, opened):
    world = seed(database, participants=PARTICIPANTS)
    plenary = world.board  # the project's first board: context (problem tree)
    meeting_id = with_meeting(database, plenary)
    log = tmp_path / "server.log"
    server = start_server(server_env(database, tmp_path), log)
    expect = Expectations()
    started = time.monotonic()
    try:
        conductor = RealClient("conductor", server.url, world.cookies["conductor"]).connect()
        opened.append(conductor)
        people = [
            RealClient(f"p{n}", server.url, world.cookies[f"p{n}"]).connect()
            for n in range(PARTICIPANTS)
        ]
        opened.extend(people)

        # The conductor prepares the problem tree in a frame, and a card outside it.
        ok(conductor.join(plenary))
        ok(
            conductor.apply(
                plenary,
                [
                    create("f1", "frame", x=0, y=0, w=1200, h=900, title="Albero dei problemi"),
                    create("t1", "text", x=0, y=-150, text="Quali sono le cause?"),
                    create(
                        "core",
                        "problem",
                        x=400,
                        y=100,
                        w=220,
                        h=110,
                        text="Dispersione scolastica",
                        role="core",
                    ),
                    create(
                        "cause",
                        "problem",
                        x=400,
                        y=500,
                        w=220,
                        h=110,
                        text="Poca offerta serale",
                        evidence="ISTAT",
                    ),
                    {
                        "op": "create",
                        "id": "l1",
                        "type": "causal_link",
                        "fields": {"from": "cause", "to": "core"},
                    },
                    create("far", "problem", x=4000, y=0, w=220, h=110, text="Altro tema"),
                ],
                "cond:tree",
            )
        )

        # Open, tied to today's lab meeting; everyone joins the plenary.
        session = ok(
            conductor.call(P.OPEN_LIVE_SESSION, {"board_id": plenary, "meeting_id": meeting_id})
        )["session"]
        assert (
            session["meeting"]["id"] == meeting_id
            and session["meeting"]["title"] == "Analisi del contesto"
        )
        for client in people:
            assert ok(client.join(plenary))["live"]["session"]["id"] == session["id"]
        state = ok(conductor.call(P.ROOM_STATE, {"board_id": plenary}))["live"]
        assert state["room"]["present"] == PARTICIPANTS + 1
        assert (
            state["join"]["code"] and "/j/" in state["join"]["link"]
        )  # read aloud by the conductor

        # Two groups seeded from the problem-tree frame; everyone assigned at random.
        rooms = ok(
            conductor.call(
                P.CREATE_GROUPS,
                {"session_id": session["id"], "count": 2, "seed": {"frame_id": "f1"}},
            )
        )["session"]["rooms"]
        groups = [r for r in rooms if not r["is_plenary"]]
        members = ok(
            conductor.call(P.ASSIGN_GROUPS, {"session_id": session["id"], "mode": "random"})
        )["members"]
        assert sorted(Counter(m["room_id"] for m in members).values()) == [3, 3]
        identity = {m["name"]: m["identity"] for m in members}
        where: dict[str, int] = {}
        for client in people:
            moved = last_move(client, 1)
            ok(client.call(P.LEAVE_BOARD, {"board_id": plenary}))
            snapshot = ok(client.join(moved["board_id"]))
            assert {"core", "cause", "l1", "f1", "t1"} <= {i["id"] for i in snapshot["items"]}
            assert "far" not in {i["id"] for i in snapshot["items"]}
            where[client.name] = moved["board_id"]
        mates = {
            c.name: [o for o in people if o is not c and where[o.name] == where[c.name]]
            for c in people
        }

        # Private, anonymous writing: a typed card, a text and a shape each.
        for group in groups:
            ok(conductor.join(group["board_id"]))
            ok(
                conductor.call(
                    P.START_PRIVATE_WRITING, {"board_id": group["board_id"], "anonymous": True}
                )
            )
        ok(
            conductor.call(
                P.SET_PHASE, {"session_id": session["id"], "room_id": None, "phase": P.PHASE_WRITE}
            )
        )
        for client in people:
            client.events.clear()
        conductor.events.clear()
        # The texts must not name their writer: the anonymity checks look for the name anywhere.
        written: dict[str, set[str]] = {}
        for client in people:
            mine = {f"{client.name}-card", f"{client.name}-text", f"{client.name}-shape"}
            written[client.name] = mine
            ok(
                client.apply(
                    where[client.name],
                    [
                        create(
                            f"{client.name}-card",
                            "problem",
                            x=100,
                            y=300,
                            text=f"Causa numero {client.name[1:]}",
                        ),
                        create(
                            f"{client.name}-text",
                            "text",
                            x=100,
                            y=700,
                            text=f"Nota numero {client.name[1:]}",
                        ),
                        create(
                            f"{client.name}-shape",
                            "shape",
                            x=700,
                            y=700,
                            text=f"Forma numero {client.name[1:]}",
                        ),
                    ],
                    f"{client.name}:private",
                )
            )
        everything = set().union(*written.values())
        assert conductor.wait_for(
            lambda: everything <= op_ids(conductor.received(P.CHANGE_APPLIED)), 10
        ), "the conductor sees every private item"
        time.sleep(SETTLE_S)
        for client in people:
            rejoin = ok(client.join(where[client.name]))
            others = everything - written[client.name]
            expect(
                not {i["id"] for i in rejoin["items"]} & others,
                f"private writing: {client.name}'s join snapshot holds others' items before the reveal",
            )
        for client in people:  # checked last: a leaked broadcast has had every chance to arrive
            seen = op_ids(client.received(P.CHANGE_APPLIED))
            others = everything - written[client.name]
            expect(
                not seen & others,
                f"private writing: {client.name} received others' items before the reveal: "
                f"{sorted(seen & others)}",
            )

        # The reveal: everyone sees everyone's items of their group, with no author.
        for group in groups:
            ok(conductor.call(P.REVEAL_NOTES, {"board_id": group["board_id"]}))
        for client in people:
            items = {i["id"]: i for i in ok(client.join(where[client.name]))["items"]}
            for mate in mates[client.name]:
                card = items.get(f"{mate.name}-card")
                assert card is not None, f"{client.name} sees {mate.name}'s card after the reveal"
                for item_id in written[mate.name]:
                    item = items.get(item_id, {})
                    expect(
                        item.get("created_by") in ("", None)
                        and mate.name not in str(item.get("fields")),
                        f"anonymity: {client.name} learns who wrote {item_id} after the reveal",
                    )

        # A participant edits their revealed card: still anonymous to their mates.
        editor = people[0]
        for client in people:
            client.events.clear()
        ok(
            editor.apply(
                where[editor.name],
                [
                    {
                        "op": "update",
                        "id": f"{editor.name}-card",
                        "fields": {"text": "Causa riscritta"},
                    }
                ],
                "p0:edit",
            )
        )
        for mate in mates[editor.name]:
            changes = mate.wait_for(lambda m=mate: m.received(P.CHANGE_APPLIED), 5)
            assert changes, f"{mate.name} receives the edit"
            author = changes[-1]["author"]
            expect(
                author.get("id") != identity["Participant 0"]
                and author.get("name") != "Participant 0",
                f"anonymity: {mate.name} learns the author of the edit of a revealed card: {author}",
            )

        # Voting on typed cards: two dots each, on the seeded core problem and a mate's card.
        ok(
            conductor.call(
                P.SET_PHASE,
                {
                    "session_id": session["id"],
                    "room_id": None,
                    "phase": P.PHASE_VOTE,
                    "votes_per_person": 2,
                },
            )
        )
        for client in people:
            ok(client.call(P.CAST_VOTE, {"board_id": where[client.name], "item_id": "core"}))
            ack = ok(
                client.call(
                    P.CAST_VOTE,
                    {
                        "board_id": where[client.name],
                        "item_id": f"{mates[client.name][0].name}-card",
                    },
                )
            )
            assert ack["left"] == 0
        for group in groups:
            tally = ok(conductor.call(P.ROOM_STATE, {"board_id": group["board_id"]}))["live"][
                "tally"
            ]
            assert tally["core"] == 3 and sum(tally.values()) == 6, tally

        # Discussion: writing is refused with phase_forbids.
        ok(
            conductor.call(
                P.SET_PHASE,
                {"session_id": session["id"], "room_id": None, "phase": P.PHASE_DISCUSS},
            )
        )
        for client in people[:2]:
            code = refused(
                client.apply(
                    where[client.name],
                    [create(f"{client.name}-late", "problem", text="x")],
                    f"{client.name}:late",
                )
            )
            assert code == P.PHASE_FORBIDS

        # Harvest from the first group: the seeded tree (its link comes along) and a written card.
        first = groups[0]
        writer = next(c for c in people if where[c.name] == first["board_id"])
        picks = [
            {"board_id": first["board_id"], "item_id": i}
            for i in ("core", "cause", f"{writer.name}-card")
        ]
        harvest = ok(conductor.call(P.HARVEST, {"session_id": session["id"], "items": picks}))
        created = harvest["changes"][0]["created"]
        assert set(created) == {"core", "cause", "l1", f"{writer.name}-card"}

        # Everyone back to the plenary, where the harvest is, naming its group.
        ok(conductor.call(P.BACK_TO_PLENARY, {"session_id": session["id"]}))
        ok(
            conductor.call(
                P.SET_PHASE, {"session_id": session["id"], "room_id": None, "phase": None}
            )
        )
        for client in people:
            last_move(client, 1)  # the events were cleared since the first move
            left = client.call(P.LEAVE_BOARD, {"board_id": where[client.name]})
            assert (
                left.get("ok") is False and left["error"]["code"] == P.NOT_JOINED
            )  # the move did it
            joined = ok(client.join(plenary))
            items = {i["id"]: i for i in joined["items"]}
            link = items[created["l1"]]
            assert (link["type"], link["fields"]["from"], link["fields"]["to"]) == (
                "causal_link",
                created["cause"],
                created["core"],
            )
            assert items[created["cause"]]["fields"]["evidence"] == "ISTAT"
            assert joined["live"]["room"]["harvested"][created["core"]] == first["name"]
            harvested_card = items[created[f"{writer.name}-card"]]
            expect(
                harvested_card["created_by"] != identity[f"Participant {writer.name[1:]}"],
                f"anonymity: the harvested card names {writer.name}",
            )

        # A lock on the plenary: participants are read-only, and the state says so.
        ok(conductor.call(P.LOCK_BOARD, {"board_id": plenary, "locked": True}))
        assert (
            refused(
                people[1].apply(plenary, [create("p1-locked", "problem", text="x")], "p1:locked")
            )
            == P.BOARD_LOCKED
        )
        assert people[1].wait_for(
            lambda: [
                s for s in people[1].received(P.ROOM_STATE) if s.get("room") and s["room"]["locked"]
            ]
        )

        # Close: the lock ends with the session; the anonymity holds.
        for client in people:
            client.events.clear()
        ok(conductor.call(P.CLOSE_LIVE_SESSION, {"session_id": session["id"]}))
        ended = people[1].wait_for(
            lambda: [s for s in people[1].received(P.ROOM_STATE) if s.get("session") is None]
        )
        assert ended and ended[-1]["locked"] is False
        ok(
            people[1].apply(
                plenary, [create("p1-after", "problem", text="Dopo la sessione")], "p1:after"
            )
        )
        for client in people[:2]:
            ok(client.call(P.LEAVE_BOARD, {"board_id": plenary}))
            items = {i["id"]: i for i in ok(client.join(where[client.name]))["items"]}
            for mate in mates[client.name]:
                for item_id in written[mate.name]:
                    item = items.get(item_id, {})
                    expect(
                        item.get("created_by") in ("", None),
                        f"anonymity after the close: {client.name} learns who wrote {item_id}",
                    )
            ok(client.call(P.LEAVE_BOARD, {"board_id": where[client.name]}))

        # Attendance: each participant in the plenary, one group, the plenary again.
        organizer = RealClient("organizer", server.url, world.cookies["organizer"]).connect()
        opened.append(organizer)
        rows = ok(organizer.call(P.ATTENDANCE, {"session_id": session["id"]}))["rows"]
        by_person = Counter(r["name"] for r in rows)
        assert all(by_person[f"Participant {n}"] == 3 for n in range(PARTICIPANTS)), by_person
        for n in range(PARTICIPANTS):
            mine = [r for r in rows if r["name"] == f"Participant {n}"]
            group_rows = [
                r
                for r in mine
                if r["room"] != "Plenaria" and r["room"] in {g["name"] for g in groups}
            ]
            assert sum(r["votes"] for r in group_rows) == 2
            assert sum(r["changes"] for r in group_rows) >= 1
            assert all(r["left_at"] for r in mine)  # every stay ended with the session
        print(
            f"\nlab meeting real server: {PARTICIPANTS} participants, {len(groups)} groups, "
            f"{len(rows)} stays, {len(created)} harvested, {time.monotonic() - started:.1f} s"
        )
    finally:
        server.stop()
    assert server_log_problems(log) == []
    assert expect.failed == [], "\n".join(expect.failed)
