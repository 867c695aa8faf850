"""Labs: a course of dated meetings (e.g. the four lab sessions) linked to projects.

A live session may name the meeting it runs, so attendance reads per meeting of the lab.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards.errors import BadRequest, Forbidden, NotFound
from workshop.models import Lab, LabMeeting, LabProject, LiveSession
from workshop.models.rooms import MAX_LAB_TITLE_CHARS

# "2026-03-12 Analisi del contesto": a date, then the meeting's title.
MEETING_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+(.+?)\s*$")


class BadMeetingLine(BadRequest):
    def __init__(self, line: int) -> None:
        super().__init__(
            f"line {line}: write a date YYYY-MM-DD, a space, then the title", field="meetings"
        )
        self.line = line


def parse_meetings(text: str) -> list[tuple[date, str]]:
    """One meeting per line, "YYYY-MM-DD title". Raises BadMeetingLine naming the first bad line."""
    meetings = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = MEETING_LINE.match(line)
        try:
            held_on = date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            held_on = None
        title = match.group(2) if match else ""
        if held_on is None or not title or len(title) > MAX_LAB_TITLE_CHARS:
            raise BadMeetingLine(number)
        meetings.append((held_on, title))
    return meetings


def create_lab(
    session: Session,
    title: str,
    meetings: Iterable[tuple[date, str]],
    project_ids: Iterable[int],
    created_by_id: int | None,
) -> Lab:
    lab = Lab(title=title, created_by_id=created_by_id)
    lab.meetings = [LabMeeting(held_on=held_on, title=name) for held_on, name in meetings]
    lab.projects = [LabProject(project_id=pid) for pid in sorted(set(project_ids))]
    session.add(lab)
    session.flush()
    return lab


def all_labs(session: Session) -> list[Lab]:
    return list(session.scalars(sa.select(Lab).order_by(Lab.created_at.desc(), Lab.id.desc())))


def meetings_of_project(session: Session, project_id: int) -> list[LabMeeting]:
    """The meetings of every lab the project belongs to, by date."""
    return list(
        session.scalars(
            sa.select(LabMeeting)
            .join(LabProject, LabProject.lab_id == LabMeeting.lab_id)
            .where(LabProject.project_id == project_id)
            .order_by(LabMeeting.held_on, LabMeeting.id)
        )
    )


def meeting_of_project(session: Session, project_id: int, meeting_id: object) -> LabMeeting:
    """The lab meeting, when a lab holding the project has it. Raises BadRequest for a value
    that is no id, NotFound for no meeting, Forbidden for a meeting of a lab without the project."""
    if isinstance(meeting_id, bool) or not isinstance(meeting_id, int):
        raise BadRequest("meeting_id must be a whole number", field="meeting_id")
    meeting = session.get(LabMeeting, meeting_id)
    if meeting is None:
        raise NotFound("no such meeting", field="meeting_id")
    if session.get(LabProject, (meeting.lab_id, project_id)) is None:
        raise Forbidden("that meeting belongs to a lab without this project", field="meeting_id")
    return meeting


def attach_meeting(session: Session, live: LiveSession, meeting_id: object) -> None:
    """Say which lab meeting a live session runs; the meeting's lab must hold the project."""
    live.meeting_id = meeting_of_project(session, live.project_id, meeting_id).id
