"""SQLAlchemy engine and session for Flask, with models kept free of Flask.

The models subclass a plain `DeclarativeBase` (models/base.py) so the domain packages can be
used and tested without an app; this extension only owns the engine and the request-scoped
session.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, orm

from workshop.models.base import Base

# SQLite waits this long for another writer before giving up with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, **options: Any) -> sa.Engine:
    """An engine with the settings every deployment of ours wants."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False}, **options)
        _tune_sqlite(engine)
        return engine
    # pre_ping replaces connections that the server closed while the app was idle.
    return sa.create_engine(url, pool_pre_ping=True, **options)


def _tune_sqlite(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial wiring
        cursor = dbapi_connection.cursor()
        # WAL lets readers go on while one writer commits; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()


class Database:
    """Flask extension: `db.engine`, `db.session` (one per request or socket event)."""

    metadata = Base.metadata

    def __init__(self) -> None:
        self.engine: sa.Engine | None = None
        self.session_factory = orm.sessionmaker(expire_on_commit=False)
        self.session = orm.scoped_session(self.session_factory)

    def init_app(self, app) -> None:
        self.engine = make_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        self.session_factory.configure(bind=self.engine)
        app.extensions["workshop_db"] = self

        @app.teardown_appcontext
        def _remove_session(exc):
            # A failed request leaves nothing half-done behind it.
            if exc is not None:
                self.session.rollback()
            self.session.remove()

    def create_all(self) -> None:
        Base.metadata.create_all(self.engine)

    def drop_all(self) -> None:
        Base.metadata.drop_all(self.engine)
