"""Rooms and the conductor over HTTP: the attendance of a live session, as CSV, for organizers."""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

from workshop.access import policy
from workshop.extensions import db, login_manager
from workshop.models import LiveSession, utcnow
from workshop.rooms import attendance_csv
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
    name = _("attendance-%(id)s.csv", id=session_id)
    return Response(
        attendance_file(live),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def attendance_file(live: LiveSession) -> bytes:
    """The session's attendance for an office: `;`, BOM, local time, the reader's language,
    organisation and role (workshop/rooms/attendance_csv.py)."""
    rows = rooms.attendance(db.session, live, utcnow())
    details = attendance_csv.people_details(db.session, [r.get("identity", "") for r in rows])
    lang = "en" if str(get_locale() or "it").startswith("en") else "it"
    return attendance_csv.export_attendance(rows, details, get_timezone(), lang)
