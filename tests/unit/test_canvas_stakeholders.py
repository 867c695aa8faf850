"""Session 2: the actor registry, the power/interest grid, relations, the proposal; the
position history and the registry shared across the project's boards through the sequencer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

import workshop.canvases  # noqa: F401  (registers the canvases)
from tests.support.boards import ALICE, BOB, CONDUCTOR, MemoryBoard
from workshop.boards import service
from workshop.boards.canvas import canvases
from workshop.boards.errors import BoardError
from workshop.boards.ops import parse_action, parse_change
from workshop.boards.schema import ItemType, ProjectRef, Text, registry
from workshop.canvases import stakeholders as sh
from workshop.canvases.stakeholder_positions import position_history
from workshop.database import make_engine
from workshop.models import Base, Board, BoardItem, BoardKind, StakeholderPosition
from workshop.projects.service import create_project

RULES = canvases.rules["stakeholders"]
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def board() -> MemoryBoard:
    return MemoryBoard("stakeholders", rules=RULES)


def create(item_id, type_, **fields):
    return {"op": "create", "id": item_id, "type": type_, "fields": fields}


def update(item_id, **fields):
    return {"op": "update", "id": item_id, "fields": fields}


def refused(b, ops, actor=ALICE) -> str:
    before = b.fingerprint()
    with pytest.raises(BoardError) as caught:
        b.apply(ops, actor)
    assert b.fingerprint() == before
    return caught.value.code


# --- derived: quadrant and salience class --------------------------------------------------------------


@pytest.mark.parametrize(
    ("power", "interest", "expected"),
    [
        (5, 5, "manage_closely"),
        (3, 3, "manage_closely"),  # high is >= 3, on both axes
        (3, 2.9, "keep_satisfied"),
        (4.5, 1, "keep_satisfied"),
        (2.9, 3, "keep_informed"),
        (1, 5, "keep_informed"),
        (2.9, 2.9, "monitor"),
        (1, 1, "monitor"),
    ],
)
def test_the_quadrant_follows_power_and_interest_with_three_as_high(power, interest, expected):
    b = board()
    out = b.apply([create("a", "actor", name="Comune", power=power, interest=interest)])
    assert out.applied[0]["fields"]["quadrant"] == expected


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ((False, False, False), "none"),
        ((True, False, False), "dormant"),
        ((False, True, False), "discretionary"),
        ((False, False, True), "demanding"),
        ((True, True, False), "dominant"),
        ((True, False, True), "dangerous"),
        ((False, True, True), "dependent"),
        ((True, True, True), "definitive"),
    ],
)
def test_the_salience_class_follows_the_three_attributes(flags, expected):
    b = board()
    b.apply([create("a", "actor", name="ODV")])
    power, legitimacy, urgency = flags
    b.apply(
        [
            update(
                "a", salience_power=power, salience_legitimacy=legitimacy, salience_urgency=urgency
            )
        ]
    )
    assert b.live()["a"]["fields"]["salience_class"] == expected


def test_derived_fields_are_the_servers():
    b = board()
    assert refused(b, [create("a", "actor", quadrant="monitor")]) == "invalid_op"
    b.apply([create("a", "actor")])
    assert refused(b, [update("a", salience_class="definitive")], CONDUCTOR) == "invalid_op"


# --- sub-type within macro-type ------------------------------------------------------------------------


def test_a_sub_type_must_belong_to_the_macro_type():
    b = board()
    assert refused(b, [create("a", "actor", macro_type="public", sub_type="odv")]) == "invalid_op"
    b.apply([create("a", "actor", macro_type="public", sub_type="comune")])
    assert refused(b, [update("a", sub_type="social_coop")]) == "invalid_op"
    assert refused(b, [update("a", macro_type="private", sub_type="ambito")]) == "invalid_op"
    b.apply([update("a", macro_type="third_sector", sub_type="social_coop")])
    b.apply([update("a", sub_type="other")])  # "other" fits any macro-type
    assert b.live()["a"]["fields"]["sub_type"] == "other"


def test_changing_only_the_macro_type_clears_a_sub_type_that_no_longer_fits():
    b = board()
    b.apply([create("a", "actor", macro_type="third_sector", sub_type="aps")])
    out = b.apply([update("a", macro_type="civil_society")])
    assert out.applied[-1] == {"op": "update", "id": "a", "fields": {"sub_type": None}}
    b.apply([update("a", sub_type="committee")])
    b.apply([update("a", macro_type="civil_society")])  # unchanged: the sub-type stays
    assert b.live()["a"]["fields"]["sub_type"] == "committee"


def test_every_sub_type_belongs_to_exactly_one_macro_type():
    seen = [s for subs in sh.SUB_TYPES.values() for s in subs]
    assert len(seen) == len(set(seen))
    assert set(sh.ACTOR.fields["sub_type"].values) == set(seen) | {"other"}


# --- the grid, both ways -------------------------------------------------------------------------------

GRID = create("g", "pi_grid", x=100, y=100, w=800, h=800)


def _centre_at(b, item_id):
    f = b.live()[item_id]["fields"]
    return f["x"] + f["w"] / 2, f["y"] + f["h"] / 2


def test_an_actor_placed_on_the_grid_gets_power_and_interest_from_its_place():
    b = board()
    b.apply([GRID])
    # centre (100 + 600, 100 + 200): interest 1 + 4 * 600/800 = 4, power 1 + 4 * 600/800 = 4
    b.apply([create("a", "actor", name="Comune", x=610, y=255, w=180, h=90)])
    fields = b.live()["a"]["fields"]
    assert (fields["power"], fields["interest"], fields["quadrant"]) == (4.0, 4.0, "manage_closely")
    out = b.apply([update("a", x=100 - 90, y=900 - 45)])  # to the bottom-left corner
    fields = b.live()["a"]["fields"]
    assert (fields["power"], fields["interest"], fields["quadrant"]) == (1.0, 1.0, "monitor")
    assert out.applied[-1]["fields"]["power"] == 1.0  # the rule's update is part of the change


def test_power_and_interest_take_one_decimal_from_the_place():
    b = board()
    b.apply([GRID])
    b.apply([create("a", "actor", x=100 + 333 - 90, y=100 + 555 - 45, w=180, h=90)])
    fields = b.live()["a"]["fields"]
    assert (fields["interest"], fields["power"]) == (
        round(1 + 4 * 333 / 800, 1),
        round(1 + 4 * 245 / 800, 1),
    )


def test_power_or_interest_set_on_the_grid_moves_the_card_to_the_matching_spot():
    b = board()
    b.apply([GRID])
    b.apply([create("a", "actor", x=610, y=255, w=180, h=90)])
    b.apply([update("a", power=2, interest=3.5)])
    assert _centre_at(b, "a") == (100 + 800 * 2.5 / 4, 100 + 800 - 800 * 1 / 4)
    fields = b.live()["a"]["fields"]
    assert (fields["power"], fields["interest"], fields["quadrant"]) == (2, 3.5, "keep_informed")
    b.apply([update("a", power=4.27)])  # rounded to one decimal, and moved
    assert b.live()["a"]["fields"]["power"] == 4.3
    assert _centre_at(b, "a")[1] == pytest.approx(100 + 800 - 800 * 3.3 / 4, abs=0.1)


def test_an_actor_off_the_grid_keeps_its_place_and_its_values():
    b = board()
    b.apply([GRID])
    b.apply([create("a", "actor", x=2000, y=0, w=180, h=90, power=5, interest=2)])
    b.apply([update("a", power=1.04)])
    fields = b.live()["a"]["fields"]
    assert (fields["x"], fields["y"], fields["power"], fields["interest"]) == (2000, 0, 1.0, 2)


def test_without_a_grid_nothing_moves():
    b = board()
    b.apply([create("a", "actor", x=610, y=255, w=180, h=90, power=2, interest=2)])
    b.apply([update("a", power=5)])
    assert (b.live()["a"]["fields"]["x"], b.live()["a"]["fields"]["power"]) == (610, 5)


# --- relations ------------------------------------------------------------------------------------------


def _two_actors(b):
    b.apply([create("a", "actor", name="Comune"), create("b", "actor", name="Cooperativa")])


def test_a_relation_joins_two_different_actors():
    b = board()
    _two_actors(b)
    assert refused(b, [create("r", "relation", **{"from": "a", "to": "a"})]) == "invalid_op"
    b.apply([create("r", "relation", **{"from": "a", "to": "b"})])
    assert refused(b, [update("r", to="a")]) == "invalid_op"
    assert (
        refused(b, [create("s", "relation", **{"from": "a", "to": "r"})]) == "invalid_op"
    )  # not an actor


def test_two_relations_of_the_same_type_between_the_same_actors_are_refused():
    b = board()
    _two_actors(b)
    b.apply([create("r", "relation", type="funding", **{"from": "a", "to": "b"})])
    assert (
        refused(b, [create("s", "relation", type="funding", **{"from": "a", "to": "b"})])
        == "invalid_op"
    )
    assert (
        refused(
            b,
            [
                create(
                    "s", "relation", type="funding", direction="mutual", **{"from": "b", "to": "a"}
                )
            ],
        )
        == "invalid_op"
    )
    b.apply([create("s", "relation", type="funding", **{"from": "b", "to": "a"})])  # the other way
    b.apply([create("t", "relation", type="conflict", **{"from": "a", "to": "b"})])  # another type
    assert refused(b, [update("t", type="funding")]) == "invalid_op"
    assert set(b.live()) == {"a", "b", "r", "s", "t"}


def test_deleting_an_actor_deletes_its_relations():
    b = board()
    _two_actors(b)
    b.apply([create("r", "relation", **{"from": "a", "to": "b"})])
    b.apply([{"op": "delete", "id": "a"}])
    assert set(b.live()) == {"b"}


# --- templates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["power_interest_grid", "proposal", "stakeholders_full"])
def test_templates_build_valid_changes(name):
    b = board()
    ops = canvases.template("stakeholders", name).build()
    b.apply(ops, CONDUCTOR)
    types = sorted(it["type"] for it in b.live().values())
    expected = {
        "power_interest_grid": ["pi_grid"],
        "proposal": ["frame", "frame", "proposal"],
        "stakeholders_full": ["frame", "frame", "pi_grid", "proposal"],
    }[name]
    assert types == expected


def test_the_proposal_links_actors_activities_and_budget():
    b = board()
    _two_actors(b)
    b.apply(canvases.template("stakeholders", "proposal").build(), CONDUCTOR)
    (proposal_id,) = [i for i, it in b.live().items() if it["type"] == "proposal"]
    b.apply([update(proposal_id, title="Abitare solidale", target_groups=["b"], partners=["a"])])
    b.apply(
        [
            create(
                "act",
                "proposal_activity",
                title="Sportello",
                start="2026-01-01",
                end="2026-12-31",
                lead="a",
            )
        ]
    )
    b.apply(
        [
            create(
                "bud", "budget_line", description="Personale", source="third_sector", amount=12500.5
            )
        ]
    )
    assert refused(b, [create("x", "budget_line", source="ets")]) == "invalid_op"
    assert refused(b, [update("act", start="2026-13-01")]) == "invalid_op"
    assert refused(b, [update(proposal_id, partners=["act"])]) == "invalid_op"
    b.apply([{"op": "delete", "id": "a"}])  # the partner goes from the list, the lead is cleared
    assert b.live()[proposal_id]["fields"]["partners"] == []
    assert b.live()["act"]["fields"]["lead"] is None


# --- through the real sequencer: history and the shared registry ----------------------------------------


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


def _board_of(project, kind: BoardKind) -> int:
    return next(b.id for b in project.boards if b.kind == kind)


class Project2:
    def __init__(self, store, title):
        self.project = create_project(store, {"title": title}, None)
        store.commit()
        self.stakeholders = _board_of(self.project, BoardKind.STAKEHOLDERS)
        self.context = _board_of(self.project, BoardKind.CONTEXT)
        self.id = self.project.id


_counter = iter(range(1, 1_000_000))


def apply(store, board_id, ops, actor=ALICE):
    change = parse_change(
        {"board_id": board_id, "change_id": f"c-{next(_counter)}", "client_id": "c", "ops": ops}
    )
    return service.apply_change(store, change, actor)


def test_each_move_is_kept_with_its_date_in_order(store, monkeypatch):
    p = Project2(store, "P")
    times = [MONDAY + timedelta(days=d) for d in (0, 1, 7, 30)]
    moments = iter(times)
    monkeypatch.setattr("workshop.canvases.stakeholder_positions.utcnow", lambda: next(moments))
    apply(
        store, p.stakeholders, [GRID, create("a", "actor", name="Comune", x=2000, y=0, w=180, h=90)]
    )
    apply(store, p.stakeholders, [update("a", x=610, y=255)])  # onto the grid: 4, 4
    apply(store, p.stakeholders, [update("a", name="Comune di Borgo")])  # no move: no row
    apply(store, p.stakeholders, [update("a", power=2)], BOB)  # set in the inspector: 2, 4
    apply(store, p.stakeholders, [update("a", x=100 - 90, y=900 - 45)])  # the corner: 1, 1
    history = position_history(store.connection(), p.stakeholders, "a")
    assert [(h["power"], h["interest"]) for h in history] == [(1, 1), (4, 4), (2, 4), (1, 1)]
    assert [h["seq"] for h in history] == [1, 2, 4, 5]
    assert [h["at"] for h in history] == times
    assert [h["by"] for h in history] == [
        ALICE.identity,
        ALICE.identity,
        BOB.identity,
        ALICE.identity,
    ]


def test_a_refused_change_records_no_position(store):
    p = Project2(store, "P")
    apply(store, p.stakeholders, [create("a", "actor", name="Comune")])
    with pytest.raises(BoardError):
        apply(store, p.stakeholders, [update("a", power=4), update("a", sub_type="bank")])
    assert store.scalar(sa.select(sa.func.count()).select_from(StakeholderPosition)) == 1


LEAD_TYPE = ItemType(
    "t_s2_task",
    {
        "text": Text(),
        "lead": ProjectRef(board_kind="stakeholders", types=("actor",), nullable=True),
    },
)


@pytest.fixture
def task_type():
    """An item on another board kind that names an actor of the registry (as a ToC
    intervention's lead actor will)."""
    registry.register(LEAD_TYPE, ["free"])
    yield LEAD_TYPE
    registry.kinds["free"].discard(LEAD_TYPE.name)
    del registry.types[LEAD_TYPE.name]


def test_the_registry_is_shared_by_the_projects_boards_and_no_other_project(store, task_type):
    p = Project2(store, "P")
    other = Project2(store, "Other")
    apply(store, p.stakeholders, [create("a", "actor", name="Comune")])
    apply(store, other.stakeholders, [create("far", "actor", name="Elsewhere")])
    free = Board(kind=BoardKind.FREE, title="F", project_id=p.id, position=9)
    store.add(free)
    store.commit()
    apply(store, free.id, [create("t", "t_s2_task", lead="a")])
    with pytest.raises(BoardError) as caught:
        apply(store, free.id, [update("t", lead="far")])  # an actor of another project
    assert caught.value.code == "invalid_op"
    with pytest.raises(BoardError):
        apply(store, free.id, [create("t2", "t_s2_task", lead="nobody")])
    assert store.get(BoardItem, (free.id, "t")).fields["lead"] == "a"


def test_the_proposal_refers_to_the_context_board_of_its_own_project(store):
    p = Project2(store, "P")
    other = Project2(store, "Other")
    # Cards the session 1 canvas makes on the context boards.
    for project, ids in ((p, ("core", "goal", "means")), (other, ("far-goal",))):
        for item_id in ids:
            kind = "problem" if item_id == "core" else "objective"
            store.add(
                BoardItem(
                    board_id=project.context,
                    item_id=item_id,
                    type=kind,
                    fields={},
                    created_seq=1,
                    updated_seq=1,
                    deleted_seq=None,
                    created_by="u:1",
                )
            )
    store.commit()
    applied = service.run_action(
        store,
        parse_action(
            {
                "board_id": p.stakeholders,
                "change_id": "t1",
                "client_id": "c",
                "action": "apply_template",
                "args": {"name": "proposal"},
            }
        ).change,
        "apply_template",
        {"name": "proposal"},
        CONDUCTOR,
        may_edit=True,
    )
    proposal = next(op["id"] for op in applied.ops if op["type"] == "proposal")
    apply(
        store,
        p.stakeholders,
        [
            update(
                proposal,
                need_problem="core",
                general_objective="goal",
                specific_objectives=["means"],
            )
        ],
    )
    for bad in (
        {"need_problem": "goal"},
        {"general_objective": "far-goal"},
        {"specific_objectives": ["core"]},
    ):
        with pytest.raises(BoardError) as caught:
            apply(store, p.stakeholders, [update(proposal, **bad)])
        assert caught.value.code == "invalid_op", bad
    fields = store.get(BoardItem, (p.stakeholders, proposal)).fields
    assert (fields["need_problem"], fields["general_objective"], fields["specific_objectives"]) == (
        "core",
        "goal",
        ["means"],
    )
