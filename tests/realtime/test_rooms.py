"""Rooms and the conductor over in-process sockets: every control works for a conductor and is
refused to a participant; groups, moves and harvest; private writing never leaks a note."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.sockets import sticky, update
from workshop import protocol as P
from workshop.extensions import db
from workshop.models import Board, BoardItem, LiveSession, Room, RoomMember, RoomVisit, RoomVote


def ok(ack):
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def code(ack):
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    assert ack["error"]["code"] in P.ERROR_CODES, ack
    return ack["error"]["code"]


VIEW = {"x": 100.0, "y": 50.0, "zoom": 1.0}


@pytest.fixture
def lab(clients, cast):
    """A conductor running a live session on project A's first board, with two participants."""
    conductor = clients.as_user(cast.conductor, "carla")
    bea = clients.as_participant(cast.invite_a, "Bea")
    dario = clients.as_participant(cast.invite_a, "Dario")
    ok(conductor.join(cast.board))
    ok(
        conductor.apply(
            cast.board,
            [
                {
                    "op": "create",
                    "id": "f1",
                    "type": "frame",
                    "fields": {"title": "Problemi", "w": 800, "h": 600},
                },
                {
                    "op": "create",
                    "id": "t1",
                    "type": "text",
                    "fields": {"text": "Contesto", "y": -100},
                },
                sticky("s0", text="a note of the conductor"),
            ],
        )
    )
    session = ok(conductor.emit(P.OPEN_LIVE_SESSION, {"board_id": cast.board}))["session"]
    ok(bea.join(cast.board))
    ok(dario.join(cast.board))
    for c in (conductor, bea, dario):
        c.received()
    return Lab(conductor, bea, dario, session["id"], cast)


class Lab:
    def __init__(self, conductor, bea, dario, session_id, cast):
        self.conductor, self.bea, self.dario, self.session_id, self.cast = (
            conductor,
            bea,
            dario,
            session_id,
            cast,
        )

    @property
    def board(self) -> int:
        return self.cast.board

    def live(self) -> LiveSession:
        db.session.expire_all()
        return db.session.get(LiveSession, self.session_id)

    def plenary(self) -> Room:
        return next(r for r in self.live().rooms if r.is_plenary)

    def groups(self, count=2):
        ack = ok(
            self.conductor.emit(P.CREATE_GROUPS, {"session_id": self.session_id, "count": count})
        )
        return [r for r in ack["session"]["rooms"] if not r["is_plenary"]]


# --- every control, and its refusal to a participant ---------------------------------------------------------


def controls(lab: Lab) -> dict[str, dict]:
    plenary = lab.plenary().id
    sid = lab.session_id
    return {
        P.CREATE_GROUPS: {"session_id": sid, "count": 2},
        P.ASSIGN_GROUPS: {"session_id": sid, "mode": "choice"},
        P.MOVE_TO_ROOM: {
            "session_id": sid,
            "identity": lab.bea.entry.principal.identity,
            "room_id": plenary,
        },
        P.BACK_TO_PLENARY: {"session_id": sid},
        P.SET_TIMER: {"session_id": sid, "room_id": None, "action": "start", "duration_s": 300},
        P.SEND_ROOM_MESSAGE: {"session_id": sid, "room_id": None, "text": "Cinque minuti"},
        P.SET_FOLLOW: {"session_id": sid, "room_id": plenary, "on": True, "view": VIEW},
        P.SUMMON: {"session_id": sid, "room_id": None, "view": VIEW},
        P.LOCK_BOARD: {"board_id": lab.board, "locked": True},
        P.LOCK_FRAME: {"board_id": lab.board, "item_id": "f1", "locked": True},
        P.START_PRIVATE_WRITING: {"board_id": lab.board, "anonymous": True},
        P.SET_PHASE: {
            "session_id": sid,
            "room_id": None,
            "phase": P.PHASE_VOTE,
            "votes_per_person": 2,
        },
        P.ROOM_OVERVIEW: {"session_id": sid},
        P.CLOSE_LIVE_SESSION: {"session_id": sid},
    }


CONTROL_NAMES = [
    P.CREATE_GROUPS,
    P.ASSIGN_GROUPS,
    P.MOVE_TO_ROOM,
    P.BACK_TO_PLENARY,
    P.SET_TIMER,
    P.SEND_ROOM_MESSAGE,
    P.SET_FOLLOW,
    P.SUMMON,
    P.LOCK_BOARD,
    P.LOCK_FRAME,
    P.START_PRIVATE_WRITING,
    P.SET_PHASE,
    P.ROOM_OVERVIEW,
    P.CLOSE_LIVE_SESSION,
]


