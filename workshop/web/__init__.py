"""The HTTP side: pages, forms, sessions, languages and security headers."""

from __future__ import annotations

from flask import Flask

from workshop.web import errors, i18n, security


def init_app(app: Flask) -> None:
    from workshop.extensions import csrf, limiter
    from workshop.web import (
        accounts,
        auth,
        boards,
        dashboard,
        exports,
        join,
        labs,
        ledger,
        library,
        pages,
        projects,
        registration,
        registry,
        reports,
        review,
        rooms,
        search,
    )

    security.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    errors.init_app(app)
    blueprints = (
        pages.bp,
        auth.bp,
        join.bp,
        projects.bp,
        ledger.bp,
        registry.bp,
        boards.bp,
        exports.bp,
        reports.bp,
        review.bp,
        search.bp,
        accounts.bp,
        rooms.bp,
        labs.bp,
        dashboard.bp,
        library.bp,
        registration.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
