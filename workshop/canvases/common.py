"""What every canvas shares: fresh item ids, templates and the action that lays one out.

A template is the method's empty canvas: titled zones (frames), their guiding questions (text)
and the method's singletons (the tavolo sheet, the power/interest grid). A conductor starts a
board from it with the `apply_template` action; it lands to the right of what the board already
holds, so applying one never covers anyone's work.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from workshop.boards.canvas import Action, ActionResult, BoardView, canvases, register_action
from workshop.boards.errors import InvalidOp
from workshop.boards.state import Actor
from workshop.models.board import BoardKind

TEMPLATE_GAP = 200.0  # board units between what a board holds and a template laid beside it


def new_id(prefix: str) -> str:
    """A fresh item id: the prefix says what made it, 12 random characters make it unique."""
    return f"{prefix}-{secrets.token_hex(6)}"


def create(item_id: str, item_type: str, **fields: Any) -> dict[str, Any]:
    return {"op": "create", "id": item_id, "type": item_type, "fields": fields}


def update(item_id: str, **fields: Any) -> dict[str, Any]:
    return {"op": "update", "id": item_id, "fields": fields}


def content_right_edge(view: BoardView) -> float | None:
    """The right edge of the board's spatial items, or None on an empty board."""
    edges = [
        float(it.fields["x"]) + float(it.fields["w"])
        for it in view.values()
        if "x" in it.fields and "w" in it.fields
    ]
    return max(edges) if edges else None


def shifted(ops: list[dict[str, Any]], dx: float, dy: float = 0.0) -> list[dict[str, Any]]:
    out = []
    for op in ops:
        fields = dict(op.get("fields", {}))
        if "x" in fields:
            fields["x"] = round(float(fields["x"]) + dx, 1)
        if "y" in fields:
            fields["y"] = round(float(fields["y"]) + dy, 1)
        out.append({**op, "fields": fields})
    return out


def _apply_template(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    name = args.get("name")
    template = canvases.template(view.board_kind, name) if isinstance(name, str) else None
    if template is None:
        raise InvalidOp("this board has no such template", field="name")
    right = content_right_edge(view)
    ops = template.build()
    if right is not None:
        ops = shifted(ops, right + TEMPLATE_GAP)
    return ActionResult(
        ops=ops, result={"template": template.name, "created": [op["id"] for op in ops]}
    )


APPLY_TEMPLATE = Action("apply_template", _apply_template, conductor_only=True)
# Every board kind may hold templates: a free board can take a SWOT too.
register_action([k.value for k in BoardKind], APPLY_TEMPLATE)
