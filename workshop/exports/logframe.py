"""The logframe (quadro logico) by the book: the EC Project Cycle Management 4x4 matrix read from
the Theory of Change board, the objective tree of session 1 and the project's co-funding ledger.

Rows (EC PCM Manual 2001, domain.md section 1a):
- **goal**, obiettivo generale: the ToC's long-term goal and the impact outcomes on its level
  (the wider change the project contributes to);
- **purpose**, obiettivo specifico: the project purpose, the core problem turned positive: the
  outcome seeded from the objective tree's purpose (else the other long-term outcomes);
- **results**, risultati attesi: the outputs (realizzazioni) the project delivers, not outcomes;
- **activities**, attività: the interventions, with who leads them and when; in this row the
  indicator column holds the **means** (the ledger's contributions by partner, the inputs) and
  the verification column the **costs** (the ledger's totals by category and in all).

Indicators and their sources of verification sit in the row of what they measure; assumptions
and risks sit in the row where the team attached them (an assumption on a causal link belongs to
the level of its precondition: the condition for that level to lead to the next), each with its
kind and status in words. Ones attached to nothing concern the whole theory: in the goal row.
Intermediate and early outcomes are the ToC's own pathway: the TOCO-style sheets keep them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workshop.canvases.theory_of_change import day_words, target_words, threshold_words
from workshop.numbers import format_euros

LOGFRAME_ROWS = ("goal", "purpose", "results", "activities")
LOGFRAME_COLUMNS = ("logic", "indicators", "verification", "assumptions")
# The matrix's own headings (EC PCM, Italian as the avvisi write them). The Activities row
# carries means and costs where the other rows carry indicators and sources of verification.
HEADINGS = {
    "it": {
        "title": "Quadro logico",
        "goal": "Obiettivo generale",
        "purpose": "Obiettivo specifico",
        "results": "Risultati attesi (realizzazioni)",
        "activities": "Attività",
        "logic": "Logica d'intervento",
        "indicators": "Indicatori oggettivamente verificabili",
        "verification": "Fonti di verifica",
        "assumptions": "Ipotesi e rischi",
        "means": "Mezzi",
        "costs": "Costi",
    },
    "en": {
        "title": "Logical framework",
        "goal": "Overall objective",
        "purpose": "Specific objective (purpose)",
        "results": "Expected results (outputs)",
        "activities": "Activities",
        "logic": "Intervention logic",
        "indicators": "Objectively verifiable indicators",
        "verification": "Sources of verification",
        "assumptions": "Assumptions and risks",
        "means": "Means",
        "costs": "Costs",
    },
}

WORDS = {
    "it": {
        "kind": {
            "assumption": "Ipotesi",
            "enabling_factor": "Fattore abilitante",
            "risk": "Rischio",
        },
        "status": {"to_check": "da verificare", "confirmed": "confermata", "refuted": "smentita"},
        "status_risk": {
            "to_check": "da verificare",
            "confirmed": "confermato",
            "refuted": "smentito",
        },
        "whole": "per l'intera teoria",
        "target": "obiettivo {value}",
        "threshold": "soglia per persona: {value}",
        "timeline": "entro il {value}",
        "baseline": "valore di partenza {value}",
        "planned": "quantità prevista: {value}",
        "when": "dal {start} al {end}",
        "in_kind": "valorizzato in natura",
        "total": "Totale",
        "of_which_in_kind": "di cui in natura",
        "partners": "con {names}",
    },
    "en": {
        "kind": {"assumption": "Assumption", "enabling_factor": "Enabling factor", "risk": "Risk"},
        "status": {"to_check": "to be checked", "confirmed": "confirmed", "refuted": "refuted"},
        "status_risk": {
            "to_check": "to be checked",
            "confirmed": "confirmed",
            "refuted": "refuted",
        },
        "whole": "for the whole theory",
        "target": "target {value}",
        "threshold": "threshold per person: {value}",
        "timeline": "by {value}",
        "baseline": "baseline {value}",
        "planned": "planned quantity: {value}",
        "when": "from {start} to {end}",
        "in_kind": "valued in kind",
        "total": "Total",
        "of_which_in_kind": "of which in kind",
        "partners": "with {names}",
    },
}


@dataclass
class LogframeCell:
    lines: list[str] = field(default_factory=list)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _text(item: Mapping[str, Any], name: str = "text") -> str:
    return " ".join(str(item["fields"].get(name, "")).split())


def _by_type(items: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for item in items:
        grouped[item["type"]].append(item)
    return grouped


def _purpose_ids(
    outcomes: list[Mapping[str, Any]], context: Iterable[Mapping[str, Any]]
) -> set[str]:
    """The outcome(s) standing for the project purpose: seeded from the objective tree's
    purpose; without one, the long-term outcomes that are not the goal."""
    purposes = {
        it["id"]
        for it in context
        if it["type"] == "objective" and it["fields"].get("role") == "purpose"
    }
    seeded = {o["id"] for o in outcomes if o["fields"].get("source_objective") in purposes}
    return seeded or {
        o["id"]
        for o in outcomes
        if o["fields"].get("tier") == "long_term" and not o["fields"].get("is_goal")
    }


def indicator_line(
    fields: Mapping[str, Any], actor_name: Callable[[str | None], str], lang: str
) -> str:
    """ "Famiglie in casa (Famiglie in emergenza; obiettivo 40 famiglie (minimo 30); soglia per
    persona: in casa da almeno 12 mesi; entro il 31 dicembre 2028)"."""
    w = WORDS[lang]
    details = []
    if fields.get("population"):
        details.append(actor_name(fields["population"]))
    if fields.get("target") is not None:
        details.append(w["target"].format(value=target_words(fields, lang)))
    if threshold_words(fields, lang):
        details.append(w["threshold"].format(value=threshold_words(fields, lang)))
    if fields.get("timeline"):
        details.append(w["timeline"].format(value=day_words(fields["timeline"], lang)))
    if fields.get("baseline") is not None:
        details.append(w["baseline"].format(value=_number(fields["baseline"])))
    name = " ".join(str(fields.get("name", "")).split())
    return f"{name} ({'; '.join(details)})" if details else name


