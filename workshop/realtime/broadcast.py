"""Broadcasting a change made outside a socket event (an HTTP import) to a board's sockets."""

from __future__ import annotations

from workshop.boards.service import AppliedChange
from workshop.extensions import db
from workshop.realtime import room_hooks
from workshop.rooms import service as rooms


def broadcast_applied_change(applied: AppliedChange) -> None:
    """Send change_applied to every socket on the board, as a socket-made change is sent to
    the others, each getting what it may see (a room's private writing). Call it as
    apply_change's `after_commit`, so it leaves in seq order."""
    room = rooms.room_of_board(db.session, applied.board_id)
    room_hooks.broadcast(applied, None, room.id if room is not None else None)
