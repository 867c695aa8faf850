"""The needs register's pages: the organizer's call page, and the body's form (no account).

Short views: parse the form, authorise (get_project_or_abort; the form by its personal link
only), call workshop.needs. E-mails leave after the commit, as the registration desk's do.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from workshop import mail
from workshop.access import personal_links as links
from workshop.boards.errors import BoardError
from workshop.extensions import db, limiter
from workshop.jobs.tasks import DOCX, FileResult
from workshop.models import NeedsCall, Project, utcnow
from workshop.models import needs as limits
from workshop.models.personal_links import MAX_RECIPIENT_EMAIL_CHARS, MAX_RECIPIENT_NAME_CHARS
from workshop.needs import service, sintesi
from workshop.numbers import format_euros
from workshop.realtime.broadcast import broadcast_applied_change
from workshop.web import jobs
from workshop.web.forms import EmptyForm, strip_whitespace
from workshop.web.links import external_url
from workshop.web.security import get_project_or_abort, principal

bp = Blueprint("needs", __name__)

FIELD_ERRORS = {
    "required": _l("This field is required."),
    "too_long": _l("The text is too long."),
    "invalid_text": _l("The text holds characters that cannot be kept (control characters)."),
    "bad_recipient": _l("Write the body's name and a valid e-mail address."),
    "already_approved": _l("The documento di sintesi is approved already: it cannot change."),
    "not_approved": _l("Only an approved documento di sintesi is corrected as a new version."),
}
LINK_PAGES = {
    "not_found": (_l("This link does not open a form"), _l("Check the address in the e-mail.")),
    "expired": (
        _l("This form is closed"),
        _l("The link has expired: nothing was saved. Ask the organizers for a new one."),
    ),
    "revoked": (
        _l("This link was withdrawn"),
        _l("The organizers withdrew this link: nothing was saved. Ask them if you need a new one."),
    ),
    "invalid": (_l("This link does not open a form"), _l("Check the address in the e-mail.")),
    "board_refused": (
        _l("Your entry could not be saved"),
        _l("Nothing was saved. Please try again in a few minutes, from the same link."),
    ),
}


class OpenCallForm(FlaskForm):
    title = StringField(
        _l("Title of the call"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=limits.MAX_CALL_TITLE_CHARS)],
    )


class SendForm(FlaskForm):
    chosen = SelectMultipleField(
        _l("Admitted Third Sector bodies"),
        choices=[],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    name = StringField(
        _l("Name of the contact person"),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=MAX_RECIPIENT_NAME_CHARS)],
    )
    organisation = StringField(
        _l("Body (organisation)"),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=limits.MAX_BODY_CHARS)],
    )
    email = EmailField(
        _l("E-mail"),
        filters=[strip_whitespace],
        validators=[Optional(), Email(), Length(max=MAX_RECIPIENT_EMAIL_CHARS)],
    )


class NeedsForm(FlaskForm):
    body = StringField(
        _l("Your body (organisation)"),
        filters=[strip_whitespace],
        validators=[InputRequired(), Length(max=limits.MAX_BODY_CHARS)],
    )
    need = TextAreaField(
        _l("The need"),
        description=_l(
            "One need, as an existing situation: what is missing or not working, for whom."
        ),
        filters=[strip_whitespace],
        validators=[InputRequired(), Length(max=limits.MAX_NEED_CHARS)],
    )
    evidence = TextAreaField(
        _l("Its evidence"),
        description=_l("Data, sources, cases you know of: how do you know?"),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=limits.MAX_EVIDENCE_CHARS)],
    )
    people = StringField(
        _l("The people concerned"),
        description=_l("Who and how many (for example: about 40 families with children under 6)."),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=limits.MAX_PEOPLE_CHARS)],
    )
    resources = TextAreaField(
        _l("Resources your body can bring"),
        description=_l(
            "People, premises, skills, data, networks, money: including what the public body may not know of."
        ),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=limits.MAX_RESOURCES_CHARS)],
    )
    contact = StringField(
        _l("Contact"),
        description=_l("Who the organizers may write to about this need (not shown on the board)."),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=limits.MAX_CONTACT_CHARS)],
    )


class CorrectForm(FlaskForm):
    reason = TextAreaField(
        _l("Why it is corrected"),
        description=_l(
            "The approved version is kept as it is; the new one says why it replaces it."
        ),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=sintesi.MAX_REASON_CHARS)],
    )


class ApproveForm(FlaskForm):
    approved_by = StringField(
        _l("Approved by"),
        description=_l("Who approved it: the working group and its meeting, or a person."),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=sintesi.MAX_APPROVER_CHARS)],
    )


# --- the organizer's pages --------------------------------------------------------------------------


def _call_or_404(project: Project, call_id: int) -> NeedsCall:
    call = service.call_of_project(db.session, project.id, call_id)
    if call is None:
        abort(404)
    return call


@bp.route("/projects/<int:project_id>/needs", methods=["GET", "POST"])
def index(project_id: int):
    project = get_project_or_abort(project_id)
    form = OpenCallForm()
    if form.validate_on_submit():
        call = service.open_call(db.session, project.id, form.title.data, principal().user_id)
        db.session.commit()
        return redirect(url_for("needs.call", project_id=project.id, call_id=call.id))
    calls = service.calls_of(db.session, project.id)
    status = 400 if form.errors else 200
    return render_template("needs/index.html", project=project, calls=calls, form=form), status


def _send_form(project: Project, **kwargs) -> tuple[SendForm, dict[str, service.Candidate]]:
    form = SendForm(**kwargs)
    found = {c.key: c for c in service.candidates(db.session, project.id)}
    form.chosen.choices = [
        (c.key, f"{c.organisation or c.name} · {c.name or c.email} · {c.email}")
        for c in found.values()
    ]
    return form, found


def _page(
    project: Project,
    call: NeedsCall,
    send_form=None,
    approve_form=None,
    correct_form=None,
    status=200,
):
    send_form = send_form or _send_form(project)[0]
    approve_form = approve_form or ApproveForm(approved_by=principal().display_name)
    correct_form = correct_form or CorrectForm()
    now = utcnow()
    sent = service.links_sent(db.session, call, now)
    return (
        render_template(
            "needs/call.html",
            project=project,
            call=call,
            send_form=send_form,
            approve_form=approve_form,
            correct_form=correct_form,
            sent=sent,
            to_remind=len(service.to_remind(sent, now)),
            now=now,
            revoke_form=EmptyForm(),
            document=sintesi.document(db.session, call),
            lang=str(get_locale() or "it")[:2],
        ),
        status,
    )


@bp.route("/projects/<int:project_id>/needs/<int:call_id>")
def call(project_id: int, call_id: int):
    project = get_project_or_abort(project_id)
    return _page(project, _call_or_404(project, call_id))


@bp.route("/projects/<int:project_id>/needs/<int:call_id>/send", methods=["POST"])
def send(project_id: int, call_id: int):
    project = get_project_or_abort(project_id)
    call = _call_or_404(project, call_id)
    form, found = _send_form(project)
    if not form.validate_on_submit():
        return _page(project, call, send_form=form, status=400)
    recipients = [found[key] for key in form.chosen.data or [] if key in found]
    if form.email.data or form.organisation.data or form.name.data:
        recipients.append(
            service.Candidate(
                "", form.name.data or "", form.organisation.data or "", form.email.data or ""
            )
        )
    if not recipients:
        form.chosen.errors = [_("Choose a body, or write one's name and e-mail address.")]
        return _page(project, call, send_form=form, status=400)
    made = []
    try:
        for who in recipients:
            made.append(
                service.send_link(
                    db.session,
                    call,
                    name=who.name,
                    organisation=who.organisation,
                    email=who.email,
                    created_by_id=principal().user_id,
                )
            )
    except service.NeedsError as error:
        db.session.rollback()
        target = form.organisation if error.field == "organisation" else form.email
        target.errors = [str(FIELD_ERRORS[error.code])]
        return _page(project, call, send_form=form, status=400)
    db.session.commit()
    _mail_links(project, call, made)
    flash(_("Form links sent: %(count)d.", count=len(made)), "info")
    return redirect(url_for("needs.call", project_id=project.id, call_id=call.id))


def _mail_links(project: Project, call: NeedsCall, made, reminder: bool = False) -> None:
    """Each body its link (or a reminder with it), after the commit. An unreachable mail server
    is logged, not shown."""
    for link in made:
        tell_body(project, call, link, reminder)


def tell_body(project: Project, call: NeedsCall, link, reminder: bool) -> bool:
    """E-mail one body its form's link, or a reminder with it, in the current locale; says
    whether it went. Call only after the commit."""
    settings = mail.MailSettings.from_config(current_app.config)
    if reminder:
        subject = _("Reminder: needs for %(project)s, your form", project=project.title)
    else:
        subject = _("Needs for %(project)s: your form", project=project.title)
    body = render_template(
        "needs/mail/reminder.txt" if reminder else "needs/mail/link.txt",
        link=link,
        call=call,
        project=project,
        url=external_url("needs.form", needs_token=link.token),
    )
    return mail.send_quietly(settings, mail.compose(settings, link.recipient_email, subject, body))


@bp.route("/projects/<int:project_id>/needs/<int:call_id>/remind", methods=["POST"])
def remind(project_id: int, call_id: int):
    """Each body that has not answered gets its own link again, at most once a day."""
    project = get_project_or_abort(project_id)
    call = _call_or_404(project, call_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    due = service.remind_unanswered(db.session, call)
    db.session.commit()
    _mail_links(project, call, due, reminder=True)
    if due:
        flash(_("Reminders sent: %(count)d.", count=len(due)), "info")
    else:
        flash(
            _("No one to remind: every open link was answered, or reminded in the last day."),
            "info",
        )
    return redirect(url_for("needs.call", project_id=project.id, call_id=call.id))


@bp.route(
    "/projects/<int:project_id>/needs/<int:call_id>/links/<int:needs_link_id>/revoke",
    methods=["POST"],
)
def revoke(project_id: int, call_id: int, needs_link_id: int):
    project = get_project_or_abort(project_id)
    call = _call_or_404(project, call_id)
    link = service.link_of_call(db.session, call, needs_link_id)
    if link is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    links.revoke_link(db.session, link)
    db.session.commit()
    flash(_("Link withdrawn: it no longer opens the form."), "info")
    return redirect(url_for("needs.call", project_id=project.id, call_id=call.id))


@bp.route("/projects/<int:project_id>/needs/<int:call_id>/approve", methods=["POST"])
def approve(project_id: int, call_id: int):
    project = get_project_or_abort(project_id)
    call = _call_or_404(project, call_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _page(project, call, approve_form=form, status=400)
    try:
        sintesi.approve(db.session, call, form.approved_by.data)
    except service.NeedsError as error:
        db.session.rollback()
        form.approved_by.errors = [str(FIELD_ERRORS[error.code])]
        return _page(project, call, approve_form=form, status=400)
    db.session.commit()
    flash(_("Documento di sintesi approved: it is now frozen."), "info")
    return redirect(url_for("needs.call", project_id=project.id, call_id=call.id))


@bp.route("/projects/<int:project_id>/needs/<int:call_id>/correct", methods=["POST"])
def correct(project_id: int, call_id: int):
    """A new version of an approved documento di sintesi, with its reason (the old one is kept)."""
    project = get_project_or_abort(project_id)
    call = _call_or_404(project, call_id)
    form = CorrectForm()
    if not form.validate_on_submit():
        return _page(project, call, correct_form=form, status=400)
    try:
        sintesi.correct(db.session, call, form.reason.data)
    except service.NeedsError as error:
        db.session.rollback()
        form.reason.errors = [str(FIELD_ERRORS[error.code])]
        return _page(project, call, correct_form=form, status=400)
    db.session.commit()
    flash(_("A new version is open: it follows the boards until it is approved."), "info")
    return redirect(url_for("needs.call", project_id=project.id, call_id=call.id))


@bp.route(
    "/projects/<int:project_id>/needs/<int:call_id>/sintesi.<any(docx, pdf):fmt>",
    methods=["GET", "POST"],
)
def sintesi_file(project_id: int, call_id: int, fmt: str):
    """The documento di sintesi as PDF or DOCX, laid out by a job worker (workshop/jobs)."""
    project = get_project_or_abort(project_id)
    call = _call_or_404(project, call_id)
    lang = request.args.get("lang") or str(get_locale() or "it")[:2]
    if lang not in sintesi.WORDS:
        abort(404)
    # The cache key is the document's content: a new entry, vote or position is a new file.
    content = repr(sintesi.document(db.session, call)).encode("utf-8")
    version = hashlib.sha256(content).hexdigest()[:16]
    return jobs.serve(
        "sintesi_file", version, project_id=project.id, call_id=call.id, fmt=fmt, lang=lang
    )


def sintesi_bytes(call: NeedsCall, fmt: str, lang: str) -> FileResult:
    """The file itself (run by the job worker): no request, the styles are inline."""
    data = sintesi.document(db.session, call)
    name = f"documento-di-sintesi-{call.id}" if lang == "it" else f"summary-document-{call.id}"
    if fmt == "docx":
        return FileResult(sintesi.to_docx(data, lang), DOCX, f"{name}.docx")
    from workshop.exports.social_report import html_to_pdf

    html = render_template(
        "needs/sintesi_document.html",
        data=data,
        w=sintesi.words_for(data, lang),
        lang=lang,
        euros=format_euros,
    )
    return FileResult(html_to_pdf(html, base_url="about:blank"), "application/pdf", f"{name}.pdf")


jobs.register_check(
    "sintesi_file",
    lambda kwargs: _call_or_404(get_project_or_abort(kwargs["project_id"]), kwargs["call_id"]),
)


# --- the body's form (no account) -------------------------------------------------------------------


def _closed(code: str):
    title, message = LINK_PAGES[code]
    status = {"not_found": 404, "invalid": 404, "board_refused": 503}.get(code, 410)
    return render_template("needs/closed.html", title=title, message=message), status


@bp.route("/n/<needs_token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def form(needs_token: str):
    token = needs_token
    try:
        link, call = service.open_form(db.session, token)
    except links.PersonalLinkError as error:
        return _closed(error.code)
    project = db.session.get(Project, call.project_id)
    previous = service.submission_of(db.session, link.id)
    if request.method == "GET" and previous is not None:
        page = NeedsForm(obj=previous)
    else:
        page = NeedsForm(body=link.recipient_organisation or link.recipient_name)
    if not page.validate_on_submit():
        status = 400 if page.errors else 200
        return render_template(
            "needs/form.html", form=page, call=call, project=project, link=link, previous=previous
        ), status
    entry = service.Entry(**{name: getattr(page, name).data or "" for name in service.LIMITS})
    try:
        service.submit(
            db.session,
            token,
            entry,
            locks=current_app.extensions["workshop_write_locks"],
            after_commit=broadcast_applied_change,
        )
    except links.PersonalLinkError as error:
        return _closed(error.code)
    except service.NeedsError as error:
        getattr(page, error.field).errors = [str(FIELD_ERRORS[error.code])]
        return render_template(
            "needs/form.html", form=page, call=call, project=project, link=link, previous=previous
        ), 400
    except BoardError:
        current_app.logger.warning("needs form: the board refused the entry of link %s", link.id)
        return _closed("board_refused")
    return render_template(
        "needs/thanks.html", project=project, call=call, again=previous is not None
    )
