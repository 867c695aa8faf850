"""Accounts: organizers create conductors and other organizers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from workshop.access import policy, service
from workshop.extensions import db
from workshop.models import User, UserRole, utcnow
from workshop.models.user import normalise_email
from workshop.realtime.rights import RightsChange
from workshop.web.forms import EmptyForm, UserForm
from workshop.web.security import require_user

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def _require_organizer():
    who = require_user()
    if not policy.can_manage_accounts(who):
        abort(403)
    return who


@bp.route("/", methods=["GET", "POST"])
def index():
    _require_organizer()
    form = UserForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
            form.email.errors.append(_("An account with this e-mail already exists."))
        else:
            user = User(email=email, name=form.name.data.strip(), role=UserRole(form.role.data))
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.commit()
            flash(_("Account created for %(name)s.", name=user.name), "info")
            return redirect(url_for("accounts.index"))
    users = list(db.session.scalars(sa.select(User).order_by(User.role, User.name)))
    return render_template("accounts/index.html", form=form, users=users, action_form=EmptyForm())


@bp.post("/<int:user_id>/active")
def toggle_active(user_id: int):
    who = _require_organizer()
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if user.id == who.user_id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("accounts.index"))
    user.active = not user.active
    if not user.active:
        service.end_user_sessions(db.session, user.id, utcnow())
    db.session.commit()
    if not user.active:
        from workshop.realtime import sessions as live_sessions

        live_sessions.rights_changed(RightsChange.user(user.id))
    return redirect(url_for("accounts.index"))
