"""anonymous items: the items written in an anonymous round keep their authors hidden for good

Revision ID: 0007_anonymous_items
Revises: 0006_practice_library
Create Date: 2026-12-01 23:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0007_anonymous_items"
down_revision = "0006_practice_library"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "anonymous_items",
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("live_session_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_anonymous_items_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["live_session_id"],
            ["live_sessions.id"],
            name=op.f("fk_anonymous_items_live_session_id_live_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("board_id", "item_id", name=op.f("pk_anonymous_items")),
    )
    # Rounds revealed before this table existed: their rooms kept the windows (and the
    # windows of a round still open count as well), so the marks can be made now.
    conn = op.get_bind()
    rooms = sa.table(
        "rooms",
        sa.column("board_id", sa.Integer()),
        sa.column("live_session_id", sa.Integer()),
        sa.column("anonymous_windows", sa.JSON()),
        sa.column("private_since_seq", sa.BigInteger()),
        sa.column("private_anonymous", sa.Boolean()),
    )
    items = sa.table(
        "board_items",
        sa.column("board_id", sa.Integer()),
        sa.column("item_id", sa.String()),
        sa.column("created_seq", sa.BigInteger()),
        sa.column("created_by", sa.String()),
    )
    marked = sa.table(
        "anonymous_items",
        sa.column("board_id", sa.Integer()),
        sa.column("item_id", sa.String()),
        sa.column("live_session_id", sa.Integer()),
        sa.column("marked_at", workshop.models.base.UTCDateTime()),
    )
    now = workshop.models.base.utcnow()
    seen = set()
    for board_id, session_id, windows, since, anonymous in conn.execute(sa.select(rooms)).all():
        spans = [tuple(w) for w in windows or ()]
        if since is not None and anonymous:
            spans.append((since, None))
        for lo, hi in spans:
            query = sa.select(items.c.item_id).where(
                items.c.board_id == board_id,
                items.c.created_seq > lo,
                items.c.created_by.like("p:%"),
            )
            if hi is not None:
                query = query.where(items.c.created_seq <= hi)
            for (item_id,) in conn.execute(query):
                if (board_id, item_id) in seen:
                    continue
                seen.add((board_id, item_id))
                conn.execute(
                    marked.insert().values(
                        board_id=board_id,
                        item_id=item_id,
                        live_session_id=session_id,
                        marked_at=now,
                    )
                )


def downgrade():
    op.drop_table("anonymous_items")
