"""The heavy downloads, as job functions: each takes ids and plain values, reloads what it needs
from the database, and returns the file. They run in a worker process (workshop/jobs/worker.py)
inside an app context with the reader's language set, never on the server's event loop.

Nothing here reads a request: whatever depends on who asked (may this person see the attendance?)
is decided by the view and passed in as a plain value.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import render_template
from flask_babel import format_datetime
from flask_babel import gettext as _

from workshop import ledger
from workshop.boards import service
from workshop.canvases import registry_csv
from workshop.exports import board_json, diagram, project_zip, social_report
from workshop.exports import theory_of_change as toc_exports
from workshop.extensions import db
from workshop.ledger.csv_export import ledger_csv
from workshop.models import Board, BoardKind, Project
from workshop.models.ledger import LedgerLine
from workshop.projects import overview, report_links
from workshop.projects.record import record_for_report
from workshop.rooms import privacy
from workshop.rooms.rules import Viewer

DIAGRAM_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"
SESSION_KINDS = (
    BoardKind.CONTEXT,
    BoardKind.STAKEHOLDERS,
    BoardKind.THEORY_OF_CHANGE,
    BoardKind.SOCIAL_REPORTING,
)


class TaskError(Exception):
    """The thing to render is gone (deleted since the job was asked for)."""


@dataclass(frozen=True)
class FileResult:
    """A finished download: what the browser receives."""

    body: bytes
    mimetype: str
    filename: str


def _board(board_id: int) -> Board:
    board = db.session.get(Board, board_id)
    if board is None:
        raise TaskError(f"board {board_id} is gone")
    return board


def _labels() -> diagram.Labels:
    from workshop.web.downloads import diagram_labels

    return diagram_labels()


def board_diagram(board_id: int, fmt: str) -> FileResult:
    """The board drawn, as SVG, PNG or PDF."""
    from workshop.web.downloads import download_name
    from workshop.web.i18n import board_label

    board = _board(board_id)
    svg = diagram.board_svg(
        service.live_items(db.session, board.id), _labels(), title=board_label(board)
    )
    if fmt == "svg":
        body = svg.encode("utf-8")
    elif fmt == "png":
        body = diagram.svg_to_png(svg)
    else:
        body = diagram.svg_to_pdf(svg)
    return FileResult(body, DIAGRAM_TYPES[fmt], download_name(board, fmt))


def project_actors(project_id: int) -> dict[str, str]:
    """The names of the project's actors (stakeholder board), by item id."""
    registry = service.project_board_items(db.session, project_id, BoardKind.STAKEHOLDERS.value)
    return {i: it.fields.get("name", "") for i, it in registry.items() if it.type == "actor"}


def _toc_workbook_bytes(board: Board, items: list[dict]) -> bytes:
    from workshop.web.board_strings import board_strings

    strings = board_strings()
    return toc_exports.workbook(
        items,
        project_actors(board.project_id),
        lambda key: strings.get(key, key),
        _lang(),
        **logframe_sources(board),
    )


def _lang() -> str:
    """The language the task runs in (the worker forces the reader's)."""
    from flask_babel import get_locale

    return "en" if str(get_locale()) == "en" else "it"


def logframe_sources(board: Board) -> dict:
    """What the logframe reads besides the ToC board: the objective tree (the project purpose)
    and the project's co-funding ledger (the Activities row's means and costs)."""
    context = service.project_board_items(db.session, board.project_id, BoardKind.CONTEXT.value)
    return {
        "context": [{"id": i, "type": it.type, "fields": it.fields} for i, it in context.items()],
        "ledger": ledger.summary(db.session, board.project),
    }


def ledger_version(project_id: int) -> str:
    """What the project's ledger looks like, for a cached file that reads it: its lines' count,
    newest change and highest id (an added, edited or removed line changes one of them)."""
    count, changed, top = db.session.execute(
        sa.select(
            sa.func.count(LedgerLine.id),
            sa.func.max(LedgerLine.updated_at),
            sa.func.max(LedgerLine.id),
        ).where(LedgerLine.project_id == project_id)
    ).one()
    return f"{count}:{changed}:{top}"


