"""Socket handlers of rooms and the conductor, and the hooks the board engine's handlers call.

Handlers are thin: parse (workshop.rooms.parse), authorise (workshop.access.policy), act
(workshop.rooms.service), then push (workshop.realtime.room_push). Every control is refused
with `forbidden` unless the socket's principal may conduct the board's project; the shape they
share is written once, in `control` and `room_event`. The engine's handlers call five hooks
here: `on_join` (who may enter a room's board, what of it they may see, attendance),
`check_change` (phase rules, group membership, private notes), `broadcast` (each change as
each recipient may see it), `counted_present` (the counts of people present) and `on_leave`
(attendance, and the counts). The Socket.IO rooms used are listed in
workshop.realtime.room_push.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_socketio import join_room

from workshop import protocol as P
from workshop.access import policy
from workshop.boards import service as boards
from workshop.boards.errors import BadRequest, Forbidden, NotFound
from workshop.boards.ops import Change
from workshop.boards.sequencer import in_batch, once_per_batch
from workshop.boards.state import Actor
from workshop.extensions import db, socketio
from workshop.models import Board, LiveSession, Room, utcnow
from workshop.realtime.guards import flag, payload_fields, socket_event
from workshop.realtime.room_guards import control, drop_stale_budgets, room_event
from workshop.realtime.room_guards import may_conduct as _may_conduct
from workshop.realtime.room_guards import take as _take
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
from workshop.realtime.room_push import present_counts as _present_counts
from workshop.realtime.room_push import thumbnails as _thumbnails
from workshop.realtime.sessions import SocketAuth, registry
from workshop.rooms import parse, privacy, rules
from workshop.rooms import service as rooms
from workshop.rooms.rules import Viewer

log = logging.getLogger(__name__)

# --- hooks for the engine's handlers ---------------------------------------------------------------


def on_join(
    entry: SocketAuth, board: Board, state: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A socket opens a board. For a room's board: refuse another group's board to a
    participant, filter the private items out of what they receive, put the socket in the
    rooms above and start their attendance. Outside a live session, a participant still gets
    the authors of anonymous items blanked. Returns (state, live) where live goes in the ack."""
    who = entry.principal
    conducts = policy.can_conduct_board(who, board.project_id)
    viewer = Viewer(who.identity, conducts)
    room = rooms.room_of_board(db.session, board.id)
    if room is None:
        return privacy.filter_sync(db.session, board.id, rules.Privacy(), viewer, state), None
    live = room.live_session
    if not conducts:
        rooms.ensure_member(db.session, live, who.identity, who.display_name)
        if not rooms.may_enter(db.session, live, room, who.identity):
            db.session.commit()
            raise Forbidden("this board belongs to another group")
    state = privacy.filter_sync(db.session, board.id, rooms.privacy_of(room), viewer, state)
    join_room(who_room(who.identity))
    join_room(conduct_room(board.id) if conducts else peers_room(board.id))
    if conducts:
        join_room(live_conduct_room(live.id))
    rooms.enter(db.session, live, room, who.identity, who.display_name, utcnow())
    # The ack counts this socket present (the engine adds it right after this hook).
    return state, _live_payload(room, live, board.locked, viewer, (board.id, who.identity))


def counted_present(live: dict[str, Any] | None) -> None:
    """A socket was counted present on a room's board (called by the engine's join right after
    `presence.add`, so the count includes it): the session's counts follow, coalesced."""
    if live is not None and live.get("session"):
        _present_counts.mark(live["session"]["id"])


