"""Socket event handlers: parse, authorise, act. The engine itself lives in workshop.boards."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError, emit, join_room, leave_room

from workshop import protocol as P
from workshop.access import policy
from workshop.access import service as access
from workshop.boards import ops, service, snapshots
from workshop.boards.errors import BadRequest, Forbidden, NotFound
from workshop.boards.schema import MAX_COORDINATE
from workshop.boards.sequencer import Sequencers
from workshop.boards.state import Actor
from workshop.extensions import db, socketio
from workshop.models import Board, utcnow
from workshop.monitoring import service as monitoring  # the calendar follows its indicators
from workshop.realtime import calls as call_hooks  # camera and microphone: docs/calls.md
from workshop.realtime import marks as _marks  # noqa: F401 - decisions and dissent (verbale)
from workshop.realtime import (
    room_hooks,  # rooms: what the engine asks of them
    wire,
)
from workshop.realtime import rooms as _rooms  # noqa: F401 - the rooms' and the conductor's handlers
from workshop.realtime.budget import TokenBucket
from workshop.realtime.guards import NotJoined, RateLimited, socket_event
from workshop.realtime.presence import presence
from workshop.realtime.rights import SESSION, RightsChange
from workshop.realtime.sessions import SOCKET_SESSION, SocketAuth, registry
from workshop.realtime.wire import MALFORMED_EVENT

log = logging.getLogger(__name__)

AUTH_SESSION_KEY = "auth_session_id"  # written by web.security.start_session
_JOIN_KEYS = {"protocol", "board_id", "since_seq", "watch"}
_CURSOR_KEYS = {"board_id", "x", "y"}


def board_room(board_id: int) -> str:
    return f"board:{board_id}"


# --- connection ------------------------------------------------------------------------------------


def _unknown_event_ack(message: str = "unknown event") -> dict[str, Any]:
    return {"ok": False, "error": {"code": P.BAD_REQUEST, "message": message}}


def _sent_as_an_event() -> bool:
    """True when a connected client sent an event named "connect" or "disconnect".

    python-socketio routes such an event to the handler of that name. The real handlers run
    while the socket is still connecting or already disconnecting, when it does not count as
    connected; a client's event can only arrive on a connected socket.
    """
    return socketio.server.manager.is_connected(request.sid, "/")


@socketio.on("connect")
def on_connect(auth=None):
    """A browser opens its socket. Refused without a live login or join behind its cookie."""
    if _sent_as_an_event():
        # Re-running this would replace the socket's record (its boards, its rate budget)
        # while the socket stays in its rooms.
        return _unknown_event_ack()
    auth_session_id = session.get(AUTH_SESSION_KEY)
    try:
        who = (
            access.load_principal(db.session, auth_session_id, utcnow())
            if auth_session_id
            else None
        )
    finally:
        db.session.remove()
    if who is None:
        log.info("socket refused: no live session (sid=%s)", request.sid)
        raise ConnectionRefusedError(P.UNAUTHORIZED)
    if registry.count_of_person(who.identity) >= P.MAX_SOCKETS_PER_PERSON:
        log.info(
            "socket refused: %s holds %d sockets already (sid=%s)",
            who.identity,
            P.MAX_SOCKETS_PER_PERSON,
            request.sid,
        )
        raise ConnectionRefusedError(P.TOO_MANY_SOCKETS)
    registry.add(request.sid, who)
    request.environ[SOCKET_SESSION] = session._get_current_object()  # its events reuse it
    _start_background_tasks(current_app._get_current_object())


@socketio.on("disconnect")
def on_disconnect(reason=None):
    """The socket closed (or the server closed it). Broadcasts peer_left to its boards."""
    if _sent_as_an_event():
        return _unknown_event_ack()
    entry = registry.remove(request.sid)
    if entry is not None:
        for board_id in list(entry.boards):
            _leave(entry, board_id, announce_later=True)


@socketio.on("*")
def on_unknown_event(event, *args):
    """Events outside the protocol get a clear refusal, never silence."""
    if event == MALFORMED_EVENT:
        return _unknown_event_ack("the event is not well-formed JSON of [name, payload]")
    return _unknown_event_ack()


# --- boards ------------------------------------------------------------------------------------------


@socketio.on(P.JOIN_BOARD)
@socket_event
def on_join_board(entry: SocketAuth, payload: Any):
    """Sent by a client to open a board, and again after every reconnect with the last seq it
    saw. Acks the changes it missed (or a snapshot), the peers and its rights; broadcasts
    peer_joined to the board."""
    # First, before any work: a join can cost a whole board's snapshot.
    _spend(entry, entry.budget.joins, f"at most {P.JOINS_PER_SECOND} joins a second")
    if not isinstance(payload, dict) or set(payload) - _JOIN_KEYS:
        raise BadRequest("join_board takes {protocol, board_id, since_seq?}")
    protocol = payload.get("protocol")
    # type(), not ==: true == 1 and 1.0 == 1 in Python, and neither is protocol 1 on the wire.
    if type(protocol) is not int or protocol != P.PROTOCOL_VERSION:
        raise BadRequest(
            f"this server speaks protocol {P.PROTOCOL_VERSION}: reload the page",
            code=P.PROTOCOL_MISMATCH,
        )
    board_id = ops.parse_board_id(payload.get("board_id"))
    since = payload.get("since_seq")
    if since is not None and (isinstance(since, bool) or not isinstance(since, int) or since < 0):
        raise BadRequest("since_seq must be a whole number", field="since_seq")
    watch = payload.get("watch", False)
    if not isinstance(watch, bool):
        raise BadRequest("watch must be true or false", field="watch")

    if watch:
        return _join(entry, board_id, since, watch)
    entry.joins_in_flight += 1
    try:
        return _join(entry, board_id, since, watch)
    finally:
        entry.joins_in_flight -= 1


WATCH_WAIT_S = 5.0  # how long a watch waits for the socket's full joins under way
_WATCH_POLL_S = 0.05


def _may_watch(entry: SocketAuth, project_id: int) -> bool:
    """Watching follows a board without presence: only for a socket present on a board of
    the same project (the board client follows the project's other session boards from its
    own). A reconnect re-joins every board at once: wait for the full joins under way."""
    deadline = time.monotonic() + WATCH_WAIT_S
    while project_id not in entry.present_projects():
        if entry.joins_in_flight <= 0 or time.monotonic() > deadline:
            return False
        db.session.rollback()  # no transaction held open while waiting
        socketio.sleep(_WATCH_POLL_S)
    return True


def _join(entry: SocketAuth, board_id: int, since: int | None, watch: bool) -> dict[str, Any]:
    who = entry.principal
    board = db.session.get(Board, board_id)
    if board is None:
        raise NotFound("no such board", field="board_id")
    if not policy.can_view_board(who, board.project_id, board.id):
        raise Forbidden("you were not let into this board")
    project_id = board.project_id
    if (
        watch
        and board_id not in entry.boards - entry.watching
        and not _may_watch(entry, project_id)
    ):
        raise Forbidden("watch a board only from a board of its project that this socket joined")
    board_wire = {"id": board.id, "kind": str(board.kind), "locked": board.locked}
    db.session.rollback()  # the sync read below begins its own transaction

    # Into the room first, then read: a change committed after the read is broadcast to a room
    # that already holds this socket. Read first, and a change committed between the read and
    # the join would reach this client neither way. A broadcast of a change the read already
    # holds carries a seq the client ignores.
    room = board_room(board_id)
    join_room(room)
    try:
        state = snapshots.sync_payload(db.session, board_id, since, _snapshots())
        # Rooms: may refuse another group's board, and filters out notes still private (into
        # a new payload: the snapshot cache's is shared).
        state, live = room_hooks.on_join(entry, board, state)
        state = _encoded_once(board_id, state)
    except BaseException:
        if board_id not in entry.boards:  # a first join: nothing of it may stay behind
            leave_room(room)
        raise
    if watch and board_id not in entry.boards:
        entry.watching.add(board_id)
    elif not watch:
        entry.watching.discard(board_id)
    entry.boards.add(board_id)
    entry.board_projects[board_id] = project_id
    if watch:
        # Followed from another board of the project (its registry of actors): not present here.
        me, peers = None, []
    else:
        peer, is_new = presence.add(board_id, request.sid, who.identity, who.display_name)
        room_hooks.counted_present(live)  # rooms: the session's counts of people present
        if is_new:
            joined = {"board_id": board_id, "peer": peer.to_wire()}
            emit(P.PEER_JOINED, joined, to=room, include_self=False)
        me, peers = (
            peer.to_wire(),
            [p.to_wire() for p in presence.peers(board_id) if p.id != peer.id],
        )
    return {
        "ok": True,
        **state,
        "board": board_wire,
        "me": me,
        "peers": peers,
        "can_edit": policy.can_edit_board(who, project_id, board_id),
        "can_conduct": policy.can_conduct_board(who, project_id),
        "live": live,
    }


def _encoded_once(board_id: int, state: dict[str, Any]) -> dict[str, Any]:
    """A snapshot as the cache holds it (not filtered for this socket) goes out as the JSON
    encoded for the first joiner at its seq: 60 people opening a 5,000-item board encode it
    once, not 60 times."""
    if state.get("mode") != "snapshot":
        return state
    text = _snapshots().derived(board_id, state["seq"], state["items"], wire.encode_json)
    return state if text is None else {**state, "items": wire.Encoded(text)}


@socketio.on(P.LEAVE_BOARD)
@socket_event
def on_leave_board(entry: SocketAuth, payload: Any):
    """Sent by a client closing a board. Broadcasts peer_left."""
    if not isinstance(payload, dict) or set(payload) != {"board_id"}:
        raise BadRequest("leave_board takes {board_id}")
    board_id = ops.parse_board_id(payload["board_id"])
    if board_id not in entry.boards:
        raise NotJoined("this socket has not joined that board")
    _leave(entry, board_id)
    return {"ok": True}


def _spend(entry: SocketAuth, bucket: TokenBucket, refusal: str) -> None:
    """Take one token or refuse with rate_limited; a socket that keeps trying is disconnected."""
    if bucket.take():
        return
    if entry.budget.strike():
        log.warning("disconnecting a flooding socket (sid=%s)", entry.sid)
        socketio.start_background_task(_disconnect, entry.sid)
    raise RateLimited(refusal)


def _leave(entry: SocketAuth, board_id: int, announce_later: bool = False) -> None:
    entry.boards.discard(board_id)
    entry.watching.discard(board_id)
    entry.board_projects.pop(board_id, None)
    # The server's own call: it works outside a request too (the session sweep).
    socketio.server.leave_room(entry.sid, board_room(board_id), namespace="/")
    peer = presence.remove(board_id, entry.sid)
    room_hooks.on_leave(entry, board_id)  # attendance
    call_hooks.on_board_left(entry.sid, board_id)  # and the board's call
    if peer is None:
        return
    message = {"board_id": board_id, "peer_id": peer.id}
    if announce_later:
        # From the disconnect handler: sending to the room closes the sockets whose pings timed
        # out, and each close runs the disconnect handler again, inside this call. After a stall
        # a whole board of them nests past Python's recursion limit and their clean-up is lost.
        socketio.start_background_task(socketio.emit, P.PEER_LEFT, message, to=board_room(board_id))
    else:
        socketio.emit(P.PEER_LEFT, message, to=board_room(board_id))


def on_apply_change(entry: SocketAuth, payload: Any):
    """Sent by a client to change a board. Acks {ok, seq, duplicate, ops} once committed;
    broadcasts change_applied to the board's other sockets. Registered in an app context, not a
    request context (realtime.init_app, guards.app_context_event)."""
    change = ops.parse_change(payload)
    if change.board_id not in entry.boards:
        raise NotJoined("join the board before changing it")
    _spend(entry, entry.budget.changes, f"at most {P.CHANGES_PER_SECOND} changes a second")

    who = entry.principal
    project_id = entry.board_projects[change.board_id]
    if not policy.can_edit_board(who, project_id, change.board_id):
        raise Forbidden("you may look at this board but not change it")
    actor = Actor(who.identity, who.display_name, policy.can_conduct_board(who, project_id))
    sender = entry.sid
    seen: list[Any] = []
    room_id: list[int | None] = [None]

    def check() -> None:
        # Rooms: the phase, the author's group and private items may refuse the change. In the
        # board's sequencer, in the change's transaction: nothing is read before the board's
        # lock is held (service.apply_change says why).
        room_id[0] = room_hooks.check_change(entry, change, actor)

    def broadcast(applied: service.AppliedChange) -> None:
        # In the board's sequencer, right after the commit: broadcasts leave in seq order.
        # Each recipient gets what it may see (private writing, anonymity; rooms.broadcast).
        seen.append(room_hooks.broadcast(applied, sender, room_id[0]))

    applied = service.apply_change(
        db.session,
        change,
        actor,
        _locks(),
        after_commit=broadcast,
        check=check,
        sequencer=_sequencers(),
    )
    _maintain_when_due(applied)
    _redraw_calendar_when_due(applied, project_id)
    # The ack too: a delete may take along items the sender is not shown.
    acked = room_hooks.ack_ops(entry, applied, room_id[0], seen[0] if seen else None, bool(seen))
    return {"ok": True, "seq": applied.seq, "duplicate": applied.duplicate, "ops": acked}


def on_run_action(entry: SocketAuth, payload: Any):
    """Sent by a client to run a canvas action. Acks {ok, seq, duplicate, ops, result} once
    committed; broadcasts the action's change as change_applied to the board's other sockets.
    Registered as on_apply_change is."""
    request_ = ops.parse_action(payload)
    board_id = request_.change.board_id
    if board_id not in entry.boards:
        raise NotJoined("join the board before running an action on it")
    _spend(entry, entry.budget.changes, f"at most {P.CHANGES_PER_SECOND} changes a second")
    who = entry.principal
    project_id = entry.board_projects[board_id]
    actor = Actor(who.identity, who.display_name, policy.can_conduct_board(who, project_id))
    sender = entry.sid
    seen: list[Any] = []
    room_id: list[int | None] = [None]

    def check() -> None:
        # Rooms: the author's group may refuse it (under the board's lock, as for apply_change).
        room_id[0] = room_hooks.check_change(entry, request_.change, actor, action=request_.action)

    def broadcast(applied: service.AppliedChange) -> None:
        # Its change reaches each socket as it may see it.
        seen.append(room_hooks.broadcast(applied, sender, room_id[0]))

    applied = service.run_action(
        db.session,
        request_.change,
        request_.action,
        request_.args,
        actor,
        may_edit=policy.can_edit_board(who, project_id, board_id),
        locks=_locks(),
        after_commit=broadcast,
        check=check,
        sequencer=_sequencers(),
    )
    _maintain_when_due(applied)
    _redraw_calendar_when_due(applied, project_id)
    return {
        "ok": True,
        "seq": applied.seq,
        "duplicate": applied.duplicate,
        "ops": room_hooks.ack_ops(
            entry, applied, room_id[0], seen[0] if seen else None, bool(seen)
        ),
        "result": applied.result,
    }


def _checkpoint_every() -> int:
    return current_app.config.get("CHECKPOINT_EVERY_CHANGES") or snapshots.CHECKPOINT_EVERY_CHANGES


def _maintain_when_due(applied: service.AppliedChange) -> None:
    """Checkpoints and compaction in a task of their own, after the change was acknowledged:
    never in the writers' way (snapshots.maintain)."""
    every = _checkpoint_every()
    if applied.seq and not applied.duplicate and applied.seq % every == 0:
        app = current_app._get_current_object()
        socketio.start_background_task(_maintain, app, applied.board_id, every)