def toc_workbook(board_id: int) -> FileResult:
    """The logframe and indicators of a theory of change, as an XLSX workbook."""
    from workshop.web.downloads import download_name

    board = _board(board_id)
    body = _toc_workbook_bytes(board, service.live_items(db.session, board.id))
    return FileResult(body, XLSX, download_name(board, "xlsx"))


def social_report_data(
    board: Board, lang: str, viewer: Viewer | None = None
) -> social_report.ReportData:
    """The report of a social reporting board, from it and the project's other session boards,
    as this viewer may see them: items still private in a live session's private writing are
    left out for everyone but the project's managers (no viewer: a reader who manages nothing)."""
    viewer = viewer or Viewer("", False)

    def readable(board_id: int | None) -> dict:
        if board_id is None:
            return {}
        items = service.board_items(db.session, board_id)
        return privacy.readable_items(db.session, board_id, items, viewer)

    boards = {
        kind.value: readable(service.project_board_id(db.session, board.project_id, kind.value))
        for kind in (BoardKind.CONTEXT, BoardKind.STAKEHOLDERS, BoardKind.THEORY_OF_CHANGE)
    }
    boards[BoardKind.SOCIAL_REPORTING.value] = readable(board.id)
    # The same report as its page: the record's identity and ledger, its period and state.
    record = record_for_report(db.session.connection(), board.project_id)
    state = report_links.state_of(db.session, board.id)
    return social_report.build(
        board.project.title,
        boards,
        lang,
        record,
        state,
        approved=report_links.is_approved(state, board),
    )


def _report_pdf_bytes(report: social_report.ReportData) -> bytes:
    from workshop import STATIC_DIR
    from workshop.web.reports import REPORT_CSS

    html = render_template(
        "reports/document.html", report=report, inline_css=REPORT_CSS.read_text(encoding="utf-8")
    )
    # The CSS is inline; relative references (none today) resolve against static/, not a host.
    return social_report.html_to_pdf(html, base_url=STATIC_DIR.as_uri() + "/")


def report_pdf(board_id: int, lang: str, manager: bool = False) -> FileResult:
    """The social report laid out as PDF."""
    from workshop.web.downloads import download_name

    board = _board(board_id)
    return FileResult(
        _report_pdf_bytes(social_report_data(board, lang, Viewer("", manager))),
        "application/pdf",
        download_name(board, "pdf"),
    )


def report_docx(board_id: int, lang: str, manager: bool = False) -> FileResult:
    """The social report as a Word document, to edit."""
    from workshop.web.downloads import download_name

    board = _board(board_id)
    body = social_report.to_docx(social_report_data(board, lang, Viewer("", manager)))
    return FileResult(body, DOCX, download_name(board, "docx"))


def _verbale_result(found, fmt: str, lang: str) -> FileResult:
    from workshop.web.verbale import file_name, file_of

    body, mimetype = file_of(found, fmt, lang)
    return FileResult(body, mimetype, file_name(found, fmt, lang))


def _add_verbali(archive: project_zip.ProjectZip, project_id: int, lang: str) -> None:
    """Each meeting's verbale (its latest version), as PDF and DOCX: "BOZZA" until approved."""
    from workshop.meetings import verbale as minutes

    for found in minutes.project_verbali(db.session, project_id):
        for fmt in ("pdf", "docx"):
            made = _verbale_result(found, fmt, lang)
            archive.add(
                _("verbali"),
                made.filename,
                made.body,
                _("The verbale of a meeting, version %(n)s (approved)", n=found.version)
                if found.approved_at
                else _("The verbale of a meeting, version %(n)s (draft)", n=found.version),
            )


