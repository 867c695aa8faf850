"""The actor registry as a CSV file for spreadsheets: export, and import as one change.

The file is what Italian Excel opens without a wizard: UTF-8 with a BOM, `;` between cells,
Italian headers, decimal commas. Choice cells hold the stable codes (`social_coop`), so a file
reads the same whatever the language of the person who made it.

Import is checked row by row before anything is applied: the report lists every bad cell, and
one bad row means nothing is applied. The good file becomes ONE change on the stakeholder board
(`plan_import`), through the sequencer like any other change: live for everyone, undoable.

Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) is exported behind a `'`, which Excel shows as plain text; a leading `'` is always
escaped the same way and one is dropped on import, so every text comes back as it was.

Nothing here imports Flask.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workshop.boards.canvas import ActionResult, BoardView
from workshop.boards.errors import BoardError, InvalidOp
from workshop.boards.schema import Choice, Flag, Number, Text, is_item_id
from workshop.boards.state import Item
from workshop.canvases.common import content_right_edge, create, new_id, update
from workshop.canvases.stakeholders import (
    ACTOR,
    ACTOR_CARD_H,
    ACTOR_CARD_W,
    SUB_TYPES,
    place_on_grid,
    sub_type_fits,
)

MAX_REGISTRY_CSV_BYTES = 1024 * 1024  # about 3,000 richly described actors
MAX_REGISTRY_ROWS = 1_000  # each row is at most two ops; an action holds at most 2,000
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
YES, NO = "sì", "no"
_YES_WORDS = {"sì", "si", "sí", "yes", "true", "vero", "1", "x"}
_NO_WORDS = {"no", "false", "falso", "0", ""}
COLUMN_GAP = 40.0
ACTORS_PER_COLUMN = 10

# (field, header): the order of the exported columns.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "id"),
    ("name", "nome"),
    ("macro_type", "tipo"),
    ("sub_type", "sottotipo"),
    ("runts", "iscritto RUNTS"),
    ("table_role", "ruolo al tavolo"),
    ("interests", "interessi e aspettative"),
    ("resources", "risorse offerte"),
    ("contact", "contatto"),
    ("power", "potere"),
    ("interest", "interesse"),
    ("salience_power", "salienza: potere"),
    ("salience_legitimacy", "salienza: legittimità"),
    ("salience_urgency", "salienza: urgenza"),
    ("attitude", "atteggiamento"),
    ("engagement", "livello di coinvolgimento"),
    ("onion_layer", "strato (cipolla)"),
    ("quadrant", "quadrante"),
    ("salience_class", "classe di salienza"),
)
FIELD_BY_HEADER = {header.casefold(): name for name, header in COLUMNS}
HEADER_BY_FIELD = dict(COLUMNS)
REQUIRED_FIELDS = ("id", "name")
DERIVED_FIELDS = frozenset(n for n, f in ACTOR.fields.items() if f.derived)


# --- export ----------------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: Any) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return str(value).replace(".", ",")


def _cell(name: str, value: Any) -> str:
    if name == "id":
        return value
    spec = ACTOR.fields[name]
    if isinstance(spec, Flag):
        return YES if value else NO
    if isinstance(spec, Number):
        return _number(value)
    if value is None:
        return ""
    return neutralise(str(value))


def export_registry(actors: list[Item]) -> bytes:
    """The CSV file of these actors, header first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([header for _, header in COLUMNS])
    for actor in actors:
        fields = {"id": actor.id, **actor.fields}
        writer.writerow([_cell(name, fields.get(name)) for name, _ in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


# --- import: reading and checking -------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in the file: `row` is the spreadsheet's row number (the header is 1), 0 for
    the file as a whole; `code` says what is wrong (the view words it), `column` where."""

    row: int
    code: str
    column: str = ""
    value: str = ""


@dataclass
class ImportRow:
    row: int
    actor_id: str | None  # None: a new actor
    values: dict[str, Any] = field(default_factory=dict)


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problems in the file")
        self.errors = errors


def _decode(data: bytes) -> str:
    if len(data) > MAX_REGISTRY_CSV_BYTES:
        raise ImportRefused([RowError(0, "too_large")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([RowError(0, "not_utf8")]) from None


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return DELIMITER if DELIMITER in first_line or "," not in first_line else ","


def _header(cells: list[str]) -> list[str]:
    errors, names = [], []
    for cell in cells:
        name = FIELD_BY_HEADER.get(cell.strip().casefold())
        if name is None:
            errors.append(RowError(1, "unknown_column", value=cell[:80]))
        elif name in names:
            errors.append(RowError(1, "duplicate_column", column=HEADER_BY_FIELD[name]))
        names.append(name)
    for required in REQUIRED_FIELDS:
        if required not in names:
            errors.append(RowError(1, "missing_column", column=HEADER_BY_FIELD[required]))
    if errors:
        raise ImportRefused(errors)
    return names


def _text(value: str) -> str:
    value = value.replace("\r\n", "\n")
    return value[1:] if value.startswith("'") else value


def _parse_cell(name: str, raw: str) -> tuple[bool, Any]:
    """(whether the cell sets the field, the value). Raises ValueError(code)."""
    spec = ACTOR.fields[name]
    stripped = raw.strip()
    if isinstance(spec, Flag):
        word = stripped.casefold()
        if word in _YES_WORDS:
            return True, True
        if word in _NO_WORDS:
            return True, False
        raise ValueError("not_a_flag")
    if isinstance(spec, Number):
        if not stripped:
            return (True, None) if spec.nullable else (False, None)
        try:
            number = float(stripped.replace(",", "."))
        except ValueError:
            raise ValueError("not_a_number") from None
        if not math.isfinite(number):
            raise ValueError("not_a_number")
        if spec.integer:
            if not number.is_integer():
                raise ValueError("not_a_whole_number")
            number = int(number)
        return True, number
    if isinstance(spec, Choice):
        if not stripped:
            return (True, None) if spec.nullable else (False, None)
        return True, stripped
    if isinstance(spec, Text):
        return True, _text(raw)
    raise AssertionError(f"no CSV rule for {name}")  # pragma: no cover - a new field kind


def _check_value(name: str, value: Any) -> str | None:
    """None when the schema takes the value, else an error code."""
    spec = ACTOR.fields[name]
    try:
        spec.check(name, value)
    except BoardError as error:
        if isinstance(spec, Choice):
            return "unknown_choice"
        if isinstance(spec, Number):
            return "out_of_range"
        return "too_long" if error.code == "too_large" else "bad_text"
    return None


def read_registry(data: bytes, existing: Mapping[str, Item]) -> list[ImportRow]:
    """The file's rows, checked against the actor schema and the board's live items by id.
    Raises ImportRefused with every problem found."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        lines = list(reader)
    except csv.Error:
        raise ImportRefused([RowError(0, "not_csv")]) from None
    if not lines:
        raise ImportRefused([RowError(0, "empty")])
    names = _header(lines[0])
    body = [
        (number, cells)
        for number, cells in enumerate(lines[1:], start=2)
        if any(c.strip() for c in cells)
    ]
    if len(body) > MAX_REGISTRY_ROWS:
        raise ImportRefused([RowError(0, "too_many_rows")])
    errors: list[RowError] = []
    rows: list[ImportRow] = []
    seen_ids: set[str] = set()
    for number, cells in body:
        if len(cells) != len(names):
            errors.append(RowError(number, "wrong_cell_count", value=str(len(cells))))
            continue
        row_errors, row = _read_row(
            number, dict(zip(names, cells, strict=True)), existing, seen_ids
        )
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    if errors:
        raise ImportRefused(errors)
    return rows


def _read_row(
    number: int, cells: dict[str, str], existing: Mapping[str, Item], seen: set[str]
) -> tuple[list[RowError], ImportRow | None]:
    errors: list[RowError] = []
    actor_id = cells.pop("id").strip() or None
    current: Item | None = None
    if actor_id is not None:
        if not is_item_id(actor_id):
            errors.append(RowError(number, "bad_id", HEADER_BY_FIELD["id"], actor_id[:80]))
        elif actor_id in seen:
            errors.append(RowError(number, "duplicate_id", HEADER_BY_FIELD["id"], actor_id))
        else:
            seen.add(actor_id)
            current = existing.get(actor_id)
            if current is not None and current.type != "actor":
                errors.append(RowError(number, "not_an_actor", HEADER_BY_FIELD["id"], actor_id))
    values: dict[str, Any] = {}
    for name, raw in cells.items():
        if name in DERIVED_FIELDS:
            continue  # computed by the server: the exported column is read-only
        try:
            sets, value = _parse_cell(name, raw)
        except ValueError as problem:
            errors.append(RowError(number, str(problem), HEADER_BY_FIELD[name], raw[:80]))
            continue
        if not sets:
            continue
        code = _check_value(name, value)
        if code is not None:
            errors.append(RowError(number, code, HEADER_BY_FIELD[name], str(raw)[:80]))
            continue
        values[name] = value
    if not str(values.get("name", "")).strip():
        errors.append(RowError(number, "name_required", HEADER_BY_FIELD["name"]))
    before = current.fields if current is not None and current.type == "actor" else ACTOR.defaults()
    # A sub-type must fit the macro-type the actor will have; a macro-type alone clears a
    # sub-type that no longer fits (the board's rule), as an edit on the board would.
    macro = values.get("macro_type", before["macro_type"])
    if "sub_type" in values and macro in SUB_TYPES and not sub_type_fits(macro, values["sub_type"]):
        errors.append(
            RowError(
                number, "sub_type_mismatch", HEADER_BY_FIELD["sub_type"], str(values["sub_type"])
            )
        )
    if errors:
        return errors, None
    return [], ImportRow(number, actor_id, values)


# --- import: the change ------------------------------------------------------------------------------


def plan_import(
    view: BoardView, rows: list[ImportRow], deleted: frozenset[str] = frozenset()
) -> ActionResult:
    """The ops that bring the board in line with the file, planned under the board's lock:
    updates of the fields that differ, new actors (on the grid at their power and interest
    when the row gives both and the board has a grid, else in columns beside the board's
    content), deleted actors restored. Raises InvalidOp if the board changed under the file."""
    ops: list[dict[str, Any]] = []
    grids = view.of_type("pi_grid")
    grid = grids[0] if grids else None
    right = content_right_edge(view)
    column_x = (right if right is not None else 0.0) + COLUMN_GAP
    stacked = 0
    created = updated = 0
    for row in rows:
        current = view.get(row.actor_id) if row.actor_id else None
        if current is not None:
            if current.type != "actor":
                raise InvalidOp(f"row {row.row}: {row.actor_id} is not an actor", field="id")
            changed = {n: v for n, v in row.values.items() if current.fields.get(n) != v}
            if changed:
                ops.append(update(current.id, **changed))
                updated += 1
            continue
        if row.actor_id is not None and row.actor_id in deleted:
            ops.append({"op": "restore", "id": row.actor_id})
            if row.values:
                ops.append(update(row.actor_id, **row.values))
            updated += 1
            continue
        if grid is not None and "power" in row.values and "interest" in row.values:
            x, y = place_on_grid(
                grid, row.values["power"], row.values["interest"], ACTOR_CARD_W, ACTOR_CARD_H
            )
        else:
            column, place = divmod(stacked, ACTORS_PER_COLUMN)
            x = round(column_x + column * (ACTOR_CARD_W + COLUMN_GAP), 1)
            y = round(place * (ACTOR_CARD_H + COLUMN_GAP), 1)
            stacked += 1
        ops.append(
            create(
                row.actor_id or new_id("actor"),
                "actor",
                x=x,
                y=y,
                w=ACTOR_CARD_W,
                h=ACTOR_CARD_H,
                **row.values,
            )
        )
        created += 1
    return ActionResult(ops=ops, result={"created": created, "updated": updated})