def _redraw_calendar_when_due(applied: service.AppliedChange, project_id: int) -> None:
    """An indicator's frequency, owner or timeline changed: its collection tasks are redrawn in
    a task of their own, after the ack (workshop/monitoring)."""
    if applied.seq and not applied.duplicate and monitoring.moves_calendar(applied.ops):
        app = current_app._get_current_object()
        socketio.start_background_task(_redraw_calendar, app, project_id)


def _redraw_calendar(app, project_id: int) -> None:
    with app.app_context():
        try:
            monitoring.sync_tasks(db.session, project_id, (app.config.get("CLOCK") or utcnow)())
            db.session.commit()
        except Exception:  # noqa: BLE001 - the calendar is redrawn again by the daily job
            db.session.rollback()
            log.exception("monitoring calendar not redrawn for project %s", project_id)
        finally:
            db.session.remove()


def on_move_cursor(sid: str, payload: Any = None, *_extra: Any) -> None:
    """Sent by a client as its pointer moves (at most 20 Hz). Not acknowledged; the server
    batches every board's cursors into one cursors_moved message per interval.

    Registered on the Socket.IO server itself (realtime.init_app), not through Flask-SocketIO:
    cursors are most of the traffic, and this needs neither a request context nor the session
    cookie that Flask-SocketIO would build and decode for every event.
    """
    entry = registry.get(sid)
    if entry is None or not isinstance(payload, dict) or set(payload) != _CURSOR_KEYS:
        return
    board_id, x, y = payload["board_id"], payload["x"], payload["y"]
    # Checked before any lookup: a list or a dict as board_id is unhashable.
    if type(board_id) is not int or board_id not in entry.boards:
        return
    if not (_on_the_board(x) and _on_the_board(y)) or not entry.budget.cursors.take():
        return
    peer = presence.peer(board_id, sid)
    if peer is not None:
        presence.move_cursor(board_id, peer.id, round(float(x), 1), round(float(y), 1))


