"""Benchmark of the stakeholder map: a 150-actor grid with relations, built through the service.

    python bench/canvas_stakeholders.py                     # SQLite file, 7 runs
    python bench/canvas_stakeholders.py --db postgres --runs 9

Prints the median (and min/max) of: one actor dragged on the grid (the change applied, with
the grid rule and the position history), the registry's CSV export and the import of the same
150 actors with every row changed (one change), and the size of the board's join snapshot.
In-process, no sockets: this is the server's share of what a person waits for.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import orm  # noqa: E402

import workshop.canvases  # noqa: E402, F401
from workshop.boards import service, snapshots  # noqa: E402
from workshop.boards.ops import Change, parse_change, parse_op  # noqa: E402
from workshop.boards.state import Actor, Item  # noqa: E402
from workshop.canvases import registry_csv  # noqa: E402
from workshop.canvases import stakeholders as sh  # noqa: E402
from workshop.canvases.common import create, update  # noqa: E402
from workshop.database import make_engine  # noqa: E402
from workshop.models import Base, Board, BoardKind  # noqa: E402
from workshop.projects.service import create_project  # noqa: E402

ACTORS = 150
RELATIONS = 300
DEFAULT_POSTGRES_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
CONDUCTOR = Actor("u:1", "Carla", may_conduct=True)
MACROS = list(sh.SUB_TYPES)


def _build(session) -> tuple[int, int, str]:
    project = create_project(session, {"title": f"Bench {uuid.uuid4().hex[:6]}"}, None)
    session.commit()
    board_id = next(b.id for b in project.boards if b.kind == BoardKind.STAKEHOLDERS)
    ops = sh.build_grid()
    grid = Item(ops[0]["id"], "pi_grid", ops[0]["fields"], 0, 0, None, "")
    for i in range(ACTORS):
        macro = MACROS[i % len(MACROS)]
        power, interest = 1 + (i * 37 % 41) / 10, 1 + (i * 53 % 41) / 10
        x, y = sh.place_on_grid(grid, power, interest, sh.ACTOR_CARD_W, sh.ACTOR_CARD_H)
        ops.append(
            create(
                f"a{i}",
                "actor",
                x=x,
                y=y,
                w=sh.ACTOR_CARD_W,
                h=sh.ACTOR_CARD_H,
                name=f"Ente {i}; «{macro}»",
                macro_type=macro,
                sub_type=sh.SUB_TYPES[macro][0],
                interests="Casa, lavoro, reti di vicinato\nsecondo le famiglie",
                salience_power=i % 2 == 0,
            )
        )
    _apply(session, board_id, ops[:150])
    _apply(session, board_id, ops[150:])
    # Actor j with its next and next-but-one neighbour: 300 distinct pairs, so no duplicates.
    relations = [
        create(
            f"r{j}",
            "relation",
            type=sh.RELATION_TYPES[j % len(sh.RELATION_TYPES)],
            direction="mutual",
            **{"from": f"a{j % ACTORS}", "to": f"a{(j % ACTORS + 1 + j // ACTORS) % ACTORS}"},
        )
        for j in range(RELATIONS)
    ]
    for start in range(0, len(relations), 150):
        _apply(session, board_id, relations[start : start + 150])
    return project.id, board_id, ops[0]["id"]


def _apply(session, board_id, ops):
    change = Change(board_id, f"b-{uuid.uuid4().hex}", "bench", tuple(parse_op(op) for op in ops))
    return service.apply_change(session, change, CONDUCTOR)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def run_once(session) -> dict[str, float]:
    project_id, board_id, _ = _build(session)
    session.commit()
    flip = iter(range(10**6))

    def drag():
        n = next(flip)
        change = parse_change(
            {
                "board_id": board_id,
                "change_id": f"d-{uuid.uuid4().hex}",
                "client_id": "c",
                "ops": [update("a7", x=100.0 + 10 * (n % 50), y=300.0)],
            }
        )
        service.apply_change(session, change, CONDUCTOR)

    for _ in range(3):  # warm the statement caches
        drag()
    drags = [_timed(drag) for _ in range(20)]

    exported: dict[str, bytes] = {}

    def export():
        items = service.project_board_items(session, project_id, "stakeholders")
        session.rollback()
        actors = sorted(
            (it for it in items.values() if it.type == "actor"),
            key=lambda it: (it.created_seq, it.id),
        )
        exported["csv"] = registry_csv.export_registry(actors)

    export_ms = _timed(export)
    # Every row changed (the attitude), so the import is a real 150-update change.
    body = (
        exported["csv"].decode("utf-8-sig").replace(";neutral;", ";supporter;").encode("utf-8-sig")
    )

    def import_():
        existing = service.project_board_items(session, project_id, "stakeholders")
        rows = registry_csv.read_registry(body, existing)
        session.rollback()
        applied = service.apply_change(
            session,
            Change(board_id, f"i-{uuid.uuid4().hex}", "registry-csv", ()),
            CONDUCTOR,
            plan=lambda view: registry_csv.plan_import(view, rows),
        )
        assert applied.result["updated"] == ACTORS, applied.result

    import_ms = _timed(import_)
    board = session.get(Board, board_id)
    snapshot = snapshots.sync_payload(session, board, None)
    session.rollback()
    return {
        "drag_ms": statistics.median(drags),
        "export_ms": export_ms,
        "import_ms": import_ms,
        "csv_kib": len(exported["csv"]) / 1024,
        "snapshot_kib": len(json.dumps(snapshot, separators=(",", ":")).encode()) / 1024,
        "items": len(snapshot["items"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    scratch = None
    if args.db == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    else:  # a scratch database of its own, dropped at the end
        scratch = f"bench_stakeholders_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(DEFAULT_POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {scratch}"))
        url = (
            sa.engine.make_url(DEFAULT_POSTGRES_URL)
            .set(database=scratch)
            .render_as_string(hide_password=False)
        )
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    session = orm.Session(engine, expire_on_commit=False)
    try:
        results = [run_once(session) for _ in range(args.runs)]
    finally:
        session.close()
        engine.dispose()
        if scratch is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE {scratch}"))
            admin.dispose()
    print(
        f"stakeholder map: {ACTORS} actors, {RELATIONS} relations, grid; {args.db}; {args.runs} runs"
    )
    for key, label in (
        ("drag_ms", "drag one actor on the grid (change applied), ms"),
        ("export_ms", "CSV export of 150 actors, ms"),
        ("import_ms", "CSV import of 150 changed actors (one change), ms"),
        ("csv_kib", "CSV file, KiB"),
        ("snapshot_kib", "join snapshot (JSON), KiB"),
        ("items", "items in the snapshot"),
    ):
        values = [r[key] for r in results]
        print(
            f"  {label:<55} median {statistics.median(values):8.2f}   min {min(values):8.2f}   max {max(values):8.2f}"
        )


if __name__ == "__main__":
    main()
