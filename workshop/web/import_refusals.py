"""One plain sentence, in the reader's language, for a board file that does not import: never
the engine's English explanation ("date is required") nor its code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _

from workshop import protocol as P
from workshop.boards.errors import BoardError
from workshop.exports.board_json import MAX_IMPORT_BYTES, ImportRefused

MB = 1024 * 1024


def import_refusal(
    error: BoardError, ops: Iterable[Mapping[str, Any]] = (), strings: Mapping[str, str] = {}
) -> str:
    """The sentence for a refused import. `ops` are the creates the refused change held and
    `strings` the board's strings: together they name a missing field as a person reads it."""
    if isinstance(error, ImportRefused):
        return _by_reason(error.reason)
    if error.code == P.INVALID_OP:
        label = _field_label(error.field, ops, strings)
        if label:
            return _(
                "Some cards in the file are incomplete: “%(field)s” is missing or not valid. "
                "Complete them on the original board, export it again and retry.",
                field=label,
            )
        return _(
            "Some cards in the file are incomplete or not valid. "
            "Complete them on the original board, export it again and retry."
        )
    if error.code == P.TOO_LARGE:
        return _("Some text in the file is too long for a board: nothing was imported.")
    if error.code == P.LIMIT_REACHED:
        return _("The file holds more than a board can hold: nothing was imported.")
    if error.code in (P.NOT_FOUND, P.ITEM_EXISTS, P.ITEM_DELETED, P.BAD_REQUEST):
        return _by_reason("damaged")
    return _("The file could not be imported: nothing was created. Try again in a moment.")


def _by_reason(reason: str) -> str:
    if reason == "too_large":
        return _(
            "The file is too large: at most %(mb)s MB can be imported.", mb=MAX_IMPORT_BYTES // MB
        )
    if reason == "not_json":
        return _(
            "This file is not a board exported from Tavolo: choose the .json file of an export."
        )
    if reason == "version":
        return _("This file comes from a version of Tavolo this site cannot read.")
    if reason == "wrong_kind":
        return _(
            "This file holds cards that do not belong on its kind of board: nothing was imported."
        )
    if reason in ("not_tavolo", "no_kind"):
        return _(
            "This file is not a board exported from Tavolo: choose the .json file of an export."
        )
    return _("The file is damaged or incomplete: export the board again and retry.")


def _field_label(
    field: str | None, ops: Iterable[Mapping[str, Any]], strings: Mapping[str, str]
) -> str | None:
    if not field:
        return None
    for op in ops:
        label = strings.get(f"field.{op.get('type')}.{field}")
        if label:
            return label
    return None
