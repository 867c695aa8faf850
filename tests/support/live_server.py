"""A real server process (`python -m workshop`) on a free port, for socket, chaos and browser tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
# Seconds. A server imports eventlet, Flask and the app before it answers: on a 2-core machine
# shared with other test runs that has taken more than 30 s. TEST_SERVER_START_S overrides it.
START_TIMEOUT_S = float(os.environ.get("TEST_SERVER_START_S") or 90)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run `flask --app workshop ARGS` against the given environment; raise on failure."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "workshop", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )


class LiveServer:
    """One server process. `env` carries DATABASE_URL, REDIS_URL, SOCKETIO_ASYNC_MODE..."""

    def __init__(
        self,
        env: dict[str, str],
        port: int | None = None,
        log_path: Path | None = None,
        module: str = "workshop",
    ) -> None:
        self.module = module  # the entry point run with `python -m`
        self.env = {**os.environ, **env}
        self.env.setdefault("WORKSHOP_ENV", "development")
        self.env["PYTHONPATH"] = str(ROOT) + os.pathsep + self.env.get("PYTHONPATH", "")
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self) -> LiveServer:
        if self.log_path is not None:
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module, "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            cwd=ROOT,
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT if self._log else subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer on {self.url} within {START_TIMEOUT_S}s")

    def kill(self) -> None:
        """SIGKILL: no chance to flush or say goodbye."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def login_session(base_url: str, email: str, password: str) -> requests.Session:
    """An HTTP session logged in through the real login form (CSRF token included)."""
    http = requests.Session()
    page = http.get(base_url + "/auth/login", timeout=5)
    token = _csrf_from(page.text)
    response = http.post(
        base_url + "/auth/login",
        data={"csrf_token": token, "email": email, "password": password},
        timeout=5,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed for {email}: {response.status_code}")
    return http


def join_session(base_url: str, code: str, name: str) -> requests.Session:
    http = requests.Session()
    page = http.get(base_url + "/join", timeout=5)
    response = http.post(
        base_url + "/join", data={"csrf_token": _csrf_from(page.text), "code": code}, timeout=5
    )
    response = http.post(
        response.url,
        data={"csrf_token": _csrf_from(response.text), "display_name": name},
        timeout=5,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"join failed for {name}: {response.status_code}")
    return http


def _csrf_from(html: str) -> str:
    marker = 'name="csrf_token" type="hidden" value="'
    start = html.find(marker)
    if start < 0:
        raise RuntimeError("no CSRF token on the page")
    start += len(marker)
    return html[start : html.index('"', start)]


def cookie_header(http: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def run_json_script(env: dict[str, str], script: str):
    """Run a Python script against a served site's database (its env) and return the JSON it
    prints on its last line: how browser tests set up what the demo does not hold."""
    import json

    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env, "SOCKETIO_ASYNC_MODE": "threading"},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
