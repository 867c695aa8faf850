"""Session 4, "Rendicontazione sociale": the communication plan per stakeholder, the
measurements of the theory of change's indicators, stories with consent, and a social report
drafted from the project's boards under the headings of the Italian guidelines (DM 4 July 2019).

The report is a project report, not an organisation's legal bilancio sociale, and says so.
Its sections are cards on the board: real-time, undoable, kept with the board's history; once
someone edits a section, drafting again asks before replacing their words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
    Link,
    Number,
    ProjectRef,
    Text,
    register_item_type,
)
from workshop.boards.state import Actor, Item
from workshop.canvases.common import create, new_id
from workshop.models.board import BoardKind

KIND = BoardKind.SOCIAL_REPORTING.value
STAKEHOLDERS = BoardKind.STAKEHOLDERS.value
CONTEXT = BoardKind.CONTEXT.value
THEORY = BoardKind.THEORY_OF_CHANGE.value

MAX_SECTION_CHARS = 40_000
MAX_STORY_CHARS = 5_000
IAP2 = ("inform", "consult", "involve", "collaborate", "empower")
CHANNELS = (
    "meeting",
    "public_assembly",
    "newsletter",
    "website",
    "social_media",
    "press",
    "report",
    "event",
)
FREQUENCIES = ("once", "weekly", "monthly", "quarterly", "yearly", "at_milestones")

COMMUNICATION_ACTION = ItemType(
    "communication_action",
    {
        "audience": ProjectRef(nullable=True, board_kind=STAKEHOLDERS, types=("actor",)),  # a chi
        "what": Text(max_chars=MAX_LABEL_CHARS),  # cosa: the key message
        "why": Text(max_chars=MAX_LABEL_CHARS),  # perché
        "channel": Choice(values=CHANNELS, default="meeting"),  # come
        "when": Text(max_chars=MAX_LABEL_CHARS),  # quando
        "frequency": Choice(values=FREQUENCIES, default="quarterly"),
        "responsible": ProjectRef(nullable=True, board_kind=STAKEHOLDERS, types=("actor",)),
        "feedback": Text(max_chars=MAX_LABEL_CHARS),  # how the audience answers back
        "indicator": ProjectRef(nullable=True, board_kind=THEORY, types=("indicator",)),
        "engagement": Choice(values=IAP2, default="inform"),
        "status": Choice(values=("planned", "done", "cancelled"), default="planned"),
    },
    title_field="what",
    summary=("channel", "frequency", "status"),
)
MEASUREMENT = ItemType(
    "measurement",
    {
        # Optional so the card can be added first and the indicator picked after.
        "indicator": ProjectRef(nullable=True, board_kind=THEORY, types=("indicator",)),
        "date": Day(required=True),
        "value": Number(required=True, default=0, minimum=-1e12, maximum=1e12),
        "source": Text(max_chars=MAX_LABEL_CHARS),
        "evidence": Link(),
        "note": Text(max_chars=MAX_LABEL_CHARS),
    },
    title_field="note",
    summary=("date", "value"),
)
STORY = ItemType(
    "story",
    {
        "text": Text(max_chars=MAX_STORY_CHARS),
        "teller": Text(max_chars=MAX_LABEL_CHARS),  # who tells it, as they want to be named
        # Without it the story stays on the board and never reaches a report or a public page.
        "consent": Flag(),
        "anonymous": Flag(),  # in a report, "una persona" instead of the teller's name
        "outcome": ProjectRef(nullable=True, board_kind=THEORY, types=("outcome",)),
        "actor": ProjectRef(nullable=True, board_kind=STAKEHOLDERS, types=("actor",)),
    },
    title_field="text",
    summary=("consent",),
)

SECTION_KEYS = (
    "methodology",
    "identity",
    "governance",
    "people",
    "objectives_activities",
    "resources",
    "other_information",
    "monitoring",
)


def _section_edited(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {"edited": fields.get("text", "") != fields.get("generated", "")}


REPORT_SECTION = ItemType(
    "report_section",
    {
        "key": Choice(values=SECTION_KEYS, default="methodology"),
        "lang": Choice(values=("it", "en"), default="it"),
        "title": Text(max_chars=MAX_LABEL_CHARS),
        "text": Text(max_chars=MAX_SECTION_CHARS),
        "generated": Text(max_chars=MAX_SECTION_CHARS),
        "edited": Flag(derived=True),
    },
    title_field="title",
    summary=("key",),
    derive=_section_edited,
)

TYPES = (COMMUNICATION_ACTION, MEASUREMENT, STORY, REPORT_SECTION)
for _type in TYPES:
    register_item_type(_type, [KIND])


# --- the communication plan ------------------------------------------------------------------------------

# Mendelow's quadrant gives the default intensity (domain.md, section 4a): manage closely ->
# co-decision meetings; keep satisfied -> short formal reports; keep informed -> newsletter
# and assemblies; monitor -> the website.
QUADRANT_DEFAULTS = {
    "manage_closely": {"channel": "meeting", "frequency": "monthly", "engagement": "collaborate"},
    "keep_satisfied": {"channel": "report", "frequency": "quarterly", "engagement": "consult"},
    "keep_informed": {"channel": "newsletter", "frequency": "monthly", "engagement": "inform"},
    "monitor": {"channel": "website", "frequency": "at_milestones", "engagement": "inform"},
}
PLAN_ROW_H = 140.0  # board units between rows of the plan
PLAN_CARD_W, PLAN_CARD_H = 320.0, 120.0


PARTNER_DEFAULTS = {"channel": "meeting", "frequency": "monthly"}  # the table's own meetings


def communication_defaults(actor: Item, partner_role: str | None = None) -> dict[str, Any]:
    """The plan row an actor gets by default. Partners and table members (`partner_role`
    "lead" or "member") meet at the table, whatever their grid quadrant; everyone else gets
    the quadrant's channel. The engagement level is the one the lab set in the registry:
    never changed here (plan_from_registry asks about a higher one instead)."""
    if partner_role is not None:
        defaults = dict(PARTNER_DEFAULTS)
    else:
        quadrant = QUADRANT_DEFAULTS.get(actor.fields.get("quadrant"), QUADRANT_DEFAULTS["monitor"])
        defaults = {"channel": quadrant["channel"], "frequency": quadrant["frequency"]}
    chosen = actor.fields.get("engagement")
    defaults["engagement"] = chosen if chosen in IAP2 else "inform"
    return defaults


def partner_roles(view: BoardView) -> dict[str, str]:
    """Actor id -> "lead" (leads an intervention or an activity) or "member" (a partner of the
    proposal, or engaged by the lab to collaborate or empower): the table's people."""
    stakeholders = view.project_items(STAKEHOLDERS)
    roles: dict[str, str] = {}
    for item in stakeholders.values():
        if item.type == "proposal":
            for actor_id in item.fields.get("partners") or []:
                roles.setdefault(actor_id, "member")
        if item.type == "actor" and item.fields.get("engagement") in ("collaborate", "empower"):
            roles.setdefault(item.id, "member")
    leads = [
        it.fields.get("lead") for it in stakeholders.values() if it.type == "proposal_activity"
    ]
    leads += [
        it.fields.get("lead")
        for it in view.project_items(THEORY).values()
        if it.type == "intervention"
    ]
    for actor_id in leads:
        if actor_id:
            roles[actor_id] = "lead"
    return roles


