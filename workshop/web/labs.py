"""Labs over HTTP: organizers list labs and create one with its dated meetings and projects."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from workshop.access import policy
from workshop.extensions import db
from workshop.models import Project
from workshop.models.rooms import MAX_LAB_TITLE_CHARS
from workshop.rooms import labs
from workshop.web.security import require_user

bp = Blueprint("labs", __name__, url_prefix="/labs")


class LabForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_LAB_TITLE_CHARS)])
    meetings = TextAreaField(
        _l("Meetings"),
        description=_l("One a line: the date (YYYY-MM-DD), a space, then the title."),
    )
    projects = SelectMultipleField(
        _l("Projects of the lab"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


@bp.route("/", methods=["GET", "POST"])
def index():
    """The labs, and a form for a new one. :raise 403: for anyone but an organizer"""
    who = require_user()
    if not policy.can_manage_labs(who):
        abort(403)
    form = LabForm()
    form.projects.choices = [
        (p.id, p.title) for p in db.session.scalars(sa.select(Project).order_by(Project.title))
    ]
    if form.validate_on_submit():
        try:
            meetings = labs.parse_meetings(form.meetings.data or "")
        except labs.BadMeetingLine as error:
            form.meetings.errors = [
                _(
                    "Line %(number)s: write the date (YYYY-MM-DD), a space, then the title.",
                    number=error.line,
                )
            ]
        else:
            labs.create_lab(
                db.session, form.title.data.strip(), meetings, form.projects.data or [], who.user_id
            )
            db.session.commit()
            flash(_("Lab created."), "info")
            return redirect(url_for("labs.index"))
    return render_template("labs/index.html", labs=labs.all_labs(db.session), form=form)
