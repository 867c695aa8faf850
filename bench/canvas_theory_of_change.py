"""A 200-outcome theory of change: what its actions and exports cost.

Builds, through the app's own services on a scratch SQLite database, a theory of change of
200 outcomes in four tiers with 199 causal links (each with a rationale), 200 indicators, 60
interventions and 40 assumptions, then times, median of --repeat runs each:
- one change (moving an outcome), through the sequencer;
- the method check and the narrative (run_action, as a client would ask for them);
- a newcomer's join snapshot (its size in bytes too);
- the exports: SVG, PNG, PDF, the XLSX workbook and the logframe.

    python bench/canvas_theory_of_change.py [--outcomes 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import orm  # noqa: E402

import workshop.canvases  # noqa: E402,F401  (registers the canvases)
from workshop.boards import service, snapshots  # noqa: E402
from workshop.boards.ops import parse_action, parse_change  # noqa: E402
from workshop.boards.state import Actor  # noqa: E402
from workshop.database import make_engine  # noqa: E402
from workshop.exports import diagram  # noqa: E402
from workshop.exports import theory_of_change as toc_exports  # noqa: E402
from workshop.models import Base, BoardKind  # noqa: E402
from workshop.projects.service import create_project  # noqa: E402

CONDUCTOR = Actor("u:1", "Carla", may_conduct=True)
TIERS = ("impact", "long_term", "intermediate", "early")


def build(session, outcomes: int) -> int:
    project = create_project(session, {"title": "Bench"}, None)
    session.commit()
    board_id = next(b.id for b in project.boards if b.kind == BoardKind.THEORY_OF_CHANGE)
    counter = iter(range(10**9))

    def send(ops):
        for start in range(0, len(ops), 200):
            change = parse_change(
                {
                    "board_id": board_id,
                    "change_id": f"b{next(counter)}",
                    "client_id": "bench",
                    "ops": ops[start : start + 200],
                }
            )
            service.apply_change(session, change, CONDUCTOR)

    per_tier = outcomes // len(TIERS)
    send(
        [
            {
                "op": "create",
                "id": f"o{n}",
                "type": "outcome",
                "fields": {
                    "text": f"Esito {n}: le famiglie del quartiere partecipano di più",
                    "tier": TIERS[min(n // per_tier, 3)],
                    "is_goal": n == 0,
                    "x": (n % per_tier) * 260.0,
                    "y": min(n // per_tier, 3) * 400.0,
                    "w": 220.0,
                    "h": 120.0,
                },
            }
            for n in range(outcomes)
        ]
    )
    send(
        [
            {
                "op": "create",
                "id": f"l{n}",
                "type": "toc_link",
                "fields": {
                    "from": f"o{n}",
                    "to": f"o{(n - 1) // 3}",
                    "rationale": "perché la partecipazione crea fiducia",
                },
            }
            for n in range(1, outcomes)
        ]
    )
    send(
        [
            {
                "op": "create",
                "id": f"k{n}",
                "type": "indicator",
                "fields": {
                    "name": f"Indicatore {n}",
                    "of": f"o{n}",
                    "target": 40,
                    "unit": "famiglie",
                    "threshold": 30,
                    "timeline": "2027-06-30",
                    "source": "Registro",
                },
            }
            for n in range(outcomes)
        ]
    )
    send(
        [
            {
                "op": "create",
                "id": f"v{n}",
                "type": "intervention",
                "fields": {
                    "text": f"Intervento {n}",
                    "targets": [f"o{outcomes - 1 - n}"],
                    "x": n * 260.0,
                    "y": 1700.0,
                },
            }
            for n in range(60)
        ]
    )
    send(
        [
            {
                "op": "create",
                "id": f"a{n}",
                "type": "assumption",
                "fields": {
                    "text": f"Ipotesi {n}",
                    "attached_to": f"l{n + 1}",
                    "x": 6000.0,
                    "y": n * 140.0,
                },
            }
            for n in range(40)
        ]
    )
    return board_id


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outcomes", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        Base.metadata.create_all(engine)
        session = orm.Session(engine, expire_on_commit=False)
        board_id = build(session, args.outcomes)
        counter = iter(range(10**9))

        def move():
            change = parse_change(
                {
                    "board_id": board_id,
                    "change_id": f"m{next(counter)}",
                    "client_id": "bench",
                    "ops": [
                        {"op": "update", "id": "o5", "fields": {"x": float(next(counter) % 500)}}
                    ],
                }
            )
            service.apply_change(session, change, CONDUCTOR)

        def action(name, action_args):
            def run():
                request = parse_action(
                    {
                        "board_id": board_id,
                        "change_id": f"a{next(counter)}",
                        "client_id": "bench",
                        "action": name,
                        "args": action_args,
                    }
                )
                return service.run_action(
                    session, request.change, request.action, request.args, CONDUCTOR, may_edit=True
                )

            return run

        def snapshot():
            session.rollback()
            return snapshots.sync_payload(session, board_id, None)

        items = service.live_items(session, board_id)
        session.rollback()
        labels = diagram.Labels(types={"outcome": "Esito"})
        svg = diagram.board_svg(items, labels)
        figures = {
            "items on the board": len(items),
            "one change (move an outcome), ms": median_ms(move, args.repeat * 4),
            "check_theory, ms": median_ms(action("check_theory", {}), args.repeat),
            "generate_narrative (first run writes it), ms": median_ms(
                action("generate_narrative", {"lang": "it", "replace": True}), args.repeat
            ),
            "join snapshot, ms": median_ms(snapshot, args.repeat),
            "join snapshot, KiB": round(len(json.dumps(snapshot()).encode()) / 1024, 1),
            "export SVG, ms": median_ms(lambda: diagram.board_svg(items, labels), args.repeat),
            "export PNG, ms": median_ms(lambda: diagram.svg_to_png(svg), args.repeat),
            "export PDF, ms": median_ms(lambda: diagram.svg_to_pdf(svg), args.repeat),
            "export XLSX, ms": median_ms(
                lambda: toc_exports.workbook(items, {}, lambda k: k), args.repeat
            ),
            "logframe, ms": median_ms(lambda: toc_exports.logframe(items, {}), args.repeat),
        }
        session.close()
        engine.dispose()
    print(
        f"Theory of change, {args.outcomes} outcomes (SQLite, in process, median of {args.repeat} runs):"
    )
    for name, value in figures.items():
        print(
            f"  {name:48} {value:>10.1f}"
            if isinstance(value, float)
            else f"  {name:48} {value:>10}"
        )


if __name__ == "__main__":
    main()
