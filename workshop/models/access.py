"""Invitations, the participants who joined through them, and login sessions."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.base import Base, utcnow

JOIN_CODE_CHARS = 8  # stored without the dash shown to people: "KQ7M-3WXP"
LINK_TOKEN_CHARS = 43  # secrets.token_urlsafe(32)
AUTH_SESSION_ID_CHARS = 43
MAX_DISPLAY_NAME_CHARS = 60
MAX_INVITE_LABEL_CHARS = 120


class InviteRole(enum.StrEnum):
    PARTICIPANT = "participant"  # writes on the boards
    OBSERVER = "observer"  # watches, writes nothing


class Invite(Base):
    """A link and a join code that let people into a project, or into one of its boards."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    # None: every board of the project; otherwise only this board.
    board_id: Mapped[int | None] = mapped_column(sa.ForeignKey("boards.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(JOIN_CODE_CHARS), unique=True)
    token: Mapped[str] = mapped_column(sa.String(LINK_TOKEN_CHARS), unique=True)
    label: Mapped[str] = mapped_column(sa.String(MAX_INVITE_LABEL_CHARS), default="")
    role: Mapped[InviteRole] = mapped_column(
        sa.Enum(
            InviteRole, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        ),
        default=InviteRole.PARTICIPANT,
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    project: Mapped[Project] = relationship()  # noqa: F821
    board: Mapped[Board | None] = relationship()  # noqa: F821

    def is_usable(self, now: datetime) -> bool:
        return invite_usable(self.revoked_at, self.expires_at, now)


def invite_usable(revoked_at: datetime | None, expires_at: datetime | None, now: datetime) -> bool:
    """An invite still opens its scope: not revoked, and not expired (when it expires at all).
    Also for an invite read as columns (access.service.load_principals)."""
    if revoked_at is not None:
        return False
    return expires_at is None or now < expires_at


MAX_PARTICIPANT_ORGANISATION_CHARS = 200  # as a registration's (models/registration.py)
MAX_PARTICIPANT_ROLE_CHARS = 120


class Participant(Base):
    """Someone who joined through an invite with a display name and no account."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    invite_id: Mapped[int] = mapped_column(
        sa.ForeignKey("invites.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(sa.String(MAX_DISPLAY_NAME_CHARS))
    # Optional, from the join form: the attendance sheet names them (as registration does).
    organisation: Mapped[str] = mapped_column(
        sa.String(MAX_PARTICIPANT_ORGANISATION_CHARS), default=""
    )
    role: Mapped[str] = mapped_column(sa.String(MAX_PARTICIPANT_ROLE_CHARS), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]  # a conductor took them out of the project

    invite: Mapped[Invite] = relationship()


class AuthSession(Base):
    """One login or one join. The signed cookie names it; revoking it ends that session
    everywhere, including sockets that are already open."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(sa.String(AUTH_SESSION_ID_CHARS), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()  # noqa: F821
    participant: Mapped[Participant | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(user_id IS NULL) <> (participant_id IS NULL)", name="exactly_one_principal"
        ),
    )
