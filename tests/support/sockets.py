"""In-process socket clients for the board protocol, logged in without any page.

A client gets an AuthSession from the access service (a login or an invite join), the ids are
written into the Flask test client's cookie session, and `socketio.test_client` connects with
that cookie, exactly as a browser would after the login form.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from workshop import protocol as P
from workshop.access import service as access
from workshop.extensions import db, socketio
from workshop.models import AuthSession, Invite, InviteRole, User, utcnow
from workshop.realtime.budget import Budget
from workshop.realtime.sessions import SocketAuth, registry

LIFETIME = timedelta(hours=1)
_counter = itertools.count(1)


def user_session(user: User) -> str:
    auth = access.open_user_session(db.session, user, LIFETIME, utcnow())
    db.session.commit()
    return auth.id


def participant_session(invite: Invite, name: str) -> str:
    auth = access.join(db.session, invite, name, LIFETIME, utcnow())
    db.session.commit()
    return auth.id


def participant_of(auth_session_id: str):
    return db.session.get(AuthSession, auth_session_id).participant


@dataclass
class BoardClient:
    """One browser tab: a Flask test client holding the cookie, and its socket."""

    app: Any
    http: Any
    socket: Any
    name: str
    auth_session_id: str | None
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    inbox: list[dict[str, Any]] = field(default_factory=list)

    # --- sending ---------------------------------------------------------------------------------

    def emit(self, event: str, *args: Any) -> Any:
        """Send an event asking for an ack; returns the ack (None when the server sent none)."""
        return self.socket.emit(event, *args, callback=True)

    def join(self, board_id: int, since_seq: int | None = None, **extra: Any) -> dict:
        payload = {"protocol": P.PROTOCOL_VERSION, "board_id": board_id, **extra}
        if since_seq is not None:
            payload["since_seq"] = since_seq
        return self.emit(P.JOIN_BOARD, payload)

    def leave(self, board_id: int) -> dict:
        return self.emit(P.LEAVE_BOARD, {"board_id": board_id})

    def apply(self, board_id: int, ops: list[dict], change_id: str | None = None) -> dict:
        return self.emit(P.APPLY_CHANGE, self.change(board_id, ops, change_id))

    def change(self, board_id: int, ops: list[dict], change_id: str | None = None) -> dict:
        return {
            "board_id": board_id,
            "change_id": change_id or f"{self.name}:{next(self.counter)}",
            "client_id": self.name,
            "ops": ops,
        }

    def move_cursor(self, board_id: int, x: float, y: float) -> Any:
        return self.socket.emit(P.MOVE_CURSOR, {"board_id": board_id, "x": x, "y": y})

    # --- receiving --------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self.socket.is_connected()

    def received(self, event: str | None = None) -> list[Any]:
        """Everything received since the last call (kept per event name), oldest first."""
        if self.connected:
            self.inbox.extend(self.socket.get_received())
        else:
            # get_received refuses once disconnected; the queue still holds what arrived.
            self.inbox.extend(self.socket.queue)
            self.socket.queue = []
        if event is None:
            taken, self.inbox = self.inbox, []
        else:
            taken = [m for m in self.inbox if m["name"] == event]
            self.inbox = [m for m in self.inbox if m["name"] != event]
        return [m["args"][0] if len(m["args"]) == 1 else m["args"] for m in taken]

    def wait_for(self, predicate: Callable[[], Any], timeout_s: float = 3.0) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.01)
        return predicate()

    # --- the server's record of this socket --------------------------------------------------------

    @property
    def sid(self) -> str | None:
        return socketio.server.manager.sid_from_eio_sid(self.socket.eio_sid, "/")

    @property
    def entry(self) -> SocketAuth | None:
        sid = self.sid
        return registry.get(sid) if sid else None

    def refill_budget(self) -> None:
        """A fresh rate budget, so a long corpus tests validation, not the rate limit."""
        entry = self.entry
        if entry is not None:
            entry.budget = Budget()

    def rooms(self) -> list[str]:
        sid = self.sid
        if not sid:
            return []
        return [
            r for r in socketio.server.manager.get_rooms(sid, "/") if r and r.startswith("board:")
        ]

    def disconnect(self) -> None:
        if self.connected:
            self.socket.disconnect()

    def reconnect(self) -> None:
        """A new socket for the same tab (a dropped connection), with the same cookie."""
        self.disconnect()
        self.socket = socketio.test_client(self.app, flask_test_client=self.http)


class Clients:
    """Opens socket clients for a test and closes every one of them afterwards."""

    def __init__(self, app) -> None:
        self.app = app
        self.opened: list[BoardClient] = []

    def open(
        self, auth_session_id: str | None, name: str | None = None, headers: dict | None = None
    ) -> BoardClient:
        http = self.app.test_client()
        if auth_session_id is not None:
            with http.session_transaction() as cookie:
                cookie["auth_session_id"] = auth_session_id
                cookie["_user_id"] = auth_session_id
                cookie["_fresh"] = True
        socket = socketio.test_client(self.app, flask_test_client=http, headers=headers)
        client = BoardClient(
            self.app, http, socket, name or f"tab{next(_counter)}", auth_session_id
        )
        self.opened.append(client)
        return client

    def as_user(self, user: User, name: str | None = None) -> BoardClient:
        return self.open(user_session(user), name)

    def as_participant(self, invite: Invite, name: str = "Bea") -> BoardClient:
        return self.open(participant_session(invite, name), name.lower().replace(" ", "-"))

    def close_all(self) -> None:
        for client in self.opened:
            client.disconnect()


def observer_invite(project_id: int) -> Invite:
    invite = access.create_invite(db.session, project_id, None, role=InviteRole.OBSERVER)
    db.session.commit()
    return invite


def sticky(item_id: str, **fields: Any) -> dict:
    return {"op": "create", "id": item_id, "type": "sticky", "fields": fields}


def update(item_id: str, **fields: Any) -> dict:
    return {"op": "update", "id": item_id, "fields": fields}


def delete(item_id: str) -> dict:
    return {"op": "delete", "id": item_id}


def restore(item_id: str) -> dict:
    return {"op": "restore", "id": item_id}


def connector(item_id: str, source: str, target: str, **fields: Any) -> dict:
    return {
        "op": "create",
        "id": item_id,
        "type": "connector",
        "fields": {"from": source, "to": target, **fields},
    }


def csrf_token(app, http) -> str:
    """A CSRF token for this Flask test client's session, made the way Flask-WTF makes one, so
    a test can post a form without rendering its page."""
    import hashlib
    import os

    from itsdangerous import URLSafeTimedSerializer

    with http.session_transaction() as cookie:
        raw = cookie.get("csrf_token") or hashlib.sha1(os.urandom(64)).hexdigest()
        cookie["csrf_token"] = raw
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)
