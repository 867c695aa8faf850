"""The verbale of a meeting over HTTP (docs/verbale.md): the organizers' page (draft, send for
comments, approve, correct), its PDF and DOCX, and the attendee's page behind a personal link.
Views are short: parse the form, authorise, call workshop.meetings.verbale."""

from __future__ import annotations

import hashlib
from datetime import datetime, time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_timezone, ngettext
from flask_babel import gettext as _

from workshop import mail
from workshop.access.personal_links import PersonalLinkError, revoke_link
from workshop.boards.errors import BoardError
from workshop.exports import verbale as documents
from workshop.extensions import db
from workshop.jobs.tasks import DOCX
from workshop.meetings import verbale as minutes
from workshop.models import LinkPurpose, PersonalLink, VerbaleStatus, utcnow
from workshop.web import jobs
from workshop.web.forms import (
    EmptyForm,
    VerbaleCommentForm,
    VerbaleCorrectForm,
    VerbaleForm,
    VerbaleSendForm,
)
from workshop.web.links import external_url
from workshop.web.security import get_project_or_abort, require_user

bp = Blueprint("verbale", __name__)

ERRORS = {
    "approved": lambda: _(
        "This verbale is approved and cannot change: correct it as a new version."
    ),
    "not_approved": lambda: _("Only an approved verbale is corrected as a new version."),
    "closed": lambda: _("Comments on this verbale are closed."),
    "past_date": lambda: _("Comments must close on a future date: choose a later day."),
    "empty": lambda: _("Nothing was written: nothing was saved."),
    "too_long": lambda: _("A text is too long: nothing was saved. Shorten it and try again."),
    "invalid_text": lambda: _(
        "A text holds characters that cannot be saved: nothing was saved. Retype it and try again."
    ),
}
LINK_ERRORS = {
    "expired": lambda: _(
        "This link has expired: the time for comments is over. Ask the organizers for a new one."
    ),
    "revoked": lambda: _(
        "This link was withdrawn by the organizers. Ask them for a new one if you need it."
    ),
    "not_found": lambda: _(
        "This link is not valid. Check that you copied it whole from the e-mail."
    ),
}


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "it"


def _say(error: minutes.VerbaleError) -> str:
    # The error's own words are English, for logs: a person reads one of ERRORS.
    return ERRORS.get(
        error.code, lambda: _("Nothing was saved: check what you wrote and try again.")
    )()


@bp.route("/projects/<int:project_id>/meetings/<int:meeting_id>/verbale", methods=["GET", "POST"])
def of_meeting(project_id: int, meeting_id: int):
    """The meeting's verbale; where there is none yet, a page to prepare it (a POST: looking
    at a link, or a browser's prefetch of it, makes nothing)."""
    return _current_or_start(project_id, meeting_id=meeting_id)


@bp.route(
    "/projects/<int:project_id>/live-sessions/<int:session_id>/verbale", methods=["GET", "POST"]
)
def of_session(project_id: int, session_id: int):
    return _current_or_start(project_id, live_session_id=session_id)


def _current_or_start(project_id: int, **where):
    project = get_project_or_abort(project_id)
    create = request.method == "POST"
    if create and not EmptyForm().validate_on_submit():
        abort(400)
    try:
        found = minutes.current(db.session, project.id, create=create, **where)
    except BoardError:
        abort(404)
    if found is None:
        return render_template("verbale/start.html", project=project)
    return redirect(url_for(".show", project_id=project.id, verbale_id=found.id))


def _verbale(project_id: int, verbale_id: int):
    project = get_project_or_abort(project_id)
    try:
        return project, minutes.get(db.session, project.id, verbale_id)
    except BoardError:
        abort(404)


