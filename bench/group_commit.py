"""Group commit measured in one eventlet process, without sockets (issue 18).

    python bench/group_commit.py                       # SQLite, then PostgreSQL if reachable
    python bench/group_commit.py --db sqlite --writers 60 --changes 20

N green threads (the handlers of N people) each write to one board as fast as their acks
allow, each change moving its own note: once one commit per change (the direct path,
`apply_change` under the board's lock, as every socket change was written before the
sequencer), once through the board's sequencer (group commit). For each: durable changes per
second, this process's CPU per change (the SQLite engine's work included, PostgreSQL's server
not), the database commits, and the machine's load average beside them.

PostgreSQL: a scratch database on BENCH_POSTGRES_URL / TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402 - after the monkey patch, like the server's entry point
import os  # noqa: E402
import resource  # noqa: E402
import secrets  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from psycogreen.eventlet import patch_psycopg  # noqa: E402
from sqlalchemy import event, orm  # noqa: E402

from workshop.boards import service  # noqa: E402
from workshop.boards.locks import WriteLocks  # noqa: E402
from workshop.boards.ops import parse_change  # noqa: E402
from workshop.boards.sequencer import Sequencers  # noqa: E402
from workshop.boards.state import Actor  # noqa: E402
from workshop.config import normalise_database_url  # noqa: E402
from workshop.database import make_engine  # noqa: E402
from workshop.models import Base, Board, BoardKind, Project  # noqa: E402

patch_psycopg()
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
WRITER = Actor("bench", "Bench", True)


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def change(board_id: int, writer: int, n: int):
    note = f"w{writer}"
    fields = {"text": str(n), "x": n, "y": writer}
    op = (
        {"op": "create", "id": note, "type": "sticky", "fields": fields}
        if n == 0
        else {"op": "update", "id": note, "fields": fields}
    )
    return parse_change(
        {"board_id": board_id, "change_id": f"{note}-{n}", "client_id": note, "ops": [op]}
    )


def run(url: str, mode: str, writers: int, changes: int) -> dict:
    url = normalise_database_url(url)
    engine = make_engine(
        url, **({} if url.startswith("sqlite") else {"pool_size": 10, "max_overflow": 20})
    )
    Base.metadata.create_all(engine)
    with orm.Session(engine) as session:
        board = Board(kind=BoardKind.FREE, title="bench", project=Project(title="bench"))
        session.add(board)
        session.commit()
        board_id = board.id
    scoped = orm.scoped_session(orm.sessionmaker(bind=engine, expire_on_commit=False))
    locks = WriteLocks.for_url(url)

    def spawn(task, board: int) -> None:
        def go() -> None:
            try:
                task(board)
            finally:
                scoped.remove()

        eventlet.spawn(go)

    sequencers = Sequencers(locks, lambda: scoped, spawn)
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))

    def writer(w: int) -> None:
        try:
            for n in range(changes):
                if mode == "sequencer":
                    service.apply_change(
                        scoped, change(board_id, w, n), WRITER, locks, sequencer=sequencers
                    )
                else:
                    service.apply_change(scoped, change(board_id, w, n), WRITER, locks)
        finally:
            scoped.remove()

    load = os.getloadavg()[0]
    began, cpu = time.perf_counter(), cpu_s()
    pool = eventlet.GreenPool(writers)
    for w in range(writers):
        pool.spawn(writer, w)
    pool.waitall()
    elapsed, used = time.perf_counter() - began, cpu_s() - cpu
    with engine.connect() as conn:
        seq = conn.scalar(sa.select(Board.seq).where(Board.id == board_id))
    engine.dispose()
    assert seq == writers * changes, (seq, writers * changes)
    return {
        "mode": mode,
        "changes": seq,
        "per_s": seq / elapsed,
        "cpu_ms": used * 1000 / seq,
        "commits": len(commits),
        "load": f"{load:.2f} → {os.getloadavg()[0]:.2f}",
    }


def scratch_postgres() -> tuple[str, sa.Engine, str]:
    admin_url = (
        os.environ.get("BENCH_POSTGRES_URL")
        or os.environ.get("TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES
    )
    admin_url = normalise_database_url(admin_url)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"bench_gc_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return (
        sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False),
        admin,
        name,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--writers", type=int, default=60)
    parser.add_argument("--changes", type=int, default=20, help="changes per writer")
    args = parser.parse_args()
    print(f"{args.writers} writers x {args.changes} changes, one board, closed loop")
    print(
        "| database | path | changes | changes/s | CPU ms/change (this process) | commits | load avg (before → after) |"
    )
    print("|---|---|---|---|---|---|---|")
    for db in args.db.split(","):
        for mode in ("direct", "sequencer"):
            admin = name = None
            if db == "sqlite":
                folder = Path(tempfile.mkdtemp(prefix="bench-gc-"))
                url = f"sqlite:///{folder / 'bench.sqlite3'}"
            else:
                url, admin, name = scratch_postgres()
            try:
                r = run(url, mode, args.writers, args.changes)
            finally:
                if admin is not None:
                    with admin.connect() as conn:
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    admin.dispose()
            print(
                f"| {db} | {mode} | {r['changes']} | {r['per_s']:.0f} | {r['cpu_ms']:.2f} | "
                f"{r['commits']} | {r['load']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
