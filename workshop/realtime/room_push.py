"""What the rooms send: the Socket.IO rooms they use, each viewer's live state, the pushes
after a control changes, moves (and their taking a socket off the old group's board), and
the conductors' thumbnails.

Socket.IO rooms used beside the engine's `board:<id>`:
  room:<board_id>:peers     participants on a room's board (public state, filtered changes)
  room:<board_id>:conduct   conductors on it (full state, every note, names)
  live:<session_id>:conduct conductors of a session (thumbnails, signals of every room)
  who:<identity>            every socket of one person (a move reaches all their tabs)
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import sqlalchemy as sa
from flask import current_app

from workshop import protocol as P
from workshop.access import policy
from workshop.access import service as access
from workshop.extensions import db, socketio
from workshop.models import Board, LiveSession, Room, RoomMember, utcnow
from workshop.realtime import calls as call_hooks
from workshop.realtime.presence import presence
from workshop.realtime.sessions import registry
from workshop.rooms import rules
from workshop.rooms import service as rooms
from workshop.rooms.rules import Viewer
from workshop.web.links import external_url  # never the socket's own Host header

log = logging.getLogger(__name__)


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


# --- state ---------------------------------------------------------------------------------------


# A socket whose join is under way, (board, identity): its own ack counts it present, though
# the engine adds it to the presence only once the join succeeded.
Joining = tuple[int, str] | None


def present_count(board_id: int, joining: Joining = None) -> int:
    """Distinct people on a board now (two tabs of one person count once)."""
    people = {peer.identity for peer in presence.peers(board_id)}
    if joining is not None and joining[0] == board_id:
        people.add(joining[1])
    return len(people)


def room_state(room: Room, live: LiveSession, joining: Joining = None) -> dict[str, Any]:
    facts = rooms.room_facts(db.session, room, present_count(room.board_id, joining))
    return rooms.room_wire(room, live, facts, utcnow())


def session_state(live: LiveSession, joining: Joining = None) -> dict[str, Any]:
    """The session with each room's count of people present (the group chooser and the
    conductor's room cards show it; `present_changed` keeps it current)."""
    wire = rooms.session_wire(live, rooms.meeting_wire(db.session, live))
    for room in wire["rooms"]:
        room["present"] = present_count(room["board_id"], joining)
    return wire


def join_for(board_id: int, project_id: int) -> dict[str, str] | None:
    """The join code and link a conductor reads aloud on this board."""
    invite = rooms.join_invite(db.session, project_id, board_id, utcnow())
    return rooms.join_wire(invite, lambda token: external_url("join.by_link", token=token))


def live_payload(
    room: Room, live: LiveSession, _locked: bool, viewer: Viewer, joining: Joining = None
) -> dict[str, Any]:
    """The live session as one viewer sees it from one room's board (the lock is read again:
    the state reports the real lock, board and frames)."""
    signals = rooms.signals(db.session, room)
    payload = {
        "board_id": room.board_id,
        "session": session_state(live, joining),
        "room": room_state(room, live, joining),
        "signals": signals_wire(signals, viewer.conducts),
        "mine": rooms.my_votes(db.session, room, viewer.identity),
        "tally": rooms.tally(db.session, room)
        if viewer.conducts or rules.results_visible(room.phase)
        else None,
        "can_conduct": viewer.conducts,
    }
    if viewer.conducts:
        payload["join"] = join_for(room.board_id, live.project_id)
    else:
        member = db.session.get(RoomMember, (live.id, viewer.identity))
        payload["my_room_id"] = member.room_id if member else None
    return payload


def signals_wire(signals: dict[str, list[str]], with_names: bool) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "hands": len(signals[P.SIGNAL_HAND]),
        "done": len(signals[P.SIGNAL_DONE]),
    }
    if with_names:
        wire["names"] = signals
    return wire


# --- pushes --------------------------------------------------------------------------------------


def push_state(room: Room, live: LiveSession) -> None:
    """A control of the room changed: its board's sockets get the room's new state."""
    public = {
        "board_id": room.board_id,
        "session": session_state(live),
        "room": room_state(room, live),
    }
    socketio.emit(P.ROOM_STATE, public, to=peers_room(room.board_id))
    socketio.emit(P.ROOM_STATE, public, to=conduct_room(room.board_id))
    socketio.emit(P.ROOM_STATE, public, to=live_conduct_room(live.id))


