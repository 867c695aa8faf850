"""stakeholder positions: the dated history of actors' power and interest

Revision ID: 0003
Revises: 0002_rooms
Create Date: 2026-11-30 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0003"
down_revision = "0002_rooms"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stakeholder_positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("power", sa.Float(), nullable=False),
        sa.Column("interest", sa.Float(), nullable=False),
        sa.Column("at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_stakeholder_positions_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_stakeholder_positions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_positions")),
    )
    with op.batch_alter_table("stakeholder_positions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stakeholder_positions_board_actor_seq",
            ["board_id", "actor_id", "seq"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_stakeholder_positions_project_id"), ["project_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("stakeholder_positions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stakeholder_positions_project_id"))
        batch_op.drop_index("ix_stakeholder_positions_board_actor_seq")

    op.drop_table("stakeholder_positions")
