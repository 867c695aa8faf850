"""The practice library's forms (materials, attachments, case histories), their labels, and
how a form becomes the catalogue's fields. The routes are in library.py."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from workshop.library import catalogue, files
from workshop.models import MaterialKind
from workshop.models.library import (
    MAX_CASE_TEXT_CHARS,
    MAX_ISSUER_CHARS,
    MAX_MATERIAL_DESCRIPTION_CHARS,
    MAX_MATERIAL_TITLE_CHARS,
    MAX_URL_CHARS,
)
from workshop.web.forms import strip_whitespace

KIND_LABELS = {
    MaterialKind.NORMATIVE: _l("Normative"),
    MaterialKind.ADMINISTRATIVE: _l("Administrative"),
    MaterialKind.METHODOLOGICAL: _l("Methodological"),
}
KIND_HINTS = {
    MaterialKind.NORMATIVE: _l("Laws, regulations, rulings"),
    MaterialKind.ADMINISTRATIVE: _l("Calls (avvisi), conventions, minutes: templates and examples"),
    MaterialKind.METHODOLOGICAL: _l("Method guides, toolkits, canvases"),
}
LANGUAGE_LABELS = {
    "it": _l("Italian"),
    "en": _l("English"),
    "fr": _l("French"),
    "de": _l("German"),
    "es": _l("Spanish"),
    "other": _l("Other language"),
}
BAD_FILE_MESSAGES = {
    "unknown_type": _l("Choose a PDF, DOCX, ODT, XLSX, ODS, CSV, TXT, PNG or JPEG file."),
    "empty": _l("The file is empty."),
    "too_large": _l("The file is larger than %(size)s MB."),
    "content_mismatch": _l(
        "The file's content is not what its extension says: it is not a %(type)s file."
    ),
}

# --- forms --------------------------------------------------------------------------------------


class MaterialForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=MAX_MATERIAL_TITLE_CHARS)],
    )
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=MAX_MATERIAL_DESCRIPTION_CHARS)]
    )
    issuer = StringField(
        _l("Issued by"),
        description=_l("The body that issued it: a ministry, a region, a municipality, a network."),
        validators=[Optional(), Length(max=MAX_ISSUER_CHARS)],
    )
    issued = StringField(
        _l("Year or date"),
        description=_l("A year (2017) or a date (2017-07-03 or 3/7/2017)."),
        validators=[Optional(), Length(max=20)],
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, label) for code, label in LANGUAGE_LABELS.items()],
        default="it",
    )
    tags = StringField(
        _l("Tags"),
        description=_l("Separated by commas, for example: art. 55, co-design, housing."),
        validators=[Optional(), Length(max=600)],
    )
    file = FileField(
        _l("File"),
        description=_l(
            "PDF, DOCX, ODT, XLSX, ODS, CSV, TXT, PNG or JPEG, up to %(size)s MB.",
            size=files.MAX_MATERIAL_BYTES // 2**20,
        ),
    )
    url = StringField(
        _l("Or a web address"),
        description=_l(
            "Instead of a file: a page of the Gazzetta Ufficiale, of a region, of a network."
        ),
        validators=[Optional(), Length(max=MAX_URL_CHARS)],
    )


class AttachProjectForm(FlaskForm):
    project_id = SelectField(_l("Project"), coerce=int, choices=[])


class AttachLabForm(FlaskForm):
    lab_id = SelectField(_l("Lab"), coerce=int, choices=[])


class CaseForm(FlaskForm):
    title = StringField(
        _l("Title of the case history"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=MAX_MATERIAL_TITLE_CHARS)],
    )
    context = TextAreaField(_l("Context"), validators=[Optional(), Length(max=MAX_CASE_TEXT_CHARS)])
    what_was_done = TextAreaField(
        _l("What was done"), validators=[Optional(), Length(max=MAX_CASE_TEXT_CHARS)]
    )
    results = TextAreaField(_l("Results"), validators=[Optional(), Length(max=MAX_CASE_TEXT_CHARS)])
    lessons = TextAreaField(
        _l("Lessons learned"), validators=[Optional(), Length(max=MAX_CASE_TEXT_CHARS)]
    )
    boards = SelectMultipleField(
        _l("Boards to share, as they are now"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )


def fields_from(form: MaterialForm) -> catalogue.MaterialFields:
    """The form's fields for the catalogue. Raises BadRequest naming the field."""
    year, when = catalogue.parse_issued(form.issued.data or "", date.today())
    url = (form.url.data or "").strip()
    return catalogue.MaterialFields(
        title=form.title.data,
        kind=MaterialKind(form.kind.data),
        description=form.description.data or "",
        issuer=form.issuer.data or "",
        issued_year=year,
        issued_on=when,
        language=form.language.data,
        tags=catalogue.parse_tags(form.tags.data or ""),
        url=catalogue.check_url(url) if url else None,
    )


def checked_upload(form: MaterialForm) -> files.CheckedFile | None:
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    # One byte more than the cap tells "too large" without reading a huge body into memory.
    data = upload.read(files.MAX_MATERIAL_BYTES + 1)
    return files.check_upload(upload.filename, data)


def bad_file_message(error: files.BadFile, name: str) -> str:
    message = BAD_FILE_MESSAGES[error.reason]
    if error.reason == "too_large":
        return str(message) % {"size": files.MAX_MATERIAL_BYTES // 2**20}
    if error.reason == "content_mismatch":
        claimed = files.extension_type(files.clean_file_name(name))
        return str(message) % {"type": files.FILE_TYPES[claimed].label}
    return str(message)


FIELD_MESSAGES = {
    "issued": _l(
        "Write a year (2017) or a date (2017-07-03 or 3/7/2017), between 1800 and a few years from now."
    ),
    "tags": _l("At most 12 tags, each of at most 40 characters."),
    "url": _l("Write a web address starting with https:// or http://."),
}