def push_board_state(board: Board) -> None:
    """A board outside any live session: its sockets get its real lock state."""
    socketio.emit(P.ROOM_STATE, ended_state(board.id), to=board_room(board.id))


def push_votes(room: Room) -> None:
    tally = rooms.tally(db.session, room)
    message = {"board_id": room.board_id, "tally": tally}
    socketio.emit(P.VOTES_CHANGED, message, to=conduct_room(room.board_id))
    if rules.results_visible(room.phase):
        socketio.emit(P.VOTES_CHANGED, message, to=peers_room(room.board_id))


def push_signals(room: Room, live: LiveSession) -> None:
    signals = rooms.signals(db.session, room)
    socketio.emit(
        P.SIGNALS_CHANGED,
        {"board_id": room.board_id, **signals_wire(signals, False)},
        to=peers_room(room.board_id),
    )
    named = {"board_id": room.board_id, "room_id": room.id, **signals_wire(signals, True)}
    socketio.emit(P.SIGNALS_CHANGED, named, to=conduct_room(room.board_id))
    socketio.emit(P.SIGNALS_CHANGED, named, to=live_conduct_room(live.id))


def tell_moved(live: LiveSession, moved: rooms.Moved) -> None:
    """One person moved: their sockets leave the old group's board at once (no more of its
    changes), their call ends, and every socket of theirs is told where they now belong."""
    call_hooks.on_moved(moved.identity)  # their call ends now; the client joins the new room's call
    old = next((r for r in live.rooms if r.id == moved.from_room_id), None)
    if old is not None and not old.is_plenary and old.id != moved.to_room.id:
        leave_board(moved.identity, old.board_id)
    room = moved.to_room
    socketio.emit(
        P.MOVED_TO_ROOM,
        {
            "session_id": live.id,
            "room_id": room.id,
            "board_id": room.board_id,
            "name": room.name,
            "is_plenary": room.is_plenary,
        },
        to=who_room(moved.identity),
    )


def leave_board(identity: str, board_id: int) -> None:
    """Every socket of this person leaves the board as if it had sent leave_board."""
    from workshop.realtime import handlers  # the engine's leave: rooms, presence, attendance

    for entry in registry.all():
        if entry.principal.identity == identity and board_id in entry.boards:
            handlers._leave(entry, board_id)


# --- sockets and sessions ------------------------------------------------------------------------


def members_wire(live: LiveSession) -> list[dict[str, Any]]:
    return [
        {"identity": m.identity, "name": m.name, "room_id": m.room_id}
        for m in rooms.members(db.session, live)
    ]


def refresh_principals(live: LiveSession) -> None:
    """New group boards: sockets whose invite names the plenary may enter them now, not at the
    next sweep (the move that follows must not meet a stale `forbidden`)."""
    now = utcnow()
    for entry in registry.all():
        if entry.principal.invite_board_id == live.plenary_board_id:
            who = access.load_principal(db.session, entry.auth_session_id, now)
            if who is not None:
                entry.principal = who


def adopt_sockets(live: LiveSession, room: Room, board: Board) -> None:
    """Sockets already on the board when its session opens join the session's rooms."""
    present = []
    for entry in registry.board_sockets(board.id):
        who = entry.principal
        conducts = policy.can_conduct_board(who, board.project_id)
        socketio.server.enter_room(entry.sid, who_room(who.identity), namespace="/")
        socketio.server.enter_room(
            entry.sid, conduct_room(board.id) if conducts else peers_room(board.id), namespace="/"
        )
        if conducts:
            socketio.server.enter_room(entry.sid, live_conduct_room(live.id), namespace="/")
        present.append(rooms.Present(who.identity, who.display_name, conducts))
    rooms.adopt(db.session, live, room, present, utcnow())


def overview_wire(live: LiveSession) -> list[dict[str, Any]]:
    """Every room at a glance for the conductor: its state, members, who is on its board (names
    and how many people), signals with names, tally and thumbnail."""
    members = rooms.members(db.session, live)
    overview = []
    for room in live.rooms:
        present = presence.peers(room.board_id)
        overview.append(
            {
                **room_state(room, live),
                "members": [
                    {"identity": m.identity, "name": m.name}
                    for m in members
                    if m.room_id == room.id
                ],
                "present": [p.to_wire()["name"] for p in present],
                "present_count": len({p.identity for p in present}),
                "signals": signals_wire(rooms.signals(db.session, room), True),
                "tally": rooms.tally(db.session, room),
                "items": rooms.thumbnail(db.session, room.board_id),
            }
        )
    return overview


