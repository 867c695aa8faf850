"""Real server processes and stock python-socketio clients, for chaos and multi-process tests.

The people, project and invite are written into the scratch database through the services before
a server starts; each client's cookie is a Flask session signed with the server's SECRET_KEY, so
no page has to render.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import socketio
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import orm

from tests.support.live_server import LiveServer
from workshop import protocol as P
from workshop.access import service as access
from workshop.config import Config
from workshop.database import make_engine
from workshop.models import Base, InviteRole, User, UserRole, utcnow
from workshop.projects import service as projects

SECRET_KEY = "real-server-tests-" + "k" * 40
LIFETIME = timedelta(hours=2)


@dataclass
class Seeded:
    """What the scratch database holds: one project, its boards, and a cookie per person."""

    url: str
    board: int
    board_b: int
    cookies: dict[str, str]  # person -> Cookie header
    auth_ids: dict[str, str]


def seed(url: str, participants: int = 6) -> Seeded:
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with orm.Session(engine, expire_on_commit=False) as session:
        organizer = User(
            email=f"org-{secrets.token_hex(4)}@example.org", name="Olga", role=UserRole.ORGANIZER
        )
        organizer.password_hash = "!"  # never logs in by password here
        conductor = User(
            email=f"cond-{secrets.token_hex(4)}@example.org", name="Carlo", role=UserRole.CONDUCTOR
        )
        conductor.password_hash = "!"
        session.add_all([organizer, conductor])
        session.flush()
        project = projects.create_project(session, {"title": "Chaos"}, organizer)
        projects.assign_conductor(session, project, conductor)
        invite = access.create_invite(
            session, project.id, organizer.id, role=InviteRole.PARTICIPANT
        )
        auth = {
            "organizer": access.open_user_session(session, organizer, LIFETIME, utcnow()).id,
            "conductor": access.open_user_session(session, conductor, LIFETIME, utcnow()).id,
        }
        for n in range(participants):
            auth[f"p{n}"] = access.join(session, invite, f"Participant {n}", LIFETIME, utcnow()).id
        session.commit()
        boards = sorted(b.id for b in project.boards)
    engine.dispose()
    return Seeded(url, boards[0], boards[1], {k: cookie_header(v) for k, v in auth.items()}, auth)


def cookie_header(auth_session_id: str, secret_key: str = SECRET_KEY) -> str:
    """The Cookie header a browser would hold after logging in: a signed Flask session."""
    app = Flask("cookie-signer")
    app.secret_key = secret_key
    signer = SecureCookieSessionInterface().get_signing_serializer(app)
    value = signer.dumps(
        {"auth_session_id": auth_session_id, "_user_id": auth_session_id, "_fresh": True}
    )
    return f"{Config.SESSION_COOKIE_NAME}={value}"


def server_env(url: str, instance: Path, **extra: str) -> dict[str, str]:
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "WORKSHOP_ENV": "development",
        "WORKSHOP_INSTANCE_DIR": str(instance),
        "SOCKETIO_ASYNC_MODE": "gevent",
        "REDIS_URL": "",
        "WORKSHOP_SOCKETIO_CHANNEL": f"workshop-test-{secrets.token_hex(6)}",
    }
    env.update(extra)
    return env


def start_server(env: dict[str, str], log_path: Path, port: int | None = None) -> LiveServer:
    return LiveServer(env, port=port, log_path=log_path).start()


@dataclass
class RealClient:
    """A stock python-socketio client over the websocket transport, recording what arrives."""

    name: str
    url: str
    cookie: str
    sio: socketio.Client = field(default_factory=lambda: socketio.Client(reconnection=False))
    events: list[tuple[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        def record(event, data=None):
            with self.lock:
                self.events.append((event, data))

        self.sio.on("*", record)
        self.sio.on("disconnect", lambda reason=None: record("disconnect", reason))

    def connect(self) -> RealClient:
        self.sio.connect(
            self.url, headers={"Cookie": self.cookie}, transports=["websocket"], wait_timeout=10
        )
        return self

    @property
    def connected(self) -> bool:
        return self.sio.connected

    def call(self, event: str, payload: Any, timeout: float = 10) -> Any:
        return self.sio.call(event, payload, timeout=timeout)

    def join(self, board_id: int, since_seq: int | None = None) -> dict:
        payload: dict[str, Any] = {"protocol": P.PROTOCOL_VERSION, "board_id": board_id}
        if since_seq is not None:
            payload["since_seq"] = since_seq
        return self.call(P.JOIN_BOARD, payload)

    def apply(self, board_id: int, ops: list[dict], change_id: str, timeout: float = 10) -> dict:
        payload = {"board_id": board_id, "change_id": change_id, "client_id": self.name, "ops": ops}
        return self.call(P.APPLY_CHANGE, payload, timeout=timeout)

    def received(self, event: str) -> list[Any]:
        with self.lock:
            return [data for name, data in self.events if name == event]

    def wait_for(self, predicate: Callable[[], Any], timeout_s: float = 5) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.02)
        return predicate()

    def close(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001 - already gone
            pass
        # A socket the server dropped is not closed by the client library itself.
        for resource in (getattr(self.sio.eio, "ws", None), getattr(self.sio.eio, "http", None)):
            if resource is not None:
                try:
                    resource.close()
                except Exception:  # noqa: BLE001 - already closed
                    pass


def apply_with_retry(
    client: RealClient, board_id: int, ops: list[dict], change_id: str, deadline_s: float = 30
) -> dict:
    """Send a change until it gets a final answer, waiting out rate limits and outages."""
    deadline = time.monotonic() + deadline_s
    while True:
        ack = client.apply(board_id, ops, change_id)
        if (
            ack["ok"]
            or ack["error"]["code"] not in P.RETRYABLE_ERRORS
            or time.monotonic() > deadline
        ):
            return ack
        time.sleep(1 / P.CHANGES_PER_SECOND)


def sticky(item_id: str, **fields: Any) -> dict:
    return {"op": "create", "id": item_id, "type": "sticky", "fields": fields}


# Logged with their traceback on purpose: failures the server handled and will retry.
HANDLED_WITH_TRACEBACK = ("session re-check failed",)


def server_log_problems(
    log_path: Path, handled: tuple[str, ...] = HANDLED_WITH_TRACEBACK
) -> list[str]:
    """Unhandled exceptions a server wrote to its log: tracebacks not announced by a handled
    failure, and errors python-socketio or our guard caught from a handler."""
    if not log_path.exists():
        return []
    lines = log_path.read_text(errors="replace").splitlines()
    problems = []
    for n, line in enumerate(lines):
        if line.startswith("Traceback"):
            before = next((p for p in reversed(lines[:n]) if p.strip()), "")
            if before.startswith(("The above exception", "During handling")):
                continue  # the same report, chained
            if any(h in before for h in handled):
                continue
            problems.append(f"{before[:120]} -> {line}")
        elif (
            "unhandled error during" in line
            or "handler error" in line
            or "database error during" in line
        ):
            problems.append(line)
    return problems
