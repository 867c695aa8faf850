"""Fixtures of the reliability tests."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import redis

from tests.support.live_server import free_port
from tests.support.socket_fixtures import _cheap_password_hashes, cast, clients, sweep  # noqa: F401


@pytest.fixture
def redis_server(tmp_path):
    """A throwaway redis-server: (url, kill)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=0.2)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.RedisError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)

    def kill():
        process.kill()
        process.wait(timeout=10)

    yield url, kill
    if process.poll() is None:
        kill()
