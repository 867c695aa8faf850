"""Socket handlers of rooms and the conductor, and the hooks the board engine's handlers call.

Handlers are thin: parse, authorise (workshop.access.policy), act (workshop.rooms.service).
Every control is refused with `forbidden` unless the socket's principal may conduct the
board's project. The engine's handlers call four hooks here: `on_join` (who may enter a
room's board, what of it they may see, attendance), `check_change` (phase rules, group
membership, private notes), `broadcast` (each change as each recipient may see it) and
`on_leave` (attendance).

Socket.IO rooms used beside the engine's `board:<id>`:
  room:<board_id>:peers     participants on a room's board (public state, filtered changes)
  room:<board_id>:conduct   conductors on it (full state, every note, names)
  live:<session_id>:conduct conductors of a session (thumbnails, signals of every room)
  who:<identity>            every socket of one person (a move reaches all their tabs)
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_socketio import join_room

from workshop import protocol as P
from workshop.access import policy
from workshop.access import service as access
from workshop.boards import ops as board_ops
from workshop.boards import service as boards
from workshop.boards.errors import BadRequest, Forbidden, NotFound, TooLarge
from workshop.boards.ops import UPDATE, Change, Op
from workshop.boards.schema import MAX_COORDINATE
from workshop.boards.state import Actor
from workshop.extensions import db, socketio
from workshop.models import Board, LiveSession, Room, RoomMember, utcnow
from workshop.realtime import calls as call_hooks
from workshop.realtime.budget import TokenBucket
from workshop.realtime.guards import NotJoined, RateLimited, flag, payload_fields, socket_event
from workshop.realtime.presence import presence
from workshop.realtime.sessions import SocketAuth, registry
from workshop.rooms import labs, rules
from workshop.rooms import service as rooms
from workshop.rooms.rules import Viewer

log = logging.getLogger(__name__)

MIN_ZOOM = 0.05  # a followed view's zoom, as the board client allows it
MAX_ZOOM = 8.0


def board_room(board_id: int) -> str:
    return f"board:{board_id}"  # the engine's room (handlers.board_room)


def peers_room(board_id: int) -> str:
    return f"room:{board_id}:peers"


def conduct_room(board_id: int) -> str:
    return f"room:{board_id}:conduct"


def live_conduct_room(session_id: int) -> str:
    return f"live:{session_id}:conduct"


def who_room(identity: str) -> str:
    return f"who:{identity}"


# --- hooks for the engine's handlers ---------------------------------------------------------------


def on_join(
    entry: SocketAuth, board: Board, state: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A socket opens a board. For a room's board: refuse another group's board to a
    participant, filter the private notes out of what they receive, put the socket in the
    rooms above and start their attendance. Returns (state, live) where live goes in the ack."""
    room = rooms.room_of_board(db.session, board.id)
    if room is None:
        return state, None
    who = entry.principal
    live = room.live_session
    conducts = policy.can_conduct_board(who, board.project_id)
    if not conducts:
        rooms.ensure_member(db.session, live, who.identity, who.display_name)
        if not rooms.may_enter(db.session, live, room, who.identity):
            db.session.commit()
            raise Forbidden("this board belongs to another group")
    viewer = Viewer(who.identity, conducts)
    state = rooms.filter_sync(db.session, board.id, rooms.privacy_of(room), viewer, state)
    join_room(who_room(who.identity))
    join_room(conduct_room(board.id) if conducts else peers_room(board.id))
    if conducts:
        join_room(live_conduct_room(live.id))
    rooms.enter(db.session, live, room, who.identity, who.display_name, utcnow())
    return state, _live_payload(room, live, board.locked, viewer)


def check_change(entry: SocketAuth, change: Change, actor: Actor) -> int | None:
    """Before a change is applied: the room's phase, the author's group and the private notes
    may refuse it. Returns the room's id (None for a board outside any live session)."""
    room = rooms.room_of_board(db.session, change.board_id)
    if room is None:
        return None
    rules.check_ops_in_phase(room.phase, change.ops, actor.may_conduct)
    if not actor.may_conduct:
        if not room.is_plenary and not rooms.may_enter(db.session, room.live_session, room, actor.identity):
            raise Forbidden("you were moved to another room")
        viewer = Viewer(actor.identity, False)
        rooms.check_hidden_ops(
            db.session, change.board_id, rooms.privacy_of(room), viewer, change.ops
        )
    return room.id


