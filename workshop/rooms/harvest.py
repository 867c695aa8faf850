"""Harvest: chosen items of group boards copied into the plenary as new, editable items.

Every card type comes (a problem card keeps its role and evidence), with the edges between
harvested items (causal links, connectors). Each group's items land in a frame titled with
the group's name, and the plenary remembers which group each copy came from (Room.
harvested_items, read back by sessions.harvest_origins). A note still private on its group
board (written during private writing, before the reveal) is not harvested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from workshop.boards import service as boards
from workshop.boards.errors import BadRequest, NotFound
from workshop.boards.ops import CREATE, Change, Op
from workshop.boards.state import Actor
from workshop.models import Board, LiveSession, Room
from workshop.rooms import copying, rules
from workshop.rooms.items import SERVER_CLIENT_ID, live_item, new_id
from workshop.rooms.sessions import groups_of, plenary_of, room_in


@dataclass(frozen=True)
class Harvested:
    room: Room
    applied: boards.AppliedChange
    created: dict[str, str]  # group item id -> new plenary item id


def _picks_by_room(live: LiveSession, picks: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    by_room: dict[int, list[str]] = {}
    group_by_board = {r.board_id: r for r in groups_of(live)}
    for board_id, item_id in picks:
        room = group_by_board.get(board_id)
        if room is None:
            raise NotFound("that board is not a group of this session", field="board_id")
        ids = by_room.setdefault(room.id, [])
        if item_id not in ids:
            ids.append(item_id)
    return by_room


def _sources(session: Session, room: Room, item_ids: list[str]) -> list[dict]:
    """The picked items of a group board and the edges between them, in wire form."""
    chosen = []
    for item_id in item_ids:
        item = live_item(session, room.board_id, item_id)
        if room.private_since_seq is not None and item.created_seq > room.private_since_seq:
            raise BadRequest("reveal the group's notes before harvesting them", field="item_id")
        if not (copying.is_card(item.type) or copying.is_edge(item.type)):
            raise BadRequest(f"{item.type} items are not harvested", field="item_id")
        chosen.append({"id": item.item_id, "type": item.type, "fields": item.fields})
    ids = {it["id"] for it in chosen if copying.is_card(it["type"])}
    for edge in chosen:
        if (
            copying.is_edge(edge["type"])
            and not {edge["fields"]["from"], edge["fields"]["to"]} <= ids
        ):
            raise BadRequest("harvest a connection with the two items it joins", field="item_id")
    cards = [it for it in chosen if copying.is_card(it["type"])]
    pool = boards.live_items(session, room.board_id)
    return [*cards, *copying.edges_between(pool, ids)]


def _group_frame(room: Room, plenary_items: list[dict]) -> tuple[list[Op], dict]:
    """The group's frame on the plenary: the one made by an earlier harvest, or a new one under
    everything the plenary holds."""
    frame = next(
        (it for it in plenary_items if it["id"] == room.harvest_frame_id and it["type"] == "frame"),
        None,
    )
    if frame is not None:
        return [], frame["fields"]
    bottom = max(
        (it["fields"]["y"] + it["fields"]["h"] for it in plenary_items if "y" in it["fields"]),
        default=0,
    )
    frame_id = new_id()
    box = rules.harvest_frame_box(room.position, bottom)
    room.harvest_frame_id = frame_id
    room.harvested_count = 0
    return [Op(CREATE, frame_id, "frame", {**box, "title": room.name, "color": "white"})], box


def harvest(
    session: Session,
    live: LiveSession,
    picks: Iterable[tuple[int, str]],
    conductor: Actor,
    locks: boards.WriteLocks | None,
    after_commit: Callable[[boards.AppliedChange], None] | None = None,
) -> list[Harvested]:
    """Copy chosen items of group boards into the plenary, inside a frame per group. One change
    per group; a harvested note's author is its group's name. Commits."""
    plenary = plenary_of(live)
    kind = str(session.get(Board, plenary.board_id).kind)
    done = []
    for room_id, item_ids in _picks_by_room(live, picks).items():
        room = room_in(live, room_id)
        sources = _sources(session, room, item_ids)
        ops, frame = _group_frame(room, boards.live_items(session, plenary.board_id))
        start = room.harvested_count

        def place(_item, index, frame=frame, start=start):
            x, y = rules.harvest_slot(frame, start + index)
            return {"x": x, "y": y}

        copies, created = copying.copy_ops(sources, kind, lambda _old: new_id(), place)
        cards = sum(1 for op in copies if op.op == CREATE and not copying.is_edge(op.type))
        room.harvested_count += cards
        # The room's bookkeeping rides in the same transaction as the change.
        room.harvested_items = {
            **(room.harvested_items or {}),
            **{new: old for old, new in created.items()},
        }
        actor = Actor(conductor.identity, room.name, may_conduct=True)
        change = Change(plenary.board_id, f"harvest:{new_id()}", SERVER_CLIENT_ID, (*ops, *copies))
        applied = boards.apply_change(session, change, actor, locks, after_commit)
        done.append(Harvested(room, applied, created))
    return done
