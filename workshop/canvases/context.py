"""Session 1, "Analisi del contesto e dei problemi": the tavolo, the problem and objective trees,
SWOT with TOWS strategies, PESTEL.

What the board knows of its method:
- the **tavolo** sheet (the co-design table's set-up) is kept on the project record by an effect;
- the **problem tree** (causes below the core problem, effects above) has a tidy layout and a
  check that reports what breaks the method (no or several core problems, causes or effects cut
  off from the core, cycles, unlinked cards) without ever refusing a card: people brainstorm
  freely. A link from a card to itself, or a second link with the same ends, is refused;
- the **objective tree** comes from the problem tree by a conversion that keeps its structure,
  and each objective asks to be reworded in the positive until someone edits its text;
- a **PESTEL** factor scores impact x likelihood and can be promoted to a SWOT opportunity
  or threat.

Item ids made by the templates start with the zone's name (`swot-opportunity-...`), which is how
`promote_pestel_factor` finds the SWOT zone; the templates are in context_templates.py. Nothing
here imports Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from workshop.boards.canvas import (
    Action,
    ActionResult,
    BoardView,
    register_action,
    register_effect,
    register_rule,
)
from workshop.boards.errors import InvalidOp
from workshop.boards.schema import (
    MAX_LABEL_CHARS,
    MAX_TITLE_CHARS,
    Choice,
    Colour,
    Flag,
    ItemType,
    Number,
    Ref,
    RefList,
    Text,
    register_item_type,
)
from workshop.boards.state import Actor, Item, RuleContext
from workshop.canvases import problem_tree as trees
from workshop.canvases.common import create, new_id, update
from workshop.models.board import BoardKind
from workshop.models.project import MAX_SHORT_TEXT_CHARS, Project

KIND = BoardKind.CONTEXT.value
KINDS = (KIND,)

MAX_CARD_TEXT_CHARS = 500
MAX_NOTE_CHARS = 2_000  # evidence, a strategy's text
MAX_HORIZON_CHARS = 100

# Card sizes the templates, the conversion and the promotion use (board units).
CARD_W, CARD_H = 240.0, 120.0
TAVOLO_W, TAVOLO_H = 640.0, 1_000.0
CONVERT_GAP = 200.0  # between the problem tree and the objective tree laid beside it
ZONE_PAD = 40.0  # inside a zone: from its edge to the first card
ZONE_TITLE_H = 80.0  # room for a zone's title above its cards

# --- item types ----------------------------------------------------------------------------------

# Both paths of art. 55 CTS: a co-programmazione's table closes with its documento di sintesi
# ("synthesis"); a co-progettazione's table with the final project and the agreement. A path
# that does both goes through all of them, in this order; one that does one skips the others.
PROCEDURE_STAGES = (
    "start",
    "notice",
    "review",
    "programming_table",
    "synthesis",
    "table",
    "final_project",
    "agreement",
)

TAVOLO = ItemType(
    "tavolo",
    {
        "title": Text(max_chars=MAX_TITLE_CHARS),
        # Kept on the project record, whose columns hold at most 300 characters.
        "proposing_body": Text(max_chars=MAX_SHORT_TEXT_CHARS),
        "person_responsible": Text(max_chars=MAX_SHORT_TEXT_CHARS),
        "purpose": Text(),
        "object": Text(),
        "territory": Text(max_chars=MAX_SHORT_TEXT_CHARS),
        "duration": Text(max_chars=MAX_LABEL_CHARS),
        "resources": Text(),
        "admitted_parties": Text(),
        "working_rules": Text(),
        "calendar": Text(),
        "procedure_stage": Choice(values=PROCEDURE_STAGES, default="table"),
    },
    title_field="title",
    summary=("procedure_stage",),
)

PROBLEM = ItemType(
    "problem",
    {
        "text": Text(max_chars=MAX_CARD_TEXT_CHARS),
        "role": Choice(values=("core", "cause", "effect", "constraint"), default="cause"),
        "evidence": Text(max_chars=MAX_NOTE_CHARS),
        "color": Colour(default="orange"),
    },
    title_field="text",
    summary=("role",),
)

CAUSAL_LINK = ItemType(
    "causal_link",
    {
        "from": Ref(types=("problem",), required=True),  # the cause
        "to": Ref(types=("problem",), required=True),  # its effect
        "kind": Choice(values=("vertical", "joint"), default="vertical"),
        "label": Text(max_chars=MAX_LABEL_CHARS),
    },
    spatial=False,
)

OBJECTIVE = ItemType(
    "objective",
    {
        "text": Text(max_chars=MAX_CARD_TEXT_CHARS),
        "role": Choice(values=("purpose", "means", "end", "other"), default="means"),
        "source_problem": Ref(types=("problem",), nullable=True),
        "needs_rewording": Flag(default=False),
        "in_scope": Flag(default=False),
        "realistic": Flag(default=True),
    },
    title_field="text",
    summary=("role", "in_scope"),
)

MEANS_END_LINK = ItemType(
    "means_end_link",
    {
        "from": Ref(types=("objective",), required=True),  # the means
        "to": Ref(types=("objective",), required=True),  # its end
    },
    spatial=False,
)

SWOT_QUADRANTS = ("strength", "weakness", "opportunity", "threat")

SWOT_ITEM = ItemType(
    "swot_item",
    {
        "text": Text(max_chars=MAX_CARD_TEXT_CHARS),
        "quadrant": Choice(values=SWOT_QUADRANTS, default="strength"),
        "priority": Number(minimum=1, maximum=5, integer=True, nullable=True, default=None),
        "source_factor": Ref(types=("pestel_factor",), nullable=True),
    },
    title_field="text",
    summary=("quadrant",),
)

TOWS_KINDS = ("so", "wo", "st", "wt")

TOWS_STRATEGY = ItemType(
    "tows_strategy",
    {
        "text": Text(max_chars=MAX_NOTE_CHARS),
        "kind": Choice(values=TOWS_KINDS, default="so"),
        "items": RefList(types=("swot_item",)),
    },
    title_field="text",
    summary=("kind",),
)

PESTEL_CATEGORIES = ("political", "economic", "social", "technological", "environmental", "legal")


def _pestel_score(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {"score": int(fields["impact"]) * int(fields["likelihood"])}


PESTEL_FACTOR = ItemType(
    "pestel_factor",
    {
        "text": Text(max_chars=MAX_CARD_TEXT_CHARS),
        "category": Choice(values=PESTEL_CATEGORIES, default="political"),
        "direction": Choice(values=("positive", "negative"), default="negative"),
        "impact": Number(minimum=1, maximum=5, integer=True, default=3),
        "likelihood": Number(minimum=1, maximum=5, integer=True, default=3),
        "horizon": Text(max_chars=MAX_HORIZON_CHARS),
        "source": Text(max_chars=MAX_LABEL_CHARS),
        "score": Number(minimum=1, maximum=25, integer=True, default=9, derived=True),
    },
    title_field="text",
    summary=("category", "score"),
    derive=_pestel_score,
)

TYPES = (
    TAVOLO,
    PROBLEM,
    CAUSAL_LINK,
    OBJECTIVE,
    MEANS_END_LINK,
    SWOT_ITEM,
    TOWS_STRATEGY,
    PESTEL_FACTOR,
)
for _type in TYPES:
    register_item_type(_type, KINDS)

# --- rules ---------------------------------------------------------------------------------------

LINK_TYPES = ("causal_link", "means_end_link")


def refuse_degenerate_links(ctx: RuleContext) -> None:
    """A link from a card to itself, or a second link with the same ends (same direction), is
    refused: neither says anything. Reversed links and cycles are the check's business."""
    touched = [it for it in ctx.changed.values() if it.alive and it.type in LINK_TYPES]
    if not touched:
        return
    for link in touched:
        if link.fields["from"] == link.fields["to"]:
            raise InvalidOp("a link cannot join a card to itself", field="to")
    for link_type in {link.type for link in touched}:
        seen: dict[tuple[str, str], str] = {}
        for link in ctx.find_type(link_type):
            ends = (link.fields["from"], link.fields["to"])
            if ends in seen:
                raise InvalidOp("these two cards are linked already", field="to")
            seen[ends] = link.id


