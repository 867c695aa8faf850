"""Logging in and out, for organizers and conductors."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workshop.access import service
from workshop.extensions import db, limiter
from workshop.models import utcnow
from workshop.web.forms import EmptyForm, LoginForm
from workshop.web.security import finish_session, principal, safe_local_path, start_session

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if principal() is not None and principal().is_user:
        return redirect(url_for("projects.list_projects"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(db.session, form.email.data, form.password.data)
        except service.AccessError:
            current_app.logger.info("failed login for a submitted e-mail")
            flash(_("Wrong e-mail or password."), "error")
        else:
            auth = service.open_user_session(
                db.session, user, current_app.permanent_session_lifetime, utcnow()
            )
            db.session.commit()
            start_session(auth)
            return redirect(
                safe_local_path(request.args.get("next")) or url_for("projects.list_projects")
            )
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("pages.index"))
    finish_session()
    flash(_("You have left. See you soon."), "info")
    return redirect(url_for("pages.index"))
