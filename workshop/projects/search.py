"""Search across the projects someone may see: the text of the cards on their boards (actors,
indicators, problems, notes...) and the projects' records.

The database narrows the candidates (the item's JSON as text contains the words); Python then
looks only in the fields people write, so a search for "role" does not find every card that
has a field of that name, and gives back the field and a snippet around the match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards.schema import Text, registry
from workshop.models import Board, BoardItem, Project
from workshop.projects.service import RECORD_FIELDS

MIN_QUERY_CHARS = 2
MAX_QUERY_CHARS = 200
MAX_CANDIDATES = 2_000  # rows the database hands over for one search
MAX_RESULTS = 100
SNIPPET_CHARS = 80  # on each side of the match
RECORD_TEXT_FIELDS = tuple(
    f for f in RECORD_FIELDS if f not in ("status", "third_sector_types") and not f.endswith("_eur")
)


@dataclass(frozen=True)
class Hit:
    project_id: int
    project_title: str
    board_id: int | None  # None: the project's record
    board_kind: str | None
    board_title: str
    item_id: str | None
    item_type: str | None
    field: str
    snippet: str


def _like_pattern(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def snippet(text: str, at: int, length: int) -> str:
    start, end = max(0, at - SNIPPET_CHARS), min(len(text), at + length + SNIPPET_CHARS)
    piece = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


def normalise_query(query: str) -> str | None:
    words = " ".join(str(query or "").split())
    if len(words) < MIN_QUERY_CHARS or len(words) > MAX_QUERY_CHARS:
        return None
    return words


def search(session: Session, project_ids: Iterable[int], query: str) -> list[Hit]:
    words = normalise_query(query)
    project_ids = list(project_ids)
    if words is None or not project_ids:
        return []
    needle = words.casefold()
    hits: list[Hit] = []
    projects = session.scalars(
        sa.select(Project).where(Project.id.in_(project_ids)).order_by(Project.id)
    ).all()
    titles = {p.id: p.title for p in projects}
    for project in projects:
        for name in ("title", *RECORD_TEXT_FIELDS):
            value = getattr(project, name, "") or ""
            at = value.casefold().find(needle)
            if at >= 0:
                hits.append(
                    Hit(
                        project.id,
                        project.title,
                        None,
                        None,
                        "",
                        None,
                        None,
                        name,
                        snippet(value, at, len(words)),
                    )
                )
    rows = session.execute(
        sa.select(
            BoardItem.board_id,
            BoardItem.item_id,
            BoardItem.type,
            BoardItem.fields,
            Board.project_id,
            Board.kind,
            Board.title,
        )
        .join(Board, Board.id == BoardItem.board_id)
        .where(
            Board.project_id.in_(project_ids),
            BoardItem.deleted_seq.is_(None),
            sa.cast(BoardItem.fields, sa.Text).ilike(_like_pattern(words), escape="\\"),
        )
        .order_by(Board.project_id, BoardItem.board_id, BoardItem.created_seq)
        .limit(MAX_CANDIDATES)
    )
    for board_id, item_id, type_, fields, project_id, kind, board_title in rows:
        item_type = registry.types.get(type_)
        if item_type is None:
            continue
        for name, spec in item_type.all_fields().items():
            value = fields.get(name)
            if not isinstance(spec, Text) or not isinstance(value, str):
                continue
            at = value.casefold().find(needle)
            if at >= 0:
                hits.append(
                    Hit(
                        project_id,
                        titles[project_id],
                        board_id,
                        str(kind),
                        board_title,
                        item_id,
                        type_,
                        name,
                        snippet(value, at, len(words)),
                    )
                )
                break
        if len(hits) >= MAX_RESULTS:
            break
    return hits[:MAX_RESULTS]
