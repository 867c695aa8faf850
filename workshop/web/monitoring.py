"""The monitoring calendar over HTTP: the managers' page (redraw, send a personal link, revoke)
and the owner's form behind the link (no account). Views parse, authorise and call
workshop.monitoring.service; e-mails go out after the commit."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, StringField, URLField
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, Optional

from workshop import mail, numbers
from workshop.access import personal_links
from workshop.boards.schema import MAX_LABEL_CHARS, MAX_LINK_CHARS
from workshop.extensions import db, limiter
from workshop.models import LinkPurpose, MonitoringTask, PersonalLink, Project, utcnow
from workshop.models.personal_links import MAX_RECIPIENT_EMAIL_CHARS, MAX_RECIPIENT_NAME_CHARS
from workshop.monitoring import service
from workshop.realtime.broadcast import broadcast_applied_change
from workshop.web.forms import EmptyForm, strip_whitespace
from workshop.web.links import external_url
from workshop.web.security import get_project_or_abort, require_user

bp = Blueprint("monitoring", __name__)

MAX_MEASURE = 1e12  # as the measurement card's value (canvases.social_reporting.MEASUREMENT)


def now() -> datetime:
    """The app's clock: `CLOCK` in the config (tests advance it), else the real time."""
    return (current_app.config.get("CLOCK") or utcnow)()


class MeasureField(StringField):
    """A number as Italians write it ("120.000,50", "12,5"), read by workshop.numbers. A text
    field (inputmode decimal): a browser in Italian mangles <input type=number>."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if not self.data:
            self.data = None
            return
        try:
            value = float(numbers.parse_number(self.data))
        except numbers.NumberError as error:
            self.data = None
            if error.code == "ambiguous":
                raise ValueError(
                    _(
                        '"%(text)s" can be read two ways: write it without the dot (1234), or '
                        "with a comma before the decimals (1.234,5).",
                        text=error.text.strip(),
                    )
                ) from None
            raise ValueError(_("Write a number, for example 120.000,50 or 12,5.")) from None
        if abs(value) > MAX_MEASURE:
            self.data = None
            raise ValueError(_("This number is too large."))
        self.data = value


class MeasurementForm(FlaskForm):
    value = MeasureField(_l("Value"), validators=[InputRequired()])
    measured_on = DateField(_l("Date of the measurement"), validators=[InputRequired()])
    source = StringField(
        _l("Source"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=MAX_LABEL_CHARS)],
        description=_l("Where the number comes from, e.g. the service's register, a survey."),
    )
    evidence = URLField(
        _l("Evidence (link)"),
        filters=[strip_whitespace],
        validators=[Optional(), URL(require_tld=False), Length(max=MAX_LINK_CHARS)],
        description=_l("A link to the document or the file that shows it (optional)."),
    )


class SendLinkForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Email(), Length(max=MAX_RECIPIENT_EMAIL_CHARS)],
    )
    name = StringField(
        _l("Name"), filters=[strip_whitespace], validators=[Length(max=MAX_RECIPIENT_NAME_CHARS)]
    )


LINK_PAGES = {
    "not_found": (
        404,
        _l("Link not valid"),
        _l("This link is not valid: check that it was copied whole."),
    ),
    "expired": (
        410,
        _l("Link expired"),
        _l(
            "This link has expired and nothing was saved. Ask the project's organizers for a new one."
        ),
    ),
    "revoked": (
        410,
        _l("Link revoked"),
        _l(
            "The organizers withdrew this link and nothing was saved. Ask them for a new one if you need it."
        ),
    ),
}


def _link_page(code: str):
    status, title, message = LINK_PAGES.get(code, LINK_PAGES["not_found"])
    page = render_template(
        "errors/error.html", status=status, title=str(title), message=str(message)
    )
    return page, status


def _indicator_name(task: MonitoringTask) -> str:
    indicator = service.indicators_of(db.session, task.project_id).get(task.indicator_id)
    return str(indicator.fields.get("name", "")) if indicator else ""


# --- e-mails, after the commit ----------------------------------------------------------------------

SUBJECTS = {
    "link": _l("A measurement to enter: %(indicator)s"),
    "reminder": _l("Late measurement: %(indicator)s"),
}


def tell_owner(task: MonitoringTask, link: PersonalLink, kind: str) -> bool:
    """E-mail the owner their link ("link") or a reminder ("reminder"), in Italian (the office's
    language: the owner has no account to choose another). Call only after the commit."""
    settings = mail.MailSettings.from_config(current_app.config)
    project = db.session.get(Project, task.project_id)
    indicator = _indicator_name(task)
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "it")):
        subject = str(SUBJECTS[kind]) % {"indicator": indicator}
        body = render_template(
            f"monitoring/mail/{kind}.txt",
            link=link,
            task=task,
            project=project,
            indicator=indicator,
            url=external_url("monitoring.measure", token=link.token),
        )
    return mail.send_quietly(settings, mail.compose(settings, link.recipient_email, subject, body))


# --- the managers' page --------------------------------------------------------------------------


def _task_or_404(project: Project, task_id: int) -> MonitoringTask:
    task = db.session.get(MonitoringTask, task_id)
    if task is None or task.project_id != project.id:
        abort(404)
    return task


@bp.get("/projects/<int:project_id>/monitoring")
def calendar(project_id: int):
    project = get_project_or_abort(project_id)
    return _calendar_page(project)


def _calendar_page(
    project: Project, forms: dict[int, SendLinkForm] | None = None, status: int = 200
):
    moment = now()
    today = service.local_day(moment)
    tasks = service.tasks_of(db.session, project.id)
    indicators = service.indicators_of(db.session, project.id)
    forms = forms or {}
    rows = []
    for task in tasks:
        owner = service.owner_of(db.session, task)
        link = service.live_link(db.session, task, moment)
        form = forms.get(task.id) or SendLinkForm(prefix=f"t{task.id}", formdata=None)
        if not form.email.data:
            form.email.data = (link.recipient_email if link else "") or owner.email
            form.name.data = (link.recipient_name if link else "") or owner.name
        indicator = indicators.get(task.indicator_id)
        rows.append(
            {
                "task": task,
                "indicator": indicator.fields.get("name", "")
                if indicator
                else _("(deleted indicator)"),
                "unit": indicator.fields.get("unit", "") if indicator else "",
                "owner": owner,
                "link": link,
                "late": task.is_late(today),
                "form": form,
            }
        )
    unscheduled = [
        it.fields.get("name", "") for it in indicators.values() if not it.fields.get("timeline")
    ]
    return (
        render_template(
            "monitoring/calendar.html",
            project=project,
            rows=rows,
            unscheduled=unscheduled,
            late=sum(r["late"] for r in rows),
            form=EmptyForm(),
            format_number=numbers.format_number,
        ),
        status,
    )


@bp.post("/projects/<int:project_id>/monitoring/sync")
def sync(project_id: int):
    project = get_project_or_abort(project_id)
    if EmptyForm().validate_on_submit():
        result = service.sync_tasks(db.session, project.id, now())
        db.session.commit()
        flash(
            _(
                "Calendar updated: %(created)d new collections, %(removed)d removed.",
                created=result.created,
                removed=result.removed,
            ),
            "info",
        )
    return redirect(url_for("monitoring.calendar", project_id=project.id))


@bp.post("/projects/<int:project_id>/monitoring/tasks/<int:task_id>/link")
def send_link(project_id: int, task_id: int):
    """Send the task's owner a personal link to enter the measurement (an earlier one stops)."""
    project = get_project_or_abort(project_id)
    task = _task_or_404(project, task_id)
    if task.has_value:
        flash(_("This measurement was entered already."), "info")
        return redirect(url_for("monitoring.calendar", project_id=project.id))
    form = SendLinkForm(prefix=f"t{task.id}")
    if not form.validate_on_submit():
        return _calendar_page(project, {task.id: form}, 400)
    owner = service.owner_of(db.session, task)
    try:
        link = service.send_link(
            db.session,
            task,
            email=form.email.data,
            name=form.name.data or owner.name,
            created_by_id=require_user().user_id,
            now=now(),
        )
    except personal_links.PersonalLinkError:
        db.session.rollback()
        form.email.errors = [_("Write a valid e-mail address.")]
        return _calendar_page(project, {task.id: form}, 400)
    db.session.commit()
    tell_owner(task, link, "link")
    flash(_("Link sent to %(email)s.", email=link.recipient_email), "info")
    return redirect(url_for("monitoring.calendar", project_id=project.id))