def broadcast(applied: boards.AppliedChange, sender_sid: str | None, room_id: int | None) -> None:
    """Send a committed change to the board's sockets (the sender has its ack), each receiving
    only what it may see. Runs inside the board's write lock, like the engine's broadcast."""
    wire = applied.to_wire()
    if room_id is None:
        socketio.emit(P.CHANGE_APPLIED, wire, to=board_room(applied.board_id), skip_sid=sender_sid)
        return
    _thumbnails.mark(room_id)
    # Read under the lock: private writing starts and ends under the same lock.
    room = db.session.execute(
        sa.select(Room.private_since_seq, Room.private_anonymous, Room.anonymous_windows).where(
            Room.id == room_id
        )
    ).one()
    privacy = rooms.privacy_of(_PrivacyRow(*room))
    if not privacy.active:
        socketio.emit(P.CHANGE_APPLIED, wire, to=board_room(applied.board_id), skip_sid=sender_sid)
        return
    socketio.emit(P.CHANGE_APPLIED, wire, to=conduct_room(applied.board_id), skip_sid=sender_sid)
    metas = rules.metas_from_change(wire)
    metas.update(
        rooms.item_metas(
            db.session, applied.board_id, rules.change_item_ids(wire) - set(metas), privacy
        )
    )
    # Per participant socket of this process: a socket on another process misses this seq,
    # sees the gap and re-joins, and its join is filtered the same way. Filtered and encoded
    # once per distinct view (the note's author, the others...), sent to each of its sockets.
    views: dict[tuple, tuple[Viewer, list[str]]] = {}
    for sid, _eio in list(
        socketio.server.manager.get_participants("/", peers_room(applied.board_id))
    ):
        entry = registry.get(sid)
        if sid == sender_sid or entry is None:
            continue
        viewer = Viewer(entry.principal.identity, False)
        key = rules.change_view(wire, metas, viewer, privacy)
        views.setdefault(key, (viewer, []))[1].append(sid)
    for viewer, sids in views.values():
        socketio.emit(P.CHANGE_APPLIED, rules.filter_change(wire, metas, viewer, privacy), to=sids)


@dataclass
class _PrivacyRow:
    private_since_seq: int | None
    private_anonymous: bool
    anonymous_windows: list


def on_leave(entry: SocketAuth, board_id: int) -> None:
    """A socket left a board: end the person's stay in its room when it was their last socket there."""
    identity = entry.principal.identity
    for name in (peers_room(board_id), conduct_room(board_id)):
        socketio.server.leave_room(entry.sid, name, namespace="/")
    if any(
        e.principal.identity == identity and board_id in e.boards
        for e in registry.all()
        if e.sid != entry.sid
    ):
        return
    try:
        room = rooms.room_of_board(db.session, board_id)
        if room is not None:
            rooms.leave(db.session, room, identity, utcnow())
    except Exception:  # noqa: BLE001 - attendance never stops a socket from leaving
        db.session.rollback()
        log.exception("attendance: could not close a stay on board %s", board_id)


# --- parsing and authorising ----------------------------------------------------------------------------

_budgets: dict[tuple[str, str], TokenBucket] = {}


def _take(entry: SocketAuth, kind: str = "controls") -> None:
    rate = P.FOLLOW_VIEWS_PER_SECOND if kind == "follow" else P.ROOM_EVENTS_PER_SECOND
    bucket = _budgets.setdefault((entry.sid, kind), TokenBucket(rate, rate * 2))
    if not bucket.take():
        raise RateLimited(f"at most {rate} of these a second")


def _may_conduct(entry: SocketAuth, project_id: int) -> bool:
    return policy.can_conduct_board(entry.principal, project_id)


def _conducted_live(entry: SocketAuth, payload: dict[str, Any]) -> LiveSession:
    live = rooms.get_live(db.session, payload["session_id"])
    if not _may_conduct(entry, live.project_id):
        raise Forbidden("only a conductor may do this")
    return live


def _conducted_board(entry: SocketAuth, payload: dict[str, Any]) -> Board:
    board = db.session.get(Board, board_ops.parse_board_id(payload["board_id"]))
    if board is None:
        raise NotFound("no such board", field="board_id")
    if not _may_conduct(entry, board.project_id):
        raise Forbidden("only a conductor may do this")
    return board


def _joined_room(entry: SocketAuth, payload: dict[str, Any]) -> tuple[Board, Room]:
    board_id = board_ops.parse_board_id(payload["board_id"])
    if board_id not in entry.boards:
        raise NotJoined("join the board first")
    room = rooms.room_of_board(db.session, board_id)
    if room is None:
        raise NotFound("this board has no live session", field="board_id")
    return db.session.get(Board, board_id), room


def _target_rooms(live: LiveSession, room_id: Any) -> list[Room]:
    """One room, or every room of the session when room_id is null."""
    return list(live.rooms) if room_id is None else [rooms.room_in(live, room_id)]


def _text(value: Any, name: str, max_chars: int) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be text", field=name)
    if len(value) > max_chars:
        raise TooLarge(f"{name} is longer than {max_chars} characters", field=name)
    if any((ord(c) < 32 and c not in "\n\t") or 127 <= ord(c) < 160 for c in value):
        raise BadRequest(f"{name} contains control characters", field=name)
    return value.strip()