@pytest.mark.parametrize("event", CONTROL_NAMES)
def test_a_participant_is_refused_every_control_and_nothing_changes(lab, event):
    before = _room_rows(lab)
    assert code(lab.bea.emit(event, controls(lab)[event])) == P.FORBIDDEN
    assert _room_rows(lab) == before
    assert lab.dario.received(P.ROOM_STATE) == [] and lab.dario.received(P.MOVED_TO_ROOM) == []


@pytest.mark.parametrize("event", CONTROL_NAMES)
def test_a_conductor_of_another_project_is_refused_every_control(lab, clients, event):
    other = clients.as_user(lab.cast.other_conductor, "chiara")
    assert code(other.emit(event, controls(lab)[event])) == P.FORBIDDEN


@pytest.mark.parametrize("event", CONTROL_NAMES)
def test_the_conductor_may_use_every_control(lab, event):
    if event in (P.ASSIGN_GROUPS, P.MOVE_TO_ROOM):
        lab.groups()
    ok(lab.conductor.emit(event, controls(lab)[event]))


def test_participants_cannot_open_a_session_or_reveal(lab, clients, cast):
    assert code(lab.bea.emit(P.OPEN_LIVE_SESSION, {"board_id": cast.board_a2})) == P.FORBIDDEN
    ok(lab.conductor.emit(P.START_PRIVATE_WRITING, {"board_id": lab.board, "anonymous": False}))
    assert code(lab.bea.emit(P.REVEAL_NOTES, {"board_id": lab.board})) == P.FORBIDDEN
    assert lab.plenary().private_since_seq is not None
    assert code(lab.bea.emit(P.ATTENDANCE, {"session_id": lab.session_id})) == P.FORBIDDEN


def test_a_participant_cannot_grant_themselves_the_role(lab):
    """A join ack never makes a participant a conductor, and a frame's lock is conductor-only."""
    assert ok(lab.bea.join(lab.board))["can_conduct"] is False
    assert code(lab.bea.apply(lab.board, [update("f1", locked=True)])) == P.FORBIDDEN
    assert ok(lab.bea.emit(P.ROOM_STATE, {"board_id": lab.board}))["live"]["can_conduct"] is False


def _room_rows(lab: Lab):
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(Room).where(Room.live_session_id == lab.session_id)
    ).scalars()
    board = db.session.get(Board, lab.board)
    return (
        [
            (r.id, r.phase, r.timer_ends_at, r.message, r.private_since_seq, r.follow_identity)
            for r in rows
        ],
        board.locked,
        lab.live().closed_at,
        db.session.scalar(sa.select(sa.func.count()).select_from(Board)),
        db.session.scalar(sa.select(sa.func.count()).select_from(BoardItem)),
    )


# --- the controls, one by one ------------------------------------------------------------------------------------


def test_join_ack_carries_the_live_session_and_room(lab):
    live = ok(lab.bea.join(lab.board))["live"]
    assert live["session"]["id"] == lab.session_id
    assert live["room"]["is_plenary"] and live["room"]["phase"] is None
    assert live["can_conduct"] is False and live["my_room_id"] == live["room"]["id"]


def test_timer_start_pause_reset_is_stored_and_reaches_the_room(lab):
    ack = ok(
        lab.conductor.emit(
            P.SET_TIMER,
            {"session_id": lab.session_id, "room_id": None, "action": "start", "duration_s": 300},
        )
    )
    assert ack["timer"]["running"] and 299_000 <= ack["timer"]["left_ms"] <= 300_000
    [state] = lab.bea.received(P.ROOM_STATE)
    assert state["room"]["timer"]["running"] and state["room"]["timer"]["duration_ms"] == 300_000
    ok(
        lab.conductor.emit(
            P.SET_TIMER, {"session_id": lab.session_id, "room_id": None, "action": "pause"}
        )
    )
    paused = lab.plenary()
    assert paused.timer_ends_at is None and 0 < paused.timer_remaining_ms <= 300_000
    # A reload reads it back: the stored state, not a client's memory.
    assert ok(lab.bea.join(lab.board))["live"]["room"]["timer"]["running"] is False
    ok(
        lab.conductor.emit(
            P.SET_TIMER, {"session_id": lab.session_id, "room_id": None, "action": "reset"}
        )
    )
    assert lab.plenary().timer_remaining_ms == 300_000
    assert (
        code(
            lab.conductor.emit(
                P.SET_TIMER,
                {"session_id": lab.session_id, "room_id": None, "action": "start", "duration_s": 0},
            )
        )
        == P.BAD_REQUEST
    )


