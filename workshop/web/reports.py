"""The social report of a social reporting board: read on the site, downloaded as PDF or DOCX,
and given back to the community through a public read-only page behind a revocable link."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from workshop.access import policy
from workshop.exports import social_report
from workshop.extensions import db, limiter
from workshop.jobs import tasks
from workshop.models import Board, BoardKind, ReportLink
from workshop.projects import report_links
from workshop.rooms.rules import Viewer
from workshop.web import jobs
from workshop.web.forms import EmptyForm, ReportLinkForm
from workshop.web.security import get_board_or_abort, principal

bp = Blueprint("reports", __name__)

REPORT_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "report.css"
PUBLIC_PAGE_RATE_LIMIT = "120 per minute"  # per address: a public page, read by a community


def _reporting_board(board_id: int) -> Board:
    board = get_board_or_abort(board_id)
    if board.kind != BoardKind.SOCIAL_REPORTING:
        abort(404)
    return board


def _lang() -> str:
    return "en" if str(get_locale()) == "en" else "it"


def _report(board: Board, lang: str) -> social_report.ReportData:
    """The report of this board, drawn from it and from the project's other session boards,
    as the reader may see them: items still private in a live session's private writing are
    left out for everyone but the project's managers (a public link's reader included)."""
    who = principal()
    viewer = Viewer(who.identity if who else "", policy.can_conduct_board(who, board.project_id))
    return tasks.social_report_data(board, lang, viewer)


def report_version(board: Board) -> str:
    """What a report depends on: every board of its project (their changes and names) and the title."""
    boards = ",".join(
        f"{b.id}:{b.seq}:{b.title}" for b in sorted(board.project.boards, key=lambda b: b.id)
    )
    return f"{board.project.title}|{boards}"


@bp.get("/boards/<int:board_id>/report")
def show(board_id: int):
    board = _reporting_board(board_id)
    who = principal()
    may_share = policy.can_manage_project(who, board.project_id)
    return render_template(
        "reports/show.html",
        board=board,
        report=_report(board, _lang()),
        may_share=may_share,
        links=report_links.links_of(db.session, board.id) if may_share else [],
        link_form=ReportLinkForm(lang=_lang()),
        revoke_form=EmptyForm(),
    )


@bp.route("/boards/<int:board_id>/report.pdf", methods=["GET", "POST"])
def pdf(board_id: int):
    """The report laid out as PDF by a job worker (workshop/jobs)."""
    board = _reporting_board(board_id)
    return jobs.serve(
        "report_pdf",
        report_version(board),
        board_id=board.id,
        lang=jobs.lang(),
        manager=_manages(board),
    )


@bp.route("/boards/<int:board_id>/report.docx", methods=["GET", "POST"])
def docx(board_id: int):
    board = _reporting_board(board_id)
    return jobs.serve(
        "report_docx",
        report_version(board),
        board_id=board.id,
        lang=jobs.lang(),
        manager=_manages(board),
    )


def _manages(board: Board) -> bool:
    """A manager's file holds what is still private in a live session; anyone else's does not
    (the job caches the two apart: `manager` is one of its arguments)."""
    return policy.can_conduct_board(principal(), board.project_id)


jobs.register_check("report_pdf", lambda kwargs: _reporting_board(kwargs["board_id"]))
jobs.register_check("report_docx", lambda kwargs: _reporting_board(kwargs["board_id"]))


@bp.post("/boards/<int:board_id>/report/links")
def create_link(board_id: int):
    board = _reporting_board(board_id)
    who = principal()
    if not policy.can_manage_project(who, board.project_id):
        abort(403)
    form = ReportLinkForm()
    if not form.validate_on_submit():
        abort(400)
    report_links.create_link(db.session, board, who.user_id, form.lang.data)
    db.session.commit()
    flash(_("Public link created: whoever has it can read the report, nothing else."), "info")
    return redirect(url_for("reports.show", board_id=board.id, _anchor="public-links"))


@bp.post("/boards/<int:board_id>/report/links/<int:link_id>/revoke")
def revoke_link(board_id: int, link_id: int):
    board = _reporting_board(board_id)
    if not policy.can_manage_project(principal(), board.project_id):
        abort(403)
    link = db.session.get(ReportLink, link_id)
    if link is None or link.board_id != board.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    report_links.revoke_link(db.session, link)
    db.session.commit()
    flash(_("Public link revoked: it no longer opens the report."), "info")
    return redirect(url_for("reports.show", board_id=board.id, _anchor="public-links"))


@bp.get("/r/<token>")
@limiter.limit(PUBLIC_PAGE_RATE_LIMIT)
def public(token: str):
    link = report_links.live_link(db.session, token)
    if link is None:
        abort(404)
    response = Response(
        render_template("reports/document.html", report=_report(link.board, link.lang), public=True)
    )
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token stays out of other sites' logs
    response.headers["Cache-Control"] = "no-store"  # a revoked link must stop working at once
    return response
