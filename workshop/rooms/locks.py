"""Locks a conductor sets on a board or on a frame, and their end with the live session.

A board lock makes the whole board read-only for participants (Board.locked); a frame lock is
the frame's own `locked` field, set by an ordinary change. A lock set while the board is a room
of an open session is recorded on the room, and the session's close lifts it unless the
conductor chose to keep it. A conductor can lift any lock at any time.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards import service as boards
from workshop.boards.errors import BadRequest
from workshop.boards.ops import UPDATE, Change, Op
from workshop.boards.state import Actor
from workshop.models import Board, BoardItem, LiveSession, Room
from workshop.rooms.controls import board_lock
from workshop.rooms.items import SERVER_CLIENT_ID, live_item, new_id


def locked_frames(session: Session, board_id: int) -> list[str]:
    """The ids of the board's live frames that are locked, oldest first."""
    rows = session.execute(
        sa.select(BoardItem.item_id, BoardItem.fields)
        .where(
            BoardItem.board_id == board_id,
            BoardItem.type == "frame",
            BoardItem.deleted_seq.is_(None),
        )
        .order_by(BoardItem.created_seq, BoardItem.item_id)
    )
    return [item_id for item_id, fields in rows if fields.get("locked")]


def lock_board(
    session: Session,
    board: Board,
    locked: bool,
    room: Room | None,
    write_locks: boards.WriteLocks | None,
) -> None:
    """Lock or unlock the whole board for participants. Under the board's write lock: a change
    already past its check commits before the lock shows. Commits."""
    with board_lock(write_locks, board.id):
        session.execute(sa.update(Board).where(Board.id == board.id).values(locked=locked))
        if room is not None:
            room.session_locked_board = locked
        session.commit()
    session.refresh(board)


def lock_frame(
    session: Session,
    board: Board,
    item_id: object,
    locked: bool,
    room: Room | None,
    actor: Actor,
    write_locks: boards.WriteLocks | None,
    after_commit: Callable[[boards.AppliedChange], None] | None = None,
) -> boards.AppliedChange:
    """Lock or unlock one frame, as a board change. Commits."""
    item = live_item(session, board.id, item_id)
    if item.type != "frame":
        raise BadRequest("only a frame is locked this way", field="item_id")
    if room is not None:
        # Rides in the change's transaction: recorded only when the change commits.
        frames = [f for f in room.session_locked_frames or [] if f != item.item_id]
        room.session_locked_frames = [*frames, item.item_id] if locked else frames
    change = Change(
        board.id,
        f"lock:{new_id()}",
        SERVER_CLIENT_ID,
        (Op(UPDATE, item.item_id, fields={"locked": locked}),),
    )
    return boards.apply_change(session, change, actor, write_locks, after_commit)


def release_session_locks(
    session: Session,
    live: LiveSession,
    actor: Actor | None,
    write_locks: boards.WriteLocks | None,
    after_commit: Callable[[boards.AppliedChange], None] | None = None,
) -> list[int]:
    """Lift every lock set during the session that still holds. Returns the boards unlocked."""
    unlocked = []
    for room in live.rooms:
        if room.session_locked_board:
            board = session.get(Board, room.board_id)
            if board.locked:
                lock_board(session, board, False, None, write_locks)
                unlocked.append(board.id)
        still = set(locked_frames(session, room.board_id))
        frames = [f for f in room.session_locked_frames or [] if f in still]
        if frames and actor is not None:
            ops = tuple(Op(UPDATE, f, fields={"locked": False}) for f in frames)
            change = Change(room.board_id, f"unlock:{new_id()}", SERVER_CLIENT_ID, ops)
            boards.apply_change(session, change, actor, write_locks, after_commit)
    return unlocked
