"""Socket handlers of rooms and the conductor.

Handlers are thin: parse (workshop.rooms.parse), authorise (workshop.access.policy), act
(workshop.rooms.service), then push (workshop.realtime.room_push). Every control is refused
with `forbidden` unless the socket's principal may conduct the board's project; the shape they
share is written once, in `control` and `room_event`. The hooks that the board engine's
handlers call are in workshop.realtime.room_hooks; the Socket.IO rooms used are listed in
workshop.realtime.room_push.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_socketio import join_room

from workshop import protocol as P
from workshop.access import policy
from workshop.boards import service as boards
from workshop.boards.errors import BadRequest, Forbidden, NotFound
from workshop.boards.state import Actor
from workshop.extensions import db, socketio
from workshop.models import Board, LiveSession, Room, utcnow
from workshop.realtime.guards import flag, payload_fields, socket_event
from workshop.realtime.room_guards import control, drop_stale_budgets, room_event
from workshop.realtime.room_guards import may_conduct as _may_conduct
from workshop.realtime.room_guards import take as _take
from workshop.realtime.room_hooks import broadcast
from workshop.realtime.room_push import (  # noqa: F401 - the rooms' names, re-exported
    adopt_sockets,
    board_room,
    conduct_room,
    flush_thumbnails,
    live_conduct_room,
    members_wire,
    overview_wire,
    peers_room,
    push_board_state,
    push_ended,
    push_signals,
    push_state,
    push_votes,
    refresh_principals,
    session_state,
    signals_wire,
    tell_moved,
    who_room,
)
from workshop.realtime.room_push import live_payload as _live_payload
from workshop.realtime.room_push import thumbnails as _thumbnails
from workshop.realtime.sessions import SocketAuth
from workshop.rooms import parse
from workshop.rooms import service as rooms
from workshop.rooms.rules import Viewer

log = logging.getLogger(__name__)

# --- what handlers share ---------------------------------------------------------------------------

_thumbnails.on_flush = drop_stale_budgets


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


def _broadcast_to_room_of(live: LiveSession) -> Callable[[boards.AppliedChange], None]:
    """after_commit for a server change on any board of the session."""
    room_ids = {r.board_id: r.id for r in live.rooms}
    return lambda applied: broadcast(applied, None, room_ids.get(applied.board_id))


def _push_all(live: LiveSession) -> None:
    for room in live.rooms:
        push_state(room, live)


def _tell_all_moved(live: LiveSession, moved: list[rooms.Moved]) -> None:
    for one in moved:
        tell_moved(live, one)


# --- handlers: the session and its groups ----------------------------------------------------


@room_event(P.ROOM_STATE, {"board_id"}, budget=None)
def on_room_state(entry: SocketAuth, payload: Any, target: tuple[Board, Room]):
    """Sent by a client on a room's board to read the room's state (after a reconnect)."""
    board, room = target
    viewer = Viewer(entry.principal.identity, _may_conduct(entry, board.project_id))
    return {"ok": True, "live": _live_payload(room, room.live_session, board.locked, viewer)}


@control(P.OPEN_LIVE_SESSION, {"board_id"}, {"meeting_id"}, on="board")
def on_open_live_session(entry: SocketAuth, payload: Any, board: Board):
    """Sent by a conductor to run a board live (for a lab meeting of the project, if named).
    Every socket on the board gets room_state."""
    who, meeting_id = entry.principal.identity, payload.get("meeting_id")
    live = rooms.open_session(db.session, board, who, _("Plenary"), utcnow(), meeting_id)
    adopt_sockets(live, rooms.plenary_of(live), board)
    push_state(rooms.plenary_of(live), live)
    return {"ok": True, "session": rooms.session_wire(live, rooms.meeting_wire(db.session, live))}


@control(P.CLOSE_LIVE_SESSION, {"session_id"}, {"keep_locks"})
def on_close_live_session(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor to end the session: everyone goes back to the plenary first; the
    locks set during the session end with it unless keep_locks is true."""
    keep = flag(payload.get("keep_locks", False), "keep_locks")
    _tell_all_moved(live, rooms.all_back_to_plenary(db.session, live))
    rooms.close_session(
        db.session,
        live,
        utcnow(),
        _snapshot_names(),
        _locks(),
        closed_by=entry.principal.identity,
        keep_locks=keep,
        actor=_actor(entry),
        after_commit=_broadcast_to_room_of(live),
    )
    for room in live.rooms:
        push_ended(room.board_id)
    return {"ok": True}


