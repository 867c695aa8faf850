"""The HTTP side: pages, forms, sessions, languages and security headers."""

from __future__ import annotations

from flask import Flask

from workshop.web import assets, errors, health, i18n, links, security


def init_app(app: Flask) -> None:
    from workshop.extensions import csrf, limiter
    from workshop.web import (
        accounts,
        auth,
        boards,
        dashboard,
        exports,
        jobs,
        join,
        labs,
        ledger,
        library,
        monitoring,
        needs,
        pages,
        projects,
        registration,
        registry,
        reports,
        review,
        rooms,
        search,
        verbale,
    )

    assets.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    links.init_app(app)
    health.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    errors.init_app(app)
    blueprints = (
        pages.bp,
        auth.bp,
        join.bp,
        projects.bp,
        ledger.bp,
        needs.bp,
        registry.bp,
        boards.bp,
        exports.bp,
        jobs.bp,
        reports.bp,
        review.bp,
        search.bp,
        accounts.bp,
        rooms.bp,
        labs.bp,
        dashboard.bp,
        library.bp,
        registration.bp,
        verbale.bp,
        monitoring.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
