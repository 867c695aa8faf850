"""Session 2 of the demo: the stakeholder registry and map, and the co-funding ledger."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop import ledger
from workshop.boards import service as boards
from workshop.boards.ops import Change, parse_op
from workshop.boards.state import Actor, Item
from workshop.canvases import stakeholders as sh
from workshop.canvases.common import create, update
from workshop.models import Board, BoardKind, Project, User

# The stakeholder map of session 2: (id, name, macro, sub, role, power, interest, salience P/L/U,
# attitude, engagement). Placed on the grid at their power and interest.
# Power and interest put each card wholly inside its quadrant, clear of the quadrant's name and
# of the other cards (a card is 0.9 wide and 0.45 high on the 1-5 scales).
DEMO_ACTORS = (
    (
        "demo-comune",
        "Comune di Borgo Sereno",
        "public",
        "comune",
        "proposing_body",
        4.5,
        3.5,
        (True, True, False),
        "champion",
        "empower",
    ),
    (
        "demo-udp",
        "Ufficio di Piano Valle Serena",
        "public",
        "ambito",
        "proposing_body",
        3.95,
        4.45,
        (True, True, True),
        "champion",
        "collaborate",
    ),
    (
        "demo-coop",
        "Cooperativa sociale Il Faro",
        "third_sector",
        "social_coop",
        "partner",
        3.4,
        3.7,
        (False, True, True),
        "supporter",
        "collaborate",
    ),
    (
        "demo-odv",
        "ODV Porte Aperte",
        "third_sector",
        "odv",
        "partner",
        2.6,
        4.2,
        (False, True, True),
        "supporter",
        "involve",
    ),
    (
        "demo-aps",
        "APS Quartieri in rete",
        "third_sector",
        "aps",
        "supporter",
        2.0,
        3.55,
        (False, True, False),
        "neutral",
        "consult",
    ),
    (
        "demo-fondazione",
        "Fondazione Casa Comune",
        "third_sector",
        "foundation",
        "funder",
        4.0,
        2.2,
        (True, False, False),
        "neutral",
        "consult",
    ),
    (
        "demo-ats",
        "ATS della Montagna",
        "public",
        "ats_asst",
        "observer",
        3.5,
        1.8,
        (True, True, False),
        "critic",
        "inform",
    ),
    (
        "demo-famiglie",
        "Famiglie monoreddito in cerca di casa",
        "target_group",
        "families",
        "beneficiary",
        1.6,
        4.5,
        (False, True, True),
        "supporter",
        "involve",
    ),
)
# (id, from, to, type, direction, strength)
DEMO_RELATIONS = (
    ("demo-rel-1", "demo-udp", "demo-comune", "agreement", "mutual", 5),
    ("demo-rel-2", "demo-udp", "demo-coop", "agreement", "directed", 4),
    ("demo-rel-3", "demo-fondazione", "demo-coop", "funding", "directed", 3),
    ("demo-rel-4", "demo-coop", "demo-odv", "collaboration", "mutual", 4),
    ("demo-rel-5", "demo-aps", "demo-odv", "network", "undirected", 2),
    ("demo-rel-6", "demo-ats", "demo-udp", "information", "directed", 2),
)
DEMO_ACTIVITIES = (
    ("demo-att-1", "Sportello unico per l'abitare", "2025-09-01", "2028-08-31", "demo-udp"),
    ("demo-att-2", "Coabitazioni solidali", "2026-01-01", "2028-06-30", "demo-coop"),
    (
        "demo-att-3",
        "Accompagnamento all'autonomia abitativa",
        "2025-10-01",
        "2028-08-31",
        "demo-odv",
    ),
)
# The proposal's budget: one line per partner contribution, moved into the co-funding ledger
# (workshop.ledger) under its partner, cost category and valuation basis, so that the record
# (public 480.000 €, Third Sector 95.000 €), the proposal and the report say the same. The board
# line's source is the class the ledger derives from the partner: the foundation is an ETS.
# (id, description, source, amount, in kind, partner, category, basis of the valuation)
DEMO_BUDGET = (
    (
        "demo-bud-1",
        "Operatori dello sportello unico per l'abitare (36 mesi)",
        "public",
        280000,
        False,
        "demo-udp",
        "personnel",
        "",
    ),
    (
        "demo-bud-4",
        "Fondo di garanzia per i canoni e la morosità incolpevole",
        "public",
        80000,
        False,
        "demo-udp",
        "goods_services",
        "",
    ),
    (
        "demo-bud-5",
        "Tre alloggi comunali e i locali dello sportello",
        "public",
        120000,
        True,
        "demo-comune",
        "facilities",
        "Canone di mercato (Osservatorio del mercato immobiliare): 3 alloggi × 36 mesi × 1.000 € "
        "e locali dello sportello 12.000 €",
    ),
    (
        "demo-bud-2",
        "Ore di volontariato per l'accompagnamento all'autonomia abitativa",
        "third_sector",
        40000,
        True,
        "demo-odv",
        "personnel",
        "2.500 ore di volontariato × 16 € l'ora (costo orario di riferimento)",
    ),
    (
        "demo-bud-6",
        "Un furgone per i traslochi",
        "third_sector",
        5000,
        True,
        "demo-coop",
        "goods_services",
        "50 traslochi × 100 € (noleggio di un mezzo equivalente)",
    ),
    (
        "demo-bud-3",
        "Due alloggi della fondazione per le coabitazioni",
        "third_sector",
        50000,
        True,
        "demo-fondazione",
        "facilities",
        "Canone di mercato: 2 alloggi × 25 mesi × 1.000 €",
    ),
)


def _stakeholder_map(session: Session, project: Project, conductor: User) -> None:
    """Session 2's board: the grid with the actors, their relations and the proposal, laid
    through the engine as one change. Only on an empty board: a rerun changes nothing."""
    board = session.scalar(
        sa.select(Board)
        .where(Board.project_id == project.id, Board.kind == BoardKind.STAKEHOLDERS)
        .limit(1)
    )
    if board is None or board.live_items:
        return
    full = sh.build_full()
    grid = next(op for op in full if op["type"] == "pi_grid")
    proposal = next(op for op in full if op["type"] == "proposal")
    activity_zone, budget_zone = [op for op in full if op["type"] == "frame"]
    grid_item = Item(grid["id"], "pi_grid", grid["fields"], 0, 0, None, "")
    ops = list(full)
    for item_id, name, macro, sub, role, power, interest, (
        sp,
        sl,
        su,
    ), attitude, engagement in DEMO_ACTORS:
        x, y = sh.place_on_grid(grid_item, power, interest, sh.ACTOR_CARD_W, sh.ACTOR_CARD_H)
        ops.append(
            create(
                item_id,
                "actor",
                x=x,
                y=y,
                w=sh.ACTOR_CARD_W,
                h=sh.ACTOR_CARD_H,
                name=name,
                macro_type=macro,
                sub_type=sub,
                runts=macro == "third_sector",
                table_role=role,
                salience_power=sp,
                salience_legitimacy=sl,
                salience_urgency=su,
                attitude=attitude,
                engagement=engagement,
            )
        )
    for item_id, source, target, kind, direction, strength in DEMO_RELATIONS:
        ops.append(
            create(
                item_id,
                "relation",
                type=kind,
                direction=direction,
                strength=strength,
                **{"from": source, "to": target},
            )
        )
    ops.append(
        update(
            proposal["id"],
            title="Abitare solidale in Valle Serena",
            need="Famiglie monoreddito, giovani e anziani soli non trovano una casa a un costo sostenibile.",
            target_groups=["demo-famiglie"],
            partners=["demo-udp", "demo-coop", "demo-odv", "demo-fondazione"],
            governance="Cabina di regia mensile dell'Ufficio di Piano con gli enti partner.",
            sustainability="Gli alloggi restano alla rete; lo sportello entra nel Piano di Zona.",
            risks="Tempi del PNRR; disponibilità dei proprietari privati.",
        )
    )
    for place, (item_id, title, start, end, lead) in enumerate(DEMO_ACTIVITIES):
        f = activity_zone["fields"]
        ops.append(
            create(
                item_id,
                "proposal_activity",
                x=f["x"] + 20,
                y=f["y"] + 50 + place * 100,
                w=f["w"] - 40,
                h=90,
                title=title,
                start=start,
                end=end,
                lead=lead,
            )
        )
    # Two columns: each line tall enough for its description and, under it, its source and
    # amount (the card's chips on the board, its foot in the drawn map).
    f = budget_zone["fields"]
    rows = -(-len(DEMO_BUDGET) // 2)
    line_w, line_h = (f["w"] - 50) / 2, (f["h"] - 60) / rows
    for place, (item_id, description, source, amount, in_kind, *_partner) in enumerate(DEMO_BUDGET):
        ops.append(
            create(
                item_id,
                "budget_line",
                x=f["x"] + 20 + (place % 2) * (line_w + 10),
                y=f["y"] + 50 + (place // 2) * line_h,
                w=line_w,
                h=line_h - 8,
                description=description,
                source=source,
                amount=amount,
                in_kind=in_kind,
            )
        )
    change = Change(board.id, "demo-stakeholder-map", "demo", tuple(parse_op(op) for op in ops))
    boards.apply_change(
        session, change, Actor(f"u:{conductor.id}", conductor.name, may_conduct=True)
    )


def _ledger(session: Session, project: Project) -> None:
    """The proposal's budget lines moved into the co-funding ledger under their partners, as a
    project manager does on the ledger page. A line already there is left as it is."""
    for item_id, _description, _source, _amount, _in_kind, partner, category, basis in DEMO_BUDGET:
        try:
            ledger.adopt_budget_line(session, project.id, item_id, partner, category, basis)
        except ledger.LedgerError:
            continue  # already in the ledger, or taken off the board by someone
    session.commit()