def _view(value: Any) -> dict[str, float]:
    """A board view to follow: its centre in board units and its zoom."""
    if not isinstance(value, dict) or set(value) != {"x", "y", "zoom"}:
        raise BadRequest("view must be {x, y, zoom}", field="view")
    for key in ("x", "y", "zoom"):
        number = value[key]
        if isinstance(number, bool) or not isinstance(number, int | float) or number != number:
            raise BadRequest("view values must be numbers", field="view")
    if not (
        -MAX_COORDINATE <= value["x"] <= MAX_COORDINATE
        and -MAX_COORDINATE <= value["y"] <= MAX_COORDINATE
    ):
        raise BadRequest("view is off the board", field="view")
    if not MIN_ZOOM <= value["zoom"] <= MAX_ZOOM:
        raise BadRequest(f"zoom must be between {MIN_ZOOM} and {MAX_ZOOM}", field="view")
    return {"x": float(value["x"]), "y": float(value["y"]), "zoom": float(value["zoom"])}


def _actor(entry: SocketAuth) -> Actor:
    who = entry.principal
    return Actor(who.identity, who.display_name, may_conduct=True)


def _snapshot_names() -> rooms.SnapshotNames:
    """Automatic snapshots named in the conductor's language."""
    return rooms.SnapshotNames(
        phases={
            P.PHASE_WRITE: _("writing"),
            rooms.PRIVATE_WRITE: _("private writing"),
            P.PHASE_CLUSTER: _("clustering"),
            P.PHASE_VOTE: _("voting"),
            P.PHASE_DISCUSS: _("discussion"),
        },
        phase_end=_("End of phase: %(phase)s"),  # filled in by the rooms service
        session_end_text=_("End of live session"),
    )


def _locks() -> boards.WriteLocks:
    return current_app.extensions["workshop_write_locks"]


# --- what rooms send -------------------------------------------------------------------------------------


def _live_payload(room: Room, live: LiveSession, locked: bool, viewer: Viewer) -> dict[str, Any]:
    """The live session as one viewer sees it from one room's board."""
    signals = rooms.signals(db.session, room)
    payload = {
        "board_id": room.board_id,
        "session": rooms.session_wire(live),
        "room": rooms.room_wire(room, live, locked, utcnow()),
        "signals": _signals_wire(signals, viewer.conducts),
        "mine": rooms.my_votes(db.session, room, viewer.identity),
        "tally": rooms.tally(db.session, room)
        if viewer.conducts or rules.results_visible(room.phase)
        else None,
        "can_conduct": viewer.conducts,
    }
    if not viewer.conducts:
        member = db.session.get(RoomMember, (live.id, viewer.identity))
        payload["my_room_id"] = member.room_id if member else None
    return payload


def _signals_wire(signals: dict[str, list[str]], with_names: bool) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "hands": len(signals[P.SIGNAL_HAND]),
        "done": len(signals[P.SIGNAL_DONE]),
    }
    if with_names:
        wire["names"] = signals
    return wire


def _push_state(room: Room, live: LiveSession) -> None:
    """A control of the room changed: its board's sockets get the room's new state."""
    board = db.session.get(Board, room.board_id)
    now = utcnow()
    public = {
        "board_id": room.board_id,
        "session": rooms.session_wire(live),
        "room": rooms.room_wire(room, live, board.locked, now),
    }
    socketio.emit(P.ROOM_STATE, public, to=peers_room(room.board_id))
    socketio.emit(P.ROOM_STATE, public, to=conduct_room(room.board_id))
    socketio.emit(P.ROOM_STATE, public, to=live_conduct_room(live.id))


def _push_votes(room: Room) -> None:
    tally = rooms.tally(db.session, room)
    message = {"board_id": room.board_id, "tally": tally}
    socketio.emit(P.VOTES_CHANGED, message, to=conduct_room(room.board_id))
    if rules.results_visible(room.phase):
        socketio.emit(P.VOTES_CHANGED, message, to=peers_room(room.board_id))


def _push_signals(room: Room, live: LiveSession) -> None:
    signals = rooms.signals(db.session, room)
    socketio.emit(
        P.SIGNALS_CHANGED,
        {"board_id": room.board_id, **_signals_wire(signals, False)},
        to=peers_room(room.board_id),
    )
    named = {"board_id": room.board_id, "room_id": room.id, **_signals_wire(signals, True)}
    socketio.emit(P.SIGNALS_CHANGED, named, to=conduct_room(room.board_id))
    socketio.emit(P.SIGNALS_CHANGED, named, to=live_conduct_room(live.id))


def _tell_moved(live: LiveSession, identity: str, room: Room) -> None:
    call_hooks.on_moved(identity)  # their call ends now; the client joins the new room's call
    socketio.emit(
        P.MOVED_TO_ROOM,
        {
            "session_id": live.id,
            "room_id": room.id,
            "board_id": room.board_id,
            "name": room.name,
            "is_plenary": room.is_plenary,
        },
        to=who_room(identity),
    )


