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
from workshop.protocol import MAX_DECISION_TEXT_CHARS

MAX_MARK_TEXT_CHARS = MAX_DECISION_TEXT_CHARS
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


class PhaseSpan(Base):
    """One phase of one room, from when to when: the verbale's agenda as it was run. Written by
    the phase control (workshop.rooms.controls.set_phase); an open span ends with the session."""

    __tablename__ = "phase_spans"

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(sa.String(16))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class VerbaleStatus(enum.StrEnum):
    DRAFT = "draft"  # "Bozza": the organizers edit it
    REVIEW = "review"  # "In revisione": sent to the attendees, comments open until a date
    APPROVED = "approved"  # "Approvato": frozen; a correction is a new version


MAX_VERBALE_FIELD_CHARS = 200  # place, chair, minute-taker
MAX_VERBALE_TEXT_CHARS = 10_000  # agenda, next steps, next meeting, notes
MAX_COMMENT_CHARS = 5_000  # as a board's longest text


class Verbale(Base):
    """The minutes of one meeting of a project: a lab meeting (all the live sessions run for it)
    or one live session without a meeting. Each version is a row: a correction after approval
    is a new row (`version` + 1, with its reason) and the approved one stays as it was."""

    __tablename__ = "verbali"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lab_meetings.id", ondelete="CASCADE")
    )
    live_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(default=1)
    correction_reason: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[VerbaleStatus] = mapped_column(
        sa.Enum(
            VerbaleStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=VerbaleStatus.DRAFT,
    )
    # What the organizers write (the rest is read from the sessions when the verbale is drawn).
    place: Mapped[str] = mapped_column(sa.String(MAX_VERBALE_FIELD_CHARS), default="")
    online: Mapped[bool] = mapped_column(default=False)
    agenda: Mapped[str] = mapped_column(sa.Text, default="")  # may be written before the meeting
    chair: Mapped[str] = mapped_column(sa.String(MAX_VERBALE_FIELD_CHARS), default="")
    minute_taker: Mapped[str] = mapped_column(sa.String(MAX_VERBALE_FIELD_CHARS), default="")
    next_steps: Mapped[str] = mapped_column(sa.Text, default="")
    next_meeting: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    comments_until: Mapped[datetime | None]
    approved_by_name: Mapped[str] = mapped_column(sa.String(NAME_CHARS), default="")
    approved_at: Mapped[datetime | None]
    # The whole verbale as approved (workshop.meetings.verbale.Record, as JSON): what the
    # exports of an approved version print, whatever the boards become afterwards.
    frozen: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("project_id", "meeting_id", "version", name="uq_verbali_meeting"),
        sa.UniqueConstraint("project_id", "live_session_id", "version", name="uq_verbali_session"),
    )


class VerbaleComment(Base):
    """An attendee's comment on a verbale under review, sent through their personal link."""

    __tablename__ = "verbale_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    verbale_id: Mapped[int] = mapped_column(
        sa.ForeignKey("verbali.id", ondelete="CASCADE"), index=True
    )
    link_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("personal_links.id", ondelete="SET NULL")
    )
    author_name: Mapped[str] = mapped_column(sa.String(NAME_CHARS), default="")
    author_organisation: Mapped[str] = mapped_column(sa.String(MAX_VERBALE_FIELD_CHARS), default="")
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
