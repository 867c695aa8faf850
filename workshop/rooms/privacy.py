"""What each viewer of a room's board may receive: private writing (every item a participant
writes is theirs and the conductors' until the reveal) and anonymity (the authors of an
anonymous round's items stay hidden from participants for good, through marks stored in
`anonymous_items`). The pure rules are in workshop.rooms.rules; this is their stored side.

Plain functions over a SQLAlchemy session; nothing here commits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards import service as boards
from workshop.boards.errors import InvalidOp, NotFound
from workshop.boards.ops import CREATE, Op
from workshop.boards.schema import registry as type_registry
from workshop.boards.state import Item
from workshop.models import AnonymousItem, Board, BoardItem, Room
from workshop.rooms import rules
from workshop.rooms.rules import ItemMeta, Privacy, Viewer


def _privacy_of_board(session: Session, board_id: int) -> Privacy:
    from workshop.rooms.service import privacy_of, room_of_board  # the service imports this module

    return privacy_of(room_of_board(session, board_id))


def item_metas(
    session: Session, board_id: int, ids: Iterable[str] | None, privacy: Privacy
) -> dict[str, ItemMeta]:
    """Type, creation seq, creator and anonymity of the board's items that private writing or
    anonymity may concern: those created in this session's windows, and those marked
    anonymous (any time). `ids` None: all of them."""
    marked = AnonymousItem.item_id.is_not(None)
    concerned = marked
    if privacy.active:
        concerned = sa.or_(BoardItem.created_seq > privacy.oldest_seq(), marked)
    query = (
        sa.select(
            BoardItem.item_id,
            BoardItem.type,
            BoardItem.created_seq,
            BoardItem.created_by,
            marked,
        )
        .outerjoin(
            AnonymousItem,
            sa.and_(
                AnonymousItem.board_id == BoardItem.board_id,
                AnonymousItem.item_id == BoardItem.item_id,
            ),
        )
        .where(BoardItem.board_id == board_id, concerned)
    )
    if ids is not None:
        ids = list(ids)
        if not ids:
            return {}
        query = query.where(BoardItem.item_id.in_(ids))
    return {
        item_id: ItemMeta(type_, seq, by, bool(anonymous))
        for item_id, type_, seq, by, anonymous in session.execute(query)
    }


# Built once: asked before a change is broadcast.
_HAS_ANONYMOUS = sa.select(sa.exists().where(AnonymousItem.board_id == sa.bindparam("board_id")))


def has_anonymous_items(session: Session, board_id: int) -> bool:
    # On the session's connection: the ORM's execution path would cost more than the query.
    return bool(session.connection().scalar(_HAS_ANONYMOUS, {"board_id": board_id}))


def filter_sync(
    session: Session, board_id: int, privacy: Privacy, viewer: Viewer, state: dict[str, Any]
) -> dict[str, Any]:
    """A join's snapshot or delta as this viewer may receive it: private items left out,
    anonymous authors blanked (after the session too: privacy inactive, marks stored)."""
    if viewer.conducts:
        return state
    if not privacy.active and not has_anonymous_items(session, board_id):
        return state
    if state["mode"] == "snapshot":
        metas = item_metas(session, board_id, None, privacy)
        return {**state, "items": rules.filter_items(state["items"], metas, viewer, privacy)}
    ids = set().union(*(rules.change_referenced_ids(c) for c in state["changes"]))
    metas = item_metas(session, board_id, ids, privacy)
    return {
        **state,
        "changes": [rules.filter_change(c, metas, viewer, privacy) for c in state["changes"]],
    }


def check_hidden_ops(
    session: Session, board_id: int, privacy: Privacy, viewer: Viewer, ops: Iterable[Op]
) -> None:
    """A participant cannot touch an item they are not shown, nor point at one: for them it
    does not exist, and each refusal is word for word the engine's for a missing item
    (workshop.boards.state), so a refusal never tells a hidden item from no item. A create
    with a hidden item's id is refused as any taken id is (item_exists): ids are 16 random
    characters chosen by each client and a hidden id is never sent to anyone else, so no
    participant can name one."""
    if viewer.conducts or privacy.since_seq is None:
        return
    ops = list(ops)
    targets = [op.id for op in ops if op.op != CREATE]
    wanted = set(targets)
    for op in ops:
        wanted |= rules.referenced_ids(op.fields)
    metas = item_metas(session, board_id, wanted, privacy)
    for op in ops:
        if op.op != CREATE and rules.is_hidden(metas.get(op.id), viewer, privacy):
            raise NotFound("no such item", field="id")
        if op.fields is None:
            continue
        type_name = op.type if op.op == CREATE else _type_of(session, board_id, op.id, metas)
        for name, target_id in _refs_of(type_name, op.fields):
            if rules.is_hidden(metas.get(target_id), viewer, privacy):
                raise InvalidOp(f"{name} points at no live item", field=name)


def check_hidden_project_refs(
    session: Session, board_id: int, viewer: Viewer, ops: Iterable[Op]
) -> None:
    """A card's reference to an item of another board of the project (a ToC outcome's
    population among the actors) may not point at an item still private there: refused with
    the engine's words for a missing one. Costs nothing for ops that set no such field."""
    if viewer.conducts:
        return
    names = type_registry.project_ref_names
    wanted: list[tuple[str, str, str]] = []  # (field, board kind, target id)
    for op in ops:
        if not op.fields or not names & op.fields.keys():
            continue
        type_name = op.type if op.op == CREATE else _type_of(session, board_id, op.id, {})
        try:
            specs = type_registry.get(type_name).project_ref_fields()
        except KeyError:
            continue
        for name, spec in specs.items():
            if name in op.fields:
                try:
                    targets = spec.targets(op.fields[name])
                except TypeError:
                    continue
                wanted.extend((name, spec.board_kind, t) for t in targets if isinstance(t, str))
    if not wanted:
        return
    project_id = session.scalar(sa.select(Board.project_id).where(Board.id == board_id))
    for kind in {k for _, k, _ in wanted}:
        other = boards.project_board_id(session, project_id, kind)
        if other is None:
            continue
        window = _privacy_of_board(session, other)
        if window.since_seq is None:
            continue
        metas = item_metas(session, other, [t for _, k, t in wanted if k == kind], window)
        for name, k, target_id in wanted:
            if k == kind and rules.is_hidden(metas.get(target_id), viewer, window):
                raise InvalidOp(f"{name} points at no live item of the project", field=name)


