"""What a meeting decided: decisions and minority positions, for its verbale (issue 17).

During a live session the conductor (or the minute-taker) marks a card as a decision or as a
minority position, or writes one in the decision log of the conductor's panel (no card). The
marks feed the meeting's verbale and the documento di sintesi of a co-programmazione.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from workshop.models.base import Base, utcnow

MAX_MARK_TEXT_CHARS = 2000
IDENTITY_CHARS = 32  # "u:7" / "p:42", as BoardItem.created_by
NAME_CHARS = 120
ITEM_ID_CHARS = 40  # as BoardItem.item_id


class MarkKind(enum.StrEnum):
    DECISION = "decision"  # "Decisione"
    MINORITY = "minority"  # "Posizione di minoranza"
    NEXT_STEP = "next_step"  # "Prossimo passo"


class MeetingMark(Base):
    __tablename__ = "meeting_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    # The live session it was marked in (None: written after the session, on the verbale).
    live_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="SET NULL"), index=True
    )
    # The card it marks; both None for an entry of the decision log.
    board_id: Mapped[int | None] = mapped_column(sa.ForeignKey("boards.id", ondelete="CASCADE"))
    item_id: Mapped[str | None] = mapped_column(sa.String(ITEM_ID_CHARS))
    kind: Mapped[MarkKind] = mapped_column(
        sa.Enum(
            MarkKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        )
    )
    # The log entry's words, or the card's text when it was marked (the card may change later;
    # the verbale records what was decided).
    text: Mapped[str] = mapped_column(sa.Text, default="")
    created_by: Mapped[str] = mapped_column(sa.String(IDENTITY_CHARS))
    created_by_name: Mapped[str] = mapped_column(sa.String(NAME_CHARS), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
