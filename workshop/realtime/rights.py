"""Rights changes told to every process, so that each re-checks its own sockets at once.

A logout, a revoked invite, a removed participant, a closed account or a conductor taken off a
project is committed by one process (the one that served the HTTP request); the sockets of that
person may sit on any process. The process that made the change re-checks its own sockets at
once and publishes a small message on a Redis pub/sub channel of its own (beside Socket.IO's);
every other process, on receipt, re-loads the principal of the sockets the message names and
ends or narrows them (handlers._recheck_sessions).

The message says only *whom* to re-check, never what their rights are: the database stays the
only authority, so a forged or replayed message can cause a re-check and nothing else. A session
is named by a digest of its id (the id itself is a bearer secret and never leaves the process).

Redis down: the publishing process still acts on its own sockets, the publish is logged and
dropped, and the other processes' sweep (AUTH_RECHECK_INTERVAL_S) catches up.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workshop.access.principal import Principal

log = logging.getLogger(__name__)

WIRE_VERSION = 1
MAX_MESSAGE_BYTES = 512  # a message is ~100 bytes; anything larger is not ours
SESSION_DIGEST_CHARS = 32  # hex of blake2s: enough to never confuse two live sessions
REDIS_TIMEOUT_S = 0.5  # a publish must not hold an HTTP request while Redis is unreachable
LISTEN_POLL_S = 1.0  # the listener wakes this often to notice it was stopped
RECONNECT_MIN_S, RECONNECT_MAX_S = 0.2, 5.0  # back-off while Redis is unreachable

EVERYONE, SESSION, USER, PARTICIPANT, INVITE = "all", "session", "user", "participant", "invite"
KINDS = (EVERYONE, SESSION, USER, PARTICIPANT, INVITE)


def session_digest(auth_session_id: str) -> str:
    return hashlib.blake2s(auth_session_id.encode()).hexdigest()[:SESSION_DIGEST_CHARS]


@dataclass(frozen=True)
class RightsChange:
    """Whose sockets to re-check: one session, one account, one participant, everyone who joined
    through one invite, or every socket (`all`)."""

    kind: str
    key: int | str | None = None

    @classmethod
    def everyone(cls) -> RightsChange:
        return cls(EVERYONE)

    @classmethod
    def session(cls, auth_session_id: str) -> RightsChange:
        return cls(SESSION, session_digest(auth_session_id))

    @classmethod
    def user(cls, user_id: int) -> RightsChange:
        return cls(USER, user_id)

    @classmethod
    def participant(cls, participant_id: int) -> RightsChange:
        return cls(PARTICIPANT, participant_id)

    @classmethod
    def invite(cls, invite_id: int) -> RightsChange:
        return cls(INVITE, invite_id)

    def affects(self, who: Principal) -> bool:
        if self.kind == EVERYONE:
            return True
        if self.kind == SESSION:
            return session_digest(who.auth_session_id) == self.key
        if self.kind == USER:
            return who.user_id == self.key
        if self.kind == PARTICIPANT:
            return who.participant_id == self.key
        return self.kind == INVITE and who.invite_id == self.key


def encode(change: RightsChange, origin: str) -> str:
    return json.dumps(
        {"v": WIRE_VERSION, "from": origin, "kind": change.kind, "key": change.key},
        separators=(",", ":"),
    )


def decode(raw: Any) -> tuple[str, RightsChange] | None:
    """(origin, change) of a message from the channel, or None for anything else: a message we
    cannot read is dropped (logged), never acted on and never fatal to the listener."""
    if isinstance(raw, bytes | bytearray):
        if len(raw) > MAX_MESSAGE_BYTES:
            return None
        try:
            raw = bytes(raw).decode()
        except UnicodeDecodeError:
            return None
    if not isinstance(raw, str) or len(raw) > MAX_MESSAGE_BYTES:
        return None
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(message, dict) or set(message) != {"v", "from", "kind", "key"}:
        return None
    origin, kind, key = message["from"], message["kind"], message["key"]
    if message["v"] != WIRE_VERSION or type(message["v"]) is not int:
        return None
    if not isinstance(origin, str) or not 0 < len(origin) <= 64:
        return None
    if kind == EVERYONE:
        valid = key is None
    elif kind == SESSION:
        valid = (
            isinstance(key, str)
            and len(key) == SESSION_DIGEST_CHARS
            and all(c in "0123456789abcdef" for c in key)
        )
    elif kind in (USER, PARTICIPANT, INVITE):
        valid = type(key) is int and key > 0  # not a bool, not a float
    else:
        valid = False
    return (origin, RightsChange(kind, key)) if valid else None


class RightsBus:
    """One per app: publishes this process's rights changes and hands the others' to `on_change`.

    Without REDIS_URL (one process) it only acts locally.
    """

    def __init__(self, redis_url: str | None, channel: str) -> None:
        self.redis_url = redis_url
        self.channel = channel
        self.origin = secrets.token_hex(8)  # this process: its own messages come back to it
        self.on_change: Callable[[RightsChange], None] | None = None
        self._client = None
        self._stopped = threading.Event()
        self._listening = False
        self._lock = threading.Lock()

    def _redis(self):
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(
                self.redis_url,
                socket_connect_timeout=REDIS_TIMEOUT_S,
                socket_timeout=REDIS_TIMEOUT_S,
            )
        return self._client

    def publish(self, change: RightsChange) -> None:
        """Tell the other processes (this one acted already: sessions.rights_changed). Never
        raises for Redis."""
        if not self.redis_url:
            return
        import redis

        try:
            self._redis().publish(self.channel, encode(change, self.origin))
        except redis.RedisError as error:
            log.warning(
                "rights change %s not published (Redis: %s); other processes catch up at their "
                "next sweep",
                change.kind,
                str(error).splitlines()[0][:200] if str(error) else type(error).__name__,
            )

    def deliver(self, change: RightsChange) -> None:
        if self.on_change is not None:
            self.on_change(change)

    def receive(self, raw: Any) -> RightsChange | None:
        """One message from the channel: acted on when it is well-formed and another process's."""
        decoded = decode(raw)
        if decoded is None:
            log.warning("ignored a malformed rights message on %s", self.channel)
            return None
        origin, change = decoded
        if origin == self.origin:
            return None  # acted on already, when it was published
        self.deliver(change)
        return change

    def start_listening(self, spawn: Callable[[Callable[[], None]], Any]) -> None:
        """Start the listener once (`spawn` runs a function as a background task)."""
        with self._lock:
            if self._listening or not self.redis_url:
                return
            self._listening = True
        spawn(self.listen_forever)

    def stop(self) -> None:
        self._stopped.set()

    def listen_forever(self) -> None:
        """Subscribe and hand on every message; while Redis is down, retry with a back-off (the
        sweep covers what is missed meanwhile)."""
        import redis

        pause = RECONNECT_MIN_S
        while not self._stopped.is_set():
            pubsub = None
            try:
                # A client of its own without a read timeout: the pub/sub connection waits.
                pubsub = redis.Redis.from_url(
                    self.redis_url, socket_connect_timeout=REDIS_TIMEOUT_S
                ).pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                pause = RECONNECT_MIN_S
                while not self._stopped.is_set():
                    message = pubsub.get_message(timeout=LISTEN_POLL_S)
                    if message is not None and message.get("type") == "message":
                        try:
                            self.receive(message.get("data"))
                        except Exception:  # noqa: BLE001 - one bad delivery must not stop the rest
                            log.exception("rights change failed")
            except redis.RedisError as error:
                log.warning("rights listener: Redis unavailable (%s); retrying", error)
                time.sleep(pause)
                pause = min(pause * 2, RECONNECT_MAX_S)
            finally:
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except redis.RedisError:
                        pass
