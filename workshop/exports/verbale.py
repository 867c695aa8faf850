"""The verbale as documents: DOCX (to edit or file) and PDF (WeasyPrint, from an HTML page of
its own), in Italian or English. Reads the plain record of workshop.meetings.verbale; times
come in UTC and are written in the office's local time. "BOZZA" until approved."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from html import escape
from typing import Any

from workshop.glossary import long_date

WORDS = {
    "it": {
        "title": "Verbale della riunione",
        "draft": "BOZZA",
        "draft_note": "Bozza: non ancora approvata.",
        "version": "Versione %(n)s",
        "correction": "Correzione della versione precedente: %(reason)s",
        "approved": "Approvato da %(who)s il %(when)s",
        "at": "alle",
        "project": "Progetto",
        "meeting": "Riunione",
        "date": "Data",
        "times": "Orario",
        "place": "Luogo",
        "online": "online",
        "agenda": "Ordine del giorno",
        "agenda_run": "Fasi svolte",
        "chair": "Presidente (conduzione)",
        "minute_taker": "Verbalizzante",
        "attendees": "Presenti",
        "absent": "Iscritti assenti",
        "name": "Nome",
        "organisation": "Ente",
        "role": "Ruolo",
        "minutes": "Minuti",
        "proposals": "Proposte emerse",
        "plenary": "Plenaria",
        "votes": "Votazioni e risultati",
        "votes_n": "%(n)s voti",
        "votes_1": "1 voto",
        "decisions": "Decisioni",
        "minority": "Posizioni di minoranza",
        "next_steps": "Prossimi passi",
        "next_meeting": "Prossima riunione",
        "notes": "Note",
        "none": "—",
        "phases": {
            "write": "scrittura",
            "cluster": "raggruppamento",
            "vote": "votazione",
            "discuss": "discussione",
        },
    },
    "en": {
        "title": "Minutes of the meeting",
        "draft": "DRAFT",
        "draft_note": "Draft: not yet approved.",
        "version": "Version %(n)s",
        "correction": "Correction of the previous version: %(reason)s",
        "approved": "Approved by %(who)s on %(when)s",
        "at": "at",
        "project": "Project",
        "meeting": "Meeting",
        "date": "Date",
        "times": "Time",
        "place": "Place",
        "online": "online",
        "agenda": "Agenda",
        "agenda_run": "Phases run",
        "chair": "Chair (conductor)",
        "minute_taker": "Minute-taker",
        "attendees": "Present",
        "absent": "Registered, absent",
        "name": "Name",
        "organisation": "Organisation",
        "role": "Role",
        "minutes": "Minutes",
        "proposals": "Proposals",
        "plenary": "Plenary",
        "votes": "Votes and results",
        "votes_n": "%(n)s votes",
        "votes_1": "1 vote",
        "decisions": "Decisions",
        "minority": "Minority positions",
        "next_steps": "Next steps",
        "next_meeting": "Next meeting",
        "notes": "Notes",
        "none": "—",
        "phases": {
            "write": "writing",
            "cluster": "clustering",
            "vote": "voting",
            "discuss": "discussion",
        },
    },
}


def _local(value: str, zone: tzinfo) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def _time(value: str, zone: tzinfo) -> str:
    return _local(value, zone).strftime("%H:%M") if value else ""


def sections(rec: Mapping[str, Any], lang: str, zone: tzinfo, approved: bool) -> dict[str, Any]:
    """The verbale's parts in words, in order: what both documents lay out."""
    w = WORDS[lang]
    place = rec["place"] or ""
    if rec["online"]:
        place = f"{place} ({w['online']})" if place else w["online"]
    start, end = _time(rec["start"], zone), _time(rec["end"], zone)
    state = [w["version"] % {"n": rec["version"]}]
    if rec.get("correction_reason"):
        state.append(w["correction"] % {"reason": rec["correction_reason"]})
    if approved and rec.get("approved_at"):
        # The local day: approved at 00:30 in Rome is still the day before in UTC.
        day = _local(rec["approved_at"], zone).date().isoformat()
        when = f"{long_date(day, lang)} {w['at']} {_time(rec['approved_at'], zone)}"
        state.append(w["approved"] % {"who": rec["approved_by"], "when": when})
    else:
        state.append(w["draft_note"])
    facts = [
        (w["project"], rec["project"]),
        (w["meeting"], rec["meeting"]),
        (w["date"], long_date(rec["date"], lang) if rec["date"] else ""),
        (w["times"], f"{start}–{end}" if start else ""),
        (w["place"], place),
        (w["chair"], rec["chair"]),
        (w["minute_taker"], rec["minute_taker"]),
    ]
    phases = [
        " ".join(
            part
            for part in (
                f"{_time(p['start'], zone)}–{_time(p['end'], zone)}",
                w["phases"].get(p["phase"], p["phase"]),
                f"({p['room']})" if p["room"] else "",
            )
            if part
        )
        for p in rec["phases"]
    ]
    proposals = [(g["group"] or w["plenary"], g["cards"]) for g in rec["proposals"]]
    votes = [
        (
            v["room"] or w["plenary"],
            [
                f"{r['text']}: {w['votes_1'] if r['votes'] == 1 else w['votes_n'] % {'n': r['votes']}}"
                for r in v["results"]
            ],
        )
        for v in rec["votes"]
    ]
    next_steps = list(rec.get("next_step_marks", [])) + [
        line.strip() for line in (rec["next_steps"] or "").split("\n") if line.strip()
    ]
    return {
        "title": w["title"],
        "state": state,
        "facts": [(k, v) for k, v in facts if v],
        "agenda": [line.strip() for line in (rec["agenda"] or "").split("\n") if line.strip()],
        "phases": phases,
        "attendees": [
            (p["name"], p["organisation"], p["role"], str(p["minutes"])) for p in rec["attendees"]
        ],
        "absent": [(p["name"], p["organisation"], p["role"]) for p in rec["absent"]],
        "proposals": proposals,
        "votes": votes,
        "decisions": rec["decisions"],
        "minority": rec["minority"],
        "next_steps": next_steps,
        "next_meeting": rec["next_meeting"],
        "notes": rec["notes"],
        "words": w,
        "approved": approved,
    }


