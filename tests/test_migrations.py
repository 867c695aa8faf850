"""The migrations build exactly the models' schema, both ways, on SQLite and on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

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


def test_0007_marks_the_items_of_anonymous_rounds_already_revealed(migrated_app):
    """Rounds revealed before the marks existed kept their windows on the room: the upgrade
    marks what participants wrote in them, of every type, and nothing else."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    from workshop.models import BoardItem, LiveSession, Room, utcnow
    from workshop.projects import service as projects

    with migrated_app.app_context():
        # Data made at the head, then the marks taken away and made again by the upgrade: the
        # test holds wherever the lead chains this revision.
        flask(migrated_app, "db", "upgrade")
        config = current_app.extensions["migrate"].migrate.get_config()
        mine = ScriptDirectory.from_config(config).get_revision("0007_anonymous_items")
        before = mine.down_revision
        project = projects.create_project(db.session, {"title": "P"}, None)
        db.session.flush()
        board = project.boards[0]
        live = LiveSession(
            project_id=project.id, plenary_board_id=board.id, opened_by="u:1", opened_at=utcnow()
        )
        live.rooms.append(
            Room(board_id=board.id, name="Plenaria", is_plenary=True, anonymous_windows=[[2, 5]])
        )
        db.session.add(live)
        for item_id, item_type, seq, by in [
            ("in-card", "problem", 3, "p:1"),
            ("in-link", "causal_link", 5, "p:2"),
            ("by-conductor", "text", 4, "u:1"),
            ("before", "problem", 2, "p:1"),
            ("after", "problem", 6, "p:1"),
        ]:
            db.session.add(
                BoardItem(
                    board_id=board.id,
                    item_id=item_id,
                    type=item_type,
                    fields={},
                    created_seq=seq,
                    updated_seq=seq,
                    created_by=by,
                )
            )
        db.session.commit()
        db.session.remove()
        flask(migrated_app, "db", "downgrade", before)
        flask(migrated_app, "db", "upgrade")
        with db.engine.connect() as conn:
            marked = set(conn.execute(sa.text("SELECT item_id FROM anonymous_items")).scalars())
        assert marked == {"in-card", "in-link"}


def test_0010_moves_budget_lines_with_one_possible_partner_into_the_ledger(migrated_app):
    """A proposal budget line names no partner: the upgrade moves it into the ledger only when
    one of the proposal's partners alone can have given it; the rest stay on the board (shown
    beside the ledger by the application)."""
    from workshop import ledger
    from workshop.models import BoardItem, BoardKind, Project
    from workshop.projects import service as projects

    with migrated_app.app_context():
        flask(migrated_app, "db", "upgrade")
        project = projects.create_project(db.session, {"title": "P"}, None)
        db.session.flush()
        board = next(b for b in project.boards if b.kind == BoardKind.STAKEHOLDERS)
        items = [
            (
                "udp",
                "actor",
                {"name": "Ufficio di Piano", "macro_type": "public", "sub_type": "ambito"},
            ),
            (
                "coop",
                "actor",
                {
                    "name": "Coop",
                    "macro_type": "third_sector",
                    "sub_type": "social_coop",
                    "runts": True,
                },
            ),
            ("odv", "actor", {"name": "ODV", "macro_type": "third_sector", "sub_type": "odv"}),
            ("prop", "proposal", {"partners": ["udp", "coop", "odv"]}),
            (
                "b-pub",
                "budget_line",
                {"description": "Operatori", "source": "public", "amount": 1000.5},
            ),
            (
                "b-ets",
                "budget_line",
                {
                    "description": "Volontari",
                    "source": "third_sector",
                    "amount": 300,
                    "in_kind": True,
                },
            ),
        ]
        for seq, (item_id, item_type, fields) in enumerate(items, start=1):
            db.session.add(
                BoardItem(
                    board_id=board.id,
                    item_id=item_id,
                    type=item_type,
                    fields=fields,
                    created_seq=seq,
                    updated_seq=seq,
                    created_by="u:1",
                )
            )
        db.session.commit()
        db.session.remove()
        flask(migrated_app, "db", "downgrade", "0009_participant_details")
        flask(migrated_app, "db", "upgrade")
        project = db.session.get(Project, project.id)
        whole = ledger.summary(db.session, project)
        assert [
            (line.actor_id, line.source_class, line.planned_eur, line.origin)
            for line in whole.lines
        ] == [("udp", "public", Decimal("1000.50"), "budget_line:b-pub")]
        assert [b.item_id for b in whole.reconciliation.budget_lines] == ["b-ets"]


def test_0011_moves_the_old_threshold_into_the_minimum_target_and_back(migrated_app):
    """Before 0011 an indicator's threshold was a second target ("almeno 30 famiglie"): the
    upgrade keeps that number as the minimum target and leaves the per-person threshold empty
    for the lab to state; the downgrade puts it back."""
    from workshop.models import BoardItem, BoardKind
    from workshop.projects import service as projects

    with migrated_app.app_context():
        flask(migrated_app, "db", "upgrade")
        project = projects.create_project(db.session, {"title": "P"}, None)
        db.session.flush()
        board = next(b for b in project.boards if b.kind == BoardKind.THEORY_OF_CHANGE)
        old = {
            "name": "Famiglie in casa",
            "target": 40,
            "threshold": 30,
            "unit": "famiglie",
            "threshold_note": "",
        }
        db.session.add(
            BoardItem(
                board_id=board.id,
                item_id="ind",
                type="indicator",
                fields=old,
                created_seq=1,
                updated_seq=1,
                created_by="u:1",
            )
        )
        board_id = board.id
        db.session.commit()
        db.session.remove()
        flask(migrated_app, "db", "downgrade", "0010_ledger")
        flask(migrated_app, "db", "upgrade")
        fields = db.session.get(BoardItem, (board_id, "ind")).fields
        assert (
            fields["target"],
            fields["target_minimum"],
            fields["threshold"],
            fields["threshold_unit"],
        ) == (40, 30, None, "")
        db.session.remove()
        flask(migrated_app, "db", "downgrade", "0010_ledger")
        fields = db.session.get(BoardItem, (board_id, "ind")).fields
        assert fields["threshold"] == 30 and "target_minimum" not in fields
