"""Public links to a project's social report: unguessable, and revocable by its organizers."""

from __future__ import annotations

from datetime import date, datetime

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


class ReportState(Base):
    """Where a board's social report stands: the period it reports on and whether the project's
    managers approved it (who, when). Until approved it is a draft ("BOZZA") everywhere it
    appears: the page, the PDF, the DOCX and a public link."""

    __tablename__ = "report_states"

    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True
    )
    period_from: Mapped[date | None] = mapped_column(sa.Date)
    period_to: Mapped[date | None] = mapped_column(sa.Date)
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    approved_by_name: Mapped[str] = mapped_column(
        sa.String(200), default=""
    )  # kept if the account goes
    approved_at: Mapped[datetime | None]
    # The board's seq when approved: a later change to the board (a section rewritten, a new
    # measurement) makes the report a draft again, to be approved anew.
    approved_seq: Mapped[int | None] = mapped_column(sa.BigInteger)

    @property
    def approved(self) -> bool:
        return self.approved_at is not None
