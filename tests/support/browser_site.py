"""One real server for a module of browser tests: a scratch SQLite database, migrated, with the
demo loaded and, when asked, a set-up script run against it, then `python -m workshop` on a free
port. Every tests/browser module starts its `site` fixture here instead of repeating it.

    @pytest.fixture(scope="module")
    def site(tmp_path_factory):
        with demo_site(tmp_path_factory, "canvas", setup=["-c", SETUP]) as facts:
            yield facts   # {"url": ..., "env": ..., and what the script printed}

A set-up script prints one JSON object on its last line; `run_script` runs more of them later
(against `facts["env"]`) and returns what they print.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.live_server import ROOT, LiveServer, flask_command
from tests.support.services import unavailable

# Each test logs in and joins a few times: the limits are for people, not for a test suite.
GENEROUS_RATE_LIMIT = "1000 per minute"


def run_script(env: dict[str, str], args: Sequence[str]) -> dict:
    """Run `python ARGS` (["-c", SCRIPT] or ["-m", module, ...]) against the site's database and
    return the JSON its last line prints. Threading mode: a script must not monkey-patch."""
    out = subprocess.run(
        [sys.executable, *args],
        env={**os.environ, **env, "SOCKETIO_ASYNC_MODE": "threading"},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_demo_site(
    tmp: Path,
    name: str,
    *,
    setup: Sequence[str] | None = None,
    without_redis: bool = False,
    extra_env: dict[str, str] | None = None,
) -> tuple[LiveServer, dict]:
    """A started server on `tmp/NAME.sqlite3` holding the demo (and what `setup` made), and the
    facts: what the script printed, "url" and "env". The caller stops the server."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / f'{name}.sqlite3'}",
        "WORKSHOP_INSTANCE_DIR": str(tmp / "instance"),
        "SOCKETIO_ASYNC_MODE": "gevent",
        "WORKSHOP_ENV": "development",
        "PYTHONPATH": str(ROOT),
        "WORKSHOP_LOGIN_RATE_LIMIT": GENEROUS_RATE_LIMIT,
        "WORKSHOP_JOIN_RATE_LIMIT": GENEROUS_RATE_LIMIT,
        # Its own Redis channel, and so its own calls' registry: every site's boards have the
        # same ids, and a peer the last site left behind (its server stopped) would join
        # this one's call until it expires.
        "WORKSHOP_SOCKETIO_CHANNEL": f"workshop-test-{name}-{secrets.token_hex(6)}",
        **(extra_env or {}),
    }
    if without_redis:
        env.pop("REDIS_URL", None)
    flask_command(env, "db", "upgrade")
    flask_command(env, "demo", "load")
    facts = run_script(env, setup) if setup else {}
    server = LiveServer(
        {k: v for k, v in env.items() if k != "PYTHONPATH"}, log_path=tmp / "server.log"
    )
    server.start()
    return server, {**facts, "url": server.url, "env": env}


@contextmanager
def demo_site(tmp_path_factory: pytest.TempPathFactory, name: str, **options) -> Iterator[dict]:
    """`start_demo_site` for a module's `site` fixture, in a fresh folder; stopped on leaving."""
    if not (ROOT / "templates" / "base.html").exists():
        unavailable("templates/base.html is missing: the pages extend it")
    server, facts = start_demo_site(tmp_path_factory.mktemp(f"{name}-browser"), name, **options)
    try:
        yield facts
    finally:
        server.stop()
