"""Session 2, "Mappa degli stakeholder": the project's registry of actors and what it feeds.

- `actor`: one card per actor of the project's single registry (every other board refers to
  these with ProjectRef). Its quadrant (Mendelow's power/interest grid) and salience class
  (Mitchell, Agle & Wood) are derived; a rule keeps sub_type within macro_type.
- `pi_grid`: the power/interest grid. A rule ties an actor's place on it to its power and
  interest, both ways; an effect keeps every change of power/interest with its date
  (workshop.canvases.stakeholder_positions).
- `relation`: typed, directed or mutual links between actors (the relations map).
- `proposal`, `proposal_activity`, `budget_line`: the project proposal the session ends with.

Nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workshop.boards.canvas import (
    RuleContext,
    Template,
    register_effect,
    register_rule,
    register_template,
)
from workshop.boards.errors import InvalidOp
from workshop.boards.schema import (
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
from workshop.boards.state import Item
from workshop.canvases.common import create, new_id
from workshop.canvases.stakeholder_positions import record_positions
from workshop.models.board import BoardKind

KINDS = (BoardKind.STAKEHOLDERS.value,)

# --- the actor typology (domain.md §0) ------------------------------------------------------------

SUB_TYPES: dict[str, tuple[str, ...]] = {
    "public": ("comune", "ambito", "ats_asst", "regione", "school", "other_public"),
    "third_sector": (
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
    ),
    "non_third_sector": ("party", "union", "professional_assoc", "employers"),
    "private": ("company", "corporate_foundation", "bank"),
    "civil_society": ("informal_group", "committee", "citizens"),
    "target_group": ("beneficiaries", "families"),
}
# "other" fits any macro type: the typology is a guide, not a census.
ANY_MACRO_SUB_TYPE = "other"
MACRO_TYPES = tuple(SUB_TYPES)
ALL_SUB_TYPES = tuple(s for subs in SUB_TYPES.values() for s in subs) + (ANY_MACRO_SUB_TYPE,)


def sub_type_fits(macro_type: str, sub_type: str | None) -> bool:
    return (
        sub_type is None
        or sub_type == ANY_MACRO_SUB_TYPE
        or sub_type in SUB_TYPES.get(macro_type, ())
    )


# --- derived: quadrant and salience class --------------------------------------------------------

SCALE_MIN, SCALE_MAX = 1, 5
HIGH_THRESHOLD = 3  # power or interest at or above it counts as high
QUADRANTS = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")
SALIENCE_CLASSES = (
    "none",
    "dormant",
    "discretionary",
    "demanding",
    "dominant",
    "dangerous",
    "dependent",
    "definitive",
)
# (power, legitimacy, urgency) -> class
_SALIENCE = {
    (False, False, False): "none",
    (True, False, False): "dormant",
    (False, True, False): "discretionary",
    (False, False, True): "demanding",
    (True, True, False): "dominant",
    (True, False, True): "dangerous",
    (False, True, True): "dependent",
    (True, True, True): "definitive",
}


def quadrant(power: float, interest: float) -> str:
    """Mendelow's quadrant for a power and an interest on the 1-5 scale."""
    high_power, high_interest = power >= HIGH_THRESHOLD, interest >= HIGH_THRESHOLD
    if high_power:
        return "manage_closely" if high_interest else "keep_satisfied"
    return "keep_informed" if high_interest else "monitor"


def salience_class(power: bool, legitimacy: bool, urgency: bool) -> str:
    """Mitchell, Agle & Wood's class for the three attributes."""
    return _SALIENCE[(bool(power), bool(legitimacy), bool(urgency))]


def derive_actor(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "quadrant": quadrant(fields["power"], fields["interest"]),
        "salience_class": salience_class(
            fields["salience_power"], fields["salience_legitimacy"], fields["salience_urgency"]
        ),
    }


# --- item types ------------------------------------------------------------------------------------

ACTOR_CARD_W, ACTOR_CARD_H = 180.0, 90.0
DEFAULT_SCALE_VALUE = 1  # a new actor sits in "monitor" until someone places it

ACTOR = ItemType(
    "actor",
    {
        "name": Text(max_chars=200),
        "macro_type": Choice(values=MACRO_TYPES, default="third_sector"),
        "sub_type": Choice(values=ALL_SUB_TYPES, nullable=True, default=None),
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
        "power": Number(minimum=SCALE_MIN, maximum=SCALE_MAX, default=DEFAULT_SCALE_VALUE),
        "interest": Number(minimum=SCALE_MIN, maximum=SCALE_MAX, default=DEFAULT_SCALE_VALUE),
        "quadrant": Choice(values=QUADRANTS, default="monitor", derived=True),
        "salience_power": Flag(),
        "salience_legitimacy": Flag(),
        "salience_urgency": Flag(),
        "salience_class": Choice(values=SALIENCE_CLASSES, default="none", derived=True),
        "attitude": Choice(
            values=("champion", "supporter", "neutral", "critic", "opponent"), default="neutral"
        ),
        "engagement": Choice(
            values=("inform", "consult", "involve", "collaborate", "empower"), default="inform"
        ),
        "onion_layer": Number(minimum=0, maximum=4, integer=True, nullable=True, default=None),
    },
    title_field="name",
    summary=("macro_type", "quadrant", "salience_class", "engagement"),
    derive=derive_actor,
)

