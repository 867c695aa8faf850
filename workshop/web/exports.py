"""Downloads of a board: the diagram (SVG, PNG, PDF) of any board; the logframe view and the
workbook of a theory of change. Whoever may see a board may download it."""

from __future__ import annotations


import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from workshop.access import policy
from workshop.boards import service
from workshop.boards.errors import BoardError
from workshop.boards.ops import parse_change
from workshop.boards.schema import registry
from workshop.boards.state import Actor
from workshop.exports import board_json, diagram
from workshop.exports import theory_of_change as toc_exports
from workshop.extensions import db
from workshop.models import Board, BoardKind
from workshop.projects import service as projects
from workshop.web.board_strings import board_strings
from workshop.web.downloads import download, download_name, type_labels
from workshop.web.forms import BoardImportForm
from workshop.web.i18n import board_label
from workshop.web.security import get_board_for_review_or_abort, get_project_or_abort, principal

bp = Blueprint("exports", __name__, url_prefix="/boards")

DIAGRAM_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/<int:board_id>/export.<any(svg, png, pdf):fmt>")
def board_diagram(board_id: int, fmt: str):
    board = get_board_for_review_or_abort(board_id)
    strings = board_strings()
    svg = diagram.board_svg(
        service.live_items(db.session, board.id),
        diagram.Labels(types=type_labels(strings), untitled="", strings=strings),
        title=board_label(board),
    )
    if fmt == "svg":
        body: bytes | str = svg
    elif fmt == "png":
        body = diagram.svg_to_png(svg)
    else:
        body = diagram.svg_to_pdf(svg)
    return download(body, DIAGRAM_TYPES[fmt], download_name(board, fmt))


def _theory_of_change(board_id: int) -> tuple[Board, list[dict], dict[str, str]]:
    board = get_board_for_review_or_abort(board_id)
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
    return download(body, XLSX, download_name(board, "xlsx"))


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


# --- JSON that imports back, and CSV per item type ----------------------------------------------------------


@bp.get("/<int:board_id>/export.json")
def board_export_json(board_id: int):
    board = get_board_for_review_or_abort(board_id)
    document = board_json.export_board(str(board.kind), board_label(board), service.live_items(db.session, board.id))
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return download(body, "application/json", download_name(board, "json"))


@bp.get("/<int:board_id>/items-<item_type>.csv")
def board_items_csv(board_id: int, item_type: str):
    board = get_board_for_review_or_abort(board_id)
    if item_type not in registry.types or (
        item_type not in registry.kinds.get(str(board.kind), ()) and item_type not in ("sticky", "text", "shape", "frame", "connector")
    ):
        abort(404)
    spec = registry.get(item_type)
    strings = board_strings()
    headers = {name: strings.get(f"field.{item_type}.{name}", name) for name in spec.all_fields()}
    body = board_json.items_csv(service.live_items(db.session, board.id), spec, headers)
    return download(body, "text/csv; charset=utf-8", download_name(board, f"{item_type}.csv"))


@bp.post("/import/<int:project_id>")
def import_board(project_id: int):
    """A new board from an exported JSON file: every item re-created through the sequencer.
    A file that does not import whole leaves nothing behind."""
    project = get_project_or_abort(project_id)
    form = BoardImportForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(map(str, errors)), "error")
        return redirect(url_for("projects.show", project_id=project.id, _anchor="boards"))
    try:
        document = board_json.parse_upload(form.file.data.read(board_json.MAX_IMPORT_BYTES + 1))
        kind_value = document.get("board", {}).get("kind") if isinstance(document, dict) else None
        if kind_value not in {k.value for k in BoardKind}:
            raise BoardError("the export names no board kind", code="bad_request")
        changes = board_json.import_ops(document, kind_value)
    except BoardError as error:
        flash(_("This file cannot be imported: %(reason)s", reason=error.message), "error")
        return redirect(url_for("projects.show", project_id=project.id, _anchor="boards"))
    title = str(document.get("board", {}).get("title") or "") or _("Imported board")
    board = projects.add_imported_board(db.session, project, BoardKind(kind_value), _("%(title)s (imported)", title=title))
    board_id = board.id
    db.session.commit()
    who = principal()
    actor = Actor(who.identity, who.display_name, policy.can_conduct_board(who, project.id))
    try:
        for n, ops in enumerate(changes):
            change = parse_change({"board_id": board_id, "change_id": f"import-{n}", "client_id": "import", "ops": ops})
            service.apply_change(db.session, change, actor, current_app.extensions["workshop_write_locks"])
    except BoardError as error:
        db.session.rollback()
        db.session.delete(db.session.get(Board, board_id))  # nothing half-imported stays
        db.session.commit()
        flash(_("This file cannot be imported: %(reason)s", reason=error.message), "error")
        return redirect(url_for("projects.show", project_id=project.id, _anchor="boards"))
    flash(_("Board imported."), "info")
    return redirect(url_for("boards.show", board_id=board_id))

