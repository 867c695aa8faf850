"""The problem tree and the objective tree as graphs: a tidy layered layout and the method's check.

Pure functions of a board's items (no database, no Flask), shared by both trees: the objective
tree has the problem tree's shape (purpose for the core problem, means for causes, ends for
effects), so one `TreeSpec` names the roles and the same code lays out and checks either.

Screen coordinates: y grows downwards, so effects (ends) sit above the core and causes (means)
below it, as on the paper tree: roots at the bottom, branches at the top.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from workshop.boards.state import Item
from workshop.canvases.graph import cycles, reachable

H_GAP = 40.0  # board units between two cards of a row
V_GAP = 100.0  # between two rows (room for the links' arrows)
ROOT_GAP = 120.0  # between the trees of two core problems
SIDE_GAP = 160.0  # between the tree and the column of overall constraints


@dataclass(frozen=True)
class TreeSpec:
    """Which item types and roles make a tree."""

    node_type: str
    edge_type: str
    core: str  # the trunk: one per tree
    below: str  # roots: causes / means
    above: str  # branches: effects / ends
    side: str  # kept apart: overall constraints / other objectives


PROBLEMS = TreeSpec("problem", "causal_link", "core", "cause", "effect", "constraint")
OBJECTIVES = TreeSpec("objective", "means_end_link", "purpose", "means", "end", "other")


@dataclass
class Graph:
    """A tree's cards and links, with the links indexed both ways."""

    spec: TreeSpec
    nodes: list[Item]
    up: dict[str, list[str]]  # a card -> the cards it causes (its effects), vertical links only
    down: dict[str, list[str]]  # a card -> its causes
    joint: dict[str, list[str]]  # horizontal links (joint causes, combined effects), both ways
    linked: set[str]

    @classmethod
    def build(cls, spec: TreeSpec, nodes: Iterable[Item], edges: Iterable[Item]) -> Graph:
        nodes = list(nodes)
        ids = {n.id for n in nodes}
        order = {n.id: i for i, n in enumerate(nodes)}
        up: dict[str, list[str]] = defaultdict(list)
        down: dict[str, list[str]] = defaultdict(list)
        joint: dict[str, list[str]] = defaultdict(list)
        linked: set[str] = set()
        for edge in edges:
            source, target = edge.fields.get("from"), edge.fields.get("to")
            if source not in ids or target not in ids or source == target:
                continue
            linked.update((source, target))
            if edge.fields.get("kind") == "joint":
                joint[source].append(target)
                joint[target].append(source)
            else:
                up[source].append(target)
                down[target].append(source)
        for index in (up, down, joint):
            for key, values in index.items():
                index[key] = sorted(set(values), key=order.__getitem__)
        return cls(spec, nodes, up, down, joint, linked)

    def role(self, node: Item) -> str:
        return node.fields.get("role", "")

    def cores(self) -> list[Item]:
        return [n for n in self.nodes if self.role(n) == self.spec.core]


def _cycles(graph: Graph) -> list[list[str]]:
    """Groups of cards that cause each other round a circle over the vertical links, in
    creation order."""
    return cycles([n.id for n in graph.nodes], graph.up)


# --- the check -----------------------------------------------------------------------------------

# English msgids the client looks up in the canvas strings (workshop/web/canvas_strings/context.py).
FINDING_MESSAGES = {
    "no_core": "There is no core problem yet: agree on one and give it the role core problem.",
    "several_cores": "There is more than one core problem: a tree has exactly one.",
    "cause_without_path": "These causes have no path of links to the core problem.",
    "effect_without_path": "No path of links leads from the core problem to these effects.",
    "cycle": "These problems cause each other in a circle: a tree has no cycles.",
    "orphan": "These problems have no links: link them as causes or effects, or remove them.",
}


def _finding(code: str, item_ids: Sequence[str]) -> dict[str, Any]:
    return {"code": code, "message_key": FINDING_MESSAGES[code], "item_ids": list(item_ids)}


def check(graph: Graph) -> list[dict[str, Any]]:
    """What breaks the method, for the conductor to discuss: never a refusal, since people
    brainstorm freely and sort the cards out afterwards."""
    spec = graph.spec
    findings = []
    cores = [n.id for n in graph.cores()]
    if not cores:
        findings.append(_finding("no_core", []))
    elif len(cores) > 1:
        findings.append(_finding("several_cores", cores))
    orphans = [
        n.id
        for n in graph.nodes
        if graph.role(n) in (spec.below, spec.above) and n.id not in graph.linked
    ]
    if cores:
        # A joint cause shares its partner's path: joint links count both ways.
        to_core = reachable(cores, graph.down, graph.joint)
        from_core = reachable(cores, graph.up, graph.joint)
        lost_causes = [
            n.id
            for n in graph.nodes
            if graph.role(n) == spec.below and n.id in graph.linked and n.id not in to_core
        ]
        lost_effects = [
            n.id
            for n in graph.nodes
            if graph.role(n) == spec.above and n.id in graph.linked and n.id not in from_core
        ]
        if lost_causes:
            findings.append(_finding("cause_without_path", lost_causes))
        if lost_effects:
            findings.append(_finding("effect_without_path", lost_effects))
    findings.extend(_finding("cycle", component) for component in _cycles(graph))
    if orphans:
        findings.append(_finding("orphan", orphans))
    return findings


# --- the layout ----------------------------------------------------------------------------------


def _size(item: Item) -> tuple[float, float]:
    return float(item.fields.get("w", 200)), float(item.fields.get("h", 200))


