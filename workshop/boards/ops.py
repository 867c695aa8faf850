"""Parsing a client's change: the shape only. Field values are checked against item types when
the change is applied (an update's type is known only from the stored item)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from workshop import protocol as P
from workshop.boards.errors import BadRequest, InvalidOp, TooLarge
from workshop.boards.schema import is_item_id

CREATE = "create"
UPDATE = "update"
DELETE = "delete"
RESTORE = "restore"
OP_KINDS = (CREATE, UPDATE, DELETE, RESTORE)

_OP_KEYS = {
    CREATE: {"op", "id", "type", "fields"},
    UPDATE: {"op", "id", "fields"},
    DELETE: {"op", "id"},
    RESTORE: {"op", "id"},
}
_CHANGE_KEYS = {"board_id", "change_id", "client_id", "ops"}
_ACTION_KEYS = {"board_id", "change_id", "client_id", "action", "args"}
_ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}\Z")


@dataclass(frozen=True)
class Op:
    op: str
    id: str
    type: str | None = None
    fields: dict[str, Any] | None = None


@dataclass(frozen=True)
class Change:
    board_id: int
    change_id: str
    client_id: str
    ops: tuple[Op, ...]


def parse_board_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**53:
        raise BadRequest("board_id must be a positive whole number", field="board_id")
    return value


def _token(payload: dict, key: str, max_chars: int) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= max_chars:
        raise BadRequest(f"{key} must be text of 1 to {max_chars} characters", field=key)
    if not all(ch.isascii() and (ch.isalnum() or ch in "-_:.") for ch in value):
        raise BadRequest(f"{key} may hold only letters, digits and - _ : .", field=key)
    return value


def parse_op(raw: Any) -> Op:
    if not isinstance(raw, dict):
        raise BadRequest("an op must be an object", field="ops")
    kind = raw.get("op")
    if kind not in OP_KINDS:
        raise InvalidOp("op must be one of " + ", ".join(OP_KINDS), field="op")
    extra = set(raw) - _OP_KEYS[kind]
    if extra:
        raise BadRequest(
            f"unexpected key {sorted(map(str, extra))[0]!r} in a {kind} op", field="ops"
        )
    item_id = raw.get("id")
    if not is_item_id(item_id):
        raise InvalidOp("id must be 1 to 40 letters, digits, - or _", field="id")
    if kind in (CREATE, UPDATE):
        if not isinstance(raw.get("fields"), dict):
            raise BadRequest("fields must be an object", field="fields")
    if kind == CREATE and not isinstance(raw.get("type"), str):
        raise InvalidOp("type must be an item type name", field="type")
    return Op(op=kind, id=item_id, type=raw.get("type"), fields=raw.get("fields"))


def parse_change(payload: Any) -> Change:
    """A change as sent in APPLY_CHANGE. Raises BadRequest, InvalidOp or TooLarge."""
    if not isinstance(payload, dict):
        raise BadRequest("the payload must be an object")
    extra = set(payload) - _CHANGE_KEYS
    if extra:
        raise BadRequest(f"unexpected key {sorted(map(str, extra))[0]!r}")
    board_id = parse_board_id(payload.get("board_id"))
    change_id = _token(payload, "change_id", P.MAX_CHANGE_ID_CHARS)
    client_id = _token(payload, "client_id", P.MAX_CLIENT_ID_CHARS)
    raw_ops = payload.get("ops")
    if not isinstance(raw_ops, list) or not raw_ops:
        raise BadRequest("ops must be a non-empty list", field="ops")
    if len(raw_ops) > P.MAX_OPS_PER_CHANGE:
        raise TooLarge(f"a change holds at most {P.MAX_OPS_PER_CHANGE} ops", field="ops")
    return Change(board_id, change_id, client_id, tuple(parse_op(op) for op in raw_ops))


@dataclass(frozen=True)
class ActionRequest:
    change: Change  # the action's ops are planned by the server: `change.ops` is empty
    action: str
    args: dict[str, Any]


def parse_action(payload: Any) -> ActionRequest:
    """A request as sent in RUN_ACTION. Raises BadRequest or TooLarge."""
    if not isinstance(payload, dict):
        raise BadRequest("the payload must be an object")
    extra = set(payload) - _ACTION_KEYS
    if extra:
        raise BadRequest(f"unexpected key {sorted(map(str, extra))[0]!r}")
    board_id = parse_board_id(payload.get("board_id"))
    change_id = _token(payload, "change_id", P.MAX_CHANGE_ID_CHARS)
    client_id = _token(payload, "client_id", P.MAX_CLIENT_ID_CHARS)
    action = payload.get("action")
    if not isinstance(action, str) or not _ACTION_NAME.match(action):
        raise BadRequest("action must be an action name", field="action")
    args = payload.get("args", {})
    if not isinstance(args, dict):
        raise BadRequest("args must be an object", field="args")
    try:
        size = len(json.dumps(args, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    except (RecursionError, ValueError, TypeError):
        raise BadRequest("args must be plain JSON of modest depth", field="args") from None
    if size > P.MAX_ACTION_ARGS_BYTES:
        raise TooLarge(f"args are larger than {P.MAX_ACTION_ARGS_BYTES} bytes", field="args")
    return ActionRequest(Change(board_id, change_id, client_id, ()), action, args)