SUGGESTED_LEVEL = {"lead": "collaborate", "member": "involve"}


def plan_from_registry(view: BoardView) -> ActionResult:
    """A communication action for every actor of the registry that has none yet. Where a
    partner's level in the registry is below what its role at the table suggests, the result
    lists the suggestion for the lab to decide (`to_confirm`): nothing is raised on its own."""
    actors = [it for it in view.project_items(STAKEHOLDERS).values() if it.type == "actor"]
    planned = {
        it.fields.get("audience") for it in view.values() if it.type == "communication_action"
    }
    rows = sum(1 for it in view.values() if it.type == "communication_action")
    roles = partner_roles(view)
    ops = []
    to_confirm = []
    for actor in sorted(actors, key=lambda it: (it.created_seq, it.id)):
        if actor.id in planned:
            continue
        role = roles.get(actor.id)
        defaults = communication_defaults(actor, role)
        action_id = new_id("cm")
        if role and IAP2.index(SUGGESTED_LEVEL[role]) > IAP2.index(defaults["engagement"]):
            to_confirm.append(
                {
                    "actor": actor.id,
                    "engagement": defaults["engagement"],
                    "suggested": SUGGESTED_LEVEL[role],
                    "item_id": action_id,
                }
            )
        ops.append(
            create(
                action_id,
                "communication_action",
                audience=actor.id,
                x=0.0,
                y=rows * PLAN_ROW_H,
                w=PLAN_CARD_W,
                h=PLAN_CARD_H,
                **defaults,
            )
        )
        rows += 1
    result: dict[str, Any] = {"created": [op["id"] for op in ops], "to_confirm": to_confirm}
    if to_confirm:
        # Shown as findings: the lab selects the plan's row and decides (nothing raised here).
        result["findings"] = [
            {
                "code": "level_to_confirm",
                "message_key": f"finding.level_to_confirm_{row['suggested']}",
                "item_ids": [row["item_id"]],
            }
            for row in to_confirm
        ]
    return ActionResult(ops=ops, result=result)