def test_a_message_reaches_the_room_and_stays_for_a_reload(lab):
    ok(
        lab.conductor.emit(
            P.SEND_ROOM_MESSAGE,
            {"session_id": lab.session_id, "room_id": None, "text": "Ancora cinque minuti"},
        )
    )
    [message] = lab.bea.received(P.ROOM_MESSAGE)
    assert message["text"] == "Ancora cinque minuti" and message["board_id"] == lab.board
    assert (
        ok(lab.dario.join(lab.board))["live"]["room"]["message"]["text"] == "Ancora cinque minuti"
    )
    assert (
        code(
            lab.conductor.emit(
                P.SEND_ROOM_MESSAGE,
                {"session_id": lab.session_id, "room_id": None, "text": "x" * 501},
            )
        )
        == P.TOO_LARGE
    )


def test_follow_me_and_summon(lab):
    ok(
        lab.conductor.emit(
            P.SET_FOLLOW, {"session_id": lab.session_id, "room_id": None, "on": True, "view": VIEW}
        )
    )
    [state] = lab.bea.received(P.ROOM_STATE)
    assert state["room"]["follow"] == {
        "identity": lab.conductor.entry.principal.identity,
        "view": VIEW,
    }
    moved = {"x": 400.0, "y": -20.0, "zoom": 0.5}
    assert (
        ok(lab.conductor.emit(P.FOLLOW_VIEW, {"session_id": lab.session_id, "view": moved}))[
            "rooms"
        ]
        == 1
    )
    assert lab.bea.received(P.VIEW_FOLLOWED) == [{"board_id": lab.board, "view": moved}]
    assert lab.plenary().follow_view == moved
    assert (
        code(lab.bea.emit(P.FOLLOW_VIEW, {"session_id": lab.session_id, "view": moved}))
        == P.FORBIDDEN
    )
    ok(lab.conductor.emit(P.SUMMON, {"session_id": lab.session_id, "room_id": None, "view": VIEW}))
    assert lab.dario.received(P.SUMMONED) == [{"board_id": lab.board, "view": VIEW}]
    assert (
        code(
            lab.conductor.emit(
                P.SUMMON,
                {
                    "session_id": lab.session_id,
                    "room_id": None,
                    "view": {"x": 0, "y": 0, "zoom": 100},
                },
            )
        )
        == P.BAD_REQUEST
    )


def test_locking_the_board_and_a_frame(lab):
    ok(lab.conductor.emit(P.LOCK_BOARD, {"board_id": lab.board, "locked": True}))
    assert lab.bea.received(P.ROOM_STATE)[-1]["room"]["locked"] is True
    assert code(lab.bea.apply(lab.board, [sticky("b1")])) == P.BOARD_LOCKED
    ok(lab.conductor.apply(lab.board, [sticky("c1")]))
    ok(lab.conductor.emit(P.LOCK_BOARD, {"board_id": lab.board, "locked": False}))
    ok(lab.bea.apply(lab.board, [sticky("b1")]))

    ok(lab.conductor.emit(P.LOCK_FRAME, {"board_id": lab.board, "item_id": "f1", "locked": True}))
    assert any(
        op["fields"] == {"locked": True}
        for c in lab.bea.received(P.CHANGE_APPLIED)
        for op in c["ops"]
    )
    assert code(lab.bea.apply(lab.board, [update("f1", title="mine")])) == P.BOARD_LOCKED
    assert code(
        lab.conductor.emit(P.LOCK_FRAME, {"board_id": lab.board, "item_id": "t1", "locked": True})
    ) == (P.BAD_REQUEST)


