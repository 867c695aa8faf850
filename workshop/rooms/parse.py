"""Parsing the values of the rooms' events: each returns the clean value or raises a BoardError
(BadRequest, TooLarge) naming the field. Pure functions: no database, no Flask."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workshop import protocol as P
from workshop.boards import ops as board_ops
from workshop.boards.errors import BadRequest, TooLarge
from workshop.boards.schema import MAX_COORDINATE, is_item_id
from workshop.rooms.groups import Seed

MIN_ZOOM = 0.05  # a followed view's zoom, as the board client allows it
MAX_ZOOM = 8.0


def whole(value: Any, name: str, low: int, high: int, unit: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadRequest(f"{name} must be {low} to {high}{unit}", field=name)
    return value


def text(value: Any, name: str, max_chars: int) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be text", field=name)
    if len(value) > max_chars:
        raise TooLarge(f"{name} is longer than {max_chars} characters", field=name)
    if any((ord(c) < 32 and c not in "\n\t") or 127 <= ord(c) < 160 for c in value):
        raise BadRequest(f"{name} contains control characters", field=name)
    return value.strip()


def view(value: Any) -> dict[str, float]:
    """A board view to follow: its centre in board units and its zoom."""
    if not isinstance(value, dict) or set(value) != {"x", "y", "zoom"}:
        raise BadRequest("view must be {x, y, zoom}", field="view")
    for key in ("x", "y", "zoom"):
        number = value[key]
        if isinstance(number, bool) or not isinstance(number, int | float) or number != number:
            raise BadRequest("view values must be numbers", field="view")
    if not (
        -MAX_COORDINATE <= value["x"] <= MAX_COORDINATE
        and -MAX_COORDINATE <= value["y"] <= MAX_COORDINATE
    ):
        raise BadRequest("view is off the board", field="view")
    if not MIN_ZOOM <= value["zoom"] <= MAX_ZOOM:
        raise BadRequest(f"zoom must be between {MIN_ZOOM} and {MAX_ZOOM}", field="view")
    return {"x": float(value["x"]), "y": float(value["y"]), "zoom": float(value["zoom"])}


def duration_ms(payload: dict[str, Any]) -> int | None:
    """A timer's optional duration_s, in milliseconds."""
    if "duration_s" not in payload:
        return None
    return whole(payload["duration_s"], "duration_s", 1, P.MAX_TIMER_S, " seconds") * 1000


def phase(payload: dict[str, Any]) -> tuple[str | None, int | None]:
    """(phase, votes_per_person) of a set_phase."""
    value = payload["phase"]
    if value is not None and value not in P.PHASES:
        raise BadRequest("phase must be one of " + ", ".join(P.PHASES), field="phase")
    votes = payload.get("votes_per_person")
    if votes is not None:
        votes = whole(votes, "votes_per_person", 1, P.MAX_VOTES_PER_PERSON)
    return value, votes


def group_names(
    payload: dict[str, Any], existing: int, numbered: Callable[[int], str]
) -> list[str]:
    """The names of the groups to make: `count` numbered ones (after the `existing`), or `names`."""
    if ("count" in payload) == ("names" in payload):
        raise BadRequest("give either count or names")
    if "count" in payload:
        count = whole(payload["count"], "count", 1, P.MAX_GROUPS)
        return [numbered(existing + i + 1) for i in range(count)]
    raw = payload["names"]
    if not isinstance(raw, list) or not 1 <= len(raw) <= P.MAX_GROUPS:
        raise BadRequest(f"names must list 1 to {P.MAX_GROUPS} names", field="names")
    names = [text(n, "names", P.MAX_ROOM_NAME_CHARS) for n in raw]
    if not all(names):
        raise BadRequest("a group needs a name", field="names")
    return names


def seed(value: Any) -> Seed:
    """What group boards start with: {"frame_id": null} (frames and texts) or a frame's id."""
    if value is None:
        return Seed()
    if not isinstance(value, dict) or set(value) != {"frame_id"}:
        raise BadRequest("seed must be {frame_id}", field="seed")
    frame_id = value["frame_id"]
    if frame_id is not None and not is_item_id(frame_id):
        raise BadRequest("frame_id must be an item id or null", field="seed")
    return Seed(frame_id)


def harvest_picks(raw: Any) -> list[tuple[int, str]]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= P.MAX_HARVEST_ITEMS:
        raise BadRequest(f"items must list 1 to {P.MAX_HARVEST_ITEMS} items", field="items")
    picks = []
    for pick in raw:
        if not isinstance(pick, dict) or set(pick) != {"board_id", "item_id"}:
            raise BadRequest("each item is {board_id, item_id}", field="items")
        picks.append((board_ops.parse_board_id(pick["board_id"]), pick["item_id"]))
    return picks