def _on_the_board(value: Any) -> bool:
    # Comparisons, not math.isfinite: that raises OverflowError on a 400-digit integer. NaN
    # fails both comparisons, infinities fail the range.
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and -MAX_COORDINATE <= value <= MAX_COORDINATE
    )


# --- background work -----------------------------------------------------------------------------------

_background_started = False
_background_lock = threading.Lock()


def _locks() -> service.WriteLocks:
    return current_app.extensions["workshop_write_locks"]


def _sequencers() -> Sequencers:
    return current_app.extensions["workshop_sequencers"]


def sequencer_spawner(app):
    """How the boards' sequencers start: a background task with the app's context, whose
    session (db.session is one per task) is ended when the board's queue is."""

    def sequence(run, board_id: int) -> None:
        with app.app_context():
            try:
                run(board_id)
            except Exception:  # noqa: BLE001 - its callers have their error; the next change restarts it
                log.exception("the sequencer of board %s stopped", board_id)
            finally:
                db.session.remove()

    return lambda run, board_id: socketio.start_background_task(sequence, run, board_id)


def _snapshots() -> snapshots.SnapshotCache:
    return current_app.extensions["workshop_snapshots"]


def _start_background_tasks(app) -> None:
    global _background_started
    with _background_lock:
        if _background_started:
            return
        _background_started = True
    socketio.start_background_task(_flush_cursors_forever)
    socketio.start_background_task(_recheck_sessions_forever, app)
    if app.config["REDIS_URL"]:
        socketio.start_background_task(call_hooks.refresh_forever, app)
    registry.on_rights_changed = lambda change: _rights_changed(app, change)
    bus = app.extensions.get("workshop_rights_bus")
    if bus is not None:
        bus.on_change = registry.on_rights_changed
        bus.start_listening(socketio.start_background_task)  # other processes' changes