@bp.route("/projects/<int:project_id>/verbali/<int:verbale_id>", methods=["GET", "POST"])
def show(project_id: int, verbale_id: int):
    """The verbale as drawn now, the form of what the organizers write, comments and versions."""
    project, found = _verbale(project_id, verbale_id)
    form = VerbaleForm(obj=found)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                minutes.update_draft(
                    db.session,
                    found,
                    {name: form[name].data for name in form._fields if name != "csrf_token"},
                )
                flash(_("Verbale saved."), "info")
                return redirect(url_for(".show", project_id=project.id, verbale_id=found.id))
            except minutes.VerbaleError as error:
                db.session.rollback()
                flash(_say(error), "error")
        else:
            flash(_("Please check the fields marked below."), "error")
    record = minutes.record(db.session, found)
    approved = found.status == VerbaleStatus.APPROVED
    return render_template(
        "verbale/show.html",
        project=project,
        verbale=found,
        form=form,
        send_form=VerbaleSendForm(),
        correct_form=VerbaleCorrectForm(),
        empty_form=EmptyForm(),
        sections=documents.sections(
            record, "it" if _ui_italian() else "en", get_timezone(), approved
        ),
        comments=minutes.comments(db.session, found),
        links=_links(found.id),
        versions=minutes.versions(db.session, found),
        recipients=minutes.recipients(db.session, found) if not approved else [],
        now=utcnow(),
    )


def _ui_italian() -> bool:
    from flask_babel import get_locale

    return not str(get_locale() or "it").startswith("en")


def _links(verbale_id: int) -> list[PersonalLink]:
    from workshop.access.personal_links import links_for

    return links_for(db.session, LinkPurpose.VERBALE_REVIEW, verbale_id)


@bp.post("/projects/<int:project_id>/verbali/<int:verbale_id>/send")
def send(project_id: int, verbale_id: int):
    """Comments open until a date; each attendee with an e-mail gets their personal link."""
    project, found = _verbale(project_id, verbale_id)
    form = VerbaleSendForm()
    back = redirect(url_for(".show", project_id=project.id, verbale_id=found.id))
    if not form.validate_on_submit():
        flash(_("Choose the date until which comments are open."), "error")
        return back
    until = datetime.combine(form.until.data, time(23, 59), tzinfo=get_timezone())
    try:
        issued = minutes.send_for_comments(db.session, found, until, require_user().user_id)
    except minutes.VerbaleError as error:
        db.session.rollback()
        flash(_say(error), "error")
        return back
    settings = mail.MailSettings.from_config(current_app.config)
    for link in issued:
        body = render_template(
            "verbale/mail.txt",
            link=link,
            project=project,
            url=external_url("verbale.review", token=link.token),
            until=form.until.data,
        )
        subject = _("Verbale to read and comment: %(project)s", project=project.title)
        mail.send_quietly(settings, mail.compose(settings, link.recipient_email, subject, body))
    flash(
        ngettext(
            "Sent for comments to %(num)s person.",
            "Sent for comments to %(num)s people.",
            len(issued),
        ),
        "info",
    )
    return back