def check_change(
    entry: SocketAuth, change: Change, actor: Actor, action: str | None = None
) -> int | None:
    """Before a change is applied: the room's phase, the author's group and the private items
    may refuse it. A participant's canvas action (it reads the whole board, hidden items too)
    waits for the reveal. Returns the room's id (None for a board outside any live session)."""
    board_id = change.board_id
    room = once_per_batch(
        db.session, ("room", board_id), lambda: rooms.room_of_board(db.session, board_id)
    )
    if not actor.may_conduct:
        viewer = Viewer(actor.identity, False)
        privacy.check_hidden_project_refs(db.session, change.board_id, viewer, change.ops)
    if in_batch(db.session):
        _read_for_broadcast(board_id, room)
    if room is None:
        return None
    rules.check_ops_in_phase(room.phase, change.ops, actor.may_conduct)
    if not actor.may_conduct:
        if not room.is_plenary and not rooms.may_enter(
            db.session, room.live_session, room, actor.identity
        ):
            raise Forbidden("you were moved to another room")
        if action is not None and room.private_since_seq is not None:
            raise rules.PhaseForbids(
                "canvas tools wait for the reveal during private writing", field="action"
            )
        viewer = Viewer(actor.identity, False)
        privacy.check_hidden_ops(
            db.session, change.board_id, rooms.privacy_of(room), viewer, change.ops
        )
    return room.id


@dataclass
class Visibility:
    """What a committed change needs to be filtered for each recipient: None from broadcast()
    when everyone may receive it whole."""

    privacy: rules.Privacy
    metas: dict[str, rules.ItemMeta]
    project_id: int | None


def broadcast(
    applied: boards.AppliedChange, sender_sid: str | None, room_id: int | None
) -> Visibility | None:
    """Send a committed change to the board's sockets (the sender has its ack), each receiving
    only what it may see: private items and anonymous authors are filtered for every socket
    that may not conduct the board's project. Runs inside the board's write lock, like the
    engine's broadcast. Returns what the sender's ack needs to be filtered the same way."""
    wire = applied.to_wire()
    seen = _visibility(applied.board_id, wire, room_id)
    if seen is None:
        socketio.emit(P.CHANGE_APPLIED, wire, to=board_room(applied.board_id), skip_sid=sender_sid)
        return None
    # Per socket of this process: a socket on another process misses this seq, sees the gap
    # and re-joins, and its join is filtered the same way. Filtered and encoded once per
    # distinct view (conductors, each person the change concerns, everyone else), then sent
    # to all the sockets of that view: not once per recipient.
    concerned = rules.identities_concerned(wire, seen.metas)
    audiences: dict[str, tuple[Viewer, list[str]]] = {}
    for sid, _eio in list(
        socketio.server.manager.get_participants("/", board_room(applied.board_id))
    ):
        entry = registry.get(sid)
        if sid == sender_sid or entry is None:
            continue
        viewer = _viewer(entry, applied.board_id, seen)
        audiences.setdefault(rules.view_key(viewer, concerned), (viewer, []))[1].append(sid)
    for viewer, sids in audiences.values():
        message = (
            wire if viewer.conducts else rules.filter_change(wire, seen.metas, viewer, seen.privacy)
        )
        socketio.emit(P.CHANGE_APPLIED, message, to=sids)
    return seen


def _visibility(board_id: int, wire: dict[str, Any], room_id: int | None) -> Visibility | None:
    if room_id is not None:
        _thumbnails.mark(room_id)
        # Read under the lock: private writing starts and ends under the same lock.
        window = _window(room_id)
    else:
        window = rules.Privacy()
    if not window.active and not _anonymous_on(board_id):
        return None  # the usual case: no private writing, no anonymous item on the board
    metas = rules.metas_from_change(wire)
    wanted = (
        rules.change_referenced_ids(wire) if window.active else rules.change_item_ids(wire)
    ) - set(metas)
    stored = privacy.item_metas(db.session, board_id, wanted, window)
    if not window.active and not stored:
        return None  # the usual case: no private writing, no anonymous item touched
    metas.update(stored)
    project_id = once_per_batch(
        db.session,
        ("project", board_id),
        lambda: db.session.scalar(sa.select(Board.project_id).where(Board.id == board_id)),
    )
    return Visibility(window, metas, project_id)


def _read_for_broadcast(board_id: int, room: Room | None) -> None:
    """Read in the batch's transaction, before its commit, what its broadcasts will ask: after
    the commit they then need no connection (on PostgreSQL a checkout, its ping and its
    rollback are round trips that each let every other task run before the ack goes)."""
    window = _window(room.id, room) if room is not None else rules.Privacy()
    if not window.active:
        _anonymous_on(board_id)