def clear_rewording_on_edit(ctx: RuleContext) -> None:
    """An objective made by the conversion asks to be reworded in the positive until someone
    edits its text (unless the same edit sets the flag itself)."""
    for item in ctx.changed.values():
        if item.type != "objective" or not item.alive or not item.fields.get("needs_rewording"):
            continue
        edited = ctx.fields_set(item.id)
        if edited and "text" in edited and "needs_rewording" not in edited:
            ctx.update(item.id, {"needs_rewording": False})


register_rule(KINDS, refuse_degenerate_links)
register_rule(KINDS, clear_rewording_on_edit)

# --- effect: the tavolo on the project record ----------------------------------------------------

# Tavolo field -> the project record's column that holds the same thing (workshop/web/forms.py
# names them: "Who coordinates the co-design table", "How participants are chosen"...).
TAVOLO_TO_PROJECT = {
    "proposing_body": "proposing_body",
    "territory": "territory",
    "purpose": "motivation",
    "object": "requested_activities",
    # The context board's "Responsabile del procedimento" is the RUP: its own field, never the
    # table's coordination (which the record describes in its own words).
    "person_responsible": "rup",
    "admitted_parties": "participant_selection",
    "working_rules": "conflict_handling",
}


def keep_tavolo_on_project(
    conn: sa.Connection,
    board_id: int,
    project_id: int,
    seq: int,
    changed: Mapping[str, Item],
    actor: Actor,
) -> None:
    """Copy the tavolo's filled-in fields onto the project record, in the change's transaction.

    An empty field is not copied: a fresh tavolo from the template never wipes a record the
    organizer filled in on the project page.
    """
    values: dict[str, Any] = {}
    for item in changed.values():
        if item.type != "tavolo" or not item.alive:
            continue
        for field_name, column in TAVOLO_TO_PROJECT.items():
            value = str(item.fields.get(field_name, "")).strip()
            if value:
                values[column] = value
    if values:
        table = Project.__table__
        conn.execute(sa.update(table).where(table.c.id == project_id).values(**values))


