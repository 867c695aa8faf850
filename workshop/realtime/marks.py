"""Socket handlers of decisions and dissent (docs/verbale.md): a conductor marks a card of a
room's board, or writes in the decision log of the session. Thin: parse, authorise, call
workshop.meetings.marks, push the room's state (its cards' marks) to everyone on the board."""

from __future__ import annotations

from typing import Any

from workshop import protocol as P
from workshop.boards.errors import Forbidden
from workshop.extensions import db
from workshop.meetings import marks
from workshop.models import Board, LiveSession, Room
from workshop.realtime.room_guards import control, may_conduct, room_event
from workshop.realtime.room_push import push_state
from workshop.realtime.sessions import SocketAuth
from workshop.rooms import service as rooms
from workshop.rooms.rules import Viewer


def _entries(live: LiveSession) -> list[dict[str, Any]]:
    return [marks.mark_wire(m) for m in marks.session_marks(db.session, [live.id])]


def _conductor(entry: SocketAuth) -> Viewer:
    return Viewer(entry.principal.identity, True)


@room_event(P.MARK_CARD, {"board_id", "item_id", "kind"})
def on_mark_card(entry: SocketAuth, payload: Any, target: tuple[Board, Room]):
    """Sent by a conductor on a room's board: this card is a decision, a minority position, or
    (kind null) no longer marked. Everyone on the board sees the card's chip."""
    board, room = target
    if not may_conduct(entry, board.project_id):
        raise Forbidden("only a conductor marks decisions")
    who = entry.principal
    marks.mark_card(
        db.session,
        room,
        rooms.privacy_of(room),
        _conductor(entry),
        who.display_name,
        payload["item_id"],
        payload["kind"],
    )
    push_state(room, room.live_session)
    return {"ok": True, "entries": _entries(room.live_session)}


@control(P.LOG_DECISION, {"session_id", "kind", "text"})
def on_log_decision(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor: a decision, a minority position or a next step, in words."""
    who = entry.principal
    marks.log_entry(
        db.session, live, _conductor(entry), who.display_name, payload["kind"], payload["text"]
    )
    return {"ok": True, "entries": _entries(live)}


@control(P.REMOVE_MARK, {"session_id", "mark_id"})
def on_remove_mark(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor taking back an entry of the log, or a card's mark."""
    marks.remove_mark(db.session, live, _conductor(entry), payload["mark_id"])
    for room in live.rooms:
        push_state(room, live)
    return {"ok": True, "entries": _entries(live)}


@control(P.DECISION_LOG, {"session_id"})
def on_decision_log(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor's panel: the session's decisions, dissent and next steps so far."""
    return {"ok": True, "entries": _entries(live)}
