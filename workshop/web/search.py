"""Search across the projects an organizer or a conductor may see."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, render_template, request

from workshop.extensions import db
from workshop.library import catalogue as library_catalogue
from workshop.models import BoardKind
from workshop.projects import search as project_search
from workshop.projects.service import visible_projects
from workshop.web.board_strings import board_strings
from workshop.web.i18n import BOARD_KIND_LABELS
from workshop.web.security import require_user

bp = Blueprint("search", __name__)


@bp.get("/search")
def show():
    who = require_user()
    query = request.args.get("q", "")
    words = project_search.normalise_query(query)
    projects = visible_projects(db.session, who.user_id, who.is_organizer)
    hits = project_search.search(db.session, [p.id for p in projects], query) if words else []
    strings = board_strings()

    def board_label_for(hit: project_search.Hit) -> str:
        return hit.board_title or str(BOARD_KIND_LABELS[BoardKind(hit.board_kind)])

    def type_label(item_type: str | None) -> str:
        return strings.get(f"type.{item_type}", item_type or "")

    grouped = [
        (title, list(group))
        for title, group in groupby(hits, key=lambda h: (h.project_id, h.project_title))
    ]
    return render_template(
        "pages/search.html",
        query=query,
        searched=words is not None,
        too_short=bool(query.strip()) and words is None,
        groups=grouped,
        count=len(hits),
        max_results=project_search.MAX_RESULTS,
        min_chars=project_search.MIN_QUERY_CHARS,
        board_label_for=board_label_for,
        type_label=type_label,
        materials=library_catalogue.find_materials(
            db.session, words, limit=project_search.MAX_RESULTS
        )
        if words
        else [],  # the practice library
    )