def assumption_line(fields: Mapping[str, Any], lang: str, whole: bool = False) -> str:
    """ "Rischio (da verificare): Canoni in crescita…": the kind and status in plain words."""
    w = WORDS[lang]
    kind = fields.get("kind", "assumption")
    status = w["status_risk" if kind == "risk" else "status"][fields.get("status", "to_check")]
    extra = f", {w['whole']}" if whole else ""
    return f"{w['kind'][kind]} ({status}{extra}): " + " ".join(str(fields.get("text", "")).split())


def logframe(
    items: Iterable[Mapping[str, Any]],
    actors: Mapping[str, str],
    lang: str = "it",
    *,
    context: Iterable[Mapping[str, Any]] = (),
    ledger: Any = None,
    category_labels: Mapping[str, str] | None = None,
) -> dict[str, dict[str, LogframeCell]]:
    """rows (goal, purpose, results, activities) x columns (logic, indicators, verification,
    assumptions). `actors` maps actor ids to names; `context`: the context board's items (the
    objective tree); `ledger`: the project's `workshop.ledger.LedgerSummary`, or None."""
    w = WORDS[lang]
    items = list(items)
    grouped = _by_type(items)

    def actor_name(actor_id: str | None) -> str:
        return actors.get(actor_id or "", "—")

    matrix = {row: {col: LogframeCell() for col in LOGFRAME_COLUMNS} for row in LOGFRAME_ROWS}
    outcomes = sorted(
        grouped["outcome"],
        key=lambda it: (not it["fields"].get("is_goal"), it.get("created_seq", 0), it["id"]),
    )
    purpose = _purpose_ids(outcomes, list(context))
    row_of: dict[str, str] = {}
    for outcome in outcomes:
        f = outcome["fields"]
        if outcome["id"] in purpose:
            row = "purpose"
        elif f.get("is_goal") or f.get("tier") == "impact":
            row = "goal"
        elif f.get("tier") == "long_term":
            row = "purpose"
        else:
            # The pathway between results and purpose: assumptions placed on it are conditions
            # for the results to bring the purpose about; the outcome itself is not a result.
            row_of[outcome["id"]] = "results"
            continue
        row_of[outcome["id"]] = row
        matrix[row]["logic"].lines.append(_text(outcome))
    shown = {o["id"] for o in outcomes if row_of.get(o["id"]) in ("goal", "purpose")}
    for output in grouped["output"]:
        row_of[output["id"]] = "results"
        matrix["results"]["logic"].lines.append(_text(output))
        shown.add(output["id"])
        if output["fields"].get("planned_quantity") is not None:
            quantity = f"{_number(output['fields']['planned_quantity'])} {output['fields'].get('unit', '')}".strip()
            matrix["results"]["indicators"].lines.append(
                f"{_text(output)}: " + w["planned"].format(value=quantity)
            )
    for intervention in grouped["intervention"]:
        f = intervention["fields"]
        row_of[intervention["id"]] = "activities"
        who = [actor_name(f["lead"])] if f.get("lead") else []
        if f.get("partners"):
            who.append(w["partners"].format(names=", ".join(actor_name(p) for p in f["partners"])))
        if f.get("start") and f.get("end"):
            who.append(
                w["when"].format(start=day_words(f["start"], lang), end=day_words(f["end"], lang))
            )
        matrix["activities"]["logic"].lines.append(
            _text(intervention) + (f" ({'; '.join(who)})" if who else "")
        )
        if f.get("inputs", "").strip():
            matrix["activities"]["indicators"].lines.append(
                f"{_text(intervention)}: {' '.join(f['inputs'].split())}"
            )
    for indicator in grouped["indicator"]:
        of = indicator["fields"].get("of")
        if of not in shown:
            continue  # an indicator of the pathway: the TOCO-style sheets carry it
        row = row_of[of]
        matrix[row]["indicators"].lines.append(
            indicator_line(indicator["fields"], actor_name, lang)
        )
        source = " ".join(str(indicator["fields"].get("source", "")).split())
        if source and source not in matrix[row]["verification"].lines:
            matrix[row]["verification"].lines.append(source)
    _means_and_costs(matrix["activities"], ledger, lang, category_labels)
    links = {it["id"]: it for it in grouped["toc_link"]}
    for assumption in grouped["assumption"]:
        attached = assumption["fields"].get("attached_to")
        if attached in links:
            attached = links[attached]["fields"].get("from")
        row = row_of.get(attached) if attached else None
        matrix[row or "goal"]["assumptions"].lines.append(
            assumption_line(assumption["fields"], lang, whole=row is None)
        )
    return matrix


