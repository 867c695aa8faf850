"""The social report of a social reporting board: read on the site, downloaded as PDF or DOCX,
and given back to the community through a public read-only page behind a revocable link."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from workshop.access import policy
from workshop.exports import social_report
from workshop.extensions import db, limiter
from workshop.jobs import tasks
from workshop.models import Board, BoardKind, ReportLink, User
from workshop.projects import report_links
from workshop.projects.record import record_for_report
from workshop.rooms.rules import Viewer
from workshop.web import jobs
from workshop.web.forms import EmptyForm, ReportLinkForm, ReportPeriodForm
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
    """What a report depends on: every board of its project (their changes and names), the
    project's record (with the labs and the ledger), and the report's period and approval."""
    boards = ",".join(
        f"{b.id}:{b.seq}:{b.title}" for b in sorted(board.project.boards, key=lambda b: b.id)
    )
    state = report_links.state_of(db.session, board.id)
    period = (
        f"{state.period_from}:{state.period_to}:{state.approved_at}:{state.approved_by_name}"
        if state
        else ""
    )
    # The record as the report reads it (its columns, the labs' meetings and organisations,
    # the ledger's figures), fingerprinted: a few small queries, cheaper than a stale file.
    record = record_for_report(db.session.connection(), board.project_id)
    fingerprint = hashlib.sha256(repr(sorted(record.items())).encode()).hexdigest()[:16]
    return f"{board.project.title}|{boards}|{period}|{fingerprint}"


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
        state=report_links.state_of(db.session, board.id),
        period_form=_period_form(board.id),
        approve_form=EmptyForm(),
    )


def _period_form(board_id: int) -> ReportPeriodForm:
    state = report_links.state_of(db.session, board_id)
    return ReportPeriodForm(
        period_from=state.period_from if state else None,
        period_to=state.period_to if state else None,
    )


def _managed_reporting_board(board_id: int) -> Board:
    board = _reporting_board(board_id)
    if not policy.can_manage_project(principal(), board.project_id):
        abort(403)
    return board


@bp.post("/boards/<int:board_id>/report/period")
def set_period(board_id: int):
    board = _managed_reporting_board(board_id)
    form = ReportPeriodForm()
    if not form.validate_on_submit():
        flash(_("Give the period as two dates, from and to."), "error")
    else:
        try:
            report_links.set_period(db.session, board, form.period_from.data, form.period_to.data)
        except report_links.ReportLinkError:
            flash(_("The period ends before it starts: nothing was changed."), "error")
        else:
            db.session.commit()
            flash(_("Reporting period saved."), "info")
    return redirect(url_for("reports.show", board_id=board.id, _anchor="report-state"))


@bp.post("/boards/<int:board_id>/report/approve")
def approve(board_id: int):
    board = _managed_reporting_board(board_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    who = principal()
    user = db.session.get(User, who.user_id)
    try:
        report_links.approve(db.session, board, user.id, user.name)
    except report_links.ReportLinkError:
        flash(_("Set the reporting period before approving the report."), "error")
    else:
        db.session.commit()
        flash(_("Report approved: it is no longer a draft."), "info")
    return redirect(url_for("reports.show", board_id=board.id, _anchor="report-state"))


@bp.post("/boards/<int:board_id>/report/reopen")
def reopen(board_id: int):
    board = _managed_reporting_board(board_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    report_links.reopen(db.session, board)
    db.session.commit()
    flash(_("The report is a draft again."), "info")
    return redirect(url_for("reports.show", board_id=board.id, _anchor="report-state"))


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