def _rights_changed(app, change: RightsChange) -> None:
    """A rights change published here or by another process (realtime/rights.py)."""
    if change.kind == SESSION:
        # A logout: its few sockets close before the logout's response leaves.
        _recheck_sessions(app, change)
    else:
        socketio.start_background_task(_recheck_sessions, app, change)


def next_tick(previous_s: float, now_s: float, interval_s: float) -> float:
    """When a periodic task runs next, on a fixed cadence: `interval_s` after its previous run
    began, or at once when that run overran (a loaded host). Sleeping a whole interval after
    each run would stretch the period by the run's own length, and a cursor's wait with it."""
    return max(previous_s + interval_s, now_s)


def _flush_cursors_forever() -> None:
    interval_s = P.CURSOR_FLUSH_INTERVAL_MS / 1000
    tick = time.monotonic()
    while True:
        now = time.monotonic()
        tick = next_tick(tick, now, interval_s)
        socketio.sleep(tick - now)
        try:
            for board_id, cursors in presence.take_cursors().items():
                socketio.emit(
                    P.CURSORS_MOVED,
                    {"board_id": board_id, "cursors": cursors},
                    to=board_room(board_id),
                )
        except Exception:  # noqa: BLE001 - a failed batch must not stop the next ones
            log.exception("cursor flush failed")


