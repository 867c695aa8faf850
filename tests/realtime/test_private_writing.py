"""Private writing and anonymity on the session boards, over in-process sockets: every item a
participant writes (typed cards, their typed links and labels, text, shapes, connectors, frames)
stays with its author and the conductors until the reveal, in every channel; an anonymous
round's authors stay hidden from participants for good; the conductor still sees everything."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.sockets import csrf_token, delete, update
from workshop import protocol as P
from workshop.extensions import db, socketio
from workshop.models import AnonymousItem, Board, BoardKind


def ok(ack):
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def code(ack):
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    return ack["error"]["code"]


def text_of(messages) -> str:
    return repr(messages)


def create(item_id: str, item_type: str, **fields) -> dict:
    return {"op": "create", "id": item_id, "type": item_type, "fields": fields}


def board_of(cast, kind: BoardKind) -> int:
    project_id = db.session.get(Board, cast.board).project_id
    return db.session.scalar(
        sa.select(Board.id).where(Board.project_id == project_id, Board.kind == kind)
    )


# What one participant writes on each session board: a typed card, a typed link with its label
# to the conductor's card, free text, a shape, a connector with a label, a frame. `mark` is in
# every text, so a leak of any of them shows in a message.
def problem_tree(prefix: str, mark: str, anchor: str) -> list[dict]:
    return [
        create(f"{prefix}card", "problem", text=f"{mark} causa", role="cause"),
        create(
            f"{prefix}link",
            "causal_link",
            **{"from": f"{prefix}card", "to": anchor, "label": f"{mark} porta a"},
        ),
        create(f"{prefix}text", "text", text=f"{mark} testo"),
        create(f"{prefix}shape", "shape", text=f"{mark} forma"),
        create(
            f"{prefix}conn",
            "connector",
            **{"from": f"{prefix}shape", "to": anchor, "label": f"{mark} nota"},
        ),
        create(f"{prefix}frame", "frame", title=f"{mark} cornice"),
        create(f"{prefix}note", "sticky", text=f"{mark} nota adesiva"),
    ]


def stakeholder_map(prefix: str, mark: str, anchor: str) -> list[dict]:
    return [
        create(f"{prefix}card", "actor", name=f"{mark} attore"),
        create(
            f"{prefix}link",
            "relation",
            **{"from": f"{prefix}card", "to": anchor, "note": f"{mark} rapporto"},
        ),
        create(f"{prefix}text", "text", text=f"{mark} testo"),
        create(f"{prefix}shape", "shape", text=f"{mark} forma"),
    ]


def theory_of_change(prefix: str, mark: str, anchor: str) -> list[dict]:
    return [
        create(f"{prefix}card", "outcome", text=f"{mark} risultato"),
        create(
            f"{prefix}link",
            "toc_link",
            **{"from": f"{prefix}card", "to": anchor, "rationale": f"{mark} perché"},
        ),
        create(f"{prefix}text", "text", text=f"{mark} testo"),
    ]


BOARDS = {
    BoardKind.CONTEXT: (
        create("anchor", "problem", text="Problema centrale", role="core"),
        problem_tree,
    ),
    BoardKind.STAKEHOLDERS: (create("anchor", "actor", name="Comune"), stakeholder_map),
    BoardKind.THEORY_OF_CHANGE: (
        create("anchor", "outcome", text="Obiettivo", is_goal=True),
        theory_of_change,
    ),
}


class Meeting:
    """A conductor running a live session on one session board, with Bea and Dario on it."""

    def __init__(self, clients, cast, kind: BoardKind = BoardKind.CONTEXT):
        self.cast = cast
        self.board = board_of(cast, kind)
        anchor, self.writes = BOARDS[kind]
        self.conductor = clients.as_user(cast.conductor, "carlo")
        self.bea = clients.as_participant(cast.invite_a, "Bea")
        self.dario = clients.as_participant(cast.invite_a, "Dario")
        ok(self.conductor.join(self.board))
        ok(self.conductor.apply(self.board, [anchor]))
        self.session_id = ok(self.conductor.emit(P.OPEN_LIVE_SESSION, {"board_id": self.board}))[
            "session"
        ]["id"]
        ok(self.bea.join(self.board))
        ok(self.dario.join(self.board))
        self.quiet()

    def quiet(self):
        for c in (self.conductor, self.bea, self.dario):
            c.received()

    def private(self, anonymous: bool):
        ok(
            self.conductor.emit(
                P.START_PRIVATE_WRITING, {"board_id": self.board, "anonymous": anonymous}
            )
        )
        self.quiet()

    def reveal(self):
        ok(self.conductor.emit(P.REVEAL_NOTES, {"board_id": self.board}))
        self.quiet()

    def close(self):
        ok(self.conductor.emit(P.CLOSE_LIVE_SESSION, {"session_id": self.session_id}))
        self.quiet()


@pytest.fixture
def meeting(clients, cast):
    return Meeting(clients, cast)


# --- nothing leaks before the reveal --------------------------------------------------------------


@pytest.mark.parametrize("kind", list(BOARDS), ids=lambda k: k.value)
def test_every_item_a_participant_writes_stays_private_until_the_reveal(clients, cast, kind):
    m = Meeting(clients, cast, kind)
    m.private(anonymous=False)
    ok(m.bea.apply(m.board, m.writes("b-", "BEA", "anchor")))
    ok(m.dario.apply(m.board, m.writes("d-", "DARIO", "anchor")))
    ok(m.bea.apply(m.board, [update("b-text", text="BEA testo rivisto", x=40)]))

    # Live broadcasts: the seqs arrive (no gap), without the other's items or their ids.
    dario_got = m.dario.received(P.CHANGE_APPLIED)
    assert [c["seq"] for c in dario_got] == [2, 4]
    assert "BEA" not in text_of(dario_got) and "b-" not in text_of(dario_got)
    assert all(c["ops"] == [] and c["author"] == {"id": "", "name": ""} for c in dario_got)
    assert "DARIO" not in text_of(m.bea.received(P.CHANGE_APPLIED))
    # The conductor receives everything, with the names.
    seen = m.conductor.received(P.CHANGE_APPLIED)
    assert "BEA testo rivisto" in text_of(seen) and "DARIO" in text_of(seen)
    assert seen[0]["author"]["name"] == "Bea"

    # Join snapshots and deltas, for Dario and for a late joiner.
    for ack in (
        m.dario.join(m.board),
        m.dario.join(m.board, since_seq=0),
        m.dario.join(m.board, since_seq=2),
    ):
        assert "BEA" not in text_of(ok(ack)) and "b-" not in text_of(ack)
    assert "DARIO testo" in text_of(m.dario.join(m.board))
    late = clients.as_participant(cast.invite_a, "Ettore")
    assert "BEA" not in text_of(ok(late.join(m.board))) and "DARIO" not in text_of(
        late.join(m.board)
    )
    # An observer neither.
    observer = clients.as_participant(cast.observer_invite_a, "Oscar")
    assert "BEA" not in text_of(ok(observer.join(m.board)))
    conductor_view = ok(m.conductor.join(m.board))
    assert {"b-card", "b-link", "b-text", "d-card"} <= {i["id"] for i in conductor_view["items"]}

    m.reveal()
    revealed = ok(m.dario.join(m.board))
    ids = {i["id"] for i in revealed["items"]}
    assert {op["id"] for op in m.writes("b-", "", "")} <= ids
    card = next(i for i in revealed["items"] if i["id"] == "b-card")
    assert card["created_by"] == m.bea.entry.principal.identity  # not anonymous: named


def test_a_participant_cannot_point_at_a_hidden_item_nor_tell_it_from_a_missing_one(meeting):
    m = meeting
    m.private(anonymous=False)
    ok(m.bea.apply(m.board, m.writes("b-", "BEA", "anchor")))
    ok(
        m.dario.apply(
            m.board,
            [create("d-card", "problem", text="mia", role="cause"), create("d-shape", "shape")],
        )
    )

    def both(make):
        """Dario's answer for a hidden target and for an id that exists nowhere."""
        return m.dario.apply(m.board, make("b-card")), m.dario.apply(m.board, make("nowhere0000"))

    cases = [
        lambda t: [create("d-link", "causal_link", **{"from": "d-card", "to": t})],  # a typed link
        lambda t: [create("d-conn", "connector", **{"from": "d-shape", "to": t, "label": "x"})],
        lambda t: [create("d-obj", "objective", text="o", source_problem=t)],  # a card's reference
        lambda t: [update(t, text="tocco")],
        lambda t: [delete(t)],
        lambda t: [{"op": "restore", "id": t}],
    ]
    for make in cases:
        hidden, missing = both(make)
        assert code(hidden) in (P.INVALID_OP, P.NOT_FOUND)
        assert hidden == missing, (hidden, missing)
    # Re-pointing an existing link of his at a hidden card: refused the same way.
    ok(
        m.dario.apply(
            m.board, [create("d-conn2", "connector", **{"from": "d-shape", "to": "anchor"})]
        )
    )
    hidden, missing = both(lambda t: [update("d-conn2", to=t)])
    assert code(hidden) == P.INVALID_OP and hidden == missing
    # A create with a hidden item's id gets the answer of any id already taken.
    taken_hidden = m.dario.apply(m.board, [create("b-card", "problem", text="x")])
    taken_visible = m.dario.apply(m.board, [create("anchor", "problem", text="x")])
    assert code(taken_hidden) == P.ITEM_EXISTS and taken_hidden == taken_visible
    # Nothing of Dario's attempts reached the board.
    items = {i["id"] for i in ok(m.conductor.join(m.board))["items"]}
    assert not {"d-link", "d-conn", "d-obj"} & items


