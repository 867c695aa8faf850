"""The social report as a document: what goes in it (from the boards) and its DOCX and PDF forms.

The sections are the report_section cards of the social reporting board, as the lab edited
them; when the lab has not drafted them yet, a fresh draft from the boards stands in. Indicators
come with their latest value, their standing against target and threshold, and a chart.
Stories reach the report only through the drafted sections, which include only stories with
consent.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from workshop.boards.state import Item
from workshop.canvases import report_draft as rd
from workshop.canvases import report_record as rr
from workshop.canvases import social_reporting as sr
from workshop.canvases.theory_of_change import threshold_words
from workshop.exports.charts import STATUS_COLOURS, indicator_chart
from workshop.glossary import long_date

DOCUMENT_WORDS = {
    "it": {
        "title": "Rendicontazione sociale",
        "source": "Fonte ed evidenza",
        "indicators": "Indicatori",
        "indicator": "Indicatore",
        "latest": "Ultimo valore",
        "target": "Obiettivo",
        "threshold": "Soglia",
        "minimum": "Obiettivo minimo",
        "standing": "Situazione",
        "draft": "Bozza generata dalle lavagne: non ancora rivista dal laboratorio.",
        "chart": "{name}: {count} rilevazioni; ultimo valore {latest}; {status}.",
        "no_values": "{name}: nessuna rilevazione.",
    },
    "en": {
        "title": "Social report",
        "source": "Source and evidence",
        "indicators": "Indicators",
        "indicator": "Indicator",
        "latest": "Latest value",
        "target": "Target",
        "threshold": "Threshold",
        "minimum": "Minimum target",
        "standing": "Standing",
        "draft": "Draft generated from the boards: not yet reviewed by the lab.",
        "chart": "{name}: {count} measurements; latest value {latest}; {status}.",
        "no_values": "{name}: no measurement.",
    },
}


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    latest: str
    latest_date: str
    target: str
    threshold: str
    status: str  # a key of rd.WORDS[lang]["status"]
    status_words: str
    colour: str
    chart_svg: str
    provenance: str = ""  # the latest measurement's source and evidence


@dataclass
class ReportData:
    project_title: str
    lang: str
    sections: list[tuple[str, str]]
    indicators: list[IndicatorRow] = field(default_factory=list)
    is_draft: bool = False  # no section was drafted on the board yet
    # What it is, the period it covers and its state ("BOZZA" until the managers approve it).
    heading: dict[str, str] = field(default_factory=dict)
    approved: bool = False

    @property
    def words(self) -> dict[str, str]:
        return DOCUMENT_WORDS[self.lang]


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")
    return f"{text} {unit}".strip()


def build(
    project_title: str,
    boards: Mapping[str, Mapping[str, Item]],
    lang: str,
    record: Mapping[str, object] | None = None,
    state: object | None = None,
    approved: bool = False,
) -> ReportData:
    """`boards` maps the session board kinds to their live items; `record` is the project's
    record (its columns), `state` the board's ReportState (period, approval) if it has one."""
    reporting = boards.get(sr.KIND, {})
    theory = boards.get(sr.THEORY, {})
    sections = rd.report_sections(reporting.values(), lang)
    is_draft = not sections
    if is_draft:
        drafted = rd.draft_sections(
            rd.Sources(
                boards.get(sr.CONTEXT, {}),
                boards.get(sr.STAKEHOLDERS, {}),
                theory,
                reporting,
                dict(record or {}),
            ),
            lang,
        )
        sections = [(rd.SECTION_TITLES[lang][key], drafted[key]) for key in sr.SECTION_KEYS]
    words = DOCUMENT_WORDS[lang]
    status_words = rd.WORDS[lang]["status"]
    measurements = [it for it in reporting.values() if it.type == "measurement"]
    rows = []
    for indicator in sorted(
        (it for it in theory.values() if it.type == "indicator"),
        key=lambda it: (it.created_seq, it.id),
    ):
        f = indicator.fields
        standing = sr.progress(indicator, measurements)
        unit = f.get("unit", "").strip()
        name = " ".join(str(f.get("name", "")).split())
        description = (
            words["chart"].format(
                name=name,
                count=len(standing.values),
                latest=_fmt(standing.latest, unit),
                status=status_words[standing.status],
            )
            if standing.values
            else words["no_values"].format(name=name)
        )
        rows.append(
            IndicatorRow(
                name=name,
                latest=_fmt(standing.latest, unit),
                latest_date=long_date(standing.values[-1][0], lang) if standing.values else "",
                target=_fmt(f.get("target"), unit) if f.get("target") is not None else "—",
                threshold=threshold_words(f, lang) or "—",
                status=standing.status,
                status_words=status_words[standing.status],
                colour=STATUS_COLOURS[standing.status],
                chart_svg=indicator_chart(
                    name,
                    standing.values,
                    target=f.get("target"),
                    threshold=f.get("target_minimum"),
                    baseline=f.get("baseline"),
                    description=description,
                    labels={"target": words["target"], "threshold": words["minimum"]},
                    date_label=lambda day: long_date(day, lang),
                    lang=lang,
                ),
                provenance=rr.measurement_provenance(
                    rd._latest_measurement(indicator.id, measurements), lang
                ),
            )
        )
    approved_at = getattr(state, "approved_at", None) if approved else None
    heading = rr.heading_state(
        getattr(state, "period_from", None),
        getattr(state, "period_to", None),
        getattr(state, "approved_by_name", ""),
        approved_at,
        lang,
    )
    if getattr(state, "approved_at", None) is not None and not approved:
        heading["state"] = rr.WORDS[lang]["changed_since"]
    return ReportData(
        project_title, lang, sections, rows, is_draft, heading, approved_at is not None
    )