def _window(room_id: int, room: Room | None = None) -> rules.Privacy:
    """The room's private writing, once per batch. Read under the board's lock: private writing
    starts and ends under the same lock."""
    return once_per_batch(
        db.session,
        ("privacy", room_id),
        lambda: rooms.privacy_of(room) if room is not None else _privacy(room_id),
    )


def _anonymous_on(board_id: int) -> bool:
    """Does the board hold items of an anonymous round? (Marked only by room controls, under
    the board's lock: never by a change of the batch.)"""
    return once_per_batch(
        db.session,
        ("anonymous", board_id),
        lambda: privacy.has_anonymous_items(db.session, board_id),
    )


def _privacy(room_id: int) -> rules.Privacy:
    row = db.session.execute(
        sa.select(Room.private_since_seq, Room.private_anonymous, Room.anonymous_windows).where(
            Room.id == room_id
        )
    ).one()
    return rooms.privacy_of(_PrivacyRow(*row))


def _viewer(entry: SocketAuth, board_id: int, seen: Visibility) -> Viewer:
    project_id = entry.board_projects.get(board_id, seen.project_id)
    return Viewer(entry.principal.identity, policy.can_conduct_board(entry.principal, project_id))


def ack_ops(
    entry: SocketAuth,
    applied: boards.AppliedChange,
    room_id: int | None,
    seen: Visibility | None,
    broadcast_ran: bool,
) -> list[dict[str, Any]]:
    """The ops of a change's ack as the sender may see them: a change may cascade to items
    hidden from them (a delete takes others' private connectors along) or name an anonymous
    author (a restore)."""
    if not broadcast_ran:  # a retried change: nothing was broadcast, work it out now
        seen = _visibility(applied.board_id, applied.to_wire(), room_id)
    if seen is None:
        return applied.ops
    viewer = _viewer(entry, applied.board_id, seen)
    if viewer.conducts:
        return applied.ops
    return rules.filter_change(applied.to_wire(), seen.metas, viewer, seen.privacy)["ops"]


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
            _present_counts.mark(room.live_session_id)
    except Exception:  # noqa: BLE001 - attendance never stops a socket from leaving
        db.session.rollback()
        log.exception("attendance: could not close a stay on board %s", board_id)


def on_rights_rechecked(entry: SocketAuth) -> None:
    """After a socket's principal was re-loaded (a conductor removed from the project, an
    account closed): take it out of every conductor-only room it may no longer be in (names
    of raised hands, thumbnails, full room state), at once; still on the board, it becomes a
    participant's socket there."""
    who = entry.principal
    for name in list(socketio.server.manager.get_rooms(entry.sid, "/") or ()):
        project_id, board_id = _conducted_by(name)
        if project_id is None or policy.can_conduct_board(who, project_id):
            continue
        socketio.server.leave_room(entry.sid, name, namespace="/")
        if board_id is not None and board_id in entry.boards:
            socketio.server.enter_room(entry.sid, peers_room(board_id), namespace="/")


def _conducted_by(name: Any) -> tuple[int | None, int | None]:
    """(project, board) of a conductor-only Socket.IO room's name; (None, None) for others."""
    if not isinstance(name, str):
        return None, None
    parts = name.split(":")
    if len(parts) == 3 and parts[0] == "live" and parts[2] == "conduct" and parts[1].isdigit():
        project_id = db.session.scalar(
            sa.select(LiveSession.project_id).where(LiveSession.id == int(parts[1]))
        )
        return (project_id if project_id is not None else -1), None
    if len(parts) == 3 and parts[0] == "room" and parts[2] == "conduct" and parts[1].isdigit():
        board_id = int(parts[1])
        project_id = db.session.scalar(sa.select(Board.project_id).where(Board.id == board_id))
        return (project_id if project_id is not None else -1), board_id
    return None, None


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
    """Sent by a conductor: everyone's private notes become visible; clients re-join."""
    room = rooms.room_of_board(db.session, board.id)
    if room is None or room.private_since_seq is None:
        raise BadRequest("this board is not in private writing", field="board_id")
    rooms.reveal(db.session, room, _locks())
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