def _means_and_costs(
    cell_row: dict[str, LogframeCell], ledger: Any, lang: str, labels: Mapping[str, str] | None
) -> None:
    """Means: each ledger contribution (partner, category, what, money or in kind). Costs: the
    totals by category and in all, as "120.000,50 €"."""
    if ledger is None or not getattr(ledger, "lines", None):
        return
    w = WORDS[lang]
    if labels is None:
        from workshop.ledger import CATEGORY_LABELS

        labels = CATEGORY_LABELS[lang]
    for line in ledger.lines:
        kind = f", {w['in_kind']}" if line.in_kind else ""
        what = f": {line.description}" if line.description else ""
        cell_row["indicators"].lines.append(
            f"{line.actor_name} — {labels.get(line.category, line.category)}{what} "
            f"({format_euros(line.planned_eur, lang)}{kind})"
        )
    for category, total in ledger.by_category.items():
        if total.planned:
            cell_row["verification"].lines.append(
                f"{labels.get(category, category)}: {format_euros(total.planned, lang)}"
            )
    total = f"{w['total']}: {format_euros(ledger.total_planned, lang)}"
    if ledger.total_in_kind:
        total += f" ({w['of_which_in_kind']} {format_euros(ledger.total_in_kind, lang)})"
    cell_row["verification"].lines.append(total)


def cell_heading(row: str, column: str, lang: str) -> str | None:
    """What a cell's lines are, where the row gives them another meaning than the column."""
    if row == "activities" and column in ("indicators", "verification"):
        return HEADINGS[lang]["means" if column == "indicators" else "costs"]
    return None
