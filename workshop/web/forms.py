"""Forms (Flask-WTF: CSRF on every one), labels in the catalogues."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from workshop.models.access import MAX_DISPLAY_NAME_CHARS, MAX_INVITE_LABEL_CHARS
from workshop.models.board import MAX_BOARD_TITLE_CHARS
from workshop.models.project import MAX_LONG_TEXT_CHARS, MAX_SHORT_TEXT_CHARS, MAX_TITLE_CHARS
from workshop.models.user import MAX_EMAIL_CHARS, MAX_NAME_CHARS, MIN_PASSWORD_CHARS
from workshop.projects.catalogue import THIRD_SECTOR_TYPES

MAX_PASSWORD_CHARS = 200
MAX_MONEY_EUR = 10**12


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=MAX_EMAIL_CHARS)])
    password = PasswordField(
        _l("Password"), validators=[InputRequired(), Length(max=MAX_PASSWORD_CHARS)]
    )


class JoinCodeForm(FlaskForm):
    code = StringField(_l("Join code"), validators=[InputRequired(), Length(max=20)])


class JoinNameForm(FlaskForm):
    display_name = StringField(
        _l("Your name, as others will see it"),
        validators=[InputRequired(), Length(max=MAX_DISPLAY_NAME_CHARS)],
    )


class EmptyForm(FlaskForm):
    """A button that changes something: only its CSRF token is checked."""


class LanguageForm(FlaskForm):
    lang = SelectField(choices=[SelectChoice("it", "Italiano"), SelectChoice("en", "English")])


def _short(label):
    return StringField(label, validators=[Optional(), Length(max=MAX_SHORT_TEXT_CHARS)])


def _long(label, description=None):
    return TextAreaField(
        label, description=description, validators=[Optional(), Length(max=MAX_LONG_TEXT_CHARS)]
    )


def _money(label):
    return DecimalField(
        label, places=2, validators=[Optional(), NumberRange(min=0, max=MAX_MONEY_EUR)]
    )


class ProjectForm(FlaskForm):
    """The case-history record of a co-design initiative."""

    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=MAX_TITLE_CHARS)])
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("draft", _l("Draft")),
            SelectChoice("active", _l("Active")),
            SelectChoice("closed", _l("Closed")),
        ],
    )
    notice_name = _short(_l("Public notice (avviso)"))
    notice_act = _short(_l("Act approving the notice"))
    proposing_body = _short(_l("Proposing body"))
    territory = _short(_l("Territory (ambito)"))
    third_sector_types = SelectMultipleField(
        _l("Third Sector bodies involved"),
        choices=[SelectChoice(code) for code in THIRD_SECTOR_TYPES],  # labels filled per request
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    motivation = _long(_l("Why co-programming or co-design"))
    requested_activities = _long(_l("Activities asked for"))
    public_resources_eur = _money(_l("Public resources, monetary (EUR)"))
    public_resources_monetary = _long(_l("Public resources, monetary: details"))
    public_resources_in_kind = _long(_l("Public resources, non-monetary"))
    third_sector_cofunding_eur = _money(_l("Third Sector co-funding (EUR)"))
    third_sector_cofunding = _long(_l("Third Sector co-funding: details"))
    procedure_steps = _long(_l("Steps of the procedure"))
    table_coordination = _long(_l("Who coordinates the co-design table"))
    participant_selection = _long(_l("How participants are chosen"))
    conflict_handling = _long(_l("How conflicts are handled"))
    strengths = _long(_l("Strengths"))
    weaknesses = _long(_l("Weaknesses"))


class FreeBoardForm(FlaskForm):
    title = StringField(
        _l("Title of the new board"), validators=[InputRequired(), Length(max=MAX_BOARD_TITLE_CHARS)]
    )


class InviteForm(FlaskForm):
    label = StringField(_l("Label (who is it for?)"), validators=[Optional(), Length(max=MAX_INVITE_LABEL_CHARS)])
    board_id = SelectField(_l("Boards"), coerce=int, choices=[])
    role = SelectField(
        _l("They can"),
        choices=[
            SelectChoice("participant", _l("write on the boards")),
            SelectChoice("observer", _l("only watch")),
        ],
    )


class ConductorForm(FlaskForm):
    user_id = SelectField(_l("Conductor"), coerce=int, choices=[])


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=MAX_NAME_CHARS)])
    email = EmailField(
        _l("E-mail"),
        validators=[InputRequired(), Email(check_deliverability=False), Length(max=MAX_EMAIL_CHARS)],
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("conductor", _l("Conductor")), SelectChoice("organizer", _l("Organizer"))],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(), Length(min=MIN_PASSWORD_CHARS, max=MAX_PASSWORD_CHARS)],
    )
