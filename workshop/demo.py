"""The demo a newcomer opens first: accounts, a filled-in project, its boards and an invite.

The project's record is content, not interface, so it is written in Italian, as a lab would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop import ledger
from workshop.access import service as access
from workshop.boards import service as boards
from workshop.boards.ops import Change, parse_action, parse_change, parse_op
from workshop.boards.state import Actor, Item
from workshop.canvases import stakeholders as sh
from workshop.canvases.common import create, update
from workshop.models import Board, BoardKind, Invite, InviteRole, Project, User, UserRole, utcnow
from workshop.monitoring.service import sync_tasks
from workshop.projects import service as projects

DEMO_ORGANIZER_EMAIL = "organizzatrice@demo.local"
DEMO_CONDUCTOR_EMAIL = "conduttore@demo.local"
DEMO_PASSWORD = "demo-workshop"
DEMO_JOIN_CODE = "CAFE7946"  # shown as CAFE-7946
DEMO_PROJECT_TITLE = "Abitare solidale: co-progettazione dei servizi per l'abitare"

DEMO_RECORD = {
    "title": DEMO_PROJECT_TITLE,
    "notice_name": "Avviso pubblico per la co-progettazione di interventi per l'abitare solidale",
    "notice_act": "Determinazione dirigenziale n. 245 del 12 marzo 2026",
    "proposing_body": "Ufficio di Piano dell'Ambito territoriale Valle Serena (ente capofila: Comune di Borgo Sereno)",
    "territory": "Ambito territoriale Valle Serena: 14 Comuni, 96.000 abitanti",
    "third_sector_types": ["social_cooperative", "aps", "odv", "foundation"],
    "motivation": (
        "La crisi abitativa colpisce famiglie monoreddito, giovani e anziani soli. Nessun ente da "
        "solo dispone delle competenze e delle risorse necessarie: la co-progettazione (art. 55 "
        "d.lgs. 117/2017) permette di mettere in comune conoscenze, immobili e reti."
    ),
    "requested_activities": (
        "Sportello unico per l'abitare; accompagnamento educativo all'autonomia abitativa; "
        "coabitazioni solidali; mediazione tra proprietari e inquilini."
    ),
    "public_resources_eur": Decimal("480000.00"),
    "public_resources_monetary": "Fondo nazionale politiche sociali e fondi PNRR M5C2, per 36 mesi.",
    "public_resources_in_kind": "Tre alloggi comunali e i locali per lo sportello.",
    "third_sector_cofunding_eur": Decimal("95000.00"),
    "third_sector_cofunding": "Ore di volontariato, due alloggi di una fondazione (ETS), un furgone per i traslochi.",
    "procedure_steps": (
        "Avvio del procedimento; pubblicazione dell'avviso; istruttoria delle domande; quattro "
        "sessioni del tavolo con verbali; determina di approvazione del progetto; convenzione."
    ),
    "table_coordination": "La responsabile del procedimento dell'Ufficio di Piano, con una facilitatrice esterna.",
    "participant_selection": "Gli enti ammessi dall'avviso, più due rappresentanti delle persone seguite dai servizi.",
    "conflict_handling": (
        "Regole del tavolo condivise alla prima sessione; "
        "decisioni per consenso, poi a maggioranza qualificata."
    ),
    "strengths": "Rete già attiva sul territorio; alloggi disponibili; forte impegno politico.",
    "weaknesses": "Tempi stretti del PNRR; poca esperienza di valutazione d'impatto.",
    # The rest of the seed-004 record (issue 16): the RUP apart from the table's coordination.
    "rup": "Dott.ssa Elena Ricci, Ufficio di Piano Valle Serena",
    "political_act": "Delibera della Conferenza dei Sindaci n. 4 del 20 febbraio 2026",
    "cup": "F71H26000040006",
    "instrument": "co_design",
    "scheme_general_objective": (
        "Prevenire la perdita della casa e accompagnare le famiglie fragili all'autonomia abitativa."
    ),
    "scheme_specific_objectives": (
        "1. Uno sportello unico per l'abitare in ogni distretto (accoglienza, orientamento, mediazione); "
        "2. coabitazioni solidali in alloggi pubblici e del Terzo settore (12 posti); "
        "3. accompagnamento educativo per 40 famiglie in 36 mesi."
    ),
    "public_in_kind_eur": Decimal("120000.00"),  # the municipal flats, as in the ledger
    "agreement_date": date(2026, 9, 30),
    "agreement_number": "Rep. n. 112/2026",
    "agreement_duration": "36 mesi",
    "strength_tags": ["rete territoriale", "patrimonio abitativo"],
    "weakness_tags": ["tempi", "valutazione d'impatto"],
}


@dataclass
class DemoResult:
    created: bool
    project_id: int

    def summary(self) -> str:
        verb = "created" if self.created else "already present"
        return f"demo project {self.project_id} {verb}"


def _user(session: Session, email: str, name: str, role: UserRole) -> User:
    user = session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, role=role)
        user.set_password(DEMO_PASSWORD)
        session.add(user)
        session.flush()
    return user


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
    ("demo-att-1", "Sportello unico per l'abitare", "2026-09-01", "2029-08-31", "demo-udp"),
    ("demo-att-2", "Coabitazioni solidali", "2027-01-01", "2029-06-30", "demo-coop"),
    (
        "demo-att-3",
        "Accompagnamento all'autonomia abitativa",
        "2026-10-01",
        "2029-08-31",
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
    activity_zone, budget_zone = [op for op in full if op["type"] == "frame"][1:]
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
    line_h = (budget_zone["fields"]["h"] - 60) / len(DEMO_BUDGET)
    for place, (item_id, description, source, amount, in_kind, *_partner) in enumerate(DEMO_BUDGET):
        f = budget_zone["fields"]
        ops.append(
            create(
                item_id,
                "budget_line",
                x=f["x"] + 20,
                y=f["y"] + 50 + place * line_h,
                w=f["w"] - 40,
                h=line_h - 6,
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


def load(session: Session) -> DemoResult:
    """Create the demo once; running it again changes nothing."""
    existing = session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
    if existing is not None:
        conductor = session.scalar(sa.select(User).where(User.email == DEMO_CONDUCTOR_EMAIL))
        if conductor is not None:
            fill_context_board(session, existing, conductor)  # an older demo gets its boards
            _stakeholder_map(session, existing, conductor)
            _ledger(session, existing)
            fill_theory_and_report(session, existing, conductor)
            _monitoring_calendar(session, existing.id)
        return DemoResult(created=False, project_id=existing.id)
    organizer = _user(session, DEMO_ORGANIZER_EMAIL, "Giulia Organizzatrice", UserRole.ORGANIZER)
    conductor = _user(session, DEMO_CONDUCTOR_EMAIL, "Marco Conduttore", UserRole.CONDUCTOR)
    project = projects.create_project(session, DEMO_RECORD, organizer)
    projects.assign_conductor(session, project, conductor)
    invite = access.create_invite(
        session,
        project.id,
        organizer.id,
        role=InviteRole.PARTICIPANT,
        label="Tavolo di co-progettazione",
    )
    if session.scalar(sa.select(Invite.id).where(Invite.code == DEMO_JOIN_CODE)) is None:
        invite.code = DEMO_JOIN_CODE  # a code the README can print
    session.flush()
    project_id = project.id
    session.commit()  # the board engine commits each change on its own
    fill_context_board(session, project, conductor)
    _stakeholder_map(session, project, conductor)
    _ledger(session, project)
    fill_theory_and_report(session, project, conductor)
    _monitoring_calendar(session, project_id)
    return DemoResult(created=True, project_id=project_id)


def _monitoring_calendar(session: Session, project_id: int) -> None:
    """The indicators' collections (docs/monitoring.md), drawn as the daily job would."""
    sync_tasks(session, project_id, utcnow())
    session.commit()


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
    "timeline": "2028-12-31",
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
    "timeline": "2029-08-31",
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
DEMO_MEASUREMENTS = (("2026-12-31", 9), ("2027-06-30", 21), ("2027-12-31", 33))
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
                        "timeline": "2028-12-31",
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


