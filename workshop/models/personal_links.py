"""Personal links: one person, one purpose, no account.

Issue 17 sends people outside Tavolo's accounts a link of their own: an attendee reads and
comments a meeting's verbale, an admitted Third Sector body fills in the needs form, an
indicator's owner enters a measurement. Each link names its recipient and what it opens
(`purpose` and `subject_id`), expires, and can be revoked by the project's managers.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.base import Base, utcnow

PERSONAL_TOKEN_CHARS = 43  # secrets.token_urlsafe(32): 256 bits, never guessed
MAX_RECIPIENT_NAME_CHARS = 200
MAX_RECIPIENT_EMAIL_CHARS = 254  # RFC 5321's longest path
MAX_RECIPIENT_ORGANISATION_CHARS = 200  # as a registration's


class LinkPurpose(enum.StrEnum):
    VERBALE_REVIEW = "verbale_review"  # subject: a verbale (read and comment until a date)
    NEEDS_FORM = "needs_form"  # subject: a needs call (one entry per link)
    MEASUREMENT = "measurement"  # subject: a monitoring task (enter a value with its source)


class PersonalLink(Base):
    __tablename__ = "personal_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[LinkPurpose] = mapped_column(
        sa.Enum(
            LinkPurpose,
            native_enum=False,
            length=24,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    # What the link opens, read with the purpose: a verbale, a needs call, a monitoring task.
    subject_id: Mapped[int] = mapped_column(index=True)
    token: Mapped[str] = mapped_column(sa.String(PERSONAL_TOKEN_CHARS), unique=True)
    recipient_name: Mapped[str] = mapped_column(sa.String(MAX_RECIPIENT_NAME_CHARS), default="")
    recipient_email: Mapped[str] = mapped_column(sa.String(MAX_RECIPIENT_EMAIL_CHARS), default="")
    recipient_organisation: Mapped[str] = mapped_column(
        sa.String(MAX_RECIPIENT_ORGANISATION_CHARS), default=""
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # The last time the recipient sent something through it (a comment, a form, a value).
    used_at: Mapped[datetime | None]
    # The last reminder e-mailed with it to a recipient who had not answered.
    reminded_at: Mapped[datetime | None]

    project: Mapped[Project] = relationship()  # noqa: F821

    def state(self, now: datetime) -> str:
        """ "usable", "revoked" or "expired": what the recipient's page says."""
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        return "usable"