def test_phases_set_what_participants_may_do(lab):
    ok(lab.bea.apply(lab.board, [sticky("b1", text="mine")]))
    ok(
        lab.conductor.emit(
            P.SET_PHASE, {"session_id": lab.session_id, "room_id": None, "phase": P.PHASE_CLUSTER}
        )
    )
    assert code(lab.bea.apply(lab.board, [sticky("b2")])) == P.PHASE_FORBIDS
    ok(lab.bea.apply(lab.board, [update("b1", x=300)]))
    ok(
        lab.conductor.emit(
            P.SET_PHASE, {"session_id": lab.session_id, "room_id": None, "phase": P.PHASE_VOTE}
        )
    )
    assert code(lab.bea.apply(lab.board, [update("b1", x=10)])) == P.PHASE_FORBIDS
    ok(lab.conductor.apply(lab.board, [sticky("c1")]))  # a conductor is never bound by the phase
    ok(
        lab.conductor.emit(
            P.SET_PHASE, {"session_id": lab.session_id, "room_id": None, "phase": P.PHASE_DISCUSS}
        )
    )
    assert code(lab.bea.apply(lab.board, [{"op": "delete", "id": "b1"}])) == P.PHASE_FORBIDS
    ok(
        lab.conductor.emit(
            P.SET_PHASE, {"session_id": lab.session_id, "room_id": None, "phase": P.PHASE_WRITE}
        )
    )
    ok(lab.bea.apply(lab.board, [sticky("b2")]))
    assert (
        code(
            lab.conductor.emit(
                P.SET_PHASE, {"session_id": lab.session_id, "room_id": None, "phase": "party"}
            )
        )
        == P.BAD_REQUEST
    )


def test_dot_voting_is_anonymous_limited_and_open_to_late_joiners(lab, clients, cast):
    ok(lab.bea.apply(lab.board, [sticky("b1", text="uno"), sticky("b2", text="due")]))
    assert (
        code(lab.bea.emit(P.CAST_VOTE, {"board_id": lab.board, "item_id": "b1"})) == P.PHASE_FORBIDS
    )
    ok(
        lab.conductor.emit(
            P.SET_PHASE,
            {
                "session_id": lab.session_id,
                "room_id": None,
                "phase": P.PHASE_VOTE,
                "votes_per_person": 2,
            },
        )
    )
    lab.bea.received()
    lab.dario.received()
    assert ok(lab.bea.emit(P.CAST_VOTE, {"board_id": lab.board, "item_id": "b1"}))["left"] == 1
    ack = ok(lab.bea.emit(P.CAST_VOTE, {"board_id": lab.board, "item_id": "b1"}))
    assert ack["mine"] == {"b1": 2} and ack["left"] == 0
    assert (
        code(lab.bea.emit(P.CAST_VOTE, {"board_id": lab.board, "item_id": "b2"})) == P.LIMIT_REACHED
    )
    assert code(lab.bea.emit(P.CAST_VOTE, {"board_id": lab.board, "item_id": "f1"})) == P.NOT_FOUND
    # During voting, peers see nothing of others' dots; the conductor sees the tally, never names.
    assert lab.dario.received(P.VOTES_CHANGED) == []
    tallies = lab.conductor.received(P.VOTES_CHANGED)
    assert tallies[-1] == {"board_id": lab.board, "tally": {"b1": 2}}
    late = clients.as_participant(cast.invite_a, "Ettore")
    ok(late.join(lab.board))
    ok(late.emit(P.CAST_VOTE, {"board_id": lab.board, "item_id": "b2"}))
    ok(lab.bea.emit(P.RETRACT_VOTE, {"board_id": lab.board, "item_id": "b1"}))
    ok(
        lab.conductor.emit(
            P.SET_PHASE, {"session_id": lab.session_id, "room_id": None, "phase": P.PHASE_DISCUSS}
        )
    )
    assert lab.dario.received(P.VOTES_CHANGED)[-1]["tally"] == {"b1": 1, "b2": 1}
    assert ok(lab.dario.join(lab.board))["live"]["tally"] == {"b1": 1, "b2": 1}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomVote)) == 2


def test_hand_raise_and_done_are_counted_with_names_for_the_conductor_only(lab):
    ok(lab.bea.emit(P.RAISE_SIGNAL, {"board_id": lab.board, "kind": P.SIGNAL_HAND, "on": True}))
    ok(lab.dario.emit(P.RAISE_SIGNAL, {"board_id": lab.board, "kind": P.SIGNAL_DONE, "on": True}))
    peer_view = lab.dario.received(P.SIGNALS_CHANGED)[-1]
    assert peer_view == {"board_id": lab.board, "hands": 1, "done": 1}
    conductor_view = lab.conductor.received(P.SIGNALS_CHANGED)[-1]
    assert conductor_view["names"] == {"hand": ["Bea"], "done": ["Dario"]}
    ok(lab.bea.emit(P.RAISE_SIGNAL, {"board_id": lab.board, "kind": P.SIGNAL_HAND, "on": False}))
    assert lab.dario.received(P.SIGNALS_CHANGED)[-1]["hands"] == 0
    assert (
        code(lab.bea.emit(P.RAISE_SIGNAL, {"board_id": lab.board, "kind": "wave", "on": True}))
        == P.BAD_REQUEST
    )


