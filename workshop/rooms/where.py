"""Where the live session is: which boards of a project are live now, where a participant
should land, and which boards were a session's group boards (issue 14, "Where am I").
Domain code: no Flask, no sockets."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.models import Board, LabMeeting, LiveSession, Room
from workshop.rooms.sessions import group_boards_by_session


def open_plenary(session: Session, project_id: int) -> int | None:
    """The plenary board of the project's open live session (the latest, if several)."""
    return session.scalar(
        sa.select(LiveSession.plenary_board_id)
        .where(LiveSession.project_id == project_id, LiveSession.closed_at.is_(None))
        .order_by(LiveSession.opened_at.desc(), LiveSession.id.desc())
        .limit(1)
    )


def live_board_ids(session: Session, project_id: int) -> set[int]:
    """Every board a room of an open live session of the project works on."""
    return set(
        session.scalars(
            sa.select(Room.board_id)
            .join(LiveSession, Room.live_session_id == LiveSession.id)
            .where(LiveSession.project_id == project_id, LiveSession.closed_at.is_(None))
        )
    )


@dataclass
class SessionGroups:
    """A live session and the boards of its groups, for the project's board list."""

    live: LiveSession
    meeting: LabMeeting | None
    boards: list[Board] = field(default_factory=list)


def group_boards(session: Session, project_id: int) -> list[SessionGroups]:
    """The project's sessions that made group boards, the latest first, each with its boards
    (in the groups' order) and its lab meeting."""
    found = group_boards_by_session(session, project_id)
    ids = [board_id for entry in found for board_id in entry.group_board_ids]
    boards = {b.id: b for b in session.scalars(sa.select(Board).where(Board.id.in_(ids)))}
    meetings = meetings_by_id(session, [entry.live.meeting_id for entry in found])
    return [
        SessionGroups(
            entry.live,
            meetings.get(entry.live.meeting_id),
            [boards[board_id] for board_id in entry.group_board_ids],
        )
        for entry in found
    ]


def meetings_by_id(session: Session, ids) -> dict[int, LabMeeting]:
    """The lab meetings with these ids (None skipped), for listing sessions under their meeting."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        m.id: m for m in session.scalars(sa.select(LabMeeting).where(LabMeeting.id.in_(wanted)))
    }
