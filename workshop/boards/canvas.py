"""What a session canvas adds to the engine beyond its item types: rules, actions, templates.

A canvas (workshop.canvases.*) knows its method; the engine knows none. A canvas registers:

- **rules** for its board kind: run inside every change on that board, after the client's ops,
  to keep what the method ties together consistent (a stakeholder card placed on the power and
  interest grid gets its power and interest). Their updates are part of the same change, so
  every client sees the same result and one undo takes it back.
- **actions**: a named request a client sends with `run_action` ("turn the problem tree into an
  objective tree", "lay the tree out", "check the tree"). An action reads the whole board and
  returns the ops to apply, which the sequencer applies as one ordinary change, and/or a result
  for the asking client only (a check's findings). Starting a board from its template is an
  action too.
- **effects**: writes to the canvas's own tables in the change's transaction (the dated history
  of a stakeholder's moves on the grid), so they commit or roll back with the change.

Nothing here imports Flask or sockets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from workshop.boards.schema import (
    CORE_NAMES,
    Choice,
    Colour,
    Day,
    Field,
    Flag,
    Link,
    Number,
    OrderKey,
    ProjectRef,
    ProjectRefList,
    Ref,
    RefList,
    Registry,
    Text,
    registry,
)
from workshop.boards.state import Actor, Item, Rule, RuleContext  # noqa: F401 (RuleContext: for canvases)

_FIELD_KINDS = {
    Text: "text",
    Number: "number",
    Choice: "choice",
    Flag: "flag",
    Colour: "colour",
    OrderKey: "order_key",
    Day: "day",
    Link: "link",
    Ref: "ref",
    RefList: "ref_list",
    ProjectRef: "project_ref",
    ProjectRefList: "project_ref_list",
}

MAX_ACTION_NAME_CHARS = 64


class BoardView(Mapping[str, Item]):
    """The live items of a board, read-only, for an action to plan from.

    `project_items(kind)` reads the live items of the project's board of that kind (the
    stakeholder registry, the objective tree) for actions that draw on earlier sessions.
    """

    def __init__(
        self,
        board_id: int,
        board_kind: str,
        project_id: int,
        items: Mapping[str, Item],
        project_items: Callable[[str], dict[str, Item]] | None = None,
        project_record: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.board_id = board_id
        self.board_kind = board_kind
        self.project_id = project_id
        self._items = dict(items)
        self._project_items = project_items
        self._project_record = project_record

    def __getitem__(self, item_id: str) -> Item:
        return self._items[item_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def of_type(self, *types: str) -> list[Item]:
        """Live items of these types, in creation order (stable for layouts and tests)."""
        return sorted(
            (it for it in self._items.values() if it.type in types),
            key=lambda it: (it.created_seq, it.id),
        )

    def project_items(self, board_kind: str) -> dict[str, Item]:
        if self._project_items is None:
            return {}
        return self._project_items(board_kind)

    def project_record(self) -> dict[str, Any]:
        """The project's record (the projects row's columns), for actions that report on it."""
        return self._project_record() if self._project_record is not None else {}


@dataclass
class ActionResult:
    """What an action hands back: ops to apply as one change (may be empty) and a JSON-able
    result for the asking client (findings, counts, the ids it made)."""

    ops: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    """A named canvas action. `run(view, args, actor)` plans from the board and must not
    write; it raises a BoardError (InvalidOp, BadRequest...) to refuse, with nothing changed."""

    name: str
    run: Callable[[BoardView, Mapping[str, Any], Actor], ActionResult]
    conductor_only: bool = False  # templates and structural rewrites are the conductor's
    changes_board: bool = True  # False for read-only actions (a check): viewers may run them


# (connection, board_id, project_id, seq, changed items, actor): runs before the commit.
Effect = Callable[[sa.Connection, int, int, int, Mapping[str, Item], Actor], None]


@dataclass(frozen=True)
class Template:
    """A method's empty canvas for a board kind: `build()` returns create ops placed from
    (0, 0) with fresh ids (titled zones, guiding questions, the method's singletons). The
    `apply_template` action (workshop.canvases.common) lays it clear of the board's content."""

    name: str
    board_kinds: tuple[str, ...]
    build: Callable[[], list[dict[str, Any]]]


@dataclass
class CanvasRegistry:
    actions: dict[str, dict[str, Action]] = field(
        default_factory=dict
    )  # board kind -> name -> action
    rules: dict[str, list[Rule]] = field(default_factory=dict)
    effects: dict[str, list[Effect]] = field(default_factory=dict)
    templates: dict[str, dict[str, Template]] = field(
        default_factory=dict
    )  # board kind -> name -> template

    def add_template(self, template: Template) -> None:
        for kind in template.board_kinds:
            named = self.templates.setdefault(str(kind), {})
            if template.name in named and named[template.name] is not template:
                raise ValueError(f"template {template.name!r} is registered twice for {kind}")
            named[template.name] = template

    def template(self, board_kind: str, name: str) -> Template | None:
        return self.templates.get(str(board_kind), {}).get(name)

    def add_action(self, board_kinds: Iterable[str], action: Action) -> None:
        for kind in board_kinds:
            named = self.actions.setdefault(str(kind), {})
            if action.name in named and named[action.name] is not action:
                raise ValueError(f"action {action.name!r} is registered twice for {kind}")
            named[action.name] = action

    def add_rule(self, board_kinds: Iterable[str], rule: Rule) -> None:
        for kind in board_kinds:
            self.rules.setdefault(str(kind), []).append(rule)

    def add_effect(self, board_kinds: Iterable[str], effect: Effect) -> None:
        for kind in board_kinds:
            self.effects.setdefault(str(kind), []).append(effect)

    def action(self, board_kind: str, name: str) -> Action | None:
        return self.actions.get(str(board_kind), {}).get(name)


canvases = CanvasRegistry()


def register_action(board_kinds: Iterable[str], action: Action) -> Action:
    canvases.add_action(board_kinds, action)
    return action


def register_rule(board_kinds: Iterable[str], rule: Rule) -> Rule:
    canvases.add_rule(board_kinds, rule)
    return rule


def register_template(template: Template) -> Template:
    canvases.add_template(template)
    return template


def register_effect(board_kinds: Iterable[str], effect: Effect) -> Effect:
    canvases.add_effect(board_kinds, effect)
    return effect


# --- what a client needs to know of a board kind ---------------------------------------------------


def describe_field(spec: Field) -> dict[str, Any]:
    """One field in the form a client reads it: its kind and its constraints."""
    kind = _FIELD_KINDS[type(spec)]
    described: dict[str, Any] = {"kind": kind}
    default = spec.default
    described["default"] = list(default) if isinstance(default, tuple) else default
    for flag in ("required", "nullable", "conductor_only", "derived"):
        if getattr(spec, flag):
            described[flag] = True
    if isinstance(spec, Text):
        described["max_chars"] = spec.max_chars
    elif isinstance(spec, Number):
        described.update(min=spec.minimum, max=spec.maximum, integer=spec.integer)
        if spec.euros:
            described["euros"] = True
    elif isinstance(spec, Choice):
        described["values"] = list(spec.values)
    elif isinstance(spec, ProjectRef):
        described.update(board_kind=spec.board_kind, types=list(spec.types))
    elif isinstance(spec, Ref):
        described["types"] = list(spec.types)
    return described


def describe_board_kind(board_kind: str, types: Registry = registry) -> dict[str, Any]:
    """Every item type a board of this kind holds, with its fields, and the kind's actions:
    rendered on the board page as the `board-schema` data block."""
    names = sorted(CORE_NAMES) + sorted(types.kinds.get(str(board_kind), ()))
    described_types = {}
    for name in names:
        item_type = types.get(name)
        described_types[name] = {
            "spatial": item_type.spatial,
            "edge": item_type.is_edge,
            "core": name in CORE_NAMES,
            "authored": item_type.authored,
            "lockable": item_type.lockable,
            "title_field": item_type.title_field,
            "summary": list(item_type.summary),
            "fields": {n: describe_field(f) for n, f in item_type.fields.items()},
        }
    actions = [
        {"name": a.name, "conductor_only": a.conductor_only, "changes_board": a.changes_board}
        for a in canvases.actions.get(str(board_kind), {}).values()
    ]
    return {
        "board_kind": str(board_kind),
        "types": described_types,
        "actions": actions,
        "templates": list(canvases.templates.get(str(board_kind), {})),
    }
