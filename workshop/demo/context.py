"""Session 1 of the demo: the context board, filled in through the board engine like any lab's."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards import service as boards
from workshop.boards.ops import parse_action, parse_change
from workshop.boards.state import Actor
from workshop.demo.record import DEMO_RECORD
from workshop.models import Board, BoardKind, Project, User

# --- session 1's board, filled in through the board engine like any lab's -----------------------

DEMO_TAVOLO = {
    "title": "Tavolo di co-progettazione per l'abitare solidale",
    "proposing_body": DEMO_RECORD["proposing_body"],
    "person_responsible": DEMO_RECORD["rup"],
    "purpose": DEMO_RECORD["motivation"],
    "object": DEMO_RECORD["requested_activities"],
    "territory": DEMO_RECORD["territory"],
    "duration": "36 mesi dalla firma della convenzione",
    "resources": "Risorse pubbliche 480.000 euro; compartecipazione degli ETS 95.000 euro, anche in natura.",
    "admitted_parties": DEMO_RECORD["participant_selection"],
    "working_rules": DEMO_RECORD["conflict_handling"],
    "calendar": "Quattro sessioni, il primo martedì del mese da aprile a luglio, ore 14.30-17.30.",
    "procedure_stage": "table",
}
DEMO_CORE_PROBLEM = "Molte famiglie fragili dell'Ambito non trovano o perdono la casa"
# (id, role, text, the card it causes or None); the core problem is the template's own card.
DEMO_PROBLEMS = [
    ("demo-cause-rent", "cause", "Affitti privati troppo alti per i redditi bassi", "core"),
    (
        "demo-cause-homes",
        "cause",
        "Pochi alloggi pubblici disponibili e molti sfitti da ristrutturare",
        "core",
    ),
    (
        "demo-cause-trust",
        "cause",
        "I proprietari non si fidano ad affittare a chi è seguito dai servizi",
        "demo-cause-rent",
    ),
    ("demo-cause-debt", "cause", "Morosità incolpevole dopo la perdita del lavoro", "core"),
    (
        "demo-effect-evictions",
        "effect",
        "Aumentano gli sfratti e le sistemazioni di emergenza",
        None,
    ),
    (
        "demo-effect-children",
        "effect",
        "Minori che cambiano scuola e perdono i legami",
        "demo-effect-evictions",
    ),
    ("demo-constraint-pnrr", "constraint", "Scadenze strette dei fondi PNRR", None),
]
DEMO_PESTEL = [
    ("demo-pestel-pnrr", "economic", "positive", 4, 4, "Fondi PNRR M5C2 per l'housing sociale"),
    (
        "demo-pestel-prices",
        "economic",
        "negative",
        4,
        5,
        "Canoni in crescita per gli affitti brevi turistici",
    ),
    (
        "demo-pestel-law",
        "legal",
        "positive",
        3,
        4,
        "Art. 55 del Codice del Terzo settore e DM 72/2021",
    ),
    ("demo-pestel-ageing", "social", "negative", 3, 5, "Popolazione che invecchia e anziani soli"),
]
DEMO_SWOT = [
    ("demo-swot-network", "strength", "Rete di enti del Terzo settore già attiva sul territorio"),
    ("demo-swot-homes", "strength", "Tre alloggi comunali e due di una fondazione disponibili"),
    ("demo-swot-evaluation", "weakness", "Poca esperienza di valutazione d'impatto"),
]


def fill_context_board(session: Session, project: Project, conductor: User) -> None:
    """The context board: the whole-session template, the tavolo filled in, a small problem
    tree laid out, PESTEL factors (one promoted to the SWOT) and SWOT items.

    Each step is a change with a fixed change_id, so running it again is a duplicate the
    engine acknowledges without changing anything."""
    board_id = session.scalar(
        sa.select(Board.id).where(Board.project_id == project.id, Board.kind == BoardKind.CONTEXT)
    )
    if board_id is None:
        return
    actor = Actor(f"u:{conductor.id}", conductor.name, may_conduct=True)
    session.commit()
    _action(
        session,
        board_id,
        actor,
        "demo:context:template",
        "apply_template",
        {"name": "context_full"},
    )
    items = boards.live_items(session, board_id)
    session.rollback()
    first = {}
    for item in items:
        key = item["type"] if item["type"] != "frame" else item["id"].rsplit("-", 1)[0]
        first.setdefault(key, item)
    if "tavolo" not in first or "problem" not in first:
        return  # someone took the template's cards away: leave their board alone
    core = first["problem"]
    ops = [
        {"op": "update", "id": first["tavolo"]["id"], "fields": DEMO_TAVOLO},
        {"op": "update", "id": core["id"], "fields": {"text": DEMO_CORE_PROBLEM}},
    ]
    cx, cy = core["fields"]["x"], core["fields"]["y"]
    for n, (item_id, role, text, _causes) in enumerate(DEMO_PROBLEMS):
        fields = {"text": text, "role": role, "x": cx + n * 60, "y": cy + 300, "w": 240, "h": 120}
        ops.append({"op": "create", "id": item_id, "type": "problem", "fields": fields})
    for n, (item_id, _role, _text, causes) in enumerate(DEMO_PROBLEMS):
        target = core["id"] if causes == "core" else causes
        if target is not None:
            source, target = (
                (target, item_id) if item_id.startswith("demo-effect") else (item_id, target)
            )
            link = {"from": source, "to": target}
            ops.append(
                {"op": "create", "id": f"demo-link-{n}", "type": "causal_link", "fields": link}
            )
    ops.append(
        {
            "op": "create",
            "id": "demo-link-core",
            "type": "causal_link",
            "fields": {"from": core["id"], "to": "demo-effect-evictions"},
        }
    )
    for n, (item_id, category, direction, impact, likelihood, text) in enumerate(DEMO_PESTEL):
        column = first.get(f"pestel-{category}", core)["fields"]
        fields = {
            "text": text,
            "category": category,
            "direction": direction,
            "impact": impact,
            "likelihood": likelihood,
            "x": column["x"] + 40,
            "y": column["y"] + 260 + n * 140,
            "w": 240,
            "h": 120,
        }
        ops.append({"op": "create", "id": item_id, "type": "pestel_factor", "fields": fields})
    for n, (item_id, quadrant, text) in enumerate(DEMO_SWOT):
        zone = first.get(f"swot-{quadrant}", core)["fields"]
        fields = {
            "text": text,
            "quadrant": quadrant,
            "x": zone["x"] + 40 + (n % 2) * 280,
            "y": zone["y"] + 80,
            "w": 240,
            "h": 120,
        }
        ops.append({"op": "create", "id": item_id, "type": "swot_item", "fields": fields})
    change = parse_change(
        {"board_id": board_id, "change_id": "demo:context:content", "client_id": "demo", "ops": ops}
    )
    boards.apply_change(session, change, actor)
    _action(session, board_id, actor, "demo:context:layout", "layout_problem_tree", {})
    _action(
        session,
        board_id,
        actor,
        "demo:context:promote",
        "promote_pestel_factor",
        {"factor_id": "demo-pestel-pnrr"},
    )


def _action(
    session: Session, board_id: int, actor: Actor, change_id: str, name: str, args: dict
) -> None:
    request = parse_action(
        {
            "board_id": board_id,
            "change_id": change_id,
            "client_id": "demo",
            "action": name,
            "args": args,
        }
    )
    boards.run_action(session, request.change, request.action, request.args, actor, may_edit=True)
