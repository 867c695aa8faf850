"""rooms remember their session's locks and what was harvested from each group

Revision ID: 0008_room_locks_harvest
Revises: 0006_practice_library
Create Date: 2026-12-01 23:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_room_locks_harvest"
down_revision = "0007_anonymous_items"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rooms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("harvested_items", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.add_column(
            sa.Column(
                "session_locked_board", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("session_locked_frames", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade():
    with op.batch_alter_table("rooms", schema=None) as batch_op:
        batch_op.drop_column("session_locked_frames")
        batch_op.drop_column("session_locked_board")
        batch_op.drop_column("harvested_items")
