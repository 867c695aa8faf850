"""Co-programmazione's needs register (issue 17): a call for needs and what the bodies sent.

An organizer opens a call for a project and sends each admitted Third Sector body a personal
link (workshop.access.personal_links, purpose NEEDS_FORM, subject: the call). One link, one
entry: a body that sends the form again updates its entry. The entry keeps what the board does
not show (the resources offered, the contact: personal data stays off the board); its card on
the context board is `item_id`. The call also carries the documento di sintesi's approval: once
approved, the document is the frozen `sintesi_snapshot`, never recomputed from the boards.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.base import Base, utcnow

MAX_CALL_TITLE_CHARS = 200
MAX_BODY_CHARS = 200  # as a personal link's recipient organisation
MAX_NEED_CHARS = 500  # as a problem card's text: the need becomes one
MAX_EVIDENCE_CHARS = (
    1_200  # with the body and the people concerned it fits a card's evidence (2,000)
)
MAX_PEOPLE_CHARS = 300
MAX_RESOURCES_CHARS = 2_000
MAX_CONTACT_CHARS = 300
ITEM_ID_CHARS = 40  # as BoardItem.item_id
NAME_CHARS = 120


class NeedsCall(Base):
    __tablename__ = "needs_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(MAX_CALL_TITLE_CHARS))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The documento di sintesi: approved by whom and when, and what it said then.
    sintesi_approved_at: Mapped[datetime | None]
    sintesi_approved_by: Mapped[str] = mapped_column(sa.String(NAME_CHARS), default="")
    sintesi_snapshot: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # Earlier approved versions, oldest first, each kept whole with why it was corrected:
    # {"version", "approved_by", "approved_at" (ISO), "snapshot", "reason"}.
    sintesi_versions: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)

    submissions: Mapped[list[NeedsSubmission]] = relationship(
        back_populates="call", order_by="NeedsSubmission.id", cascade="all, delete-orphan"
    )


class NeedsSubmission(Base):
    __tablename__ = "needs_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        sa.ForeignKey("needs_calls.id", ondelete="CASCADE"), index=True
    )
    # One link, one entry: the unique key is what makes a form sent twice one entry.
    link_id: Mapped[int] = mapped_column(
        sa.ForeignKey("personal_links.id", ondelete="CASCADE"), unique=True
    )
    body: Mapped[str] = mapped_column(sa.String(MAX_BODY_CHARS))
    need: Mapped[str] = mapped_column(sa.String(MAX_NEED_CHARS))
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    people: Mapped[str] = mapped_column(sa.String(MAX_PEOPLE_CHARS), default="")
    resources: Mapped[str] = mapped_column(sa.Text, default="")
    contact: Mapped[str] = mapped_column(sa.String(MAX_CONTACT_CHARS), default="")
    item_id: Mapped[str] = mapped_column(sa.String(ITEM_ID_CHARS), default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    call: Mapped[NeedsCall] = relationship(back_populates="submissions")
