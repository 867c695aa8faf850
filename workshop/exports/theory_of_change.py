"""The theory of change as a logframe (the EU PCM 4x4 matrix) and as a workbook (TOCO-like:
outcomes, rationales, indicators, interventions), from the board's live items.

`label(key)` gives the reader's words for a key of workshop/web/canvas_strings (field and
choice names), so the headers follow the language the export was asked in.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workshop.canvases.theory_of_change import threshold_words

Label = Callable[[str], str]
LOGFRAME_ROWS = ("goal", "purpose", "results", "activities")
LOGFRAME_COLUMNS = ("logic", "indicators", "verification", "assumptions")


@dataclass
class LogframeCell:
    lines: list[str] = field(default_factory=list)


def _by_type(items: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for item in items:
        grouped[item["type"]].append(item)
    return grouped


def _row_of_outcome(outcome: Mapping[str, Any]) -> str:
    fields = outcome["fields"]
    if fields.get("is_goal") or fields.get("tier") == "impact":
        return "goal"
    if fields.get("tier") == "long_term":
        return "purpose"
    return "results"


def _indicator_line(
    indicator: Mapping[str, Any], actor_name: Callable[[str | None], str], lang: str
) -> str:
    f = indicator["fields"]
    parts = [f.get("name", "").strip()]
    details = []
    if f.get("population"):
        details.append(actor_name(f["population"]))
    if f.get("target") is not None:
        details.append(f"{_number(f['target'])} {f.get('unit', '')}".strip())
    threshold = threshold_words(f, lang)
    if threshold:
        details.append(threshold)
    if f.get("timeline"):
        details.append(f["timeline"])
    if details:
        parts.append("(" + "; ".join(details) + ")")
    return " ".join(p for p in parts if p)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def logframe(
    items: Iterable[Mapping[str, Any]], actors: Mapping[str, str], lang: str = "it"
) -> dict[str, dict[str, LogframeCell]]:
    """rows (goal, purpose, results, activities) x columns (logic, indicators, verification,
    assumptions). `actors` maps actor ids to names."""
    grouped = _by_type(items)

    def actor_name(actor_id: str | None) -> str:
        return actors.get(actor_id or "", "—")

    matrix = {row: {col: LogframeCell() for col in LOGFRAME_COLUMNS} for row in LOGFRAME_ROWS}
    row_of: dict[str, str] = {}
    for outcome in sorted(
        grouped["outcome"], key=lambda it: (not it["fields"].get("is_goal"), it["id"])
    ):
        row = _row_of_outcome(outcome)
        row_of[outcome["id"]] = row
        matrix[row]["logic"].lines.append(outcome["fields"].get("text", "").strip())
    for output in grouped["output"]:
        row_of[output["id"]] = "results"
        matrix["results"]["logic"].lines.append(output["fields"].get("text", "").strip())
    for intervention in grouped["intervention"]:
        f = intervention["fields"]
        row_of[intervention["id"]] = "activities"
        lead = f" ({actor_name(f['lead'])})" if f.get("lead") else ""
        matrix["activities"]["logic"].lines.append(f.get("text", "").strip() + lead)
        # The Activities row carries means and costs where the others carry indicators.
        if f.get("inputs", "").strip():
            matrix["activities"]["indicators"].lines.append(f["inputs"].strip())
    for indicator in grouped["indicator"]:
        row = row_of.get(indicator["fields"].get("of"))
        if row is None:
            continue
        matrix[row]["indicators"].lines.append(_indicator_line(indicator, actor_name, lang))
        source = indicator["fields"].get("source", "").strip()
        if source and source not in matrix[row]["verification"].lines:
            matrix[row]["verification"].lines.append(source)
    links = {it["id"]: it for it in grouped["toc_link"]}
    for assumption in grouped["assumption"]:
        attached = assumption["fields"].get("attached_to")
        if attached in links:
            attached = links[attached]["fields"].get("to")
        row = row_of.get(attached, "goal")
        matrix[row]["assumptions"].lines.append(assumption["fields"].get("text", "").strip())
    return matrix


def workbook(items: Iterable[Mapping[str, Any]], actors: Mapping[str, str], label: Label) -> bytes:
    """An XLSX of outcomes, links with their rationale, indicators, interventions and
    assumptions, one sheet each, headers in the reader's language."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    grouped = _by_type(items)
    text_of = {
        it["id"]: it["fields"].get("text", "")
        for it in grouped["outcome"] + grouped["intervention"]
    }
    text_of.update({it["id"]: it["fields"].get("text", "") for it in grouped["output"]})

    def names(ids: Iterable[str]) -> str:
        return "; ".join(actors.get(i, "—") for i in ids or ())

    def choice(type_: str, name: str, value: Any) -> str:
        return label(f"choice.{type_}.{name}.{value}") if value is not None else ""

    sheets = [
        (
            label("type.outcome"),
            [
                "id",
                label("field.outcome.text"),
                label("field.outcome.tier"),
                label("field.outcome.is_goal"),
                label("field.outcome.population"),
                label("field.outcome.above_ceiling"),
            ],
            [
                [
                    o["id"],
                    o["fields"].get("text", ""),
                    choice("outcome", "tier", o["fields"].get("tier")),
                    bool(o["fields"].get("is_goal")),
                    names(o["fields"].get("population")),
                    bool(o["fields"].get("above_ceiling")),
                ]
                for o in grouped["outcome"]
            ],
        ),
        (
            label("type.toc_link"),
            [
                label("field.toc_link.from"),
                label("field.toc_link.to"),
                label("field.toc_link.rationale"),
                label("field.toc_link.evidence"),
                label("field.toc_link.interventions"),
            ],
            [
                [
                    text_of.get(k["fields"]["from"], ""),
                    text_of.get(k["fields"]["to"], ""),
                    k["fields"].get("rationale", ""),
                    k["fields"].get("evidence", ""),
                    "; ".join(text_of.get(i, "") for i in k["fields"].get("interventions", [])),
                ]
                for k in grouped["toc_link"]
            ],
        ),
        (
            label("type.indicator"),
            [
                label("field.indicator.name"),
                label("field.indicator.of"),
                label("field.indicator.population"),
                label("field.indicator.target"),
                label("field.indicator.unit"),
                label("field.indicator.threshold"),
                label("field.indicator.threshold_note"),
                label("field.indicator.better"),
                label("field.indicator.timeline"),
                label("field.indicator.baseline"),
                label("field.indicator.baseline_date"),
                label("field.indicator.source"),
                label("field.indicator.method"),
                label("field.indicator.frequency"),
                label("field.indicator.owner"),
                label("field.indicator.kind"),
            ],
            [
                [
                    i["fields"].get("name", ""),
                    text_of.get(i["fields"].get("of"), ""),
                    names([i["fields"]["population"]] if i["fields"].get("population") else []),
                    i["fields"].get("target"),
                    i["fields"].get("unit", ""),
                    i["fields"].get("threshold"),
                    i["fields"].get("threshold_note", ""),
                    choice("indicator", "better", i["fields"].get("better")),
                    i["fields"].get("timeline") or "",
                    i["fields"].get("baseline"),
                    i["fields"].get("baseline_date") or "",
                    i["fields"].get("source", ""),
                    i["fields"].get("method", ""),
                    choice("indicator", "frequency", i["fields"].get("frequency")),
                    names([i["fields"]["owner"]] if i["fields"].get("owner") else []),
                    choice("indicator", "kind", i["fields"].get("kind")),
                ]
                for i in grouped["indicator"]
            ],
        ),
        (
            label("type.intervention"),
            [
                label("field.intervention.text"),
                label("field.intervention.lead"),
                label("field.intervention.partners"),
                label("field.intervention.start"),
                label("field.intervention.end"),
                label("field.intervention.inputs"),
                label("field.intervention.input_source"),
                label("field.intervention.targets"),
            ],
            [
                [
                    v["fields"].get("text", ""),
                    names([v["fields"]["lead"]] if v["fields"].get("lead") else []),
                    names(v["fields"].get("partners")),
                    v["fields"].get("start") or "",
                    v["fields"].get("end") or "",
                    v["fields"].get("inputs", ""),
                    choice("intervention", "input_source", v["fields"].get("input_source")),
                    "; ".join(text_of.get(t, "") for t in v["fields"].get("targets", [])),
                ]
                for v in grouped["intervention"]
            ],
        ),
        (
            label("type.assumption"),
            [
                label("field.assumption.text"),
                label("field.assumption.kind"),
                label("field.assumption.status"),
                label("field.assumption.attached_to"),
            ],
            [
                [
                    a["fields"].get("text", ""),
                    choice("assumption", "kind", a["fields"].get("kind")),
                    choice("assumption", "status", a["fields"].get("status")),
                    text_of.get(a["fields"].get("attached_to"), ""),
                ]
                for a in grouped["assumption"]
            ],
        ),
    ]
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(_sheet_title(title))
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row_number, row in enumerate(rows, start=2):
            for column_number, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column_number, value=value)
                if isinstance(value, str):
                    # Text stays text: "=HYPERLINK(...)" typed on a card is never a formula.
                    cell.data_type = "s"
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 28
            for cell in column:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in sheet names and cuts names at 31 characters.
    return "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"
