"""The dated history of every actor's place on the power/interest grid (session 2)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from workshop.models.base import Base, utcnow


class StakeholderPosition(Base):
    """One power/interest value an actor took, with the change (seq) and the date it took it.

    Written by the stakeholder canvas's effect in the change's own transaction, so the history
    commits or rolls back with the board. Actors are board items, not rows: `actor_id` is the
    item id on `board_id`.
    """

    __tablename__ = "stakeholder_positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("boards.id", ondelete="CASCADE"))
    actor_id: Mapped[str] = mapped_column(sa.String(40))
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    power: Mapped[float] = mapped_column(sa.Float)
    interest: Mapped[float] = mapped_column(sa.Float)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(sa.String(32))  # principal identity, "u:7" / "p:42"

    __table_args__ = (
        sa.Index("ix_stakeholder_positions_board_actor_seq", "board_id", "actor_id", "seq"),
    )