def _plan(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    if args:
        raise InvalidOp("plan_from_registry takes no arguments", field="args")
    return plan_from_registry(view)


# --- progress of an indicator ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where an indicator stands: its latest measurement against target and threshold."""

    indicator_id: str
    values: tuple[tuple[str, float], ...]  # (date, value), oldest first
    status: str  # reached, above_threshold, below_threshold, no_data, no_target
    share: float | None  # from the baseline to the target: 0 at the baseline, 1 at the target

    @property
    def latest(self) -> float | None:
        return self.values[-1][1] if self.values else None


def progress(indicator: Item, measurements: Iterable[Item]) -> Progress:
    fields = indicator.fields
    values = tuple(
        sorted(
            (m.fields["date"], float(m.fields["value"]))
            for m in measurements
            if m.fields.get("indicator") == indicator.id
        )
    )
    if not values:
        return Progress(indicator.id, values, "no_data", None)
    latest = values[-1][1]
    # The count of people who reached the per-person threshold, against the target and the
    # minimum target (the threshold itself says what counts as success for one person).
    target, threshold = fields.get("target"), fields.get("target_minimum")
    lower_is_better = fields.get("better") == "lower"

    def meets(goal: float | None) -> bool:
        return goal is not None and (latest <= goal if lower_is_better else latest >= goal)

    if target is None and threshold is None:
        status = "no_target"
    elif meets(target):
        status = "reached"
    elif meets(threshold):
        status = "above_threshold"
    else:
        status = "below_threshold"
    share = None
    baseline = fields.get("baseline")
    start = baseline if baseline is not None else values[0][1]
    if target is not None and target != start:
        share = max(0.0, min(1.0, (latest - start) / (target - start)))
    return Progress(indicator.id, values, status, share)


register_action([KIND], Action("plan_from_registry", _plan, conductor_only=True))


# --- the template ----------------------------------------------------------------------------------------------


def _template() -> list[dict[str, Any]]:
    zones = (
        (
            "Piano di comunicazione",
            "A chi, che cosa, perché, come, quando, chi se ne occupa? Un'azione per soggetto.",
            "blue",
            0.0,
            0.0,
            1400.0,
            900.0,
        ),
        (
            "Rilevazioni",
            "Per ogni indicatore: data, valore, fonte, evidenza.",
            "green",
            1460.0,
            0.0,
            900.0,
            900.0,
        ),
        (
            "Storie e testimonianze",
            "Chi racconta, che cosa è cambiato. Solo con il consenso finiscono nel report.",
            "pink",
            0.0,
            960.0,
            2360.0,
            500.0,
        ),
    )
    ops = []
    for title, question, colour, x, y, width, height in zones:
        ops.append(
            create(new_id("tpl"), "frame", title=title, color=colour, x=x, y=y, w=width, h=height)
        )
        ops.append(
            create(
                new_id("tpl"),
                "text",
                text=question,
                size="s",
                x=x + 20.0,
                y=y + 40.0,
                w=width - 40.0,
                h=40.0,
            )
        )
    return ops


register_template(Template("social_reporting", (KIND,), _template))
