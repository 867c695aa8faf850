"""Sessions 3 and 4 of the demo: the theory of change seeded from session 1, and the social report."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards import service as boards
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.demo.context import _action
from workshop.demo.stakeholders import DEMO_ACTIVITIES
from workshop.models import Board, BoardKind, Project, User

# --- sessions 3 and 4: the theory of change seeded from session 1, and the social report --------

# The purpose's indicator with the four parts of the Center for Theory of Change: who changes,
# how many (target, and the fewest still acceptable), what counts as success for one family
# (the threshold: in a home for at least 12 months) and by when. The id stays: measurements
# and the social report refer to it.
DEMO_GOAL_INDICATOR = {
    "name": "Famiglie con una casa stabile",
    "population": "demo-famiglie",
    "target": 40,
    "target_minimum": 30,
    "unit": "famiglie",
    "threshold": 12,
    "threshold_unit": "mesi",
    "threshold_note": "in casa da almeno 12 mesi",
    "timeline": "2027-12-31",
    "baseline": 0,
    "source": "Registro dello sportello per l'abitare",
    "method": "Verifica a 12 mesi dall'ingresso in alloggio",
    "frequency": "quarterly",
    "owner": "demo-udp",
}
# An indicator for each means of the objective tree (by the problem it came from), so that every
# outcome the project answers for is measured; the impact above the ceiling needs none.
DEMO_MEANS_INDICATORS = {
    "demo-cause-rent": (
        "Famiglie con un canone non oltre il 30% del reddito",
        25,
        "famiglie",
        "Contratti registrati dallo sportello",
    ),
    "demo-cause-homes": (
        "Alloggi sfitti ristrutturati e assegnati",
        5,
        "alloggi",
        "Verbali di assegnazione del Comune",
    ),
    "demo-cause-trust": (
        "Proprietari che affittano con la garanzia della rete",
        15,
        "proprietari",
        "Registro delle garanzie",
    ),
    "demo-cause-debt": (
        "Famiglie in morosità incolpevole sostenute entro 30 giorni",
        30,
        "famiglie",
        "Registro dello sportello per l'abitare",
    ),
}
# The goal is above the project's accountability ceiling, yet the logframe's overall objective
# wants an indicator the Ambito already collects: fewer is better.
DEMO_IMPACT_INDICATOR = {
    "name": "Minori che cambiano scuola dopo uno sfratto",
    "target": 5,
    "unit": "minori all'anno",
    "better": "lower",
    "baseline": 18,
    "timeline": "2028-08-31",
    "source": "Anagrafe scolastica e servizi sociali dell'Ambito",
    "frequency": "yearly",
    "owner": "demo-udp",
}
# Which outcomes each intervention serves (by the problem the outcome came from; "core": the purpose).
DEMO_TARGETS = {
    "demo-att-1": ("demo-cause-debt", "demo-cause-trust"),
    "demo-att-2": ("demo-cause-rent", "demo-cause-homes"),
    "demo-att-3": ("core",),
}
# The outputs (realizzazioni) each intervention delivers: the logframe's results.
DEMO_OUTPUTS = (
    ("demo-out-1", "demo-att-1", "Colloqui di orientamento allo sportello", "colloqui", 300),
    ("demo-out-2", "demo-att-2", "Coabitazioni solidali avviate", "coabitazioni", 12),
    ("demo-out-3", "demo-att-3", "Piani di autonomia abitativa firmati", "piani", 40),
)
# What the team picked from the context as assumptions and risks, and where it placed them
# (the PESTEL's legal factor is a fact of the procedure, not an assumption: not picked).
DEMO_ASSUMPTIONS = (
    (
        "demo-pestel-pnrr",
        "assumption",
        "I fondi PNRR M5C2 per l'housing sociale arrivano nei tempi previsti",
        "demo-cause-homes",
    ),
    (
        "demo-pestel-prices",
        "risk",
        "I canoni crescono ancora per gli affitti brevi turistici",
        "demo-cause-rent",
    ),
)
# The objective tree reworded in the positive, as the lab does after the conversion: by the
# problem each objective came from ("core": the core problem, whatever its id).
DEMO_OBJECTIVES = {
    "core": "Le famiglie fragili dell'Ambito trovano e mantengono una casa",
    "demo-cause-rent": "Affitti sostenibili per chi ha un reddito basso",
    "demo-cause-homes": "Più alloggi pubblici disponibili e gli sfitti ristrutturati",
    "demo-cause-trust": "I proprietari affittano con fiducia grazie alle garanzie della rete",
    "demo-cause-debt": "Le famiglie in morosità incolpevole sono sostenute in tempo",
    "demo-effect-evictions": "Meno sfratti nell'Ambito",
    "demo-effect-children": "I bambini restano nella loro scuola e nel loro quartiere",
}
# Measured since the project began (September 2025): every date already past, the next one due
# at the end of the quarter.
DEMO_MEASUREMENTS = (("2025-12-31", 9), ("2026-06-30", 21), ("2026-09-30", 33))
DEMO_STORIES = (
    (
        "demo-story-1",
        "Dopo lo sfratto pensavo di dover lasciare il paese. "
        "Con la coabitazione mia figlia è rimasta nella sua scuola.",
        "Anna",
        True,
    ),
    (
        "demo-story-2",
        "Racconto riservato: la famiglia non ha dato il consenso alla pubblicazione.",
        "Famiglia R.",
        False,
    ),
)


def _board_id(session: Session, project: Project, kind: BoardKind) -> int | None:
    return session.scalar(
        sa.select(Board.id)
        .where(Board.project_id == project.id, Board.kind == kind)
        .order_by(Board.position)
    )


def fill_theory_and_report(session: Session, project: Project, conductor: User) -> None:
    """Session 3 seeded from the objective tree, an indicator with its four parts, the
    interventions led by the registry's actors and the narrative; session 4's plan, three
    measurements, two stories (one without consent) and the drafted report. Every step has a
    fixed change_id: a rerun changes nothing."""
    context_id = _board_id(session, project, BoardKind.CONTEXT)
    theory_id = _board_id(session, project, BoardKind.THEORY_OF_CHANGE)
    reporting_id = _board_id(session, project, BoardKind.SOCIAL_REPORTING)
    if None in (context_id, theory_id, reporting_id):
        return
    actor = Actor(f"u:{conductor.id}", conductor.name, may_conduct=True)
    session.commit()
    _action(session, context_id, actor, "demo:context:convert", "convert_to_objective_tree", {})
    context_items = {it["id"]: it for it in boards.live_items(session, context_id)}
    session.rollback()
    rewording = []
    for item in context_items.values():
        source = context_items.get(item["fields"].get("source_problem") or "")
        if item["type"] != "objective" or source is None:
            continue
        key = "core" if source["fields"].get("role") == "core" else source["id"]
        if key in DEMO_OBJECTIVES and item["fields"].get("needs_rewording"):
            rewording.append(
                {
                    "op": "update",
                    "id": item["id"],
                    "fields": {"text": DEMO_OBJECTIVES[key], "in_scope": True},
                }
            )
    if rewording:
        change = {
            "board_id": context_id,
            "change_id": "demo:context:reword",
            "client_id": "demo",
            "ops": rewording,
        }
        boards.apply_change(session, parse_change(change), actor)
    _action(
        session,
        theory_id,
        actor,
        "demo:toc:template",
        "apply_template",
        {"name": "theory_of_change"},
    )
    _action(session, theory_id, actor, "demo:toc:seed", "seed_from_earlier_sessions", {})
    items = boards.live_items(session, theory_id)
    session.rollback()
    outcomes = [it for it in items if it["type"] == "outcome"]
    # The outcome seeded from each objective, by the problem that objective came from.
    by_problem = {}
    for it in outcomes:
        objective = context_items.get(it["fields"].get("source_objective") or "")
        problem = context_items.get((objective or {}).get("fields", {}).get("source_problem") or "")
        if problem is not None:
            by_problem["core" if problem["fields"].get("role") == "core" else problem["id"]] = it
    if "core" not in by_problem:
        return
    purpose = by_problem["core"]
    links = [it for it in items if it["type"] == "toc_link"]
    ops = [
        {
            "op": "update",
            "id": link["id"],
            "fields": {
                "rationale": "ogni passo rende possibile il successivo per le stesse famiglie"
            },
        }
        for link in links
        if not link["fields"].get("rationale")
    ]
    ops.append(
        {
            "op": "create",
            "id": "demo-ind-goal",
            "type": "indicator",
            "fields": {
                "of": purpose["id"],
                **DEMO_GOAL_INDICATOR,
                "x": purpose["fields"]["x"],
                "y": purpose["fields"]["y"] + 120,
                "w": 220,
                "h": 30,
            },
        }
    )
    impact = by_problem.get("demo-effect-children")
    if impact is not None:
        ops.append(
            {
                "op": "create",
                "id": "demo-ind-impact",
                "type": "indicator",
                "fields": {
                    "of": impact["id"],
                    **DEMO_IMPACT_INDICATOR,
                    "x": impact["fields"]["x"],
                    "y": impact["fields"]["y"] + 120,
                    "w": 220,
                    "h": 30,
                },
            }
        )
    for problem_id, (name, target, unit, source) in DEMO_MEANS_INDICATORS.items():
        outcome = by_problem.get(problem_id)
        if outcome is not None:
            ops.append(
                {
                    "op": "create",
                    "id": f"demo-ind-{problem_id[5:]}",
                    "type": "indicator",
                    "fields": {
                        "of": outcome["id"],
                        "name": name,
                        "target": target,
                        "unit": unit,
                        "timeline": "2027-12-31",
                        "source": source,
                        "frequency": "half_yearly",
                        "owner": "demo-udp",
                        "x": outcome["fields"]["x"],
                        "y": outcome["fields"]["y"] + 120,
                        "w": 220,
                        "h": 30,
                    },
                }
            )
    for n, (item_id, title, start, end, lead) in enumerate(DEMO_ACTIVITIES):
        targets = [
            by_problem[key]["id"] for key in DEMO_TARGETS.get(item_id, ()) if key in by_problem
        ]
        ops.append(
            {
                "op": "create",
                "id": f"{item_id}-toc",
                "type": "intervention",
                "fields": {
                    "text": title,
                    "lead": lead,
                    "start": start,
                    "end": end,
                    "targets": targets,
                    "input_source": "public" if n == 0 else "third_sector",
                    "x": 40 + n * 280,
                    "y": 4 * 300 + 100,
                    "w": 240,
                    "h": 120,
                },
            }
        )
    for n, (item_id, intervention, text, unit, quantity) in enumerate(DEMO_OUTPUTS):
        ops.append(
            {
                "op": "create",
                "id": item_id,
                "type": "output",
                "fields": {
                    "text": text,
                    "unit": unit,
                    "planned_quantity": quantity,
                    "intervention": f"{intervention}-toc",
                    "x": 900 + n * 280,
                    "y": 4 * 300 + 100,
                    "w": 240,
                    "h": 120,
                },
            }
        )
    boards.apply_change(
        session,
        parse_change(
            {
                "board_id": theory_id,
                "change_id": "demo:toc:content",
                "client_id": "demo",
                "ops": ops,
            }
        ),
        actor,
    )
    for source_id, kind, text, problem_id in DEMO_ASSUMPTIONS:
        attached = by_problem.get(problem_id)
        args = {
            "source_id": source_id,
            "kind": kind,
            "text": text,
            "attached_to": attached["id"] if attached else None,
        }
        _action(session, theory_id, actor, f"demo:toc:pick:{source_id}", "pick_assumption", args)
    _action(session, theory_id, actor, "demo:toc:narrative", "generate_narrative", {"lang": "it"})

    _action(
        session,
        reporting_id,
        actor,
        "demo:report:template",
        "apply_template",
        {"name": "social_reporting"},
    )
    _action(session, reporting_id, actor, "demo:report:plan", "plan_from_registry", {})
    ops = [
        {
            "op": "create",
            "id": f"demo-measure-{n}",
            "type": "measurement",
            "fields": {
                "indicator": "demo-ind-goal",
                "date": day,
                "value": value,
                "source": "Registro dello sportello",
                "x": 1500 + n * 260,
                "y": 120,
                "w": 240,
                "h": 110,
            },
        }
        for n, (day, value) in enumerate(DEMO_MEASUREMENTS)
    ]
    ops += [
        {
            "op": "create",
            "id": item_id,
            "type": "story",
            "fields": {
                "text": text,
                "teller": teller,
                "consent": consent,
                "actor": "demo-famiglie",
                "x": 40 + n * 420,
                "y": 1060,
                "w": 380,
                "h": 180,
            },
        }
        for n, (item_id, text, teller, consent) in enumerate(DEMO_STORIES)
    ]
    boards.apply_change(
        session,
        parse_change(
            {
                "board_id": reporting_id,
                "change_id": "demo:report:content",
                "client_id": "demo",
                "ops": ops,
            }
        ),
        actor,
    )
    _action(
        session, reporting_id, actor, "demo:report:draft", "draft_social_report", {"lang": "it"}
    )
