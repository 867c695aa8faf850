"""What the engine offers canvases: derived fields, references to other boards of the project,
rules that run inside a change, actions planned from the whole board, and the board schema."""

from __future__ import annotations

import pytest
from sqlalchemy import orm

import workshop.canvases  # noqa: F401  (registers apply_template)
from tests.support.boards import ALICE, CONDUCTOR, MemoryBoard
from workshop.boards import service
from workshop.boards.canvas import Action, ActionResult, Template, canvases, describe_board_kind
from workshop.boards.errors import BoardError
from workshop.boards.ops import parse_action, parse_change
from workshop.boards.schema import (
    CORE_TYPES,
    Choice,
    ItemType,
    Number,
    ProjectRef,
    Registry,
    Text,
    registry,
)
from workshop.database import make_engine
from workshop.models import Base, Board, BoardKind
from workshop.projects.service import create_project


def _quadrant(fields):
    high_power, high_interest = fields["power"] >= 3, fields["interest"] >= 3
    return {
        "quadrant": {(True, True): "manage", (True, False): "satisfy", (False, True): "inform"}.get(
            (high_power, high_interest), "monitor"
        )
    }


PERSON = ItemType(
    "t_person",
    {
        "name": Text(max_chars=80),
        "power": Number(minimum=1, maximum=5, default=1),
        "interest": Number(minimum=1, maximum=5, default=1),
        "quadrant": Choice(
            values=("manage", "satisfy", "inform", "monitor"), default="monitor", derived=True
        ),
    },
    derive=_quadrant,
)
TASK = ItemType(
    "t_task",
    {
        "text": Text(),
        "lead": ProjectRef(nullable=True, board_kind="stakeholders", types=("actor",)),
    },
)


def _types() -> Registry:
    types = Registry()
    for core in CORE_TYPES:
        types.register(core)
    types.register(PERSON, ["test"])
    types.register(TASK, ["test"])
    return types


def create(item_id, type_, **fields):
    return {"op": "create", "id": item_id, "type": type_, "fields": fields}


def update(item_id, **fields):
    return {"op": "update", "id": item_id, "fields": fields}


def refused(board, ops, actor=ALICE) -> str:
    before = board.fingerprint()
    with pytest.raises(BoardError) as caught:
        board.apply(ops, actor)
    assert board.fingerprint() == before
    return caught.value.code


# --- derived fields --------------------------------------------------------------------------------


def test_derived_fields_are_computed_on_create_and_update_and_sent_as_applied():
    board = MemoryBoard("test", _types())
    out = board.apply([create("a", "t_person", name="Comune", power=5, interest=4)])
    assert out.applied[0]["fields"]["quadrant"] == "manage"
    out = board.apply([update("a", interest=1)])
    assert out.applied == [
        {"op": "update", "id": "a", "fields": {"interest": 1, "quadrant": "satisfy"}}
    ]
    out = board.apply([update("a", name="Comune di Lecco")])
    assert out.applied[0]["fields"] == {
        "name": "Comune di Lecco"
    }  # unchanged derived fields stay out


def test_a_client_may_not_write_a_derived_field():
    board = MemoryBoard("test", _types())
    assert refused(board, [create("a", "t_person", quadrant="manage")]) == "invalid_op"
    board.apply([create("a", "t_person")])
    assert refused(board, [update("a", quadrant="manage")], CONDUCTOR) == "invalid_op"


def test_a_canvas_that_derives_an_undeclared_field_fails_loudly():
    broken = ItemType("t_broken", {"n": Number()}, derive=lambda f: {"other": 1})
    types = _types()
    types.register(broken, ["test"])
    with pytest.raises(ValueError, match="undeclared"):
        MemoryBoard("test", types).apply([create("b", "t_broken")])


# --- references to other boards of the project ---------------------------------------------------------


def test_a_project_reference_must_point_at_a_live_item_of_the_right_type_there():
    external = {"stakeholders": {"act1": "actor", "rel1": "relation"}}
    board = MemoryBoard("test", _types(), external=external)
    board.apply([create("t", "t_task", lead="act1")])
    assert refused(board, [update("t", lead="nobody")]) == "invalid_op"
    assert refused(board, [update("t", lead="rel1")]) == "invalid_op"
    board.apply([update("t", lead=None)])
    assert board.live()["t"]["fields"]["lead"] is None


def test_a_restore_keeps_a_reference_whose_target_was_deleted_over_there():
    external = {"stakeholders": {"act1": "actor"}}
    board = MemoryBoard("test", _types(), external=external)
    board.apply([create("t", "t_task", lead="act1")])
    board.apply([{"op": "delete", "id": "t"}])
    del external["stakeholders"]["act1"]
    board.apply([{"op": "restore", "id": "t"}])
    assert board.live()["t"]["fields"]["lead"] == "act1"


# --- rules -------------------------------------------------------------------------------------------------


def _mirror_name_rule(ctx):
    """A test rule: a task's text follows the name of the person it names in `text`."""
    for item in ctx.changed.values():
        if item.type == "t_person" and item.alive:
            for task in ctx.find_type("t_task"):
                if task.fields["text"].startswith("@"):
                    ctx.update(task.id, {"text": "@" + item.fields["name"]})


def test_a_rule_runs_inside_the_change_and_its_updates_are_part_of_it():
    board = MemoryBoard("test", _types(), rules=[_mirror_name_rule])
    board.apply([create("t", "t_task", text="@")])
    out = board.apply([create("p", "t_person", name="ANCI")])
    assert {"op": "update", "id": "t", "fields": {"text": "@ANCI"}} in out.applied
    assert board.live()["t"]["fields"]["text"] == "@ANCI"