def _refresh_principals(live: LiveSession) -> None:
    """New group boards: sockets whose invite names the plenary may enter them now, not at the
    next sweep (the move that follows must not meet a stale `forbidden`)."""
    now = utcnow()
    for entry in registry.all():
        if entry.principal.invite_board_id == live.plenary_board_id:
            who = access.load_principal(db.session, entry.auth_session_id, now)
            if who is not None:
                entry.principal = who


# --- handlers: the session and its groups -----------------------------------------------------------------


@socketio.on(P.ROOM_STATE)
@socket_event
def on_room_state(entry: SocketAuth, payload: Any):
    """Sent by a client on a room's board to read the room's state (after a reconnect)."""
    payload_fields(payload, {"board_id"})
    board, room = _joined_room(entry, payload)
    viewer = Viewer(entry.principal.identity, _may_conduct(entry, board.project_id))
    return {"ok": True, "live": _live_payload(room, room.live_session, board.locked, viewer)}


@socketio.on(P.OPEN_LIVE_SESSION)
@socket_event
def on_open_live_session(entry: SocketAuth, payload: Any):
    """Sent by a conductor to run a board live (for a lab meeting, if named). Every socket on
    the board gets room_state."""
    payload_fields(payload, {"board_id"}, {"meeting_id"})
    _take(entry)
    board = _conducted_board(entry, payload)
    if (
        rooms.room_of_board(db.session, board.id) is not None
        and rooms.open_session_on(db.session, board.id) is None
    ):
        raise BadRequest("this board is a group of another live session", field="board_id")
    live = rooms.open_session(db.session, board, entry.principal.identity, _("Plenary"), utcnow())
    if "meeting_id" in payload:
        labs.attach_meeting(db.session, live, payload["meeting_id"])
        db.session.commit()
    _adopt_sockets(live, rooms.plenary_of(live), board)
    _push_state(rooms.plenary_of(live), live)
    return {"ok": True, "session": rooms.session_wire(live)}


def _adopt_sockets(live: LiveSession, room: Room, board: Board) -> None:
    """Sockets already on the board when its session opens join the session's rooms."""
    now = utcnow()
    for entry in registry.board_sockets(board.id):
        who = entry.principal
        conducts = policy.can_conduct_board(who, board.project_id)
        socketio.server.enter_room(entry.sid, who_room(who.identity), namespace="/")
        socketio.server.enter_room(
            entry.sid, conduct_room(board.id) if conducts else peers_room(board.id), namespace="/"
        )
        if conducts:
            socketio.server.enter_room(entry.sid, live_conduct_room(live.id), namespace="/")
        else:
            rooms.ensure_member(db.session, live, who.identity, who.display_name)
        rooms.enter(db.session, live, room, who.identity, who.display_name, now)
    db.session.commit()


def _everyone_back(live) -> None:
    """Everyone to the plenary, each socket told where it now belongs."""
    plenary = rooms.plenary_of(live)
    for member in rooms.all_back_to_plenary(db.session, live):
        _tell_moved(live, member.identity, plenary)


@socketio.on(P.CLOSE_LIVE_SESSION)
@socket_event
def on_close_live_session(entry: SocketAuth, payload: Any):
    """Sent by a conductor to end the session: everyone goes back to the plenary first."""
    payload_fields(payload, {"session_id"})
    _take(entry)
    live = _conducted_live(entry, payload)
    _everyone_back(live)
    rooms.close_session(
        db.session, live, utcnow(), _snapshot_names(), _locks(), closed_by=entry.principal.identity
    )
    for room in live.rooms:
        ended = {"board_id": room.board_id, "session": None, "room": None}
        for name in (peers_room(room.board_id), conduct_room(room.board_id)):
            socketio.emit(P.ROOM_STATE, ended, to=name)
    return {"ok": True}


@socketio.on(P.CREATE_GROUPS)
@socket_event
def on_create_groups(entry: SocketAuth, payload: Any):
    """Sent by a conductor: new group rooms, by number or by names, each on its own board."""
    payload_fields(payload, {"session_id"}, {"count", "names"})
    _take(entry)
    live = _conducted_live(entry, payload)
    if ("count" in payload) == ("names" in payload):
        raise BadRequest("give either count or names")
    existing = len(rooms.groups_of(live))
    if "count" in payload:
        count = payload["count"]
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= P.MAX_GROUPS:
            raise BadRequest(f"count must be 1 to {P.MAX_GROUPS}", field="count")
        names = [_("Group %(number)s", number=existing + i + 1) for i in range(count)]
    else:
        raw = payload["names"]
        if not isinstance(raw, list) or not 1 <= len(raw) <= P.MAX_GROUPS:
            raise BadRequest(f"names must list 1 to {P.MAX_GROUPS} names", field="names")
        names = [_text(n, "names", P.MAX_ROOM_NAME_CHARS) for n in raw]
        if not all(names):
            raise BadRequest("a group needs a name", field="names")
    created = rooms.create_groups(
        db.session,
        live,
        names,
        _actor(entry),
        _locks(),
        after_commit=lambda applied: broadcast(applied, None, None),
    )
    _refresh_principals(live)
    for room in live.rooms:
        _push_state(room, live)
    return {"ok": True, "session": rooms.session_wire(live), "created": [r.id for r in created]}


