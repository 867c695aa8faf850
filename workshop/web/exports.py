"""Downloads of a board: the diagram (SVG, PNG, PDF) of any board; the logframe view and the
workbook of a theory of change. Whoever may see a board may download it."""

from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, Response, abort, render_template
from flask_babel import get_locale

from workshop.boards import service
from workshop.exports import diagram
from workshop.exports import theory_of_change as toc_exports
from workshop.extensions import db
from workshop.models import Board, BoardKind
from workshop.web.board_strings import board_strings
from workshop.web.i18n import board_label
from workshop.web.security import get_board_or_abort

bp = Blueprint("exports", __name__, url_prefix="/boards")

DIAGRAM_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(board: Board, extension: str) -> str:
    """An ASCII file name from the board's name: "teoria-del-cambiamento-12.xlsx"."""
    name = unicodedata.normalize("NFKD", board_label(board)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "board"
    return f"{slug}-{board.id}.{extension}"


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    # An SVG opened from our origin must not run anything it might hold.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _type_labels(strings: dict[str, str]) -> dict[str, str]:
    return {key.removeprefix("type."): value for key, value in strings.items() if key.startswith("type.")}


@bp.get("/<int:board_id>/export.<any(svg, png, pdf):fmt>")
def board_diagram(board_id: int, fmt: str):
    board = get_board_or_abort(board_id)
    strings = board_strings()
    svg = diagram.board_svg(
        service.live_items(db.session, board.id),
        diagram.Labels(types=_type_labels(strings), untitled=""),
        title=board_label(board),
    )
    if fmt == "svg":
        body: bytes | str = svg
    elif fmt == "png":
        body = diagram.svg_to_png(svg)
    else:
        body = diagram.svg_to_pdf(svg)
    return _download(body, DIAGRAM_TYPES[fmt], _filename(board, fmt))


def _theory_of_change(board_id: int) -> tuple[Board, list[dict], dict[str, str]]:
    board = get_board_or_abort(board_id)
    if board.kind != BoardKind.THEORY_OF_CHANGE:
        abort(404)
    items = service.live_items(db.session, board.id)
    registry = service.project_board_items(db.session, board.project_id, BoardKind.STAKEHOLDERS.value)
    actors = {i: it.fields.get("name", "") for i, it in registry.items() if it.type == "actor"}
    return board, items, actors


@bp.get("/<int:board_id>/theory-of-change.xlsx")
def toc_workbook(board_id: int):
    board, items, actors = _theory_of_change(board_id)
    strings = board_strings()
    body = toc_exports.workbook(items, actors, lambda key: strings.get(key, key))
    return _download(body, XLSX, _filename(board, "xlsx"))


@bp.get("/<int:board_id>/logframe")
def logframe(board_id: int):
    board, items, actors = _theory_of_change(board_id)
    return render_template(
        "boards/logframe.html",
        board=board,
        title=board_label(board),
        matrix=toc_exports.logframe(items, actors, "en" if str(get_locale()) == "en" else "it"),
        rows=toc_exports.LOGFRAME_ROWS,
        columns=toc_exports.LOGFRAME_COLUMNS,
    )