@control(P.CREATE_GROUPS, {"session_id"}, {"count", "names", "seed"})
def on_create_groups(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor: new group rooms, by number or by names, each on its own board that
    starts with the plenary's frames and texts, and the items of the `seed` frame if named."""
    names = parse.group_names(
        payload, len(rooms.groups_of(live)), lambda n: _("Group %(number)s", number=n)
    )
    created = rooms.create_groups(
        db.session,
        live,
        names,
        _actor(entry),
        _locks(),
        after_commit=lambda applied: broadcast(applied, None, None),
        seed=parse.seed(payload.get("seed")),
    )
    refresh_principals(live)
    _push_all(live)
    return {"ok": True, "session": rooms.session_wire(live), "created": [r.id for r in created]}


@control(P.ASSIGN_GROUPS, {"session_id", "mode"})
def on_assign_groups(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor: everyone into groups at random (balanced), or let them choose, or
    (mode "hand") stop choosing and move people one by one."""
    mode = payload["mode"]
    if mode == "random":
        _tell_all_moved(live, rooms.assign_random(db.session, live, random.Random()))
    elif mode in ("choice", "hand"):
        rooms.set_choosing(db.session, live, mode == "choice")
    else:
        raise BadRequest("mode must be random, choice or hand", field="mode")
    _push_all(live)
    return {"ok": True, "members": members_wire(live)}


@control(P.MOVE_TO_ROOM, {"session_id", "identity", "room_id"})
def on_move_to_room(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor to move one person; their open sockets get moved_to_room."""
    tell_moved(live, rooms.move(db.session, live, payload["identity"], payload["room_id"]))
    return {"ok": True, "members": members_wire(live)}


@control(P.BACK_TO_PLENARY, {"session_id"})
def on_back_to_plenary(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor: everyone back to the plenary."""
    _tell_all_moved(live, rooms.all_back_to_plenary(db.session, live))
    _push_all(live)
    return {"ok": True, "members": members_wire(live)}


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
    moved = rooms.choose(db.session, live, who.identity, who.display_name, payload["room_id"])
    tell_moved(live, moved)
    return {"ok": True, "room_id": moved.to_room.id, "board_id": moved.to_room.board_id}


# --- handlers: the controls --------------------------------------------------------------------


@control(P.SET_TIMER, {"session_id", "room_id", "action"}, {"duration_s"})
def on_set_timer(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor: start, pause or reset the timer of one room or of all rooms."""
    duration_ms = parse.duration_ms(payload)
    targets = rooms.target_rooms(live, payload["room_id"])
    now = utcnow()
    rooms.set_timers(db.session, targets, payload["action"], duration_ms, now)
    for room in targets:
        push_state(room, live)
    return {"ok": True, "timer": rooms.timer_of(targets[0]).to_wire(now)}


@control(P.SEND_ROOM_MESSAGE, {"session_id", "room_id", "text"})
def on_send_room_message(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor: a message to one room or to all (empty text takes it down)."""
    text = parse.text(payload["text"], "text", P.MAX_ROOM_MESSAGE_CHARS)
    targets = rooms.target_rooms(live, payload["room_id"])
    now = utcnow()
    rooms.set_message(db.session, targets, text, now)
    for room in targets:
        if text:
            message = {"board_id": room.board_id, "text": text, "at": int(now.timestamp() * 1000)}
            socketio.emit(P.ROOM_MESSAGE, message, to=board_room(room.board_id))
        push_state(room, live)
    return {"ok": True}


@control(P.SET_FOLLOW, {"session_id", "room_id", "on"}, {"view"})
def on_set_follow(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor: participants' views follow theirs (they can step out), or stop."""
    on = flag(payload["on"], "on")
    view = parse.view(payload["view"]) if "view" in payload else None
    targets = rooms.target_rooms(live, payload["room_id"])
    rooms.set_follow(db.session, targets, entry.principal.identity, on, view)
    for room in targets:
        push_state(room, live)
    return {"ok": True}


@control(P.FOLLOW_VIEW, {"session_id", "view"}, budget="follow")
def on_follow_view(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a followed conductor as their view moves (at most FOLLOW_VIEWS_PER_SECOND)."""
    view = parse.view(payload["view"])
    followed = rooms.move_followed_view(db.session, live, entry.principal.identity, view)
    for room in followed:
        socketio.emit(
            P.VIEW_FOLLOWED, {"board_id": room.board_id, "view": view}, to=peers_room(room.board_id)
        )
    return {"ok": True, "rooms": len(followed)}


@control(P.SUMMON, {"session_id", "room_id", "view"})
def on_summon(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor: bring everyone in one room (or all rooms) to this view now."""
    view = parse.view(payload["view"])
    for room in rooms.target_rooms(live, payload["room_id"]):
        socketio.emit(
            P.SUMMONED, {"board_id": room.board_id, "view": view}, to=peers_room(room.board_id)
        )
    return {"ok": True}


@control(P.LOCK_BOARD, {"board_id", "locked"}, on="board")
def on_lock_board(entry: SocketAuth, payload: Any, board: Board):
    """Sent by a conductor: participants can no longer change the board (or can again), in or
    out of a live session."""
    locked = flag(payload["locked"], "locked")
    room = rooms.room_of_board(db.session, board.id)
    rooms.lock_board(db.session, board, locked, room, _locks())
    if room is not None:
        push_state(room, room.live_session)
    else:
        push_board_state(board)
    return {"ok": True, "locked": locked}


@control(P.LOCK_FRAME, {"board_id", "item_id", "locked"}, on="board")
def on_lock_frame(entry: SocketAuth, payload: Any, board: Board):
    """Sent by a conductor: lock or unlock one frame (a zone of the board), as a board change."""
    locked = flag(payload["locked"], "locked")
    room = rooms.room_of_board(db.session, board.id)
    room_id = room.id if room else None
    applied = rooms.lock_frame(
        db.session,
        board,
        payload["item_id"],
        locked,
        room,
        _actor(entry),
        _locks(),
        after_commit=lambda a: broadcast(a, None, room_id),
    )
    room = rooms.room_of_board(db.session, board.id)
    if room is not None:
        push_state(room, room.live_session)
    else:
        push_board_state(board)
    return {"ok": True, "seq": applied.seq}


@control(P.START_PRIVATE_WRITING, {"board_id", "anonymous"}, on="board")
def on_start_private_writing(entry: SocketAuth, payload: Any, board: Board):
    """Sent by a conductor: from now on each participant sees only their own new notes."""
    anonymous = flag(payload["anonymous"], "anonymous")
    room = rooms.room_of_board(db.session, board.id)
    if room is None:
        raise NotFound("open a live session on this board first", field="board_id")
    since = rooms.start_private_writing(db.session, room, anonymous, _locks())
    push_state(room, room.live_session)
    return {"ok": True, "since_seq": since}


@control(P.REVEAL_NOTES, {"board_id"}, on="board")
def on_reveal_notes(entry: SocketAuth, payload: Any, board: Board):
    """Sent by a conductor: everyone's private notes become visible, moved off one another
    where they lie in a pile (rooms.spread); clients re-join."""
    room = rooms.room_of_board(db.session, board.id)
    if room is None or room.private_since_seq is None:
        raise BadRequest("this board is not in private writing", field="board_id")
    room_id = room.id
    since = rooms.reveal(db.session, room, _locks())
    rooms.spread_revealed(
        db.session,
        board.id,
        since,
        _actor(entry),
        _locks(),
        after_commit=lambda applied: broadcast(applied, None, room_id),
    )
    room = db.session.get(Room, room_id)  # the commits above expired it
    push_state(room, room.live_session)
    socketio.emit(P.NOTES_REVEALED, {"board_id": board.id}, to=peers_room(board.id))
    return {"ok": True}


@control(P.SET_PHASE, {"session_id", "room_id", "phase"}, {"votes_per_person"})
def on_set_phase(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor: the phase (write, cluster, vote, discuss, or none) of one room or all."""
    phase, votes = parse.phase(payload)
    targets = rooms.target_rooms(live, payload["room_id"])
    rooms.set_phase(
        db.session,
        live,
        targets,
        phase,
        votes,
        entry.principal.identity,
        _snapshot_names(),
        _locks(),
    )
    for room in targets:
        push_state(room, live)
        push_votes(room)
        push_signals(room, live)
    return {"ok": True}


# --- handlers: what participants do ------------------------------------------------------------


@room_event(P.CAST_VOTE, {"board_id", "item_id"})
def on_cast_vote(entry: SocketAuth, payload: Any, target: tuple[Board, Room]):
    """Sent by anyone on a room's board during the vote phase: one dot on any card."""
    board, room = target
    who = entry.principal
    if not policy.can_edit_board(who, board.project_id, board.id):
        raise Forbidden("observers do not vote")
    viewer = Viewer(who.identity, _may_conduct(entry, board.project_id))
    rooms.cast_vote(db.session, room, viewer, payload["item_id"])
    push_votes(room)
    return _my_votes_ack(room, who.identity)


@room_event(P.RETRACT_VOTE, {"board_id", "item_id"})
def on_retract_vote(entry: SocketAuth, payload: Any, target: tuple[Board, Room]):
    """Sent by a voter taking one of their dots back."""
    _board, room = target
    rooms.retract_vote(db.session, room, entry.principal.identity, payload["item_id"])
    push_votes(room)
    return _my_votes_ack(room, entry.principal.identity)


def _my_votes_ack(room: Room, identity: str) -> dict[str, Any]:
    mine, left = rooms.votes_left(db.session, room, identity)
    return {"ok": True, "mine": mine, "left": left}


@room_event(P.RAISE_SIGNAL, {"board_id", "kind", "on"})
def on_raise_signal(entry: SocketAuth, payload: Any, target: tuple[Board, Room]):
    """Sent by anyone on a room's board: raise or lower a hand, or say "I'm done"."""
    _board, room = target
    who = entry.principal
    rooms.set_signal(
        db.session, room, who.identity, who.display_name, payload["kind"], payload["on"]
    )
    push_signals(room, room.live_session)
    return {"ok": True}


# --- handlers: the conductor's overview, harvest, attendance -----------------------------------


@control(P.ROOM_OVERVIEW, {"session_id"})
def on_room_overview(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor: every room at a glance (members, who is on it, signals, thumbnail).
    The socket then gets thumbnail_changed as groups work."""
    join_room(live_conduct_room(live.id))
    return {"ok": True, "session": session_state(live), "rooms": overview_wire(live)}


@control(P.HARVEST, {"session_id", "items"})
def on_harvest(entry: SocketAuth, payload: Any, live: LiveSession):
    """Sent by a conductor: copy chosen group items (any card, with the connections between
    them) into the plenary, in a frame per group."""
    picks = parse.harvest_picks(payload["items"])
    plenary = rooms.plenary_of(live)
    done = rooms.harvest(
        db.session,
        live,
        picks,
        _actor(entry),
        _locks(),
        after_commit=lambda applied: broadcast(applied, None, plenary.id),
    )
    push_state(plenary, live)
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
    live = rooms.get_any_live(db.session, payload["session_id"])
    if not policy.can_see_attendance(entry.principal, live.project_id):
        raise Forbidden("attendance is for organizers")
    return {"ok": True, "rows": rooms.attendance(db.session, live, utcnow())}
