"""Session 3 drawn from session 1: the Theory of Change seeded from the objective tree by
backwards mapping (Center for Theory of Change, stage 2), and the context's PESTEL factors and
SWOT items offered as candidate assumptions or risks that the team picks one by one.

Backwards mapping: the goal is the top of the means-end chain and everything seeded is a
precondition of it. When the objective tree has ends above the purpose, the farthest end the
purpose leads to is the goal (impact, beyond what the project answers for alone), the ends on
the way are impact preconditions, the purpose is the long-term outcome (the logframe's specific
objective) and the means are intermediate or early outcomes by their depth. With no ends the
purpose is the goal. An end that does not lead to the goal is left out and named in the result:
seeded, it would sit downstream of the goal, and the check would rightly refuse it.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workshop.boards.canvas import Action, ActionResult, BoardView, register_action
from workshop.boards.errors import InvalidOp
from workshop.boards.state import Actor, Item
from workshop.canvases.common import content_right_edge, create, new_id
from workshop.canvases.theory_of_change import (
    BAND_GAP,
    BAND_H,
    BAND_W,
    CONTEXT,
    KIND,
    SIDE_W,
    TEMPLATE_BANDS,
    TIERS,
)

CARD_W, CARD_H = 220.0, 110.0  # board units
CARD_GAP = 20.0
BAND_PAD_X = 20.0
BAND_CARD_TOP = 100.0  # below the band's title and its guiding question
ASSUMPTION_FRAME = "Ipotesi e fattori esterni"


@dataclass(frozen=True)
class Band:
    x: float
    y: float
    w: float
    h: float

    def holds(self, it: Item) -> bool:
        f = it.fields
        if "x" not in f:
            return False
        cx, cy = float(f["x"]) + float(f.get("w", 0)) / 2, float(f["y"]) + float(f.get("h", 0)) / 2
        return self.x <= cx <= self.x + self.w and self.y <= cy <= self.y + self.h


def bands(view: Mapping[str, Item]) -> dict[str, Band]:
    """The template's bands on this board by tier (and "interventions", "assumptions"): the
    frames with the template's titles, else where the template would land beside the content."""
    titled = {}
    for it in sorted(view.values(), key=lambda it: (it.created_seq, it.id)):
        if it.type == "frame" and it.fields.get("title") not in titled:
            f = it.fields
            titled[f.get("title")] = Band(
                float(f["x"]), float(f["y"]), float(f["w"]), float(f["h"])
            )
    names = [*TIERS, "interventions"]
    found: dict[str, Band] = {}
    # Without the template: where earlier seeded cards already stand, else beside the content.
    placed = [
        float(it.fields["x"])
        for it in view.values()
        if it.type in ("outcome", "assumption") and "x" in it.fields
    ]
    right = content_right_edge(view)
    origin_x = min(placed) - BAND_PAD_X if placed else (0.0 if right is None else right + 200.0)
    for n, (title, _question, _colour) in enumerate(TEMPLATE_BANDS):
        found[names[n]] = titled.get(title) or Band(
            origin_x, n * (BAND_H + BAND_GAP), BAND_W, BAND_H
        )
    side_h = len(TEMPLATE_BANDS) * (BAND_H + BAND_GAP) - BAND_GAP
    found["assumptions"] = titled.get(ASSUMPTION_FRAME) or Band(
        found["impact"].x + BAND_W + BAND_GAP, found["impact"].y, SIDE_W, side_h
    )
    return found


def _slots(
    band: Band, already: int, count: int, vertical: bool = False
) -> list[tuple[float, float]]:
    """Places for `count` new cards in a band that holds `already`: a row (a column for the side
    frame), squeezed closer when they would not fit, never outside the band."""
    total = already + count
    if vertical:
        room = band.h - BAND_CARD_TOP - CARD_H
        step = min(CARD_H + CARD_GAP, room / max(total - 1, 1))
        return [
            (band.x + BAND_PAD_X, band.y + BAND_CARD_TOP + (already + k) * step)
            for k in range(count)
        ]
    room = band.w - 2 * BAND_PAD_X - CARD_W
    step = min(CARD_W + CARD_GAP, room / max(total - 1, 1))
    return [
        (band.x + BAND_PAD_X + (already + k) * step, band.y + BAND_CARD_TOP) for k in range(count)
    ]


