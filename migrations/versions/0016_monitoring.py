"""the monitoring calendar: collection tasks derived from the indicators (issue 17)

Revision ID: 0016_monitoring
Revises: 0015_needs
Create Date: 2026-12-02 03:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0016_monitoring"
down_revision = "0015_needs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "monitoring_tasks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("indicator_id", sa.String(length=40), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("owner_actor_id", sa.String(length=40)),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("value", sa.Float()),
        sa.Column("measured_on", sa.Date()),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("evidence", sa.String(length=2000), nullable=False),
        sa.Column("measurement_item_id", sa.String(length=40)),
        sa.Column("entered_at", workshop.models.base.UTCDateTime()),
        sa.Column("reminded_at", workshop.models.base.UTCDateTime()),
        sa.UniqueConstraint("project_id", "indicator_id", "due_on"),
    )
    op.create_index("ix_monitoring_tasks_project_id", "monitoring_tasks", ["project_id"])


def downgrade():
    op.drop_index("ix_monitoring_tasks_project_id", table_name="monitoring_tasks")
    op.drop_table("monitoring_tasks")
