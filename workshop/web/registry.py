"""The project's actor registry over HTTP: CSV export and import, and an actor's positions.

The import is one change on the stakeholder board, through the sequencer with the app's write
locks, broadcast to the board's sockets like any change: live for everyone at once.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from workshop.access import policy
from workshop.boards import service
from workshop.boards.errors import BoardError
from workshop.boards.ops import Change
from workshop.boards.state import Actor
from workshop.canvases import registry_csv
from workshop.canvases.stakeholder_positions import position_history
from workshop.extensions import db, login_manager
from workshop.models import Board, BoardItem, BoardKind, Project
from workshop.realtime.broadcast import broadcast_applied_change
from workshop.rooms import privacy
from workshop.rooms.rules import Viewer
from workshop.web.security import get_project_or_abort, principal

bp = Blueprint("registry", __name__, url_prefix="/projects")

IMPORT_CLIENT_ID = "registry-csv"


class RegistryImportForm(FlaskForm):
    file = FileField(
        _l("CSV file of the registry"), validators=[FileRequired(_l("Choose a CSV file."))]
    )


def _stakeholder_board(project_id: int) -> Board:
    """The project's stakeholder board, which holds its registry. :raise 404:"""
    board = db.session.scalar(
        sa.select(Board)
        .where(Board.project_id == project_id, Board.kind == BoardKind.STAKEHOLDERS)
        .order_by(Board.position, Board.id)
        .limit(1)
    )
    if board is None:
        abort(404)
    return board


def _actors(project_id: int) -> list:
    items = service.project_board_items(db.session, project_id, BoardKind.STAKEHOLDERS.value)
    return sorted(
        (it for it in items.values() if it.type == "actor"), key=lambda it: (it.created_seq, it.id)
    )


@bp.get("/<int:project_id>/registry.csv")
def export_csv(project_id: int):
    project = get_project_or_abort(project_id)
    body = registry_csv.export_registry(_actors(project.id))
    filename = f"registro-attori-progetto-{project.id}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/<int:project_id>/registry")
def import_page(project_id: int):
    project = get_project_or_abort(project_id)
    return render_template(
        "registry/import.html", project=project, form=RegistryImportForm(), errors=[]
    )


@bp.post("/<int:project_id>/registry.csv")
def import_csv(project_id: int):
    project = get_project_or_abort(project_id)
    who = principal()
    board = _stakeholder_board(project.id)
    form = RegistryImportForm()
    if not form.validate_on_submit():
        return _refused(project, form, [])
    upload = form.file.data
    try:
        data = upload.read(registry_csv.MAX_REGISTRY_CSV_BYTES + 1)
    finally:
        upload.close()  # a large upload is a temporary file: let it go now
    existing = service.project_board_items(db.session, project.id, BoardKind.STAKEHOLDERS.value)
    deleted = frozenset(
        db.session.scalars(
            sa.select(BoardItem.item_id).where(
                BoardItem.board_id == board.id,
                BoardItem.type == "actor",
                BoardItem.deleted_seq.is_not(None),
            )
        )
    )
    try:
        rows = registry_csv.read_registry(data, existing)
    except registry_csv.ImportRefused as refused:
        return _refused(project, form, refused.errors)

    actor = Actor(who.identity, who.display_name, policy.can_conduct_board(who, project.id))
    change = Change(board.id, f"registry-import-{secrets.token_hex(8)}", IMPORT_CLIENT_ID, ())
    board_id = board.id
    db.session.rollback()  # the reads above must not hold a snapshot across the board's lock
    try:
        applied = service.apply_change(
            db.session,
            change,
            actor,
            current_app.extensions["workshop_write_locks"],
            after_commit=broadcast_applied_change,
            plan=lambda view: registry_csv.plan_import(view, rows, deleted),
        )
    except BoardError as error:
        current_app.logger.info(
            "registry import refused by the board (%s) on board %s", error.code, board_id
        )
        return _refused(project, form, [registry_csv.RowError(0, "board_refused")])
    if applied.seq == 0:
        flash(_("The file matches the registry: nothing to change."), "info")
    else:
        counts = applied.result
        flash(
            _(
                "Registry imported: %(created)d new stakeholders, %(updated)d updated.",
                created=counts.get("created", 0),
                updated=counts.get("updated", 0),
            ),
            "info",
        )
    return redirect(url_for("registry.import_page", project_id=project.id))


