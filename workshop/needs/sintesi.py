"""The documento di sintesi of a co-programmazione: what the table found, in one document.

Drawn from the boards and the recorded positions, never typed twice: the needs the bodies
reported (their cards on the context board, with evidence and the people concerned) ranked by
the dots the table gave them in its rooms; the interventions proposed on the theory-of-change
board; the resources each party brings (the co-funding ledger, and what the bodies offered in
the needs form); the decisions and minority positions marked during the meetings. A draft
("BOZZA") until approved; the approval freezes the content (`NeedsCall.sintesi_snapshot`), so
the approved document never changes when the boards do.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards import service as boards
from workshop.glossary import INSTRUMENT_NAMES, long_date, term
from workshop.models import MarkKind, MeetingMark, NeedsCall, Project, Room, RoomVote, utcnow
from workshop.models.board import BoardKind
from workshop.needs.service import NeedsError, needs_cards
from workshop.numbers import format_euros
from workshop.projects.record import ledger_figures

LOCAL_TIME = ZoneInfo("Europe/Rome")  # the dates a municipality files are local dates
MAX_APPROVER_CHARS = 120  # as NeedsCall.sintesi_approved_by
MAX_REASON_CHARS = 500  # why an approved version is corrected: a sentence or two

WORDS = {
    "it": {
        "kind": "Documento di sintesi della co-programmazione",
        "call": "Raccolta dei bisogni: {title}",
        "instrument": "Percorso: {value}",
        "needs": "Bisogni segnalati e priorità",
        "need": "Bisogno",
        "body": "Ente segnalante",
        "evidence": "Evidenze",
        "people": "Persone coinvolte",
        "votes": "Voti",
        "removed": "(scheda tolta dalla lavagna)",
        "no_needs": "Nessun bisogno segnalato.",
        "interventions": "Interventi proposti",
        "no_interventions": "Nessun intervento proposto sulla teoria del cambiamento.",
        "lead": "Capofila: {name}",
        "resources": "Risorse messe a disposizione",
        "ledger": "Dal piano di cofinanziamento",
        "partner": "Soggetto",
        "planned": "Previsto",
        "in_kind": "di cui in natura",
        "no_ledger": "Nessuna riga nel piano di cofinanziamento.",
        "offered": "Indicate dagli enti nella raccolta dei bisogni",
        "no_offered": "Nessuna risorsa indicata.",
        "positions": "Posizioni registrate",
        "decision": "Decisione",
        "minority": "Posizione di minoranza",
        "no_positions": "Nessuna decisione o posizione di minoranza registrata.",
        "draft_banner": "Bozza: non ancora approvata dal tavolo.",
        "version": "Versione {n}: corregge la versione {before} ({reason}).",
        "approved": "Approvato da {who} il {when}.",
    },
    "en": {
        "kind": "Co-programming summary document (documento di sintesi)",
        "call": "Call for needs: {title}",
        "instrument": "Path: {value}",
        "needs": "Needs reported and priorities",
        "need": "Need",
        "body": "Reported by",
        "evidence": "Evidence",
        "people": "People concerned",
        "votes": "Votes",
        "removed": "(card removed from the board)",
        "no_needs": "No need reported.",
        "interventions": "Interventions proposed",
        "no_interventions": "No intervention proposed on the theory of change.",
        "lead": "Lead: {name}",
        "resources": "Resources each party brings",
        "ledger": "From the co-funding ledger",
        "partner": "Party",
        "planned": "Planned",
        "in_kind": "of which in kind",
        "no_ledger": "No line in the co-funding ledger.",
        "offered": "Stated by the bodies in the needs form",
        "no_offered": "No resource stated.",
        "positions": "Positions recorded",
        "decision": "Decision",
        "minority": "Minority position",
        "no_positions": "No decision or minority position recorded.",
        "draft_banner": "Draft: not yet approved by the table.",
        "version": "Version {n}: corrects version {before} ({reason}).",
        "approved": "Approved by {who} on {when}.",
    },
}


def content(session: Session, call: NeedsCall) -> dict[str, Any]:
    """What the document says today, as plain data (what the approval freezes)."""
    project = session.get(Project, call.project_id)
    votes = _votes_on_context_board(session, call.project_id)
    needs = []
    for order, (row, card) in enumerate(needs_cards(session, call.project_id)):
        if row.call_id != call.id:
            continue
        needs.append(
            {
                "need": str(card.fields.get("text") or row.need) if card else row.need,
                "body": row.body,
                "evidence": row.evidence,
                "people": row.people,
                "votes": votes.get(row.item_id, 0) if card else 0,
                "on_board": card is not None,
                "order": order,
            }
        )
    needs.sort(key=lambda n: (-n["votes"], n["order"]))
    figures = ledger_figures(session.connection(), call.project_id)
    return {
        "project_title": project.title if project else "",
        "instrument": project.instrument if project else "",
        "call_title": call.title,
        "needs": needs,
        "interventions": _interventions(session, call.project_id),
        "ledger": [
            {"name": name, "planned": planned, "in_kind": in_kind}
            for name, _source, planned, in_kind, _share in figures["by_partner"]
        ],
        "offered": [
            {"body": row.body, "resources": row.resources}
            for row in call.submissions
            if row.resources
        ],
        "positions": _positions(session, call.project_id),
    }


def _votes_on_context_board(session: Session, project_id: int) -> dict[str, int]:
    """Dots per card of the context board, over every room that ran on it."""
    board_id = boards.project_board_id(session, project_id, BoardKind.CONTEXT.value)
    if board_id is None:
        return {}
    rows = session.execute(
        sa.select(RoomVote.item_id, sa.func.count())
        .join(Room, Room.id == RoomVote.room_id)
        .where(Room.board_id == board_id)
        .group_by(RoomVote.item_id)
    )
    return {item_id: n for item_id, n in rows}


def _interventions(session: Session, project_id: int) -> list[dict[str, str]]:
    toc = boards.project_board_items(session, project_id, BoardKind.THEORY_OF_CHANGE.value)
    actors = boards.project_board_items(session, project_id, BoardKind.STAKEHOLDERS.value)
    found = []
    for item in sorted(toc.values(), key=lambda it: it.created_seq):
        if item.type != "intervention":
            continue
        lead = actors.get(str(item.fields.get("lead") or ""))
        found.append(
            {
                "text": str(item.fields.get("text") or ""),
                "lead": str(lead.fields.get("name") or "") if lead else "",
                "inputs": str(item.fields.get("inputs") or ""),
            }
        )
    return found


def _positions(session: Session, project_id: int) -> list[dict[str, str]]:
    marks = session.scalars(
        sa.select(MeetingMark)
        .where(
            MeetingMark.project_id == project_id,
            MeetingMark.kind.in_((MarkKind.DECISION, MarkKind.MINORITY)),
            MeetingMark.removed_at.is_(None),
        )
        .order_by(MeetingMark.created_at, MeetingMark.id)
    )
    return [
        {
            "kind": mark.kind.value,
            "text": mark.text,
            "by": mark.created_by_name,
            "on": mark.created_at.astimezone(LOCAL_TIME).date().isoformat(),
        }
        for mark in marks
    ]


def document(session: Session, call: NeedsCall) -> dict[str, Any]:
    """The frozen content once approved, else today's draft; with its approval."""
    approved = call.sintesi_approved_at is not None and call.sintesi_snapshot is not None
    data = dict(call.sintesi_snapshot) if approved else content(session, call)
    data["approved_by"] = call.sintesi_approved_by if approved else ""
    data["approved_on"] = (
        call.sintesi_approved_at.astimezone(LOCAL_TIME).date().isoformat() if approved else ""
    )
    earlier = call.sintesi_versions or []
    data["version"] = len(earlier) + 1
    data["corrects_reason"] = earlier[-1]["reason"] if earlier else ""
    return data