def test_controls_survive_an_app_restart(lab, make_app, cast):
    """Stored in the database: a new app (a restarted server) reads the same room state."""
    ok(
        lab.conductor.emit(
            P.SET_PHASE, {"session_id": lab.session_id, "room_id": None, "phase": P.PHASE_CLUSTER}
        )
    )
    ok(
        lab.conductor.emit(
            P.SEND_ROOM_MESSAGE, {"session_id": lab.session_id, "room_id": None, "text": "Ciao"}
        )
    )
    ok(lab.conductor.emit(P.START_PRIVATE_WRITING, {"board_id": lab.board, "anonymous": True}))
    from workshop.rooms import service as rooms

    db.session.remove()
    room = rooms.room_of_board(db.session, cast.board)
    assert (room.phase, room.message, room.private_anonymous) == (P.PHASE_CLUSTER, "Ciao", True)


# --- groups, moves, harvest ----------------------------------------------------------------------------------------


def test_groups_get_their_own_boards_seeded_with_the_plenary_template(lab):
    groups = lab.groups(2)
    assert [g["name"] for g in groups] == ["Gruppo 1", "Gruppo 2"]
    for group in groups:
        board = db.session.get(Board, group["board_id"])
        assert board.kind == db.session.get(Board, lab.board).kind and board.seq == 1
        items = {
            i.item_id: i
            for i in db.session.scalars(sa.select(BoardItem).where(BoardItem.board_id == board.id))
        }
        assert set(items) == {"f1", "t1"}  # frames and texts, not the notes
        assert items["f1"].fields["title"] == "Problemi"
    named = ok(
        lab.conductor.emit(
            P.CREATE_GROUPS, {"session_id": lab.session_id, "names": ["Giovani", "Enti"]}
        )
    )
    assert [r["name"] for r in named["session"]["rooms"]][-2:] == ["Giovani", "Enti"]


def test_a_move_reaches_the_participants_socket_and_guards_the_group_board(lab):
    g1, g2 = lab.groups(2)
    bea_identity = lab.bea.entry.principal.identity
    # Not assigned yet: another group's board is refused.
    assert code(lab.bea.join(g1["board_id"])) == P.FORBIDDEN
    ok(
        lab.conductor.emit(
            P.MOVE_TO_ROOM,
            {"session_id": lab.session_id, "identity": bea_identity, "room_id": g1["id"]},
        )
    )
    [moved] = lab.bea.received(P.MOVED_TO_ROOM)
    assert moved["board_id"] == g1["board_id"] and moved["room_id"] == g1["id"]
    assert lab.dario.received(P.MOVED_TO_ROOM) == []
    ok(lab.bea.leave(lab.board))
    ack = ok(lab.bea.join(g1["board_id"]))
    assert {i["id"] for i in ack["items"]} == {"f1", "t1"}
    ok(lab.bea.apply(g1["board_id"], [sticky("g1note", text="idea del gruppo")]))
    assert code(lab.bea.join(g2["board_id"])) == P.FORBIDDEN
    # Moved out again: the old group's board no longer takes her changes.
    ok(
        lab.conductor.emit(
            P.MOVE_TO_ROOM,
            {"session_id": lab.session_id, "identity": bea_identity, "room_id": g2["id"]},
        )
    )
    # The move took her socket off the old group's board (issue 14), and it stays closed to her.
    assert code(lab.bea.apply(g1["board_id"], [sticky("late")])) == P.NOT_JOINED
    assert code(lab.bea.join(g1["board_id"])) == P.FORBIDDEN


def test_random_assignment_is_balanced_and_back_to_plenary_moves_everyone(lab, clients, cast):
    extra = [clients.as_participant(cast.invite_a, f"P{n}") for n in range(3)]
    for c in extra:
        ok(c.join(lab.board))
    groups = lab.groups(2)
    members = ok(
        lab.conductor.emit(P.ASSIGN_GROUPS, {"session_id": lab.session_id, "mode": "random"})
    )["members"]
    sizes = sorted(sum(1 for m in members if m["room_id"] == g["id"]) for g in groups)
    assert sizes == [2, 3]
    for c in (lab.bea, lab.dario, *extra):
        [moved] = c.received(P.MOVED_TO_ROOM)
        assert moved["room_id"] in {g["id"] for g in groups}
    ok(lab.conductor.emit(P.BACK_TO_PLENARY, {"session_id": lab.session_id}))
    for c in (lab.bea, lab.dario, *extra):
        assert c.received(P.MOVED_TO_ROOM)[-1]["is_plenary"] is True
    plenary = lab.plenary().id
    assert {m.room_id for m in db.session.scalars(sa.select(RoomMember))} == {plenary}


