"""Which principal stands behind each open socket, and taking that away when rights change.

The Flask-SocketIO session is a copy frozen at connect, so an HTTP logout never reaches a live
socket by itself, and socket events do not re-read the database. This registry keeps, per socket
of this process, the AuthSession id and the principal last loaded for it. A logout, a revoked
invite, a removed participant, a closed account or a removed conductor re-loads the affected
sockets' principals at once on every process (realtime/rights.py carries the change over Redis);
a sweep re-loads every socket's every AUTH_RECHECK_INTERVAL_S as a safety net (Redis down, a
message lost).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask.sessions import SecureCookieSessionInterface

from workshop.access.principal import Principal
from workshop.realtime.budget import Budget
from workshop.realtime.rights import RightsChange

log = logging.getLogger(__name__)

# Kept in a socket's handshake environ: the cookie session its connect read.
SOCKET_SESSION = "workshop.socket_session"


class SocketEventsSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie sessions, opened once per socket.

    Flask-SocketIO gives every event a request context on the socket's handshake environ, and
    Flask opens the cookie session for each: an HMAC check and a JSON parse, about 4% of the
    server's CPU on a busy board. That environ's cookie never changes, so its events get the
    session that the connect opened (the language a conductor chose, say) without opening it
    again. Socket events never write the session (no response carries it back)."""

    def open_session(self, app: Any, request: Any) -> Any:
        opened = request.environ.get(SOCKET_SESSION)
        if opened is not None:
            return opened
        return super().open_session(app, request)


@dataclass
class SocketAuth:
    sid: str
    auth_session_id: str
    principal: Principal
    checked_at: float  # time.monotonic() of the last load
    boards: set[int] = field(default_factory=set)  # boards this socket joined
    board_projects: dict[int, int] = field(default_factory=dict)  # joined board -> its project
    budget: Budget = field(default_factory=Budget)
    # Boards followed with `watch` (no presence): allowed only beside a board of the same
    # project joined in full (handlers.on_join_board).
    watching: set[int] = field(default_factory=set)
    # Full joins under way: a watch that arrives meanwhile (a reconnect re-joins every board
    # at once, and events run concurrently) waits for them.
    joins_in_flight: int = 0

    def present_projects(self) -> set[int]:
        """The projects of the boards this socket joined in full (present in their presence)."""
        return {
            self.board_projects[b] for b in self.boards - self.watching if b in self.board_projects
        }


class SocketRegistry:
    """Local to one process: with several processes each keeps its own sockets."""

    def __init__(self) -> None:
        self._by_sid: dict[str, SocketAuth] = {}
        self._lock = threading.Lock()
        # Set by the socket layer: re-checks the sockets a change affects (a background task).
        self.on_rights_changed: Callable[[RightsChange], None] | None = None

    def add(self, sid: str, principal: Principal) -> SocketAuth:
        entry = SocketAuth(sid, principal.auth_session_id, principal, time.monotonic())
        with self._lock:
            self._by_sid[sid] = entry
        return entry

    def get(self, sid: str) -> SocketAuth | None:
        return self._by_sid.get(sid)

    def remove(self, sid: str) -> SocketAuth | None:
        with self._lock:
            return self._by_sid.pop(sid, None)

    def all(self) -> list[SocketAuth]:
        with self._lock:
            return list(self._by_sid.values())

    def count_of_person(self, identity: str) -> int:
        """Open sockets of one person ("u:7", "p:42") on this process."""
        return sum(1 for e in self.all() if e.principal.identity == identity)

    def sids_of_session(self, auth_session_id: str) -> list[str]:
        return [e.sid for e in self.all() if e.auth_session_id == auth_session_id]

    def board_sockets(self, board_id: int) -> list[SocketAuth]:
        return [e for e in self.all() if board_id in e.boards]


registry = SocketRegistry()


def session_ended(auth_session_id: str) -> None:
    """A logout over HTTP (after its commit): this session's sockets close, on every process."""
    _publish(RightsChange.session(auth_session_id))


def rights_changed(change: RightsChange | None = None) -> None:
    """After the commit that took rights away: the sockets the change names (every socket when
    None) re-load their principal now, on this process and, through Redis, on the others."""
    _publish(change or RightsChange.everyone())


def _publish(change: RightsChange) -> None:
    from flask import current_app, has_app_context

    if registry.on_rights_changed is not None:  # this process, at once, Redis or not
        registry.on_rights_changed(change)
    bus = current_app.extensions.get("workshop_rights_bus") if has_app_context() else None
    if bus is not None:
        bus.publish(change)  # the others
