"""The board page: a shell that the real-time client fills."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_babel import format_date, get_timezone

from workshop.access import policy
from workshop.access.service import format_join_code
from workshop.boards.canvas import describe_board_kind
from workshop.extensions import db
from workshop.models import BoardKind, Invite, utcnow
from workshop.models.access import InviteRole
from workshop.rooms import labs
from workshop.web.board_strings import board_strings
from workshop.web.i18n import board_label
from workshop.web.links import external_url
from workshop.web.security import get_board_or_abort, principal

bp = Blueprint("boards", __name__, url_prefix="/boards")
# The board page renders its client's strings as JSON: {{ board_strings()|tojson }}.
bp.add_app_template_global(board_strings, "board_strings")


@bp.get("/<int:board_id>")
def show(board_id: int):
    board = get_board_or_abort(board_id)
    who = principal()
    # The project's session boards this person may open, by kind: cards here may refer to
    # items there (an intervention's lead actor lives on the stakeholder board).
    project_boards = {
        str(other.kind): other.id
        for other in sorted(board.project.boards, key=lambda b: (b.position, b.id), reverse=True)
        if other.kind != BoardKind.FREE and policy.can_view_board(who, other.project_id, other.id)
    }
    return render_template(
        "boards/board.html",
        board=board,
        title=board_label(board),
        can_edit=policy.can_edit_board(who, board.project_id, board.id),
        can_conduct=policy.can_conduct_board(who, board.project_id),
        schema=describe_board_kind(str(board.kind)),
        project_boards=project_boards,
        # The other session boards' kinds too: the client edits the actors it watches there.
        project_schemas={
            kind: describe_board_kind(kind) for kind in project_boards if kind != str(board.kind)
        },
        can_see_attendance=policy.can_see_attendance(who, board.project_id),
        live_facts=_live_facts(board) if policy.can_conduct_board(who, board.project_id) else None,
    )


def _live_facts(board) -> dict:
    """What a conductor's panel knows before any session opens (static/js/board/live.js): the
    lab meetings of the project, today's first, and the project's join code to read aloud."""
    today = datetime.now(get_timezone()).date()
    meetings = labs.meetings_of_project(db.session, board.project_id)

    # Today's meetings, then the coming ones by date, then the past ones, latest first.
    def rank(m):
        return (m.held_on != today, m.held_on < today, abs((m.held_on - today).days))

    ordered = sorted(meetings, key=rank)
    return {
        "meetings": [
            {
                "id": m.id,
                "title": m.title,
                "date": m.held_on.isoformat(),
                "label": f"{format_date(m.held_on, 'long')} · {m.title}",
                "today": m.held_on == today,
            }
            for m in ordered
        ],
        "join": _join_of(board),
    }


def _join_of(board) -> dict | None:
    """The newest usable participant invite of the project (for all its boards, or this one)."""
    now = utcnow()
    invites = db.session.scalars(
        sa.select(Invite)
        .where(Invite.project_id == board.project_id, Invite.role == InviteRole.PARTICIPANT)
        .where(sa.or_(Invite.board_id.is_(None), Invite.board_id == board.id))
        .order_by(Invite.created_at.desc(), Invite.id.desc())
    )
    invite = next((i for i in invites if i.is_usable(now)), None)
    if invite is None:
        return None
    return {
        "code": format_join_code(invite.code),
        "link": external_url("join.by_link", token=invite.token),
    }
