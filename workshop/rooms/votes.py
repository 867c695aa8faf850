"""Dot voting in a room: a dot on any card the phase lets people vote on, the tally, one's own dots.

Every card, note, text or shape of the room's board takes dots (a problem card as much as a
sticky note); edges and frames do not. Anonymous on the wire: only tallies and one's own dots
leave the server.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards.errors import LimitReached, NotFound
from workshop.models import Room, RoomVote
from workshop.rooms import copying, rules
from workshop.rooms.items import live_item
from workshop.rooms.rules import ItemMeta, Viewer


def is_votable(type_name: str) -> bool:
    return copying.is_card(type_name)


def cast_vote(session: Session, room: Room, viewer: Viewer, item_id: Any) -> None:
    """One dot on an item. Stacking dots on one item is allowed; the total per person is not. Commits."""
    from workshop.rooms.service import privacy_of  # private writing's rules live there

    rules.check_vote_in_phase(room.phase)
    item = live_item(session, room.board_id, item_id)
    meta = ItemMeta(item.type, item.created_seq, item.created_by)
    if not is_votable(item.type) or rules.is_hidden(meta, viewer, privacy_of(room)):
        raise NotFound("no such item to vote on", field="item_id")
    used = session.scalar(
        sa.select(sa.func.count()).where(
            RoomVote.room_id == room.id, RoomVote.identity == viewer.identity
        )
    )
    if used >= room.votes_per_person:
        raise LimitReached(f"you have used your {room.votes_per_person} votes: take one back first")
    session.add(RoomVote(room_id=room.id, item_id=item.item_id, identity=viewer.identity))
    session.commit()


def retract_vote(session: Session, room: Room, identity: str, item_id: Any) -> None:
    rules.check_vote_in_phase(room.phase)
    vote = session.scalar(
        sa.select(RoomVote)
        .where(
            RoomVote.room_id == room.id, RoomVote.identity == identity, RoomVote.item_id == item_id
        )
        .limit(1)
    )
    if vote is None:
        raise NotFound("you have no vote on this item", field="item_id")
    session.delete(vote)
    session.commit()


def tally(session: Session, room: Room) -> dict[str, int]:
    rows = session.execute(
        sa.select(RoomVote.item_id, sa.func.count())
        .where(RoomVote.room_id == room.id)
        .group_by(RoomVote.item_id)
    )
    return {item_id: n for item_id, n in rows}


def my_votes(session: Session, room: Room, identity: str) -> dict[str, int]:
    return dict(
        Counter(
            session.scalars(
                sa.select(RoomVote.item_id).where(
                    RoomVote.room_id == room.id, RoomVote.identity == identity
                )
            )
        )
    )


def votes_left(session: Session, room: Room, identity: str) -> tuple[dict[str, int], int]:
    """One's own dots in the room and how many they may still give."""
    mine = my_votes(session, room, identity)
    return mine, room.votes_per_person - sum(mine.values())
