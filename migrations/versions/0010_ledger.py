"""ledger: one budget per project, a co-funding line per partner contribution (issue 16)

Old data: a budget line of the proposal (a board item that names no partner) moves into the
ledger when exactly one of the proposal's partners can have given it (workshop.ledger.rules.
match_partner); the others stay on the board and the application shows them beside the ledger,
as it shows the record's old public / Third Sector totals with their difference. Nothing is
dropped.

Revision ID: 0010_ledger
Revises: 0009_participant_details
Create Date: 2026-12-02 00:40:00.000000
"""

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import workshop.models.base
from workshop.ledger.rules import CATEGORIES, match_partner, source_class

revision = "0010_ledger"
down_revision = "0009_participant_details"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ledger_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=40), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("actor_macro_type", sa.String(length=40), nullable=False),
        sa.Column("actor_sub_type", sa.String(length=40), nullable=False),
        sa.Column("source_class", sa.String(length=20), nullable=False),
        sa.Column("runts", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("in_kind", sa.Boolean(), nullable=False),
        sa.Column("valuation_basis", sa.String(length=1000), nullable=False),
        sa.Column("planned_eur", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reported_eur", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("origin", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_ledger_lines_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_lines")),
    )
    with op.batch_alter_table("ledger_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_lines_project_id"), ["project_id"], unique=False
        )
    _move_matching_budget_lines()


def _move_matching_budget_lines():
    conn = op.get_bind()
    boards = sa.table(
        "boards", sa.column("id"), sa.column("project_id"), sa.column("kind"), sa.column("position")
    )
    items = sa.table(
        "board_items",
        sa.column("board_id"),
        sa.column("item_id"),
        sa.column("type"),
        sa.column("fields", sa.JSON),
        sa.column("created_seq"),
        sa.column("deleted_seq"),
    )
    money, stamp = sa.Numeric(14, 2), workshop.models.base.UTCDateTime()
    typed = {"planned_eur": money, "reported_eur": money, "created_at": stamp, "updated_at": stamp}
    lines = sa.table(
        "ledger_lines",
        *(
            sa.column(name, typed.get(name))
            for name in (
                "project_id",
                "actor_id",
                "actor_name",
                "actor_macro_type",
                "actor_sub_type",
                "source_class",
                "runts",
                "category",
                "description",
                "in_kind",
                "valuation_basis",
                "planned_eur",
                "reported_eur",
                "origin",
                "position",
                "created_at",
                "updated_at",
            )
        ),
    )
    now = workshop.models.base.utcnow()
    first_board = {}
    for board_id, project_id in conn.execute(
        sa.select(boards.c.id, boards.c.project_id)
        .where(boards.c.kind == "stakeholders")
        .order_by(boards.c.position, boards.c.id)
    ):
        first_board.setdefault(project_id, board_id)
    for project_id, board_id in first_board.items():
        rows = conn.execute(
            sa.select(items.c.item_id, items.c.type, items.c.fields)
            .where(items.c.board_id == board_id, items.c.deleted_seq.is_(None))
            .order_by(items.c.created_seq)
        ).all()
        actors = {r.item_id: r.fields for r in rows if r.type == "actor"}
        proposal = next((r.fields for r in rows if r.type == "proposal"), {})
        position = 0
        for row in rows:
            if row.type != "budget_line":
                continue
            f = row.fields
            actor_id = match_partner(
                f.get("source") or "public", actors, proposal.get("partners") or []
            )
            if actor_id is None:
                continue  # shown beside the ledger by the application, with the difference
            actor = actors[actor_id]
            position += 1
            description = (f.get("description") or "")[:500]
            in_kind = bool(f.get("in_kind"))
            conn.execute(
                lines.insert().values(
                    project_id=project_id,
                    actor_id=actor_id,
                    actor_name=(actor.get("name") or actor_id)[:200],
                    actor_macro_type=actor.get("macro_type") or "",
                    actor_sub_type=actor.get("sub_type") or "",
                    source_class=source_class(actor.get("macro_type"), actor.get("sub_type")),
                    runts=bool(actor.get("runts")),
                    category=CATEGORIES[-1],
                    description=description,
                    in_kind=in_kind,
                    valuation_basis=(
                        f"Come indicato nel piano economico della proposta: {description}"[:1000]
                        if in_kind
                        else ""
                    ),
                    planned_eur=Decimal(str(f.get("amount") or 0)).quantize(Decimal("0.01")),
                    reported_eur=None,
                    origin=f"budget_line:{row.item_id}",
                    position=position,
                    created_at=now,
                    updated_at=now,
                )
            )


def downgrade():
    with op.batch_alter_table("ledger_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_lines_project_id"))

    op.drop_table("ledger_lines")