@socketio.on(P.ASSIGN_GROUPS)
@socket_event
def on_assign_groups(entry: SocketAuth, payload: Any):
    """Sent by a conductor: everyone into groups at random (balanced), or let them choose, or
    (mode "hand") stop choosing and move people one by one."""
    payload_fields(payload, {"session_id", "mode"})
    _take(entry)
    live = _conducted_live(entry, payload)
    mode = payload["mode"]
    if mode == "random":
        plan = rooms.assign_random(db.session, live, random.Random())
        by_id = {r.id: r for r in live.rooms}
        for identity, room_id in plan.items():
            _tell_moved(live, identity, by_id[room_id])
    elif mode in ("choice", "hand"):
        if not rooms.groups_of(live):
            raise BadRequest("create groups first")
        live.choosing = mode == "choice"
        db.session.commit()
    else:
        raise BadRequest("mode must be random, choice or hand", field="mode")
    for room in live.rooms:
        _push_state(room, live)
    return {"ok": True, "members": _members_wire(live)}


def _members_wire(live: LiveSession) -> list[dict[str, Any]]:
    return [
        {"identity": m.identity, "name": m.name, "room_id": m.room_id}
        for m in rooms.members(db.session, live)
    ]


@socketio.on(P.MOVE_TO_ROOM)
@socket_event
def on_move_to_room(entry: SocketAuth, payload: Any):
    """Sent by a conductor to move one person; their open sockets get moved_to_room."""
    payload_fields(payload, {"session_id", "identity", "room_id"})
    _take(entry)
    live = _conducted_live(entry, payload)
    member, room = rooms.move(db.session, live, payload["identity"], payload["room_id"])
    _tell_moved(live, member.identity, room)
    return {"ok": True, "members": _members_wire(live)}


@socketio.on(P.BACK_TO_PLENARY)
@socket_event
def on_back_to_plenary(entry: SocketAuth, payload: Any):
    """Sent by a conductor: everyone back to the plenary."""
    payload_fields(payload, {"session_id"})
    _take(entry)
    live = _conducted_live(entry, payload)
    _everyone_back(live)
    for room in live.rooms:
        _push_state(room, live)
    return {"ok": True, "members": _members_wire(live)}


@socketio.on(P.CHOOSE_ROOM)
@socket_event
def on_choose_room(entry: SocketAuth, payload: Any):
    """Sent by a participant picking a group while the conductor lets them choose."""
    payload_fields(payload, {"session_id", "room_id"})
    _take(entry)
    live = rooms.get_live(db.session, payload["session_id"])
    who = entry.principal
    if not policy.can_edit_board(who, live.project_id, live.plenary_board_id):
        raise Forbidden("you are not a participant of this session")
    if not live.choosing:
        raise Forbidden("the conductor assigns the groups")
    rooms.ensure_member(db.session, live, who.identity, who.display_name)
    member, room = rooms.move(db.session, live, who.identity, payload["room_id"])
    _tell_moved(live, member.identity, room)
    return {"ok": True, "room_id": room.id, "board_id": room.board_id}


# --- handlers: the controls -----------------------------------------------------------------------------------


@socketio.on(P.SET_TIMER)
@socket_event
def on_set_timer(entry: SocketAuth, payload: Any):
    """Sent by a conductor: start, pause or reset the timer of one room or of all rooms."""
    payload_fields(payload, {"session_id", "room_id", "action"}, {"duration_s"})
    _take(entry)
    live = _conducted_live(entry, payload)
    duration_ms = None
    if "duration_s" in payload:
        seconds = payload["duration_s"]
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int)
            or not 1 <= seconds <= P.MAX_TIMER_S
        ):
            raise BadRequest(f"duration_s must be 1 to {P.MAX_TIMER_S} seconds", field="duration_s")
        duration_ms = seconds * 1000
    targets = _target_rooms(live, payload["room_id"])
    now = utcnow()
    for room in targets:
        rooms.set_timer(room, payload["action"], duration_ms, now)
    db.session.commit()
    for room in targets:
        _push_state(room, live)
    return {"ok": True, "timer": rooms.timer_of(targets[0]).to_wire(now)}


