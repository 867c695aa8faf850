"""The state of what the app depends on: for /healthz, and for the organizers' "servizio
degradato" notice while Redis is unreachable."""

from __future__ import annotations

import time

from flask import Flask, current_app

from workshop.extensions import db
from workshop.jobs import jobs_of

OK, UNAVAILABLE = "ok", "unavailable"
REDIS_TIMEOUT_S = 0.5  # Redis on the same network answers in a millisecond; slower is down
# The pages ask at most this often (a page view must not cost a Redis round trip each time).
NOTICE_RECHECK_S = 5.0


def _first_line(error: BaseException) -> str:
    text = str(error)
    return text.splitlines()[0][:200] if text else type(error).__name__


def database_state() -> str:
    try:
        db.check()  # answers, and (SQLite) no other process holds the write lock
        return OK
    except Exception as error:  # noqa: BLE001 - any failure means degraded, never a crash
        current_app.logger.warning("health check: database unavailable: %s", _first_line(error))
        return UNAVAILABLE


def redis_state(app: Flask | None = None) -> str | None:
    """ok / unavailable, or None when the deployment uses no Redis."""
    app = app or current_app._get_current_object()
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    import redis

    client = app.extensions.get("workshop_health_redis")
    if client is None:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S
        )
        app.extensions["workshop_health_redis"] = client
    try:
        client.ping()
        return OK
    except redis.RedisError as error:
        app.logger.warning("health check: Redis unavailable: %s", _first_line(error))
        return UNAVAILABLE


def jobs_state() -> str:
    try:
        jobs_of(current_app).check()
        return OK
    except Exception as error:  # noqa: BLE001 - any failure means degraded
        current_app.logger.warning("health check: download workers: %s", _first_line(error))
        return UNAVAILABLE


def report() -> tuple[dict, int]:
    """Each dependency the deployment has, with its state; 503 when one of them is down."""
    states = {"database": database_state()}
    redis = redis_state()
    if redis is not None:
        states["redis"] = redis
    if (
        jobs_of(current_app).name == "rq"
    ):  # separate worker processes; the in-app pool restarts itself
        states["jobs"] = jobs_state()
    down = sorted(name for name, state in states.items() if state != OK)
    body = {"status": "degraded" if down else "ok", **states}
    if down:
        body["unavailable"] = down
    return body, 503 if down else 200


class _Notice:
    """Redis's state for the pages, asked again at most every NOTICE_RECHECK_S."""

    def __init__(self) -> None:
        self.checked_at = -NOTICE_RECHECK_S
        self.degraded = False

    def __call__(self, app: Flask) -> bool:
        now = time.monotonic()
        if now - self.checked_at >= NOTICE_RECHECK_S:
            self.degraded = redis_state(app) == UNAVAILABLE
            self.checked_at = now
        return self.degraded


def init_app(app: Flask) -> None:
    notice = _Notice()

    @app.context_processor
    def _service_degraded():
        """`service_degraded()` in templates: true while Redis is unreachable."""
        return {"service_degraded": lambda: notice(app)}
