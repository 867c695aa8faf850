"""A board as JSON that imports back into a new board with nothing lost, and as CSV per type.

The JSON keeps every live item with its id, type and fields; the import re-creates them
through the sequencer (so they are validated like any change) in an order where everything an
item refers to exists before it. Ids are kept: they are unique per board, and keeping them
keeps every reference. Server-computed fields (derived, or an author) are left to the server.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from workshop.boards.errors import BadRequest, InvalidOp
from workshop.boards.schema import ItemType, Registry, is_item_id, registry

FORMAT = "tavolo-board"
VERSION = 1
MAX_IMPORT_BYTES = 8 * 1024 * 1024  # a 10,000-item board is about 4 MB of JSON
OPS_PER_IMPORT_CHANGE = 200  # the sequencer's limit for one change (protocol.MAX_OPS_PER_CHANGE)
SERVER_FIELDS = ("author",)  # written by the server from who made the change


def export_board(kind: str, title: str, items: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "board": {"kind": kind, "title": title},
        "items": [
            {
                "id": it["id"],
                "type": it["type"],
                "fields": it["fields"],
                "created_by": it.get("created_by", ""),
            }
            for it in items
        ],
    }


def _writable(item_type: ItemType, fields: Mapping[str, Any]) -> dict[str, Any]:
    specs = item_type.all_fields()
    return {
        n: v
        for n, v in fields.items()
        if n in specs and not specs[n].derived and n not in SERVER_FIELDS
    }


class ImportRefused(BadRequest):
    """A file that is no importable board. `reason` says why, for the sentence the page shows
    (workshop/web/import_refusals.py): not_tavolo, version, damaged, wrong_kind, too_large,
    not_json, no_kind."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def import_ops(
    document: Any, board_kind: str, types: Registry = registry
) -> list[list[dict[str, Any]]]:
    """The create ops that rebuild the exported board, in changes of at most 200 ops, each
    item after everything it refers to. Raises BadRequest for a document that is not one."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused("this is not a board exported by Tavolo", "not_tavolo")
    if document.get("version") != VERSION:
        raise ImportRefused(
            f"this export has version {document.get('version')!r}; this server reads {VERSION}",
            "version",
        )
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        raise ImportRefused("the export holds no list of items", "not_tavolo")
    items: dict[str, tuple[ItemType, dict[str, Any]]] = {}
    for raw in raw_items:
        if (
            not isinstance(raw, dict)
            or not is_item_id(raw.get("id"))
            or not isinstance(raw.get("fields"), dict)
        ):
            raise ImportRefused("an item of the export is not an item", "damaged")
        if raw["id"] in items:
            raise ImportRefused(f"the id {raw['id']} appears twice", "damaged")
        try:
            item_type = types.type_for(board_kind, raw.get("type"))
        except InvalidOp as error:  # a type this board kind does not hold
            raise ImportRefused(
                f"{raw.get('type')!r} items do not belong on a {board_kind} board", "wrong_kind"
            ) from error
        items[raw["id"]] = (item_type, _writable(item_type, raw["fields"]))
    order = _dependency_order(items)
    ops = [
        {"op": "create", "id": i, "type": items[i][0].name, "fields": items[i][1]} for i in order
    ]
    return [ops[n : n + OPS_PER_IMPORT_CHANGE] for n in range(0, len(ops), OPS_PER_IMPORT_CHANGE)]


def _dependency_order(items: Mapping[str, tuple[ItemType, dict[str, Any]]]) -> list[str]:
    """Items referred to come first; references to items not in the export are left for the
    sequencer to refuse. Breadth first from the items that refer to nothing, stable."""
    needs: dict[str, set[str]] = {}
    for item_id, (item_type, fields) in items.items():
        targets = set()
        for name, spec in item_type.ref_fields().items():
            targets.update(t for t in spec.targets(fields.get(name)) if t in items)
        needs[item_id] = targets - {item_id}
    done: list[str] = []
    placed: set[str] = set()
    remaining = list(items)
    while remaining:
        ready = [i for i in remaining if needs[i] <= placed]
        if not ready:  # a cycle of references cannot be created in any order: let it fail clearly
            raise ImportRefused("the items refer to each other in a circle", "damaged")
        done.extend(ready)
        placed.update(ready)
        remaining = [i for i in remaining if i not in placed]
    return done


def parse_upload(data: bytes) -> Any:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(
            f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB", "too_large"
        )
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ImportRefused("the file is not JSON in UTF-8", "not_json") from None


def items_csv(
    items: Iterable[Mapping[str, Any]], item_type: ItemType, headers: Mapping[str, str]
) -> str:
    """One item type's items as CSV (UTF-8 with a BOM and ";" for Italian spreadsheets): an id
    column, then every field, lists joined by "|"; text that a spreadsheet would run as a
    formula is prefixed with an apostrophe."""
    names = list(item_type.all_fields())
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["id", *(headers.get(n, n) for n in names)])
    for item in items:
        if item["type"] != item_type.name:
            continue
        writer.writerow([item["id"], *(_cell(item["fields"].get(n)) for n in names)])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        value = "|".join(str(v) for v in value)
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
