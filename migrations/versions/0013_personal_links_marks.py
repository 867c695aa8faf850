"""personal links (no account: verbale review, needs form, measurement) and meeting marks

Revision ID: 0013_personal_links_marks
Revises: 0012_report_state
Create Date: 2026-12-02 02:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0013_personal_links_marks"
down_revision = "0012_report_state"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "personal_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False, unique=True),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("recipient_email", sa.String(length=254), nullable=False),
        sa.Column("recipient_organisation", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", workshop.models.base.UTCDateTime()),
        sa.Column("used_at", workshop.models.base.UTCDateTime()),
    )
    op.create_index("ix_personal_links_project_id", "personal_links", ["project_id"])
    op.create_index("ix_personal_links_subject_id", "personal_links", ["subject_id"])
    op.create_table(
        "meeting_marks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "live_session_id",
            sa.Integer(),
            sa.ForeignKey("live_sessions.id", ondelete="SET NULL"),
        ),
        sa.Column("board_id", sa.Integer(), sa.ForeignKey("boards.id", ondelete="CASCADE")),
        sa.Column("item_id", sa.String(length=40)),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_by_name", sa.String(length=120), nullable=False),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("removed_at", workshop.models.base.UTCDateTime()),
    )
    op.create_index("ix_meeting_marks_project_id", "meeting_marks", ["project_id"])
    op.create_index("ix_meeting_marks_live_session_id", "meeting_marks", ["live_session_id"])


def downgrade():
    op.drop_index("ix_meeting_marks_live_session_id", table_name="meeting_marks")
    op.drop_index("ix_meeting_marks_project_id", table_name="meeting_marks")
    op.drop_table("meeting_marks")
    op.drop_index("ix_personal_links_subject_id", table_name="personal_links")
    op.drop_index("ix_personal_links_project_id", table_name="personal_links")
    op.drop_table("personal_links")
