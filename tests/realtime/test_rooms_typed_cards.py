# ruff: noqa: F811 - the tests take the imported fixture `lab` by name
"""Rooms on typed cards over in-process sockets (issue 14): votes and harvest on every card,
group boards seeded from a frame, locks that end with the session and always lift, the facts a
conductor needs (people present, join code, meeting), and a move that takes a person's sockets
off the old group's board. Project A's first board is a context board (problem tree)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.realtime.test_rooms import Lab, code, lab, ok  # noqa: F401 - `lab` is a fixture
from tests.support.sockets import sticky, update
from workshop import protocol as P
from workshop.access import service as access
from workshop.extensions import db
from workshop.models import Board, BoardItem, LiveSession, RoomMember
from workshop.realtime.presence import presence
from workshop.rooms import labs


def card(item_id, type_="problem", **fields):
    return {"op": "create", "id": item_id, "type": type_, "fields": fields}


def link(item_id, source, target, type_="causal_link"):
    return {"op": "create", "id": item_id, "type": type_, "fields": {"from": source, "to": target}}


def tree(x=100, y=100):
    """A core problem, a cause and their causal link, inside frame f1 of the lab fixture."""
    return [
        card("core", x=x, y=y, w=200, h=100, text="Dispersione", role="core"),
        card("cause", x=x, y=y + 250, w=200, h=100, text="Poca offerta", evidence="ISTAT"),
        link("l1", "cause", "core"),
    ]


def items(board_id):
    db.session.expire_all()
    return {
        i.item_id: i
        for i in db.session.scalars(
            sa.select(BoardItem).where(
                BoardItem.board_id == board_id, BoardItem.deleted_seq.is_(None)
            )
        )
    }


def in_group(lab: Lab, client, group):
    ok(lab.conductor.emit(P.ASSIGN_GROUPS, {"session_id": lab.session_id, "mode": "choice"}))
    ok(client.emit(P.CHOOSE_ROOM, {"session_id": lab.session_id, "room_id": group["id"]}))
    ok(client.join(group["board_id"]))


# --- votes -----------------------------------------------------------------------------------


def test_a_vote_on_a_typed_card_counts_on_the_item_and_in_the_conductor_s_tally(lab):
    ok(lab.conductor.apply(lab.board, tree()))
    ok(
        lab.conductor.emit(
            P.SET_PHASE,
            {
                "session_id": lab.session_id,
                "room_id": None,
                "phase": P.PHASE_VOTE,
                "votes_per_person": 3,
            },
        )
    )
    lab.conductor.received()
    ack = ok(lab.bea.emit(P.CAST_VOTE, {"board_id": lab.board, "item_id": "core"}))
    assert ack["mine"] == {"core": 1} and ack["left"] == 2
    ok(lab.dario.emit(P.CAST_VOTE, {"board_id": lab.board, "item_id": "core"}))
    ok(lab.dario.emit(P.CAST_VOTE, {"board_id": lab.board, "item_id": "cause"}))
    assert lab.conductor.received(P.VOTES_CHANGED)[-1]["tally"] == {"core": 2, "cause": 1}
    state = ok(lab.conductor.emit(P.ROOM_STATE, {"board_id": lab.board}))["live"]
    assert state["tally"] == {"core": 2, "cause": 1}
    # A link is no card: nothing to vote on.
    assert code(lab.bea.emit(P.CAST_VOTE, {"board_id": lab.board, "item_id": "l1"})) == P.NOT_FOUND


# --- groups seeded from a frame ----------------------------------------------------------------


def test_groups_seeded_from_a_frame_start_with_its_cards_and_links(lab):
    ok(lab.conductor.apply(lab.board, [*tree(), card("far", x=5000, y=5000, text="Fuori")]))
    ack = ok(
        lab.conductor.emit(
            P.CREATE_GROUPS, {"session_id": lab.session_id, "count": 2, "seed": {"frame_id": "f1"}}
        )
    )
    groups = [r for r in ack["session"]["rooms"] if not r["is_plenary"]]
    for group in groups:
        copied = items(group["board_id"])
        assert set(copied) == {"f1", "t1", "s0", "core", "cause", "l1"}  # s0 sits in f1 too
        assert copied["cause"].fields["evidence"] == "ISTAT"
    # The group deepens the tree on its own board.
    in_group(lab, lab.bea, groups[0])
    ok(
        lab.bea.apply(
            groups[0]["board_id"], [card("c2", text="Trasporti"), link("l2", "c2", "core")]
        )
    )


@pytest.mark.parametrize(
    "seed, error",
    [
        ({"frame_id": "core"}, P.NOT_FOUND),
        ({"frame_id": "nope"}, P.NOT_FOUND),
        ({"frame": "f1"}, P.BAD_REQUEST),
    ],
)
def test_a_bad_seed_makes_no_group(lab, seed, error):
    ok(lab.conductor.apply(lab.board, tree()))
    assert (
        code(
            lab.conductor.emit(
                P.CREATE_GROUPS, {"session_id": lab.session_id, "count": 1, "seed": seed}
            )
        )
        == error
    )
    assert [r for r in lab.live().rooms if not r.is_plenary] == []


def test_without_a_seed_groups_start_with_frames_and_texts_only(lab):
    ok(lab.conductor.apply(lab.board, tree()))
    [group] = lab.groups(1)
    assert set(items(group["board_id"])) == {"f1", "t1"}


# --- harvest -----------------------------------------------------------------------------------


def test_harvest_brings_typed_cards_with_their_links_into_the_plenary_naming_the_group(lab):
    g1, _g2 = lab.groups(2)
    in_group(lab, lab.bea, g1)
    ok(lab.bea.apply(g1["board_id"], tree()))
    ok(
        lab.bea.apply(
            g1["board_id"], [card("obj", "objective", text="Più offerta", source_problem="cause")]
        )
    )
    lab.dario.received()
    ack = ok(
        lab.conductor.emit(
            P.HARVEST,
            {
                "session_id": lab.session_id,
                "items": [
                    {"board_id": g1["board_id"], "item_id": i} for i in ("core", "cause", "obj")
                ],
            },
        )
    )
    created = ack["changes"][0]["created"]
    plenary = items(lab.board)
    assert plenary[created["cause"]].type == "problem"
    assert plenary[created["cause"]].fields["evidence"] == "ISTAT"
    assert plenary[created["core"]].fields["role"] == "core"
    copied_link = plenary[created["l1"]]
    assert (copied_link.type, copied_link.fields["from"], copied_link.fields["to"]) == (
        "causal_link",
        created["cause"],
        created["core"],
    )
    assert plenary[created["obj"]].fields["source_problem"] == created["cause"]
    # Everyone on the plenary receives the copies; the plenary's state names each copy's group.
    assert any(
        op["id"] == created["l1"] for c in lab.dario.received(P.CHANGE_APPLIED) for op in c["ops"]
    )
    harvested = lab.dario.received(P.ROOM_STATE)[-1]["room"]["harvested"]
    assert harvested[created["cause"]] == harvested[created["l1"]] == "Gruppo 1"
    joined = ok(lab.dario.join(lab.board))
    assert joined["live"]["room"]["harvested"][created["core"]] == "Gruppo 1"
    # Editable by a participant.
    ok(lab.dario.apply(lab.board, [update(created["core"], text="Abbandono scolastico")]))


def test_a_link_alone_is_not_harvested(lab):
    g1, _ = lab.groups(2)
    in_group(lab, lab.bea, g1)
    ok(lab.bea.apply(g1["board_id"], tree()))
    before = db.session.get(Board, lab.board).seq
    ack = lab.conductor.emit(
        P.HARVEST,
        {"session_id": lab.session_id, "items": [{"board_id": g1["board_id"], "item_id": "l1"}]},
    )
    assert code(ack) == P.BAD_REQUEST
    db.session.expire_all()
    assert db.session.get(Board, lab.board).seq == before


# --- locks -------------------------------------------------------------------------------------


def _lock_both(lab):
    ok(lab.conductor.emit(P.LOCK_BOARD, {"board_id": lab.board, "locked": True}))
    ok(lab.conductor.emit(P.LOCK_FRAME, {"board_id": lab.board, "item_id": "f1", "locked": True}))


def test_the_room_state_reports_the_real_locks(lab):
    _lock_both(lab)
    room = lab.bea.received(P.ROOM_STATE)[-1]["room"]
    assert room["locked"] is True and room["locked_frames"] == ["f1"]
    ok(lab.conductor.emit(P.LOCK_FRAME, {"board_id": lab.board, "item_id": "f1", "locked": False}))
    assert lab.bea.received(P.ROOM_STATE)[-1]["room"]["locked_frames"] == []
    state = ok(lab.bea.emit(P.ROOM_STATE, {"board_id": lab.board}))["live"]["room"]
    assert state["locked"] is True and state["locked_frames"] == []


def test_closing_the_session_lifts_the_locks_set_during_it(lab):
    _lock_both(lab)
    assert code(lab.bea.apply(lab.board, [sticky("x1")])) == P.BOARD_LOCKED
    lab.bea.received()
    ok(lab.conductor.emit(P.CLOSE_LIVE_SESSION, {"session_id": lab.session_id}))
    ended = lab.bea.received(P.ROOM_STATE)[-1]
    assert ended["session"] is None and ended["locked"] is False and ended["locked_frames"] == []
    assert items(lab.board)["f1"].fields["locked"] is False
    ok(lab.bea.apply(lab.board, [sticky("x1", text="di nuovo libera")]))
    # After a reload too: the join says the board is open.
    ok(lab.bea.leave(lab.board))
    assert ok(lab.bea.join(lab.board))["board"]["locked"] is False


def test_a_conductor_may_keep_the_locks_and_lift_them_after_the_session(lab):
    _lock_both(lab)
    ok(lab.conductor.emit(P.CLOSE_LIVE_SESSION, {"session_id": lab.session_id, "keep_locks": True}))
    ended = lab.bea.received(P.ROOM_STATE)[-1]
    assert ended["locked"] is True and ended["locked_frames"] == ["f1"]
    assert code(lab.bea.apply(lab.board, [sticky("x1")])) == P.BOARD_LOCKED
    ok(lab.conductor.emit(P.LOCK_BOARD, {"board_id": lab.board, "locked": False}))
    ok(lab.conductor.emit(P.LOCK_FRAME, {"board_id": lab.board, "item_id": "f1", "locked": False}))
    state = lab.bea.received(P.ROOM_STATE)[-1]
    assert state["session"] is None and state["locked"] is False and state["locked_frames"] == []
    ok(lab.bea.apply(lab.board, [sticky("x1")]))
    assert code(
        lab.conductor.emit(P.CLOSE_LIVE_SESSION, {"session_id": lab.session_id, "keep_locks": "sì"})
    ) in (
        P.BAD_REQUEST,
        P.NOT_FOUND,
    )


def test_keep_locks_must_be_true_or_false(lab):
    assert (
        code(
            lab.conductor.emit(
                P.CLOSE_LIVE_SESSION, {"session_id": lab.session_id, "keep_locks": 1}
            )
        )
        == P.BAD_REQUEST
    )
    assert lab.live().closed_at is None


# --- what the conductor needs at hand ----------------------------------------------------------


def test_the_room_state_counts_the_people_present_on_the_board(lab, clients, cast):
    second_tab = clients.as_user(cast.conductor, "carla-2")  # one person, two tabs: counted once
    ok(second_tab.join(lab.board))
    assert len(presence.peers(lab.board)) == 4
    state = ok(lab.conductor.emit(P.ROOM_STATE, {"board_id": lab.board}))["live"]
    assert state["room"]["present"] == 3  # carla, Bea, Dario
    overview = ok(lab.conductor.emit(P.ROOM_OVERVIEW, {"session_id": lab.session_id}))
    plenary = next(r for r in overview["rooms"] if r["is_plenary"])
    assert plenary["present_count"] == 3


def test_the_conductor_sees_the_join_code_and_link_and_a_participant_does_not(lab, cast):
    invite = cast.invite_a
    conductor = ok(lab.conductor.emit(P.ROOM_STATE, {"board_id": lab.board}))["live"]
    assert conductor["join"]["code"] == access.format_join_code(invite.code)
    assert conductor["join"]["link"].endswith(f"/j/{invite.token}")
    participant = ok(lab.bea.emit(P.ROOM_STATE, {"board_id": lab.board}))["live"]
    assert "join" not in participant
    assert invite.code not in repr(participant) and invite.token not in repr(participant)


def test_a_session_tied_to_a_meeting_names_it_and_a_foreign_meeting_opens_nothing(clients, cast):
    ours = labs.create_lab(
        db.session, "Lab", [(date(2026, 3, 12), "Contesto")], [cast.project_a.id], None
    )
    other = labs.create_lab(
        db.session, "Altro", [(date(2026, 3, 12), "Altro")], [cast.project_b.id], None
    )
    db.session.commit()
    conductor = clients.as_user(cast.conductor, "carla")
    ok(conductor.join(cast.board_a2))
    refused = conductor.emit(
        P.OPEN_LIVE_SESSION, {"board_id": cast.board_a2, "meeting_id": other.meetings[0].id}
    )
    assert code(refused) == P.FORBIDDEN and refused["error"]["field"] == "meeting_id"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveSession)) == 0
    ack = ok(
        conductor.emit(
            P.OPEN_LIVE_SESSION, {"board_id": cast.board_a2, "meeting_id": ours.meetings[0].id}
        )
    )
    meeting = {"id": ours.meetings[0].id, "title": "Contesto", "date": "2026-03-12"}
    assert ack["session"]["meeting"] == meeting
    assert (
        ok(conductor.emit(P.ROOM_STATE, {"board_id": cast.board_a2}))["live"]["session"]["meeting"]
        == meeting
    )


# --- a move takes the sockets off the old group's board -------------------------------------------


def _moves(lab, bea_identity, g1, g2):
    return {
        "move_to_room": lambda: lab.conductor.emit(
            P.MOVE_TO_ROOM,
            {"session_id": lab.session_id, "identity": bea_identity, "room_id": g2["id"]},
        ),
        "back_to_plenary": lambda: lab.conductor.emit(
            P.BACK_TO_PLENARY, {"session_id": lab.session_id}
        ),
        "choose_room": lambda: lab.bea.emit(
            P.CHOOSE_ROOM, {"session_id": lab.session_id, "room_id": g2["id"]}
        ),
        "assign_random": lambda: lab.conductor.emit(
            P.ASSIGN_GROUPS, {"session_id": lab.session_id, "mode": "random"}
        ),
    }


@pytest.mark.parametrize("how", ["move_to_room", "back_to_plenary", "choose_room", "assign_random"])
def test_a_move_takes_every_socket_of_the_person_off_the_old_group_s_board(lab, clients, how):
    g1, g2 = lab.groups(2)
    in_group(lab, lab.bea, g1)
    bea_tab2 = clients.open(lab.bea.auth_session_id, "bea-2")  # the same person in a second tab
    ok(bea_tab2.join(g1["board_id"]))
    ok(lab.conductor.join(g1["board_id"]))
    identity = lab.bea.entry.principal.identity
    tabs = (lab.bea, bea_tab2)
    move = _moves(lab, identity, g1, g2)[how]
    for _attempt in range(20):  # a random split may leave her in her group: split again
        ok(move())
        db.session.expire_all()
        if db.session.get(RoomMember, (lab.session_id, identity)).room_id != g1["id"]:
            break
    else:  # pragma: no cover - 2**-20
        pytest.fail("twenty random splits kept her in her group")
    for tab in tabs:
        assert f"board:{g1['board_id']}" not in tab.rooms()
        assert g1["board_id"] not in tab.entry.boards
        assert tab.received(P.MOVED_TO_ROOM)  # each tab is told where she belongs now
        tab.received()
    assert identity not in {p.identity for p in presence.peers(g1["board_id"])}
    ok(lab.conductor.apply(g1["board_id"], [sticky("after", text="solo per il gruppo 1")]))
    for tab in tabs:
        assert [c for c in tab.received(P.CHANGE_APPLIED) if c["board_id"] == g1["board_id"]] == []
