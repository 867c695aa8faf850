"""Copying items from one board to another of the same kind: a group board seeded from the
plenary, a group's cards harvested into the plenary.

Pure functions over items in wire form ({id, type, fields}); no database. A copy keeps every
field a client may set (a problem card's role and evidence, an objective's flags) and drops
what the server sets itself (a note's author, derived scores). References between copied items
follow the copy; a reference to an item left behind is cleared. The edges (connectors, causal
links, relations...) whose two ends are both copied come along.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from workshop.boards.errors import BadRequest
from workshop.boards.ops import CREATE, UPDATE, Op
from workshop.boards.schema import ItemType, Ref, RefList, Registry
from workshop.boards.schema import registry as item_types

SERVER_FIELDS = ("author",)  # set by the server on create, never copied


def is_edge(type_name: str, types: Registry = item_types) -> bool:
    item_type = types.types.get(type_name)
    return item_type is not None and item_type.is_edge


def is_card(type_name: str, types: Registry = item_types) -> bool:
    """A card, note, text or shape: what people write, vote on and harvest. Not an edge (it
    joins two cards), not a frame (a zone of the board)."""
    item_type = types.types.get(type_name)
    return item_type is not None and item_type.spatial and type_name != "frame"


def inside(item: Mapping[str, Any], frame: Mapping[str, Any]) -> bool:
    """Whether an item's centre lies within a frame's box (how people see "in the frame")."""
    f, box = item["fields"], frame["fields"]
    if not all(k in f for k in ("x", "y", "w", "h")):
        return False
    cx, cy = f["x"] + f["w"] / 2, f["y"] + f["h"] / 2
    return box["x"] <= cx <= box["x"] + box["w"] and box["y"] <= cy <= box["y"] + box["h"]


def edges_between(
    pool: Iterable[Mapping[str, Any]], ids: set[str], types: Registry = item_types
) -> list[Mapping[str, Any]]:
    """The edges of the board whose two ends are both among `ids`."""
    return [
        it
        for it in pool
        if is_edge(it["type"], types)
        and it["fields"].get("from") in ids
        and it["fields"].get("to") in ids
    ]


def _plain_fields(item_type: ItemType, fields: Mapping[str, Any]) -> dict[str, Any]:
    specs = item_type.all_fields()
    return {
        name: value
        for name, value in fields.items()
        if name in specs and not specs[name].derived and name not in SERVER_FIELDS
    }


def _follow(spec: Ref, value: Any, id_map: Mapping[str, str]) -> tuple[bool, Any]:
    """(keep, value) of a reference field once copied: pointed at the copy, or cleared."""
    if isinstance(spec, RefList):
        return True, [id_map[v] for v in value or () if v in id_map]
    if value is None:
        return True, None
    if value in id_map:
        return True, id_map[value]
    return spec.nullable, None


def copy_ops(
    items: Sequence[Mapping[str, Any]],
    board_kind: str,
    new_id: Callable[[str], str],
    place: Callable[[Mapping[str, Any], int], dict[str, Any]] | None = None,
    types: Registry = item_types,
) -> tuple[list[Op], dict[str, str]]:
    """The ops that create copies of `items` on a board of `board_kind`, and old id -> new id.

    Cards first, with their references to other cards set by an update once every card exists
    (a reference may point at a card created later in the same change); edges last. `place`
    gives the n-th card's new geometry (harvest), or geometry is kept (a group's template).
    Raises BadRequest when an item's type does not belong on the target board.
    """
    for item in items:
        try:
            types.type_for(board_kind, item["type"])
        except Exception as error:  # InvalidOp: say it in the terms of a copy
            raise BadRequest(
                f"{item['type']} items do not belong on this board", field="item_id"
            ) from error
    cards = [it for it in items if not is_edge(it["type"], types)]
    edges = [it for it in items if is_edge(it["type"], types)]
    id_map = {it["id"]: new_id(it["id"]) for it in (*cards, *edges)}
    creates: list[Op] = []
    updates: list[Op] = []
    for item in cards:
        item_type = types.get(item["type"])
        fields = _plain_fields(item_type, item["fields"])
        refs = {}
        for name, spec in item_type.ref_fields().items():
            if name in fields:
                keep, value = _follow(spec, fields.pop(name), id_map)
                if keep and value not in (None, []):
                    refs[name] = value
                elif not keep and spec.required:
                    break  # it cannot exist without what it points at
        else:
            if place is not None and item_type.spatial:
                fields.update(place(item, len(creates)))
            creates.append(Op(CREATE, id_map[item["id"]], item["type"], fields))
            if refs:
                updates.append(Op(UPDATE, id_map[item["id"]], fields=refs))
            continue
        id_map.pop(item["id"])
    edge_ops = []
    for edge in edges:
        ends = edge["fields"].get("from"), edge["fields"].get("to")
        if not all(end in id_map for end in ends):
            id_map.pop(edge["id"])
            continue
        fields = _plain_fields(types.get(edge["type"]), edge["fields"])
        fields["from"], fields["to"] = id_map[ends[0]], id_map[ends[1]]
        edge_ops.append(Op(CREATE, id_map[edge["id"]], edge["type"], fields))
    return [*creates, *updates, *edge_ops], id_map
