"""Downloads of a board: the diagram (SVG, PNG, PDF) of any board; the logframe view and the
workbook of a theory of change. Whoever may see a board may download it."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from workshop.access import policy
from workshop.boards import service
from workshop.boards.errors import BoardError
from workshop.boards.ops import parse_change
from workshop.boards.schema import registry
from workshop.boards.state import Actor
from workshop.exports import board_json
from workshop.exports import theory_of_change as toc_exports
from workshop.extensions import db
from workshop.jobs import tasks
from workshop.models import Board, BoardKind
from workshop.projects import service as projects
from workshop.web import jobs
from workshop.web.board_strings import board_strings
from workshop.web.downloads import download, download_name
from workshop.web.forms import BoardImportForm
from workshop.web.i18n import board_label
from workshop.web.import_refusals import import_refusal
from workshop.web.security import get_board_for_review_or_abort, get_project_or_abort, principal

bp = Blueprint("exports", __name__, url_prefix="/boards")

# Room for the form's other fields and the multipart framing around an imported file.
IMPORT_FORM_OVERHEAD_BYTES = 64 * 1024
# What a board import may send: a whole export, larger than the site's body limit
# (MAX_CONTENT_LENGTH): a 10,000-item board of typed cards is about 4 MB of JSON.
MAX_IMPORT_REQUEST_BYTES = board_json.MAX_IMPORT_BYTES + IMPORT_FORM_OVERHEAD_BYTES


@bp.url_value_preprocessor
def _allow_imports(endpoint, values):
    """Runs before CSRFProtect reads the form (url value preprocessors come before every
    before_request function), so the larger limit holds for the whole request."""
    if endpoint == "exports.import_board" and request.method == "POST":
        request.max_content_length = MAX_IMPORT_REQUEST_BYTES


@bp.route("/<int:board_id>/export.<any(svg, png, pdf):fmt>", methods=["GET", "POST"])
def board_diagram(board_id: int, fmt: str):
    """The board drawn: rendered by a job worker (workshop/jobs), cached per board seq."""
    board = get_board_for_review_or_abort(board_id)
    return jobs.serve("board_diagram", board_version(board), board_id=board.id, fmt=fmt)


def board_version(board: Board) -> str:
    """What a board's drawing depends on: its changes and its name."""
    return f"{board.seq}:{board.title}"


def _theory_of_change(board_id: int) -> Board:
    board = get_board_for_review_or_abort(board_id)
    if board.kind != BoardKind.THEORY_OF_CHANGE:
        abort(404)
    return board


@bp.route("/<int:board_id>/theory-of-change.xlsx", methods=["GET", "POST"])
def toc_workbook(board_id: int):
    board = _theory_of_change(board_id)
    # The workbook names the actors of the project's stakeholder board too.
    version = ",".join(board_version(b) for b in sorted(board.project.boards, key=lambda b: b.id))
    version += "|" + tasks.ledger_version(board.project_id)
    return jobs.serve("toc_workbook", version, board_id=board.id)


jobs.register_check(
    "board_diagram", lambda kwargs: get_board_for_review_or_abort(kwargs["board_id"])
)
jobs.register_check("toc_workbook", lambda kwargs: _theory_of_change(kwargs["board_id"]))


def _lang() -> str:
    return "en" if str(get_locale()) == "en" else "it"


@bp.get("/<int:board_id>/logframe")
def logframe(board_id: int):
    board = _theory_of_change(board_id)
    items = service.live_items(db.session, board.id)
    actors = tasks.project_actors(board.project_id)
    lang = _lang()
    return render_template(
        "boards/logframe.html",
        board=board,
        title=board_label(board),
        matrix=toc_exports.logframe(items, actors, lang, **tasks.logframe_sources(board)),
        rows=toc_exports.LOGFRAME_ROWS,
        columns=toc_exports.LOGFRAME_COLUMNS,
        headings=toc_exports.HEADINGS[lang],
        cell_heading=lambda row, column: toc_exports.cell_heading(row, column, lang),
    )


# --- JSON that imports back, and CSV per item type ----------------------------------------------------------


@bp.get("/<int:board_id>/export.json")
def board_export_json(board_id: int):
    board = get_board_for_review_or_abort(board_id)
    document = board_json.export_board(
        str(board.kind), board_label(board), service.live_items(db.session, board.id)
    )
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return download(body, "application/json", download_name(board, "json"))


@bp.get("/<int:board_id>/items-<item_type>.csv")
def board_items_csv(board_id: int, item_type: str):
    board = get_board_for_review_or_abort(board_id)
    if item_type not in registry.types or (
        item_type not in registry.kinds.get(str(board.kind), ())
        and item_type not in ("sticky", "text", "shape", "frame", "connector")
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
        # A large upload sits in a temporary file: read it, then close it at once.
        upload = form.file.data
        try:
            data = upload.read(board_json.MAX_IMPORT_BYTES + 1)
        finally:
            upload.close()
        document = board_json.parse_upload(data)
        kind_value = document.get("board", {}).get("kind") if isinstance(document, dict) else None
        if kind_value not in {k.value for k in BoardKind}:
            raise board_json.ImportRefused("the export names no board kind", "no_kind")
        changes = board_json.import_ops(document, kind_value)
    except BoardError as error:
        flash(_("This file cannot be imported. %(reason)s", reason=import_refusal(error)), "error")
        return redirect(url_for("projects.show", project_id=project.id, _anchor="boards"))
    title = str(document.get("board", {}).get("title") or "") or _("Imported board")
    board = projects.add_imported_board(
        db.session, project, BoardKind(kind_value), _("%(title)s (imported)", title=title)
    )
    board_id = board.id
    db.session.commit()
    who = principal()
    actor = Actor(who.identity, who.display_name, policy.can_conduct_board(who, project.id))
    ops: list = []
    try:
        for n, ops in enumerate(changes):
            change = parse_change(
                {
                    "board_id": board_id,
                    "change_id": f"import-{n}",
                    "client_id": "import",
                    "ops": ops,
                }
            )
            service.apply_change(
                db.session, change, actor, current_app.extensions["workshop_write_locks"]
            )
    except BoardError as error:
        db.session.rollback()
        db.session.delete(db.session.get(Board, board_id))  # nothing half-imported stays
        db.session.commit()
        reason = import_refusal(error, ops, board_strings())
        flash(_("This file cannot be imported. %(reason)s", reason=reason), "error")
        return redirect(url_for("projects.show", project_id=project.id, _anchor="boards"))
    flash(_("Board imported."), "info")
    return redirect(url_for("boards.show", board_id=board_id))
