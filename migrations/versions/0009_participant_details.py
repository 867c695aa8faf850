"""participants: the organisation and role a participant may give when joining (attendance)

Revision ID: 0009_participant_details
Revises: 0006_practice_library
Create Date: 2026-12-01 23:55:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_participant_details"
down_revision = "0008_room_locks_harvest"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participants") as batch:
        batch.add_column(
            sa.Column("organisation", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("role", sa.String(length=120), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("role")
        batch.drop_column("organisation")