def test_participants_choose_their_group_only_when_allowed(lab):
    g1, _g2 = lab.groups(2)
    assert (
        code(lab.bea.emit(P.CHOOSE_ROOM, {"session_id": lab.session_id, "room_id": g1["id"]}))
        == P.FORBIDDEN
    )
    ok(lab.conductor.emit(P.ASSIGN_GROUPS, {"session_id": lab.session_id, "mode": "choice"}))
    ack = ok(lab.bea.emit(P.CHOOSE_ROOM, {"session_id": lab.session_id, "room_id": g1["id"]}))
    assert ack["board_id"] == g1["board_id"]
    assert lab.bea.received(P.MOVED_TO_ROOM)[-1]["room_id"] == g1["id"]


def test_harvest_copies_group_items_into_the_plenary_in_a_frame_per_group(lab):
    g1, g2 = lab.groups(2)
    ok(lab.conductor.emit(P.ASSIGN_GROUPS, {"session_id": lab.session_id, "mode": "choice"}))
    ok(lab.bea.emit(P.CHOOSE_ROOM, {"session_id": lab.session_id, "room_id": g1["id"]}))
    ok(lab.bea.join(g1["board_id"]))
    ok(
        lab.bea.apply(
            g1["board_id"],
            [sticky("n1", text="più trasporti", color="green"), sticky("n2", text="orari")],
        )
    )
    ok(lab.conductor.join(g2["board_id"]))
    ok(lab.conductor.apply(g2["board_id"], [sticky("m1", text="scuole aperte")]))
    lab.dario.received()
    ack = ok(
        lab.conductor.emit(
            P.HARVEST,
            {
                "session_id": lab.session_id,
                "items": [
                    {"board_id": g1["board_id"], "item_id": "n1"},
                    {"board_id": g1["board_id"], "item_id": "n2"},
                    {"board_id": g2["board_id"], "item_id": "m1"},
                ],
            },
        )
    )
    assert ack["board_id"] == lab.board and len(ack["changes"]) == 2
    broadcasts = lab.dario.received(P.CHANGE_APPLIED)
    assert [c["seq"] for c in broadcasts] == [c["seq"] for c in ack["changes"]]
    created = ack["changes"][0]["created"]
    plenary = {
        i.item_id: i
        for i in db.session.scalars(sa.select(BoardItem).where(BoardItem.board_id == lab.board))
    }
    copy = plenary[created["n1"]]
    assert copy.fields["text"] == "più trasporti" and copy.fields["color"] == "green"
    assert copy.fields["author"] == "Gruppo 1"  # the note remembers its group
    frames = [
        i
        for i in plenary.values()
        if i.type == "frame" and i.fields["title"] in ("Gruppo 1", "Gruppo 2")
    ]
    assert len(frames) == 2
    frame = next(f for f in frames if f.fields["title"] == "Gruppo 1").fields
    assert frame["x"] <= copy.fields["x"] <= frame["x"] + frame["w"]
    # A real, editable item of the plenary; the group's note is untouched.
    ok(lab.dario.apply(lab.board, [update(created["n1"], text="più trasporti serali")]))
    assert db.session.get(BoardItem, (g1["board_id"], "n1")).fields["text"] == "più trasporti"
    # Harvesting again puts the next items in the same frame.
    again = ok(
        lab.conductor.emit(
            P.HARVEST,
            {
                "session_id": lab.session_id,
                "items": [{"board_id": g1["board_id"], "item_id": "n2"}],
            },
        )
    )
    db.session.expire_all()
    second = db.session.get(BoardItem, (lab.board, again["changes"][0]["created"]["n2"]))
    assert second.fields["x"] != copy.fields["x"] or second.fields["y"] != copy.fields["y"]
    assert (
        code(
            lab.conductor.emit(
                P.HARVEST,
                {"session_id": lab.session_id, "items": [{"board_id": lab.board, "item_id": "s0"}]},
            )
        )
        == P.NOT_FOUND
    )


