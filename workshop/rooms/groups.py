"""Groups of a live session: their boards, seeded from the plenary, and who is in which room.

Plain functions over a SQLAlchemy session; a function that commits says so.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop import protocol as P
from workshop.boards import service as boards
from workshop.boards.errors import BadRequest, Forbidden, LimitReached, NotFound
from workshop.boards.ops import Change
from workshop.boards.state import Actor
from workshop.models import Board, BoardItem, LiveSession, Room, RoomMember
from workshop.rooms import copying, rules
from workshop.rooms.items import SERVER_CLIENT_ID
from workshop.rooms.sessions import groups_of, plenary_of, room_in

TEMPLATE_TYPES = ("frame", "text")  # what every group board copies from the plenary


@dataclass(frozen=True)
class Seed:
    """What each new group board starts with: the plenary's frames and texts, and with a
    `frame_id` also every item inside that frame and the edges between them."""

    frame_id: str | None = None


def template_items(session: Session, plenary: Room, seed: Seed) -> list[dict[str, Any]]:
    """The plenary items a group board starts with. Items still private (written during private
    writing, before the reveal) never leave the plenary this way."""
    visible = boards.live_items(session, plenary.board_id)
    if plenary.private_since_seq is not None:
        private = set(
            session.scalars(
                sa.select(BoardItem.item_id).where(
                    BoardItem.board_id == plenary.board_id,
                    BoardItem.created_seq > plenary.private_since_seq,
                )
            )
        )
        visible = [it for it in visible if it["id"] not in private]
    chosen = [it for it in visible if it["type"] in TEMPLATE_TYPES]
    if seed.frame_id is None:
        return chosen
    frame = next(
        (it for it in visible if it["id"] == seed.frame_id and it["type"] == "frame"), None
    )
    if frame is None:
        raise NotFound("no such frame on the plenary board", field="seed")
    ids = {it["id"] for it in chosen}
    inner = [
        it
        for it in visible
        if it["id"] not in ids and copying.is_card(it["type"]) and copying.inside(it, frame)
    ]
    ids |= {it["id"] for it in inner}
    return [*chosen, *inner, *copying.edges_between(visible, ids)]


def create_groups(
    session: Session,
    live: LiveSession,
    names: Sequence[str],
    actor: Actor,
    locks: boards.WriteLocks | None,
    after_commit: Callable[[boards.AppliedChange], None] | None = None,
    seed: Seed | None = None,
) -> list[Room]:
    """New group rooms, each on a new board of the plenary's kind that starts as a copy of the
    plenary's template (one change per board). Copies are made in the plenary's name, so a
    copied note names no participant. Commits."""
    if len(groups_of(live)) + len(names) > P.MAX_GROUPS:
        raise LimitReached(f"a live session has at most {P.MAX_GROUPS} groups")
    plenary = plenary_of(live)
    plenary_board = session.get(Board, plenary.board_id)
    template = template_items(session, plenary, seed or Seed())
    ops, _ids = copying.copy_ops(template, str(plenary_board.kind), new_id=lambda old: old)
    last_position = (
        session.scalar(
            sa.select(sa.func.max(Board.position)).where(Board.project_id == live.project_id)
        )
        or 0
    )
    first_room_position = max((r.position for r in live.rooms), default=0) + 1
    rooms = []
    for offset, name in enumerate(names):
        board = Board(
            project_id=live.project_id,
            kind=plenary_board.kind,
            title=name,
            position=last_position + 1 + offset,
        )
        session.add(board)
        session.flush()
        room = Room(board_id=board.id, name=name, position=first_room_position + offset)
        live.rooms.append(room)
        rooms.append(room)
    session.commit()
    copier = Actor(actor.identity, plenary.name, may_conduct=True)
    for room in rooms:
        if ops:
            change = Change(
                room.board_id, f"template:{room.board_id}", SERVER_CLIENT_ID, tuple(ops)
            )
            boards.apply_change(session, change, copier, locks, after_commit)
    return rooms


# --- who is in which room ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Moved:
    """One person moved: from which room (None when they had no place yet) to which."""

    identity: str
    from_room_id: int | None
    to_room: Room


def ensure_member(session: Session, live: LiveSession, identity: str, name: str) -> RoomMember:
    """A participant's place in the session: the plenary until someone moves them."""
    member = session.get(RoomMember, (live.id, identity))
    if member is None:
        member = RoomMember(
            live_session_id=live.id, identity=identity, room_id=plenary_of(live).id, name=name
        )
        session.add(member)
        session.flush()
    return member


