"""The side of a job that runs in a worker process: an app of its own, built once per process
from the same settings as the server's, and the task run inside its app context in the language
of the person who asked. No request object ever crosses into a worker: only a task name, ids and
plain values."""

from __future__ import annotations

import os
from typing import Any

from workshop.jobs.tasks import TASKS, FileResult

# Renders yield the CPU to the server's event loop: on a small machine the pool's processes and
# the server share the cores, and a person waits a second longer for a PDF rather than everyone
# on the boards waiting for their changes.
WORKER_NICENESS = 10

_app = None
_app_pid: int | None = None


def _build_app(config_items: dict[str, Any] | None):
    from workshop import create_app
    from workshop.config import CONFIGS, config_from_env

    if config_items is None:
        config = config_from_env()
        overrides: dict[str, Any] = {}
    else:
        config = CONFIGS.get(config_items.get("ENV_NAME", "development"), CONFIGS["development"])()
        overrides = {k: v for k, v in config_items.items() if k != "ENV_NAME"}
    # A worker serves no socket: no event loop to share, no Redis message queue, and no pool
    # of its own (a job never starts another job).
    overrides.update(SOCKETIO_ASYNC_MODE="threading", REDIS_URL=None, JOBS_BACKEND="inline")
    return create_app(config, **overrides)


def init_process(config_items: dict[str, Any]) -> None:
    """Initialiser of a pool's worker process (started with 'spawn', so it imports afresh)."""
    global _app, _app_pid
    os.nice(WORKER_NICENESS)
    _app = _build_app(config_items)
    _app_pid = os.getpid()


def use_app(app) -> None:
    """An RQ worker built its app already (the `flask jobs worker` command): jobs use that one."""
    global _app, _app_pid
    _app = app
    _app_pid = os.getpid()


def _worker_app():
    global _app, _app_pid
    if _app is None:
        _app = _build_app(None)
        _app_pid = os.getpid()
    elif _app_pid != os.getpid():
        # A forked RQ work horse: the parent's database connections are not ours to use.
        from workshop.extensions import db

        db.engine.dispose(close=False)
        _app_pid = os.getpid()
    return _app


def ready() -> None:
    """Nothing: submitted once per worker to start the pool's processes at once."""


def run(task: str, kwargs: dict[str, Any], lang: str) -> FileResult:
    """Run one task in this worker process's app."""
    from workshop.extensions import db

    app = _worker_app()
    with app.app_context():
        try:
            return run_here(task, kwargs, lang)
        finally:
            db.session.remove()


def run_here(task: str, kwargs: dict[str, Any], lang: str) -> FileResult:
    """Run one task in the current app context, in the given language."""
    from flask_babel import force_locale

    with force_locale(lang):
        return TASKS[task](**kwargs)
