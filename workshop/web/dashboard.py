"""The organizer's dashboard: labs and their live sessions, projects and their boards with what
each holds and how to review or download it, the latest named snapshots; and a whole project
as one ZIP. Everyone sees only what they may: conductors their own projects, organizers all
of them and the labs and attendance besides."""

from __future__ import annotations

import time

from flask import Blueprint, abort, render_template

from workshop.access import policy
from workshop.extensions import db
from workshop.jobs import tasks
from workshop.models import Board
from workshop.monitoring import service as monitoring
from workshop.projects import overview
from workshop.projects.service import visible_projects
from workshop.rooms import labs, where
from workshop.web import jobs
from workshop.web.monitoring import now
from workshop.web.security import get_project_or_abort, require_user

bp = Blueprint("dashboard", __name__)


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
    late = monitoring.late_tasks(db.session, project_ids, monitoring.local_day(now()))
    return render_template(
        "dashboard/index.html",
        projects=projects,
        project_titles={p.id: p.title for p in projects},
        boards=boards,
        figures=figures,
        labs=labs.all_labs(db.session) if policy.can_manage_labs(who) else [],
        sessions=sessions,
        sessions_by_project={
            pid: [s for s in sessions if s.project_id == pid] for pid in project_ids
        },
        boards_by_id={b.id: b for bs in boards.values() for b in bs},
        recent=overview.recent_snapshots(db.session, project_ids),
        attendance_of={pid: policy.can_see_attendance(who, pid) for pid in project_ids},
        # Each session under its lab meeting, for conductors too (they see no lab table).
        meetings_by_id=where.meetings_by_id(db.session, [s.meeting_id for s in sessions]),
        # The monitoring calendar's late collections, flagged on each project (issue 17).
        late_by_project={pid: [t for t in late if t.project_id == pid] for pid in project_ids},
    )


def _board_order(board: Board) -> tuple:
    return tasks.board_order(board)


# --- the whole project as one ZIP -----------------------------------------------------------------------


@bp.route("/projects/<int:project_id>/export.zip", methods=["GET", "POST"])
def project_archive(project_id: int):
    """Every board in every format, the record, registry, logframe, report, attendance and snapshots:
    assembled by a job worker (workshop/jobs.tasks.project_archive)."""
    project = get_project_or_abort(project_id)
    who = require_user()
    with_attendance = policy.can_see_attendance(who, project.id)
    return jobs.serve(
        "project_archive",
        _project_version(project),
        project_id=project.id,
        lang=jobs.lang(),
        with_attendance=with_attendance,
    )


def _project_version(project) -> str:
    """What the archive depends on: every board's changes and name, the record, the snapshots and
    the live sessions (an open one's attendance changes by the minute)."""
    boards = ",".join(
        f"{b.id}:{b.seq}:{b.title}" for b in sorted(project.boards, key=lambda b: b.id)
    )
    sessions = overview.live_sessions(db.session, [project.id])
    minute = int(time.time() // 60) if any(s.closed_at is None for s in sessions) else 0
    closed = ",".join(f"{s.id}:{s.closed_at}" for s in sessions)
    snapshots = len(overview.project_snapshots(db.session, project.id))
    ledger = tasks.ledger_version(project.id)  # the logframe's means and costs
    return f"{project.title}|{project.updated_at}|{boards}|{snapshots}|{closed}|{minute}|{ledger}"


def _check_archive(kwargs: dict) -> None:
    get_project_or_abort(kwargs["project_id"])
    who = require_user()
    if kwargs["with_attendance"] and not policy.can_see_attendance(who, kwargs["project_id"]):
        abort(403)


jobs.register_check("project_archive", _check_archive)
