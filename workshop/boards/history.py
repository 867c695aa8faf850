"""A board at any point of its history, for review and replay, read-only.

The board at seq N is the latest snapshot at or before N with the op log's changes after it
replayed up to N. Changes in the log are stored as applied (a create carries all its fields,
an update the fields it set, cascades included), so the replay needs no rules and no
validation: it is exactly what every client saw.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards.errors import NotFound
from workshop.models import Board, BoardChange, BoardSnapshot, SnapshotKind

MAX_TIMELINE_ENTRIES = 2_000  # the newest first; a replay steps through at most this many


class HistoryCompacted(NotFound):
    """That point is older than the history the board keeps (compacted without a snapshot)."""


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: datetime
    author_name: str
    created: int
    updated: int
    deleted: int


def items_at(session: Session, board_id: int, seq: int) -> list[dict[str, Any]]:
    """The live items of the board just after change `seq`, in wire form."""
    # populate_existing: the sequencer writes with Core statements, so a Board this session
    # already holds may be behind.
    board = session.get(Board, board_id, populate_existing=True)
    if board is None:
        raise NotFound("no such board", field="board_id")
    seq = max(0, min(seq, board.seq))
    snapshot = session.scalar(
        sa.select(BoardSnapshot)
        .where(BoardSnapshot.board_id == board_id, BoardSnapshot.seq <= seq)
        .order_by(BoardSnapshot.seq.desc(), BoardSnapshot.id.desc())
        .limit(1)
    )
    start = snapshot.seq if snapshot is not None else 0
    if seq > start and start < board.compacted_seq:
        # Some changes between the snapshot and that point were compacted away.
        raise HistoryCompacted("that point of the board's history is no longer kept")
    items: dict[str, dict[str, Any]] = {}
    if snapshot is not None:
        items = {it["id"]: copy.deepcopy(it) for it in snapshot.items}
    changes = session.scalars(
        sa.select(BoardChange)
        .where(BoardChange.board_id == board_id, BoardChange.seq > start, BoardChange.seq <= seq)
        .order_by(BoardChange.seq)
    )
    for change in changes:
        replay(items, change.seq, change.ops, change.author)
    return sorted(items.values(), key=lambda it: (it.get("seq", 0), it["id"]))


def replay(
    items: dict[str, dict[str, Any]], seq: int, ops: list[dict[str, Any]], author: str
) -> None:
    """Apply one logged change's ops, as applied, to live items in wire form."""
    for op in ops:
        kind, item_id = op["op"], op["id"]
        if kind in ("create", "restore"):
            items[item_id] = {
                "id": item_id,
                "type": op["type"],
                "fields": copy.deepcopy(op["fields"]),
                "created_by": items.get(item_id, {}).get("created_by", author),
                "seq": seq,
            }
        elif kind == "update" and item_id in items:
            items[item_id]["fields"].update(copy.deepcopy(op["fields"]))
            items[item_id]["seq"] = seq
        elif kind == "delete":
            items.pop(item_id, None)


def timeline(
    session: Session, board_id: int, limit: int = MAX_TIMELINE_ENTRIES
) -> list[TimelineEntry]:
    """The board's kept changes, oldest first (the newest `limit` of them)."""
    rows = session.execute(
        sa.select(BoardChange.seq, BoardChange.created_at, BoardChange.author_name, BoardChange.ops)
        .where(BoardChange.board_id == board_id)
        .order_by(BoardChange.seq.desc())
        .limit(limit)
    ).all()
    entries = []
    for seq, at, author_name, ops in reversed(rows):
        kinds = [op["op"] for op in ops]
        entries.append(
            TimelineEntry(
                seq=seq,
                at=at,
                author_name=author_name,
                created=kinds.count("create") + kinds.count("restore"),
                updated=kinds.count("update"),
                deleted=kinds.count("delete"),
            )
        )
    return entries


def snapshots(session: Session, board_id: int) -> list[BoardSnapshot]:
    """The board's named, phase and live-session snapshots (not the automatic checkpoints)."""
    return list(
        session.scalars(
            sa.select(BoardSnapshot)
            .where(
                BoardSnapshot.board_id == board_id, BoardSnapshot.kind != SnapshotKind.CHECKPOINT
            )
            .order_by(BoardSnapshot.seq, BoardSnapshot.id)
        )
    )


def oldest_kept_seq(session: Session, board_id: int) -> int:
    """The first seq a review can show: 0, or the oldest snapshot after compaction."""
    board = session.get(Board, board_id, populate_existing=True)
    if board is None or board.compacted_seq == 0:
        return 0
    oldest = session.scalar(
        sa.select(sa.func.min(BoardSnapshot.seq)).where(
            BoardSnapshot.board_id == board_id, BoardSnapshot.seq >= board.compacted_seq
        )
    )
    return oldest if oldest is not None else board.seq


__all__ = [
    "HistoryCompacted",
    "TimelineEntry",
    "items_at",
    "oldest_kept_seq",
    "replay",
    "snapshots",
    "timeline",
]
