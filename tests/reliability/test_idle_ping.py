"""PostgreSQL connections are pinged before use only after sitting idle in the pool: one in
steady use goes straight to work (a ping is a round trip), and one that the server closed
while it sat idle is replaced without its caller seeing an error. On the real server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.services import ScratchPostgres
from workshop.database import make_engine


@pytest.fixture
def postgres():
    with ScratchPostgres() as scratch:
        yield scratch


def _counting_pings(engine: sa.Engine, monkeypatch) -> list[object]:
    pings: list[object] = []
    real_ping = engine.dialect.do_ping

    def counted(dbapi_connection):
        pings.append(dbapi_connection)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(sa.text("SELECT pg_backend_pid()"))


def test_a_connection_in_steady_use_is_not_pinged(postgres, monkeypatch):
    engine = make_engine(postgres.url, pool_size=1, max_overflow=0, ping_after_idle_s=60.0)
    try:
        pings = _counting_pings(engine, monkeypatch)
        first = _backend_pid(engine)
        assert [_backend_pid(engine) for _ in range(5)] == [first] * 5
        assert pings == []
    finally:
        engine.dispose()


def test_an_idle_connection_is_pinged_and_one_the_server_closed_is_replaced(postgres, monkeypatch):
    engine = make_engine(postgres.url, pool_size=1, max_overflow=0, ping_after_idle_s=0.0)
    admin = sa.create_engine(postgres.admin_url, isolation_level="AUTOCOMMIT")
    try:
        pings = _counting_pings(engine, monkeypatch)
        first = _backend_pid(engine)
        assert _backend_pid(engine) == first  # idle for more than 0 s: pinged, and alive
        assert len(pings) == 1

        with admin.connect() as conn:  # the server closes the pooled connection
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})

        # The caller gets a working connection, not an error.
        replaced = _backend_pid(engine)
        assert replaced != first
        assert len(pings) == 2
    finally:
        engine.dispose()
        admin.dispose()
