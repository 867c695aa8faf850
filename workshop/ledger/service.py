"""Reading and writing the co-funding ledger; totals by source class, partner and category.

Amounts are Decimal euros with two decimals throughout; nothing is summed as float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards import service as boards
from workshop.ledger.rules import (
    CATEGORIES,
    MAX_LINE_EUR,
    SOURCE_CLASSES,
    match_partner,
    source_class,
)
from workshop.models.ledger import (
    MAX_ACTOR_NAME_CHARS,
    MAX_LINE_DESCRIPTION_CHARS,
    MAX_VALUATION_BASIS_CHARS,
    LedgerLine,
)
from workshop.models.project import Project

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
STAKEHOLDER_BOARD = "stakeholders"
BUDGET_LINE_ORIGIN = "budget_line:"
# The record's two old totals and the source class each one counted.
RECORD_FIGURES = (
    ("public_resources_eur", "public"),
    ("third_sector_cofunding_eur", "third_sector"),
)


class LedgerError(ValueError):
    """Bad input for a line: `code` names the problem, `field` the field. Nothing was changed."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(f"{code}: {field}" if field else code)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class Partner:
    """An actor of the project's stakeholder registry, as the ledger sees it."""

    id: str
    name: str
    macro_type: str
    sub_type: str
    runts: bool

    @property
    def source_class(self) -> str:
        return source_class(self.macro_type, self.sub_type)


def partners(session: Session, project_id: int) -> dict[str, Partner]:
    """Every actor of the project's registry (the session-2 board), by id, in name order."""
    items = boards.project_board_items(session, project_id, STAKEHOLDER_BOARD)
    found = [
        Partner(
            it.id,
            (it.fields.get("name") or "").strip() or it.id,
            it.fields.get("macro_type") or "",
            it.fields.get("sub_type") or "",
            bool(it.fields.get("runts")),
        )
        for it in items.values()
        if it.type == "actor"
    ]
    return {p.id: p for p in sorted(found, key=lambda p: p.name.casefold())}


# --- writing ----------------------------------------------------------------------------------


def _money(value: Any, name: str, *, required: bool) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise LedgerError("required", name)
        return None
    if isinstance(value, float) or not isinstance(value, (Decimal, int)):
        raise LedgerError("not_an_amount", name)  # floats lose cents: callers parse text to Decimal
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0 or amount > MAX_LINE_EUR:
        raise LedgerError("out_of_range", name)
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(CENT):
        raise LedgerError("too_many_decimals", name)
    return amount.quantize(CENT)


def _text(fields: Mapping[str, Any], name: str, limit: int) -> str:
    text = " ".join(str(fields.get(name) or "").split())
    if len(text) > limit:
        raise LedgerError("too_long", name)
    return text