def correct(session: Session, call: NeedsCall, reason: str) -> None:
    """An approved documento di sintesi is never changed: a correction keeps it whole as an
    earlier version, with the reason, and opens the next version as a draft that follows the
    boards until it is approved in turn. Raises NeedsError "not_approved", "required",
    "too_long"."""
    if call.sintesi_approved_at is None or call.sintesi_snapshot is None:
        raise NeedsError("not_approved")
    reason = " ".join(reason.split())
    if not reason:
        raise NeedsError("required", "reason")
    if len(reason) > MAX_REASON_CHARS:
        raise NeedsError("too_long", "reason")
    earlier = list(call.sintesi_versions or [])
    earlier.append(
        {
            "version": len(earlier) + 1,
            "approved_by": call.sintesi_approved_by,
            "approved_at": call.sintesi_approved_at.isoformat(),
            "snapshot": call.sintesi_snapshot,
            "reason": reason,
        }
    )
    call.sintesi_versions = earlier  # a new list: the JSON column sees the change
    call.sintesi_snapshot = None
    call.sintesi_approved_by = ""
    call.sintesi_approved_at = None
    session.flush()


def approve(
    session: Session, call: NeedsCall, approved_by: str, now: datetime | None = None
) -> None:
    """Freeze today's content as approved by `approved_by` (the working group, a person).
    Raises NeedsError "already_approved" (frozen: never approved twice), "required", "too_long"."""
    if call.sintesi_approved_at is not None:
        raise NeedsError("already_approved")
    approved_by = " ".join(approved_by.split())
    if not approved_by:
        raise NeedsError("required", "approved_by")
    if len(approved_by) > MAX_APPROVER_CHARS:
        raise NeedsError("too_long", "approved_by")
    call.sintesi_snapshot = content(session, call)
    call.sintesi_approved_by = approved_by
    call.sintesi_approved_at = now or utcnow()
    session.flush()


