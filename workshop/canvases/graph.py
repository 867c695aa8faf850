"""Graph walks the canvases share: what a set of cards reaches, and the cycles among them.
Pure; nodes are item ids, adjacency maps an id to the ids it links to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def reachable(starts: Iterable[str], *adjacency: Mapping[str, Iterable[str]]) -> set[str]:
    """Every node reachable from `starts` (included) along any of the adjacency maps."""
    seen = set(starts)
    frontier = list(seen)
    while frontier:
        following = []
        for node in frontier:
            for step in adjacency:
                for other in step.get(node, ()):
                    if other not in seen:
                        seen.add(other)
                        following.append(other)
        frontier = following
    return seen


def cycles(nodes: Sequence[str], successors: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The groups of nodes that lead to each other round a circle: strongly connected
    components of more than one node, or a node linked to itself. Members and groups come in
    the order of `nodes`. Iterative Tarjan, so a deep chain does not hit the recursion limit."""
    order = {node: i for i, node in enumerate(nodes)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(successors.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, following = work[-1]
            advanced = False
            for succ in following:
                if succ not in order:
                    continue  # a link to something outside the graph
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(successors.get(succ, ()))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in successors.get(node, ()):
                    found.append(sorted(component, key=order.__getitem__))
    return sorted(found, key=lambda c: order[c[0]])
