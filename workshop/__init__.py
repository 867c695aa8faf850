"""Online collaborative workshop boards for co-design labs (art. 55 d.lgs. 117/2017)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

# Nothing but the standard library at the top: `python -m workshop` imports this package before
# __main__ can monkey-patch for eventlet or gevent, and patching must come before Flask.
if TYPE_CHECKING:
    from flask import Flask

    from workshop.config import Config

PACKAGE_DIR = Path(__file__).resolve().parent
# templates/ and static/ sit at the top of the checkout, beside the package: the app runs
# from a checkout (see the Procfile), not from an installed wheel.
TEMPLATE_DIR = PACKAGE_DIR.parent / "templates"
STATIC_DIR = PACKAGE_DIR.parent / "static"


def create_app(config: Config | None = None, **overrides) -> Flask:
    """Build the app: configuration, extensions, blueprints, then the real-time layer."""
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from workshop.config import config_from_env

    config = config or config_from_env()
    for key, value in overrides.items():
        setattr(config, key, value)
    config.finalise()

    app = Flask(
        __name__,
        template_folder=str(TEMPLATE_DIR),
        static_folder=str(STATIC_DIR),
        instance_path=str(Path(config.INSTANCE_DIR).resolve()),
    )
    app.config.from_object(config)
    if app.config["PROXY_FIX_HOPS"]:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=app.config["PROXY_FIX_HOPS"],
            x_proto=app.config["PROXY_FIX_HOPS"],
            x_host=app.config["PROXY_FIX_HOPS"],
        )

    import workshop.canvases  # noqa: F401  (registers the session canvases' types and actions)
    from workshop import cli, jobs, realtime, web
    from workshop.extensions import db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR.parent / "migrations"))
    jobs.init_app(app)
    web.init_app(app)
    realtime.init_app(app)
    cli.init_app(app)
    return app
