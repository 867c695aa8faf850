"""The rooms service without Flask, on typed cards (issue 14): votes on any card, harvest of
typed cards with their links, group boards seeded from a frame, locks that end with the
session, meetings, the join code and the group boards of a session."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

import workshop.canvases  # noqa: F401 - registers the session canvases' typed cards
from tests.support.boards import CONDUCTOR
from workshop import protocol as P
from workshop.access import service as access
from workshop.boards import service as boards
from workshop.boards.errors import BadRequest, BoardError, Forbidden, NotFound
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.models import Board, BoardItem, BoardKind, InviteRole, LiveSession, Project, utcnow
from workshop.rooms import copying, labs, parse
from workshop.rooms import service as rooms
from workshop.rooms.rules import Viewer

BEA = Actor("p:1", "Bea")
_changes = iter(range(1_000_000))


def apply(session, board_id, ops, actor=CONDUCTOR):
    change = parse_change(
        {"board_id": board_id, "change_id": f"c{next(_changes)}", "client_id": "t", "ops": ops}
    )
    return boards.apply_change(session, change, actor)


def create(item_id, type_, **fields):
    return {"op": "create", "id": item_id, "type": type_, "fields": fields}


def items_of(session, board_id):
    return {it["id"]: it for it in boards.live_items(session, board_id)}


@pytest.fixture
def plenary(session):
    """A context board: a frame holding a problem tree (core, cause, their causal link), a
    problem card outside the frame, an objective pointing at the core problem."""
    project = Project(title="P")
    board = Board(kind=BoardKind.CONTEXT, title="Contesto", project=project)
    session.add(board)
    session.commit()
    apply(
        session,
        board.id,
        [
            create("f1", "frame", x=0, y=0, w=1000, h=800, title="Albero dei problemi"),
            create("t1", "text", x=0, y=-200, text="Domanda guida"),
            create("core", "problem", x=100, y=100, w=200, h=100, text="Dispersione", role="core"),
            create(
                "cause",
                "problem",
                x=100,
                y=400,
                w=200,
                h=100,
                text="Poca offerta",
                evidence="dati ISTAT",
            ),
            {
                "op": "create",
                "id": "l1",
                "type": "causal_link",
                "fields": {"from": "cause", "to": "core"},
            },
            create("far", "problem", x=3000, y=3000, w=200, h=100, text="Fuori"),
            create(
                "obj",
                "objective",
                x=2000,
                y=100,
                w=200,
                h=100,
                text="Meno dispersione",
                source_problem="core",
            ),
        ],
    )
    return board


def opened(session, board, groups=("Gruppo 1",), seed=None):
    live = rooms.open_session(session, board, "u:1", "Plenaria", utcnow())
    if groups:
        rooms.create_groups(session, live, list(groups), CONDUCTOR, None, seed=seed)
    return live


# --- copying, pure ---------------------------------------------------------------------------


def test_a_copy_keeps_a_typed_card_s_fields_and_follows_its_links():
    items = [
        {
            "id": "a",
            "type": "problem",
            "fields": {
                "x": 1,
                "y": 2,
                "w": 200,
                "h": 100,
                "text": "A",
                "role": "core",
                "evidence": "e",
                "color": "red",
            },
        },
        {
            "id": "b",
            "type": "problem",
            "fields": {
                "x": 1,
                "y": 2,
                "w": 200,
                "h": 100,
                "text": "B",
                "role": "cause",
                "evidence": "",
                "color": "orange",
            },
        },
        {
            "id": "o",
            "type": "objective",
            "fields": {"text": "O", "source_problem": "gone", "x": 0, "y": 0, "w": 1, "h": 1},
        },
        {
            "id": "l",
            "type": "causal_link",
            "fields": {"from": "b", "to": "a", "kind": "vertical", "label": ""},
        },
        {
            "id": "s",
            "type": "sticky",
            "fields": {"text": "n", "author": "Bea", "x": 0, "y": 0, "w": 1, "h": 1},
        },
        {
            "id": "p",
            "type": "pestel_factor",
            "fields": {
                "text": "p",
                "impact": 2,
                "likelihood": 2,
                "score": 4,
                "x": 0,
                "y": 0,
                "w": 1,
                "h": 1,
            },
        },
    ]
    ops, ids = copying.copy_ops(items, "context", lambda old: f"new-{old}")
    by_id = {op.id: op for op in ops if op.op == "create"}
    assert by_id["new-a"].fields["evidence"] == "e" and by_id["new-a"].fields["role"] == "core"
    assert by_id["new-l"].fields["from"] == "new-b" and by_id["new-l"].fields["to"] == "new-a"
    assert "source_problem" not in by_id["new-o"].fields  # its problem stayed behind: cleared
    assert "author" not in by_id["new-s"].fields  # the server names the author of a copy
    assert "score" not in by_id["new-p"].fields  # derived: the server computes it again
    assert [op.op for op in ops][-1] == "create" and ops[-1].type == "causal_link"  # edges last
    assert ids["a"] == "new-a"


def test_a_copy_refuses_a_type_the_target_board_does_not_hold():
    with pytest.raises(BadRequest):
        copying.copy_ops([{"id": "a", "type": "problem", "fields": {}}], "free", lambda old: old)


def test_inside_a_frame_is_by_the_item_s_centre():
    frame = {"fields": {"x": 0, "y": 0, "w": 100, "h": 100}}
    assert copying.inside({"fields": {"x": 60, "y": 60, "w": 60, "h": 60}}, frame)
    assert not copying.inside({"fields": {"x": 90, "y": 0, "w": 60, "h": 60}}, frame)
    assert not copying.inside({"fields": {"from": "a", "to": "b"}}, frame)


# --- votes ---------------------------------------------------------------------------------------


def test_a_vote_on_a_typed_card_is_counted(session, plenary):
    live = opened(session, plenary, groups=())
    room = rooms.plenary_of(live)
    rooms.set_phase(session, live, [room], P.PHASE_VOTE, 2, "u:1")
    viewer = Viewer("p:1", False)
    rooms.cast_vote(session, room, viewer, "core")
    rooms.cast_vote(session, room, viewer, "obj")
    assert rooms.tally(session, room) == {"core": 1, "obj": 1}
    assert rooms.votes_left(session, room, "p:1") == ({"core": 1, "obj": 1}, 0)
    for not_a_card in ("l1", "f1"):  # a link, a frame: nothing to vote on
        with pytest.raises(NotFound):
            rooms.cast_vote(session, room, Viewer("p:2", False), not_a_card)


# --- groups seeded from the plenary ------------------------------------------------------------------


def test_group_boards_start_with_frames_and_texts_only_by_default(session, plenary):
    live = opened(session, plenary)
    group = rooms.groups_of(live)[0]
    assert set(items_of(session, group.board_id)) == {"f1", "t1"}


def test_a_group_board_seeded_from_a_frame_gets_its_cards_and_their_links(session, plenary):
    live = opened(session, plenary, seed=rooms.Seed("f1"))
    group = rooms.groups_of(live)[0]
    copied = items_of(session, group.board_id)
    assert set(copied) == {"f1", "t1", "core", "cause", "l1"}  # not the cards outside the frame
    assert copied["cause"]["fields"]["evidence"] == "dati ISTAT"
    assert copied["l1"]["fields"] == {**copied["l1"]["fields"], "from": "cause", "to": "core"}
    # The group deepens the tree: a new cause linked to the copied core problem.
    apply(
        session,
        group.board_id,
        [
            create("c2", "problem", text="Trasporti"),
            {
                "op": "create",
                "id": "l2",
                "type": "causal_link",
                "fields": {"from": "c2", "to": "core"},
            },
        ],
    )


def test_a_seed_naming_no_frame_of_the_plenary_makes_no_group(session, plenary):
    live = opened(session, plenary, groups=())
    for bad in ("core", "nope"):
        with pytest.raises(NotFound):
            rooms.create_groups(session, live, ["G"], CONDUCTOR, None, seed=rooms.Seed(bad))
    session.expire_all()
    assert rooms.groups_of(session.get(LiveSession, live.id)) == []


def test_notes_still_private_on_the_plenary_are_not_seeded(session, plenary):
    live = opened(session, plenary, groups=())
    rooms.start_private_writing(session, rooms.plenary_of(live), anonymous=True, locks=None)
    apply(session, plenary.id, [create("secret", "problem", x=50, y=50, text="mio")], BEA)
    rooms.create_groups(session, live, ["G"], CONDUCTOR, None, seed=rooms.Seed("f1"))
    assert "secret" not in items_of(session, rooms.groups_of(live)[0].board_id)


def test_the_group_boards_of_a_session_are_found_under_it(session, plenary):
    first = opened(session, plenary, groups=("A", "B"))
    rooms.close_session(session, first, utcnow())
    second = opened(session, plenary, groups=("C",))
    found = rooms.group_boards_by_session(session, plenary.project_id)
    assert [s.live.id for s in found] == [second.id, first.id]
    assert found[1].group_board_ids == [r.board_id for r in rooms.groups_of(first)]
    assert rooms.group_board_ids(session, plenary.project_id) == {
        r.board_id for live in (first, second) for r in rooms.groups_of(live)
    }


# --- moves say where from ---------------------------------------------------------------------------


def test_a_move_says_which_room_the_person_left(session, plenary):
    live = opened(session, plenary, groups=("A", "B"))
    rooms.ensure_member(session, live, "p:1", "Bea")
    a, b = rooms.groups_of(live)
    moved = rooms.move(session, live, "p:1", a.id)
    assert (moved.from_room_id, moved.to_room.id) == (rooms.plenary_of(live).id, a.id)
    assert rooms.move(session, live, "p:1", b.id).from_room_id == a.id
    [back] = rooms.all_back_to_plenary(session, live)
    assert back.from_room_id == b.id
    plan = rooms.assign_random(session, live, random.Random(1))
    assert [m.from_room_id for m in plan] == [rooms.plenary_of(live).id]
    with pytest.raises(Forbidden):
        rooms.choose(session, live, "p:1", "Bea", a.id)  # the conductor assigns


# --- harvest ---------------------------------------------------------------------------------------


def test_harvest_copies_typed_cards_with_their_links_and_remembers_the_group(session, plenary):
    live = opened(session, plenary, groups=("Giovani",), seed=rooms.Seed("f1"))
    group = rooms.groups_of(live)[0]
    apply(
        session,
        group.board_id,
        [create("c2", "problem", text="Trasporti", role="cause", evidence="sondaggio")],
        BEA,
    )
    apply(
        session,
        group.board_id,
        [
            {
                "op": "create",
                "id": "l2",
                "type": "causal_link",
                "fields": {"from": "c2", "to": "core"},
            }
        ],
        BEA,
    )
    [done] = rooms.harvest(
        session, live, [(group.board_id, "c2"), (group.board_id, "core")], CONDUCTOR, None
    )
    copies = items_of(session, plenary.id)
    new_c2, new_core, new_l2 = done.created["c2"], done.created["core"], done.created["l2"]
    assert copies[new_c2]["type"] == "problem"
    assert copies[new_c2]["fields"]["evidence"] == "sondaggio"
    assert copies[new_l2]["fields"]["from"] == new_c2 and copies[new_l2]["fields"]["to"] == new_core
    assert "l1" not in done.created  # its cause was not picked
    origins = rooms.harvest_origins(session, plenary.id)
    assert origins[new_c2] == origins[new_l2] == "Giovani"
    rooms.close_session(session, live, utcnow())
    assert rooms.harvest_origins(session, plenary.id)[new_c2] == "Giovani"  # after the close too
    # Editable: a participant may change the copy.
    apply(session, plenary.id, [{"op": "update", "id": new_c2, "fields": {"text": "Bus"}}], BEA)


def test_a_private_note_or_a_frame_is_not_harvested(session, plenary):
    live = opened(session, plenary)
    group = rooms.groups_of(live)[0]
    rooms.start_private_writing(session, group, anonymous=True, locks=None)
    apply(session, group.board_id, [create("mine", "problem", text="segreto")], BEA)
    before = session.scalar(sa.select(Board.seq).where(Board.id == plenary.id))
    for pick in ("mine", "f1"):
        with pytest.raises(BadRequest):
            rooms.harvest(session, live, [(group.board_id, pick)], CONDUCTOR, None)
    assert session.scalar(sa.select(Board.seq).where(Board.id == plenary.id)) == before


# --- locks ---------------------------------------------------------------------------------------


def _frame_locked(session, board_id, item_id):
    session.expire_all()
    return session.get(BoardItem, (board_id, item_id)).fields.get("locked")


def test_locks_set_during_a_session_end_with_it(session, plenary):
    live = opened(session, plenary, groups=())
    room = rooms.plenary_of(live)
    rooms.lock_board(session, plenary, True, room, None)
    rooms.lock_frame(session, plenary, "f1", True, room, CONDUCTOR, None)
    assert rooms.locked_frames(session, plenary.id) == ["f1"]
    facts = rooms.room_facts(session, room, present=3)
    assert (facts.locked, facts.locked_frames, facts.present) == (True, ("f1",), 3)
    rooms.close_session(session, live, utcnow(), closed_by="u:1")
    session.refresh(plenary)
    assert plenary.locked is False and not _frame_locked(session, plenary.id, "f1")


def test_the_conductor_may_keep_the_locks_and_lift_them_later(session, plenary):
    live = opened(session, plenary, groups=())
    room = rooms.plenary_of(live)
    rooms.lock_board(session, plenary, True, room, None)
    rooms.lock_frame(session, plenary, "f1", True, room, CONDUCTOR, None)
    rooms.close_session(session, live, utcnow(), keep_locks=True, actor=CONDUCTOR)
    session.refresh(plenary)
    assert plenary.locked is True and _frame_locked(session, plenary.id, "f1")
    # Out of any session a conductor lifts both.
    rooms.lock_board(session, plenary, False, None, None)
    rooms.lock_frame(session, plenary, "f1", False, None, CONDUCTOR, None)
    assert plenary.locked is False and not _frame_locked(session, plenary.id, "f1")


def test_a_lock_set_before_the_session_outlives_it(session, plenary):
    rooms.lock_frame(session, plenary, "f1", True, None, CONDUCTOR, None)
    live = opened(session, plenary, groups=())
    rooms.close_session(session, live, utcnow(), actor=CONDUCTOR)
    assert _frame_locked(session, plenary.id, "f1")


# --- meetings and the join code ---------------------------------------------------------------------


def test_a_session_opens_for_a_meeting_of_the_project_s_lab_only(session, plenary):
    other = Project(title="Altro")
    session.add(other)
    session.flush()
    today = date(2026, 3, 12)
    lab = labs.create_lab(
        session,
        "Lab",
        [
            (today - timedelta(days=7), "Prima"),
            (today + timedelta(days=7), "Terza"),
            (today, "Seconda"),
        ],
        [plenary.project_id],
        None,
    )
    foreign = labs.create_lab(session, "Altro", [(today, "Altrove")], [other.id], None)
    session.commit()
    with pytest.raises(Forbidden):
        rooms.open_session(session, plenary, "u:1", "Plenaria", utcnow(), foreign.meetings[0].id)
    assert (
        session.scalar(sa.select(sa.func.count()).select_from(LiveSession)) == 0
    )  # nothing opened
    with pytest.raises(BoardError):
        rooms.open_session(session, plenary, "u:1", "Plenaria", utcnow(), "3")
    ordered = rooms.project_meetings(session, plenary.project_id, today)
    assert [m.title for m in ordered] == ["Seconda", "Terza", "Prima"]
    live = rooms.open_session(session, plenary, "u:1", "Plenaria", utcnow(), ordered[0].id)
    assert rooms.meeting_wire(session, live) == {
        "id": ordered[0].id,
        "title": "Seconda",
        "date": "2026-03-12",
    }
    assert lab.id


def test_the_join_code_is_the_board_s_invite_or_the_project_s(session, plenary):
    now = utcnow()
    assert rooms.join_invite(session, plenary.project_id, plenary.id, now) is None
    project_wide = access.create_invite(session, plenary.project_id, None)
    access.create_invite(session, plenary.project_id, None, role=InviteRole.OBSERVER)
    session.commit()
    assert rooms.join_invite(session, plenary.project_id, plenary.id, now).id == project_wide.id
    scoped = access.create_invite(session, plenary.project_id, None, board_id=plenary.id)
    session.commit()
    found = rooms.join_invite(session, plenary.project_id, plenary.id, now)
    assert found.id == scoped.id
    wire = rooms.join_wire(found, lambda token: f"https://x/j/{token}")
    assert wire == {
        "code": access.format_join_code(scoped.code),
        "link": f"https://x/j/{scoped.token}",
    }
    access.revoke_invite(session, scoped, now)
    session.commit()
    assert rooms.join_invite(session, plenary.project_id, plenary.id, now).id == project_wide.id


# --- parsing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [{"frame": "f1"}, {"frame_id": 3}, "f1", {"frame_id": "a b"}])
def test_a_bad_seed_is_refused(bad):
    with pytest.raises(BadRequest):
        parse.seed(bad)


def test_a_seed_parses():
    assert parse.seed(None) == rooms.Seed() == parse.seed({"frame_id": None})
    assert parse.seed({"frame_id": "f1"}) == rooms.Seed("f1")


def test_people_on_the_board_when_it_opens_are_adopted(session, plenary):
    from workshop.models import RoomMember, RoomVisit

    live = opened(session, plenary, groups=())
    room = rooms.plenary_of(live)
    present = [rooms.Present("p:1", "Bea", False), rooms.Present("u:1", "Carla", True)]
    rooms.adopt(session, live, room, present, utcnow())
    rooms.adopt(session, live, room, present, utcnow())  # a second time changes nothing
    assert [m.identity for m in session.scalars(sa.select(RoomMember))] == ["p:1"]
    assert sorted(v.identity for v in session.scalars(sa.select(RoomVisit))) == ["p:1", "u:1"]


def test_a_boards_rules_name_its_room_in_the_open_session_only(session, plenary):
    """What a batch of changes checks by (rooms.room_rules_of_board): the room of the open
    session, not those of closed ones; none once every session is closed. On SQLite the room
    is found by the board's index, not by a scan of every room the deployment ever had."""
    board = plenary
    assert rooms.room_rules_of_board(session, board.id) == rooms.BoardRules(None, False)
    for _ in range(3):  # sessions held and closed before
        rooms.close_session(
            session, rooms.open_session(session, board, "u:1", "Plenaria", utcnow()), utcnow()
        )
    live = rooms.open_session(session, board, "u:1", "Plenaria", utcnow())
    rules = rooms.room_rules_of_board(session, board.id)
    assert rules.room is not None and rules.room.live_session.id == live.id
    assert rules.room.is_plenary and rules.anonymous is False
    rooms.close_session(session, live, utcnow())
    assert rooms.room_rules_of_board(session, board.id).room is None

    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        from workshop.rooms.sessions import _RULES_OF_BOARD

        sql = str(_RULES_OF_BOARD.compile(bind))
        plan = " ".join(
            str(row[-1])
            for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, (1, 1))
        )
        assert "SCAN rooms" not in plan and "ix_rooms_board_id" in plan, plan
