"""The migrations build exactly the models' schema, both ways, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.support.services import ScratchPostgres
from workshop import config as settings
from workshop import create_app
from workshop.extensions import db
from workshop.models import Base


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request, tmp_path):
    """The URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    else:
        with ScratchPostgres() as scratch:
            yield scratch.url


@pytest.fixture
def migrated_app(empty_database, tmp_path):
    app = create_app(
        settings.TestConfig(),
        SQLALCHEMY_DATABASE_URI=empty_database,
        INSTANCE_DIR=tmp_path,
        REDIS_URL=None,
    )
    yield app
    db.session.remove()
    db.engine.dispose()


def flask(app, *args: str):
    result = app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def schema_differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_builds_the_models_schema(migrated_app):
    with migrated_app.app_context():
        flask(migrated_app, "db", "upgrade")
        assert table_names() == set(Base.metadata.tables)
        assert schema_differences() == []


def test_downgrade_to_base_and_upgrade_again_round_trips(migrated_app):
    with migrated_app.app_context():
        flask(migrated_app, "db", "upgrade")
        flask(migrated_app, "db", "downgrade", "base")
        assert table_names() == set()
        flask(migrated_app, "db", "upgrade")
        assert table_names() == set(Base.metadata.tables)
        assert schema_differences() == []


def test_upgrade_is_a_no_op_on_an_up_to_date_database(migrated_app):
    with migrated_app.app_context():
        flask(migrated_app, "db", "upgrade")
        flask(migrated_app, "demo", "load")
        flask(migrated_app, "db", "upgrade")
        assert db.session.scalar(sa.text("SELECT count(*) FROM projects")) == 1


def test_demo_load_twice_on_a_migrated_database_changes_nothing(migrated_app):
    with migrated_app.app_context():
        flask(migrated_app, "db", "upgrade")
        assert "created" in flask(migrated_app, "demo", "load")
        counts = {name: _rows(name) for name in sorted(Base.metadata.tables)}
        assert counts["users"] == 2 and counts["boards"] == 4 and counts["invites"] == 1
        assert "already present" in flask(migrated_app, "demo", "load")
        assert {name: _rows(name) for name in sorted(Base.metadata.tables)} == counts


def _rows(table: str) -> int:
    return db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))