def test_a_delete_does_not_tell_its_author_about_the_hidden_items_it_took_along(meeting):
    m = meeting
    m.private(anonymous=False)
    ok(
        m.bea.apply(m.board, m.writes("b-", "BEA", "anchor"))
    )  # her link and connector end at the anchor
    ack = ok(m.dario.apply(m.board, [delete("anchor")]))
    assert [op["id"] for op in ack["ops"]] == ["anchor"]
    assert "b-" not in text_of(ack)
    conductor_got = m.conductor.received(P.CHANGE_APPLIED)[-1]
    assert {"anchor", "b-link", "b-conn"} <= {op["id"] for op in conductor_got["ops"]}
    assert "b-" not in text_of(m.dario.received(P.CHANGE_APPLIED))


def test_a_participants_canvas_action_waits_for_the_reveal(meeting):
    m = meeting
    m.private(anonymous=False)
    ok(m.bea.apply(m.board, m.writes("b-", "BEA", "anchor")))
    request = {
        "board_id": m.board,
        "change_id": "act-1",
        "client_id": "dario",
        "action": "layout_problem_tree",
        "args": {},
    }
    refused = m.dario.emit(P.RUN_ACTION, request)
    assert code(refused) == P.PHASE_FORBIDS and "b-" not in text_of(refused)
    m.reveal()
    ok(m.dario.emit(P.RUN_ACTION, {**request, "change_id": "act-2"}))


