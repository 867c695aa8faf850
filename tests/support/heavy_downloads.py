"""The scenario of issue 19's "one participant can freeze the whole server": eight heavy downloads
(the social report as PDF and DOCX, boards drawn as PDF and PNG) asked at once from a real server,
while a bystander keeps writing on a board through a socket.

Used by tests/reliability/test_jobs_real_server.py (is the bystander served, does any socket drop?)
and by bench/jobs.py (the bystander's ack p50/p99, with the render on the event loop and off it).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import orm

from tests.support.real_board import SECRET_KEY, RealClient, seed, server_env, start_server, sticky
from workshop import protocol as P
from workshop.boards import service
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.config import Config
from workshop.database import make_engine
from workshop.models import Board, BoardKind

DOWNLOADS = 8
ITEMS_PER_BOARD = 120  # enough cards that a drawing or a report takes real work
BYSTANDER_PERIOD_S = 1 / (P.CHANGES_PER_SECOND / 2)  # half the change budget: never rate limited
DOWNLOAD_TIMEOUT_S = 180
BASELINE_S = 8  # how long the bystander writes alone in a run without downloads
MAGIC = {"pdf": b"%PDF", "png": b"\x89PNG", "docx": b"PK"}


@dataclass
class Figures:
    acks_ms: list[float] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)
    downloads: list[tuple[str, int, bool, float]] = field(
        default_factory=list
    )  # url, status, right file, s
    healthz_ms: list[float] = field(default_factory=list)
    disconnects: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    def pct(self, values: list[float], q: float) -> float:
        ordered = sorted(values)
        if not ordered:
            return math.nan
        return ordered[max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))]

    def downloads_ok(self) -> int:
        return sum(1 for _u, status, right, _s in self.downloads if status == 200 and right)

    def summary(self) -> dict:
        return {
            "acks": len(self.acks_ms),
            "refused": len(self.refused),
            "ack_p50_ms": round(self.pct(self.acks_ms, 50), 1),
            "ack_p99_ms": round(self.pct(self.acks_ms, 99), 1),
            "ack_max_ms": round(max(self.acks_ms, default=math.nan), 1),
            "healthz_max_ms": round(max(self.healthz_ms, default=math.nan), 1),
            "downloads_ok": sum(
                1 for _u, status, right, _s in self.downloads if status == 200 and right
            ),
            "downloads_slowest_s": round(
                max((s for *_x, s in self.downloads), default=math.nan), 2
            ),
            "disconnects": len(self.disconnects),
            "wall_s": round(self.wall_s, 2),
        }


def _cookie(auth_session_id: str, lang: str) -> str:
    app = Flask("cookie-signer")
    app.secret_key = SECRET_KEY
    signer = SecureCookieSessionInterface().get_signing_serializer(app)
    value = signer.dumps(
        {
            "auth_session_id": auth_session_id,
            "_user_id": auth_session_id,
            "_fresh": True,
            "lang": lang,
        }
    )
    return f"{Config.SESSION_COOKIE_NAME}={value}"


def _fill_boards(url: str) -> dict[str, list[int]]:
    """Cards on every board of the seeded project; the board ids by kind."""
    engine = make_engine(url)
    by_kind: dict[str, list[int]] = {}
    with orm.Session(engine, expire_on_commit=False) as session:
        boards = session.query(Board).order_by(Board.id).all()
        for board in boards:
            by_kind.setdefault(board.kind.value, []).append(board.id)
            ops = [
                sticky(
                    f"s{n}",
                    text=f"Nota {n}: servizi di prossimità per gli anziani soli",
                    x=(n % 12) * 220,
                    y=(n // 12) * 160,
                )
                for n in range(ITEMS_PER_BOARD)
            ]
            for start in range(0, len(ops), P.MAX_OPS_PER_CHANGE):
                change = parse_change(
                    {
                        "board_id": board.id,
                        "change_id": f"fill-{board.id}-{start}",
                        "client_id": "fill",
                        "ops": ops[start : start + P.MAX_OPS_PER_CHANGE],
                    }
                )
                service.apply_change(session, change, Actor("u:fill", "Fill", True))
        session.commit()
    engine.dispose()
    return by_kind


def run(
    workdir: Path, jobs_backend: str, downloads: int = DOWNLOADS, log_path: Path | None = None
) -> Figures:
    """One run: a fresh SQLite database and server with WORKSHOP_JOBS=jobs_backend ("inline" is
    the old way, the render on the server's event loop; "process" the app's worker pool)."""
    workdir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{workdir / 'board.sqlite3'}"
    seeded = seed(url, participants=7)
    by_kind = _fill_boards(url)
    report = by_kind[BoardKind.SOCIAL_REPORTING.value][0]
    board_ids = [ids[0] for kind, ids in sorted(by_kind.items())]
    # Who asks for what: participants may read the report; the board drawings are for the project's
    # managers (two each: the per-person limit). Eight different files, so no job is shared.
    asks = [
        ("p3", f"/boards/{report}/report.pdf", "it"),
        ("p4", f"/boards/{report}/report.pdf", "en"),
        ("p5", f"/boards/{report}/report.docx", "it"),
        ("p6", f"/boards/{report}/report.docx", "en"),
        ("organizer", f"/boards/{board_ids[0]}/export.pdf", "it"),
        ("organizer", f"/boards/{board_ids[1]}/export.pdf", "it"),
        ("conductor", f"/boards/{board_ids[2]}/export.pdf", "it"),
        ("conductor", f"/boards/{board_ids[0]}/export.png", "it"),
    ][:downloads]

    env = server_env(
        url, workdir / "instance", WORKSHOP_JOBS=jobs_backend, WORKSHOP_JOB_WORKERS="2"
    )
    server = start_server(env, log_path or workdir / "server.log")
    figures = Figures()
    clients: list[RealClient] = []
    try:
        bystander = RealClient("bystander", server.url, seeded.cookies["p0"]).connect()
        watchers = [
            RealClient(f"w{n}", server.url, seeded.cookies[f"p{n}"]).connect() for n in (1, 2)
        ]
        clients = [bystander, *watchers]
        for client in clients:
            assert client.join(seeded.board)["ok"]
        # Warm up outside the figures: a small drawing starts the pool (or loads the renderers).
        warm = requests.get(
            server.url + f"/boards/{seeded.board}/export.svg",
            headers={"Cookie": seeded.cookies["organizer"]},
            timeout=DOWNLOAD_TIMEOUT_S,
        )
        assert warm.status_code == 200, warm.status_code

        done = threading.Event()

        def write() -> None:
            n = 0
            while not done.is_set():
                started = time.perf_counter()
                try:
                    ack = bystander.apply(
                        seeded.board,
                        [sticky(f"b{n}", text=f"nota {n}", x=n, y=0)],
                        f"b-{n}",
                        timeout=60,
                    )
                except Exception as error:  # noqa: BLE001 - a timeout is a figure, not a crash
                    figures.refused.append({"error": repr(error)})
                    break
                if ack.get("ok"):
                    figures.acks_ms.append((time.perf_counter() - started) * 1000)
                else:
                    figures.refused.append(ack)
                n += 1
                time.sleep(BYSTANDER_PERIOD_S)

        def probe() -> None:
            while not done.is_set():
                started = time.perf_counter()
                try:
                    requests.get(server.url + "/healthz", timeout=60)
                except requests.RequestException:
                    pass
                figures.healthz_ms.append((time.perf_counter() - started) * 1000)
                time.sleep(0.25)

        def download(person: str, path: str, lang: str) -> None:
            cookie = _cookie(seeded.auth_ids[person], lang)
            started = time.perf_counter()
            try:
                response = requests.get(
                    server.url + path, headers={"Cookie": cookie}, timeout=DOWNLOAD_TIMEOUT_S
                )
                right = response.content.startswith(MAGIC[path.rsplit(".", 1)[1]])
                figures.downloads.append(
                    (path, response.status_code, right, time.perf_counter() - started)
                )
            except requests.RequestException:
                figures.downloads.append((path, 0, False, time.perf_counter() - started))

        background = [threading.Thread(target=write), threading.Thread(target=probe)]
        for thread in background:
            thread.start()
        time.sleep(0.5)  # the bystander's usual pace first
        begin = time.perf_counter()
        fetchers = [threading.Thread(target=download, args=ask) for ask in asks]
        for thread in fetchers:
            thread.start()
        for thread in fetchers:
            thread.join()
        if not fetchers:
            time.sleep(BASELINE_S)  # the bystander alone, for comparison
        figures.wall_s = time.perf_counter() - begin
        done.set()
        for thread in background:
            thread.join(timeout=70)
        for client in clients:
            figures.disconnects += [client.name for event in client.received("disconnect")]
            if not client.connected and client.name not in figures.disconnects:
                figures.disconnects.append(client.name)
    finally:
        for client in clients:
            client.close()
        server.stop()
    return figures
