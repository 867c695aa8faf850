"""report links: public, revocable links to a project's social report

Revision ID: 0004_report_links
Revises: 0003
Create Date: 2026-11-23 12:27:49.466713
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0004_report_links"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_report_links_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_report_links_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_links")),
        sa.UniqueConstraint("token", name=op.f("uq_report_links_token")),
    )
    with op.batch_alter_table("report_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_links_board_id"), ["board_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_links_board_id"))

    op.drop_table("report_links")