def verbale_file(project_id: int, verbale_id: int, fmt: str, lang: str) -> FileResult:
    """A meeting's verbale as PDF or DOCX: "BOZZA" until approved."""
    from workshop.meetings import verbale as minutes

    return _verbale_result(minutes.get(db.session, project_id, verbale_id), fmt, lang)


def sintesi_file(project_id: int, call_id: int, fmt: str, lang: str) -> FileResult:
    """A co-programmazione's documento di sintesi as PDF or DOCX: "BOZZA" until approved."""
    from workshop.models import NeedsCall
    from workshop.web.needs import sintesi_bytes

    call = db.session.get(NeedsCall, call_id)
    if call is None or call.project_id != project_id:
        raise TaskError(f"needs call {call_id} of project {project_id} is gone")
    return sintesi_bytes(call, fmt, lang)


def _add_sintesi(archive: project_zip.ProjectZip, project_id: int, lang: str) -> None:
    """Each call for needs' documento di sintesi, as PDF and DOCX: "BOZZA" until approved."""
    from workshop.needs.service import calls_of
    from workshop.web.needs import sintesi_bytes

    for call in calls_of(db.session, project_id):
        for fmt in ("pdf", "docx"):
            made = sintesi_bytes(call, fmt, lang)
            archive.add(
                _("co-programming"),
                made.filename,
                made.body,
                _("The documento di sintesi of a call for needs (approved)")
                if call.sintesi_approved_at
                else _("The documento di sintesi of a call for needs (draft)"),
            )


def board_order(board: Board) -> tuple:
    """The four session boards in their order first, then the others (group boards, free)."""
    kinds = list(SESSION_KINDS)
    first = kinds.index(board.kind) if board.kind in kinds and not board.title else len(kinds)
    return (first, board.position, board.id)


def project_archive(project_id: int, lang: str, with_attendance: bool) -> FileResult:
    """Each board in each format; the record, registry, logframe, report, attendance, snapshots."""
    from workshop.web.i18n import board_label

    project = db.session.get(Project, project_id)
    if project is None:
        raise TaskError(f"project {project_id} is gone")
    labels = _labels()
    archive = project_zip.ProjectZip()
    boards = sorted(project.boards, key=board_order)
    folders: dict[int, str] = {}
    top = _("boards")  # the folder of the boards, one folder each inside
    for n, board in enumerate(boards, start=1):
        name = f"{n:02d} {board_label(board)}"
        folders[board.id] = f"{project_zip.safe_name(top)}/{project_zip.safe_name(name)}"
        _add_board(archive, f"{top}/{name}", board, labels, lang)
    registry = service.project_board_items(db.session, project.id, BoardKind.STAKEHOLDERS.value)
    actors = sorted(
        (it for it in registry.values() if it.type == "actor"),
        key=lambda it: (it.created_seq, it.id),
    )
    if actors:
        archive.add(
            "",
            _("actor-registry.csv"),
            registry_csv.export_registry(actors),
            _("The actor registry (CSV for spreadsheets; imports back)"),
        )
    if with_attendance:
        from workshop.web.rooms import attendance_file

        for live in overview.live_sessions(db.session, [project.id]):
            archive.add(
                _("live-sessions"),
                _("attendance-%(id)s.csv", id=live.id),
                attendance_file(live),  # the session's own file, for an Italian office
                _(
                    "Attendance of the live session of %(date)s",
                    date=format_datetime(live.opened_at, "short"),
                ),
            )
    _add_verbali(archive, project.id, lang)
    _add_sintesi(archive, project.id, lang)
    snapshots = overview.project_snapshots(db.session, project.id)
    archive.add(
        "",
        _("snapshots.csv"),
        project_zip.snapshots_csv(
            {
                "board_id": b.id,
                "board": board_label(b),
                "seq": s.seq,
                "kind": s.kind,
                "name": s.name,
                "created_at": s.created_at,
                "created_by": s.created_by or "",
            }
            for b, s in snapshots
        ),
        _("The named snapshots: %(count)s", count=len(snapshots)),
    )
    archive.add(
        "",
        _("co-funding-ledger.csv"),
        ledger_csv(ledger.lines(db.session, project.id), lang),
        _("The co-funding ledger: one line per partner contribution (CSV)"),
    )
    record = project_zip.project_record(project, boards, folders)
    whole = ledger.summary(db.session, project)
    # The record's figures, from the ledger (the columns above keep what was typed before it).
    record["co_funding_ledger"] = {
        "by_source": {code: str(t.planned) for code, t in whole.by_source.items()},
        "total": str(whole.total_planned),
        "in_kind": str(whole.total_in_kind),
        "partners": [
            {
                "actor_id": p.actor_id,
                "name": p.name,
                "source": p.source_class,
                "planned": str(p.planned),
                "share_percent": str(p.share_percent),
            }
            for p in whole.by_partner
        ],
    }
    archive.add(
        "",
        _("project.json"),
        json.dumps(record, ensure_ascii=False, indent=1),
        _("The project record (JSON)"),
    )
    file = archive.finish(
        _("Project: %(title)s", title=project.title),
        _(
            "Everything the project holds, as saved. "
            "Each board's JSON file imports back into a new board."
        ),
        _("Made on %(when)s.", when=format_datetime(datetime.now(UTC), "long")),
    )
    with file:
        body = file.read()
    return FileResult(
        body, ZIP, f"{download_slug(project_zip.safe_name(project.title, 'progetto'))}.zip"
    )


