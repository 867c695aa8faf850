"""SQLAlchemy engine and session for Flask, with models kept free of Flask.

The models subclass a plain `DeclarativeBase` (models/base.py) so the domain packages can be
used and tested without an app; this extension only owns the engine and the request-scoped
session.
"""

from __future__ import annotations

import json
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, orm

from workshop.models.base import Base

# SQLite waits this long for another writer before giving up with "database is locked".
# The wait is a C call: under eventlet or gevent it freezes every green thread of the process,
# so the server's entry point asks for a much shorter one (see __main__).
SQLITE_BUSY_TIMEOUT_MS = 10_000
# A server process's PostgreSQL pool, unless configured (config.py says how it is sized).
DB_POOL_SIZE = 10
DB_MAX_OVERFLOW = 20
DB_POOL_TIMEOUT_S = 10.0
# A pooled PostgreSQL connection that sat unused for longer than this is pinged before it is
# handed out (the server may have closed it meanwhile: a restart, an idle timeout). One that
# came back to the pool less than this ago is not: at a plenary's pace every change took a
# connection from the pool, and the ping was one round trip in ten of a change's.
PING_AFTER_IDLE_S = 5.0
_IDLE_SINCE = "workshop.idle_since"  # in a pooled connection's info: when it came back


def make_engine(
    url: str, *, sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS, **options: Any
) -> sa.Engine:
    """An engine with the settings every deployment of ours wants."""
    # A database error's message would otherwise carry the statement's values (board text,
    # names) into the logs.
    options.setdefault("hide_parameters", True)
    # JSON stored as people wrote it ("città", not "citt\\u00e0"): smaller, and searchable.
    options.setdefault("json_serializer", _json_text)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False}, **options)
        _tune_sqlite(engine, sqlite_busy_timeout_ms)
        return engine
    ping_after_idle_s = options.pop("ping_after_idle_s", PING_AFTER_IDLE_S)
    engine = sa.create_engine(url, **options)
    _ping_when_idle(engine, ping_after_idle_s)
    return engine


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _ping_when_idle(engine: sa.Engine, idle_s: float) -> None:
    """SQLAlchemy's pessimistic disconnect handling (its pre-ping), for the connections that
    sat in the pool longer than `idle_s` only. A ping that fails raises DisconnectionError: the
    pool drops that connection and hands out a new one, and the caller never sees it."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record):
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection, record, _proxy):
        idle_since = record.info.pop(_IDLE_SINCE, None)
        if idle_since is None or time.monotonic() - idle_since < idle_s:
            return  # just connected, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise sa.exc.DisconnectionError("the database closed an idle connection") from error


def _tune_sqlite(engine: sa.Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial wiring
        cursor = dbapi_connection.cursor()
        # WAL lets readers go on while one writer commits; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()


class Database:
    """Flask extension: `db.engine`, `db.session` (one per request or socket event)."""

    metadata = Base.metadata

    def __init__(self) -> None:
        self.engine: sa.Engine | None = None
        self.session_factory = orm.sessionmaker(expire_on_commit=False)
        self.session = orm.scoped_session(self.session_factory)

    def init_app(self, app) -> None:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        pool = {}
        if not url.startswith("sqlite"):
            pool = {
                "pool_size": app.config.get("DB_POOL_SIZE", DB_POOL_SIZE),
                "max_overflow": app.config.get("DB_MAX_OVERFLOW", DB_MAX_OVERFLOW),
                "pool_timeout": app.config.get("DB_POOL_TIMEOUT_S", DB_POOL_TIMEOUT_S),
            }
        self.engine = make_engine(
            url, sqlite_busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"], **pool
        )
        self.session_factory.configure(bind=self.engine)
        app.extensions["workshop_db"] = self

        @app.teardown_appcontext
        def _remove_session(exc):
            # A failed request leaves nothing half-done behind it.
            if exc is not None:
                self.session.rollback()
            self.session.remove()

    def check(self) -> None:
        """Raise unless the database answers and would take a write now.

        PostgreSQL locks rows, so answering is enough. SQLite has one write lock for the whole
        file: another process holding it (a backup, a stuck command) stops every change while
        reads still work, so the lock is taken and released at once to see.
        """
        with self.engine.connect() as conn:
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                conn.exec_driver_sql("ROLLBACK")
            else:
                conn.execute(sa.text("SELECT 1"))

    def create_all(self) -> None:
        Base.metadata.create_all(self.engine)

    def drop_all(self) -> None:
        Base.metadata.drop_all(self.engine)
