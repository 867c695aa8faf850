"""The dated history of actors' power and interest: written by an effect inside each change,
read by the positions endpoint. Nothing here imports Flask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from workshop.boards.state import Actor, Item
from workshop.models.base import utcnow
from workshop.models.stakeholders import StakeholderPosition

_POSITIONS = StakeholderPosition.__table__


def _last_positions(
    conn: sa.Connection, board_id: int, actor_ids: list[str]
) -> dict[str, tuple[float, float]]:
    latest = (
        sa.select(_POSITIONS.c.actor_id, sa.func.max(_POSITIONS.c.seq).label("seq"))
        .where(_POSITIONS.c.board_id == board_id, _POSITIONS.c.actor_id.in_(actor_ids))
        .group_by(_POSITIONS.c.actor_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(_POSITIONS.c.actor_id, _POSITIONS.c.power, _POSITIONS.c.interest).join(
            latest,
            sa.and_(
                _POSITIONS.c.board_id == board_id,
                _POSITIONS.c.actor_id == latest.c.actor_id,
                _POSITIONS.c.seq == latest.c.seq,
            ),
        )
    )
    return {actor_id: (power, interest) for actor_id, power, interest in rows}


def record_positions(
    conn: sa.Connection,
    board_id: int,
    project_id: int,
    seq: int,
    changed: Mapping[str, Item],
    actor: Actor,
) -> None:
    """The effect: a row for every live actor of the change whose power or interest differs
    from the last one recorded (its first value included), dated now."""
    actors = [it for it in changed.values() if it.type == "actor" and it.alive]
    if not actors:
        return
    last = _last_positions(conn, board_id, [a.id for a in actors])
    moved = [
        a
        for a in actors
        if last.get(a.id) != (float(a.fields["power"]), float(a.fields["interest"]))
    ]
    if not moved:
        return
    now = utcnow()
    conn.execute(
        sa.insert(_POSITIONS),
        [
            {
                "project_id": project_id,
                "board_id": board_id,
                "actor_id": a.id,
                "seq": seq,
                "power": float(a.fields["power"]),
                "interest": float(a.fields["interest"]),
                "at": now,
                "by": actor.identity,
            }
            for a in moved
        ],
    )


def position_history(conn: sa.Connection, board_id: int, actor_id: str) -> list[dict[str, Any]]:
    """Every position the actor took on this board, oldest first."""
    rows = conn.execute(
        sa.select(
            _POSITIONS.c.seq,
            _POSITIONS.c.power,
            _POSITIONS.c.interest,
            _POSITIONS.c.at,
            _POSITIONS.c.by,
        )
        .where(_POSITIONS.c.board_id == board_id, _POSITIONS.c.actor_id == actor_id)
        .order_by(_POSITIONS.c.seq, _POSITIONS.c.id)
    )
    return [
        {"seq": seq, "power": power, "interest": interest, "at": at, "by": by}
        for seq, power, interest, at, by in rows
    ]
