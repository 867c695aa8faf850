"""Labs, live sessions and their rooms: the conductor's plenary and small groups.

A lab is a course of dated meetings linked to projects. A live session runs on one board of a
project (the plenary) and may open small-group rooms, each with a board of its own. Every
control the conductor sets (timer, message, phase, private writing, follow) is stored on the
room, so it survives a reload and a server restart.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.base import Base, TimestampMixin, utcnow
from workshop.protocol import MAX_ROOM_MESSAGE_CHARS, MAX_ROOM_NAME_CHARS

MAX_LAB_TITLE_CHARS = 200
IDENTITY_CHARS = 32  # a principal identity, "u:7" / "p:42" (as BoardItem.created_by)
NAME_CHARS = 120


class Lab(TimestampMixin, Base):
    """A course of co-design meetings (e.g. the four lab sessions), linked to projects."""

    __tablename__ = "labs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(MAX_LAB_TITLE_CHARS))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    meetings: Mapped[list[LabMeeting]] = relationship(
        back_populates="lab", order_by="LabMeeting.held_on", cascade="all, delete-orphan"
    )
    projects: Mapped[list[LabProject]] = relationship(
        back_populates="lab", cascade="all, delete-orphan"
    )


class LabMeeting(Base):
    """One dated meeting of a lab."""

    __tablename__ = "lab_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(sa.ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(MAX_LAB_TITLE_CHARS))
    held_on: Mapped[date] = mapped_column(sa.Date)

    lab: Mapped[Lab] = relationship(back_populates="meetings")


class LabProject(Base):
    __tablename__ = "lab_projects"

    lab_id: Mapped[int] = mapped_column(
        sa.ForeignKey("labs.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )

    lab: Mapped[Lab] = relationship(back_populates="projects")


class LiveSession(Base):
    """A conductor running a board live: the plenary room and, when wanted, group rooms."""

    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    plenary_board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lab_meetings.id", ondelete="SET NULL")
    )
    opened_by: Mapped[str] = mapped_column(sa.String(IDENTITY_CHARS))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    # Participants may pick their group themselves while this is on.
    choosing: Mapped[bool] = mapped_column(default=False)

    rooms: Mapped[list[Room]] = relationship(
        back_populates="live_session", order_by="Room.position", cascade="all, delete-orphan"
    )


class Room(Base):
    """The plenary or one small group, on its own board, with the controls set on it."""

    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(MAX_ROOM_NAME_CHARS))
    position: Mapped[int] = mapped_column(default=0)
    is_plenary: Mapped[bool] = mapped_column(default=False)
    # --- controls ---
    phase: Mapped[str | None] = mapped_column(sa.String(16))
    votes_per_person: Mapped[int] = mapped_column(default=3)
    # Timer: running when ends_at is set; paused (or set) with remaining_ms otherwise.
    timer_duration_ms: Mapped[int] = mapped_column(default=0)
    timer_ends_at: Mapped[datetime | None]
    timer_remaining_ms: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.String(MAX_ROOM_MESSAGE_CHARS), default="")
    message_at: Mapped[datetime | None]
    # Private writing: stickies created after this seq are seen only by their author and the
    # conductors, until the reveal. None: not in private writing.
    private_since_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    private_anonymous: Mapped[bool] = mapped_column(default=False)
    # [[from_seq, to_seq], ...]: stickies created in these (revealed) windows keep their
    # authors hidden from peers.
    anonymous_windows: Mapped[list[list[int]]] = mapped_column(sa.JSON, default=list)
    # Follow-me: whose view participants follow, and the last view sent ({x, y, zoom}).
    follow_identity: Mapped[str | None] = mapped_column(sa.String(IDENTITY_CHARS))
    follow_view: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # Harvest: the frame on the plenary board that holds this group's harvested items.
    harvest_frame_id: Mapped[str | None] = mapped_column(sa.String(40))
    harvested_count: Mapped[int] = mapped_column(default=0)
    # {plenary item id: group item id} of every item harvested from this group: the plenary's
    # copies remember their group after the session closes (rooms.harvest_origins).
    harvested_items: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # Locks the conductor set during the session, lifted when it closes (unless kept): whether
    # this room's board was locked, and the frames locked on it.
    session_locked_board: Mapped[bool] = mapped_column(default=False)
    session_locked_frames: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    live_session: Mapped[LiveSession] = relationship(back_populates="rooms")


class RoomMember(Base):
    """Where each person of a live session is now (the plenary or a group)."""

    __tablename__ = "room_members"

    live_session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    identity: Mapped[str] = mapped_column(sa.String(IDENTITY_CHARS), primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_CHARS))


class RoomVisit(Base):
    """Attendance: one stay of one person in one room, from when to when."""

    __tablename__ = "room_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(sa.String(IDENTITY_CHARS))
    name: Mapped[str] = mapped_column(sa.String(NAME_CHARS))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]

    __table_args__ = (sa.Index("ix_room_visits_room_identity", "room_id", "identity"),)


class RoomVote(Base):
    """One dot of dot voting. Anonymous on the wire: only tallies and one's own dots leave."""

    __tablename__ = "room_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(sa.String(40))
    identity: Mapped[str] = mapped_column(sa.String(IDENTITY_CHARS))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.Index("ix_room_votes_room_identity", "room_id", "identity"),)


class RoomSignal(Base):
    """A raised hand or an "I'm done", standing until taken down."""

    __tablename__ = "room_signals"

    room_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    identity: Mapped[str] = mapped_column(sa.String(IDENTITY_CHARS), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_CHARS))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
