"""Forms (Flask-WTF: CSRF on every one), labels in the catalogues."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,  # the verbale: held online
    DateField,  # the report period, the agreement date (issue 16)
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

from workshop import numbers
from workshop.models.access import (
    MAX_DISPLAY_NAME_CHARS,
    MAX_INVITE_LABEL_CHARS,
    MAX_PARTICIPANT_ORGANISATION_CHARS,
    MAX_PARTICIPANT_ROLE_CHARS,
)
from workshop.models.board import MAX_BOARD_TITLE_CHARS
from workshop.models.project import (
    CUP_CHARS,
    INSTRUMENTS,
    MAX_LONG_TEXT_CHARS,
    MAX_SHORT_TEXT_CHARS,
    MAX_TITLE_CHARS,
    ProjectStatus,
)  # issue 16: the record's instrument and CUP
from workshop.models.user import MAX_EMAIL_CHARS, MAX_NAME_CHARS, MIN_PASSWORD_CHARS
from workshop.projects.catalogue import THIRD_SECTOR_TYPES

MAX_PASSWORD_CHARS = 200
MAX_MONEY_EUR = 10**12
EURO_DECIMALS = numbers.EURO_DECIMALS


def strip_whitespace(value):
    """A filter: "   " becomes "", so DataRequired refuses a title of spaces."""
    return value.strip() if isinstance(value, str) else value


def parse_euros(text: str) -> Decimal:
    """An amount as people write it (workshop.numbers): "120000,50", "120.000,50", "€ 120.000",
    "120000.50". Raises ValueError (NumberError) for anything else, "1.234" included."""
    return numbers.parse_euros(text)


def number_error_message(error: numbers.NumberError) -> str:
    """What a person reads when a number or an amount they typed cannot be read."""
    if error.code == "ambiguous":
        return _(
            '"%(text)s" can be read two ways: is the dot a thousands separator or the decimal '
            "point? Write it without the dot (1234), or with a comma before the decimals "
            "(1.234,00 or 1,234).",
            text=error.text.strip(),
        )
    if error.code == "decimals":
        return _("In euros, with at most two decimals (for example 120.000,50).")
    return _("Write an amount in euros, for example 120.000,50 or 120000,50.")


class EuroField(DecimalField):
    """An amount in euros, read by parse_euros; empty means "not filled in yet".

    A text field (inputmode decimal), never <input type=number>: a browser in Italian sends
    "120000,50" from a number field as 12000050, or nothing at all."""

    widget = widgets.TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_euros(valuelist[0])
        except numbers.NumberError as error:
            self.data = None
            raise ValueError(number_error_message(error)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        lang = str(get_locale() or "it")[:2]
        return numbers.format_number(self.data, numbers.EURO_DECIMALS, lang)


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


INSTRUMENT_LABELS = {
    "co_programming": _l("Co-programming (art. 55 CTS)"),
    "co_design": _l("Co-design (art. 55 CTS)"),
    "co_programming_and_design": _l("Co-programming and co-design (art. 55 CTS)"),
    "agreement_art56": _l("Agreement (art. 56 CTS)"),
}


class TagsField(StringField):
    """Tags written as "a, b, c"; the data is the list, without empties or repeats."""

    MAX_TAGS = 20
    MAX_TAG_CHARS = 60

    def _value(self) -> str:
        return ", ".join(self.data or [])

    def process_formdata(self, valuelist) -> None:
        tags: list[str] = []
        for raw in (valuelist[0] if valuelist else "").split(","):
            tag = " ".join(raw.split())[: self.MAX_TAG_CHARS]
            if tag and tag.lower() not in (t.lower() for t in tags):
                tags.append(tag)
        if len(tags) > self.MAX_TAGS:
            raise ValueError(_l("At most 20 tags."))
        self.data = tags


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
    public_resources_monetary = _long(_l("Public resources, monetary: details"))
    public_resources_in_kind = _long(_l("Public resources, non-monetary"))
    third_sector_cofunding = _long(_l("Third Sector co-funding: details"))
    procedure_steps = _long(_l("Steps of the procedure"))
    table_coordination = _long(_l("Who coordinates the co-design table"))
    participant_selection = _long(_l("How participants are chosen"))
    conflict_handling = _long(_l("How conflicts are handled"))
    strengths = _long(_l("Strengths"))
    weaknesses = _long(_l("Weaknesses"))
    # The rest of the seed-004 record (issue 16).
    rup = _short(_l("Head of the procedure (RUP)"))
    political_act = _short(_l("Political act"))
    cup = StringField(
        _l("CUP (project code)"),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=CUP_CHARS)],
    )
    instrument = SelectField(
        _l("Instrument"),
        choices=[SelectChoice("", _l("Not said yet"))]
        + [SelectChoice(code, INSTRUMENT_LABELS[code]) for code in INSTRUMENTS],
        default="",
    )
    scheme_general_objective = _long(_l("General objective of the administration's project"))
    scheme_specific_objectives = _long(
        _l("Specific objectives of the administration's project, with their operative content")
    )
    public_in_kind_eur = _money(_l("Public resources, non-monetary, valued (EUR)"))
    agreement_date = DateField(_l("Agreement signed on"), validators=[Optional()])
    agreement_number = _short(_l("Agreement number"))
    agreement_duration = _short(_l("Agreement duration"))
    strength_tags = TagsField(_l("Tags of the strengths"))
    weakness_tags = TagsField(_l("Tags of the weaknesses"))


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


class ReportPeriodForm(FlaskForm):
    """The period a social report covers (from, to)."""

    period_from = DateField(_l("From"), validators=[InputRequired()])
    period_to = DateField(_l("To"), validators=[InputRequired()])


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


# --- the verbale of a meeting (issue 17: docs/verbale.md) ---------------------------------------


class VerbaleForm(FlaskForm):
    """What the organizers write on the verbale; the rest is read from the sessions."""

    place = StringField(_l("Place"), filters=[strip_whitespace], validators=[Length(max=200)])
    online = BooleanField(_l("Held online (or partly online)"))
    agenda = TextAreaField(_l("Agenda (one item per line)"), validators=[Length(max=10_000)])
    chair = StringField(_l("Chair"), filters=[strip_whitespace], validators=[Length(max=200)])
    minute_taker = StringField(
        _l("Minute-taker"), filters=[strip_whitespace], validators=[Length(max=200)]
    )
    next_steps = TextAreaField(_l("Next steps (one per line)"), validators=[Length(max=10_000)])
    next_meeting = TextAreaField(_l("Next meeting"), validators=[Length(max=10_000)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=10_000)])


class VerbaleSendForm(FlaskForm):
    """Send the verbale to the attendees for comments, until a date."""

    until = DateField(_l("Comments until"), validators=[InputRequired()])


class VerbaleCorrectForm(FlaskForm):
    """A correction of an approved verbale: a new version, with its reason."""

    reason = TextAreaField(
        _l("Why it is corrected"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=10_000)],
    )


class VerbaleCommentForm(FlaskForm):
    """An attendee's comment, through their personal link."""

    text = TextAreaField(
        _l("Your comment"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=5_000)],
    )