# --- the practice library: a few materials, written here (no one else's text) ------------------

DEMO_ART55_SUMMARY = """Art. 55 del Codice del Terzo settore (d.lgs. 117/2017): una sintesi di lavoro

Scritta per il laboratorio dimostrativo di Tavolo; non sostituisce il testo di legge.

1. Le amministrazioni pubbliche coinvolgono gli enti del Terzo settore nell'esercizio delle
   proprie funzioni di programmazione e organizzazione degli interventi e dei servizi nei
   settori di attività di interesse generale (art. 5), nel rispetto dei principi di
   sussidiarietà, cooperazione, efficacia, efficienza ed economicità, omogeneità, copertura
   finanziaria e patrimoniale, responsabilità e unicità dell'amministrazione, autonomia
   organizzativa e regolamentare.
2. La co-programmazione serve a individuare i bisogni da soddisfare, gli interventi
   necessari, le modalità per realizzarli e le risorse disponibili.
3. La co-progettazione serve a definire ed eventualmente realizzare specifici progetti di
   servizio o di intervento, alla luce degli strumenti di programmazione.
4. Gli enti partner sono individuati con procedure trasparenti e non discriminatorie
   (avviso pubblico), nel rispetto della legge 241/1990.

Per approfondire: la sentenza della Corte costituzionale n. 131/2020 e le linee guida del
DM 72/2021 sul rapporto tra pubbliche amministrazioni ed enti del Terzo settore.
"""