@socketio.on(P.SEND_ROOM_MESSAGE)
@socket_event
def on_send_room_message(entry: SocketAuth, payload: Any):
    """Sent by a conductor: a message to one room or to all (empty text takes it down)."""
    payload_fields(payload, {"session_id", "room_id", "text"})
    _take(entry)
    live = _conducted_live(entry, payload)
    text = _text(payload["text"], "text", P.MAX_ROOM_MESSAGE_CHARS)
    targets = _target_rooms(live, payload["room_id"])
    now = utcnow()
    for room in targets:
        room.message, room.message_at = text, (now if text else None)
    db.session.commit()
    for room in targets:
        if text:
            socketio.emit(
                P.ROOM_MESSAGE,
                {"board_id": room.board_id, "text": text, "at": int(now.timestamp() * 1000)},
                to=board_room(room.board_id),
            )
        _push_state(room, live)
    return {"ok": True}


@socketio.on(P.SET_FOLLOW)
@socket_event
def on_set_follow(entry: SocketAuth, payload: Any):
    """Sent by a conductor: participants' views follow theirs (they can step out), or stop."""
    payload_fields(payload, {"session_id", "room_id", "on"}, {"view"})
    _take(entry)
    live = _conducted_live(entry, payload)
    on = flag(payload["on"], "on")
    view = _view(payload["view"]) if "view" in payload else None
    targets = _target_rooms(live, payload["room_id"])
    for room in targets:
        room.follow_identity = entry.principal.identity if on else None
        room.follow_view = view if on else None
    db.session.commit()
    for room in targets:
        _push_state(room, live)
    return {"ok": True}


@socketio.on(P.FOLLOW_VIEW)
@socket_event
def on_follow_view(entry: SocketAuth, payload: Any):
    """Sent by a followed conductor as their view moves (at most FOLLOW_VIEWS_PER_SECOND)."""
    payload_fields(payload, {"session_id", "view"})
    _take(entry, "follow")
    live = _conducted_live(entry, payload)
    view = _view(payload["view"])
    followed = [r for r in live.rooms if r.follow_identity == entry.principal.identity]
    for room in followed:
        room.follow_view = view
    db.session.commit()
    for room in followed:
        socketio.emit(
            P.VIEW_FOLLOWED, {"board_id": room.board_id, "view": view}, to=peers_room(room.board_id)
        )
    return {"ok": True, "rooms": len(followed)}


@socketio.on(P.SUMMON)
@socket_event
def on_summon(entry: SocketAuth, payload: Any):
    """Sent by a conductor: bring everyone in one room (or all rooms) to this view now."""
    payload_fields(payload, {"session_id", "room_id", "view"})
    _take(entry)
    live = _conducted_live(entry, payload)
    view = _view(payload["view"])
    for room in _target_rooms(live, payload["room_id"]):
        socketio.emit(
            P.SUMMONED, {"board_id": room.board_id, "view": view}, to=peers_room(room.board_id)
        )
    return {"ok": True}


@socketio.on(P.LOCK_BOARD)
@socket_event
def on_lock_board(entry: SocketAuth, payload: Any):
    """Sent by a conductor: participants can no longer change the board (or can again)."""
    payload_fields(payload, {"board_id", "locked"})
    _take(entry)
    board = _conducted_board(entry, payload)
    locked = flag(payload["locked"], "locked")
    # Under the board's lock: a change already past its check commits before the lock shows.
    with _locks().board(board.id):
        db.session.execute(sa.update(Board).where(Board.id == board.id).values(locked=locked))
        db.session.commit()
    db.session.refresh(board)
    room = rooms.room_of_board(db.session, board.id)
    if room is not None:
        _push_state(room, room.live_session)
    else:
        socketio.emit(
            P.ROOM_STATE,
            {"board_id": board.id, "session": None, "room": None, "locked": locked},
            to=board_room(board.id),
        )
    return {"ok": True, "locked": locked}


@socketio.on(P.LOCK_FRAME)
@socket_event
def on_lock_frame(entry: SocketAuth, payload: Any):
    """Sent by a conductor: lock or unlock one frame (a zone of the board), as a board change."""
    payload_fields(payload, {"board_id", "item_id", "locked"})
    _take(entry)
    board = _conducted_board(entry, payload)
    locked = flag(payload["locked"], "locked")
    item = rooms._live_item(db.session, board.id, payload["item_id"])
    if item.type != "frame":
        raise BadRequest("only a frame is locked this way", field="item_id")
    change = Change(
        board.id,
        f"lock:{rooms._new_id()}",
        rooms.TEMPLATE_CLIENT_ID,
        (Op(UPDATE, item.item_id, fields={"locked": locked}),),
    )
    room = rooms.room_of_board(db.session, board.id)
    room_id = room.id if room else None
    applied = boards.apply_change(
        db.session,
        change,
        _actor(entry),
        _locks(),
        after_commit=lambda a: broadcast(a, None, room_id),
    )
    return {"ok": True, "seq": applied.seq}