def download_slug(name: str) -> str:
    """An ASCII name for the Content-Disposition header: "progetto-citta-aperta"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "progetto"


def _add_board(
    archive: project_zip.ProjectZip, folder: str, board: Board, labels: diagram.Labels, lang: str
) -> None:
    """One board's folder: JSON, CSV per item type, the drawing; its logframe or report if any."""
    from workshop.boards.schema import registry as item_types
    from workshop.web.board_strings import board_strings
    from workshop.web.i18n import board_label

    strings = board_strings()
    items = service.live_items(db.session, board.id)
    title = board_label(board)
    document = board_json.export_board(str(board.kind), title, items)
    body = json.dumps(document, ensure_ascii=False, indent=1)
    archive.add(folder, "board.json", body, _("The board as JSON (imports back into a new board)"))
    for item_type in sorted({it["type"] for it in items}):
        spec = item_types.get(item_type)
        headers = {n: strings.get(f"field.{item_type}.{n}", n) for n in spec.all_fields()}
        label = labels.types.get(item_type, item_type)
        body = board_json.items_csv(items, spec, headers)
        archive.add(folder, f"{item_type}.csv", body, _("CSV of the items: %(type)s", type=label))
    svg = diagram.board_svg(items, labels, title=title)
    archive.add(folder, "board.svg", svg, _("The board drawn (SVG)"))
    archive.add(folder, "board.pdf", diagram.svg_to_pdf(svg), _("The board drawn (PDF)"))
    if not items:
        return
    if board.kind == BoardKind.THEORY_OF_CHANGE:
        body = _toc_workbook_bytes(board, items)
        archive.add(
            folder, _("logframe.xlsx"), body, _("The logframe and indicators workbook (XLSX)")
        )
    if board.kind == BoardKind.SOCIAL_REPORTING:
        report = social_report_data(board, lang)
        archive.add(
            folder, _("social-report.pdf"), _report_pdf_bytes(report), _("The social report (PDF)")
        )
        docx = social_report.to_docx(report)
        archive.add(folder, _("social-report.docx"), docx, _("The social report (DOCX, to edit)"))


TASKS = {
    "board_diagram": board_diagram,
    "toc_workbook": toc_workbook,
    "report_pdf": report_pdf,
    "report_docx": report_docx,
    "project_archive": project_archive,
    "verbale_file": verbale_file,
    "sintesi_file": sintesi_file,
}
