"""The demo a newcomer opens first: accounts, a filled-in project, its boards and an invite.

Its parts: record.py (the project record and accounts), context.py, stakeholders.py and theory.py
(the four sessions' boards, written through the board engine), library.py (the practice library).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.access import service as access
from workshop.demo.context import DEMO_PROBLEMS, fill_context_board
from workshop.demo.library import DEMO_MATERIALS, load_library
from workshop.demo.record import (
    DEMO_CONDUCTOR_EMAIL,
    DEMO_JOIN_CODE,
    DEMO_ORGANIZER_EMAIL,
    DEMO_PASSWORD,
    DEMO_PROJECT_TITLE,
    DEMO_RECORD,
)
from workshop.demo.stakeholders import DEMO_ACTORS, DEMO_BUDGET, _ledger, _stakeholder_map
from workshop.demo.theory import fill_theory_and_report
from workshop.models import Invite, InviteRole, Project, User, UserRole, utcnow
from workshop.monitoring.service import sync_tasks
from workshop.projects import service as projects

# What tests, the CLI and the README take from the demo.
__all__ = [
    "DEMO_ACTORS",
    "DEMO_BUDGET",
    "DEMO_CONDUCTOR_EMAIL",
    "DEMO_JOIN_CODE",
    "DEMO_MATERIALS",
    "DEMO_ORGANIZER_EMAIL",
    "DEMO_PASSWORD",
    "DEMO_PROBLEMS",
    "DEMO_PROJECT_TITLE",
    "DEMO_RECORD",
    "DemoResult",
    "load",
    "load_library",
]


@dataclass
class DemoResult:
    created: bool
    project_id: int

    def summary(self) -> str:
        verb = "created" if self.created else "already present"
        return f"demo project {self.project_id} {verb}"


def _user(session: Session, email: str, name: str, role: UserRole) -> User:
    user = session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, role=role)
        user.set_password(DEMO_PASSWORD)
        session.add(user)
        session.flush()
    return user


def load(session: Session) -> DemoResult:
    """Create the demo once; running it again changes nothing."""
    existing = session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
    if existing is not None:
        conductor = session.scalar(sa.select(User).where(User.email == DEMO_CONDUCTOR_EMAIL))
        if conductor is not None:
            fill_context_board(session, existing, conductor)  # an older demo gets its boards
            _stakeholder_map(session, existing, conductor)
            _ledger(session, existing)
            fill_theory_and_report(session, existing, conductor)
            _monitoring_calendar(session, existing.id)
        return DemoResult(created=False, project_id=existing.id)
    organizer = _user(session, DEMO_ORGANIZER_EMAIL, "Giulia Organizzatrice", UserRole.ORGANIZER)
    conductor = _user(session, DEMO_CONDUCTOR_EMAIL, "Marco Conduttore", UserRole.CONDUCTOR)
    project = projects.create_project(session, DEMO_RECORD, organizer)
    projects.assign_conductor(session, project, conductor)
    invite = access.create_invite(
        session,
        project.id,
        organizer.id,
        role=InviteRole.PARTICIPANT,
        label="Tavolo di co-progettazione",
    )
    if session.scalar(sa.select(Invite.id).where(Invite.code == DEMO_JOIN_CODE)) is None:
        invite.code = DEMO_JOIN_CODE  # a code the README can print
    session.flush()
    project_id = project.id
    session.commit()  # the board engine commits each change on its own
    fill_context_board(session, project, conductor)
    _stakeholder_map(session, project, conductor)
    _ledger(session, project)
    fill_theory_and_report(session, project, conductor)
    _monitoring_calendar(session, project_id)
    return DemoResult(created=True, project_id=project_id)


def _monitoring_calendar(session: Session, project_id: int) -> None:
    """The indicators' collections (docs/monitoring.md), drawn as the daily job would."""
    sync_tasks(session, project_id, utcnow())
    session.commit()
