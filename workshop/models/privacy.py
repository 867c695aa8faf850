"""Anonymity that outlives a live session: the items written in an anonymous round."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from workshop.models.base import Base, utcnow


class AnonymousItem(Base):
    """An item a participant wrote during an anonymous round of private writing. Its author is
    never sent to participants or observers: not after the reveal, not in its later changes,
    not once the session is closed (workshop.rooms.rules.is_anonymous). Managers of the project
    still see it (docs/rooms.md)."""

    __tablename__ = "anonymous_items"

    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    # The round's session, for the record; a session deleted later leaves the mark.
    live_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="SET NULL")
    )
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
