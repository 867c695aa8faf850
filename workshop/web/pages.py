"""The front door, the participant's home, the language switch and the health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import login_required

from workshop.extensions import db
from workshop.models import Board
from workshop.rooms import where
from workshop.web import health
from workshop.web.forms import LanguageForm
from workshop.web.security import principal, safe_local_path

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    who = principal()
    if who is None:
        return render_template("pages/welcome.html")
    if who.is_participant:
        # While a live session is open on the project, the participant lands on it.
        live = None
        if who.invite_board_id is None:
            live = where.open_plenary(db.session, who.invite_project_id)
        if live:
            return redirect(url_for("boards.show", board_id=live))
        return redirect(url_for("pages.my_boards"))
    return redirect(url_for("projects.list_projects"))


@bp.get("/me")
@login_required
def my_boards():
    """A participant's home: the boards of the invite they joined through."""
    who = principal()
    if not who.is_participant:
        return redirect(url_for("projects.list_projects"))
    query = (
        sa.select(Board).where(Board.project_id == who.invite_project_id).order_by(Board.position)
    )
    if who.invite_board_id is not None:
        query = query.where(Board.id == who.invite_board_id)
    boards = list(db.session.scalars(query))
    lists = live_lists(who.invite_project_id, boards)
    return render_template("pages/my_boards.html", boards=boards, **lists)


def live_lists(project_id: int, boards) -> dict:
    """For a board list: which boards are live now ("Live now"), and the group boards of each
    live session, listed under it (only those among `boards`)."""
    shown = {b.id for b in boards}
    groups = []
    for entry in where.group_boards(db.session, project_id):
        entry.boards = [b for b in entry.boards if b.id in shown]
        if entry.boards:
            groups.append(entry)
    return {
        "live_ids": where.live_board_ids(db.session, project_id),
        "session_groups": groups,
        "group_ids": {b.id for entry in groups for b in entry.boards},
    }


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session["lang"] = form.lang.data
    return redirect(safe_local_path(request.form.get("next")) or url_for("pages.index"))


@bp.get("/login")
def login():
    """Where a newcomer types it: the login page lives at /auth/login."""
    return redirect(url_for("auth.login", **request.args))


@bp.get("/healthz")
def healthz():
    """Each dependency (database, Redis, download workers) and its state, for a load balancer:
    503 when one the deployment needs is down."""
    body, status = health.report()
    return body, status