def test_overview_gives_every_room_with_a_thumbnail_and_updates_live(lab):
    g1, _ = lab.groups(2)
    overview = ok(lab.conductor.emit(P.ROOM_OVERVIEW, {"session_id": lab.session_id}))
    assert [r["id"] for r in overview["rooms"]][0] == lab.plenary().id
    group = next(r for r in overview["rooms"] if r["id"] == g1["id"])
    assert sorted(i[0] for i in group["items"]) == ["frame", "text"]
    ok(lab.conductor.emit(P.ASSIGN_GROUPS, {"session_id": lab.session_id, "mode": "choice"}))
    ok(lab.bea.emit(P.CHOOSE_ROOM, {"session_id": lab.session_id, "room_id": g1["id"]}))
    ok(lab.bea.join(g1["board_id"]))
    ok(lab.bea.apply(g1["board_id"], [sticky("n1", x=10, y=20, color="pink")]))
    thumbs = lab.conductor.wait_for(
        lambda: [
            t for t in lab.conductor.received(P.THUMBNAIL_CHANGED) if t["room_id"] == g1["id"]
        ],
        timeout_s=3,
    )
    assert thumbs and ["sticky", 10, 20, 200, 200, "pink"] in thumbs[-1]["items"]
    assert lab.bea.received(P.THUMBNAIL_CHANGED) == []


def test_attendance_records_stays_changes_and_votes(lab, clients, cast):
    g1, _ = lab.groups(1) + [None]
    ok(lab.bea.apply(lab.board, [sticky("b1")]))
    ok(
        lab.conductor.emit(
            P.MOVE_TO_ROOM,
            {
                "session_id": lab.session_id,
                "identity": lab.bea.entry.principal.identity,
                "room_id": g1["id"],
            },
        )
    )
    ok(lab.bea.leave(lab.board))
    ok(lab.bea.join(g1["board_id"]))
    ok(lab.bea.apply(g1["board_id"], [sticky("g1")]))
    ok(lab.bea.apply(g1["board_id"], [sticky("g2")]))
    organizer = clients.as_user(cast.organizer, "olga")
    rows = ok(organizer.emit(P.ATTENDANCE, {"session_id": lab.session_id}))["rows"]
    bea_rows = [r for r in rows if r["name"] == "Bea"]
    assert [(r["room"], r["changes"], bool(r["left_at"])) for r in bea_rows] == [
        ("Plenaria", 1, True),
        ("Gruppo 1", 2, False),
    ]
    assert code(lab.conductor.emit(P.ATTENDANCE, {"session_id": lab.session_id})) == P.FORBIDDEN
    lab.bea.disconnect()
    db.session.expire_all()
    assert all(
        v.left_at for v in db.session.scalars(sa.select(RoomVisit).where(RoomVisit.name == "Bea"))
    )


def test_a_scoped_invite_to_the_plenary_reaches_its_group_boards(clients, cast, make_invite):
    plenary = cast.board_a2
    conductor = clients.as_user(cast.conductor, "carla")
    scoped = clients.as_participant(cast.scoped_invite_a2, "Fede")
    ok(conductor.join(plenary))
    session_id = ok(conductor.emit(P.OPEN_LIVE_SESSION, {"board_id": plenary}))["session"]["id"]
    ok(scoped.join(plenary))
    ack = ok(conductor.emit(P.CREATE_GROUPS, {"session_id": session_id, "count": 1}))
    group = ack["session"]["rooms"][-1]
    ok(
        conductor.emit(
            P.MOVE_TO_ROOM,
            {
                "session_id": session_id,
                "identity": scoped.entry.principal.identity,
                "room_id": group["id"],
            },
        )
    )
    ok(scoped.join(group["board_id"]))
    assert code(scoped.join(cast.board)) == P.FORBIDDEN  # still not the project's other boards


# --- private writing: nothing leaks ---------------------------------------------------------------------------------


def _all_text(messages) -> str:
    return repr(messages)


