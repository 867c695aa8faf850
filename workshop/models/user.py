"""Accounts of the people who run labs: organizers and conductors."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from workshop.green import in_os_thread
from workshop.models.base import Base, TimestampMixin

MAX_EMAIL_CHARS = 254
MAX_NAME_CHARS = 120
MIN_PASSWORD_CHARS = 10


class UserRole(enum.StrEnum):
    ORGANIZER = "organizer"  # sees and manages every project, creates accounts
    CONDUCTOR = "conductor"  # runs the labs and projects assigned to them


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(MAX_EMAIL_CHARS), unique=True)
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME_CHARS))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[UserRole] = mapped_column(
        sa.Enum(
            UserRole, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        )
    )
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]

    def set_password(self, password: str) -> None:
        if len(password) < MIN_PASSWORD_CHARS:
            raise ValueError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
        # scrypt takes a core for ~170 ms: off the event loop, so that no board stalls.
        self.password_hash = in_os_thread(generate_password_hash, password)

    def check_password(self, password: str) -> bool:
        return in_os_thread(check_password_hash, self.password_hash, password)

    @property
    def is_organizer(self) -> bool:
        return self.role == UserRole.ORGANIZER

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


def normalise_email(email: str) -> str:
    return email.strip().lower()
