"""The organizer's dashboard: labs and their live sessions, projects and their boards with what
each holds and how to review or download it, the latest named snapshots; and a whole project
as one ZIP. Everyone sees only what they may: conductors their own projects, organizers all
of them and the labs and attendance besides."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime

from flask import Blueprint, abort, render_template, request, send_file
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from workshop.access import policy
from workshop.boards import service
from workshop.boards.schema import registry as item_types
from workshop.canvases import registry_csv
from workshop.exports import board_json, diagram, project_zip, social_report
from workshop.exports import theory_of_change as toc_exports
from workshop.extensions import db
from workshop.models import Board, BoardKind, LiveSession
from workshop.projects import overview
from workshop.projects.service import visible_projects
from workshop.rooms import labs
from workshop.rooms import where
from workshop.web.board_strings import board_strings
from workshop.web.downloads import download, type_labels
from workshop.web.i18n import board_label
from workshop.web.reports import REPORT_CSS
from workshop.web.rooms import attendance_file
from workshop.web.security import get_project_or_abort, require_user

bp = Blueprint("dashboard", __name__)

SESSION_KINDS = (BoardKind.CONTEXT, BoardKind.STAKEHOLDERS, BoardKind.THEORY_OF_CHANGE, BoardKind.SOCIAL_REPORTING)


@bp.get("/organize")
def index():
    """Labs, projects and boards at a glance. :raise 403: for anyone who manages no project"""
    who = require_user()
    projects = visible_projects(db.session, who.user_id, who.is_organizer)
    if not projects and not who.is_organizer:
        abort(403)
    project_ids = [p.id for p in projects]
    boards = {p.id: sorted(p.boards, key=_board_order) for p in projects}
    figures = overview.board_figures(db.session, [b.id for bs in boards.values() for b in bs])
    sessions = overview.live_sessions(db.session, project_ids)
    return render_template(
        "dashboard/index.html",
        projects=projects,
        project_titles={p.id: p.title for p in projects},
        boards=boards,
        figures=figures,
        labs=labs.all_labs(db.session) if policy.can_manage_labs(who) else [],
        sessions=sessions,
        sessions_by_project={pid: [s for s in sessions if s.project_id == pid] for pid in project_ids},
        boards_by_id={b.id: b for bs in boards.values() for b in bs},
        recent=overview.recent_snapshots(db.session, project_ids),
        attendance_of={pid: policy.can_see_attendance(who, pid) for pid in project_ids},
        # Each session under its lab meeting, for conductors too (they see no lab table).
        meetings_by_id=where.meetings_by_id(db.session, [s.meeting_id for s in sessions]),
    )


def _board_order(board: Board) -> tuple:
    """The four session boards in their order first, then the others (group boards, free)."""
    kinds = list(SESSION_KINDS)
    first = kinds.index(board.kind) if board.kind in kinds and not board.title else len(kinds)
    return (first, board.position, board.id)


# --- the whole project as one ZIP -----------------------------------------------------------------------


@bp.get("/projects/<int:project_id>/export.zip")
def project_archive(project_id: int):
    """Every board in every format, the record, registry, logframe, report, attendance and snapshots."""
    project = get_project_or_abort(project_id)
    who = require_user()
    strings = board_strings()
    labels = diagram.Labels(types=type_labels(strings), untitled="", strings=strings)
    lang = "en" if str(get_locale()) == "en" else "it"
    archive = project_zip.ProjectZip()
    boards = sorted(project.boards, key=_board_order)
    folders: dict[int, str] = {}
    top = _("boards")  # the folder of the boards, one folder each inside
    for n, board in enumerate(boards, start=1):
        name = f"{n:02d} {board_label(board)}"
        folder = f"{top}/{name}"
        folders[board.id] = f"{project_zip.safe_name(top)}/{project_zip.safe_name(name)}"
        _add_board(archive, folder, board, strings, labels, lang)
    registry = service.project_board_items(db.session, project.id, BoardKind.STAKEHOLDERS.value)
    actors = sorted(
        (it for it in registry.values() if it.type == "actor"), key=lambda it: (it.created_seq, it.id)
    )
    if actors:
        archive.add(
            "",
            _("actor-registry.csv"),
            registry_csv.export_registry(actors),
            _("The actor registry (CSV for spreadsheets; imports back)"),
        )
    if policy.can_see_attendance(who, project.id):
        for live in overview.live_sessions(db.session, [project.id]):
            archive.add(
                _("live-sessions"),
                _("attendance-%(id)s.csv", id=live.id),
                _attendance_csv(live),
                _(
                    "Attendance of the live session of %(date)s",
                    date=format_datetime(live.opened_at, "short"),
                ),
            )
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
    from workshop import ledger  # the co-funding ledger (issue 16): the project's one budget
    from workshop.ledger.csv_export import ledger_csv

    archive.add("", _("co-funding-ledger.csv"), ledger_csv(ledger.lines(db.session, project.id), lang), _("The co-funding ledger: one line per partner contribution (CSV)"))
    record = project_zip.project_record(project, boards, folders)
    whole = ledger.summary(db.session, project)
    # The record's figures, from the ledger (the columns above keep what was typed before it).
    record["co_funding_ledger"] = {
        "by_source": {code: str(t.planned) for code, t in whole.by_source.items()},
        "total": str(whole.total_planned),
        "in_kind": str(whole.total_in_kind),
        "partners": [
            {"actor_id": p.actor_id, "name": p.name, "source": p.source_class, "planned": str(p.planned), "share_percent": str(p.share_percent)}
            for p in whole.by_partner
        ],
    }
    body = json.dumps(record, ensure_ascii=False, indent=1)
    archive.add("", _("project.json"), body, _("The project record (JSON)"))
    file = archive.finish(
        _("Project: %(title)s", title=project.title),
        _(
            "Everything the project holds, as saved. "
            "Each board's JSON file imports back into a new board."
        ),
        _("Made on %(when)s.", when=format_datetime(datetime.now(UTC), "long")),
    )
    name = project_zip.safe_name(project.title, "progetto")
    if archive.in_memory:
        with file:
            return download(file.read(), "application/zip", f"{download_slug(name)}.zip")
    # A large archive is on disk already: streamed from there, and removed when sent.
    return send_file(
        file, mimetype="application/zip", as_attachment=True, download_name=f"{name}.zip", max_age=0
    )


def _add_board(
    archive: project_zip.ProjectZip,
    folder: str,
    board: Board,
    strings: dict,
    labels: diagram.Labels,
    lang: str,
) -> None:
    """One board's folder: JSON, CSV per item type, the drawing; logframe or report if it has them."""
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
        registry = service.project_board_items(
            db.session, board.project_id, BoardKind.STAKEHOLDERS.value
        )
        actors = {i: it.fields.get("name", "") for i, it in registry.items() if it.type == "actor"}
        body = toc_exports.workbook(items, actors, lambda key: strings.get(key, key))
        archive.add(folder, _("logframe.xlsx"), body, _("The logframe and indicators workbook (XLSX)"))
    if board.kind == BoardKind.SOCIAL_REPORTING:
        boards = {
            kind.value: service.project_board_items(db.session, board.project_id, kind.value)
            for kind in (BoardKind.CONTEXT, BoardKind.STAKEHOLDERS, BoardKind.THEORY_OF_CHANGE)
        }
        boards[BoardKind.SOCIAL_REPORTING.value] = service.board_items(db.session, board.id)
        # The same report as its page: the record's identity and ledger, its period and state.
        from workshop.projects import report_links
        from workshop.projects.record import record_for_report

        state = report_links.state_of(db.session, board.id)
        record = record_for_report(db.session.connection(), board.project_id)
        approved = report_links.is_approved(state, board)
        report = social_report.build(board.project.title, boards, lang, record, state, approved=approved)
        css = REPORT_CSS.read_text(encoding="utf-8")
        html = render_template("reports/document.html", report=report, inline_css=css)
        pdf = social_report.html_to_pdf(html, base_url=request.url_root)
        archive.add(folder, _("social-report.pdf"), pdf, _("The social report (PDF)"))
        docx = social_report.to_docx(report)
        archive.add(folder, _("social-report.docx"), docx, _("The social report (DOCX, to edit)"))


def download_slug(name: str) -> str:
    """An ASCII name for the Content-Disposition header: "progetto-citta-aperta"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "progetto"


def _attendance_csv(live: LiveSession) -> bytes:
    return attendance_file(live)  # the same file as the session's own link (web/rooms.py)
