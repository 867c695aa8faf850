"""The hooks that the board engine's handlers (workshop.realtime.handlers) call for rooms:
`on_join` (who may enter a room's board, what of it they may see, attendance), `check_change`
(phase rules, group membership, private notes), `broadcast` (each change as each recipient may
see it), `ack_ops` (the sender's ack filtered the same way), `counted_present` (the counts of
people present), `on_leave` (attendance, and the counts) and `on_rights_rechecked`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_socketio import join_room

from workshop import protocol as P
from workshop.access import policy
from workshop.boards import service as boards
from workshop.boards.errors import Forbidden
from workshop.boards.ops import Change
from workshop.boards.sequencer import in_batch, once_per_batch
from workshop.boards.state import Actor
from workshop.extensions import db, socketio
from workshop.models import Board, LiveSession, Room, utcnow
from workshop.realtime.room_push import (
    board_room,
    conduct_room,
    live_conduct_room,
    peers_room,
    who_room,
)
from workshop.realtime.room_push import live_payload as _live_payload
from workshop.realtime.room_push import present_counts as _present_counts
from workshop.realtime.room_push import thumbnails as _thumbnails
from workshop.realtime.sessions import SocketAuth, registry
from workshop.rooms import privacy, rules
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
    board_rules = once_per_batch(
        db.session, ("room", board_id), lambda: rooms.room_rules_of_board(db.session, board_id)
    )
    room = board_rules.room
    if not actor.may_conduct:
        viewer = Viewer(actor.identity, False)
        privacy.check_hidden_project_refs(db.session, change.board_id, viewer, change.ops)
    if in_batch(db.session):
        _read_for_broadcast(board_id, board_rules)
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


def _read_for_broadcast(board_id: int, board_rules: rooms.BoardRules) -> None:
    """Keep for the batch's broadcasts what they will ask, read in the batch's transaction
    before its commit: after the commit they then need no connection (on PostgreSQL a
    checkout, its ping and its rollback are round trips that each let every other task run
    before the ack goes)."""
    room = board_rules.room
    window = _window(room.id, room) if room is not None else rules.Privacy()
    if not window.active:
        once_per_batch(db.session, ("anonymous", board_id), lambda: board_rules.anonymous)


def _window(room_id: int, room: rooms.RoomRules | None = None) -> rules.Privacy:
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
