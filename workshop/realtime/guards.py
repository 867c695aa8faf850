"""What every socket event goes through: a live principal, a rate budget, errors as acks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, request
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from workshop import protocol as P
from workshop.boards.errors import BadRequest, BoardError
from workshop.extensions import db
from workshop.realtime.sessions import SocketAuth, registry

log = logging.getLogger(__name__)


class Unauthorized(BoardError):
    code = P.UNAUTHORIZED


class RateLimited(BoardError):
    code = P.RATE_LIMITED


class NotJoined(BoardError):
    code = P.NOT_JOINED


def error_ack(error: BoardError) -> dict[str, Any]:
    return {"ok": False, "error": error.to_wire()}


Handler = Callable[[SocketAuth, Any], dict[str, Any] | None]


def socket_event(handler: Handler):
    """Wrap a handler for Flask-SocketIO (a request context per event): the socket must have a
    live principal; every refusal becomes an ack {ok: false, error: {code, message, field?}};
    nothing unexpected reaches the client."""

    @wraps(handler)
    def wrapper(payload: Any = None, *extra: Any):
        return guarded(handler, request.sid, payload, extra)

    return wrapper


def app_context_event(app: Flask, handler: Handler):
    """The same guard for a handler registered on the Socket.IO server itself, in an app
    context and no request context: a board's changes need neither the request Flask-SocketIO
    builds for each event nor the cookie session (5% of the server's CPU at 60 x 2 writes/s).
    The handler reads its socket from `entry.sid`."""

    def on_event(sid: str, payload: Any = None, *extra: Any):
        with app.app_context():
            return guarded(handler, sid, payload, extra)

    on_event.__name__ = handler.__name__
    return on_event


def guarded(handler: Handler, sid: str, payload: Any, extra: tuple) -> dict[str, Any] | None:
    """The guard of every socket event (socket_event, app_context_event)."""
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
    except (OperationalError, DBAPIError, PoolTimeout) as error:
        db.session.rollback()
        # A pool with no connection free in time is busy, not broken: retry.
        if isinstance(error, OperationalError | PoolTimeout) or error.connection_invalidated:
            log.warning(
                "storage unavailable during %s (sid=%s who=%s): %s",
                event,
                sid,
                who,
                getattr(error, "orig", None) or error,
            )
            return error_ack(BoardError("storage is unavailable; retry", code=P.UNAVAILABLE))
        log.exception("database error during %s (sid=%s who=%s)", event, sid, who)
        return error_ack(BoardError("unexpected error; nothing was applied", code=P.INTERNAL))
    except RedisError as error:
        # The shared calls' registry (shared_registry.py) is unreachable: retry later.
        log.warning("Redis unavailable during %s (sid=%s who=%s): %s", event, sid, who, error)
        return error_ack(BoardError("a service is unavailable; retry", code=P.UNAVAILABLE))
    except Exception:
        db.session.rollback()
        log.exception("unhandled error during %s (sid=%s who=%s)", event, sid, who)
        return error_ack(BoardError("unexpected error; nothing was applied", code=P.INTERNAL))
    finally:
        db.session.remove()


# --- payload shapes shared by the rooms' and the calls' handlers ----------------------------------


def payload_fields(
    payload: Any, required: set[str], optional: set[str] = frozenset()
) -> dict[str, Any]:
    """The payload, when it is an object with every required key and no unknown one."""
    if (
        not isinstance(payload, dict)
        or not required <= set(payload)
        or set(payload) - required - optional
    ):
        names = ", ".join(sorted(required) + [f"{n}?" for n in sorted(optional)])
        raise BadRequest(f"this event takes {{{names}}}")
    return payload


def flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise BadRequest(f"{name} must be true or false", field=name)
    return value