def _checked(fields: Mapping[str, Any], known: Mapping[str, Partner]) -> dict[str, Any]:
    """The line's stored columns from what a person gave, or LedgerError."""
    allowed = {
        "actor_id",
        "category",
        "description",
        "in_kind",
        "valuation_basis",
        "planned_eur",
        "reported_eur",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise LedgerError("unknown_field", sorted(unknown)[0])
    partner = known.get(str(fields.get("actor_id") or ""))
    if partner is None:
        raise LedgerError("unknown_partner", "actor_id")
    category = fields.get("category")
    if category not in CATEGORIES:
        raise LedgerError("unknown_choice", "category")
    in_kind = bool(fields.get("in_kind"))
    basis = _text(fields, "valuation_basis", MAX_VALUATION_BASIS_CHARS)
    if in_kind and not basis:
        raise LedgerError("valuation_basis_required", "valuation_basis")
    return {
        "actor_id": partner.id,
        "actor_name": partner.name[:MAX_ACTOR_NAME_CHARS],
        "actor_macro_type": partner.macro_type,
        "actor_sub_type": partner.sub_type,
        "source_class": partner.source_class,
        "runts": partner.runts,
        "category": category,
        "description": _text(fields, "description", MAX_LINE_DESCRIPTION_CHARS),
        "in_kind": in_kind,
        "valuation_basis": basis if in_kind else "",
        "planned_eur": _money(fields.get("planned_eur"), "planned_eur", required=True),
        "reported_eur": _money(fields.get("reported_eur"), "reported_eur", required=False),
    }


def add_line(
    session: Session, project_id: int, fields: Mapping[str, Any], *, origin: str = ""
) -> LedgerLine:
    """A new line. `fields`: actor_id, category, description, in_kind, valuation_basis,
    planned_eur (Decimal), reported_eur (Decimal or None). Raises LedgerError."""
    values = _checked(fields, partners(session, project_id))
    last = session.scalar(
        sa.select(sa.func.max(LedgerLine.position)).where(LedgerLine.project_id == project_id)
    )
    line = LedgerLine(project_id=project_id, origin=origin, position=(last or 0) + 1, **values)
    session.add(line)
    session.flush()
    return line


def _line(session: Session, project_id: int, line_id: int) -> LedgerLine:
    line = session.get(LedgerLine, line_id)
    if line is None or line.project_id != project_id:  # another project's line is not found
        raise LedgerError("not_found", "line")
    return line


def update_line(
    session: Session, project_id: int, line_id: int, fields: Mapping[str, Any]
) -> LedgerLine:
    """Rewrite a line of this project with the same fields as add_line."""
    line = _line(session, project_id, line_id)
    values = _checked(fields, partners(session, project_id))
    for name, value in values.items():
        setattr(line, name, value)
    session.flush()
    return line


def delete_line(session: Session, project_id: int, line_id: int) -> None:
    session.delete(_line(session, project_id, line_id))
    session.flush()


# --- reading ----------------------------------------------------------------------------------


def lines(
    session: Session, project_id: int, *, registry: Mapping[str, Partner] | None = None
) -> list[LedgerLine]:
    """The project's lines in their order. A partner renamed or retyped in the registry since a
    line was written updates the line's name, type, source class and RUNTS flag (in the session:
    a caller that commits keeps them); a partner since removed keeps the line as it was."""
    found = list(
        session.scalars(
            sa.select(LedgerLine)
            .where(LedgerLine.project_id == project_id)
            .order_by(LedgerLine.position, LedgerLine.id)
        )
    )
    registry = partners(session, project_id) if registry is None else registry
    for line in found:
        partner = registry.get(line.actor_id)
        if partner is None:
            continue
        current = {
            "actor_name": partner.name[:MAX_ACTOR_NAME_CHARS],
            "actor_macro_type": partner.macro_type,
            "actor_sub_type": partner.sub_type,
            "source_class": partner.source_class,
            "runts": partner.runts,
        }
        for name, value in current.items():
            if getattr(line, name) != value:
                setattr(line, name, value)
    return found


@dataclass
class SourceTotal:
    source_class: str
    planned: Decimal = ZERO
    reported: Decimal = ZERO
    planned_monetary: Decimal = ZERO
    planned_in_kind: Decimal = ZERO


@dataclass
class PartnerTotal:
    actor_id: str
    name: str
    source_class: str
    runts: bool
    planned: Decimal = ZERO
    reported: Decimal = ZERO
    planned_in_kind: Decimal = ZERO
    share: Decimal = ZERO  # of the whole planned budget, 0..1

    @property
    def share_percent(self) -> Decimal:
        """The co-funding share in percent, one decimal (38,3 %)."""
        return (self.share * 100).quantize(Decimal("0.1"))


@dataclass
class CategoryTotal:
    category: str
    planned: Decimal = ZERO
    reported: Decimal = ZERO


def totals_by_source(found: Iterable[LedgerLine]) -> dict[str, SourceTotal]:
    """Public, Third Sector and private totals, always all three (zero when none)."""
    totals = {s: SourceTotal(s) for s in SOURCE_CLASSES}
    for line in found:
        total = totals[line.source_class]
        total.planned += line.planned_eur
        total.reported += line.reported_eur or ZERO
        if line.in_kind:
            total.planned_in_kind += line.planned_eur
        else:
            total.planned_monetary += line.planned_eur
    return totals


def totals_by_partner(found: Iterable[LedgerLine]) -> list[PartnerTotal]:
    """One total per partner, largest first, each with its share of the planned budget."""
    found = list(found)
    by_actor: dict[str, PartnerTotal] = {}
    for line in found:
        total = by_actor.setdefault(
            line.actor_id,
            PartnerTotal(line.actor_id, line.actor_name, line.source_class, line.runts),
        )
        total.planned += line.planned_eur
        total.reported += line.reported_eur or ZERO
        if line.in_kind:
            total.planned_in_kind += line.planned_eur
    whole = sum((line.planned_eur for line in found), ZERO)
    for total in by_actor.values():
        total.share = total.planned / whole if whole else ZERO
    return sorted(by_actor.values(), key=lambda t: (-t.planned, t.name.casefold()))


def totals_by_category(found: Iterable[LedgerLine]) -> dict[str, CategoryTotal]:
    totals = {c: CategoryTotal(c) for c in CATEGORIES}
    for line in found:
        totals[line.category].planned += line.planned_eur
        totals[line.category].reported += line.reported_eur or ZERO
    return totals


# --- what is beside the ledger: old figures not (yet) in it -----------------------------------


@dataclass(frozen=True)
class RecordFigure:
    """A total typed into the record before the ledger, that the ledger does not reach."""

    field: str  # public_resources_eur or third_sector_cofunding_eur
    source_class: str
    record: Decimal
    ledger: Decimal

    @property
    def difference(self) -> Decimal:
        return self.record - self.ledger


@dataclass(frozen=True)
class AsideBudgetLine:
    """A line of the proposal's budget on the board that names no partner and is not in the
    ledger: shown beside it until someone assigns it to a partner (adopt_budget_line)."""

    item_id: str
    description: str
    source: str
    amount: Decimal
    in_kind: bool


@dataclass
class Reconciliation:
    record_figures: list[RecordFigure] = field(default_factory=list)
    budget_lines: list[AsideBudgetLine] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.record_figures and not self.budget_lines


def _as_money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def reconcile(session: Session, project: Project, found: Iterable[LedgerLine]) -> Reconciliation:
    """The record's old totals that differ from the ledger, and the board's budget lines the
    ledger does not hold: nothing typed before the ledger is dropped without a word."""
    found = list(found)
    by_source = totals_by_source(found)
    result = Reconciliation()
    for name, source in RECORD_FIGURES:
        figure = getattr(project, name)
        if figure is not None and figure != by_source[source].planned:
            result.record_figures.append(
                RecordFigure(name, source, figure, by_source[source].planned)
            )
    adopted = {
        line.origin[len(BUDGET_LINE_ORIGIN) :]
        for line in found
        if line.origin.startswith(BUDGET_LINE_ORIGIN)
    }
    items = boards.project_board_items(session, project.id, STAKEHOLDER_BOARD)
    for item in sorted(items.values(), key=lambda it: it.created_seq):
        if item.type != "budget_line" or item.id in adopted:
            continue
        f = item.fields
        result.budget_lines.append(
            AsideBudgetLine(
                item.id,
                f.get("description") or "",
                f.get("source") or "public",
                _as_money(f.get("amount")),
                bool(f.get("in_kind")),
            )
        )
    return result


def adopt_budget_line(
    session: Session,
    project_id: int,
    item_id: str,
    actor_id: str | None = None,
    category: str = "other",
    valuation_basis: str = "",
) -> LedgerLine:
    """Move a board budget line into the ledger under a partner (`actor_id`, or the only one
    its source can belong to), a category and, for an in-kind line, the basis of its valuation
    (the old line's own words when none is given). The board line stays as it was; the ledger
    line remembers it (origin), so it is no longer shown beside the ledger."""
    items = boards.project_board_items(session, project_id, STAKEHOLDER_BOARD)
    item = items.get(item_id)
    if item is None or item.type != "budget_line":
        raise LedgerError("not_found", "budget_line")
    origin = BUDGET_LINE_ORIGIN + item_id
    taken = session.scalar(
        sa.select(LedgerLine.id).where(
            LedgerLine.project_id == project_id, LedgerLine.origin == origin
        )
    )
    if taken is not None:
        raise LedgerError("already_in_ledger", "budget_line")
    if actor_id is None:
        actor_id = match_partner(
            item.fields.get("source") or "public", _actor_fields(items), _proposal_partners(items)
        )
        if actor_id is None:
            raise LedgerError("no_single_partner", "actor_id")
    description = item.fields.get("description") or ""
    in_kind = bool(item.fields.get("in_kind"))
    fields = {
        "actor_id": actor_id,
        "category": category,
        "description": description,
        "in_kind": in_kind,
        # An old line gave no basis: then its own words are the only one there is.
        "valuation_basis": (
            valuation_basis or f"Come indicato nel piano economico della proposta: {description}"
        )
        if in_kind
        else "",
        "planned_eur": _as_money(item.fields.get("amount")),
    }
    return add_line(session, project_id, fields, origin=origin)


def _actor_fields(items: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {it.id: it.fields for it in items.values() if it.type == "actor"}


def _proposal_partners(items: Mapping[str, Any]) -> list[str]:
    proposal = next((it for it in items.values() if it.type == "proposal"), None)
    return list(proposal.fields.get("partners") or []) if proposal is not None else []


def adopt_matching_budget_lines(session: Session, project_id: int) -> list[LedgerLine]:
    """Every board budget line whose partner is certain (match_partner), moved into the ledger
    in the "other" category; the rest stay beside it."""
    items = boards.project_board_items(session, project_id, STAKEHOLDER_BOARD)
    adopted = []
    for item in sorted(items.values(), key=lambda it: it.created_seq):
        if item.type != "budget_line":
            continue
        try:
            adopted.append(adopt_budget_line(session, project_id, item.id))
        except LedgerError:
            continue  # no single partner, or already in: it stays beside the ledger
    return adopted


# --- everything a page or a report needs at once ----------------------------------------------


@dataclass
class LedgerSummary:
    lines: list[LedgerLine]
    by_source: dict[str, SourceTotal]
    by_partner: list[PartnerTotal]
    by_category: dict[str, CategoryTotal]
    reconciliation: Reconciliation

    @property
    def total_planned(self) -> Decimal:
        return sum((t.planned for t in self.by_source.values()), ZERO)

    @property
    def total_reported(self) -> Decimal:
        return sum((t.reported for t in self.by_source.values()), ZERO)

    @property
    def total_in_kind(self) -> Decimal:
        return sum((t.planned_in_kind for t in self.by_source.values()), ZERO)


def summary(session: Session, project: Project) -> LedgerSummary:
    found = lines(session, project.id)
    return LedgerSummary(
        found,
        totals_by_source(found),
        totals_by_partner(found),
        totals_by_category(found),
        reconcile(session, project, found),
    )