@socketio.on(P.START_PRIVATE_WRITING)
@socket_event
def on_start_private_writing(entry: SocketAuth, payload: Any):
    """Sent by a conductor: from now on each participant sees only their own new notes."""
    payload_fields(payload, {"board_id", "anonymous"})
    _take(entry)
    board = _conducted_board(entry, payload)
    anonymous = flag(payload["anonymous"], "anonymous")
    room = rooms.room_of_board(db.session, board.id)
    if room is None:
        raise NotFound("open a live session on this board first", field="board_id")
    since = rooms.start_private_writing(db.session, room, anonymous, _locks())
    _push_state(room, room.live_session)
    return {"ok": True, "since_seq": since}


@socketio.on(P.REVEAL_NOTES)
@socket_event
def on_reveal_notes(entry: SocketAuth, payload: Any):
    """Sent by a conductor: everyone's private notes become visible; clients re-join."""
    payload_fields(payload, {"board_id"})
    _take(entry)
    board = _conducted_board(entry, payload)
    room = rooms.room_of_board(db.session, board.id)
    if room is None or room.private_since_seq is None:
        raise BadRequest("this board is not in private writing", field="board_id")
    rooms.reveal(db.session, room, _locks())
    _push_state(room, room.live_session)
    socketio.emit(P.NOTES_REVEALED, {"board_id": board.id}, to=peers_room(board.id))
    return {"ok": True}


@socketio.on(P.SET_PHASE)
@socket_event
def on_set_phase(entry: SocketAuth, payload: Any):
    """Sent by a conductor: the phase (write, cluster, vote, discuss, or none) of one room or all."""
    payload_fields(payload, {"session_id", "room_id", "phase"}, {"votes_per_person"})
    _take(entry)
    live = _conducted_live(entry, payload)
    phase = payload["phase"]
    if phase is not None and phase not in P.PHASES:
        raise BadRequest("phase must be one of " + ", ".join(P.PHASES), field="phase")
    votes = payload.get("votes_per_person")
    if votes is not None and (
        isinstance(votes, bool)
        or not isinstance(votes, int)
        or not 1 <= votes <= P.MAX_VOTES_PER_PERSON
    ):
        raise BadRequest(
            f"votes_per_person must be 1 to {P.MAX_VOTES_PER_PERSON}", field="votes_per_person"
        )
    targets = _target_rooms(live, payload["room_id"])
    rooms.set_phase(
        db.session, live, targets, phase, votes, entry.principal.identity, _snapshot_names(), _locks()
    )
    for room in targets:
        _push_state(room, live)
        _push_votes(room)
        _push_signals(room, live)
    return {"ok": True}


# --- handlers: what participants do ---------------------------------------------------------------------------


@socketio.on(P.CAST_VOTE)
@socket_event
def on_cast_vote(entry: SocketAuth, payload: Any):
    """Sent by anyone on a room's board during the vote phase: one dot on an item."""
    payload_fields(payload, {"board_id", "item_id"})
    _take(entry)
    board, room = _joined_room(entry, payload)
    who = entry.principal
    if not policy.can_edit_board(who, board.project_id, board.id):
        raise Forbidden("observers do not vote")
    viewer = Viewer(who.identity, _may_conduct(entry, board.project_id))
    rooms.cast_vote(db.session, room, viewer, payload["item_id"])
    _push_votes(room)
    return _my_votes_ack(room, who.identity)


@socketio.on(P.RETRACT_VOTE)
@socket_event
def on_retract_vote(entry: SocketAuth, payload: Any):
    """Sent by a voter taking one of their dots back."""
    payload_fields(payload, {"board_id", "item_id"})
    _take(entry)
    _board, room = _joined_room(entry, payload)
    rooms.retract_vote(db.session, room, entry.principal.identity, payload["item_id"])
    _push_votes(room)
    return _my_votes_ack(room, entry.principal.identity)


def _my_votes_ack(room: Room, identity: str) -> dict[str, Any]:
    mine = rooms.my_votes(db.session, room, identity)
    return {"ok": True, "mine": mine, "left": room.votes_per_person - sum(mine.values())}


@socketio.on(P.RAISE_SIGNAL)
@socket_event
def on_raise_signal(entry: SocketAuth, payload: Any):
    """Sent by anyone on a room's board: raise or lower a hand, or say "I'm done"."""
    payload_fields(payload, {"board_id", "kind", "on"})
    _take(entry)
    _board, room = _joined_room(entry, payload)
    who = entry.principal
    rooms.set_signal(
        db.session, room, who.identity, who.display_name, payload["kind"], payload["on"]
    )
    _push_signals(room, room.live_session)
    return {"ok": True}


# --- handlers: the conductor's overview, harvest, attendance -------------------------------------------------------


