"""The reveal after private writing lays the notes out so that none hides another.

While people write in private, nobody sees the others' notes, so each new card goes to the free
place nearest the middle of its author's view (the board client's freeSpot), and that is the
same place for everyone who opened the board on the same view: in the demo's lab, the cards of
two people lay exactly one on the other after the reveal, and in a lab of twenty a conductor
would find one pile to take apart card by card. At the reveal, a card written in private that
covers another moves to the nearest free place; the earliest written keeps its place, and no
card that was already public moves. Frames and other zones are not obstacles: cards lie on them.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop import protocol as P
from workshop.boards import service as boards
from workshop.boards.errors import BoardError
from workshop.boards.ops import UPDATE, Change, Op
from workshop.boards.schema import BACKGROUND_TYPES
from workshop.boards.state import Actor
from workshop.models import BoardItem
from workshop.rooms import copying
from workshop.rooms.items import SERVER_CLIENT_ID, new_id

log = logging.getLogger(__name__)

GAP = 24.0  # board units between a moved card and the card it steps beside (as freeSpot)
CLEARANCE = 8.0  # two cards closer than this count as touching (as freeSpot)
MAX_RINGS = 40  # how far (in card steps) a card looks for a free place before staying put

Box = tuple[float, float, float, float]  # x, y, w, h in board units


def _box(item: Mapping[str, Any]) -> Box | None:
    fields = item["fields"]
    values = [fields.get(key) for key in ("x", "y", "w", "h")]
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
        return None
    x, y, w, h = (float(v) for v in values)
    return x, y, w, h


def _touch(a: Box, b: Box) -> bool:
    return (
        a[0] < b[0] + b[2] + CLEARANCE
        and b[0] < a[0] + a[2] + CLEARANCE
        and a[1] < b[1] + b[3] + CLEARANCE
        and b[1] < a[1] + a[3] + CLEARANCE
    )


def _nearest_free(box: Box, placed: list[Box]) -> tuple[float, float] | None:
    """The nearest place, in steps of the card's size and a gap, where it touches no placed
    card: ring by ring around where it is, nearer first, then below and right before above and
    left (the way a page is read)."""
    x, y, w, h = box
    step_x, step_y = w + GAP, h + GAP
    for ring in range(1, MAX_RINGS + 1):
        steps = [
            (i, j)
            for i in range(-ring, ring + 1)
            for j in range(-ring, ring + 1)
            if max(abs(i), abs(j)) == ring
        ]
        steps.sort(key=lambda s: (math.hypot(s[0] * step_x, s[1] * step_y), s[1] < 0, s[0] < 0))
        for i, j in steps:
            spot = (x + i * step_x, y + j * step_y, w, h)
            if not any(_touch(spot, other) for other in placed):
                return spot[0], spot[1]
    return None


def spread(
    items: Iterable[Mapping[str, Any]], written_in_private: set[str]
) -> dict[str, tuple[int, int]]:
    """New places for the cards written in private that touch another card, in the order
    given (the order they were written); every other card stays where it is."""
    cards = [
        (item, box)
        for item in items
        if copying.is_card(item["type"])
        and item["type"] not in BACKGROUND_TYPES
        and (box := _box(item)) is not None
    ]
    placed = [box for item, box in cards if item["id"] not in written_in_private]
    moves: dict[str, tuple[int, int]] = {}
    for item, box in cards:
        if item["id"] not in written_in_private:
            continue
        if any(_touch(box, other) for other in placed):
            spot = _nearest_free(box, placed)
            if spot is not None:
                moves[item["id"]] = (round(spot[0]), round(spot[1]))
                box = (*spot, box[2], box[3])
        placed.append(box)
    return moves


def spread_revealed(
    session: Session,
    board_id: int,
    since_seq: int,
    actor: Actor,
    locks: boards.WriteLocks | None,
    after_commit: Callable[[boards.AppliedChange], None] | None = None,
) -> boards.AppliedChange | None:
    """Move the cards written after `since_seq` off the cards they cover, as a board change by
    the conductor (one per MAX_OPS_PER_CHANGE cards). A refused change leaves its cards where
    they are: the reveal itself stands. Returns the last change applied. Commits."""
    written = set(
        session.scalars(
            sa.select(BoardItem.item_id).where(
                BoardItem.board_id == board_id,
                BoardItem.created_seq > since_seq,
                BoardItem.deleted_seq.is_(None),
            )
        )
    )
    moves = spread(boards.live_items(session, board_id), written) if written else {}
    session.rollback()  # the read's transaction: apply_change takes the board's lock first
    if not moves:
        return None
    ops = [Op(UPDATE, item_id, fields={"x": x, "y": y}) for item_id, (x, y) in moves.items()]
    applied = None
    for start in range(0, len(ops), P.MAX_OPS_PER_CHANGE):  # a change's size, as any client's
        chunk = tuple(ops[start : start + P.MAX_OPS_PER_CHANGE])
        change = Change(board_id, f"reveal:{new_id()}", SERVER_CLIENT_ID, chunk)
        try:
            applied = boards.apply_change(session, change, actor, locks, after_commit)
        except BoardError as error:
            session.rollback()
            log.warning("the revealed notes of board %s stay where they are: %s", board_id, error)
            return None
    return applied
