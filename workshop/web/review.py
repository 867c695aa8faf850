"""Reviewing a saved board: read-only, at any point of its history, with its named snapshots
and a timeline to replay how it grew. Nothing here changes a board's items."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from workshop.access import policy
from workshop.boards import history, snapshots
from workshop.exports import diagram
from workshop.extensions import db
from workshop.models import SnapshotKind
from workshop.web.downloads import diagram_labels
from workshop.web.forms import SnapshotForm
from workshop.web.i18n import board_label
from workshop.web.security import get_board_for_review_or_abort, principal

bp = Blueprint("review", __name__, url_prefix="/boards")


@bp.get("/<int:board_id>/history")
def show(board_id: int):
    board = get_board_for_review_or_abort(board_id)
    who = principal()
    entries = history.timeline(db.session, board.id)
    return render_template(
        "boards/history.html",
        board=board,
        title=board_label(board),
        entries=entries,
        snapshots=history.snapshots(db.session, board.id),
        oldest=history.oldest_kept_seq(db.session, board.id),
        may_snapshot=policy.can_conduct_board(who, board.project_id),
        form=SnapshotForm(),
    )


@bp.get("/<int:board_id>/history/<int:seq>.svg")
def at(board_id: int, seq: int):
    """The board as it was just after change `seq`, drawn."""
    board = get_board_for_review_or_abort(board_id)
    try:
        items = history.items_at(db.session, board.id, seq)
    except history.HistoryCompacted:
        abort(410)  # gone: that point of the history is no longer kept
    svg = diagram.board_svg(
        items,
        diagram_labels(),
        title=board_label(board),
    )
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, max-age=3600"  # a past point never changes
    return response


@bp.post("/<int:board_id>/snapshots")
def take(board_id: int):
    board = get_board_for_review_or_abort(board_id)
    who = principal()
    if not policy.can_conduct_board(who, board.project_id):
        abort(403)
    form = SnapshotForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(map(str, errors)), "error")
        return redirect(url_for("review.show", board_id=board.id))
    snapshots.take_snapshot(
        db.session, board.id, SnapshotKind.NAMED, name=form.name.data, created_by=who.identity
    )
    db.session.commit()
    flash(_("Snapshot saved: the board as it is now can be reviewed at any time."), "info")
    return redirect(url_for("review.show", board_id=board.id))