@socketio.on(P.ROOM_OVERVIEW)
@socket_event
def on_room_overview(entry: SocketAuth, payload: Any):
    """Sent by a conductor: every room at a glance (members, who is on it, signals, thumbnail).
    The socket then gets thumbnail_changed as groups work."""
    payload_fields(payload, {"session_id"})
    _take(entry)
    live = _conducted_live(entry, payload)
    join_room(live_conduct_room(live.id))
    members = rooms.members(db.session, live)
    now = utcnow()
    overview = []
    for room in live.rooms:
        board = db.session.get(Board, room.board_id)
        overview.append(
            {
                **rooms.room_wire(room, live, board.locked, now),
                "members": [
                    {"identity": m.identity, "name": m.name}
                    for m in members
                    if m.room_id == room.id
                ],
                "present": [p.to_wire()["name"] for p in presence.peers(room.board_id)],
                "signals": _signals_wire(rooms.signals(db.session, room), True),
                "tally": rooms.tally(db.session, room),
                "items": rooms.thumbnail(db.session, room.board_id),
            }
        )
    return {"ok": True, "session": rooms.session_wire(live), "rooms": overview}


@socketio.on(P.HARVEST)
@socket_event
def on_harvest(entry: SocketAuth, payload: Any):
    """Sent by a conductor: copy chosen group items into the plenary, in a frame per group."""
    payload_fields(payload, {"session_id", "items"})
    _take(entry)
    live = _conducted_live(entry, payload)
    raw = payload["items"]
    if not isinstance(raw, list) or not 1 <= len(raw) <= P.MAX_HARVEST_ITEMS:
        raise BadRequest(f"items must list 1 to {P.MAX_HARVEST_ITEMS} items", field="items")
    picks = []
    for pick in raw:
        if not isinstance(pick, dict) or set(pick) != {"board_id", "item_id"}:
            raise BadRequest("each item is {board_id, item_id}", field="items")
        picks.append((board_ops.parse_board_id(pick["board_id"]), pick["item_id"]))
    plenary = rooms.plenary_of(live)
    done = rooms.harvest(
        db.session,
        live,
        picks,
        _actor(entry),
        _locks(),
        after_commit=lambda applied: broadcast(applied, None, plenary.id),
    )
    return {
        "ok": True,
        "board_id": plenary.board_id,
        "changes": [
            {"room_id": h.room.id, "seq": h.applied.seq, "created": h.created} for h in done
        ],
    }


@socketio.on(P.ATTENDANCE)
@socket_event
def on_attendance(entry: SocketAuth, payload: Any):
    """Sent by an organizer: who was in which room, when, and what they contributed and voted."""
    payload_fields(payload, {"session_id"})
    _take(entry)
    if not isinstance(payload["session_id"], int) or isinstance(payload["session_id"], bool):
        raise BadRequest("session_id must be a whole number", field="session_id")
    live = db.session.get(LiveSession, payload["session_id"])
    if live is None:
        raise NotFound("no such live session", field="session_id")
    if not policy.can_see_attendance(entry.principal, live.project_id):
        raise Forbidden("attendance is for organizers")
    return {"ok": True, "rows": rooms.attendance(db.session, live, utcnow())}


# --- thumbnails ---------------------------------------------------------------------------------------------------


class _Thumbnails:
    """Rooms whose boards changed since the last flush; one thumbnail per room per interval."""

    def __init__(self) -> None:
        self._dirty: set[int] = set()
        self._lock = threading.Lock()
        self._started = False

    def mark(self, room_id: int) -> None:
        with self._lock:
            self._dirty.add(room_id)
            if self._started:
                return
            self._started = True
        socketio.start_background_task(self._flush_forever, current_app._get_current_object())

    def take(self) -> set[int]:
        with self._lock:
            taken, self._dirty = self._dirty, set()
            return taken

    def _flush_forever(self, app) -> None:
        while True:
            socketio.sleep(P.THUMBNAIL_INTERVAL_MS / 1000)
            dirty = self.take()
            if not dirty:
                continue
            with app.app_context():
                try:
                    flush_thumbnails(dirty)
                except Exception:  # noqa: BLE001 - a failed thumbnail must not stop the next ones
                    log.exception("thumbnail flush failed")
                finally:
                    db.session.remove()
            # Budgets of sockets that are gone.
            live_sids = {e.sid for e in registry.all()}
            for key in [k for k in _budgets if k[0] not in live_sids]:
                _budgets.pop(key, None)


def flush_thumbnails(room_ids: set[int]) -> None:
    for room in db.session.scalars(sa.select(Room).where(Room.id.in_(room_ids))):
        socketio.emit(
            P.THUMBNAIL_CHANGED,
            {
                "session_id": room.live_session_id,
                "room_id": room.id,
                "board_id": room.board_id,
                "items": rooms.thumbnail(db.session, room.board_id),
            },
            to=live_conduct_room(room.live_session_id),
        )


_thumbnails = _Thumbnails()
