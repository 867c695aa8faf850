"""Case histories: a finished project shared with the other members of the instance.

Its manager writes a summary and chooses which of the project's boards to show. Publishing
freezes those boards (their live items at that seq) and the project's record, so later work
on the project never leaks into the published case; the boards not chosen are never copied.
Unpublishing hides the case from everyone and drops the frozen copies; the summary stays for
a later publication.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards import service as boards
from workshop.boards.errors import BadRequest
from workshop.boards.schema import Registry, registry
from workshop.models import Board, CaseBoard, CaseHistory, Project, ProjectStatus, utcnow
from workshop.models.library import MAX_CASE_TEXT_CHARS, MAX_MATERIAL_TITLE_CHARS
from workshop.projects.service import RECORD_FIELDS

MAX_OUTLINE_ITEMS = 300  # cards listed as text under a frozen board's drawing
LINK_TYPES = ("connector",)  # drawn as arrows; nothing to read as a card


class NotFinished(BadRequest):
    """Only a closed project is shared as a case history."""


@dataclass(frozen=True)
class Summary:
    title: str
    context: str = ""
    what_was_done: str = ""
    results: str = ""
    lessons: str = ""


def frozen_record(project: Project) -> dict[str, Any]:
    """The project's record fields as JSON-safe values (amounts as strings, exact)."""
    record: dict[str, Any] = {}
    for name in RECORD_FIELDS:
        value = getattr(project, name)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, date):  # the agreement's date: ISO, as JSON holds it
            value = value.isoformat()
        elif hasattr(value, "value"):  # an enum: the status
            value = value.value
        elif isinstance(value, list):
            value = list(value)
        record[name] = value
    return record


def case_of_project(session: Session, project_id: int) -> CaseHistory | None:
    return session.scalar(sa.select(CaseHistory).where(CaseHistory.project_id == project_id))


def publish(
    session: Session,
    project: Project,
    summary: Summary,
    board_ids: Iterable[int],
    published_by_id: int | None,
) -> CaseHistory:
    """Publish (or publish again) the project's case history with the chosen boards frozen now.
    Raises NotFinished for a project that is not closed, BadRequest for bad input."""
    if project.status != ProjectStatus.CLOSED:
        raise NotFinished("close the project before sharing it as a case history", field="project")
    title = summary.title.strip()
    if not title or len(title) > MAX_MATERIAL_TITLE_CHARS:
        raise BadRequest("a title of at most 200 characters is required", field="title")
    texts = {
        name: getattr(summary, name).strip()
        for name in ("context", "what_was_done", "results", "lessons")
    }
    for name, text in texts.items():
        if len(text) > MAX_CASE_TEXT_CHARS:
            raise BadRequest(f"at most {MAX_CASE_TEXT_CHARS} characters", field=name)
    chosen = list(dict.fromkeys(board_ids))
    project_boards = {b.id: b for b in project.boards}
    if any(board_id not in project_boards for board_id in chosen):
        raise BadRequest("a chosen board is not a board of this project", field="boards")
    case = case_of_project(session, project.id)
    if case is None:
        case = CaseHistory(project_id=project.id)
        session.add(case)
    case.title = title
    for name, text in texts.items():
        setattr(case, name, text)
    case.record = frozen_record(project)
    case.boards = [
        _freeze(session, project_boards[board_id], position)
        for position, board_id in enumerate(chosen)
    ]
    case.published_at = utcnow()
    case.published_by_id = published_by_id
    session.flush()
    return case


def _freeze(session: Session, board: Board, position: int) -> CaseBoard:
    # populate_existing: the sequencer writes with Core, so the seq this session holds may be old.
    board = session.get(Board, board.id, populate_existing=True)
    items = copy.deepcopy(boards.live_items(session, board.id))
    return CaseBoard(
        board_id=board.id,
        position=position,
        kind=str(board.kind),
        title=board.title,
        seq=board.seq,
        items=items,
    )


def unpublish(session: Session, case: CaseHistory) -> None:
    """Hide the case from everyone and drop its frozen boards and record."""
    case.published_at = None
    case.boards = []
    case.record = {}
    session.flush()


def published_cases(session: Session) -> list[CaseHistory]:
    return list(
        session.scalars(
            sa.select(CaseHistory)
            .where(CaseHistory.published_at.is_not(None))
            .order_by(CaseHistory.published_at.desc())
        )
    )


def published_case(session: Session, case_id: int) -> CaseHistory | None:
    """The case, if it is published: an unpublished case is no case at all to its readers."""
    case = session.get(CaseHistory, case_id)
    return case if case is not None and case.published_at is not None else None


def outline(
    items: Iterable[Mapping[str, Any]], types: Registry = registry
) -> list[tuple[str, str]]:
    """(type, text) of each frozen card that has a text, for reading without the drawing."""
    lines = []
    for item in items:
        if item["type"] in LINK_TYPES:
            continue
        item_type = types.types.get(item["type"])
        candidates = (
            [item_type.title_field] if item_type is not None and item_type.title_field else []
        )
        for name in (*candidates, "text", "title", "name", "label"):
            value = item["fields"].get(name)
            if isinstance(value, str) and value.strip():
                lines.append((item["type"], value.strip()))
                break
        if len(lines) >= MAX_OUTLINE_ITEMS:
            break
    return lines
