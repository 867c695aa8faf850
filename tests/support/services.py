"""The real PostgreSQL and Redis servers: found, or skipped with a reason (failed under CI)."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str):
    """Skip on a laptop without the server; fail under CI, where it must be there."""
    if under_ci():
        pytest.fail(f"{reason} (CI=true: the server must be running)", pytrace=False)
    pytest.skip(reason)


def postgres_admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        return url
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)


def _with_database(url: str, name: str) -> str:
    return (
        sa.engine.make_url(url)
        .set(drivername="postgresql+psycopg2", database=name)
        .render_as_string(hide_password=False)
    )


class ScratchPostgres:
    """A database of its own on the real server, dropped afterwards."""

    def __init__(self) -> None:
        self.admin_url = _with_database(
            postgres_admin_url(), sa.engine.make_url(postgres_admin_url()).database or "postgres"
        )
        self.name = f"workshop_test_{uuid.uuid4().hex[:12]}"
        self.url = _with_database(self.admin_url, self.name)
        self._admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")

    def __enter__(self) -> ScratchPostgres:
        try:
            with self._admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        except sa.exc.OperationalError as error:
            self._admin.dispose()
            unavailable(f"PostgreSQL is not reachable at {self.admin_url}: {error.orig}")
        return self

    def __exit__(self, *exc) -> None:
        with self._admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": self.name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}"'))
        self._admin.dispose()


def require_redis() -> str:
    import redis

    url = redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis is not reachable at {url}: {error}")
    return url


def wants_postgres() -> bool:
    """The suite's main database: PostgreSQL when DATABASE_URL names it (as CI does)."""
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql"))