DEMO_ADMITTED_CSV = """ente;tipologia;ruolo nel tavolo
Cooperativa sociale Il Faro;cooperativa sociale;partner
ODV Porte Aperte;organizzazione di volontariato;partner
APS Quartieri in rete;associazione di promozione sociale;sostenitore
Fondazione Casa Comune;fondazione;finanziatore
"""

# (title, kind, file name or URL, content or None, issuer, issued, tags, description)
DEMO_MATERIALS = (
    (
        "Art. 55 del Codice del Terzo settore: sintesi di lavoro",
        "normative",
        "art55-sintesi.txt",
        DEMO_ART55_SUMMARY,
        "Laboratorio dimostrativo di Tavolo",
        "2026",
        ("art. 55", "co-programmazione", "co-progettazione"),
        "Una sintesi in quattro punti dell'art. 55, scritta per il laboratorio: da leggere prima della prima sessione.",
    ),
    (
        "Enti ammessi al tavolo: schema di elenco",
        "administrative",
        "enti-ammessi.csv",
        DEMO_ADMITTED_CSV,
        "Ufficio di Piano Valle Serena",
        "2026-03-12",
        ("avviso", "tavolo"),
        "L'elenco degli enti ammessi dall'avviso, con il ruolo di ciascuno: uno schema da riusare.",
    ),
    (
        "Decreto legislativo 3 luglio 2017, n. 117 (Codice del Terzo settore)",
        "normative",
        "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legislativo:2017-07-03;117",
        None,
        "Repubblica Italiana",
        "2017-07-03",
        ("art. 55", "terzo settore"),
        "Il testo vigente del Codice, su Normattiva.",
    ),
)


def load_library(session: Session, store_root) -> int:
    """Seed the library with the demo materials (once); returns how many were added.
    `store_root` is the library's directory under the instance."""
    from datetime import date

    from workshop.library import catalogue, files
    from workshop.models import Material, MaterialKind

    organizer = session.scalar(sa.select(User).where(User.email == DEMO_ORGANIZER_EMAIL))
    project = session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
    store = files.FileStore(store_root)
    added = 0
    for title, kind, source, content, issuer, issued, tags, description in DEMO_MATERIALS:
        if session.scalar(sa.select(Material.id).where(Material.title == title)) is not None:
            continue
        year, when = catalogue.parse_issued(issued, date.today())
        is_link = content is None
        fields = catalogue.MaterialFields(
            title,
            MaterialKind(kind),
            description,
            issuer,
            year,
            when,
            "it",
            tags,
            source if is_link else None,
        )
        upload = None if is_link else files.check_upload(source, content.encode("utf-8"))
        material = catalogue.add_material(
            session, store, fields, upload, organizer.id if organizer else None
        )
        if project is not None:
            catalogue.attach_to_project(session, material, project.id)
        added += 1
    return added
