"""Public links to a project's social report: unguessable, and revocable by its organizers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.base import Base, utcnow

REPORT_TOKEN_CHARS = 43  # secrets.token_urlsafe(32): 256 bits, never guessed


class ReportLink(Base):
    """A read-only public page of the social report of a social reporting board, for giving
    results back to the community. It shows the board's report as it is now, in one language."""

    __tablename__ = "report_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(sa.String(REPORT_TOKEN_CHARS), unique=True)
    lang: Mapped[str] = mapped_column(sa.String(2), default="it")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    board: Mapped[Board] = relationship()  # noqa: F821

    @property
    def live(self) -> bool:
        return self.revoked_at is None