def to_docx(rec: Mapping[str, Any], lang: str, zone: tzinfo, approved: bool) -> bytes:
    from docx import Document
    from docx.shared import Pt

    s = sections(rec, lang, zone, approved)
    w = s["words"]
    document = Document()
    document.core_properties.title = f"{s['title']}: {rec['project']}"
    document.core_properties.language = lang
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10.5)
    if not approved:
        run = document.add_paragraph().add_run(w["draft"])
        run.bold = True
        run.font.size = Pt(20)
        document.sections[0].header.paragraphs[0].text = w["draft"]
    document.add_heading(s["title"], level=0)
    for line in s["state"]:
        document.add_paragraph(line).runs[0].italic = True
    for key, value in s["facts"]:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{key}: ").bold = True
        paragraph.add_run(value)

    def listing(title: str, lines: list[str]) -> None:
        document.add_heading(title, level=1)
        for line in lines or [w["none"]]:
            document.add_paragraph(line, style="List Bullet")

    def table(title: str, headings: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        document.add_heading(title, level=1)
        if not rows:
            document.add_paragraph(w["none"])
            return
        grid = document.add_table(rows=1, cols=len(headings))
        grid.style = "Light Grid Accent 1"
        for cell, text in zip(grid.rows[0].cells, headings, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(grid.add_row().cells, row, strict=True):
                cell.text = text

    listing(w["agenda"], s["agenda"])
    listing(w["agenda_run"], s["phases"])
    table(w["attendees"], (w["name"], w["organisation"], w["role"], w["minutes"]), s["attendees"])
    table(w["absent"], (w["name"], w["organisation"], w["role"]), s["absent"])
    document.add_heading(w["proposals"], level=1)
    for group, cards in s["proposals"] or [(w["none"], [])]:
        document.add_heading(group, level=2)
        for card in cards:
            document.add_paragraph(card, style="List Bullet")
    document.add_heading(w["votes"], level=1)
    for room, results in s["votes"] or [(w["none"], [])]:
        document.add_heading(room, level=2)
        for line in results:
            document.add_paragraph(line, style="List Number")
    listing(w["decisions"], s["decisions"])
    listing(w["minority"], s["minority"])
    listing(w["next_steps"], s["next_steps"])
    document.add_heading(w["next_meeting"], level=1)
    document.add_paragraph(s["next_meeting"] or w["none"])
    if s["notes"]:
        document.add_heading(w["notes"], level=1)
        for paragraph in s["notes"].split("\n\n"):
            document.add_paragraph(paragraph.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PDF_CSS = """
@page { size: A4; margin: 2cm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; color: #1a1a1a; }
h1 { font-size: 18pt; margin: 0 0 .4em; } h2 { font-size: 13pt; margin: 1.2em 0 .3em; }
h3 { font-size: 11pt; margin: .8em 0 .2em; } .draft { font-size: 20pt; font-weight: bold; color: #a00; }
.state { font-style: italic; margin: .1em 0; } table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 3pt 5pt; text-align: left; vertical-align: top; }
th { background: #eee; } dt { font-weight: bold; float: left; clear: left; margin-right: .4em; }
dd { margin: 0 0 .2em; }
"""


def to_html(rec: Mapping[str, Any], lang: str, zone: tzinfo, approved: bool) -> str:
    """The verbale as a standalone HTML page (for the PDF); every value escaped."""
    s = sections(rec, lang, zone, approved)
    w = s["words"]
    e = escape
    out = [
        f'<!doctype html><html lang="{e(lang)}"><head><meta charset="utf-8"><title>{e(s["title"])}</title>'
    ]
    # Every page of a draft says so in its corner (the word has no quote or backslash in it).
    corner = (
        "" if approved else f'@page {{ @top-right {{ content: "{w["draft"]}"; color: #a00; }} }}'
    )
    out.append(f"<style>{PDF_CSS}{corner}</style></head><body>")
    if not approved:
        out.append(f'<p class="draft">{e(w["draft"])}</p>')
    out.append(f"<h1>{e(s['title'])}</h1>")
    out += [f'<p class="state">{e(line)}</p>' for line in s["state"]]
    out.append(
        "<dl>" + "".join(f"<dt>{e(k)}:</dt><dd>{e(v)}</dd>" for k, v in s["facts"]) + "</dl>"
    )

    def listing(title: str, lines: list[str], tag: str = "ul") -> None:
        out.append(f"<h2>{e(title)}</h2>")
        out.append(
            f"<{tag}>" + "".join(f"<li>{e(x)}</li>" for x in lines) + f"</{tag}>"
            if lines
            else f"<p>{w['none']}</p>"
        )

    def table(title: str, headings: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        out.append(f"<h2>{e(title)}</h2>")
        if not rows:
            out.append(f"<p>{w['none']}</p>")
            return
        head = "".join(f"<th>{e(h)}</th>" for h in headings)
        body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
        out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    listing(w["agenda"], s["agenda"])
    listing(w["agenda_run"], s["phases"])
    table(w["attendees"], (w["name"], w["organisation"], w["role"], w["minutes"]), s["attendees"])
    table(w["absent"], (w["name"], w["organisation"], w["role"]), s["absent"])
    # As the DOCX does: an empty section says so with a dash rather than ending at its heading.
    out.append(f"<h2>{e(w['proposals'])}</h2>")
    for group, cards in s["proposals"]:
        out.append(
            f"<h3>{e(group)}</h3><ul>" + "".join(f"<li>{e(c)}</li>" for c in cards) + "</ul>"
        )
    if not s["proposals"]:
        out.append(f"<p>{w['none']}</p>")
    out.append(f"<h2>{e(w['votes'])}</h2>")
    for room, results in s["votes"]:
        out.append(
            f"<h3>{e(room)}</h3><ol>" + "".join(f"<li>{e(r)}</li>" for r in results) + "</ol>"
        )
    if not s["votes"]:
        out.append(f"<p>{w['none']}</p>")
    listing(w["decisions"], s["decisions"])
    listing(w["minority"], s["minority"])
    listing(w["next_steps"], s["next_steps"])
    out.append(f"<h2>{e(w['next_meeting'])}</h2><p>{e(s['next_meeting'] or w['none'])}</p>")
    if s["notes"]:
        out.append(
            f"<h2>{e(w['notes'])}</h2>"
            + "".join(f"<p>{e(p)}</p>" for p in s["notes"].split("\n\n"))
        )
    out.append("</body></html>")
    return "".join(out)


def to_pdf(rec: Mapping[str, Any], lang: str, zone: tzinfo, approved: bool) -> bytes:
    from workshop.exports.social_report import html_to_pdf

    return html_to_pdf(to_html(rec, lang, zone, approved), base_url="about:blank")
