"""Participants join without an account: a code or a link, then a display name."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from workshop.access import service
from workshop.extensions import db, limiter
from workshop.models import Participant, utcnow
from workshop.models.access import MAX_DISPLAY_NAME_CHARS
from workshop.rooms import where
from workshop.web.forms import JoinCodeForm, JoinNameForm
from workshop.web.security import principal, start_session

bp = Blueprint("join", __name__)


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"], methods=["POST"])
def by_code():
    form = JoinCodeForm()
    if form.validate_on_submit():
        try:
            invite = service.find_invite_by_code(db.session, form.code.data, utcnow())
        except service.AccessError:
            form.code.errors.append(_("This code does not open any lab. Check it and try again."))
        else:
            return redirect(url_for("join.by_link", token=invite.token))
    return render_template("join/code.html", form=form)


@bp.route("/j/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"], methods=["POST"])
def by_link(token: str):
    """GET shows who invites you; POST with a name joins. Nothing changes on GET."""
    try:
        invite = service.find_invite_by_token(db.session, token, utcnow())
    except service.AccessError:
        abort(404)
    who = principal()
    if who is not None and who.is_participant and who.invite_id == invite.id:
        return redirect(_landing(invite))
    form = JoinNameForm()
    if form.validate_on_submit():
        try:
            auth = service.join(
                db.session,
                invite,
                form.display_name.data,
                current_app.permanent_session_lifetime,
                utcnow(),
            )
        except service.AccessError as error:
            if error.code == "invalid_code":
                abort(404)
            form.display_name.errors.append(
                _("Write a name of at most %(max)d characters.", max=MAX_DISPLAY_NAME_CHARS)
            )
        else:
            participant = db.session.get(Participant, auth.participant_id)
            participant.organisation = form.organisation.data or ""
            participant.role = form.role.data or ""
            db.session.commit()
            start_session(auth)
            flash(_("Welcome, %(name)s!", name=principal().display_name), "info")
            return redirect(_landing(invite))
    return render_template("join/name.html", form=form, invite=invite)


def _landing(invite) -> str:
    """Where a participant lands: the invite's board, else the plenary of the live session open
    on the project now, else their boards."""
    if invite.board_id is not None:
        return url_for("boards.show", board_id=invite.board_id)
    live = where.open_plenary(db.session, invite.project_id)
    return url_for("boards.show", board_id=live) if live else url_for("pages.my_boards")
