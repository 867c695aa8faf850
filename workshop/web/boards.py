"""The board page: a shell that the real-time client fills."""

from __future__ import annotations

from flask import Blueprint, render_template

from workshop.access import policy
from workshop.boards.canvas import describe_board_kind
from workshop.models import BoardKind
from workshop.web.board_strings import board_strings
from workshop.web.i18n import board_label
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
        project_schemas={kind: describe_board_kind(kind) for kind in project_boards if kind != str(board.kind)},
        can_see_attendance=policy.can_see_attendance(who, board.project_id),
    )