def to_docx(data: ReportData) -> bytes:
    """The report as a Word document: title, sections, the indicators' table and charts."""
    from docx import Document
    from docx.shared import Cm, Pt

    from workshop.exports.diagram import svg_to_png

    words = data.words
    document = Document()
    document.core_properties.title = f"{words['title']}: {data.project_title}"
    document.core_properties.language = data.lang
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10.5)
    heading = data.heading or rr.heading_state(None, None, "", None, data.lang)
    if not data.approved:
        banner = document.add_paragraph()
        run = banner.add_run(heading["draft"])
        run.bold = True
        run.font.size = Pt(20)
        section = document.sections[0]
        section.header.paragraphs[0].text = heading["state"]
    document.add_heading(heading["kind"], level=0)
    document.add_paragraph(data.project_title).runs[0].bold = True
    document.add_paragraph(heading["period"])
    document.add_paragraph(heading["state"]).runs[0].italic = True
    if data.is_draft:
        document.add_paragraph(words["draft"]).runs[0].italic = True
    for title, text in data.sections:
        document.add_heading(title, level=1)
        for paragraph in text.split("\n\n"):
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
    if data.indicators:
        document.add_heading(words["indicators"], level=1)
        table = document.add_table(rows=1, cols=6)
        table.style = "Light Grid Accent 1"
        for cell, heading in zip(
            table.rows[0].cells,
            (
                words["indicator"],
                words["latest"],
                words["target"],
                words["threshold"],
                words["standing"],
                words["source"],
            ),
            strict=True,
        ):
            cell.text = heading
        for row in data.indicators:
            cells = table.add_row().cells
            for cell, value in zip(
                cells,
                (
                    row.name,
                    row.latest,
                    row.target,
                    row.threshold,
                    row.status_words,
                    row.provenance or "—",
                ),
                strict=True,
            ):
                cell.text = value
        for row in data.indicators:
            if row.status != "no_data":
                document.add_picture(io.BytesIO(svg_to_png(row.chart_svg)), width=Cm(14))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def html_to_pdf(html: str, base_url: str) -> bytes:
    """A page of ours as PDF (WeasyPrint; needs the Pango library: docs/deploy.md)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()