PI_GRID = ItemType("pi_grid", {"title": Text(max_chars=200)}, title_field="title")

RELATION_TYPES = ("collaboration", "funding", "agreement", "information", "network", "conflict")
RELATION = ItemType(
    "relation",
    {
        "from": Ref(types=("actor",), required=True),
        "to": Ref(types=("actor",), required=True),
        "type": Choice(values=RELATION_TYPES, default="collaboration"),
        "direction": Choice(values=("directed", "mutual", "undirected"), default="directed"),
        "strength": Number(minimum=1, maximum=5, integer=True, default=3),
        "note": Text(),
    },
    spatial=False,
)

PROPOSAL = ItemType(
    "proposal",
    {
        "title": Text(max_chars=200),
        "need": Text(),
        "need_problem": ProjectRef(board_kind="context", types=("problem",), nullable=True),
        "general_objective": ProjectRef(board_kind="context", types=("objective",), nullable=True),
        "specific_objectives": ProjectRefList(board_kind="context", types=("objective",)),
        "target_groups": RefList(types=("actor",)),
        "partners": RefList(types=("actor",)),
        "governance": Text(),
        "sustainability": Text(),
        "risks": Text(),
        "innovation": Text(),
        "evaluation": Text(),
    },
    title_field="title",
)

PROPOSAL_ACTIVITY = ItemType(
    "proposal_activity",
    {
        "title": Text(max_chars=200),
        "description": Text(),
        "start": Day(nullable=True),
        "end": Day(nullable=True),
        "lead": Ref(types=("actor",), nullable=True),
    },
    title_field="title",
    summary=("start", "end"),
)

MAX_BUDGET_EUR = 1_000_000_000
BUDGET_LINE = ItemType(
    "budget_line",
    {
        "description": Text(max_chars=500),
        "source": Choice(values=("public", "third_sector", "private"), default="public"),
        "amount": Number(minimum=0, maximum=MAX_BUDGET_EUR, default=0, euros=True),
        "in_kind": Flag(),
    },
    title_field="description",
    # The amount first: a card too narrow for every chip keeps the figure (its colour says the source).
    summary=("amount", "source", "in_kind"),
)

TYPES = (ACTOR, PI_GRID, RELATION, PROPOSAL, PROPOSAL_ACTIVITY, BUDGET_LINE)
for _type in TYPES:
    register_item_type(_type, KINDS)


# --- rules -----------------------------------------------------------------------------------------

GEOMETRY_FIELDS = frozenset({"x", "y", "w", "h"})
SCALE_FIELDS = frozenset({"power", "interest"})


def _alive_changed(ctx: RuleContext, item_type: str) -> list[Item]:
    return [it for it in ctx.changed.values() if it.type == item_type and it.alive]


def keep_sub_type_in_macro_type(ctx: RuleContext) -> None:
    """A sub_type must belong to the macro_type. Changing only the macro_type clears a
    sub_type that no longer fits (the client need not send both); setting a sub_type that does
    not fit is refused."""
    for actor in _alive_changed(ctx, "actor"):
        macro, sub = actor.fields["macro_type"], actor.fields["sub_type"]
        if sub_type_fits(macro, sub):
            continue
        set_now = ctx.fields_set(actor.id)
        if set_now is not None and "sub_type" not in set_now:
            ctx.update(actor.id, {"sub_type": None})
        else:
            raise InvalidOp(
                f"sub_type {sub} does not belong to macro_type {macro}", field="sub_type"
            )


def _round_scale(value: float) -> float:
    return min(SCALE_MAX, max(SCALE_MIN, round(float(value), 1)))


def grid_box(grid: Item) -> tuple[float, float, float, float]:
    f = grid.fields
    return float(f["x"]), float(f["y"]), float(f["w"]), float(f["h"])


def centre(item: Item) -> tuple[float, float]:
    f = item.fields
    return float(f["x"]) + float(f["w"]) / 2, float(f["y"]) + float(f["h"]) / 2


def on_grid(grid: Item, item: Item) -> bool:
    x, y, w, h = grid_box(grid)
    cx, cy = centre(item)
    return x <= cx <= x + w and y <= cy <= y + h


def scale_at(grid: Item, cx: float, cy: float) -> tuple[float, float]:
    """(power, interest) at a point of the grid: power grows bottom to top, interest left to
    right, 1 to 5, one decimal."""
    x, y, w, h = grid_box(grid)
    power = SCALE_MIN + (SCALE_MAX - SCALE_MIN) * (y + h - cy) / h
    interest = SCALE_MIN + (SCALE_MAX - SCALE_MIN) * (cx - x) / w
    return _round_scale(power), _round_scale(interest)


def point_for(grid: Item, power: float, interest: float) -> tuple[float, float]:
    """The point of the grid that stands for this power and interest (scale_at's inverse)."""
    x, y, w, h = grid_box(grid)
    span = SCALE_MAX - SCALE_MIN
    return x + w * (interest - SCALE_MIN) / span, y + h - h * (power - SCALE_MIN) / span


