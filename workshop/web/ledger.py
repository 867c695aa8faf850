"""The co-funding ledger page: a project's one budget, edited by whoever manages the project.

Short views: parse the form, authorise (get_project_or_abort), call workshop.ledger.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from workshop import ledger, numbers
from workshop.extensions import db
from workshop.models import Project
from workshop.models.ledger import MAX_LINE_DESCRIPTION_CHARS, MAX_VALUATION_BASIS_CHARS
from workshop.web.forms import EmptyForm, EuroField, strip_whitespace
from workshop.web.security import get_project_or_abort

bp = Blueprint("ledger", __name__, url_prefix="/projects/<int:project_id>/ledger")

CATEGORY_LABELS = {
    "personnel": _l("Staff (personale)"),
    "overheads": _l("Overheads (spese generali)"),
    "goods_services": _l("Goods and services"),
    "facilities": _l("Premises and facilities (strutture)"),
    "other": _l("Other"),
}
SOURCE_LABELS = {
    "public": _l("Public"),
    "third_sector": _l("Third Sector"),
    "private": _l("Private"),
}
RECORD_FIGURE_LABELS = {
    "public_resources_eur": _l("Public resources in the record"),
    "third_sector_cofunding_eur": _l("Third Sector co-funding in the record"),
}
ERROR_MESSAGES = {
    "unknown_partner": _l("Choose a partner from the project's stakeholder registry."),
    "unknown_choice": _l("Choose a cost category from the list."),
    "valuation_basis_required": _l(
        "A contribution in kind needs the basis of its valuation (for example: 2.500 hours × 16 € an hour)."  # noqa: E501
    ),
    "out_of_range": _l("The amount cannot be negative or larger than the ledger can hold."),
    "too_many_decimals": _l("In euros, with at most two decimals (for example 120.000,50)."),
    "too_long": _l("The text is too long."),
    "not_found": _l("That line is no longer in the ledger."),
    "already_in_ledger": _l("That budget line is already in the ledger."),
    "no_single_partner": _l("Choose the partner that gives this contribution."),
}
MAX_LINE_EUR = 10**12
OUT_OF_RANGE = ERROR_MESSAGES["out_of_range"]


@bp.app_template_filter("euros")
def euros_filter(amount) -> str:
    """120000.5 -> "120.000,50 €" in Italian, "€120,000.50" in English."""
    if amount is None:
        return ""
    return numbers.format_euros(Decimal(str(amount)), str(get_locale() or "it")[:2])


class LedgerLineForm(FlaskForm):
    actor_id = SelectField(_l("Partner"), choices=[], validators=[InputRequired()])
    category = SelectField(
        _l("Cost category"),
        choices=[SelectChoice(code, label) for code, label in CATEGORY_LABELS.items()],
        validators=[InputRequired()],
    )
    description = StringField(
        _l("What it is"),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=MAX_LINE_DESCRIPTION_CHARS)],
    )
    kind = RadioField(
        _l("Kind of contribution"),
        choices=[
            SelectChoice(ledger.MONETARY, _l("Money")),
            SelectChoice(ledger.IN_KIND, _l("In kind, valued in euros")),
        ],
        default=ledger.MONETARY,
        validators=[InputRequired()],
    )
    valuation_basis = TextAreaField(
        _l("Basis of the valuation (in kind only)"),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=MAX_VALUATION_BASIS_CHARS)],
    )
    planned_eur = EuroField(
        _l("Planned amount"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_LINE_EUR, message=OUT_OF_RANGE)],
    )
    reported_eur = EuroField(
        _l("Reported amount (after the project)"),
        validators=[Optional(), NumberRange(min=0, max=MAX_LINE_EUR, message=OUT_OF_RANGE)],
    )

    def fields_for_ledger(self) -> dict:
        return {
            "actor_id": self.actor_id.data,
            "category": self.category.data,
            "description": self.description.data or "",
            "in_kind": self.kind.data == ledger.IN_KIND,
            "valuation_basis": self.valuation_basis.data or "",
            "planned_eur": self.planned_eur.data,
            "reported_eur": self.reported_eur.data,
        }


class AdoptForm(FlaskForm):
    item_id = StringField(validators=[InputRequired(), Length(max=40)])
    actor_id = SelectField(_l("Partner"), choices=[], validators=[InputRequired()])
    category = SelectField(
        _l("Cost category"),
        choices=[SelectChoice(code, label) for code, label in CATEGORY_LABELS.items()],
        default="other",
    )


def _partner_choices(project: Project) -> list[tuple[str, str]]:
    return [
        (p.id, f"{p.name} ({SOURCE_LABELS[p.source_class]})")
        for p in ledger.partners(db.session, project.id).values()
    ]


def _line_form(project: Project, **kwargs) -> LedgerLineForm:
    form = LedgerLineForm(**kwargs)
    form.actor_id.choices = [("", _("Choose a partner…"))] + _partner_choices(project)
    return form


def _adopt_form(project: Project, **kwargs) -> AdoptForm:
    form = AdoptForm(**kwargs)
    form.actor_id.choices = _partner_choices(project)
    return form


def _page(project: Project, form: LedgerLineForm, editing=None, status: int = 200):
    whole = ledger.summary(db.session, project)
    return (
        render_template(
            "projects/ledger.html",
            project=project,
            summary=whole,
            form=form,
            editing=editing,
            adopt_form=_adopt_form(project),
            action_form=EmptyForm(),
            category_labels=CATEGORY_LABELS,
            source_labels=SOURCE_LABELS,
            record_figure_labels=RECORD_FIGURE_LABELS,
            has_partners=bool(form.actor_id.choices[1:]),
        ),
        status,
    )


def _refused(form, error: ledger.LedgerError) -> None:
    target = getattr(form, error.field or "", None)
    message = str(ERROR_MESSAGES.get(error.code, _("The line could not be saved.")))
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, message]
    else:
        flash(message, "error")


@bp.get("/")
def show(project_id: int):
    project = get_project_or_abort(project_id)
    return _page(project, _line_form(project))


@bp.get("/piano-economico.csv")
def csv_file(project_id: int):
    """The ledger for a spreadsheet (Italian CSV: `;`, BOM, decimal comma)."""
    from workshop.ledger.csv_export import ledger_csv
    from workshop.web.downloads import download

    project = get_project_or_abort(project_id)
    lang = str(get_locale() or "it")[:2]
    body = ledger_csv(ledger.lines(db.session, project.id), lang)
    name = "piano-economico.csv" if lang == "it" else "co-funding-ledger.csv"
    return download(body, "text/csv; charset=utf-8", name)


@bp.post("/")
def add(project_id: int):
    project = get_project_or_abort(project_id)
    form = _line_form(project)
    if not form.validate_on_submit():
        return _page(project, form, status=400)
    try:
        ledger.add_line(db.session, project.id, form.fields_for_ledger())
    except ledger.LedgerError as error:
        db.session.rollback()
        _refused(form, error)
        return _page(project, form, status=400)
    db.session.commit()
    flash(_("Line added to the ledger."), "info")
    return redirect(url_for("ledger.show", project_id=project.id, _anchor="lines"))


def _line_or_404(project: Project, line_id: int):
    line = next((x for x in ledger.lines(db.session, project.id) if x.id == line_id), None)
    if line is None:
        abort(404)
    return line


@bp.route("/<int:line_id>", methods=["GET", "POST"])
def edit(project_id: int, line_id: int):
    project = get_project_or_abort(project_id)
    line = _line_or_404(project, line_id)
    if request.method == "GET":
        form = _line_form(project, obj=line)
        form.kind.data = ledger.IN_KIND if line.in_kind else ledger.MONETARY
        return _page(project, form, editing=line)
    form = _line_form(project)
    if not form.validate_on_submit():
        return _page(project, form, editing=line, status=400)
    try:
        ledger.update_line(db.session, project.id, line.id, form.fields_for_ledger())
    except ledger.LedgerError as error:
        db.session.rollback()
        _refused(form, error)
        return _page(project, form, editing=line, status=400)
    db.session.commit()
    flash(_("Line saved."), "info")
    return redirect(url_for("ledger.show", project_id=project.id, _anchor="lines"))


@bp.post("/<int:line_id>/delete")
def delete(project_id: int, line_id: int):
    project = get_project_or_abort(project_id)
    line = _line_or_404(project, line_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    ledger.delete_line(db.session, project.id, line.id)
    db.session.commit()
    flash(_("Line deleted from the ledger."), "info")
    return redirect(url_for("ledger.show", project_id=project.id, _anchor="lines"))


@bp.post("/adopt")
def adopt(project_id: int):
    """A budget line of the proposal on the board, moved into the ledger under a partner."""
    project = get_project_or_abort(project_id)
    form = _adopt_form(project)
    if not form.validate_on_submit():
        flash(_("Choose the partner and the cost category of the budget line."), "error")
        return redirect(url_for("ledger.show", project_id=project.id, _anchor="aside"))
    try:
        ledger.adopt_budget_line(
            db.session, project.id, form.item_id.data, form.actor_id.data, form.category.data
        )
    except ledger.LedgerError as error:
        db.session.rollback()
        flash(str(ERROR_MESSAGES.get(error.code, _("The line could not be saved."))), "error")
        return redirect(url_for("ledger.show", project_id=project.id, _anchor="aside"))
    db.session.commit()
    flash(_("The budget line is now in the ledger."), "info")
    return redirect(url_for("ledger.show", project_id=project.id, _anchor="aside"))


@bp.post("/clear-record-figures")
def clear_record_figures(project_id: int):
    """The ledger is right: the record's old totals, shown beside it, are cleared (a person
    decided, after reading the difference; nothing else clears them)."""
    project = get_project_or_abort(project_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    project.public_resources_eur = None
    project.third_sector_cofunding_eur = None
    db.session.commit()
    flash(_("The record's old totals were cleared: the record now shows the ledger's."), "info")
    return redirect(url_for("ledger.show", project_id=project.id))
