"""Forms (Flask-WTF: CSRF on every one), labels in the catalogues."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
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
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from workshop.models.access import (
    MAX_DISPLAY_NAME_CHARS,
    MAX_INVITE_LABEL_CHARS,
    MAX_PARTICIPANT_ORGANISATION_CHARS,
    MAX_PARTICIPANT_ROLE_CHARS,
)
from workshop.models.board import MAX_BOARD_TITLE_CHARS
from workshop.models.project import (
    MAX_LONG_TEXT_CHARS,
    MAX_SHORT_TEXT_CHARS,
    MAX_TITLE_CHARS,
    ProjectStatus,
)
from workshop.models.user import MAX_EMAIL_CHARS, MAX_NAME_CHARS, MIN_PASSWORD_CHARS
from workshop.projects.catalogue import THIRD_SECTOR_TYPES

MAX_PASSWORD_CHARS = 200
MAX_MONEY_EUR = 10**12
EURO_DECIMALS = 2
# "480.000" and "1.250.000": dots that group thousands, the Italian way.
ITALIAN_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


def strip_whitespace(value):
    """A filter: "   " becomes "", so DataRequired refuses a title of spaces."""
    return value.strip() if isinstance(value, str) else value


def parse_euros(text: str) -> Decimal:
    """An amount as people write it: "480000.50", "480.000,50", "480000,5", "€ 1 250".

    A comma is the decimal separator and dots then group thousands; without a comma, dots
    followed by groups of three digits group thousands too (no amount has three decimals).
    Raises ValueError for anything else, for NaN and infinities, and for more than two decimals.
    """
    cleaned = re.sub(r"[\s\u00a0\u202f€]|EUR", "", text, flags=re.IGNORECASE)
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".", 1)
    elif ITALIAN_THOUSANDS.fullmatch(cleaned.lstrip("+-")):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", cleaned):
        raise ValueError(text)
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if amount.as_tuple().exponent < -EURO_DECIMALS:
        raise ValueError(text)
    return amount.quantize(Decimal(1).scaleb(-EURO_DECIMALS))


class EuroField(DecimalField):
    """An amount in euros, read by parse_euros; empty means "not filled in yet"."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_euros(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(
                _l("In euros. Write only the number, with up to two decimals.")
            ) from None


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
    # Optional: for the attendance sheet an office keeps (organisation and role, as registration).
    organisation = StringField(
        _l("Organisation (optional)"),
        filters=[strip_whitespace],
        validators=[Length(max=MAX_PARTICIPANT_ORGANISATION_CHARS)],
    )
    role = StringField(
        _l("Role (optional)"),
        filters=[strip_whitespace],
        validators=[Length(max=MAX_PARTICIPANT_ROLE_CHARS)],
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
    return EuroField(
        label, places=EURO_DECIMALS, validators=[Optional(), NumberRange(min=0, max=MAX_MONEY_EUR)]
    )


def _required_text(label, max_chars):
    return StringField(
        label, filters=[strip_whitespace], validators=[DataRequired(), Length(max=max_chars)]
    )


class ProjectForm(FlaskForm):
    """The case-history record of a co-design initiative."""

    title = _required_text(_l("Title"), MAX_TITLE_CHARS)
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("draft", _l("Draft")),
            SelectChoice("active", _l("Active")),
            SelectChoice("closed", _l("Closed")),
        ],
        # What a project created without a status gets (models.Project), so a new project's
        # form shows the status it will have.
        default=ProjectStatus.ACTIVE.value,
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
    title = _required_text(_l("Title of the new board"), MAX_BOARD_TITLE_CHARS)


class InviteForm(FlaskForm):
    label = StringField(
        _l("Label (who is it for?)"), validators=[Optional(), Length(max=MAX_INVITE_LABEL_CHARS)]
    )
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
    name = _required_text(_l("Name"), MAX_NAME_CHARS)
    email = EmailField(
        _l("E-mail"),
        validators=[
            InputRequired(),
            Email(check_deliverability=False),
            Length(max=MAX_EMAIL_CHARS),
        ],
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("conductor", _l("Conductor")),
            SelectChoice("organizer", _l("Organizer")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(), Length(min=MIN_PASSWORD_CHARS, max=MAX_PASSWORD_CHARS)],
    )


class ReportLinkForm(FlaskForm):
    """A public link to the social report, in the language the community reads."""

    lang = SelectField(
        _l("Language of the public page"),
        choices=[SelectChoice("it", "Italiano"), SelectChoice("en", "English")],
        default="it",
    )


class BoardImportForm(FlaskForm):
    """A board exported as JSON, to import as a new board of the project."""

    file = FileField(
        _l("Board exported as JSON"),
        validators=[
            FileRequired(),
            FileAllowed(["json"], _l("Choose a .json file exported from Tavolo.")),
        ],
    )


MAX_SNAPSHOT_NAME_CHARS = 200  # board_snapshots.name


class SnapshotForm(FlaskForm):
    """A named snapshot of a board, taken on demand."""

    name = StringField(
        _l("Name of the snapshot"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=MAX_SNAPSHOT_NAME_CHARS)],
    )