def layout(graph: Graph) -> dict[str, tuple[float, float]]:
    """A tidy layered layout: the core problem keeps its place; its causes hang below it by
    depth and its effects rise above it, each card centred over the cards it gathers, no two
    cards overlapping. Cards not linked to the core go in a row above (effects) or below (the
    rest); overall constraints in a column on the right. Returns {id: (x, y)} for every card."""
    spec = graph.spec
    by_id = {n.id: n for n in graph.nodes}
    side_ids = {n.id for n in graph.nodes if graph.role(n) == spec.side}
    cores = [n.id for n in graph.cores()]
    level: dict[str, int] = {c: 0 for c in cores}
    children: dict[tuple[str, int], list[str]] = defaultdict(list)  # (card, direction) -> its cards

    def grow(direction: int, step: dict[str, list[str]]) -> None:
        frontier = [(c, c) for c in cores]
        depth = 0
        while frontier:
            depth += direction
            nxt = []
            for root, node in frontier:
                for other in step.get(node, ()):
                    if other in level or other in side_ids:
                        continue
                    level[other] = depth
                    children[(node, direction)].append(other)
                    nxt.append((root, other))
                    # A joint partner stands beside it, gathered by the same card.
                    for partner in graph.joint.get(other, ()):
                        if partner not in level and partner not in side_ids:
                            level[partner] = depth
                            children[(node, direction)].append(partner)
                            nxt.append((root, partner))
            frontier = nxt

    grow(-1, graph.down)  # causes, below
    grow(+1, graph.up)  # effects, above

    width: dict[tuple[str, int], float] = {}  # the width of a card's subtree in one direction

    def subtree_widths(root: str, direction: int) -> None:
        # Post-order without recursion: a chain of thousands of causes must not hit the limit.
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            kids = children.get((node, direction), [])
            if not expanded:
                stack.append((node, True))
                stack.extend((k, False) for k in kids)
                continue
            block = sum(width[(k, direction)] for k in kids) + H_GAP * max(len(kids) - 1, 0)
            width[(node, direction)] = max(_size(by_id[node])[0], block)

    for root in cores:
        subtree_widths(root, -1)
        subtree_widths(root, +1)

    x_of: dict[str, float] = {}

    def place(root: str, direction: int, left: float, span: float) -> None:
        stack = [(root, left, span)]
        while stack:
            node, start, room = stack.pop()
            if node != root:
                x_of[node] = start + (room - _size(by_id[node])[0]) / 2
            kids = children.get((node, direction), [])
            block = sum(width[(k, direction)] for k in kids) + H_GAP * max(len(kids) - 1, 0)
            cursor = start + (room - block) / 2
            for kid in kids:
                stack.append((kid, cursor, width[(kid, direction)]))
                cursor += width[(kid, direction)] + H_GAP

    left = 0.0
    for root in cores:
        span = max(width[(root, -1)], width[(root, +1)])
        x_of[root] = left + (span - _size(by_id[root])[0]) / 2
        place(root, -1, left, span)
        place(root, +1, left, span)
        left += span + ROOT_GAP
    tree_right = left - ROOT_GAP if cores else 0.0

    # Cards the core does not reach: a row above for effects, a row below for the rest.
    top = max(level.values(), default=0)
    bottom = min(level.values(), default=0)
    loose_above = [
        n.id
        for n in graph.nodes
        if n.id not in level and n.id not in side_ids and graph.role(n) == spec.above
    ]
    loose_below = [
        n.id
        for n in graph.nodes
        if n.id not in level and n.id not in side_ids and graph.role(n) != spec.above
    ]
    for row, row_level in ((loose_above, top + 1), (loose_below, bottom - 1)):
        cursor = 0.0
        for node in row:
            level[node] = row_level
            x_of[node] = cursor
            cursor += _size(by_id[node])[0] + H_GAP
        tree_right = max(tree_right, cursor - H_GAP)

    # Rows from the top down, each as tall as its tallest card.
    row_height: dict[int, float] = defaultdict(float)
    for node, lvl in level.items():
        row_height[lvl] = max(row_height[lvl], _size(by_id[node])[1])
    y_of_level: dict[int, float] = {}
    cursor = 0.0
    for lvl in sorted(row_height, reverse=True):
        y_of_level[lvl] = cursor
        cursor += row_height[lvl] + V_GAP
    positions = {node: (x_of[node], y_of_level[lvl]) for node, lvl in level.items()}

    # Constraints stand in a column to the right of everything else.
    side_x = (tree_right + SIDE_GAP) if positions else 0.0
    cursor = min((y for _, y in positions.values()), default=0.0)
    for node in (n.id for n in graph.nodes if n.id in side_ids):
        positions[node] = (side_x, cursor)
        cursor += _size(by_id[node])[1] + H_GAP

    # Anchor: the first core problem stays where it is; without one, the cards' top left does.
    if cores:
        anchor = by_id[cores[0]]
        dx = float(anchor.fields.get("x", 0)) - positions[cores[0]][0]
        dy = float(anchor.fields.get("y", 0)) - positions[cores[0]][1]
    elif positions:
        dx = min(float(n.fields.get("x", 0)) for n in graph.nodes) - min(
            x for x, _ in positions.values()
        )
        dy = min(float(n.fields.get("y", 0)) for n in graph.nodes) - min(
            y for _, y in positions.values()
        )
    else:
        dx = dy = 0.0
    return {node: (round(x + dx, 1), round(y + dy, 1)) for node, (x, y) in positions.items()}