def test_a_rule_update_is_validated_like_any_value():
    def bad_rule(ctx):
        for item in ctx.changed.values():
            if item.type == "t_person":
                ctx.update(item.id, {"power": 99})

    board = MemoryBoard("test", _types(), rules=[bad_rule])
    assert refused(board, [create("p", "t_person")]) == "invalid_op"


# --- actions through the real sequencer -------------------------------------------------------------------


@pytest.fixture
def store(database_url, _schema):
    engine = make_engine(database_url)
    session = orm.Session(engine, expire_on_commit=False)
    yield session
    session.close()
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


def _action(board_id, action, args=None, change_id="act-1"):
    payload = {"board_id": board_id, "change_id": change_id, "client_id": "c", "action": action}
    if args is not None:
        payload["args"] = args
    return parse_action(payload)


def _run(store, request, actor=CONDUCTOR, may_edit=True, broadcasts=None):
    return service.run_action(
        store,
        request.change,
        request.action,
        request.args,
        actor,
        may_edit=may_edit,
        after_commit=broadcasts.append if broadcasts is not None else None,
    )


@pytest.fixture
def free_board(store) -> int:
    project = create_project(store, {"title": "P"}, None)
    board = Board(kind=BoardKind.FREE, title="B", project=project)
    store.add(board)
    store.commit()
    return board.id


@pytest.fixture
def grid_template():
    template = Template(
        "t_grid",
        ("free",),
        lambda: [
            {
                "op": "create",
                "id": "zone-a",
                "type": "frame",
                "fields": {"x": 0, "y": 0, "w": 400, "h": 300},
            },
            {
                "op": "create",
                "id": "zone-b",
                "type": "frame",
                "fields": {"x": 420, "y": 0, "w": 400, "h": 300},
            },
        ],
    )
    canvases.add_template(template)
    yield template
    del canvases.templates["free"]["t_grid"]


def test_a_template_is_applied_as_one_change_beside_the_boards_content(
    store, free_board, grid_template
):
    store.commit()
    existing = parse_change(
        {
            "board_id": free_board,
            "change_id": "c-0",
            "client_id": "c",
            "ops": [
                {
                    "op": "create",
                    "id": "s",
                    "type": "sticky",
                    "fields": {"x": 0, "y": 0, "w": 100, "h": 100},
                }
            ],
        }
    )
    service.apply_change(store, existing, ALICE)
    broadcasts = []
    applied = _run(
        store, _action(free_board, "apply_template", {"name": "t_grid"}), broadcasts=broadcasts
    )
    assert applied.seq == 2 and len(applied.ops) == 2
    assert applied.result == {"template": "t_grid", "created": ["zone-a", "zone-b"]}
    assert [op["fields"]["x"] for op in applied.ops] == [
        300.0,
        720.0,
    ]  # right of the sticky, 200 apart
    assert broadcasts == [applied]
    again = _run(store, _action(free_board, "apply_template", {"name": "t_grid"}))
    assert again.duplicate and again.seq == 2  # a retry applies once


def test_actions_are_refused_with_nothing_changed(store, free_board, grid_template):
    def code(request, **kwargs):
        with pytest.raises(BoardError) as caught:
            _run(store, request, **kwargs)
        return caught.value.code

    assert (
        code(_action(free_board, "apply_template", {"name": "t_grid"}), actor=ALICE) == "forbidden"
    )
    assert code(_action(free_board, "apply_template", {"name": "nope"})) == "invalid_op"
    assert code(_action(free_board, "no_such_action")) == "invalid_op"
    assert (
        code(_action(free_board, "apply_template", {"name": "t_grid"}), may_edit=False)
        == "forbidden"
    )
    assert code(_action(999_999, "apply_template", {"name": "t_grid"})) == "not_found"
    assert store.get(Board, free_board).seq == 0


def test_an_action_that_changes_nothing_gives_its_seq_back(store, free_board):
    check = Action(
        "t_count",
        lambda view, args, actor: ActionResult(result={"items": len(view)}),
        changes_board=False,
    )
    canvases.add_action(["free"], check)
    try:
        applied = _run(store, _action(free_board, "t_count"), actor=ALICE, may_edit=False)
    finally:
        del canvases.actions["free"]["t_count"]
    assert applied.seq == 0 and applied.ops == [] and applied.result == {"items": 0}
    assert store.get(Board, free_board).seq == 0


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {"board_id": 1, "change_id": "x", "client_id": "c"},
        {"board_id": 1, "change_id": "x", "client_id": "c", "action": "Bad-Name"},
        {"board_id": 1, "change_id": "x", "client_id": "c", "action": "a", "args": []},
        {
            "board_id": 1,
            "change_id": "x",
            "client_id": "c",
            "action": "a",
            "args": {"t": "x" * 20_000},
        },
        {"board_id": 1, "change_id": "x", "client_id": "c", "action": "a", "extra": 1},
    ],
)
def test_malformed_action_requests_are_refused(payload):
    with pytest.raises(BoardError):
        parse_action(payload)


# --- the schema a client reads -------------------------------------------------------------------------------


def test_the_board_schema_lists_types_fields_actions_and_templates():
    described = describe_board_kind("context")
    assert described["types"]["sticky"]["core"] is True
    assert described["types"]["connector"]["edge"] is True
    assert {"name": "apply_template", "conductor_only": True, "changes_board": True} in described[
        "actions"
    ]
    assert set(described["types"]) >= {t.name for t in CORE_TYPES}
    for name in registry.kinds.get("context", ()):
        assert name in described["types"]
