"""The person behind a request or a socket: an account holder or a participant."""

from __future__ import annotations

from dataclasses import dataclass, field

from workshop.models import InviteRole, UserRole


@dataclass(frozen=True)
class Principal:
    """An authenticated person, loaded from a live AuthSession.

    Speaks the four attributes Flask-Login expects, without importing it, so the same object
    serves views, socket handlers and domain code.
    """

    auth_session_id: str
    user_id: int | None = None
    user_role: UserRole | None = None
    participant_id: int | None = None
    display_name: str = ""
    email: str | None = None
    # Participants only: the scope of the invite they joined through.
    invite_id: int | None = None
    invite_project_id: int | None = None
    invite_board_id: int | None = None
    invite_role: InviteRole | None = None
    # Participants invited to one board: the group boards of live sessions run on it.
    room_board_ids: frozenset[int] = field(default_factory=frozenset)
    # Conductors only: the projects given to them.
    conducted_project_ids: frozenset[int] = field(default_factory=frozenset)

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.auth_session_id

    @property
    def is_user(self) -> bool:
        return self.user_id is not None

    @property
    def is_participant(self) -> bool:
        return self.participant_id is not None

    @property
    def is_organizer(self) -> bool:
        return self.user_role == UserRole.ORGANIZER

    @property
    def is_conductor(self) -> bool:
        return self.user_role == UserRole.CONDUCTOR

    @property
    def identity(self) -> str:
        """A stable key for authorship and presence: "u:7" or "p:42"."""
        return f"u:{self.user_id}" if self.is_user else f"p:{self.participant_id}"