# --- anonymity holds for good ---------------------------------------------------------------------


def _anonymous(item) -> bool:
    return item["created_by"] == "" and item["fields"].get("author", "") == ""


def test_after_an_anonymous_reveal_the_authors_own_edit_stays_anonymous(meeting):
    m = meeting
    m.private(anonymous=True)
    ok(m.bea.apply(m.board, m.writes("b-", "BEA", "anchor")))
    m.reveal()
    edit = ok(
        m.bea.apply(
            m.board,
            [update("b-card", text="BEA causa rivista"), update("b-note", text="BEA rivista")],
        )
    )
    (change,) = m.dario.received(P.CHANGE_APPLIED)
    assert change["seq"] == edit["seq"] and "BEA causa rivista" in text_of(change)
    assert change["author"] == {"id": "", "name": ""}
    assert "Bea" not in text_of(change)
    # ...in a delta and a snapshot too; the conductor still sees who.
    assert "Bea" not in text_of(ok(m.dario.join(m.board, since_seq=0))["changes"])
    items = {i["id"]: i for i in ok(m.dario.join(m.board))["items"]}
    assert all(_anonymous(items[op["id"]]) for op in m.writes("b-", "", ""))
    assert m.conductor.received(P.CHANGE_APPLIED)[-1]["author"]["name"] == "Bea"
    # Bea sees her own name.
    mine = {i["id"]: i for i in ok(m.bea.join(m.board))["items"]}
    assert mine["b-note"]["fields"]["author"] == "Bea"
    # A change of hers that touches nothing anonymous is hers as usual.
    ok(m.bea.apply(m.board, [create("b-later", "text", text="firmato")]))
    assert m.dario.received(P.CHANGE_APPLIED)[-1]["author"]["name"] == "Bea"