register_effect(KINDS, keep_tavolo_on_project)

# --- actions -------------------------------------------------------------------------------------


def _args(args: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise InvalidOp(f"this action takes no argument {unknown[0]!r}", field=str(unknown[0])[:64])


def _graph(view: BoardView, spec: trees.TreeSpec) -> trees.Graph:
    return trees.Graph.build(spec, view.of_type(spec.node_type), view.of_type(spec.edge_type))


def _layout_problem_tree(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    _args(args, {"tree"})
    tree = args.get("tree", "problem")
    specs = {"problem": trees.PROBLEMS, "objective": trees.OBJECTIVES}
    if not isinstance(tree, str) or tree not in specs:
        raise InvalidOp("tree must be problem or objective", field="tree")
    positions = trees.layout(_graph(view, specs[tree]))
    ops = [
        update(item_id, x=x, y=y)
        for item_id, (x, y) in positions.items()
        if (float(view[item_id].fields["x"]), float(view[item_id].fields["y"])) != (x, y)
    ]
    return ActionResult(ops=ops, result={"tree": tree, "moved": len(ops)})


def _check_problem_tree(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    _args(args, set())
    graph = _graph(view, trees.PROBLEMS)
    return ActionResult(result={"findings": trees.check(graph)})


ROLE_TO_OBJECTIVE = {"core": "purpose", "cause": "means", "effect": "end", "constraint": "other"}


def _frame_around(view: BoardView, item: Item) -> Item | None:
    """The smallest frame holding the item's centre (the zone a tree was drawn in)."""
    cx = float(item.fields["x"]) + float(item.fields["w"]) / 2
    cy = float(item.fields["y"]) + float(item.fields["h"]) / 2
    around = [
        f
        for f in view.of_type("frame")
        if f.fields["x"] <= cx <= f.fields["x"] + f.fields["w"]
        and f.fields["y"] <= cy <= f.fields["y"] + f.fields["h"]
    ]
    return min(around, key=lambda f: f.fields["w"] * f.fields["h"], default=None)


def _objective_offset(
    view: BoardView, problems: list[Item], made_from: dict[str, Item]
) -> tuple[float, float]:
    """Where objectives go relative to their problems: as the existing ones do (a second run
    fills the objective tree where it is), else beside the problem tree and its zone."""
    for problem in problems:
        objective = made_from.get(problem.id)
        if objective is not None:
            return (
                float(objective.fields["x"]) - float(problem.fields["x"]),
                float(objective.fields["y"]) - float(problem.fields["y"]),
            )
    boxes = [(float(p.fields["x"]), float(p.fields["x"]) + float(p.fields["w"])) for p in problems]
    core = next((p for p in problems if p.fields["role"] == "core"), problems[0])
    frame = _frame_around(view, core)
    if frame is not None:
        boxes.append(
            (float(frame.fields["x"]), float(frame.fields["x"]) + float(frame.fields["w"]))
        )
    left, right = min(b[0] for b in boxes), max(b[1] for b in boxes)
    return right - left + CONVERT_GAP, 0.0


def _convert_to_objective_tree(
    view: BoardView, args: Mapping[str, Any], actor: Actor
) -> ActionResult:
    """An objective per problem and a means-end link per causal link, with the same structure;
    a second run adds only what is missing (new problems, new links, deleted objectives)."""
    _args(args, set())
    problems = view.of_type("problem")
    if not problems:
        return ActionResult(result={"objectives": [], "links": []})
    made_from: dict[str, Item] = {}
    for objective in view.of_type("objective"):
        source = objective.fields.get("source_problem")
        if source is not None:
            made_from.setdefault(source, objective)
    dx, dy = _objective_offset(view, problems, made_from)
    ops: list[dict[str, Any]] = []
    objective_of = {pid: o.id for pid, o in made_from.items()}
    new_objectives = []
    for problem in problems:
        if problem.id in objective_of:
            continue
        objective_id = new_id("objective")
        objective_of[problem.id] = objective_id
        new_objectives.append(objective_id)
        f = problem.fields
        ops.append(
            create(
                objective_id,
                "objective",
                text=f["text"],
                role=ROLE_TO_OBJECTIVE[f["role"]],
                source_problem=problem.id,
                needs_rewording=True,
                x=round(float(f["x"]) + dx, 1),
                y=round(float(f["y"]) + dy, 1),
                w=f["w"],
                h=f["h"],
            )
        )
    existing_links = {(l.fields["from"], l.fields["to"]) for l in view.of_type("means_end_link")}  # noqa: E741
    new_links = []
    for link in view.of_type("causal_link"):
        ends = (objective_of.get(link.fields["from"]), objective_of.get(link.fields["to"]))
        if None in ends or ends[0] == ends[1] or ends in existing_links:
            continue
        existing_links.add(ends)
        link_id = new_id("means-end")
        new_links.append(link_id)
        ops.append(create(link_id, "means_end_link", **{"from": ends[0], "to": ends[1]}))
    return ActionResult(ops=ops, result={"objectives": new_objectives, "links": new_links})


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _box(item: Item) -> tuple[float, float, float, float]:
    f = item.fields
    return float(f["x"]), float(f["y"]), float(f["w"]), float(f["h"])


def _free_slot(view: BoardView, zone: Item) -> tuple[float, float]:
    """The first place in the zone, row by row, where a card covers no other card."""
    others = [_box(it) for it in view.values() if "x" in it.fields and it.type != "frame"]
    zx, zy, zw, zh = _box(zone)
    columns = max(int((zw - ZONE_PAD) // (CARD_W + ZONE_PAD)), 1)
    row = 0
    while True:
        for column in range(columns):
            x = zx + ZONE_PAD + column * (CARD_W + ZONE_PAD)
            y = zy + ZONE_TITLE_H + row * (CARD_H + ZONE_PAD)
            if not any(_overlaps((x, y, CARD_W, CARD_H), other) for other in others):
                return x, y
        row += 1


def _promote_pestel_factor(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    """A PESTEL factor becomes a SWOT opportunity (positive) or threat (negative) that keeps a
    link to it, in the SWOT zone's quadrant. Promoting it again changes nothing."""
    _args(args, {"factor_id"})
    factor_id = args.get("factor_id")
    factor = view.get(factor_id) if isinstance(factor_id, str) else None
    if factor is None or factor.type != "pestel_factor":
        raise InvalidOp("factor_id must be a PESTEL factor of this board", field="factor_id")
    for item in view.of_type("swot_item"):
        if item.fields.get("source_factor") == factor.id:
            return ActionResult(result={"swot_item": item.id, "created": False})
    quadrant = "opportunity" if factor.fields["direction"] == "positive" else "threat"
    zones = [f for f in view.of_type("frame") if f.id.startswith(f"swot-{quadrant}-")]
    if zones:
        x, y = _free_slot(view, zones[0])
    else:  # no SWOT zone on the board: beside the factor
        x = float(factor.fields["x"]) + float(factor.fields["w"]) + ZONE_PAD
        y = float(factor.fields["y"])
    item_id = new_id("swot")
    op = create(
        item_id,
        "swot_item",
        text=factor.fields["text"],
        quadrant=quadrant,
        source_factor=factor.id,
        x=round(x, 1),
        y=round(y, 1),
        w=CARD_W,
        h=CARD_H,
    )
    return ActionResult(ops=[op], result={"swot_item": item_id, "created": True})


LAYOUT_PROBLEM_TREE = register_action(KINDS, Action("layout_problem_tree", _layout_problem_tree))
CHECK_PROBLEM_TREE = register_action(
    KINDS, Action("check_problem_tree", _check_problem_tree, changes_board=False)
)
CONVERT_TO_OBJECTIVE_TREE = register_action(
    KINDS, Action("convert_to_objective_tree", _convert_to_objective_tree, conductor_only=True)
)
PROMOTE_PESTEL_FACTOR = register_action(
    KINDS, Action("promote_pestel_factor", _promote_pestel_factor)
)
