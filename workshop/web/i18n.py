"""Languages: Italian first, English too. Every visible string goes through the catalogues."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from workshop.extensions import babel
from workshop.models import BoardKind

LANGUAGE_NAMES = {"it": "Italiano", "en": "English"}  # each in its own language, never translated

BOARD_KIND_LABELS = {
    BoardKind.CONTEXT: _l("Context and problem analysis"),
    BoardKind.STAKEHOLDERS: _l("Stakeholder mapping"),
    BoardKind.THEORY_OF_CHANGE: _l("Theory of Change"),
    BoardKind.SOCIAL_REPORTING: _l("Social reporting"),
    BoardKind.FREE: _l("Free board"),
}

THIRD_SECTOR_TYPE_LABELS = {
    "odv": _l("Voluntary organisation (ODV)"),
    "aps": _l("Social promotion association (APS)"),
    "philanthropic": _l("Philanthropic body"),
    "social_enterprise": _l("Social enterprise"),
    "social_cooperative": _l("Social cooperative"),
    "network": _l("Network of associations"),
    "mutual_aid": _l("Mutual aid society"),
    "association": _l("Association"),
    "foundation": _l("Foundation"),
    "religious": _l("Religious body (Third Sector branch)"),
    "other": _l("Other Third Sector body"),
}


def select_locale() -> str:
    """The language the person chose, else Italian (outside a request too: a board's changes
    run in an app context only, realtime/guards.app_context_event)."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def board_label(board) -> str:
    """A session board is named by its method in the reader's language; a free board, or a board
    imported or made for a group, by its title."""
    if board.title:
        return board.title
    return str(BOARD_KIND_LABELS[board.kind])


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        board_label=board_label,
        current_locale=lambda: str(get_locale()),
        THIRD_SECTOR_TYPE_LABELS=THIRD_SECTOR_TYPE_LABELS,
    )
    app.jinja_env.filters.update(date=format_date, datetime=format_datetime, decimal=format_decimal)