def _objective_depths(objectives: Mapping[str, Item], links: list[Item]) -> dict[str, int]:
    """How many means-end steps below the purpose each objective sits (ends: negative)."""
    ends_of, means_of = defaultdict(list), defaultdict(list)
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


def _leads_to(goal: str, links: list[Item]) -> set[str]:
    """Every objective with a means-end path up to `goal` (the goal included)."""
    means_of = defaultdict(list)
    for link in links:
        means_of[link.fields["to"]].append(link.fields["from"])
    seen, queue = {goal}, deque([goal])
    while queue:
        for m in means_of[queue.popleft()]:
            if m not in seen:
                seen.add(m)
                queue.append(m)
    return seen


def _tier_for(objective: Item, depth: int | None) -> str:
    role = objective.fields.get("role")
    if role == "end" or (depth is not None and depth < 0):
        return "impact"
    if role == "purpose":
        return "long_term"
    if depth is not None and depth >= 2:
        return "early"
    return "intermediate"


def seed_from_earlier_sessions(view: BoardView) -> ActionResult:
    """Outcomes and links from the objective tree, mapped backwards from the goal, each card in
    its tier's band and keeping its source objective. Running it again adds only what is
    missing. Assumptions are not made here: the team picks them (`pick_assumption`)."""
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
    depths = _objective_depths(objectives, means_end)
    outcome_for = {
        it.fields["source_objective"]: i
        for i, it in view.items()
        if it.type == "outcome" and it.fields.get("source_objective")
    }
    goal_outcome = next(
        (it for it in view.values() if it.type == "outcome" and it.fields.get("is_goal")), None
    )
    order = sorted(objectives, key=lambda i: (objectives[i].created_seq, i))
    # The goal: the existing one, else the farthest end the purpose leads to, else the purpose.
    if goal_outcome is not None:
        goal_objective = goal_outcome.fields.get("source_objective")
    else:
        ends = [i for i in order if depths.get(i, 0) < 0]
        purposes = [i for i in order if objectives[i].fields.get("role") == "purpose"]
        goal_objective = (
            min(ends, key=lambda i: depths[i]) if ends else (purposes[0] if purposes else None)
        )
    upstream = (
        _leads_to(goal_objective, means_end) if goal_objective in objectives else set(objectives)
    )
    left_out = [
        i
        for i in order
        if i not in upstream and (depths.get(i, 0) < 0 or objectives[i].fields.get("role") == "end")
    ]
    places = bands(view)
    filled = {
        tier: sum(1 for it in view.values() if it.type == "outcome" and places[tier].holds(it))
        for tier in TIERS
    }
    todo = [i for i in order if i not in outcome_for and i not in left_out]
    by_tier: dict[str, list[str]] = defaultdict(list)
    for objective_id in todo:
        by_tier[_tier_for(objectives[objective_id], depths.get(objective_id))].append(objective_id)
    ops: list[dict[str, Any]] = []
    for tier, ids in by_tier.items():
        for objective_id, (x, y) in zip(
            ids, _slots(places[tier], filled[tier], len(ids)), strict=True
        ):
            outcome_id = new_id("oc")
            is_goal = goal_outcome is None and objective_id == goal_objective
            ops.append(
                create(
                    outcome_id,
                    "outcome",
                    text=objectives[objective_id].fields.get("text", ""),
                    tier=tier,
                    is_goal=is_goal,
                    # An impact beyond the purpose: the project contributes, it does not answer alone.
                    above_ceiling=tier == "impact",
                    source_objective=objective_id,
                    x=round(x, 1),
                    y=round(y, 1),
                    w=CARD_W,
                    h=CARD_H,
                )
            )
            outcome_for[objective_id] = outcome_id
    linked = {(it.fields["from"], it.fields["to"]) for it in view.values() if it.type == "toc_link"}
    for link in means_end:
        if link.fields["from"] not in outcome_for or link.fields["to"] not in outcome_for:
            continue
        pair = (outcome_for[link.fields["from"]], outcome_for[link.fields["to"]])
        if pair not in linked:
            ops.append(create(new_id("tl"), "toc_link", **{"from": pair[0], "to": pair[1]}))
            linked.add(pair)
    made = [op["id"] for op in ops]
    return ActionResult(
        ops=ops,
        result={
            "created": made,
            "outcomes": sum(op["type"] == "outcome" for op in ops),
            "left_out": left_out,
        },
    )