@bp.post("/projects/<int:project_id>/monitoring/tasks/<int:task_id>/revoke")
def revoke_link(project_id: int, task_id: int):
    project = get_project_or_abort(project_id)
    task = _task_or_404(project, task_id)
    if EmptyForm().validate_on_submit():
        for link in personal_links.links_for(db.session, LinkPurpose.MEASUREMENT, task.id):
            personal_links.revoke_link(db.session, link, now())
        db.session.commit()
        flash(_("Link revoked: it opens nothing any more."), "info")
    return redirect(url_for("monitoring.calendar", project_id=project.id))


# --- the owner's form, behind the personal link -------------------------------------------------


@bp.route("/m/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"], methods=["POST"])
def measure(token: str):
    """The owner enters the measurement, without an account. A stale link stores nothing."""
    moment = now()
    try:
        link = personal_links.find_link(db.session, token, LinkPurpose.MEASUREMENT, moment)
        task = service.task_of_link(db.session, link)
    except (personal_links.PersonalLinkError, service.MonitoringError) as error:
        db.session.rollback()
        return _link_page(getattr(error, "code", "not_found"))
    indicator = service.indicators_of(db.session, task.project_id).get(task.indicator_id)
    project = db.session.get(Project, task.project_id)
    form = MeasurementForm()
    status = 200
    if not form.is_submitted():
        # The collection's date, or today when entered early.
        form.measured_on.data = min(service.local_day(moment), task.due_on)
    if not task.has_value and form.validate_on_submit():
        entry = service.Entry(
            value=form.value.data,
            measured_on=form.measured_on.data,
            source=form.source.data,
            evidence=form.evidence.data or "",
        )
        try:
            task, _already = service.record_measurement(
                db.session,
                link,
                entry,
                moment,
                locks=current_app.extensions["workshop_write_locks"],
                after_commit=broadcast_applied_change,
            )
        except service.MonitoringError:
            db.session.rollback()
            form.value.errors = list(form.value.errors) + [
                _("The board did not accept this measurement: check the figures and try again.")
            ]
            status = 400
        else:
            return redirect(url_for("monitoring.measure", token=token))
    elif form.is_submitted() and not task.has_value:
        status = 400
    return (
        render_template(
            "monitoring/measure.html",
            link=link,
            task=task,
            project=project,
            indicator=indicator.fields if indicator else {},
            form=form,
            value_text=numbers.format_number(task.value, _decimals(task.value))
            if task.has_value
            else "",
        ),
        status,
    )


def _decimals(value: float) -> int:
    return 0 if float(value).is_integer() else 2
