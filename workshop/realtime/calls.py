"""Socket handlers of calls: camera and microphone between the people of a room (docs/calls.md).

Thin: parse, authorise (the board joined, the room's members, workshop.access.policy for the
conductor's controls), act (workshop.calls.rules). The server never touches media: it forwards
the WebRTC signalling (SDP descriptions and ICE candidates) between two peers of one call, and
only then. Moves between rooms end the person's call here (`on_moved`, called by the rooms'
move path); their client joins the new room's call once it has joined the new board.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from redis.exceptions import RedisError

from workshop import protocol as P
from workshop.access import policy
from workshop.boards import ops as board_ops
from workshop.boards.errors import BoardError, Forbidden
from workshop.calls import rules
from workshop.calls import settings as call_settings
from workshop.calls.rules import CallRefused, CallRegistry, Peer
from workshop.calls.shared_registry import REFRESH_EVERY_S, SharedCallRegistry
from workshop.extensions import db, socketio
from workshop.models import Board, RoomMember
from workshop.realtime.budget import TokenBucket
from workshop.realtime.guards import NotJoined, RateLimited, flag, payload_fields, socket_event
from workshop.realtime.sessions import SocketAuth
from workshop.rooms import service as rooms

log = logging.getLogger(__name__)

calls = CallRegistry()  # one process's calls; with Redis, realtime.init_app shares them
_budgets: dict[str, TokenBucket] = {}


def _calls() -> CallRegistry | SharedCallRegistry:
    return current_app.extensions.get("workshop_calls", calls)


def _refused(error: CallRefused) -> BoardError:
    return BoardError(error.message, code=error.code, field=error.field)


def _take(entry: SocketAuth) -> None:
    rate = P.CALL_SIGNALS_PER_SECOND
    bucket = _budgets.setdefault(entry.sid, TokenBucket(rate, rate * 2))
    if not bucket.take():
        raise RateLimited(f"at most {rate} call events a second")


def _settings():
    return current_app.config["CALLS"]


def _mode(call: rules.Call) -> str:
    settings = _settings()
    return rules.mode_for(
        len(call.peers), call.is_plenary, settings.mesh_limit, settings.sfu_url is not None
    )


def _external_url(board_id: int) -> str | None:
    template = _settings().sfu_url
    if template is None:
        return None
    return call_settings.external_room_url(template, current_app.config["SECRET_KEY"], board_id)


def _my_peer(entry: SocketAuth, payload: dict[str, Any]) -> Peer:
    board_id = board_ops.parse_board_id(payload["board_id"])
    peer = _calls().of_sid(entry.sid)
    if peer is None or peer.board_id != board_id:
        raise NotJoined("join this board's call first")
    return peer


def _room_check(entry: SocketAuth, board: Board) -> tuple[bool, bool]:
    """May this socket be in the board's call now? Returns (conducts, is_plenary). A participant
    is in exactly one room of a live session: the one they were put in (the plenary until then)."""
    conducts = policy.can_conduct_board(entry.principal, board.project_id)
    room = rooms.room_of_board(db.session, board.id)
    if room is None:
        return conducts, False
    if not conducts:
        member = db.session.get(RoomMember, (room.live_session_id, entry.principal.identity))
        current = member.room_id if member is not None else rooms.plenary_of(room.live_session).id
        if current != room.id:
            raise Forbidden("you are in another room now")
    return conducts, room.is_plenary


def _announce_mode(call: rules.Call, before: str | None) -> None:
    mode = _mode(call)
    if mode != before:
        message = {"board_id": call.board_id, "mode": mode, "floor": sorted(call.floor)}
        for peer in list(call.peers.values()):
            socketio.emit(P.CALL_MODE, message, to=peer.sid)


def _left(peer: Peer, reason: str | None = None) -> None:
    """Tell the rest of the call that peer left (and the peer itself why, when it did not ask)."""
    call = _calls().call(peer.board_id)
    if call is not None:
        for other in list(call.peers.values()):
            socketio.emit(
                P.CALL_PEER_LEFT, {"board_id": peer.board_id, "peer_id": peer.peer_id}, to=other.sid
            )
        before = rules.mode_for(
            len(call.peers) + 1,
            call.is_plenary,
            _settings().mesh_limit,
            _settings().sfu_url is not None,
        )
        _announce_mode(call, before)
    if reason is not None:
        socketio.emit(P.CALL_ENDED, {"board_id": peer.board_id, "reason": reason}, to=peer.sid)


# --- hooks ------------------------------------------------------------------------------------------


def on_moved(identity: str) -> None:
    """The rooms moved this person: every socket of theirs (on any process) leaves its call at
    once (the server does not wait for the client), and is told to join its new room's call."""
    with _redis_may_fail("a move"):
        for sid in _calls().sids_of(identity):
            peer = _calls().leave(sid)
            if peer is not None:
                _left(peer, "moved")


