"""personal links remember their last reminder (the needs register's reminders, issue 17)

Revision ID: 0017_link_reminders
Revises: 0016_monitoring
Create Date: 2026-12-02 07:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0017_link_reminders"
down_revision = "0016_monitoring"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("personal_links") as batch:
        batch.add_column(sa.Column("reminded_at", workshop.models.base.UTCDateTime()))


def downgrade():
    with op.batch_alter_table("personal_links") as batch:
        batch.drop_column("reminded_at")