def test_private_writing_never_leaks_a_note_before_the_reveal(lab, clients, cast):
    ok(lab.conductor.emit(P.START_PRIVATE_WRITING, {"board_id": lab.board, "anonymous": True}))
    lab.bea.received()
    lab.dario.received()
    lab.conductor.received()
    ok(lab.bea.apply(lab.board, [sticky("secret-b", text="SEGRETO-BEA")]))
    ok(lab.bea.apply(lab.board, [update("secret-b", text="SEGRETO-BEA-2", x=40)]))
    ok(lab.dario.apply(lab.board, [sticky("secret-d", text="SEGRETO-DARIO")]))
    ok(lab.conductor.apply(lab.board, [update("secret-b", color="pink")]))

    # Dario's socket: the changes arrive (the seq has no gap) without Bea's note in them.
    dario_got = lab.dario.received(P.CHANGE_APPLIED)
    assert [c["seq"] for c in dario_got] == [2, 3, 5]
    assert "SEGRETO-BEA" not in _all_text(dario_got) and "secret-b" not in _all_text(dario_got)
    assert all(c["author"] == {"id": "", "name": ""} for c in dario_got)
    # The conductor sees everything, names included.
    conductor_got = lab.conductor.received(P.CHANGE_APPLIED)
    assert "SEGRETO-BEA-2" in _all_text(conductor_got) and "SEGRETO-DARIO" in _all_text(
        conductor_got
    )
    assert conductor_got[0]["author"]["name"] == "Bea"
    # Bea sees her own note and the conductor's change to it, not Dario's.
    bea_got = lab.bea.received(P.CHANGE_APPLIED)
    assert "SEGRETO-DARIO" not in _all_text(bea_got) and "pink" in _all_text(bea_got)

    # Join snapshots and deltas are filtered the same way, for a late joiner too.
    for ack in (lab.dario.join(lab.board), lab.dario.join(lab.board, since_seq=0)):
        assert "SEGRETO-BEA" not in _all_text(ok(ack)) and "SEGRETO-DARIO" in _all_text(ack)
    late = clients.as_participant(cast.invite_a, "Ettore")
    assert "SEGRETO" not in _all_text(ok(late.join(lab.board)))
    # A hidden note cannot be touched either: for Dario it does not exist.
    assert code(lab.dario.apply(lab.board, [update("secret-b", text="x")])) == P.NOT_FOUND
    assert (
        code(lab.dario.emit(P.CAST_VOTE, {"board_id": lab.board, "item_id": "secret-b"}))
        == P.PHASE_FORBIDS
    )

    ok(lab.conductor.emit(P.REVEAL_NOTES, {"board_id": lab.board}))
    assert lab.dario.received(P.NOTES_REVEALED) == [{"board_id": lab.board}]
    revealed = ok(lab.dario.join(lab.board))
    note = next(i for i in revealed["items"] if i["id"] == "secret-b")
    assert note["fields"]["text"] == "SEGRETO-BEA-2"
    # Anonymous: the author stays hidden from peers after the reveal, not from the conductor.
    assert note["fields"]["author"] == "" and note["created_by"] == ""
    assert "Bea" not in _all_text(ok(lab.dario.join(lab.board, since_seq=1))["changes"])
    conductor_view = ok(lab.conductor.join(lab.board))
    assert (
        next(i for i in conductor_view["items"] if i["id"] == "secret-b")["fields"]["author"]
        == "Bea"
    )
    # After the reveal new notes are public again.
    lab.dario.received()
    ok(lab.bea.apply(lab.board, [sticky("open", text="APERTO")]))
    assert "APERTO" in _all_text(lab.dario.received(P.CHANGE_APPLIED))


def test_private_writing_without_anonymity_shows_authors_after_the_reveal(lab):
    ok(lab.conductor.emit(P.START_PRIVATE_WRITING, {"board_id": lab.board, "anonymous": False}))
    ok(lab.bea.apply(lab.board, [sticky("b1", text="firmato")]))
    ok(lab.conductor.emit(P.REVEAL_NOTES, {"board_id": lab.board}))
    note = next(i for i in ok(lab.dario.join(lab.board))["items"] if i["id"] == "b1")
    assert note["fields"]["author"] == "Bea"


def test_a_live_session_may_name_the_lab_meeting_it_runs(clients, cast):
    from datetime import date

    from workshop.rooms import labs

    lab = labs.create_lab(
        db.session, "Lab", [(date(2026, 3, 12), "Contesto")], [cast.project_a.id], None
    )
    other = labs.create_lab(
        db.session, "Altro", [(date(2026, 3, 12), "Altro")], [cast.project_b.id], None
    )
    db.session.commit()
    meeting, foreign = lab.meetings[0].id, other.meetings[0].id
    conductor = clients.as_user(cast.conductor, "carla")
    assert (
        code(
            conductor.emit(P.OPEN_LIVE_SESSION, {"board_id": cast.board_a2, "meeting_id": foreign})
        )
        == P.FORBIDDEN
    )
    ack = ok(conductor.emit(P.OPEN_LIVE_SESSION, {"board_id": cast.board, "meeting_id": meeting}))
    assert ack["session"]["meeting_id"] == meeting
