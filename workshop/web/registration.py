"""Registration for a lab over HTTP: the organizer's desk, the public form, the personal link.

Views parse, authorise and act through workshop.registration.service; e-mails go out only
after the commit (`_tell`), in each registrant's language.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange

from workshop import mail
from workshop.access import policy
from workshop.extensions import db, limiter
from workshop.models import Lab, utcnow
from workshop.models.access import MAX_DISPLAY_NAME_CHARS
from workshop.models.registration import (
    MAX_ORGANISATION_CHARS,
    MAX_PLACES,
    MAX_ROLE_CHARS,
    Registration,
    RegistrationStatus,
)
from workshop.models.user import MAX_EMAIL_CHARS
from workshop.realtime import sessions as live_sessions
from workshop.realtime.rights import RightsChange
from workshop.registration import service
from workshop.registration.csv_export import export_registrations
from workshop.web.downloads import download
from workshop.web.forms import strip_whitespace
from workshop.web.links import external_url
from workshop.web.security import require_user, start_session

bp = Blueprint("registration", __name__)


class RegisterForm(FlaskForm):
    name = StringField(
        _l("Name and surname"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=MAX_DISPLAY_NAME_CHARS)],
    )
    email = EmailField(
        _l("E-mail"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Email(), Length(max=MAX_EMAIL_CHARS)],
    )
    organisation = StringField(
        _l("Organisation"),
        filters=[strip_whitespace],
        validators=[Length(max=MAX_ORGANISATION_CHARS)],
    )
    role = StringField(
        _l("Role"),
        filters=[strip_whitespace],
        validators=[Length(max=MAX_ROLE_CHARS)],
        description=_l("What you do in your organisation, e.g. social worker, volunteer."),
    )


class PlacesForm(FlaskForm):
    places = IntegerField(
        _l("Places"), validators=[InputRequired(), NumberRange(min=1, max=MAX_PLACES)]
    )


class ConfirmForm(FlaskForm):
    """A button: only the CSRF token."""


ERROR_MESSAGES = {
    "no_lab": _l("This lab does not exist, or it takes no registrations."),
    "closed": _l("Registration for this lab is closed."),
    "bad_name": _l("Write your name, at most %(max)d characters.", max=MAX_DISPLAY_NAME_CHARS),
    "bad_email": _l("Write a valid e-mail address."),
    "bad_organisation": _l("The organisation is too long."),
    "bad_role": _l("The role is too long."),
    "places_below_accepted": _l(
        "More people than that already have a place: remove some registrations first."
    ),
    "bad_places": _l("Write a number of places from 1 to %(max)d.", max=MAX_PLACES),
}


def _error_page(status: int, code: str):
    title = _("Registration closed") if code == "closed" else _("Registration not available")
    return (
        render_template(
            "errors/error.html", status=status, title=title, message=str(ERROR_MESSAGES[code])
        ),
        status,
    )


# --- e-mails, after the commit ----------------------------------------------------------------------

SUBJECTS = {
    service.NoticeKind.ACCEPTED: _l("You have a place in %(lab)s"),
    service.NoticeKind.PROMOTED: _l("A place freed up: you are in %(lab)s"),
    service.NoticeKind.WAITING: _l("You are on the waiting list for %(lab)s"),
    service.NoticeKind.CANCELLED: _l("Your registration for %(lab)s is cancelled"),
    service.NoticeKind.REMOVED: _l("Your registration for %(lab)s was cancelled by the organizers"),
    service.NoticeKind.ALREADY: _l("You are already registered for %(lab)s"),
}


def _tell(notices: list[service.Notice]) -> None:
    """E-mail each notice in its registrant's language. Call only after the commit."""
    settings = mail.MailSettings.from_config(current_app.config)
    for notice in notices:
        registration = notice.registration
        lab = db.session.get(Lab, registration.lab_id)
        with force_locale(registration.lang):
            subject = str(SUBJECTS[notice.kind]) % {"lab": lab.title}
            body = render_template(
                f"registration/mail/{notice.kind.value}.txt",
                registration=registration,
                lab=lab,
                position=notice.position,
                link=external_url("registration.mine", token=registration.token),
            )
        mail.send_quietly(settings, mail.compose(settings, registration.email, subject, body))


