"""Session 3, "Teoria del Cambiamento": outcomes in tiers, causal links with their rationale,
assumptions, interventions, outputs and indicators, a check of the method, seeding from the
objective tree and the PESTEL/SWOT, and a narrative walked back from the goal.

Anchors: TOCO (outcomes on a pathway, interventions on the arrows, indicators with population,
target, threshold and timeline), Changeroo, NPC's ten steps (domain.md section 3). Actors are
never re-typed: populations, leads and owners are references to the stakeholder registry.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from typing import Any

from workshop.boards.canvas import (
    Action,
    ActionResult,
    BoardView,
    Template,
    register_action,
    register_template,
)
from workshop.boards.errors import InvalidOp
from workshop.boards.schema import (
    MAX_LABEL_CHARS,
    Choice,
    Day,
    Flag,
    ItemType,
    Number,
    ProjectRef,
    ProjectRefList,
    Ref,
    RefList,
    Text,
    register_item_type,
)
from workshop.boards.state import Actor, Item
from workshop.canvases.common import create, new_id
from workshop.canvases.graph import cycles, reachable
from workshop.models.board import BoardKind

KIND = BoardKind.THEORY_OF_CHANGE.value
STAKEHOLDERS = BoardKind.STAKEHOLDERS.value
CONTEXT = BoardKind.CONTEXT.value

MAX_STATEMENT_CHARS = 500  # an outcome, an intervention, an assumption: one sentence or two
MAX_NOTE_CHARS = 2_000
MAX_NARRATIVE_CHARS = 60_000  # the generated narrative of a 200-outcome theory, with room to edit

TIERS = ("impact", "long_term", "intermediate", "early")  # from the goal down to the first changes
SOURCES = ("public", "third_sector", "private", "mixed")

OUTCOME = ItemType(
    "outcome",
    {
        "text": Text(max_chars=MAX_STATEMENT_CHARS),
        "tier": Choice(values=TIERS, default="intermediate"),
        "is_goal": Flag(),  # the long-term goal the whole theory leads to
        "above_ceiling": Flag(),  # beyond what the project can be held accountable for
        "population": ProjectRefList(board_kind=STAKEHOLDERS, types=("actor",)),
        "source_objective": ProjectRef(nullable=True, board_kind=CONTEXT, types=("objective",)),
        "traffic_light": Choice(values=("none", "green", "amber", "red"), default="none"),
    },
    title_field="text",
    summary=("tier", "is_goal"),
)
TOC_LINK = ItemType(
    "toc_link",
    {
        "from": Ref(required=True, types=("outcome",)),  # the precondition...
        "to": Ref(required=True, types=("outcome",)),  # ...of this outcome
        "rationale": Text(max_chars=MAX_NOTE_CHARS),  # why the one leads to the other
        "evidence": Text(max_chars=MAX_NOTE_CHARS),
        "interventions": RefList(types=("intervention",)),
    },
    spatial=False,
)
ASSUMPTION = ItemType(
    "assumption",
    {
        "text": Text(max_chars=MAX_STATEMENT_CHARS),
        "kind": Choice(values=("assumption", "enabling_factor", "risk"), default="assumption"),
        "status": Choice(values=("to_check", "confirmed", "refuted"), default="to_check"),
        # An outcome or a link; none: the theory as a whole.
        "attached_to": Ref(nullable=True, types=("outcome", "toc_link")),
        "source_factor": ProjectRef(
            nullable=True, board_kind=CONTEXT, types=("pestel_factor", "swot_item")
        ),
    },
    title_field="text",
    summary=("kind", "status"),
)
INTERVENTION = ItemType(
    "intervention",
    {
        "text": Text(max_chars=MAX_STATEMENT_CHARS),
        "lead": ProjectRef(nullable=True, board_kind=STAKEHOLDERS, types=("actor",)),
        "partners": ProjectRefList(board_kind=STAKEHOLDERS, types=("actor",)),
        "start": Day(nullable=True),
        "end": Day(nullable=True),
        "inputs": Text(max_chars=MAX_NOTE_CHARS),
        "input_source": Choice(values=SOURCES, default="public"),
        "targets": RefList(types=("outcome",)),
    },
    title_field="text",
    summary=("input_source",),
)
OUTPUT = ItemType(
    "output",
    {
        "text": Text(max_chars=MAX_STATEMENT_CHARS),
        "unit": Text(max_chars=MAX_LABEL_CHARS),
        "planned_quantity": Number(nullable=True, default=None, minimum=0),
        "intervention": Ref(nullable=True, types=("intervention",)),
    },
    title_field="text",
)
INDICATOR = ItemType(
    "indicator",
    {
        "name": Text(max_chars=MAX_STATEMENT_CHARS),
        # What it measures. Optional so a card can be added first and attached after (the check
        # reports indicators attached to nothing); deleting the outcome keeps the indicator.
        "of": Ref(nullable=True, types=("outcome", "output")),
        "population": ProjectRef(nullable=True, board_kind=STAKEHOLDERS, types=("actor",)),
        "target": Number(nullable=True, default=None),
        "unit": Text(max_chars=MAX_LABEL_CHARS),  # "%", "famiglie", "ore"...
        # The least that still counts as success (the target is what we aim for), and in words.
        "threshold": Number(nullable=True, default=None),
        "threshold_note": Text(max_chars=MAX_LABEL_CHARS),
        # Whether more is better (families reached) or less (hospital admissions).
        "better": Choice(values=("higher", "lower"), default="higher"),
        "timeline": Day(nullable=True),  # by when
        "baseline": Number(nullable=True, default=None),
        "baseline_date": Day(nullable=True),
        "source": Text(max_chars=MAX_LABEL_CHARS),  # fonte di verifica
        "method": Text(max_chars=MAX_LABEL_CHARS),
        "frequency": Choice(
            values=("once", "monthly", "quarterly", "half_yearly", "yearly"), default="yearly"
        ),
        "owner": ProjectRef(nullable=True, board_kind=STAKEHOLDERS, types=("actor",)),
        "kind": Choice(values=("quantitative", "qualitative"), default="quantitative"),
    },
    title_field="name",
    summary=("kind", "frequency"),
)


def _narrative_edited(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {"edited": fields.get("text", "") != fields.get("generated", "")}


NARRATIVE = ItemType(
    "narrative",
    {
        "text": Text(max_chars=MAX_NARRATIVE_CHARS),
        "lang": Choice(values=("it", "en"), default="it"),
        # The text as last generated: when `text` differs, someone edited it, and generating
        # again asks before replacing their words.
        "generated": Text(max_chars=MAX_NARRATIVE_CHARS),
        "edited": Flag(derived=True),
    },
    title_field="text",
    derive=_narrative_edited,
)

TYPES = (OUTCOME, TOC_LINK, ASSUMPTION, INTERVENTION, OUTPUT, INDICATOR, NARRATIVE)
for _type in TYPES:
    register_item_type(_type, [KIND])


# --- the check ----------------------------------------------------------------------------------------


def _graph(view: Mapping[str, Item]) -> tuple[dict[str, Item], list[Item]]:
    outcomes = {i: it for i, it in view.items() if it.type == "outcome"}
    links = [it for it in view.values() if it.type == "toc_link"]
    return outcomes, links


def _reaching(goals: Iterable[str], links: list[Item]) -> set[str]:
    """Every outcome with a path to one of the goals (the goals included)."""
    preconditions = defaultdict(list)
    for link in links:
        preconditions[link.fields["to"]].append(link.fields["from"])
    return reachable(goals, preconditions)


def _cycles(outcomes: Iterable[str], links: list[Item]) -> list[list[str]]:
    """The outcomes of each cycle of links, in id order."""
    successors = defaultdict(list)
    for link in links:
        successors[link.fields["from"]].append(link.fields["to"])
    return cycles(sorted(outcomes), successors)


def check_theory(view: Mapping[str, Item]) -> list[dict[str, Any]]:
    """What breaks the method, as findings {code, item_ids}: in the order a lab would fix them."""
    outcomes, links = _graph(view)
    findings: list[dict[str, Any]] = []
    goals = sorted(i for i, it in outcomes.items() if it.fields.get("is_goal"))
    if not goals:
        findings.append({"code": "no_goal", "item_ids": []})
    elif len(goals) > 1:
        findings.append({"code": "several_goals", "item_ids": goals})
    for cycle in _cycles(outcomes, links):
        findings.append({"code": "cycle", "item_ids": cycle})
    if goals:
        reaching = _reaching(goals, links)
        stranded = sorted(i for i in outcomes if i not in reaching)
        if stranded:
            findings.append({"code": "outcome_without_path_to_goal", "item_ids": stranded})
    measured = {it.fields.get("of") for it in view.values() if it.type == "indicator"}
    unmeasured = sorted(
        i for i in outcomes if i not in measured and not outcomes[i].fields.get("above_ceiling")
    )
    if unmeasured:
        findings.append({"code": "outcome_without_indicator", "item_ids": unmeasured})
    unexplained = sorted(link.id for link in links if not link.fields.get("rationale", "").strip())
    if unexplained:
        findings.append({"code": "link_without_rationale", "item_ids": unexplained})
    leaderless = sorted(
        i for i, it in view.items() if it.type == "intervention" and not it.fields.get("lead")
    )
    if leaderless:
        findings.append({"code": "intervention_without_lead", "item_ids": leaderless})
    unattached = sorted(
        i for i, it in view.items() if it.type == "indicator" and not it.fields.get("of")
    )
    if unattached:
        findings.append({"code": "indicator_without_subject", "item_ids": unattached})
    return findings


def _check(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    if args:
        raise InvalidOp("check_theory takes no arguments", field="args")
    # message_key: the client's string for the finding (workshop/web/canvas_strings).
    findings = [{**f, "message_key": f"finding.{f['code']}"} for f in check_theory(view)]
    return ActionResult(result={"findings": findings})


# --- seeding from sessions 1 and 2 --------------------------------------------------------------------------

SEED_COLUMN_W = 260.0  # board units: one column per tier, one card per row
SEED_ROW_H = 150.0
CARD_W, CARD_H = 220.0, 110.0


def _objective_depths(objectives: Mapping[str, Item], links: list[Item]) -> dict[str, int]:
    """How many means-end steps below the purpose each objective sits (ends: negative)."""
    ends_of = defaultdict(list)
    means_of = defaultdict(list)
    for link in links:
        ends_of[link.fields["from"]].append(link.fields["to"])
        means_of[link.fields["to"]].append(link.fields["from"])
    depth: dict[str, int] = {}
    purposes = [i for i, it in objectives.items() if it.fields.get("role") == "purpose"]
    queue = deque((p, 0) for p in purposes)
    while queue:
        node, d = queue.popleft()
        if node in depth:
            continue
        depth[node] = d
        queue.extend((m, d + 1) for m in means_of[node] if m in objectives)
        queue.extend((e, d - 1) for e in ends_of[node] if e in objectives)
    return depth


def _tier_for(objective: Item, depth: int | None) -> str:
    role = objective.fields.get("role")
    if role == "purpose":
        return "long_term"
    if role == "end" or (depth is not None and depth < 0):
        return "impact"
    if depth is not None and depth >= 2:
        return "early"
    return "intermediate"


def seed_from_earlier_sessions(view: BoardView) -> ActionResult:
    """Outcomes from the objective tree (the purpose suggests the long-term goal, ends the
    impact, means the intermediate and early outcomes), links from its means-end links, and
    assumptions from the PESTEL factors and the SWOT's opportunities and threats. Everything
    keeps a reference to its source; running it again adds only what is missing."""
    context = view.project_items(CONTEXT)
    every_objective = {i: it for i, it in context.items() if it.type == "objective"}
    # The objectives the lab chose as the project's scope; with no choice made, the whole tree.
    objectives = {
        i: it for i, it in every_objective.items() if it.fields.get("in_scope")
    } or every_objective
    means_end = [
        it
        for it in context.values()
        if it.type == "means_end_link"
        and it.fields["from"] in objectives
        and it.fields["to"] in objectives
    ]
    existing_outcome_for = {
        it.fields["source_objective"]: i
        for i, it in view.items()
        if it.type == "outcome" and it.fields.get("source_objective")
    }
    has_goal = any(it.type == "outcome" and it.fields.get("is_goal") for it in view.values())
    depths = _objective_depths(objectives, means_end)
    ops: list[dict[str, Any]] = []
    outcome_for = dict(existing_outcome_for)
    rows: dict[str, int] = defaultdict(int)
    left = max(
        (float(it.fields["x"]) + float(it.fields["w"]) for it in view.values() if "x" in it.fields),
        default=None,
    )
    origin_x = 0.0 if left is None else left + 200.0
    for objective_id, objective in sorted(
        objectives.items(), key=lambda kv: (kv[1].created_seq, kv[0])
    ):
        if objective_id in outcome_for:
            continue
        tier = _tier_for(objective, depths.get(objective_id))
        column = TIERS.index(tier)
        outcome_id = new_id("oc")
        is_goal = objective.fields.get("role") == "purpose" and not has_goal
        has_goal = has_goal or is_goal
        ops.append(
            create(
                outcome_id,
                "outcome",
                text=objective.fields.get("text", ""),
                tier=tier,
                is_goal=is_goal,
                source_objective=objective_id,
                x=origin_x + rows[tier] * SEED_COLUMN_W,
                y=column * SEED_ROW_H * 1.6,
                w=CARD_W,
                h=CARD_H,
            )
        )
        rows[tier] += 1
        outcome_for[objective_id] = outcome_id
    linked = {(it.fields["from"], it.fields["to"]) for it in view.values() if it.type == "toc_link"}
    for link in means_end:
        pair = (outcome_for[link.fields["from"]], outcome_for[link.fields["to"]])
        if pair not in linked:
            ops.append(create(new_id("tl"), "toc_link", **{"from": pair[0], "to": pair[1]}))
            linked.add(pair)
    seeded_factors = {
        it.fields["source_factor"]
        for it in view.values()
        if it.type == "assumption" and it.fields.get("source_factor")
    }
    pestel = {i for i, it in context.items() if it.type == "pestel_factor"}
    factors = [
        it
        for it in context.values()
        if (it.type == "pestel_factor")
        # A SWOT item promoted from a PESTEL factor says the same thing: one assumption for both.
        or (
            it.type == "swot_item"
            and it.fields.get("quadrant") in ("opportunity", "threat")
            and it.fields.get("source_factor") not in pestel
        )
    ]
    assumption_row = 0
    for factor in sorted(factors, key=lambda it: (it.created_seq, it.id)):
        if factor.id in seeded_factors:
            continue
        negative = (
            factor.fields.get("direction") == "negative"
            or factor.fields.get("quadrant") == "threat"
        )
        ops.append(
            create(
                new_id("as"),
                "assumption",
                text=factor.fields.get("text", ""),
                kind="risk" if negative else "enabling_factor",
                source_factor=factor.id,
                x=origin_x + assumption_row * SEED_COLUMN_W,
                y=len(TIERS) * SEED_ROW_H * 1.6,
                w=CARD_W,
                h=CARD_H,
            )
        )
        assumption_row += 1
    made = [op["id"] for op in ops]
    return ActionResult(
        ops=ops, result={"created": made, "outcomes": sum(op["type"] == "outcome" for op in ops)}
    )


def _seed(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    if args:
        raise InvalidOp("seed_from_earlier_sessions takes no arguments", field="args")
    return seed_from_earlier_sessions(view)


register_action([KIND], Action("check_theory", _check, changes_board=False))
register_action([KIND], Action("seed_from_earlier_sessions", _seed, conductor_only=True))


# --- the narrative --------------------------------------------------------------------------------------

# Generated content, not interface: the narrative is written in the language the lab asks for
# and kept on the board, so its sentences live here with the method rather than in a catalogue.
SENTENCES = {
    "it": {
        "title": "Teoria del cambiamento",
        "goal": "Il nostro obiettivo di lungo periodo è: «{goal}».",
        "no_goal": "La teoria non ha ancora un obiettivo di lungo periodo.",
        "needs": "Perché si realizzi «{target}», è necessario che «{source}»",
        "because": ", perché {rationale}",
        "evidence": " (evidenze: {evidence})",
        "assume": "Ipotizziamo che {assumptions}.",
        "do": "Per questo {who} realizzerà: {interventions}.",
        "who_unknown": "il partenariato",
        "measure": "Lo misureremo con «{name}»{details}.",
        "population": "presso {population}",
        "target": "obiettivo {target}{unit}",
        "threshold": "soglia: {threshold}",
        "timeline": "entro il {timeline}",
        "ceiling": "Oltre questo punto il progetto contribuisce, ma non ne risponde da solo: «{outcome}».",
        "deleted_actor": "un soggetto non più in elenco",
    },
    "en": {
        "title": "Theory of change",
        "goal": "Our long-term goal is: “{goal}”.",
        "no_goal": "The theory has no long-term goal yet.",
        "needs": "For “{target}” to happen, “{source}” must happen first",
        "because": ", because {rationale}",
        "evidence": " (evidence: {evidence})",
        "assume": "We assume that {assumptions}.",
        "do": "So {who} will carry out: {interventions}.",
        "who_unknown": "the partnership",
        "measure": "We will measure it with “{name}”{details}.",
        "population": "among {population}",
        "target": "target {target}{unit}",
        "threshold": "threshold: {threshold}",
        "timeline": "by {timeline}",
        "ceiling": "Beyond this point the project contributes but is not accountable alone: “{outcome}”.",
        "deleted_actor": "an actor no longer listed",
    },
}


def _clean(text: str) -> str:
    return " ".join(str(text).split()).rstrip(".")


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


THRESHOLD_WORDS = {
    "it": {"higher": "almeno {value}{unit}", "lower": "al massimo {value}{unit}"},
    "en": {"higher": "at least {value}{unit}", "lower": "at most {value}{unit}"},
}


def threshold_words(fields: Mapping[str, Any], lang: str) -> str:
    """ "almeno 30 famiglie", the note, or both: what counts as success, in words."""
    parts = []
    if fields.get("threshold") is not None:
        unit = fields.get("unit", "").strip()
        parts.append(
            THRESHOLD_WORDS[lang][fields.get("better", "higher")].format(
                value=_number(fields["threshold"]), unit=f" {unit}" if unit else ""
            )
        )
    if fields.get("threshold_note", "").strip():
        parts.append(_clean(fields["threshold_note"]))
    return " ".join(parts)


def write_narrative(view: BoardView, lang: str) -> str:
    """Walk back from the goal, breadth first: for each outcome, the preconditions that lead to
    it, why (the rationale), what we assume, who does what, and how we will know."""
    words = SENTENCES[lang]
    actors = view.project_items(STAKEHOLDERS)

    def actor_name(actor_id: str | None) -> str:
        actor = actors.get(actor_id) if actor_id else None
        return _clean(actor.fields.get("name", "")) if actor is not None else words["deleted_actor"]

    outcomes, links = _graph(view)
    goals = sorted(
        (it for it in outcomes.values() if it.fields.get("is_goal")), key=lambda it: it.created_seq
    )
    if not goals:
        return words["no_goal"]
    into = defaultdict(list)
    for link in sorted(links, key=lambda it: (it.created_seq, it.id)):
        if link.fields["from"] in outcomes and link.fields["to"] in outcomes:
            into[link.fields["to"]].append(link)
    assumptions_on = defaultdict(list)
    for it in sorted(view.values(), key=lambda it: (it.created_seq, it.id)):
        if it.type == "assumption" and it.fields.get("attached_to"):
            assumptions_on[it.fields["attached_to"]].append(_clean(it.fields.get("text", "")))
    interventions = {i: it for i, it in view.items() if it.type == "intervention"}
    targeting = defaultdict(list)
    for it in sorted(interventions.values(), key=lambda it: (it.created_seq, it.id)):
        for outcome_id in it.fields.get("targets", []):
            targeting[outcome_id].append(it)
    indicators = defaultdict(list)
    for it in sorted(view.values(), key=lambda it: (it.created_seq, it.id)):
        if it.type == "indicator" and it.fields.get("of"):
            indicators[it.fields["of"]].append(it)

    def measure(outcome_id: str) -> list[str]:
        sentences = []
        for ind in indicators[outcome_id]:
            details = []
            if ind.fields.get("population"):
                details.append(
                    words["population"].format(population=actor_name(ind.fields["population"]))
                )
            if ind.fields.get("target") is not None:
                unit = ind.fields.get("unit", "").strip()
                details.append(
                    words["target"].format(
                        target=_number(ind.fields["target"]), unit=f" {unit}" if unit else ""
                    )
                )
            threshold = threshold_words(ind.fields, "it" if words is SENTENCES["it"] else "en")
            if threshold:
                details.append(words["threshold"].format(threshold=threshold))
            if ind.fields.get("timeline"):
                details.append(words["timeline"].format(timeline=ind.fields["timeline"]))
            joined = (": " + ", ".join(details)) if details else ""
            sentences.append(
                words["measure"].format(name=_clean(ind.fields.get("name", "")), details=joined)
            )
        return sentences

    def doing(items: list[Item]) -> list[str]:
        by_lead = defaultdict(list)
        for it in items:
            lead = it.fields.get("lead")
            by_lead[actor_name(lead) if lead else words["who_unknown"]].append(
                _clean(it.fields.get("text", ""))
            )
        return [
            words["do"].format(who=who, interventions="; ".join(texts))
            for who, texts in by_lead.items()
        ]

    paragraphs = [words["title"]]
    seen: set[str] = set()
    queue = deque()
    for goal in goals:
        paragraphs.append(
            " ".join(
                [words["goal"].format(goal=_clean(goal.fields.get("text", ""))), *measure(goal.id)]
            )
        )
        seen.add(goal.id)
        queue.append(goal.id)
    while queue:
        target = queue.popleft()
        for link in into[target]:
            source_id = link.fields["from"]
            source = outcomes[source_id]
            sentence = words["needs"].format(
                source=_clean(source.fields.get("text", "")),
                target=_clean(outcomes[target].fields.get("text", "")),
            )
            if link.fields.get("rationale", "").strip():
                sentence += words["because"].format(rationale=_clean(link.fields["rationale"]))
            if link.fields.get("evidence", "").strip():
                sentence += words["evidence"].format(evidence=_clean(link.fields["evidence"]))
            parts = [sentence + "."]
            assumed = assumptions_on[link.id] + assumptions_on[source_id]
            if assumed:
                parts.append(words["assume"].format(assumptions="; ".join(assumed)))
            on_link = [
                interventions[i] for i in link.fields.get("interventions", []) if i in interventions
            ]
            parts.extend(doing(on_link + [it for it in targeting[source_id] if it not in on_link]))
            parts.extend(measure(source_id))
            if source.fields.get("above_ceiling"):
                parts.append(words["ceiling"].format(outcome=_clean(source.fields.get("text", ""))))
            paragraphs.append(" ".join(parts))
            if source_id not in seen:
                seen.add(source_id)
                queue.append(source_id)
    return "\n\n".join(paragraphs)[:MAX_NARRATIVE_CHARS]


def _narrate(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    lang = args.get("lang", "it")
    if lang not in SENTENCES:
        raise InvalidOp("lang must be it or en", field="lang")
    replace = args.get("replace", False)
    if not isinstance(replace, bool) or set(args) - {"lang", "replace"}:
        raise InvalidOp("generate_narrative takes {lang, replace}", field="args")
    text = write_narrative(view, lang)
    existing = [it for it in view.of_type("narrative") if it.fields.get("lang") == lang]
    if existing:
        narrative = existing[0]
        if narrative.fields.get("edited") and not replace:
            # Someone rewrote it: their words are not replaced without a yes.
            return ActionResult(result={"needs_confirmation": True, "narrative_id": narrative.id})
        if narrative.fields.get("text") == text:
            return ActionResult(result={"narrative_id": narrative.id, "unchanged": True})
        return ActionResult(
            ops=[{"op": "update", "id": narrative.id, "fields": {"text": text, "generated": text}}],
            result={"narrative_id": narrative.id},
        )
    right = max(
        (float(it.fields["x"]) + float(it.fields["w"]) for it in view.values() if "x" in it.fields),
        default=-200.0,
    )
    narrative_id = new_id("nr")
    op = create(
        narrative_id,
        "narrative",
        text=text,
        generated=text,
        lang=lang,
        x=right + 200.0,
        y=0.0,
        w=640.0,
        h=800.0,
    )
    return ActionResult(ops=[op], result={"narrative_id": narrative_id})


register_action([KIND], Action("generate_narrative", _narrate))


# --- the template -----------------------------------------------------------------------------------------

BAND_W = 1800.0  # board units: one band per tier, the goal at the top
BAND_H = 260.0
BAND_GAP = 40.0
SIDE_W = 600.0

# The board's own words: a lab in Italy writes on it in Italian (every title can be edited).
TEMPLATE_BANDS = (
    ("Impatto", "Quale cambiamento duraturo vogliamo vedere nella comunità?", "purple"),
    (
        "Esiti di lungo periodo",
        "Che cosa sarà cambiato per le persone alla fine del progetto?",
        "teal",
    ),
    (
        "Esiti intermedi",
        "Quali condizioni devono cambiare prima? (sotto la soglia di responsabilità)",
        "blue",
    ),
    ("Esiti iniziali", "Quali sono i primi cambiamenti che vedremo?", "green"),
    (
        "Interventi",
        "Chi fa che cosa, con quali risorse, perché accadano questi cambiamenti?",
        "orange",
    ),
)


def _template() -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = []
    for n, (title, question, colour) in enumerate(TEMPLATE_BANDS):
        y = n * (BAND_H + BAND_GAP)
        ops.append(
            create(
                new_id("tpl"), "frame", title=title, color=colour, x=0.0, y=y, w=BAND_W, h=BAND_H
            )
        )
        ops.append(
            create(
                new_id("tpl"), "text", text=question, size="s", x=20.0, y=y + 40.0, w=700.0, h=40.0
            )
        )
    side_h = len(TEMPLATE_BANDS) * (BAND_H + BAND_GAP) - BAND_GAP
    ops.append(
        create(
            new_id("tpl"),
            "frame",
            title="Ipotesi e fattori esterni",
            color="pink",
            x=BAND_W + BAND_GAP,
            y=0.0,
            w=SIDE_W,
            h=side_h,
        )
    )
    ops.append(
        create(
            new_id("tpl"),
            "text",
            text="Che cosa deve essere vero perché ogni passaggio funzioni? Che cosa potrebbe andare storto?",
            size="s",
            x=BAND_W + BAND_GAP + 20.0,
            y=40.0,
            w=SIDE_W - 40.0,
            h=60.0,
        )
    )
    return ops


register_template(Template("theory_of_change", (KIND,), _template))