def ended_state(board_id: int) -> dict[str, Any]:
    """A board with no session (any more): its real locks."""
    board = db.session.get(Board, board_id)
    return {
        "board_id": board_id,
        "session": None,
        "room": None,
        "locked": board.locked,
        "locked_frames": rooms.locked_frames(db.session, board_id),
    }


def push_ended(board_id: int) -> None:
    """The session on this room's board ended: its participants and conductors are told."""
    ended = ended_state(board_id)
    for name in (peers_room(board_id), conduct_room(board_id)):
        socketio.emit(P.ROOM_STATE, ended, to=name)


# --- people present -------------------------------------------------------------------------------


class PresentCounts:
    """Sessions on whose boards someone arrived or left. Each gets one small `present_changed`
    (every room's count) at most every PRESENT_INTERVAL_MS, however many people come at once:
    sixty people joining cost one message per socket per interval, not sixty room states.
    The first send waits PRESENT_SETTLE_MS, so a burst of arrivals goes out as one. Marked
    after the engine counted the socket present (or no longer present): the count read at
    the send includes it."""

    def __init__(self) -> None:
        self._pending: set[int] = set()
        self._last: dict[int, float] = {}  # session -> monotonic time of its last send
        self._lock = threading.Lock()

    def mark(self, session_id: int) -> None:
        now = time.monotonic()
        with self._lock:
            if session_id in self._pending:
                return  # the send already scheduled will count this one too
            self._pending.add(session_id)
            since = now - self._last.get(session_id, -1e9)
            wait = max(P.PRESENT_SETTLE_MS, P.PRESENT_INTERVAL_MS - since * 1000) / 1000
            if len(self._last) > 1000:  # forget sessions quiet for longer than an interval
                self._last = {
                    k: v for k, v in self._last.items() if now - v < P.PRESENT_INTERVAL_MS / 1000
                }
        socketio.start_background_task(
            self._send_after, current_app._get_current_object(), session_id, wait
        )

    def _send_after(self, app, session_id: int, wait: float) -> None:
        socketio.sleep(wait)
        with self._lock:
            # Taken off before counting: someone arriving during the send is sent next time.
            self._pending.discard(session_id)
            self._last[session_id] = time.monotonic()
        with app.app_context():
            try:
                push_present(session_id)
            except Exception:  # noqa: BLE001 - a failed count must not stop the next ones
                log.exception("presence count of session %s failed", session_id)
            finally:
                db.session.remove()


def push_present(session_id: int) -> None:
    """Every room's count of people present, to the session's conductors and the sockets on
    its boards (counts are no secret: participants choosing a group see them)."""
    live = db.session.get(LiveSession, session_id)
    if live is None or live.closed_at is not None:
        return
    message = {
        "session_id": live.id,
        "rooms": [
            {"room_id": r.id, "board_id": r.board_id, "present": present_count(r.board_id)}
            for r in live.rooms
        ],
    }
    to = [live_conduct_room(live.id)] + [peers_room(r.board_id) for r in live.rooms]
    socketio.emit(P.PRESENT_CHANGED, message, to=to)


present_counts = PresentCounts()


# --- thumbnails ------------------------------------------------------------------------------------


class Thumbnails:
    """Rooms whose boards changed since the last flush; one thumbnail per room per interval."""

    def __init__(self) -> None:
        self._dirty: set[int] = set()
        self._lock = threading.Lock()
        self._started = False
        self.on_flush = None  # run after each flush (the rooms' handlers drop stale budgets)

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
            if self.on_flush is not None:
                self.on_flush()


def flush_thumbnails(room_ids: set[int]) -> None:
    for room in db.session.scalars(sa.select(Room).where(Room.id.in_(room_ids))):
        socketio.emit(
            P.THUMBNAIL_CHANGED,
            {
                "session_id": room.live_session_id,
                "room_id": room.id,
                "board_id": room.board_id,
                "items": rooms.thumbnail(db.session, room.board_id),
                "present": present_count(room.board_id),
            },
            to=live_conduct_room(room.live_session_id),
        )


thumbnails = Thumbnails()