def words_for(data: dict[str, Any], lang: str) -> dict[str, str]:
    """The document's words, with its heading lines filled in for this document."""
    w = dict(WORDS[lang])
    w["call_line"] = w["call"].format(title=data["call_title"])
    instrument = INSTRUMENT_NAMES[lang].get(data.get("instrument") or "")
    w["instrument_line"] = w["instrument"].format(value=instrument) if instrument else ""
    w["state"] = (
        w["approved"].format(who=data["approved_by"], when=long_date(data["approved_on"], lang))
        if data.get("approved_on")
        else w["draft_banner"]
    )
    w["draft"] = term("draft", lang)
    w["version_line"] = (
        w["version"].format(
            n=data["version"], before=data["version"] - 1, reason=data["corrects_reason"]
        )
        if data.get("version", 1) > 1
        else ""
    )
    return w


def to_docx(data: dict[str, Any], lang: str) -> bytes:
    from docx import Document
    from docx.shared import Pt

    w = words_for(data, lang)
    doc = Document()
    doc.core_properties.title = f"{w['kind']}: {data['project_title']}"
    doc.core_properties.language = lang
    doc.styles["Normal"].font.name = "DejaVu Sans"
    doc.styles["Normal"].font.size = Pt(10.5)
    if not data.get("approved_on"):
        run = doc.add_paragraph().add_run(w["draft"])
        run.bold = True
        run.font.size = Pt(20)
        doc.sections[0].header.paragraphs[0].text = w["draft_banner"]
    doc.add_heading(w["kind"], level=0)
    doc.add_paragraph(data["project_title"]).runs[0].bold = True
    for line in (w["call_line"], w["instrument_line"], w["version_line"]):
        if line:
            doc.add_paragraph(line)
    doc.add_paragraph(w["state"]).runs[0].italic = True

    doc.add_heading(w["needs"], level=1)
    if not data["needs"]:
        doc.add_paragraph(w["no_needs"])
    for n, need in enumerate(data["needs"], 1):
        title = f"{n}. {need['need']}" + ("" if need["on_board"] else f" {w['removed']}")
        doc.add_heading(title, level=2)
        doc.add_paragraph(f"{w['body']}: {need['body']}")
        doc.add_paragraph(f"{w['votes']}: {need['votes']}")
        for key in ("people", "evidence"):
            if need[key]:
                doc.add_paragraph(f"{w[key]}: {need[key]}")

    doc.add_heading(w["interventions"], level=1)
    if not data["interventions"]:
        doc.add_paragraph(w["no_interventions"])
    for item in data["interventions"]:
        line = item["text"] + (f" — {w['lead'].format(name=item['lead'])}" if item["lead"] else "")
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading(w["resources"], level=1)
    doc.add_heading(w["ledger"], level=2)
    if data["ledger"]:
        table = doc.add_table(rows=1, cols=3)
        table.style = "Light Grid Accent 1"
        for cell, text in zip(
            table.rows[0].cells, (w["partner"], w["planned"], w["in_kind"]), strict=True
        ):
            cell.text = text
        for line in data["ledger"]:
            cells = table.add_row().cells
            cells[0].text = line["name"]
            cells[1].text = format_euros(line["planned"], lang)
            cells[2].text = format_euros(line["in_kind"], lang)
    else:
        doc.add_paragraph(w["no_ledger"])
    doc.add_heading(w["offered"], level=2)
    if not data["offered"]:
        doc.add_paragraph(w["no_offered"])
    for offer in data["offered"]:
        doc.add_paragraph(f"{offer['body']}: {offer['resources']}", style="List Bullet")

    doc.add_heading(w["positions"], level=1)
    if not data["positions"]:
        doc.add_paragraph(w["no_positions"])
    for mark in data["positions"]:
        who = f" ({mark['by']}, {long_date(mark['on'], lang)})" if mark["by"] else ""
        doc.add_paragraph(f"{w[mark['kind']]}: {mark['text']}{who}", style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
