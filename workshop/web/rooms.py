"""Rooms and the conductor over HTTP: the attendance of a live session, as CSV, for organizers."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort

from workshop.access import policy
from workshop.extensions import db, login_manager
from workshop.models import LiveSession, utcnow
from workshop.rooms import service as rooms
from workshop.web.security import principal

bp = Blueprint("rooms", __name__, url_prefix="/live-sessions")


@bp.get("/<int:session_id>/attendance.csv")
def attendance(session_id: int):
    """Who was in which room, from when to when, their changes and votes. :raise 403: :raise 404:"""
    who = principal()
    if who is None:
        abort(login_manager.unauthorized())
    live = db.session.get(LiveSession, session_id)
    if live is None:
        abort(404)
    if not policy.can_see_attendance(who, live.project_id):
        abort(403)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=rooms.ATTENDANCE_COLUMNS)
    writer.writeheader()
    for row in rooms.attendance(db.session, live, utcnow()):
        # A name starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow({k: _inert(v) for k, v in row.items()})
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="attendance-{session_id}.csv"'},
    )


def _inert(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
