"""Who is asking (Flask-Login over our AuthSession), access checks, and response headers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, session
from flask_login import current_user, login_user, logout_user

from workshop.access import policy, service
from workshop.access.principal import Principal
from workshop.extensions import db, login_manager
from workshop.models import AuthSession, Board, Project, utcnow
from workshop.web import assets

# No inline script or style anywhere: user text can never become code, even if a template slips.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self' ws: wss:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS_MAX_AGE_S = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself
    # "basic": a changed network (a phone moving between cells) must not log a participant out;
    # the session id itself is server-side and revocable.
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(auth_session_id: str) -> Principal | None:
        return service.load_principal(db.session, auth_session_id, utcnow())

    @app.context_processor
    def _who():
        """`who` in every template: the signed-in Principal, or None for a visitor."""
        try:
            return {"who": principal()}
        except Exception:  # noqa: BLE001 - an error page must render even when the database is down
            current_app.logger.warning("could not load the principal for a template", exc_info=True)
            return {"who": None}

    @app.after_request
    def _headers(response):
        # The one inline script allowed: the import map of versioned modules (assets.py).
        policy = CONTENT_SECURITY_POLICY.replace(
            "script-src 'self'", f"script-src 'self' {assets.script_hash(current_app)}"
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(self), microphone=(self), geolocation=()"
        )
        if current_app.config["HSTS"]:
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={HSTS_MAX_AGE_S}; includeSubDomains"
            )
        return response


def safe_local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: never an open redirect.

    Browsers read "/\\evil.example" as "//evil.example" and drop tabs and newlines from URLs,
    so backslashes and control characters are refused along with schemes and hosts.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def principal() -> Principal | None:
    """The signed-in principal, or None for an anonymous visitor."""
    who = current_user._get_current_object()
    return who if isinstance(who, Principal) else None


def start_session(auth: AuthSession) -> None:
    """Put a fresh AuthSession in a cleared cookie session (nothing carries over a login).

    The session this browser held before (an organizer who now joins as a participant, a
    participant joining another lab) ends too: one browser, one live session.
    """
    previous = principal()
    if previous is not None and previous.auth_session_id != auth.id:
        service.end_session(db.session, previous.auth_session_id, utcnow())
        db.session.commit()
        from workshop.realtime import sessions as live_sessions

        live_sessions.session_ended(previous.auth_session_id)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    # The socket layer reads this at connect (its copy of the cookie session is frozen there).
    session["auth_session_id"] = auth.id
    who = service.load_principal(db.session, auth.id, utcnow())
    login_user(who)


def finish_session() -> None:
    who = principal()
    if who is not None:
        service.end_session(db.session, who.auth_session_id, utcnow())
        db.session.commit()
        from workshop.realtime import sessions as live_sessions

        live_sessions.session_ended(who.auth_session_id)
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


def require_user() -> Principal:
    """An account holder (organizer or conductor). Raises 401 via Flask-Login, or 403."""
    who = principal()
    if who is None:
        abort(login_manager.unauthorized())
    if not who.is_user:
        abort(403)
    return who


def get_project_or_abort(project_id: int) -> Project:
    """The project, for someone allowed to manage it. :raise 404: :raise 403:"""
    who = require_user()
    project = db.session.get(Project, project_id)
    if project is None:
        abort(404)
    if not policy.can_manage_project(who, project.id):
        abort(403)
    return project


def get_board_or_abort(board_id: int) -> Board:
    """The board, for someone allowed to see it. :raise 404: :raise 403:"""
    who = principal()
    if who is None:
        abort(login_manager.unauthorized())
    board = db.session.get(Board, board_id)
    if board is None:
        abort(404)
    if not policy.can_view_board(who, board.project_id, board.id):
        abort(403)
    return board


def get_board_for_review_or_abort(board_id: int) -> Board:
    """The board whole (history, files), for someone allowed to review it. :raise 404: :raise 403:"""
    board = get_board_or_abort(board_id)
    if not policy.can_review_board(principal(), board.project_id):
        abort(403)
    return board
