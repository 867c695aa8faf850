"""Two real server processes on one scratch PostgreSQL database and one Redis, the people of
real_board.seed, and their browsers (HTTP with the signed cookie) and sockets."""

from __future__ import annotations

from collections.abc import Callable

import requests
import sqlalchemy as sa

from tests.support.live_server import _csrf_from
from tests.support.real_board import RealClient, seed, server_env, server_log_problems, start_server
from workshop.database import make_engine
from workshop.models import AuthSession, Board


def _ids(url: str, auth_ids: dict[str, str], board_id: int) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ids = {
                name: conn.execute(
                    sa.select(AuthSession.user_id, AuthSession.participant_id).where(
                        AuthSession.id == auth_id
                    )
                ).one()
                for name, auth_id in auth_ids.items()
            }
            project = conn.execute(sa.select(Board.project_id).where(Board.id == board_id)).one()[0]
    finally:
        engine.dispose()
    return {name: user or participant for name, (user, participant) in ids.items()} | {
        "project": project
    }


class Browser:
    """A person's browser: their signed session cookie, posting forms the way the page does."""

    def __init__(self, base_url: str, cookie: str) -> None:
        self.base_url = base_url
        self.name, self.value = cookie.split("=", 1)

    def form(self, page: str, action: str) -> Callable[[], requests.Response]:
        """GET the page for its CSRF token (the session cookie it sets carries the token's
        secret); returns the POST to the action, to send when wanted."""
        got = requests.get(self.base_url + page, headers=self._cookie(), timeout=10)
        self.value = got.cookies.get(self.name, self.value)
        token = _csrf_from(got.text)
        return lambda: requests.post(
            self.base_url + action,
            data={"csrf_token": token},
            headers=self._cookie(),
            timeout=10,
            allow_redirects=False,
        )

    def _cookie(self) -> dict[str, str]:
        return {"Cookie": f"{self.name}={self.value}"}


class Pair:
    """Two server processes on one scratch database and one Redis, and the clients opened."""

    def __init__(self, tmp_path, redis_url: str) -> None:
        self.tmp_path, self.redis_url = tmp_path, redis_url
        self.clients: list[RealClient] = []
        self.servers = []

    def start(self, database_url: str) -> Pair:
        self.world = seed(database_url)
        self.ids = _ids(database_url, self.world.auth_ids, self.world.board)
        env = server_env(database_url, self.tmp_path, REDIS_URL=self.redis_url)
        for name in ("a", "b"):
            self.servers.append(start_server(env, self.tmp_path / f"{name}.log"))
        self.a, self.b = self.servers
        self.organizer = Browser(self.a.url, self.world.cookies["organizer"])
        self.project_page = f"/projects/{self.ids['project']}"
        return self

    def on_board(self, name: str, server, person: str) -> RealClient:
        client = RealClient(name, server.url, self.world.cookies[person]).connect()
        self.clients.append(client)
        assert client.join(self.world.board)["ok"]
        return client

    def removal(self, person: str) -> Callable[[], requests.Response]:
        page = self.project_page
        return self.organizer.form(page, f"{page}/participants/{self.ids[person]}/remove")

    def log_problems(self) -> list[str]:
        return server_log_problems(self.tmp_path / "a.log") + server_log_problems(
            self.tmp_path / "b.log"
        )

    def close(self) -> None:
        for client in self.clients:
            client.close()
        for server in self.servers:
            server.stop()
