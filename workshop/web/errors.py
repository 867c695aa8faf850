"""Clear error pages, in the reader's language, with no internals shown."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from workshop.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (
        _l("Not allowed"),
        _l("You were not let into this page. Ask the person who runs the lab for an invitation."),
    ),
    404: (_l("Not found"), _l("This page does not exist, or it was removed.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is larger than the server accepts.")),
    429: (_l("Too many attempts"), _l("Wait a minute, then try again.")),
    500: (_l("Something went wrong"), _l("The error was logged. Try again in a moment.")),
    503: (
        _l("Service unavailable"),
        _l("The service is unavailable for a moment. Try again shortly."),
    ),
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" or request.path.startswith("/api/")


def _render(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    if _wants_json():
        return jsonify(error=status, message=str(detail or message)), status
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def error_response(status: int, detail: str):
    """An error page (or JSON, for a script) with a message of our own."""
    return _render(status, detail)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return _render(
            400, str(_l("The form expired or came from elsewhere. Reload the page and try again."))
        )

    @app.errorhandler(SecurityError)
    def _untrusted_host(error):
        # A Host or X-Forwarded-Host that is not the site's (TRUSTED_HOSTS): no page of ours
        # can be built for it (every link would name that host), so a plain answer.
        app.logger.warning("refused a request for an untrusted host")
        return Response(
            "400 Bad Request: this address is not served here.\n",
            status=400,
            mimetype="text/plain",
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render(error.code)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Nothing half-written survives a crash; the log gets the traceback, the page does not.
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500)
