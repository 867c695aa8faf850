"""The shape every rooms handler shares, written once: the payload's keys, the socket's rate
budget, then the target the event names, authorised (a session or a board the socket may
conduct, or a room's board it joined). Handlers registered with `control` or `room_event` get
(entry, payload, target) and only act."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from workshop import protocol as P
from workshop.access import policy
from workshop.boards import ops as board_ops
from workshop.boards.errors import Forbidden, NotFound
from workshop.extensions import db, socketio
from workshop.models import Board, LiveSession, Room
from workshop.realtime.budget import TokenBucket
from workshop.realtime.guards import NotJoined, RateLimited, payload_fields, socket_event
from workshop.realtime.sessions import SocketAuth, registry
from workshop.rooms import service as rooms

_budgets: dict[tuple[str, str], TokenBucket] = {}


def take(entry: SocketAuth, kind: str = "controls") -> None:
    rate = P.FOLLOW_VIEWS_PER_SECOND if kind == "follow" else P.ROOM_EVENTS_PER_SECOND
    bucket = _budgets.setdefault((entry.sid, kind), TokenBucket(rate, rate * 2))
    if not bucket.take():
        raise RateLimited(f"at most {rate} of these a second")


def drop_stale_budgets() -> None:
    """Budgets of sockets that are gone (run after each thumbnail flush)."""
    live_sids = {e.sid for e in registry.all()}
    for key in [k for k in _budgets if k[0] not in live_sids]:
        _budgets.pop(key, None)


def may_conduct(entry: SocketAuth, project_id: int) -> bool:
    return policy.can_conduct_board(entry.principal, project_id)


def _conducted_live(entry: SocketAuth, payload: dict[str, Any]) -> LiveSession:
    live = rooms.get_live(db.session, payload["session_id"])
    if not may_conduct(entry, live.project_id):
        raise Forbidden("only a conductor may do this")
    return live


def _conducted_board(entry: SocketAuth, payload: dict[str, Any]) -> Board:
    board = db.session.get(Board, board_ops.parse_board_id(payload["board_id"]))
    if board is None:
        raise NotFound("no such board", field="board_id")
    if not may_conduct(entry, board.project_id):
        raise Forbidden("only a conductor may do this")
    return board


def joined_room(entry: SocketAuth, payload: dict[str, Any]) -> tuple[Board, Room]:
    board_id = board_ops.parse_board_id(payload["board_id"])
    if board_id not in entry.boards:
        raise NotJoined("join the board first")
    room = rooms.room_of_board(db.session, board_id)
    if room is None:
        raise NotFound("this board has no live session", field="board_id")
    return db.session.get(Board, board_id), room


_SCOPES: dict[str, Callable[[SocketAuth, dict[str, Any]], Any]] = {
    "session": _conducted_live,  # payload.session_id: a session the socket conducts
    "board": _conducted_board,  # payload.board_id: a board of a project the socket conducts
    "room": joined_room,  # payload.board_id: a room's board the socket joined -> (board, room)
}


def _event(event: str, required: set[str], optional: set[str], scope: str, budget: str | None):
    """Register a handler for `event`: the payload's shape, the socket's rate budget, then the
    target the scope names and authorises; the handler gets (entry, payload, target)."""

    def register(handler):
        @wraps(handler)
        def shaped(entry: SocketAuth, payload: Any):
            payload_fields(payload, required, optional)
            if budget is not None:
                take(entry, budget)
            return handler(entry, payload, _SCOPES[scope](entry, payload))

        socketio.on(event)(socket_event(shaped))
        return shaped

    return register


def control(
    event: str,
    required: set[str],
    optional: set[str] = frozenset(),
    *,
    on="session",
    budget="controls",
):
    """A conductor's control, on a session (`session_id`) or on a board (`board_id`)."""
    return _event(event, required, optional, on, budget)


def room_event(event: str, required: set[str], budget: str | None = "controls"):
    """Something anyone on a room's board does (vote, signal, read the state)."""
    return _event(event, required, frozenset(), "room", budget)
