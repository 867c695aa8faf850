"""Links that leave the page (e-mails, invite, registration and public report links).

They are built from WORKSHOP_BASE_URL, never from the request's Host or X-Forwarded-Host: a forged
header must not put an attacker's host in front of someone's personal token. Without the setting
(development only: production refuses to start without it) they follow the request."""

from __future__ import annotations

from flask import Flask, current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """The absolute address of an endpoint, on the site's configured address."""
    base = current_app.config.get("BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base + url_for(endpoint, **values)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["external_url"] = external_url