def _type_of(
    session: Session, board_id: int, item_id: str, metas: dict[str, ItemMeta]
) -> str | None:
    if item_id in metas:
        return metas[item_id].type
    return session.scalar(
        sa.select(BoardItem.type).where(
            BoardItem.board_id == board_id, BoardItem.item_id == item_id
        )
    )


def _refs_of(type_name: str | None, fields: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, target id) of every same-board reference in these fields, in field order."""
    try:
        item_type = type_registry.get(type_name)
    except KeyError:
        return []  # an unknown type: the engine refuses the op itself
    found = []
    for name, spec in item_type.ref_fields().items():
        if name in fields:
            try:
                found.extend((name, t) for t in spec.targets(fields[name]) if isinstance(t, str))
            except TypeError:
                continue  # not a reference's shape: the engine refuses it
    return found


def readable_items(
    session: Session, board_id: int, items: dict[str, Item], viewer: Viewer
) -> dict[str, Item]:
    """A board's stored items as this viewer may read them on a page (the social report, its
    public link): without the items still private in a live session's private writing, and
    with anonymous authors blanked. Managers read them whole."""
    if viewer.conducts:
        return items
    privacy = _privacy_of_board(session, board_id)
    if not privacy.active and not has_anonymous_items(session, board_id):
        return items
    metas = item_metas(session, board_id, None, privacy)
    wire = [
        {"id": i.id, "type": i.type, "fields": i.fields, "created_by": i.created_by}
        for i in items.values()
    ]
    return {
        w["id"]: dataclasses.replace(items[w["id"]], fields=w["fields"], created_by=w["created_by"])
        for w in rules.filter_items(wire, metas, viewer, privacy)
    }


def may_read_item(session: Session, board_id: int, item_id: str, viewer: Viewer) -> bool:
    """Whether a page may show this viewer anything of this item (an actor's positions): not
    while it is another participant's private item."""
    if viewer.conducts:
        return True
    privacy = _privacy_of_board(session, board_id)
    if privacy.since_seq is None:
        return True
    meta = item_metas(session, board_id, [item_id], privacy).get(item_id)
    return not rules.is_hidden(meta, viewer, privacy)


def seal_anonymity(session: Session, room: Room, upto_seq: int | None) -> None:
    """Mark what participants wrote in the room's open anonymous round (up to `upto_seq`, the
    board's seq at its end) as anonymous for good, before the round's window is closed. Every
    item type, deleted ones too (a restore brings them back anonymous)."""
    if room.private_since_seq is None or not room.private_anonymous:
        return
    already = sa.select(AnonymousItem.item_id).where(
        AnonymousItem.board_id == room.board_id, AnonymousItem.item_id == BoardItem.item_id
    )
    query = sa.select(BoardItem.item_id).where(
        BoardItem.board_id == room.board_id,
        BoardItem.created_seq > room.private_since_seq,
        BoardItem.created_by.startswith(rules.PARTICIPANT_IDENTITY_PREFIX),
        ~sa.exists(already),
    )
    if upto_seq is not None:
        query = query.where(BoardItem.created_seq <= upto_seq)
    for item_id in session.scalars(query).all():
        session.add(
            AnonymousItem(
                board_id=room.board_id, item_id=item_id, live_session_id=room.live_session_id
            )
        )
