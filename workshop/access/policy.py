"""What a principal may see and do. Every view and socket handler asks here; nothing else decides.

Pure functions of the principal and the target's ids, so they are cheap enough to ask on
every socket event.
"""

from __future__ import annotations

from workshop.access.principal import Principal
from workshop.models import InviteRole


def can_manage_accounts(who: Principal | None) -> bool:
    return who is not None and who.is_organizer


def can_create_project(who: Principal | None) -> bool:
    return who is not None and who.is_organizer


def can_manage_project(who: Principal | None, project_id: int) -> bool:
    """Edit the record, add boards, invite and remove participants."""
    if who is None or not who.is_user:
        return False
    return who.is_organizer or project_id in who.conducted_project_ids


# Seeing a project's page is the same right as managing it: participants see boards, not records.
can_view_project = can_manage_project


def can_view_board(who: Principal | None, project_id: int, board_id: int) -> bool:
    if who is None:
        return False
    if who.is_user:
        return can_manage_project(who, project_id)
    if who.invite_project_id != project_id:
        return False
    # Rooms: an invite to a live session's plenary also opens that session's group boards.
    return (
        who.invite_board_id is None
        or who.invite_board_id == board_id
        or board_id in who.room_board_ids
    )


def can_edit_board(who: Principal | None, project_id: int, board_id: int) -> bool:
    if not can_view_board(who, project_id, board_id):
        return False
    return who.is_user or who.invite_role == InviteRole.PARTICIPANT


def can_review_board(who: Principal | None, project_id: int) -> bool:
    """The whole board as stored, at any point of its history, and its files (JSON, CSV, diagrams).

    Stored items include notes still private in a room's private writing: participants see a
    board live, through the room's filter, never whole, so review and exports are for managers.
    """
    return can_manage_project(who, project_id)


def can_conduct_board(who: Principal | None, project_id: int) -> bool:
    """Use the facilitation controls (lock, timer, reveal...): conductors and organizers only."""
    return can_manage_project(who, project_id)


# --- rooms and the conductor ------------------------------------------------------------------------


def can_manage_labs(who: Principal | None) -> bool:
    """Create labs and link them to projects: organizers, who see every project."""
    return who is not None and who.is_organizer


def can_see_attendance(who: Principal | None, project_id: int) -> bool:
    """Who was in which room and what they did: for organizers, not for the conductor running it."""
    return who is not None and who.is_organizer


# --- the practice library ---------------------------------------------------------------------------
# Its members are the account holders: organizers (the instance's administrators) and conductors.
# Participants joined one project with a code; the library is not theirs to read.


def can_read_library(who: Principal | None) -> bool:
    """Browse materials, download their files, read published case histories."""
    return who is not None and who.is_user


def can_add_material(who: Principal | None) -> bool:
    return can_read_library(who)


def can_edit_material(who: Principal | None, created_by_id: int | None) -> bool:
    """Change or delete a material: whoever added it, and organizers."""
    return can_read_library(who) and (who.is_organizer or who.user_id == created_by_id)


def can_publish_case(who: Principal | None, project_id: int) -> bool:
    """Publish or unpublish a project's case history: the people who manage the project."""
    return can_manage_project(who, project_id)
