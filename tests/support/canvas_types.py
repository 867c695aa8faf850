"""Stand-in session 1 and 2 canvases for the board client's tests (test-only, never imported
by the app).

S1 and S2 write the real `context` and `stakeholders` canvases (workshop/canvases/) in
parallel. The board client is generic: it reads the `board-schema` data block. So its browser
tests need *some* typed items on those board kinds. `ensure_registered()` first imports the
real canvases, then registers, with the contract's exact names and fields
(/work/canvas-contract.md), only what is still missing: once the real modules are merged, the
tests run against them.

`python -m tests.support.canvas_server` serves the app with these registered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CONTEXT = "context"
STAKEHOLDERS = "stakeholders"

HIGH = 3.0  # power or interest from this value up is "high" (the contract)


def actor_quadrant(power: float, interest: float) -> str:
    if power >= HIGH and interest >= HIGH:
        return "manage_closely"
    if power >= HIGH:
        return "keep_satisfied"
    if interest >= HIGH:
        return "keep_informed"
    return "monitor"


SALIENCE_CLASSES = {
    (False, False, False): "none",
    (True, False, False): "dormant",
    (False, True, False): "discretionary",
    (False, False, True): "demanding",
    (True, True, False): "dominant",
    (True, False, True): "dangerous",
    (False, True, True): "dependent",
    (True, True, True): "definitive",
}


def _derive_actor(fields: Mapping[str, Any]) -> dict[str, Any]:
    key = tuple(bool(fields.get(f"salience_{n}")) for n in ("power", "legitimacy", "urgency"))
    return {
        "quadrant": actor_quadrant(
            float(fields.get("power") or 1), float(fields.get("interest") or 1)
        ),
        "salience_class": SALIENCE_CLASSES[key],
    }


def _derive_pestel(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {"score": int(fields.get("impact") or 0) * int(fields.get("likelihood") or 0)}


def _types():
    from workshop.boards.schema import (
        Choice,
        Colour,
        Day,
        Flag,
        ItemType,
        Number,
        ProjectRef,
        ProjectRefList,
        Ref,
        RefList,
        Text,
    )

    context = [
        ItemType(
            "tavolo",
            {
                **{
                    name: Text()
                    for name in (
                        "title",
                        "proposing_body",
                        "person_responsible",
                        "purpose",
                        "object",
                        "territory",
                        "duration",
                        "resources",
                        "admitted_parties",
                        "working_rules",
                        "calendar",
                    )
                },
                "procedure_stage": Choice(
                    values=("start", "notice", "review", "table", "final_project", "agreement"),
                    default="table",
                ),
            },
            title_field="title",
        ),
        ItemType(
            "problem",
            {
                "text": Text(max_chars=500),
                "role": Choice(values=("core", "cause", "effect", "constraint"), default="cause"),
                "evidence": Text(),
                "color": Colour(default="white"),
            },
            title_field="text",
            summary=("role",),
        ),
        ItemType(
            "causal_link",
            {
                "from": Ref(types=("problem",), required=True),
                "to": Ref(types=("problem",), required=True),
                "kind": Choice(values=("vertical", "joint"), default="vertical"),
                "label": Text(max_chars=300),
            },
            spatial=False,
        ),
        ItemType(
            "objective",
            {
                "text": Text(max_chars=500),
                "role": Choice(values=("purpose", "means", "end", "other"), default="means"),
                "source_problem": Ref(types=("problem",), nullable=True),
                "needs_rewording": Flag(),
                "in_scope": Flag(),
                "realistic": Flag(default=True),
            },
            title_field="text",
            summary=("role", "in_scope"),
        ),
        ItemType(
            "means_end_link",
            {
                "from": Ref(types=("objective",), required=True),
                "to": Ref(types=("objective",), required=True),
            },
            spatial=False,
        ),
        ItemType(
            "swot_item",
            {
                "text": Text(),
                "quadrant": Choice(
                    values=("strength", "weakness", "opportunity", "threat"), default="strength"
                ),
                "priority": Number(minimum=1, maximum=5, integer=True, nullable=True, default=None),
                "source_factor": Ref(types=("pestel_factor",), nullable=True),
            },
            title_field="text",
            summary=("quadrant",),
        ),
        ItemType(
            "tows_strategy",
            {
                "text": Text(),
                "kind": Choice(values=("so", "wo", "st", "wt"), default="so"),
                "items": RefList(types=("swot_item",)),
            },
            title_field="text",
            summary=("kind",),
        ),
        ItemType(
            "pestel_factor",
            {
                "text": Text(),
                "category": Choice(
                    values=(
                        "political",
                        "economic",
                        "social",
                        "technological",
                        "environmental",
                        "legal",
                    ),
                    default="social",
                ),
                "direction": Choice(values=("positive", "negative"), default="negative"),
                "impact": Number(minimum=1, maximum=5, integer=True, default=3),
                "likelihood": Number(minimum=1, maximum=5, integer=True, default=3),
                "horizon": Text(max_chars=100),
                "source": Text(max_chars=300),
                "score": Number(minimum=0, maximum=25, integer=True, derived=True, default=9),
            },
            title_field="text",
            summary=("category", "score"),
            derive=_derive_pestel,
        ),
    ]
    sub_types = (
        "comune",
        "ambito",
        "ats_asst",
        "regione",
        "school",
        "other_public",
        "odv",
        "aps",
        "philanthropic",
        "social_enterprise",
        "social_coop",
        "network",
        "mutual_aid",
        "association",
        "foundation",
        "religious_body",
        "other_third_sector",
        "party",
        "union",
        "professional_assoc",
        "employers",
        "company",
        "corporate_foundation",
        "bank",
        "informal_group",
        "committee",
        "citizens",
        "beneficiaries",
        "families",
        "other",
    )
    stakeholders = [
        ItemType(
            "actor",
            {
                "name": Text(max_chars=200),
                "macro_type": Choice(
                    values=(
                        "public",
                        "third_sector",
                        "non_third_sector",
                        "private",
                        "civil_society",
                        "target_group",
                    ),
                    default="third_sector",
                ),
                "sub_type": Choice(values=sub_types, default="other"),
                "runts": Flag(),
                "table_role": Choice(
                    values=(
                        "proposing_body",
                        "partner",
                        "supporter",
                        "funder",
                        "beneficiary",
                        "expert",
                        "observer",
                        "none",
                    ),
                    default="none",
                ),
                "interests": Text(),
                "resources": Text(),
                "contact": Text(max_chars=300),
                "power": Number(minimum=1, maximum=5, default=1),
                "interest": Number(minimum=1, maximum=5, default=1),
                "quadrant": Choice(
                    values=("manage_closely", "keep_satisfied", "keep_informed", "monitor"),
                    derived=True,
                    default="monitor",
                ),
                "salience_power": Flag(),
                "salience_legitimacy": Flag(),
                "salience_urgency": Flag(),
                "salience_class": Choice(
                    values=tuple(SALIENCE_CLASSES.values()), derived=True, default="none"
                ),
                "attitude": Choice(
                    values=("champion", "supporter", "neutral", "critic", "opponent"),
                    default="neutral",
                ),
                "engagement": Choice(
                    values=("inform", "consult", "involve", "collaborate", "empower"),
                    default="inform",
                ),
                "onion_layer": Number(
                    minimum=0, maximum=4, integer=True, nullable=True, default=None
                ),
            },
            title_field="name",
            summary=("macro_type", "quadrant", "salience_class", "engagement"),
            derive=_derive_actor,
        ),
        ItemType("pi_grid", {"title": Text(max_chars=200)}, title_field="title"),
        ItemType(
            "relation",
            {
                "from": Ref(types=("actor",), required=True),
                "to": Ref(types=("actor",), required=True),
                "type": Choice(
                    values=(
                        "collaboration",
                        "funding",
                        "agreement",
                        "information",
                        "network",
                        "conflict",
                    ),
                    default="collaboration",
                ),
                "direction": Choice(
                    values=("directed", "mutual", "undirected"), default="directed"
                ),
                "strength": Number(minimum=1, maximum=5, integer=True, default=3),
                "note": Text(),
            },
            spatial=False,
        ),
        ItemType(
            "proposal",
            {
                "title": Text(max_chars=200),
                "need": Text(),
                "need_problem": ProjectRef(board_kind=CONTEXT, types=("problem",), nullable=True),
                "general_objective": ProjectRef(
                    board_kind=CONTEXT, types=("objective",), nullable=True
                ),
                "specific_objectives": ProjectRefList(board_kind=CONTEXT, types=("objective",)),
                "target_groups": RefList(types=("actor",)),
                "partners": RefList(types=("actor",)),
                **{
                    n: Text()
                    for n in ("governance", "sustainability", "risks", "innovation", "evaluation")
                },
            },
            title_field="title",
        ),
        ItemType(
            "proposal_activity",
            {
                "title": Text(max_chars=200),
                "description": Text(),
                "start": Day(nullable=True),
                "end": Day(nullable=True),
                "lead": Ref(types=("actor",), nullable=True),
            },
            title_field="title",
        ),
        ItemType(
            "budget_line",
            {
                "description": Text(),
                "source": Choice(values=("public", "third_sector", "private"), default="public"),
                "amount": Number(minimum=0, maximum=1e9, default=0),
                "in_kind": Flag(),
            },
            title_field="description",
            summary=("source", "amount"),
        ),
    ]
    return context, stakeholders


# --- the actions, the rule and the templates ----------------------------------------------------


def _check_problem_tree(view, args, actor):
    from workshop.boards.canvas import ActionResult

    problems = {it.id: it for it in view.of_type("problem")}
    links = view.of_type("causal_link")
    findings = []
    cores = [i for i, p in problems.items() if p.fields.get("role") == "core"]
    if not cores:
        findings.append(
            {"code": "no_core", "message_key": "There is no core problem.", "item_ids": []}
        )
    elif len(cores) > 1:
        findings.append(
            {
                "code": "several_cores",
                "message_key": "There is more than one core problem.",
                "item_ids": sorted(cores),
            }
        )
    linked = {lk.fields["from"] for lk in links} | {lk.fields["to"] for lk in links}
    orphans = sorted(i for i in problems if i not in linked and i not in cores)
    if orphans:
        findings.append(
            {
                "code": "orphan",
                "message_key": "Some problems are not linked to anything.",
                "item_ids": orphans,
            }
        )
    return ActionResult(ops=[], result={"findings": findings})


def _layout_problem_tree(view, args, actor):
    from workshop.boards.canvas import ActionResult
    from workshop.canvases.common import update

    roles = {"effect": 0, "core": 1, "cause": 2, "constraint": 3}
    rows: dict[int, list] = {}
    for it in sorted(view.of_type("problem"), key=lambda p: (p.fields.get("x", 0), p.id)):
        rows.setdefault(roles.get(it.fields.get("role"), 2), []).append(it)
    ops = []
    for row, items in rows.items():
        for col, it in enumerate(items):
            ops.append(update(it.id, x=float(col * 260), y=float(row * 200)))
    return ActionResult(ops=ops, result={"moved": len(ops)})


def _grid_rule(ctx):
    """An actor whose centre lies on the grid takes power and interest from its place."""
    grids = ctx.find_type("pi_grid")
    if not grids:
        return
    g = grids[0].fields
    gx, gy, gw, gh = (float(g[k]) for k in ("x", "y", "w", "h"))
    for item in ctx.changed.values():
        if item.type != "actor" or not item.alive or "x" not in item.fields:
            continue
        f = item.fields
        cx, cy = float(f["x"]) + float(f["w"]) / 2, float(f["y"]) + float(f["h"]) / 2
        if gx <= cx <= gx + gw and gy <= cy <= gy + gh:
            interest = round(1 + 4 * (cx - gx) / gw, 1)
            power = round(1 + 4 * (gy + gh - cy) / gh, 1)
            if (f.get("power"), f.get("interest")) != (power, interest):
                ctx.update(item.id, {"power": power, "interest": interest})


def _problem_tree_template():
    from workshop.canvases.common import create, new_id

    return [
        create(
            new_id("frame"),
            "frame",
            x=0.0,
            y=0.0,
            w=900.0,
            h=640.0,
            title="Albero dei problemi",
            z="a0",
        ),
        create(
            new_id("problem"),
            "problem",
            x=340.0,
            y=260.0,
            w=220.0,
            h=120.0,
            text="",
            role="core",
            z="a1",
        ),
    ]


def _grid_template():
    from workshop.canvases.common import create, new_id

    return [
        create(
            new_id("grid"),
            "pi_grid",
            x=0.0,
            y=0.0,
            w=800.0,
            h=600.0,
            title="Potere / interesse",
            z="a0",
        )
    ]


def ensure_registered() -> None:
    """Register the stand-ins the real canvases do not provide (idempotent)."""
    import workshop.canvases  # noqa: F401  (the real ones first)
    from workshop.boards.canvas import (
        Action,
        Template,
        canvases,
        register_action,
        register_rule,
        register_template,
    )
    from workshop.boards.schema import register_item_type, registry

    if getattr(ensure_registered, "done", False):
        return
    ensure_registered.done = True
    context, stakeholders = _types()
    for kind, types in ((CONTEXT, context), (STAKEHOLDERS, stakeholders)):
        for item_type in types:
            if item_type.name not in registry.types:
                register_item_type(item_type, [kind])
    if canvases.action(CONTEXT, "check_problem_tree") is None:
        register_action(
            [CONTEXT], Action("check_problem_tree", _check_problem_tree, changes_board=False)
        )
    if canvases.action(CONTEXT, "layout_problem_tree") is None:
        register_action([CONTEXT], Action("layout_problem_tree", _layout_problem_tree))
    if (
        registry.types["actor"].derive is _derive_actor
    ):  # our stand-in actor: our stand-in grid rule
        register_rule([STAKEHOLDERS], _grid_rule)
    if canvases.template(CONTEXT, "problem_tree") is None:
        register_template(Template("problem_tree", (CONTEXT,), _problem_tree_template))
    if canvases.template(STAKEHOLDERS, "power_interest_grid") is None:
        register_template(Template("power_interest_grid", (STAKEHOLDERS,), _grid_template))
    _register_strings()


# --- labels for the stand-ins (Italian and English; the real canvases use gettext) ----------------

_LABELS = {
    "type.tavolo": ("Tavolo di co-progettazione", "Co-design table"),
    "type.problem": ("Problema", "Problem"),
    "type.causal_link": ("Legame causale", "Causal link"),
    "type.objective": ("Obiettivo", "Objective"),
    "type.means_end_link": ("Legame mezzo-fine", "Means-end link"),
    "type.swot_item": ("Voce SWOT", "SWOT item"),
    "type.tows_strategy": ("Strategia TOWS", "TOWS strategy"),
    "type.pestel_factor": ("Fattore PESTEL", "PESTEL factor"),
    "type.actor": ("Attore", "Actor"),
    "type.pi_grid": ("Griglia potere/interesse", "Power/interest grid"),
    "type.relation": ("Relazione", "Relation"),
    "type.proposal": ("Proposta progettuale", "Project proposal"),
    "type.proposal_activity": ("Attività", "Activity"),
    "type.budget_line": ("Voce di budget", "Budget line"),
    "field.problem.text": ("Testo", "Text"),
    "field.problem.role": ("Ruolo", "Role"),
    "field.problem.evidence": ("Evidenze", "Evidence"),
    "field.problem.color": ("Colore", "Colour"),
    "choice.problem.role.core": ("Problema centrale", "Core problem"),
    "choice.problem.role.cause": ("Causa", "Cause"),
    "choice.problem.role.effect": ("Effetto", "Effect"),
    "choice.problem.role.constraint": ("Vincolo", "Constraint"),
    "field.causal_link.kind": ("Tipo di legame", "Kind of link"),
    "field.causal_link.label": ("Etichetta", "Label"),
    "field.causal_link.from": ("Causa", "Cause"),
    "field.causal_link.to": ("Effetto", "Effect"),
    "choice.causal_link.kind.vertical": ("Verticale", "Vertical"),
    "choice.causal_link.kind.joint": ("Congiunto", "Joint"),
    "field.actor.name": ("Nome", "Name"),
    "field.actor.macro_type": ("Tipo", "Type"),
    "field.actor.engagement": ("Coinvolgimento", "Engagement"),
    "field.actor.power": ("Potere", "Power"),
    "field.actor.interest": ("Interesse", "Interest"),
    "field.actor.quadrant": ("Strategia", "Strategy"),
    "field.actor.salience_class": ("Rilevanza", "Salience"),
    "field.actor.salience_power": ("Potere (rilevanza)", "Power (salience)"),
    "field.actor.salience_legitimacy": ("Legittimità", "Legitimacy"),
    "field.actor.salience_urgency": ("Urgenza", "Urgency"),
    "choice.actor.macro_type.public": ("Ente pubblico", "Public body"),
    "choice.actor.macro_type.third_sector": ("Ente del Terzo Settore", "Third Sector body"),
    "choice.actor.macro_type.non_third_sector": (
        "Ente non di Terzo Settore",
        "Non-Third-Sector body",
    ),
    "choice.actor.macro_type.private": ("Privato profit", "Private for-profit"),
    "choice.actor.macro_type.civil_society": ("Società civile", "Civil society"),
    "choice.actor.macro_type.target_group": ("Gruppo destinatario", "Target group"),
    "choice.actor.quadrant.manage_closely": ("Gestire da vicino", "Manage closely"),
    "choice.actor.quadrant.keep_satisfied": ("Mantenere soddisfatto", "Keep satisfied"),
    "choice.actor.quadrant.keep_informed": ("Tenere informato", "Keep informed"),
    "choice.actor.quadrant.monitor": ("Monitorare", "Monitor"),
    "choice.actor.engagement.inform": ("Informare", "Inform"),
    "choice.actor.engagement.consult": ("Consultare", "Consult"),
    "choice.actor.engagement.involve": ("Coinvolgere", "Involve"),
    "choice.actor.engagement.collaborate": ("Collaborare", "Collaborate"),
    "choice.actor.engagement.empower": ("Delegare", "Empower"),
    **{
        f"choice.actor.salience_class.{k}": v
        for k, v in {
            "none": ("Nessuna", "None"),
            "dormant": ("Dormiente", "Dormant"),
            "discretionary": ("Discrezionale", "Discretionary"),
            "demanding": ("Esigente", "Demanding"),
            "dominant": ("Dominante", "Dominant"),
            "dangerous": ("Pericoloso", "Dangerous"),
            "dependent": ("Dipendente", "Dependent"),
            "definitive": ("Definitivo", "Definitive"),
        }.items()
    },
    "field.pi_grid.title": ("Titolo", "Title"),
    "action.check_problem_tree": ("Controlla l'albero", "Check the tree"),
    "action.layout_problem_tree": ("Riordina l'albero", "Tidy the tree"),
    "template.problem_tree": ("Albero dei problemi", "Problem tree"),
    "template.power_interest_grid": ("Griglia potere/interesse", "Power/interest grid"),
    "There is no core problem.": ("Manca il problema centrale.", "There is no core problem."),
    "There is more than one core problem.": (
        "C'è più di un problema centrale.",
        "There is more than one core problem.",
    ),
    "Some problems are not linked to anything.": (
        "Alcuni problemi non sono collegati a nulla.",
        "Some problems are not linked to anything.",
    ),
}


def _strings() -> dict[str, str]:
    from flask_babel import get_locale

    from workshop.web.canvas_strings import canvas_strings as real

    italian = str(get_locale() or "it").startswith("it")
    # Only what the real canvases do not say (their modules may be merged by now).
    return {k: v[0 if italian else 1] for k, v in _LABELS.items() if k not in _real_keys(real)}


def _real_keys(real) -> set[str]:
    from workshop.web.canvas_strings import SOURCES

    keys: set[str] = set()
    for source in SOURCES:
        if source is not _strings:
            keys.update(source())
    return keys


def _register_strings() -> None:
    from workshop.web.canvas_strings import SOURCES

    if _strings not in SOURCES:
        SOURCES.append(_strings)