def members(session: Session, live: LiveSession) -> list[RoomMember]:
    return list(
        session.scalars(
            sa.select(RoomMember)
            .where(RoomMember.live_session_id == live.id)
            .order_by(RoomMember.name)
        )
    )


def assign_random(session: Session, live: LiveSession, rng: random.Random) -> list[Moved]:
    """Every participant of the session into a group at random, balanced. Commits."""
    groups = groups_of(live)
    if not groups:
        raise BadRequest("create groups first")
    everyone = members(session, live)
    plan = rules.balanced_assignment(
        sorted(m.identity for m in everyone), [g.id for g in groups], rng
    )
    by_id = {r.id: r for r in live.rooms}
    moved = []
    for member in everyone:
        moved.append(Moved(member.identity, member.room_id, by_id[plan[member.identity]]))
        member.room_id = plan[member.identity]
    live.choosing = False
    session.commit()
    return moved


def set_choosing(session: Session, live: LiveSession, choosing: bool) -> None:
    """Let participants pick their group (or stop it: the conductor moves them). Commits."""
    if not groups_of(live):
        raise BadRequest("create groups first")
    live.choosing = choosing
    session.commit()


def move(session: Session, live: LiveSession, identity: Any, room_id: Any) -> Moved:
    """Put one participant into a room (a group, or the plenary). Commits."""
    room = room_in(live, room_id)
    if not isinstance(identity, str):
        raise BadRequest("identity must be text", field="identity")
    member = session.get(RoomMember, (live.id, identity))
    if member is None:
        raise NotFound("this person has not joined the session", field="identity")
    moved = Moved(member.identity, member.room_id, room)
    member.room_id = room.id
    session.commit()
    return moved


def choose(session: Session, live: LiveSession, identity: str, name: str, room_id: Any) -> Moved:
    """A participant picks a group while the conductor lets them. Commits."""
    if not live.choosing:
        raise Forbidden("the conductor assigns the groups")
    ensure_member(session, live, identity, name)
    return move(session, live, identity, room_id)


def all_back_to_plenary(session: Session, live: LiveSession) -> list[Moved]:
    """Everyone to the plenary. Commits."""
    plenary = plenary_of(live)
    moved = []
    for member in members(session, live):
        if member.room_id != plenary.id:
            moved.append(Moved(member.identity, member.room_id, plenary))
            member.room_id = plenary.id
    live.choosing = False
    session.commit()
    return moved


@dataclass(frozen=True)
class Present:
    """Someone on a board when its session opens."""

    identity: str
    name: str
    conducts: bool


def adopt(
    session: Session, live: LiveSession, room: Room, present: Sequence[Present], now: datetime
) -> None:
    """The people already on the board when its session opens: participants get their place
    (the plenary), and everyone's stay starts. Commits."""
    from workshop.rooms.service import enter  # attendance lives there

    for who in present:
        if not who.conducts:
            ensure_member(session, live, who.identity, who.name)
        enter(session, live, room, who.identity, who.name, now)
    session.commit()


def may_enter(session: Session, live: LiveSession, room: Room, identity: str) -> bool:
    """A participant's own room, the plenary, or any group while they may choose."""
    if room.is_plenary or live.choosing:
        return True
    member = session.get(RoomMember, (live.id, identity))
    return member is not None and member.room_id == room.id
