"""Creating and editing projects; every project gets its four lab-session boards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.models import SESSION_BOARD_KINDS, Board, BoardKind, Project, ProjectConductor, User
from workshop.models.board import MAX_BOARD_TITLE_CHARS
from workshop.models.project import INSTRUMENTS
from workshop.projects.catalogue import THIRD_SECTOR_TYPES

# The record's editable fields; views and the demo loader pass exactly these.
RECORD_FIELDS = (
    "title",
    "status",
    "notice_name",
    "notice_act",
    "proposing_body",
    "territory",
    "third_sector_types",
    "motivation",
    "requested_activities",
    "public_resources_eur",
    "public_resources_monetary",
    "public_resources_in_kind",
    "third_sector_cofunding_eur",
    "third_sector_cofunding",
    "procedure_steps",
    "table_coordination",
    "participant_selection",
    "conflict_handling",
    "strengths",
    "weaknesses",
    "rup",
    "political_act",
    "cup",
    "instrument",
    "scheme_general_objective",
    "scheme_specific_objectives",
    "public_in_kind_eur",
    "agreement_date",
    "agreement_number",
    "agreement_duration",
    "strength_tags",
    "weakness_tags",
)


class ProjectError(ValueError):
    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(f"{code}: {field}" if field else code)
        self.code = code
        self.field = field


def apply_record(project: Project, fields: Mapping[str, Any]) -> None:
    """Copy validated record fields onto the project. Raises ProjectError for unknown ones."""
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise ProjectError("unknown_field", sorted(unknown)[0])
    if "title" in fields and not str(fields["title"]).strip():
        raise ProjectError("required", "title")
    types = fields.get("third_sector_types")
    if types is not None and not set(types) <= set(THIRD_SECTOR_TYPES):
        raise ProjectError("unknown_choice", "third_sector_types")
    if fields.get("instrument") not in (None, "", *INSTRUMENTS):
        raise ProjectError("unknown_choice", "instrument")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(project, name, value)


def create_project(session: Session, fields: Mapping[str, Any], created_by: User | None) -> Project:
    """A project with its four lab-session boards, in the order the lab runs them."""
    project = Project(created_by_id=created_by.id if created_by else None)
    apply_record(project, fields)
    for position, kind in enumerate(SESSION_BOARD_KINDS):
        # Session boards carry no stored title: the interface names them in the reader's language.
        project.boards.append(Board(kind=kind, title="", position=position))
    session.add(project)
    session.flush()
    return project


def add_free_board(session: Session, project: Project, title: str) -> Board:
    title = " ".join(title.split())
    if not title:
        raise ProjectError("required", "title")
    if len(title) > MAX_BOARD_TITLE_CHARS:
        raise ProjectError("too_long", "title")
    position = 1 + max((b.position for b in project.boards), default=-1)
    board = Board(kind=BoardKind.FREE, title=title, position=position)
    project.boards.append(board)
    session.flush()
    return board


def add_imported_board(session: Session, project: Project, kind: BoardKind, title: str) -> Board:
    """A board for an imported export: of the export's kind, after the project's boards."""
    title = " ".join(title.split())[:MAX_BOARD_TITLE_CHARS]
    position = 1 + max((b.position for b in project.boards), default=-1)
    board = Board(kind=kind, title=title, position=position)
    project.boards.append(board)
    session.flush()
    return board


def assign_conductor(session: Session, project: Project, user: User) -> None:
    exists = session.get(ProjectConductor, (project.id, user.id))
    if exists is None:
        session.add(ProjectConductor(project_id=project.id, user_id=user.id))
        session.flush()


def unassign_conductor(session: Session, project: Project, user: User) -> None:
    session.execute(
        sa.delete(ProjectConductor).where(
            ProjectConductor.project_id == project.id, ProjectConductor.user_id == user.id
        )
    )


def visible_projects(session: Session, user_id: int, is_organizer: bool) -> list[Project]:
    query = sa.select(Project).order_by(Project.updated_at.desc(), Project.id.desc())
    if not is_organizer:
        query = query.join(ProjectConductor).where(ProjectConductor.user_id == user_id)
    return list(session.scalars(query))
