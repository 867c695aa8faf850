"""needs register: calls for needs and the bodies' submissions (issue 17)

Revision ID: 0015_needs
Revises: 0014_verbale
Create Date: 2026-12-02 03:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0015_needs"
down_revision = "0014_verbale"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "needs_calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("sintesi_approved_at", workshop.models.base.UTCDateTime()),
        sa.Column("sintesi_approved_by", sa.String(length=120), nullable=False),
        sa.Column("sintesi_snapshot", sa.JSON()),
        sa.Column("sintesi_versions", sa.JSON()),
    )
    op.create_index("ix_needs_calls_project_id", "needs_calls", ["project_id"])
    op.create_table(
        "needs_submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "call_id",
            sa.Integer(),
            sa.ForeignKey("needs_calls.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "link_id",
            sa.Integer(),
            sa.ForeignKey("personal_links.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("need", sa.String(length=500), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("people", sa.String(length=300), nullable=False),
        sa.Column("resources", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("submitted_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", workshop.models.base.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_needs_submissions_call_id", "needs_submissions", ["call_id"])


def downgrade():
    op.drop_index("ix_needs_submissions_call_id", table_name="needs_submissions")
    op.drop_table("needs_submissions")
    op.drop_index("ix_needs_calls_project_id", table_name="needs_calls")
    op.drop_table("needs_calls")