@pytest.mark.parametrize("reveal_first", [True, False], ids=["revealed", "closed-while-private"])
def test_anonymity_outlives_the_live_session(meeting, clients, cast, reveal_first):
    m = meeting
    m.private(anonymous=True)
    ok(m.bea.apply(m.board, m.writes("b-", "BEA", "anchor")))
    if reveal_first:
        m.reveal()
    m.close()
    marked = set(
        db.session.scalars(
            sa.select(AnonymousItem.item_id).where(AnonymousItem.board_id == m.board)
        )
    )
    assert marked == {op["id"] for op in m.writes("b-", "", "")}

    for viewer in (
        m.dario,
        clients.as_participant(cast.invite_a, "Ettore"),
        clients.as_participant(cast.observer_invite_a, "Oscar"),
    ):
        snapshot = ok(viewer.join(m.board))
        items = {i["id"]: i for i in snapshot["items"]}
        assert "BEA causa" in text_of(snapshot)  # revealed, by the reveal or by the close
        assert all(_anonymous(items[i]) for i in marked)
        assert "Bea" not in text_of(snapshot["items"])  # (her presence on the board is no secret)
        assert "Bea" not in text_of(ok(viewer.join(m.board, since_seq=0))["changes"])
    # Her edits after the session: still anonymous to the others.
    m.dario.received()
    ok(m.bea.apply(m.board, [update("b-card", text="dopo")]))
    (change,) = m.dario.received(P.CHANGE_APPLIED)
    assert change["author"] == {"id": "", "name": ""}
    # The project's managers see the authors.
    managed = {i["id"]: i for i in ok(m.conductor.join(m.board))["items"]}
    assert managed["b-note"]["fields"]["author"] == "Bea"
    assert managed["b-card"]["created_by"] == m.bea.entry.principal.identity
    assert m.conductor.received(P.CHANGE_APPLIED)[-1]["author"]["name"] == "Bea"


def test_what_participants_reach_never_names_an_anonymous_author_and_managers_see_it(
    meeting, cast, clients
):
    """Search, history and files are for the project's managers (access.policy.can_review_board),
    who see the authors; participants and observers reach none of them."""
    m = meeting
    m.private(anonymous=True)
    ok(m.bea.apply(m.board, m.writes("b-", "BEA", "anchor")))
    m.reveal()
    m.close()
    pages = [
        f"/boards/{m.board}/history",
        f"/boards/{m.board}/export.json",
        f"/boards/{m.board}/items-problem.csv",
        "/search?q=causa",
    ]
    for person in (m.dario, clients.as_participant(cast.observer_invite_a, "Oscar")):
        for page in pages:
            response = person.http.get(page)
            assert response.status_code in (302, 403, 404), (page, response.status_code)
            assert "Bea" not in response.get_data(as_text=True) and "BEA" not in response.get_data(
                as_text=True
            )
    exported = m.conductor.http.get(f"/boards/{m.board}/export.json")
    assert exported.status_code == 200 and "Bea" in exported.get_data(as_text=True)


# --- access ---------------------------------------------------------------------------------------


def _socket_rooms(client) -> list[str]:
    return [r for r in socketio.server.manager.get_rooms(client.sid, "/") if r]


def test_a_conductor_removed_from_the_project_stops_receiving_conductor_events_at_once(
    meeting, clients, cast
):
    m = meeting
    groups = ok(m.conductor.emit(P.CREATE_GROUPS, {"session_id": m.session_id, "count": 2}))
    group = next(r for r in groups["session"]["rooms"] if not r["is_plenary"])
    assert f"live:{m.session_id}:conduct" in _socket_rooms(m.conductor)
    organizer = clients.as_user(cast.organizer, "olga")
    project_id = db.session.get(Board, m.board).project_id
    conductor_id = int(m.conductor.entry.principal.user_id)
    ok(organizer.join(m.board))
    ok(organizer.join(group["board_id"]))
    m.quiet()
    response = organizer.http.post(
        f"/projects/{project_id}/conductors/{conductor_id}/remove",
        data={"csrf_token": csrf_token(organizer.app, organizer.http)},
    )
    assert response.status_code == 302
    # At once: the re-check runs on the removal, not at the next periodic sweep.
    assert m.conductor.wait_for(lambda: m.conductor.received(P.BOARD_ACCESS_LOST), timeout_s=3)
    assert not [r for r in _socket_rooms(m.conductor) if r.endswith(":conduct")]
    m.conductor.received()
    # Raised hands with names, room state, thumbnails: none reaches the removed conductor.
    ok(m.bea.emit(P.RAISE_SIGNAL, {"board_id": m.board, "kind": P.SIGNAL_HAND, "on": True}))
    ok(
        organizer.emit(
            P.SEND_ROOM_MESSAGE, {"session_id": m.session_id, "room_id": None, "text": "Pausa"}
        )
    )
    ok(organizer.apply(group["board_id"], [create("g1", "problem", text="x")]))
    assert organizer.wait_for(lambda: organizer.received(P.THUMBNAIL_CHANGED), timeout_s=3)
    heard = m.conductor.received()
    assert heard == [], heard


