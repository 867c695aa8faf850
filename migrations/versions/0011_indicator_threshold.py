"""indicator threshold: the threshold as the Center for Theory of Change defines it (issue 16)

Before: an indicator's `threshold` was a second, lower target ("almeno 30 famiglie": how many
would still count). Now `target_minimum` keeps that number, and `threshold` (with
`threshold_unit` and the words in `threshold_note`) is the level of change for one person that
counts as success ("in casa da almeno 12 mesi"). Every live or deleted indicator item moves its
old number to `target_minimum` and keeps its words in `threshold_note` (a lab rewrites them as
the per-person level). Nothing is dropped: downgrade moves the number back.

Revision ID: 0011_indicator_threshold
Revises: 0010_ledger
Create Date: 2026-12-02 00:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_indicator_threshold"
down_revision = "0010_ledger"
branch_labels = None
depends_on = None

ITEMS = sa.table(
    "board_items",
    sa.column("board_id", sa.Integer()),
    sa.column("item_id", sa.String()),
    sa.column("type", sa.String()),
    sa.column("fields", sa.JSON()),
)


def _rewrite(move):
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(ITEMS.c.board_id, ITEMS.c.item_id, ITEMS.c.fields).where(
            ITEMS.c.type == "indicator"
        )
    ).all()
    for board_id, item_id, fields in rows:
        fields = dict(fields or {})
        changed = move(fields)
        if changed:
            conn.execute(
                ITEMS.update()
                .where(ITEMS.c.board_id == board_id, ITEMS.c.item_id == item_id)
                .values(fields=fields)
            )


def _forward(fields):
    if "target_minimum" in fields and "threshold_unit" in fields:
        return False  # already in the new shape
    fields["target_minimum"] = fields.get("threshold")
    fields["threshold"] = None
    fields.setdefault("threshold_unit", "")
    fields.setdefault("threshold_note", "")
    return True


def _backward(fields):
    if "target_minimum" not in fields:
        return False
    fields["threshold"] = fields.pop("target_minimum")
    fields.pop("threshold_unit", None)
    return True


def upgrade():
    _rewrite(_forward)


def downgrade():
    _rewrite(_backward)