def _refused(project: Project, form: RegistryImportForm, errors: list[registry_csv.RowError]):
    return (
        render_template(
            "registry/import.html",
            project=project,
            form=form,
            errors=[_describe(e) for e in errors],
        ),
        400,
    )


def _describe(error: registry_csv.RowError) -> dict:
    """A problem in words, for the report: where and what."""
    where = {"value": error.value, "column": error.column}
    messages = {
        "too_large": _(
            "The file is larger than %(size)d KiB.",
            size=registry_csv.MAX_REGISTRY_CSV_BYTES // 1024,
        ),
        "not_utf8": _('The file is not UTF-8 text. In Excel, save it as "CSV UTF-8".'),
        "not_csv": _("The file is not a readable CSV file."),
        "empty": _("The file is empty."),
        "too_many_rows": _(
            "The file has more than %(rows)d rows.", rows=registry_csv.MAX_REGISTRY_ROWS
        ),
        "unknown_column": _('Unknown column "%(value)s".', **where),
        "duplicate_column": _('The column "%(column)s" appears twice.', **where),
        "missing_column": _('The column "%(column)s" is missing.', **where),
        "wrong_cell_count": _("This row has %(value)s cells, not as many as the header.", **where),
        "bad_id": _('"%(value)s" is not a valid id.', **where),
        "duplicate_id": _('The id "%(value)s" appears in another row too.', **where),
        "not_an_actor": _(
            'The id "%(value)s" belongs to a board item that is not a stakeholder.', **where
        ),
        "not_a_flag": _('"%(value)s" is neither sì nor no.', **where),
        "not_a_number": _('"%(value)s" is not a number.', **where),
        "not_a_whole_number": _('"%(value)s" is not a whole number.', **where),
        "out_of_range": _('"%(value)s" is out of range.', **where),
        "unknown_choice": _('"%(value)s" is not one of the allowed values.', **where),
        "too_long": _("The text is too long."),
        "bad_text": _("The text holds characters that are not allowed."),
        "name_required": _("The name is required."),
        "sub_type_mismatch": _('The sub-type "%(value)s" does not belong to the type.', **where),
        "board_refused": _(
            "The board changed while the file was imported, and nothing was applied. Try again."
        ),
    }
    return {
        "row": error.row,
        "column": error.column,
        "message": messages.get(error.code, error.code),
    }


@bp.get("/<int:project_id>/actors/<actor_id>/positions.json")
def positions(project_id: int, actor_id: str):
    """An actor's power and interest over time, for whoever may see the stakeholder board."""
    who = principal()
    if who is None:
        abort(login_manager.unauthorized())
    project = db.session.get(Project, project_id)
    if project is None:
        abort(404)
    board = _stakeholder_board(project.id)
    if not policy.can_view_board(who, project.id, board.id):
        abort(403)
    item = db.session.get(BoardItem, (board.id, actor_id))
    if item is None or item.type != "actor":
        abort(404)
    # Another participant's actor still private in a live session does not exist for them.
    viewer = Viewer(who.identity, policy.can_conduct_board(who, project.id))
    if not privacy.may_read_item(db.session, board.id, actor_id, viewer):
        abort(404)
    history = position_history(db.session.connection(), board.id, actor_id)
    return jsonify(
        actor_id=actor_id,
        board_id=board.id,
        positions=[{**p, "at": p["at"].isoformat()} for p in history],
    )
