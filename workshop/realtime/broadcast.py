"""Broadcasting a change made outside a socket event (an HTTP import) to a board's sockets."""

from __future__ import annotations

from workshop import protocol as P
from workshop.boards.service import AppliedChange
from workshop.extensions import socketio
from workshop.realtime.handlers import board_room


def broadcast_applied_change(applied: AppliedChange) -> None:
    """Send change_applied to every socket on the board, as a socket-made change is sent to
    the others. Call it as apply_change's `after_commit`, so it leaves in seq order."""
    socketio.emit(P.CHANGE_APPLIED, applied.to_wire(), to=board_room(applied.board_id))