# --- the public form and the personal link -------------------------------------------------------


@bp.route("/labs/<int:lab_id>/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register(lab_id: int):
    """Anyone registers, without an account. :raise 404: no such lab or no registration"""
    lab = db.session.get(Lab, lab_id)
    desk = service.desk_of(db.session, lab_id) if lab is not None else None
    if desk is None:
        return _error_page(404, "no_lab")
    if not desk.is_open:
        return _error_page(403, "closed")
    form = RegisterForm()
    if form.validate_on_submit():
        applicant = service.Applicant(
            name=form.name.data,
            email=form.email.data,
            organisation=form.organisation.data or "",
            role=form.role.data or "",
            lang=str(get_locale()),
        )
        try:
            notices = service.register(db.session, lab_id, applicant, utcnow())
        except service.RegistrationError as error:
            db.session.rollback()
            if error.code in ("no_lab", "closed"):
                return _error_page(404 if error.code == "no_lab" else 403, error.code)
            if error.code == "duplicate":
                # The same answer as for a new address, so the form tells a stranger nothing;
                # the address's owner gets an e-mail with the personal link once more.
                reminder = service.reminder(db.session, lab_id, applicant.email)
                _tell([reminder] if reminder else [])
                return redirect(url_for("registration.sent", lab_id=lab_id))
            field = form.email if error.code == "bad_email" else form.name
            field.errors = [str(ERROR_MESSAGES.get(error.code, ERROR_MESSAGES["bad_name"]))]
        else:
            db.session.commit()
            _tell(notices)
            return redirect(url_for("registration.sent", lab_id=lab_id))
    return render_template("registration/register.html", lab=lab, form=form)


@bp.get("/labs/<int:lab_id>/register/sent")
def sent(lab_id: int):
    """After the form: look for our e-mail. The same page whether the address was new or known."""
    lab = db.session.get(Lab, lab_id)
    if lab is None:
        return _error_page(404, "no_lab")
    return render_template("registration/sent.html", lab=lab)


def _registration_or_404(token: str) -> Registration:
    try:
        return service.find_by_token(db.session, token)
    except service.RegistrationError:
        abort(404)


@bp.route("/registration/<token>")
def mine(token: str):
    """The registrant's own page: their place or position, entering the lab, cancelling."""
    registration = _registration_or_404(token)
    lab = db.session.get(Lab, registration.lab_id)
    return render_template(
        "registration/mine.html",
        registration=registration,
        lab=lab,
        position=service.position_in_line(db.session, registration),
        live=service.open_live_session(db.session, registration.lab_id),
        form=ConfirmForm(),
        Status=RegistrationStatus,
    )


@bp.route("/registration/<token>/cancel", methods=["POST"])
def cancel(token: str):
    registration = _registration_or_404(token)
    if ConfirmForm().validate_on_submit():
        notices = service.cancel(db.session, registration, utcnow())
        db.session.commit()
        _invite_ended(registration)
        _tell(notices)
        flash(_("Your registration is cancelled."), "info")
    return redirect(url_for("registration.mine", token=token))


def _invite_ended(registration: Registration) -> None:
    """A cancelled registration's invite is revoked: its socket closes now, on every process."""
    if registration.invite_id is not None:
        live_sessions.rights_changed(RightsChange.invite(registration.invite_id))


@bp.route("/registration/<token>/enter", methods=["POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"])
def enter(token: str):
    """An accepted registrant enters the lab's live session under their name, without an account.
    :raise 403: for a waiting or cancelled registration"""
    registration = _registration_or_404(token)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("registration.mine", token=token))
    try:
        auth, board_id = service.enter(
            db.session, registration, current_app.permanent_session_lifetime, utcnow()
        )
    except service.RegistrationError as error:
        db.session.rollback()
        if error.code == "not_accepted":
            abort(403)
        flash(_("The lab has not started yet: come back at the time of the meeting."), "info")
        return redirect(url_for("registration.mine", token=token))
    db.session.commit()
    start_session(auth)
    return redirect(url_for("boards.show", board_id=board_id))


