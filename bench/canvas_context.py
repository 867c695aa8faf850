"""Benchmark of session 1's tree actions on a 300-card problem tree, through the real service.

    python bench/canvas_context.py                   # SQLite in a temporary folder, 5 runs
    python bench/canvas_context.py --db postgres     # a scratch PostgreSQL database
    python bench/canvas_context.py --runs 9 --cards 300

Builds the tree as people would (changes of at most 200 ops through `service.apply_change`):
one core problem, causes three levels deep below it, effects two levels up, a link per card.
Then times, as the median of several runs, what a click on each action costs on the server:

- `layout_problem_tree` end to end (read the board, plan, apply and commit the moves), each
  run after scattering the cards again (not timed); and the layout's planning alone;
- `check_problem_tree` end to end (read-only: nothing is written);
- `convert_to_objective_tree` end to end on a fresh copy of the tree (300 objectives and 299
  links in one change), and its re-run (nothing missing: nothing written).

PostgreSQL: a scratch database on BENCH_POSTGRES_URL (else TEST_POSTGRES_URL, else
postgresql://postgres@127.0.0.1:5432/test), dropped at the end.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import os  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import orm  # noqa: E402

import workshop.canvases  # noqa: E402,F401  (registers the canvases)
from workshop.boards import service  # noqa: E402
from workshop.boards.canvas import BoardView  # noqa: E402
from workshop.boards.ops import parse_action, parse_change  # noqa: E402
from workshop.boards.state import Actor  # noqa: E402
from workshop.canvases import problem_tree as trees  # noqa: E402
from workshop.database import make_engine  # noqa: E402
from workshop.models import Base, BoardKind  # noqa: E402
from workshop.projects.service import create_project  # noqa: E402

CONDUCTOR = Actor("u:1", "Bench", may_conduct=True)
MAX_OPS = 200
_ids = iter(range(1, 10**9))


def tree_ops(cards: int, rng: random.Random) -> list[dict]:
    """One core, two thirds causes (8, then 32, then the rest below), a third effects (10, then
    the rest above); a causal link per card; scattered positions."""
    causes = (cards - 1) * 2 // 3
    effects = cards - 1 - causes

    def card(item_id, role):
        return {
            "op": "create",
            "id": item_id,
            "type": "problem",
            "fields": {
                "text": f"{role} {item_id}",
                "role": role,
                "x": rng.uniform(0, 3000),
                "y": rng.uniform(0, 2000),
            },
        }

    def link(n, source, target):
        return {
            "op": "create",
            "id": f"l{n}",
            "type": "causal_link",
            "fields": {"from": source, "to": target},
        }

    ops = [card("core", "core")]
    links = []
    for i in range(causes):
        ops.append(card(f"c{i}", "cause"))
        parent = "core" if i < 8 else f"c{i % 8}" if i < 40 else f"c{8 + i % 32}"
        links.append(link(len(links), f"c{i}", parent))
    for i in range(effects):
        ops.append(card(f"e{i}", "effect"))
        links.append(link(len(links), "core" if i < 10 else f"e{i % 10}", f"e{i}"))
    return ops + links


def apply(session, board_id: int, ops: list[dict]) -> None:
    for start in range(0, len(ops), MAX_OPS):
        change = parse_change(
            {
                "board_id": board_id,
                "change_id": f"b-{next(_ids)}",
                "client_id": "bench",
                "ops": ops[start : start + MAX_OPS],
            }
        )
        service.apply_change(session, change, CONDUCTOR)


def run(session, board_id: int, action: str, args: dict | None = None):
    request = parse_action(
        {
            "board_id": board_id,
            "change_id": f"a-{next(_ids)}",
            "client_id": "bench",
            "action": action,
            "args": args or {},
        }
    )
    return service.run_action(
        session, request.change, request.action, request.args, CONDUCTOR, may_edit=True
    )


def new_board(session, cards: int, rng: random.Random) -> int:
    project = create_project(session, {"title": f"Bench {uuid.uuid4().hex[:6]}"}, None)
    session.commit()
    board_id = next(b.id for b in project.boards if b.kind == BoardKind.CONTEXT)
    apply(session, board_id, tree_ops(cards, rng))
    return board_id


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def summary(name: str, samples: list[float]) -> str:
    return (
        f"{name:<44} median {statistics.median(samples):8.1f} ms"
        f"   min {min(samples):8.1f}   max {max(samples):8.1f}   (n={len(samples)})"
    )


def bench(url: str, cards: int, runs: int) -> None:
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    session = orm.Session(engine, expire_on_commit=False)
    rng = random.Random(7)
    try:
        build_ms, board_id = timed(lambda: new_board(session, cards, rng))
        print(
            f"built a {cards}-card problem tree ({cards - 1} links) in {build_ms:.0f} ms, on {engine.dialect.name}"
        )
        live = service.live_items(session, board_id)
        session.rollback()
        problems = [i for i in live if i["type"] == "problem"]
        links = [i for i in live if i["type"] == "causal_link"]
        print(f"  {len(problems)} problems, {len(links)} causal links")

        layout, layout_plan, check, convert, reconvert = [], [], [], [], []
        moved = 0
        for _ in range(runs):
            scatter = [
                {
                    "op": "update",
                    "id": p["id"],
                    "fields": {"x": rng.uniform(0, 3000), "y": rng.uniform(0, 2000)},
                }
                for p in problems
            ]
            apply(session, board_id, scatter)
            ms, applied = timed(lambda: run(session, board_id, "layout_problem_tree"))
            layout.append(ms)
            moved = applied.result["moved"]
            items = {i["id"]: i for i in service.live_items(session, board_id)}
            session.rollback()
            view = _view(board_id, items)
            ms, _ = timed(
                lambda v=view: trees.layout(
                    trees.Graph.build(
                        trees.PROBLEMS, v.of_type("problem"), v.of_type("causal_link")
                    )
                )
            )
            layout_plan.append(ms)
            ms, applied = timed(lambda: run(session, board_id, "check_problem_tree"))
            assert applied.seq == 0 and applied.result["findings"] == [], applied.result
            check.append(ms)

        for _ in range(runs):
            fresh = new_board(session, cards, rng)
            ms, applied = timed(lambda b=fresh: run(session, b, "convert_to_objective_tree"))
            assert (
                len(applied.result["objectives"]) == cards
                and len(applied.result["links"]) == cards - 1
            )
            convert.append(ms)
            ms, applied = timed(lambda b=fresh: run(session, b, "convert_to_objective_tree"))
            assert applied.seq == 0
            reconvert.append(ms)

        print(summary(f"layout_problem_tree (moves {moved} cards)", layout))
        print(summary("  of which planning the layout (pure)", layout_plan))
        print(summary("check_problem_tree (read-only)", check))
        print(summary(f"convert_to_objective_tree ({2 * cards - 1} creates)", convert))
        print(summary("convert_to_objective_tree again (no-op)", reconvert))
    finally:
        session.close()
        engine.dispose()


def _view(board_id: int, items: dict[str, dict]) -> BoardView:
    from workshop.boards.state import Item

    return BoardView(
        board_id,
        "context",
        0,
        {
            i: Item(i, it["type"], it["fields"], it["seq"], it["seq"], None, "u:1")
            for i, it in items.items()
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    if options.db == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            bench(f"sqlite:///{folder}/bench.sqlite3", options.cards, options.runs)
        return
    base = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get(
        "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
    )
    name = f"bench_canvas_{uuid.uuid4().hex[:8]}"
    base = sa.make_url(base).set(drivername="postgresql+psycopg2")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        bench(
            base.set(database=name).render_as_string(hide_password=False),
            options.cards,
            options.runs,
        )
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
