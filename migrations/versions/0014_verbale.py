"""the verbale of a meeting: its versions, its comments, and the phases run with their times

Revision ID: 0014_verbale
Revises: 0013_personal_links_marks
Create Date: 2026-12-02 03:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0014_verbale"
down_revision = "0013_personal_links_marks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "phase_spans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "live_session_id",
            sa.Integer(),
            sa.ForeignKey("live_sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "room_id", sa.Integer(), sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("started_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("ended_at", workshop.models.base.UTCDateTime()),
    )
    op.create_index("ix_phase_spans_live_session_id", "phase_spans", ["live_session_id"])
    op.create_table(
        "verbali",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("lab_meetings.id", ondelete="CASCADE")),
        sa.Column(
            "live_session_id", sa.Integer(), sa.ForeignKey("live_sessions.id", ondelete="CASCADE")
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("chair", sa.String(length=200), nullable=False),
        sa.Column("minute_taker", sa.String(length=200), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("next_meeting", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("comments_until", workshop.models.base.UTCDateTime()),
        sa.Column("approved_by_name", sa.String(length=120), nullable=False),
        sa.Column("approved_at", workshop.models.base.UTCDateTime()),
        sa.Column("frozen", sa.JSON()),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("project_id", "meeting_id", "version", name="uq_verbali_meeting"),
        sa.UniqueConstraint("project_id", "live_session_id", "version", name="uq_verbali_session"),
    )
    op.create_index("ix_verbali_project_id", "verbali", ["project_id"])
    op.create_table(
        "verbale_comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "verbale_id",
            sa.Integer(),
            sa.ForeignKey("verbali.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("link_id", sa.Integer(), sa.ForeignKey("personal_links.id", ondelete="SET NULL")),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("author_organisation", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_verbale_comments_verbale_id", "verbale_comments", ["verbale_id"])


def downgrade():
    op.drop_index("ix_verbale_comments_verbale_id", table_name="verbale_comments")
    op.drop_table("verbale_comments")
    op.drop_index("ix_verbali_project_id", table_name="verbali")
    op.drop_table("verbali")
    op.drop_index("ix_phase_spans_live_session_id", table_name="phase_spans")
    op.drop_table("phase_spans")
