"""the social report's state (period, approval) and the rest of the seed-004 project record

Revision ID: 0012_report_state
Revises: 0011_indicator_threshold
Create Date: 2026-12-02 00:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_report_state"
down_revision = "0011_indicator_threshold"
branch_labels = None
depends_on = None

TEXT_COLUMNS = (
    ("rup", sa.String(length=300)),
    ("political_act", sa.String(length=300)),
    ("cup", sa.String(length=15)),
    ("instrument", sa.String(length=32)),
    ("scheme_general_objective", sa.Text()),
    ("scheme_specific_objectives", sa.Text()),
    ("agreement_number", sa.String(length=300)),
    ("agreement_duration", sa.String(length=300)),
)


def upgrade():
    op.create_table(
        "report_states",
        sa.Column(
            "board_id",
            sa.Integer(),
            sa.ForeignKey("boards.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column(
            "approved_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("approved_by_name", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_seq", sa.BigInteger(), nullable=True),
    )
    with op.batch_alter_table("projects") as batch:
        for name, type_ in TEXT_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=False, server_default=""))
        batch.add_column(sa.Column("public_in_kind_eur", sa.Numeric(14, 2), nullable=True))
        batch.add_column(sa.Column("agreement_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("strength_tags", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("weakness_tags", sa.JSON(), nullable=False, server_default="[]"))
    # The RUP used to be written into "who coordinates the table" by the context board: the
    # record kept it there, so it stays (the lab may correct it); the new field starts empty.


def downgrade():
    names = ["weakness_tags", "strength_tags", "agreement_date", "public_in_kind_eur"]
    names += [name for name, _type in reversed(TEXT_COLUMNS)]
    for name in names:
        if op.get_bind().dialect.name == "sqlite":
            # Not batch mode: it would copy and drop "projects", and dropping it cascades to
            # every board of every project. SQLite (3.35+) drops a plain column in place.
            op.execute(f"ALTER TABLE projects DROP COLUMN {name}")
        else:
            op.drop_column("projects", name)
    op.drop_table("report_states")
