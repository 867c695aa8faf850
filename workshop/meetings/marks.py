"""Decisions and dissent, marked during a live session (issue 17).

A conductor (or whoever manages the project) marks any card of a room's board (a problem, an
actor, an outcome, a sticky note...) as "Decisione" or "Posizione di minoranza", or writes an
entry in the decision log of the conductor's panel (a decision, a minority position, a next
step, with no card). The card's words are kept as they were when marked: the verbale records
what was decided, whatever the card becomes. Plain functions over a SQLAlchemy session; a
function that commits says so. Nothing here knows Flask or sockets.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards.errors import BadRequest, Forbidden, NotFound
from workshop.boards.schema import Text
from workshop.boards.schema import registry as item_types
from workshop.models import BoardItem, LiveSession, MarkKind, MeetingMark, Room, utcnow
from workshop.models.meetings import MAX_MARK_TEXT_CHARS, NAME_CHARS
from workshop.rooms import copying, rules
from workshop.rooms.items import live_item
from workshop.rooms.rules import ItemMeta, Privacy, Viewer

CARD_KINDS = (MarkKind.DECISION, MarkKind.MINORITY)  # what a card may be marked as
LOG_KINDS = (MarkKind.DECISION, MarkKind.MINORITY, MarkKind.NEXT_STEP)  # the decision log's


def card_text(item_type: str, fields: dict[str, Any]) -> str:
    """A card's words, as its title shows them (a problem's statement, an actor's name...)."""
    kind = item_types.types.get(item_type)
    for name in (kind.title_field if kind else None, "text", "title", "name", "label"):
        if name and isinstance(fields.get(name), str) and fields[name].strip():
            return " ".join(fields[name].split())[:MAX_MARK_TEXT_CHARS]
    return ""


def _kind(value: Any, allowed: tuple[MarkKind, ...]) -> MarkKind:
    if value not in [k.value for k in allowed]:
        raise BadRequest("kind must be one of " + ", ".join(k.value for k in allowed), field="kind")
    return MarkKind(value)


def _must_conduct(viewer: Viewer) -> None:
    if not viewer.conducts:
        raise Forbidden("only a conductor or a manager of the project marks decisions")


def _current(session: Session, board_id: int, item_id: str) -> MeetingMark | None:
    return session.scalar(
        sa.select(MeetingMark).where(
            MeetingMark.board_id == board_id,
            MeetingMark.item_id == item_id,
            MeetingMark.removed_at.is_(None),
        )
    )


def mark_card(
    session: Session,
    room: Room,
    privacy: Privacy,
    viewer: Viewer,
    name: str,
    item_id: Any,
    kind: Any,
    now: datetime | None = None,
) -> MeetingMark | None:
    """Mark a card of the room's board as a decision or a minority position (kind None: take the
    mark off). One mark per card: a new kind replaces the old. A card hidden from the viewer
    (another's note during private writing) is "not found" to them. Commits."""
    _must_conduct(viewer)
    wanted = None if kind is None else _kind(kind, CARD_KINDS)
    item = live_item(session, room.board_id, item_id)
    meta = ItemMeta(item.type, item.created_seq, item.created_by)
    if not copying.is_card(item.type) or rules.is_hidden(meta, viewer, privacy):
        raise NotFound("no such card to mark", field="item_id")
    now = now or utcnow()
    old = _current(session, room.board_id, item.item_id)
    if old is not None and wanted is not None and old.kind == wanted:
        return old  # marked twice: one mark
    if old is not None:
        old.removed_at = now
    mark = None
    if wanted is not None:
        mark = MeetingMark(
            project_id=room.live_session.project_id,
            live_session_id=room.live_session_id,
            board_id=room.board_id,
            item_id=item.item_id,
            kind=wanted,
            text=card_text(item.type, item.fields or {}),
            created_by=viewer.identity,
            created_by_name=name[:NAME_CHARS],
            created_at=now,
        )
        session.add(mark)
    session.commit()
    return mark


def log_entry(
    session: Session,
    live: LiveSession,
    viewer: Viewer,
    name: str,
    kind: Any,
    text: Any,
    now: datetime | None = None,
) -> MeetingMark:
    """An entry of the decision log (no card): checked like a board's text. Commits."""
    _must_conduct(viewer)
    wanted = _kind(kind, LOG_KINDS)
    words = Text(max_chars=MAX_MARK_TEXT_CHARS).clean("text", text).strip()
    if not words:
        raise BadRequest("write the decision first", field="text")
    mark = MeetingMark(
        project_id=live.project_id,
        live_session_id=live.id,
        kind=wanted,
        text=words,
        created_by=viewer.identity,
        created_by_name=name[:NAME_CHARS],
        created_at=now or utcnow(),
    )
    session.add(mark)
    session.commit()
    return mark


def remove_mark(
    session: Session, live: LiveSession, viewer: Viewer, mark_id: Any, now: datetime | None = None
) -> None:
    """Take back a log entry or a card's mark of this session (kept, as removed). Commits."""
    _must_conduct(viewer)
    if isinstance(mark_id, bool) or not isinstance(mark_id, int):
        raise BadRequest("mark_id must be a whole number", field="mark_id")
    mark = session.get(MeetingMark, mark_id)
    if mark is None or mark.live_session_id != live.id or mark.removed_at is not None:
        raise NotFound("no such entry in this session", field="mark_id")
    mark.removed_at = now or utcnow()
    session.commit()


def session_marks(session: Session, session_ids: Iterable[int]) -> list[MeetingMark]:
    """The standing marks and log entries of these sessions, oldest first."""
    ids = list(session_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            sa.select(MeetingMark)
            .where(MeetingMark.live_session_id.in_(ids), MeetingMark.removed_at.is_(None))
            .order_by(MeetingMark.created_at, MeetingMark.id)
        )
    )


def card_marks(session: Session, board_id: int, privacy: Privacy) -> dict[str, str]:
    """item id -> kind of the marked live cards of a board, as everyone in the room may see
    them: a card still private to its author is left out (its id says it exists)."""
    rows = session.execute(
        sa.select(
            MeetingMark.item_id,
            MeetingMark.kind,
            BoardItem.type,
            BoardItem.created_seq,
            BoardItem.created_by,
        )
        .join(
            BoardItem,
            sa.and_(
                BoardItem.board_id == MeetingMark.board_id, BoardItem.item_id == MeetingMark.item_id
            ),
        )
        .where(
            MeetingMark.board_id == board_id,
            MeetingMark.removed_at.is_(None),
            BoardItem.deleted_seq.is_(None),
        )
    )
    anyone = Viewer("", False)
    return {
        item_id: str(kind.value)
        for item_id, kind, item_type, seq, author in rows
        if not rules.is_hidden(ItemMeta(item_type, seq, author), anyone, privacy)
    }


def mark_wire(mark: MeetingMark) -> dict[str, Any]:
    return {
        "id": mark.id,
        "kind": mark.kind.value,
        "text": mark.text,
        "board_id": mark.board_id,
        "item_id": mark.item_id,
        "by": mark.created_by_name,
        "at": int(mark.created_at.timestamp() * 1000),
    }
