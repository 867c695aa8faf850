"""The app's routes, for tests parametrised over every one of them, and a database fingerprint."""

from __future__ import annotations

import tempfile
from functools import cache

import sqlalchemy as sa
from flask import Flask, url_for

from workshop.extensions import db
from workshop.models import Base

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Public on purpose, and served by Flask itself: the CSS and JS.
UNCHECKED_ENDPOINTS = {"static"}


@cache
def app_routes() -> tuple[tuple[str, str], ...]:
    """Every (endpoint, method) of the app, read from a throwaway app at collection time."""
    from workshop import create_app
    from workshop.config import TestConfig

    app = create_app(
        TestConfig(),
        SQLALCHEMY_DATABASE_URI="sqlite://",
        INSTANCE_DIR=tempfile.gettempdir(),
        REDIS_URL=None,
    )
    return routes_of(app)


def routes_of(app: Flask) -> tuple[tuple[str, str], ...]:
    return tuple(
        sorted(
            (rule.endpoint, method)
            for rule in app.url_map.iter_rules()
            if rule.endpoint not in UNCHECKED_ENDPOINTS
            for method in rule.methods - {"HEAD", "OPTIONS"}
        )
    )


def route_url(app: Flask, endpoint: str, values: dict) -> str:
    """The URL of an endpoint, its arguments taken by name from `values`."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})


def fingerprint() -> dict[str, list[str]]:
    """Every row of every table, to show that a request changed nothing."""
    snapshot = {}
    for table in Base.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        snapshot[table.name] = sorted(repr(tuple(row)) for row in rows)
    db.session.rollback()
    return snapshot
