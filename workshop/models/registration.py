"""Registration for a lab: places, and the people who asked for one, in order of arrival.

Who holds a place is written as a seat number (1..places) on the registration, unique per lab:
two registrations racing for the last place cannot both take it, on any database, because the
second insert of the same seat fails and is retried as a wait in line.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.access import LINK_TOKEN_CHARS
from workshop.models.base import Base, TimestampMixin, utcnow
from workshop.models.user import MAX_EMAIL_CHARS, MAX_NAME_CHARS

MAX_PLACES = 10_000  # more than any lab room holds; refuses typos like 1000000
MAX_ORGANISATION_CHARS = 200
MAX_ROLE_CHARS = 120
LANG_CHARS = 2  # "it", "en"


class RegistrationStatus(enum.StrEnum):
    ACCEPTED = "accepted"  # holds a seat
    WAITING = "waiting"  # in line, by order of arrival
    CANCELLED = "cancelled"  # by the person, or removed by the organizer


class RegistrationDesk(TimestampMixin, Base):
    """A lab's registration: open or closed, and how many places it offers."""

    __tablename__ = "registration_desks"

    lab_id: Mapped[int] = mapped_column(
        sa.ForeignKey("labs.id", ondelete="CASCADE"), primary_key=True
    )
    places: Mapped[int]
    is_open: Mapped[bool] = mapped_column(default=True)

    lab: Mapped[Lab] = relationship()  # noqa: F821


class Registration(Base):
    """One person's request for a place in a lab, without an account."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(sa.ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME_CHARS))
    email: Mapped[str] = mapped_column(sa.String(MAX_EMAIL_CHARS))  # normalised: lower case
    organisation: Mapped[str] = mapped_column(sa.String(MAX_ORGANISATION_CHARS), default="")
    role: Mapped[str] = mapped_column(sa.String(MAX_ROLE_CHARS), default="")
    lang: Mapped[str] = mapped_column(sa.String(LANG_CHARS), default="it")  # of the e-mails
    status: Mapped[RegistrationStatus] = mapped_column(
        sa.Enum(
            RegistrationStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    # 1..places while accepted, None otherwise; unique per lab (see the module's docstring).
    seat: Mapped[int | None]
    # The secret of the personal link sent by e-mail: see one's place, cancel, enter the lab.
    token: Mapped[str] = mapped_column(sa.String(LINK_TOKEN_CHARS), unique=True)
    arrived_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # The invite the personal link entered the current live session through (made on demand).
    invite_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invites.id", ondelete="SET NULL"))

    invite: Mapped[Invite | None] = relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("lab_id", "email", name="uq_registrations_lab_email"),
        sa.UniqueConstraint("lab_id", "seat", name="uq_registrations_lab_seat"),
        sa.Index("ix_registrations_lab_arrival", "lab_id", "arrived_at"),
    )