@bp.post("/projects/<int:project_id>/verbali/<int:verbale_id>/approve")
def approve(project_id: int, verbale_id: int):
    project, found = _verbale(project_id, verbale_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        minutes.approve(db.session, found, require_user().display_name)
        flash(_("Verbale approved: it is now frozen."), "info")
    except minutes.VerbaleError as error:
        db.session.rollback()
        flash(_say(error), "error")
    return redirect(url_for(".show", project_id=project.id, verbale_id=found.id))


@bp.post("/projects/<int:project_id>/verbali/<int:verbale_id>/correct")
def correct(project_id: int, verbale_id: int):
    project, found = _verbale(project_id, verbale_id)
    form = VerbaleCorrectForm()
    if not form.validate_on_submit():
        flash(_("Say why the verbale is corrected."), "error")
        return redirect(url_for(".show", project_id=project.id, verbale_id=found.id))
    try:
        found = minutes.correct(db.session, found, form.reason.data)
        flash(_("A new version was made: edit it, then approve it."), "info")
    except (minutes.VerbaleError, BoardError) as error:
        db.session.rollback()
        flash(
            _say(error)
            if isinstance(error, minutes.VerbaleError)
            else _("Correct the latest version."),
            "error",
        )
    return redirect(url_for(".show", project_id=project.id, verbale_id=found.id))


@bp.post("/projects/<int:project_id>/verbali/<int:verbale_id>/links/<int:link_id>/revoke")
def revoke(project_id: int, verbale_id: int, link_id: int):
    project, found = _verbale(project_id, verbale_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    link = db.session.get(PersonalLink, link_id)
    if link is None or link.subject_id != found.id or link.purpose != LinkPurpose.VERBALE_REVIEW:
        abort(404)
    revoke_link(db.session, link)
    db.session.commit()
    flash(_("The link was withdrawn."), "info")
    return redirect(url_for(".show", project_id=project.id, verbale_id=found.id))


@bp.route(
    "/projects/<int:project_id>/verbali/<int:verbale_id>.<any(docx, pdf):fmt>",
    methods=["GET", "POST"],
)
def download(project_id: int, verbale_id: int, fmt: str):
    """The verbale as PDF or DOCX (?lang=en for English), laid out by a job worker
    (workshop/jobs); "BOZZA" until approved."""
    project, found = _verbale(project_id, verbale_id)
    # The cache key is what the file shows: an edit, a comment period or the approval is a new file.
    record = minutes.record(db.session, found)
    content = repr((found.status, found.version, record)).encode("utf-8")
    version = hashlib.sha256(content).hexdigest()[:16]
    return jobs.serve(
        "verbale_file", version, project_id=project.id, verbale_id=found.id, fmt=fmt, lang=_lang()
    )


jobs.register_check(
    "verbale_file", lambda kwargs: _verbale(kwargs["project_id"], kwargs["verbale_id"])
)


def file_of(found, fmt: str, lang: str) -> tuple[bytes, str]:
    record = minutes.record(db.session, found)
    approved = found.status == VerbaleStatus.APPROVED
    if fmt == "pdf":
        return documents.to_pdf(record, lang, get_timezone(), approved), "application/pdf"
    return documents.to_docx(record, lang, get_timezone(), approved), DOCX


def file_name(found, fmt: str, lang: str) -> str:
    stem = "verbale" if lang == "it" else "minutes"
    return f"{stem}-{found.id}-v{found.version}{'' if lang == 'it' else '-en'}.{fmt}"


# --- the attendee's page, behind a personal link (no account) ---------------------------------------


@bp.route("/verbale/<token>", methods=["GET", "POST"])
def review(token: str):
    """Read the verbale and comment until the date; an expired or withdrawn link gets a clear
    page and stores nothing."""
    try:
        link, found = minutes.open_link(db.session, token)
    except PersonalLinkError as error:
        return render_template(
            "verbale/link_error.html",
            message=LINK_ERRORS.get(error.code, LINK_ERRORS["not_found"])(),
        ), 410 if error.code in ("expired", "revoked") else 404
    form = VerbaleCommentForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                minutes.add_comment(db.session, token, form.text.data)
                flash(_("Thank you: your comment was sent to the organizers."), "info")
                return redirect(url_for(".review", token=token))
            except minutes.VerbaleError as error:
                db.session.rollback()
                flash(_say(error), "error")
            except PersonalLinkError as error:
                db.session.rollback()
                return render_template(
                    "verbale/link_error.html",
                    message=LINK_ERRORS.get(error.code, LINK_ERRORS["not_found"])(),
                ), 410
        else:
            flash(_("Please check the fields marked below."), "error")
    approved = found.status == VerbaleStatus.APPROVED
    record = minutes.record(db.session, found)
    return render_template(
        "verbale/review.html",
        link=link,
        verbale=found,
        form=form,
        sections=documents.sections(
            record, "it" if _ui_italian() else "en", get_timezone(), approved
        ),
        mine=[c for c in minutes.comments(db.session, found) if c.link_id == link.id],
    )