def _seed(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    if args:
        raise InvalidOp("seed_from_earlier_sessions takes no arguments", field="args")
    return seed_from_earlier_sessions(view)


# --- assumptions the team picks -----------------------------------------------------------------------------

KINDS = ("assumption", "risk", "enabling_factor")


def assumption_candidates(view: BoardView) -> list[dict[str, Any]]:
    """The context's external factors as candidates: PESTEL factors, and the SWOT's
    opportunities and threats not promoted from a factor (the same thing said twice is offered
    once). Strengths and weaknesses are inside the partnership's control: not assumptions.
    A positive factor suggests an assumption (a condition we believe holds), a negative one a
    risk. `picked`: the assumption card already made from it, if any."""
    context = view.project_items(CONTEXT)
    picked = {
        it.fields["source_factor"]: i
        for i, it in view.items()
        if it.type == "assumption" and it.fields.get("source_factor")
    }
    pestel = {i for i, it in context.items() if it.type == "pestel_factor"}
    out = []
    for it in sorted(context.values(), key=lambda it: (it.created_seq, it.id)):
        if it.type == "pestel_factor":
            negative = it.fields.get("direction") == "negative"
            origin = it.fields.get("category", "")
        elif (
            it.type == "swot_item"
            and it.fields.get("quadrant") in ("opportunity", "threat")
            and it.fields.get("source_factor") not in pestel
        ):
            negative = it.fields.get("quadrant") == "threat"
            origin = it.fields.get("quadrant", "")
        else:
            continue
        out.append(
            {
                "source_id": it.id,
                "source_type": it.type,
                "origin": origin,
                "text": it.fields.get("text", ""),
                "suggested_kind": "risk" if negative else "assumption",
                "picked": picked.get(it.id),
            }
        )
    return out


def _candidates(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    if args:
        raise InvalidOp("list_assumption_candidates takes no arguments", field="args")
    return ActionResult(result={"candidates": assumption_candidates(view)})


def _pick(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    """One candidate becomes an assumption card of the kind the team chose, attached where
    the team places it (an outcome or a link; none: the whole theory)."""
    if set(args) - {"source_id", "kind", "attached_to", "text"}:
        raise InvalidOp("pick_assumption takes {source_id, kind, attached_to, text}", field="args")
    candidates = {c["source_id"]: c for c in assumption_candidates(view)}
    candidate = candidates.get(args.get("source_id"))
    if candidate is None:
        raise InvalidOp(
            "source_id is not a PESTEL factor or an external SWOT item of this project",
            field="source_id",
        )
    kind = args.get("kind", candidate["suggested_kind"])
    if kind not in KINDS:
        raise InvalidOp("kind must be assumption, risk or enabling_factor", field="kind")
    attached = args.get("attached_to")
    if attached is not None and (
        attached not in view or view[attached].type not in ("outcome", "toc_link")
    ):
        raise InvalidOp(
            "attached_to must be an outcome or a causal link of this board", field="attached_to"
        )
    text = args.get("text", candidate["text"])
    if not isinstance(text, str) or not text.strip():
        raise InvalidOp("text must be a sentence", field="text")
    if candidate["picked"]:
        return ActionResult(result={"assumption": candidate["picked"], "created": False})
    side = bands(view)["assumptions"]
    already = sum(1 for it in view.values() if it.type == "assumption" and side.holds(it))
    ((x, y),) = _slots(side, already, 1, vertical=True)
    assumption_id = new_id("as")
    op = create(
        assumption_id,
        "assumption",
        text=text.strip(),
        kind=kind,
        attached_to=attached,
        source_factor=candidate["source_id"],
        x=round(x, 1),
        y=round(y, 1),
        w=CARD_W,
        h=CARD_H,
    )
    return ActionResult(ops=[op], result={"assumption": assumption_id, "created": True})


register_action([KIND], Action("seed_from_earlier_sessions", _seed, conductor_only=True))
register_action([KIND], Action("list_assumption_candidates", _candidates, changes_board=False))
register_action([KIND], Action("pick_assumption", _pick))
