"""Session 3, "Teoria del Cambiamento": outcomes in tiers, causal links with their rationale,
assumptions, interventions, outputs and indicators, a check of the method, seeding from the
objective tree and the PESTEL/SWOT, and a narrative walked back from the goal.

Anchors: TOCO (outcomes on a pathway, interventions on the arrows, indicators with population,
target, threshold and timeline), Changeroo, NPC's ten steps (domain.md section 3). Actors are
never re-typed: populations, leads and owners are references to the stakeholder registry.
"""

from __future__ import annotations

from collections import defaultdict
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
from workshop.glossary import long_date
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
        # The target: how many (or how much) are expected to succeed, in `unit`; the minimum
        # target: the fewest that would still be acceptable (before 0011 it was called threshold).
        "target": Number(nullable=True, default=None),
        "unit": Text(max_chars=MAX_LABEL_CHARS),  # "%", "famiglie", "ore"...
        "target_minimum": Number(nullable=True, default=None),
        # The threshold as the Center for Theory of Change defines it: the level of change for
        # one person that counts as success ("in casa da almeno 12 mesi"), in words, with an
        # optional number on that person's scale (12, unit "mesi").
        "threshold_note": Text(max_chars=MAX_LABEL_CHARS),
        "threshold": Number(nullable=True, default=None),
        "threshold_unit": Text(max_chars=MAX_LABEL_CHARS),
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
    # An intervention that targets no outcome (neither directly nor on a link): nobody can say
    # which change it serves, and the narrative cannot say who does what.
    on_links = {i for link in links for i in link.fields.get("interventions", [])}
    aimless = sorted(
        i
        for i, it in view.items()
        if it.type == "intervention"
        and i not in on_links
        and not [t for t in it.fields.get("targets", []) if t in outcomes]
    )
    if aimless:
        findings.append({"code": "intervention_without_target", "item_ids": aimless})
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


register_action([KIND], Action("check_theory", _check, changes_board=False))


# --- words shared by the narrative, the logframe and the report ---------------------------------------


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
MINIMUM_WORDS = {"it": "minimo {value}", "en": "at least {value}"}


def day_words(day: str | None, lang: str = "it") -> str:
    """ "2027-12-31" as a person writes it: "31 dicembre 2027" (never ISO in prose)."""
    return long_date(day, lang) if day else ""


def threshold_words(fields: Mapping[str, Any], lang: str) -> str:
    """The per-person level that counts as success, in words: the note ("in casa da almeno
    12 mesi"), else the number on its scale ("almeno 12 mesi")."""
    note = fields.get("threshold_note", "").strip()
    if note:
        return _clean(note)
    if fields.get("threshold") is None:
        return ""
    unit = fields.get("threshold_unit", "").strip()
    return THRESHOLD_WORDS[lang][fields.get("better", "higher")].format(
        value=_number(fields["threshold"]), unit=f" {unit}" if unit else ""
    )


def target_words(fields: Mapping[str, Any], lang: str) -> str:
    """How many are expected to succeed: "40 famiglie (minimo 30)"."""
    if fields.get("target") is None:
        return ""
    unit = fields.get("unit", "").strip()
    words = f"{_number(fields['target'])} {unit}".strip()
    if fields.get("target_minimum") is not None:
        words += " (" + MINIMUM_WORDS[lang].format(value=_number(fields["target_minimum"])) + ")"
    return words


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


# The seeding and the narrative live beside this module; importing them registers their actions
# and keeps `theory_of_change.seed_from_earlier_sessions` and `.write_narrative` where callers look.
from workshop.canvases.toc_narrative import SENTENCES, write_narrative  # noqa: E402, F401
from workshop.canvases.toc_seed import assumption_candidates, seed_from_earlier_sessions  # noqa: E402, F401