def test_watch_is_refused_to_a_socket_without_a_joined_board_of_the_project(clients, cast):
    bea = clients.as_participant(cast.invite_a, "Bea")
    assert code(bea.join(cast.board_a2, watch=True)) == P.FORBIDDEN
    assert bea.rooms() == []
    ok(bea.join(cast.board))
    ack = ok(bea.join(cast.board_a2, watch=True))  # the board client's own use
    assert ack["me"] is None
    # A watched board does not open a third one.
    other = clients.as_participant(cast.invite_a, "Dario")
    assert code(other.join(cast.board_a2, watch=True)) == P.FORBIDDEN
    # Leaving the joined board: the next watch is refused again.
    third = board_of(cast, BoardKind.THEORY_OF_CHANGE)
    ok(bea.leave(cast.board))
    assert code(bea.join(third, watch=True)) == P.FORBIDDEN
    # A conductor too needs a board of the project joined first.
    carlo = clients.as_user(cast.conductor, "carlo")
    assert code(carlo.join(cast.board, watch=True)) == P.FORBIDDEN
    ok(carlo.join(cast.board_a2))
    ok(carlo.join(cast.board, watch=True))
    assert db.session.get(Board, cast.board) is not None


def test_the_social_report_a_participant_reads_leaves_out_what_is_still_private(clients, cast):
    """The report page is open to the project's participants (and by a public link to anyone):
    it is drawn from the session boards, so it must not show items still private."""
    m = Meeting(clients, cast, BoardKind.THEORY_OF_CHANGE)
    m.private(anonymous=False)
    ok(m.bea.apply(m.board, [create("b-act", "intervention", text="BEA intervento segreto")]))
    report = board_of(cast, BoardKind.SOCIAL_REPORTING)
    for person in (m.dario, clients.as_participant(cast.observer_invite_a, "Oscar")):
        page = person.http.get(f"/boards/{report}/report")
        assert page.status_code == 200
        assert "BEA intervento segreto" not in page.get_data(as_text=True)
    assert "BEA intervento segreto" in m.conductor.http.get(f"/boards/{report}/report").get_data(
        as_text=True
    )
    m.reveal()
    assert "BEA intervento segreto" in m.dario.http.get(f"/boards/{report}/report").get_data(
        as_text=True
    )


def test_a_private_actors_positions_are_not_found_for_the_other_participants(clients, cast):
    m = Meeting(clients, cast, BoardKind.STAKEHOLDERS)
    m.private(anonymous=False)
    ok(m.bea.apply(m.board, [create("b-actor", "actor", name="BEA attore")]))
    project_id = db.session.get(Board, m.board).project_id
    page = f"/projects/{project_id}/actors/b-actor/positions.json"
    assert m.dario.http.get(page).status_code == 404
    assert (
        m.dario.http.get(f"/projects/{project_id}/actors/nowhere/positions.json").status_code == 404
    )
    assert m.bea.http.get(page).status_code == 200
    assert m.conductor.http.get(page).status_code == 200
    m.reveal()
    assert m.dario.http.get(page).status_code == 200


