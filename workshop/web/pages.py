"""The front door, the participant's home, the language switch and the health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import login_required

from workshop.extensions import db
from workshop.models import Board
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
        return redirect(url_for("pages.my_boards"))
    return redirect(url_for("projects.list_projects"))


@bp.get("/me")
@login_required
def my_boards():
    """A participant's home: the boards of the invite they joined through."""
    who = principal()
    if not who.is_participant:
        return redirect(url_for("projects.list_projects"))
    query = sa.select(Board).where(Board.project_id == who.invite_project_id).order_by(Board.position)
    if who.invite_board_id is not None:
        query = query.where(Board.id == who.invite_board_id)
    boards = list(db.session.scalars(query))
    return render_template("pages/my_boards.html", boards=boards)


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