def on_board_left(sid: str, board_id: int) -> None:
    """The socket left a board (or closed): it leaves that board's call too."""
    _budgets.pop(sid, None)
    with _redis_may_fail("leaving a board"):
        peer = _calls().of_sid(sid)
        if peer is not None and peer.board_id == board_id:
            _calls().leave(sid)
            _left(peer)


@contextmanager
def _redis_may_fail(what: str) -> Iterator[None]:
    """A hook of the board's own paths (a move, a leave, a disconnect) must not fail because
    the shared call registry is unreachable: the board goes on, the entries expire by
    themselves (shared_registry.PEER_TTL_S)."""
    try:
        yield
    except RedisError as error:
        log.warning("call registry unavailable during %s: %s", what, error)


def refresh_forever(app) -> None:
    """The shared registry's heartbeat: this process's peers stay in their calls while it lives."""
    while True:
        socketio.sleep(REFRESH_EVERY_S)
        with app.app_context(), _redis_may_fail("the calls' heartbeat"):
            _calls().refresh()


# --- handlers -----------------------------------------------------------------------------------------


@socketio.on(P.CALL_JOIN)
@socket_event
def on_call_join(entry: SocketAuth, payload: Any):
    """Sent by a client on a joined board to enter its call. Everyone there gets call_peer_joined."""
    payload_fields(payload, {"board_id", "cam", "mic"})
    board_id = board_ops.parse_board_id(payload["board_id"])
    cam, mic = flag(payload["cam"], "cam"), flag(payload["mic"], "mic")
    if board_id not in entry.boards:
        raise NotJoined("join the board first")
    conducts, is_plenary = _room_check(entry, db.session.get(Board, board_id))
    who = entry.principal
    existing = _calls().call(board_id)
    before = _mode(existing) if existing is not None else None
    peer, call, previous = _calls().join(
        entry.sid, who.identity, who.display_name, conducts, board_id, is_plenary
    )
    if previous is not None:
        _left(previous)
    peer.cam, peer.mic = cam, mic
    _calls().update_peer(peer)
    wire = peer.wire(call.floor)
    for other in list(call.peers.values()):
        if other.peer_id != peer.peer_id:
            socketio.emit(P.CALL_PEER_JOINED, {"board_id": board_id, "peer": wire}, to=other.sid)
    if before is not None:
        _announce_mode(call, before)
    return {
        "ok": True,
        "peer_id": peer.peer_id,
        "mode": _mode(call),
        "sfu_url": _external_url(board_id),
        "peers": [p.wire(call.floor) for p in call.peers.values() if p.peer_id != peer.peer_id],
        "floor": sorted(call.floor),
    }


@socketio.on(P.CALL_LEAVE)
@socket_event
def on_call_leave(entry: SocketAuth, payload: Any):
    """Sent by a client hanging up. The others get call_peer_left."""
    payload_fields(payload, {"board_id"})
    peer = _my_peer(entry, payload)
    on_board_left(entry.sid, peer.board_id)
    return {"ok": True}


