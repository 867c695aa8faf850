"""Domain tests run without Flask: a plain SQLAlchemy session on the suite's database."""

from __future__ import annotations

import pytest
from sqlalchemy import orm

from workshop.database import make_engine
from workshop.models import Base


@pytest.fixture
def session(database_url, _schema):
    engine = make_engine(database_url)
    session = orm.Session(engine, expire_on_commit=False)
    yield session
    session.close()
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()
