"""The theory of change as a logframe (the EU PCM 4x4 matrix) and as a workbook (TOCO-like:
outcomes, rationales, indicators, interventions), from the board's live items.

`label(key)` gives the reader's words for a key of workshop/web/canvas_strings (field and
choice names), so the headers follow the language the export was asked in.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from workshop.exports.logframe import (  # noqa: F401  (callers read the logframe from here too)
    HEADINGS,
    LOGFRAME_COLUMNS,
    LOGFRAME_ROWS,
    LogframeCell,
    cell_heading,
    logframe,
)
from workshop.glossary import as_date, yes_no

Label = Callable[[str], str]
DAY_FORMAT = "DD/MM/YYYY"  # an Italian office reads 31/12/2028; the cell stays a date


def _by_type(items: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for item in items:
        grouped[item["type"]].append(item)
    return grouped


def workbook(
    items: Iterable[Mapping[str, Any]],
    actors: Mapping[str, str],
    label: Label,
    lang: str = "it",
    *,
    context: Iterable[Mapping[str, Any]] = (),
    ledger: Any = None,
) -> bytes:
    """An XLSX whose first sheet is the logframe ("Quadro logico", the EC PCM 4x4 matrix), then
    the TOCO-style sheets: outcomes, links with their rationale, indicators, interventions and
    assumptions, headers in the reader's language."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    items = list(items)
    matrix = logframe(items, actors, lang, context=context, ledger=ledger)
    grouped = _by_type(items)
    text_of = {
        it["id"]: it["fields"].get("text", "")
        for it in grouped["outcome"] + grouped["intervention"]
    }
    text_of.update({it["id"]: it["fields"].get("text", "") for it in grouped["output"]})

    def names(ids: Iterable[str]) -> str:
        return "; ".join(actors.get(i, "—") for i in ids or ())

    def day(value: Any) -> Any:
        """A real date cell for an ISO day (a spreadsheet sorts and filters it), else the text."""
        return as_date(value) or (value or "")

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
                    yes_no(o["fields"].get("is_goal"), lang),
                    names(o["fields"].get("population")),
                    yes_no(o["fields"].get("above_ceiling"), lang),
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
                    day(i["fields"].get("timeline")),
                    i["fields"].get("baseline"),
                    day(i["fields"].get("baseline_date")),
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
                    day(v["fields"].get("start")),
                    day(v["fields"].get("end")),
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
    _matrix_sheet(book, matrix, lang)
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
                elif isinstance(value, date):
                    cell.number_format = DAY_FORMAT
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 28
            for cell in column:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _matrix_sheet(book: Any, matrix: Mapping[str, Mapping[str, LogframeCell]], lang: str) -> None:
    """The 4x4 matrix: a header row of the four columns, one row per level, each cell's lines
    one under the other (the Activities row says "Mezzi:" and "Costi:" where it differs)."""
    from openpyxl.styles import Alignment, Font

    words = HEADINGS[lang]
    sheet = book.create_sheet(_sheet_title(words["title"]))
    sheet.append(["", *(words[column] for column in LOGFRAME_COLUMNS)])
    for row in LOGFRAME_ROWS:
        cells = []
        for column in LOGFRAME_COLUMNS:
            lines = list(matrix[row][column].lines)
            heading = cell_heading(row, column, lang)
            if heading:
                lines.insert(0, f"{heading}:")
            cells.append("\n".join(lines))
        sheet.append([words[row], *cells])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_cells in sheet.iter_rows(min_row=2):
        row_cells[0].font = Font(bold=True)
        for cell in row_cells:
            cell.data_type = "s"  # text stays text, even a card starting with "="
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 24
    for letter in "BCDE":
        sheet.column_dimensions[letter].width = 48
    sheet.freeze_panes = "B2"


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in sheet names and cuts names at 31 characters.
    return "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"