@socketio.on(P.CALL_SIGNAL)
@socket_event
def on_call_signal(entry: SocketAuth, payload: Any):
    """Sent by a client to one peer of its call: an SDP description or an ICE candidate."""
    payload_fields(payload, {"board_id", "to"}, {"description", "candidate"})
    _take(entry)
    peer = _my_peer(entry, payload)
    try:
        rules.check_signal(
            rules.wire_size(payload),
            P.MAX_CALL_SIGNAL_BYTES,
            payload.get("description"),
            payload.get("candidate"),
        )
        target = _calls().target(peer, payload["to"])
    except CallRefused as error:
        raise _refused(error) from None
    call = _calls().call(peer.board_id)
    if not rules.may_connect(peer, target, _mode(call), call.floor):
        raise Forbidden("neither of you sends media in this call now", field="to")
    message = {"board_id": peer.board_id, "from": peer.peer_id}
    for key in ("description", "candidate"):
        if key in payload:
            message[key] = payload[key]
    socketio.emit(P.CALL_SIGNALLED, message, to=target.sid)
    return {"ok": True}


@socketio.on(P.CALL_MEDIA)
@socket_event
def on_call_media(entry: SocketAuth, payload: Any):
    """Sent by a client when its camera, microphone or speaking changes."""
    payload_fields(payload, {"board_id", "cam", "mic", "speaking"})
    _take(entry)
    peer = _my_peer(entry, payload)
    peer.cam, peer.mic, peer.speaking = (flag(payload[n], n) for n in ("cam", "mic", "speaking"))
    _calls().update_peer(peer)
    _push_peer(peer)
    return {"ok": True}


def _push_peer(peer: Peer) -> None:
    call = _calls().call(peer.board_id)
    message = {"board_id": peer.board_id, "peer": peer.wire(call.floor)}
    for other in list(call.peers.values()):
        socketio.emit(P.CALL_MEDIA_CHANGED, message, to=other.sid)


def _conducting(entry: SocketAuth, payload: dict[str, Any]) -> Peer:
    peer = _my_peer(entry, payload)
    board = db.session.get(Board, peer.board_id)
    if not policy.can_conduct_board(entry.principal, board.project_id):
        raise Forbidden("only a conductor may do this")
    return peer


@socketio.on(P.CALL_MUTE_ALL)
@socket_event
def on_call_mute_all(entry: SocketAuth, payload: Any):
    """Sent by a conductor: every participant of the call gets call_muted."""
    payload_fields(payload, {"board_id"})
    _take(entry)
    peer = _conducting(entry, payload)
    muted = [p for p in _calls().call(peer.board_id).peers.values() if not p.conducts]
    for other in muted:
        socketio.emit(P.CALL_MUTED, {"board_id": peer.board_id}, to=other.sid)
    return {"ok": True, "muted": len(muted)}


@socketio.on(P.CALL_FLOOR)
@socket_event
def on_call_floor(entry: SocketAuth, payload: Any):
    """Sent by a conductor to give a participant the floor (or take it back): in broadcast
    mode they then send camera and microphone to everyone."""
    payload_fields(payload, {"board_id", "peer_id", "on"})
    _take(entry)
    peer = _conducting(entry, payload)
    on = flag(payload["on"], "on")
    try:
        target = _calls().target(peer, payload["peer_id"])
    except CallRefused as error:
        raise _refused(error) from None
    _calls().set_floor(peer.board_id, target.peer_id, on)
    call = _calls().call(peer.board_id)
    message = {"board_id": call.board_id, "mode": _mode(call), "floor": sorted(call.floor)}
    for other in list(call.peers.values()):
        socketio.emit(P.CALL_MODE, message, to=other.sid)
    _push_peer(target)
    return {"ok": True, "floor": sorted(call.floor)}