def _recheck_sessions_forever(app) -> None:
    while True:
        socketio.sleep(P.AUTH_RECHECK_INTERVAL_S)
        _recheck_sessions(app)


def _recheck_sessions(app, change: RightsChange | None = None) -> None:
    """Re-load the principal of every socket (or of those the change names): close the ended
    ones, take boards from the others when their rights shrank. One bulk load for them all:
    one load each held every board for ~40 ms every 5 s with 60 people."""
    with app.app_context():
        try:
            now = utcnow()
            entries = [
                entry
                for entry in registry.all()
                if change is None or change.affects(entry.principal)
            ]
            principals = access.load_principals(
                db.session, [entry.auth_session_id for entry in entries], now
            )
            for entry in entries:
                who = principals[entry.auth_session_id]
                if who is None:
                    _end_socket(entry.sid)
                    continue
                entry.principal = who
                # Conductor-only rooms (names, thumbnails) go at once, boards or not.
                room_hooks.on_rights_rechecked(entry)
                for board_id in list(entry.boards):
                    project_id = entry.board_projects.get(board_id)
                    if project_id is None or not policy.can_view_board(who, project_id, board_id):
                        _leave(entry, board_id)
                        socketio.emit(
                            P.BOARD_ACCESS_LOST,
                            {"board_id": board_id, "code": P.FORBIDDEN},
                            to=entry.sid,
                        )
        except Exception:  # noqa: BLE001 - the next sweep tries again
            log.exception("session re-check failed")
        finally:
            db.session.remove()


def _end_socket(sid: str) -> None:
    entry = registry.get(sid)
    if entry is None:
        return
    socketio.emit(P.SESSION_ENDED, {"code": P.UNAUTHORIZED}, to=sid)
    _disconnect(sid)


def _disconnect(sid: str) -> None:
    socketio.server.disconnect(sid, namespace="/")


def _maintain(app, board_id: int, every: int | None = None) -> None:
    with app.app_context():
        try:
            snapshots.maintain(db.session, board_id, app.extensions["workshop_write_locks"], every)
        except Exception:  # noqa: BLE001 - history upkeep never breaks a board
            log.exception("board maintenance failed for board %s", board_id)
        finally:
            db.session.remove()