# --- the organizer -------------------------------------------------------------------------------


def _lab_for_organizer(lab_id: int) -> Lab:
    """The lab, for whoever manages labs. :raise 404: :raise 403:"""
    who = require_user()
    if not policy.can_manage_labs(who):
        abort(403)
    lab = db.session.get(Lab, lab_id)
    if lab is None:
        abort(404)
    return lab


@bp.route("/labs/<int:lab_id>/registrations")
def desk(lab_id: int):
    lab = _lab_for_organizer(lab_id)
    return _desk_page(lab, PlacesForm())


def _desk_page(lab: Lab, places_form: PlacesForm, status: int = 200):
    registrations = service.registrations_of(db.session, lab.id)
    line = service.waiting_line(db.session, lab.id)
    desk = service.desk_of(db.session, lab.id)
    if desk is not None and not places_form.places.raw_data:
        places_form.places.data = desk.places
    return (
        render_template(
            "registration/desk.html",
            lab=lab,
            desk=desk,
            accepted=[r for r in registrations if r.status == RegistrationStatus.ACCEPTED],
            waiting=line,
            cancelled=[r for r in registrations if r.status == RegistrationStatus.CANCELLED],
            counts=service.counts(registrations),
            places_form=places_form,
            form=ConfirmForm(),
        ),
        status,
    )


@bp.route("/labs/<int:lab_id>/registrations/places", methods=["POST"])
def set_places(lab_id: int):
    """Open registration with this many places, or change them (more places admit the line)."""
    lab = _lab_for_organizer(lab_id)
    form = PlacesForm()
    if not form.validate_on_submit():
        return _desk_page(lab, form, 400)
    desk = service.desk_of(db.session, lab.id)
    try:
        if desk is None or not desk.is_open:
            notices = service.open_registration(db.session, lab.id, form.places.data, utcnow())
        else:
            notices = service.set_places(db.session, desk, form.places.data, utcnow())
    except service.RegistrationError as error:
        db.session.rollback()
        form.places.errors = [str(ERROR_MESSAGES[error.code])]
        return _desk_page(lab, form, 400)
    db.session.commit()
    _tell(notices)
    flash(_("Registration is open with %(places)d places.", places=form.places.data), "info")
    return redirect(url_for("registration.desk", lab_id=lab.id))


@bp.route("/labs/<int:lab_id>/registrations/close", methods=["POST"])
def close(lab_id: int):
    lab = _lab_for_organizer(lab_id)
    desk = service.desk_of(db.session, lab.id)
    if ConfirmForm().validate_on_submit() and desk is not None:
        service.close_registration(db.session, desk)
        db.session.commit()
        flash(_("Registration is closed."), "info")
    return redirect(url_for("registration.desk", lab_id=lab.id))


@bp.route("/labs/<int:lab_id>/registrations/<int:registration_id>/remove", methods=["POST"])
def remove(lab_id: int, registration_id: int):
    lab = _lab_for_organizer(lab_id)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.lab_id != lab.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        notices = service.cancel(db.session, registration, utcnow(), by_organizer=True)
        db.session.commit()
        _invite_ended(registration)
        _tell(notices)
        flash(_("Registration removed."), "info")
    return redirect(url_for("registration.desk", lab_id=lab.id))


@bp.route("/labs/<int:lab_id>/registrations.csv")
def registrations_csv(lab_id: int):
    lab = _lab_for_organizer(lab_id)
    line = service.waiting_line(db.session, lab.id)
    positions = {r.id: number for number, r in enumerate(line, start=1)}
    body = export_registrations(service.registrations_of(db.session, lab.id), positions)
    return download(body, "text/csv; charset=utf-8", f"iscrizioni-lab-{lab.id}.csv")