def place_on_grid(
    grid: Item, power: float, interest: float, w: float, h: float
) -> tuple[float, float]:
    """Top-left corner of a w x h card whose centre stands for power and interest."""
    cx, cy = point_for(grid, power, interest)
    return round(cx - w / 2, 1), round(cy - h / 2, 1)


def tie_actors_to_the_grid(ctx: RuleContext) -> None:
    """A card placed or moved on the grid takes its power and interest from where it lies; a
    power or interest set while the card is on the grid moves the card to the matching spot."""
    actors = _alive_changed(ctx, "actor")
    if not actors:
        return
    grids = ctx.find_type("pi_grid")
    grid = grids[0] if grids else None  # one grid per board: the first one counts
    for actor in actors:
        set_now = ctx.fields_set(actor.id)
        moved = set_now is None or bool(GEOMETRY_FIELDS & set_now)
        rescaled = set_now is not None and bool(SCALE_FIELDS & set_now)
        if grid is not None and on_grid(grid, actor):
            if moved:
                power, interest = scale_at(grid, *centre(actor))
                ctx.update(actor.id, {"power": power, "interest": interest})
                continue
            if rescaled:
                power = _round_scale(actor.fields["power"])
                interest = _round_scale(actor.fields["interest"])
                x, y = place_on_grid(
                    grid, power, interest, float(actor.fields["w"]), float(actor.fields["h"])
                )
                ctx.update(actor.id, {"power": power, "interest": interest, "x": x, "y": y})
                continue
        if rescaled or set_now is None:  # off the grid: kept as set, to one decimal
            ctx.update(
                actor.id,
                {
                    "power": _round_scale(actor.fields["power"]),
                    "interest": _round_scale(actor.fields["interest"]),
                },
            )


def _relation_key(relation: Item) -> tuple[str, frozenset[str]]:
    return relation.fields["type"], frozenset((relation.fields["from"], relation.fields["to"]))


def _relations_clash(a: Item, b: Item) -> bool:
    if _relation_key(a) != _relation_key(b):
        return False
    directed = a.fields["direction"] == "directed" and b.fields["direction"] == "directed"
    # A -> B and B -> A are two relations; anything mutual or undirected covers both ways.
    return not directed or (a.fields["from"], a.fields["to"]) == (b.fields["from"], b.fields["to"])


def refuse_bad_relations(ctx: RuleContext) -> None:
    """No relation from an actor to itself, and no second relation of the same type between
    the same two actors."""
    changed = _alive_changed(ctx, "relation")
    if not changed:
        return
    for relation in changed:
        if relation.fields["from"] == relation.fields["to"]:
            raise InvalidOp("a relation joins two different actors", field="to")
    every = ctx.find_type("relation")
    for relation in changed:
        for other in every:
            if other.id != relation.id and _relations_clash(relation, other):
                raise InvalidOp(
                    "these two actors already have a relation of this type", field="type"
                )


for _rule in (keep_sub_type_in_macro_type, tie_actors_to_the_grid, refuse_bad_relations):
    register_rule(KINDS, _rule)
register_effect(KINDS, record_positions)


# --- templates -------------------------------------------------------------------------------------

GRID_SIZE = 800.0
PROPOSAL_W, PROPOSAL_H = 520.0, 760.0
ZONE_W, ZONE_H = 560.0, 360.0
ZONE_GAP = 40.0


def build_grid() -> list[dict[str, Any]]:
    return [create(new_id("grid"), "pi_grid", x=0, y=0, w=GRID_SIZE, h=GRID_SIZE, title="")]


def build_proposal() -> list[dict[str, Any]]:
    """The proposal sheet with its two zones beside it: activities (cronoprogramma) and the
    budget by source. Zone titles are board content, so they are in Italian like the lab."""
    zone_x = PROPOSAL_W + ZONE_GAP
    return [
        create(new_id("proposal"), "proposal", x=0, y=0, w=PROPOSAL_W, h=PROPOSAL_H, title=""),
        create(
            new_id("zone"),
            "frame",
            x=zone_x,
            y=0,
            w=ZONE_W,
            h=ZONE_H,
            title="Attività e cronoprogramma",
        ),
        create(
            new_id("zone"),
            "frame",
            x=zone_x,
            y=ZONE_H + ZONE_GAP,
            w=ZONE_W,
            h=ZONE_H,
            title="Piano economico (pubblico, Terzo settore, privato)",
        ),
    ]


def build_full() -> list[dict[str, Any]]:
    """The grid with the proposal to the right. The relations are drawn between the actors on
    the grid (and listed in words under the drawn map), so they need no zone of their own."""
    proposal = [
        {**op, "fields": {**op["fields"], "x": op["fields"]["x"] + GRID_SIZE + 2 * ZONE_GAP}}
        for op in build_proposal()
    ]
    return build_grid() + proposal


register_template(Template("power_interest_grid", KINDS, build_grid))
register_template(Template("proposal", KINDS, build_proposal))
register_template(Template("stakeholders_full", KINDS, build_full))
