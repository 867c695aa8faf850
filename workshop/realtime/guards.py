"""What every socket event goes through: a live principal, a rate budget, errors as acks."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import request
from sqlalchemy.exc import DBAPIError, OperationalError

from workshop import protocol as P
from workshop.boards.errors import BadRequest, BoardError
from workshop.extensions import db
from workshop.realtime.sessions import SocketAuth, registry

log = logging.getLogger(__name__)


@dataclass
class TokenBucket:
    """`rate` tokens a second, up to `burst` saved; take() is False when the bucket is empty."""

    rate: float
    burst: float
    tokens: float = field(default=-1.0)
    updated: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.burst

    def take(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


# A socket refused FLOOD_STRIKES_BEFORE_DISCONNECT times for its rate within this window is
# disconnected. Counting "in a row" instead would never trip: a flood still gets a change
# through every 1/CHANGES_PER_SECOND s, which would reset the count.
FLOOD_WINDOW_S = 10


@dataclass
class Budget:
    """One socket's budgets, and how many more rate refusals it may collect before it is
    disconnected for flooding (refilled over FLOOD_WINDOW_S)."""

    changes: TokenBucket = field(default_factory=lambda: TokenBucket(P.CHANGES_PER_SECOND, P.CHANGE_BURST))
    cursors: TokenBucket = field(
        default_factory=lambda: TokenBucket(P.CURSOR_MOVES_PER_SECOND, P.CURSOR_MOVES_PER_SECOND)
    )
    strikes: TokenBucket = field(
        default_factory=lambda: TokenBucket(
            P.FLOOD_STRIKES_BEFORE_DISCONNECT / FLOOD_WINDOW_S, P.FLOOD_STRIKES_BEFORE_DISCONNECT
        )
    )
    disconnecting: bool = False

    def strike(self) -> bool:
        """Count one refusal for rate; True the first time the socket has used up its strikes."""
        if self.strikes.take() or self.disconnecting:
            return False
        self.disconnecting = True
        return True


class Unauthorized(BoardError):
    code = P.UNAUTHORIZED


class RateLimited(BoardError):
    code = P.RATE_LIMITED


class NotJoined(BoardError):
    code = P.NOT_JOINED


def error_ack(error: BoardError) -> dict[str, Any]:
    return {"ok": False, "error": error.to_wire()}


def socket_event(handler: Callable[[SocketAuth, Any], dict[str, Any] | None]):
    """Wrap a handler: the socket must have a live principal; every refusal becomes an ack
    {ok: false, error: {code, message, field?}}; nothing unexpected reaches the client."""

    @wraps(handler)
    def wrapper(payload: Any = None, *extra: Any):
        sid = request.sid
        entry = registry.get(sid)
        # Logs name the socket, the person and the event, never the payload.
        who = entry.principal.identity if entry is not None else "-"
        event = handler.__name__.removeprefix("on_")
        try:
            if entry is None:
                raise Unauthorized("this socket has no live session")
            if extra:
                raise BadRequest("an event carries one payload object")
            return handler(entry, payload)
        except BoardError as error:
            if error.code in (P.FORBIDDEN, P.UNAUTHORIZED, P.RATE_LIMITED):
                log.info("refused %s from sid=%s who=%s: %s", event, sid, who, error.code)
            return error_ack(error)
        except (OperationalError, DBAPIError) as error:
            db.session.rollback()
            if isinstance(error, OperationalError) or error.connection_invalidated:
                log.warning(
                    "storage unavailable during %s (sid=%s who=%s): %s",
                    event,
                    sid,
                    who,
                    error.orig or error,
                )
                return error_ack(BoardError("storage is unavailable; retry", code=P.UNAVAILABLE))
            log.exception("database error during %s (sid=%s who=%s)", event, sid, who)
            return error_ack(BoardError("unexpected error; nothing was applied", code=P.INTERNAL))
        except Exception:
            db.session.rollback()
            log.exception("unhandled error during %s (sid=%s who=%s)", event, sid, who)
            return error_ack(BoardError("unexpected error; nothing was applied", code=P.INTERNAL))
        finally:
            db.session.remove()

    return wrapper
