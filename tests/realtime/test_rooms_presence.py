# ruff: noqa: F811 - the tests take the imported fixture `lab` by name
"""A live count of the people on each room's board (issue 14): a join or a leave reaches the
conductors (and the participants' group chooser) within a second, as one small coalesced
`present_changed`, never as a full room state per socket per join."""

from __future__ import annotations

import time

from tests.realtime.test_rooms import code, lab, ok  # noqa: F401 - `lab` is a fixture
from workshop import protocol as P

# A push waits PRESENT_SETTLE_MS, and then at most PRESENT_INTERVAL_MS after the last one.
WITHIN_S = (P.PRESENT_INTERVAL_MS + P.PRESENT_SETTLE_MS) / 1000 + 0.5


def plenary_count(message, lab):
    room = next(r for r in message["rooms"] if r["board_id"] == lab.board)
    return room["present"]


def latest_count(client, lab, expected):
    """Waits for a present_changed whose plenary count is `expected`; returns every one seen."""
    seen = []

    def arrived():
        seen.extend(
            m for m in client.received(P.PRESENT_CHANGED) if m["session_id"] == lab.session_id
        )
        return seen and plenary_count(seen[-1], lab) == expected

    assert client.wait_for(arrived, timeout_s=WITHIN_S), [plenary_count(m, lab) for m in seen]
    return seen


def test_the_conductor_sees_each_join_and_leave_within_a_second(lab, clients, cast):
    # The lab: carla (conductor), Bea and Dario on the plenary. A third participant arrives.
    for c in (lab.conductor, lab.bea, lab.dario):
        c.received()
    ezio = clients.as_participant(cast.invite_a, "Ezio")
    live = ok(ezio.join(lab.board))["live"]
    # The joiner's own ack already counts them, in the room and in the session's rooms.
    assert live["room"]["present"] == 4
    assert next(r for r in live["session"]["rooms"] if r["is_plenary"])["present"] == 4
    # Everyone on the board counts, the conductor too: 3 participants + carla.
    latest_count(lab.conductor, lab, 4)
    # The participants hear it as well (the group chooser shows how many are in each group).
    latest_count(lab.bea, lab, 4)
    # A leave and a closed tab count the same.
    ok(lab.bea.leave(lab.board))
    latest_count(lab.conductor, lab, 3)
    lab.dario.disconnect()
    latest_count(lab.conductor, lab, 2)
    # The room state a client reads again agrees, room by room.
    state = ok(lab.conductor.emit(P.ROOM_STATE, {"board_id": lab.board}))["live"]
    assert state["room"]["present"] == 2
    plenary = next(r for r in state["session"]["rooms"] if r["is_plenary"])
    assert plenary["present"] == 2


def test_many_joins_at_once_cost_one_small_message_per_interval(lab, clients, cast):
    lab.conductor.received()
    started = time.monotonic()
    crowd = [clients.as_participant(cast.invite_a, f"P{i}") for i in range(8)]
    for person in crowd:
        ok(person.join(lab.board))
    seen = latest_count(lab.conductor, lab, 3 + len(crowd))
    elapsed = time.monotonic() - started
    # Coalesced: at most one message per started interval, not one per join.
    assert len(seen) <= 1 + int(elapsed * 1000 / P.PRESENT_INTERVAL_MS), (len(seen), elapsed)
    # And no full room state was pushed for a join.
    assert lab.conductor.received(P.ROOM_STATE) == []
    message = seen[-1]
    assert set(message) == {"session_id", "rooms"}
    assert all(set(r) == {"room_id", "board_id", "present"} for r in message["rooms"])


def test_group_counts_follow_a_person_into_a_group(lab, clients, cast):
    groups = lab.groups(2)
    ok(lab.conductor.emit(P.ASSIGN_GROUPS, {"session_id": lab.session_id, "mode": "choice"}))
    lab.conductor.received()
    ok(lab.bea.emit(P.CHOOSE_ROOM, {"session_id": lab.session_id, "room_id": groups[0]["id"]}))
    ok(lab.bea.join(groups[0]["board_id"]))
    ok(lab.bea.leave(lab.board))

    def counts():
        found = lab.conductor.received(P.PRESENT_CHANGED)
        return found and {r["board_id"]: r["present"] for r in found[-1]["rooms"]}

    seen = {}

    def settled():
        got = counts()
        if got:
            seen.update(got)
        return seen.get(groups[0]["board_id"]) == 1 and seen.get(lab.board) == 2

    assert lab.conductor.wait_for(settled, timeout_s=2 * WITHIN_S), seen