def test_a_card_on_another_board_cannot_point_at_an_actor_still_private(clients, cast):
    """A ToC outcome's population names actors of the stakeholder board: one still private
    there is refused as a missing one, to whoever may not see it."""
    m = Meeting(clients, cast, BoardKind.STAKEHOLDERS)
    m.private(anonymous=False)
    ok(m.bea.apply(m.board, [create("b-actor", "actor", name="BEA attore")]))
    theory = board_of(cast, BoardKind.THEORY_OF_CHANGE)
    for person in (m.dario, m.bea, m.conductor):
        ok(person.join(theory))
    hidden = m.dario.apply(theory, [create("d-out", "outcome", text="x", population=["b-actor"])])
    missing = m.dario.apply(theory, [create("d-out", "outcome", text="x", population=["nowhere"])])
    assert code(hidden) == P.INVALID_OP and hidden == missing
    ok(m.bea.apply(theory, [create("b-out", "outcome", text="mio", population=["b-actor"])]))
    ok(m.conductor.apply(theory, [create("c-out", "outcome", text="suo", population=["b-actor"])]))
    m.reveal()
    ok(m.dario.apply(theory, [create("d-out", "outcome", text="x", population=["b-actor"])]))


# --- the reveal lays the notes out --------------------------------------------------------------


def placed(board_id: int) -> dict[str, tuple]:
    from workshop.boards.service import live_items

    db.session.rollback()
    return {
        i["id"]: tuple(i["fields"][k] for k in ("x", "y", "w", "h"))
        for i in live_items(db.session, board_id)
        if "x" in i["fields"]
    }


def overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


SPOT = {"x": 400, "y": 300, "w": 200, "h": 120}  # the middle of everyone's first view


def write_on_one_spot(meeting) -> None:
    """Bea and Dario each put a problem in the free place nearest the middle of their view,
    which is the same place: neither sees the other's card."""
    for person, name in ((meeting.bea, "bea"), (meeting.dario, "dario")):
        card = create(f"{name}-card", "problem", text=f"{name} scrive", role="cause", **SPOT)
        ok(person.apply(meeting.board, [card]))


def test_the_reveal_moves_apart_the_cards_written_on_one_spot(meeting):
    meeting.private(anonymous=False)
    write_on_one_spot(meeting)
    before = placed(meeting.board)
    assert before["bea-card"] == before["dario-card"]
    meeting.reveal()
    after = placed(meeting.board)
    assert after["bea-card"] == before["bea-card"]  # the first written keeps its place
    assert not overlap(after["bea-card"], after["dario-card"])
    assert {k: v for k, v in after.items() if k != "dario-card"} == {
        k: v for k, v in before.items() if k != "dario-card"
    }  # nothing else moved
    # Dario's board, joined again after the reveal, holds both where they now are.
    items = {i["id"]: i for i in ok(meeting.dario.join(meeting.board))["items"]}
    assert (items["dario-card"]["fields"]["x"], items["dario-card"]["fields"]["y"]) == after[
        "dario-card"
    ][:2]
    assert "bea-card" in items


def test_a_reveal_whose_layout_is_refused_still_reveals(meeting, monkeypatch):
    """The layout is a change of its own after the reveal: refused (here, as if the board had
    reached a limit), the cards stay where they are and everyone sees them all the same."""
    from workshop.boards.errors import LimitReached
    from workshop.rooms import spread

    def refused(*_args, **_kwargs):
        raise LimitReached("too many changes")

    meeting.private(anonymous=False)
    write_on_one_spot(meeting)
    before = placed(meeting.board)
    monkeypatch.setattr(spread.boards, "apply_change", refused)  # the engine's, for the reveal
    meeting.reveal()
    assert placed(meeting.board) == before
    items = {i["id"] for i in ok(meeting.dario.join(meeting.board))["items"]}
    assert {"bea-card", "dario-card"} <= items  # revealed all the same


def test_a_conductor_who_locked_the_board_still_gets_the_cards_laid_out(meeting):
    """A lock keeps participants' hands off the board, not the conductor's: the reveal is theirs."""
    meeting.private(anonymous=False)
    write_on_one_spot(meeting)
    ok(meeting.conductor.emit(P.LOCK_BOARD, {"board_id": meeting.board, "locked": True}))
    meeting.reveal()
    after = placed(meeting.board)
    assert not overlap(after["bea-card"], after["dario-card"])


def test_closing_the_session_during_private_writing_lays_the_cards_out_too(meeting):
    meeting.private(anonymous=False)
    write_on_one_spot(meeting)
    meeting.close()
    after = placed(meeting.board)
    assert not overlap(after["bea-card"], after["dario-card"])
