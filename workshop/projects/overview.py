"""What an organizer's dashboard shows of boards, live sessions and snapshots: counts and times
read in a few grouped queries, whatever the number of boards. Plain SQLAlchemy, no Flask."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.models import Board, BoardChange, BoardItem, BoardSnapshot, LiveSession, SnapshotKind

RECENT_SNAPSHOTS = 15  # the dashboard's list of the latest named snapshots


@dataclass(frozen=True)
class BoardFigures:
    items: int
    last_change: datetime | None
    snapshots: int


def board_figures(session: Session, board_ids: Iterable[int]) -> dict[int, BoardFigures]:
    """Live items, the time of the last kept change, and the named snapshots of each board."""
    ids = list(board_ids)
    if not ids:
        return {}
    items = dict(
        session.execute(
            sa.select(BoardItem.board_id, sa.func.count())
            .where(BoardItem.board_id.in_(ids), BoardItem.deleted_seq.is_(None))
            .group_by(BoardItem.board_id)
        ).all()
    )
    changed = dict(
        session.execute(
            sa.select(BoardChange.board_id, sa.func.max(BoardChange.created_at))
            .where(BoardChange.board_id.in_(ids))
            .group_by(BoardChange.board_id)
        ).all()
    )
    named = dict(
        session.execute(
            sa.select(BoardSnapshot.board_id, sa.func.count())
            .where(BoardSnapshot.board_id.in_(ids), BoardSnapshot.kind != SnapshotKind.CHECKPOINT)
            .group_by(BoardSnapshot.board_id)
        ).all()
    )
    return {i: BoardFigures(items.get(i, 0), changed.get(i), named.get(i, 0)) for i in ids}


def recent_snapshots(
    session: Session, project_ids: Iterable[int], limit: int = RECENT_SNAPSHOTS
) -> list[BoardSnapshot]:
    """The latest named, phase and session snapshots of these projects' boards, newest first."""
    ids = list(project_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            sa.select(BoardSnapshot)
            .join(Board, Board.id == BoardSnapshot.board_id)
            .where(Board.project_id.in_(ids), BoardSnapshot.kind != SnapshotKind.CHECKPOINT)
            .order_by(BoardSnapshot.created_at.desc(), BoardSnapshot.id.desc())
            .limit(limit)
        )
    )


def project_snapshots(session: Session, project_id: int) -> list[tuple[Board, BoardSnapshot]]:
    """Every named snapshot of the project's boards, board by board, oldest first."""
    return list(
        session.execute(
            sa.select(Board, BoardSnapshot)
            .join(BoardSnapshot, BoardSnapshot.board_id == Board.id)
            .where(Board.project_id == project_id, BoardSnapshot.kind != SnapshotKind.CHECKPOINT)
            .order_by(Board.position, Board.id, BoardSnapshot.seq, BoardSnapshot.id)
        ).all()
    )


def live_sessions(session: Session, project_ids: Iterable[int]) -> list[LiveSession]:
    """The live sessions of these projects, the latest first."""
    ids = list(project_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            sa.select(LiveSession)
            .where(LiveSession.project_id.in_(ids))
            .order_by(LiveSession.opened_at.desc(), LiveSession.id.desc())
        )
    )
