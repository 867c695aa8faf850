"""Session 1 "Analisi del contesto e dei problemi": the rules of the problem and objective trees,
PESTEL and SWOT, the tavolo on the project record, bad input and access; in memory for the rules
and through the real sequencer for the actions."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

import workshop.canvases  # noqa: F401  (registers the canvases)
from tests.support.boards import ALICE, CONDUCTOR, MemoryBoard, board_state_hash, check_integrity
from workshop.boards import service
from workshop.boards.canvas import BoardView, canvases
from workshop.boards.errors import BoardError
from workshop.boards.ops import parse_action, parse_change
from workshop.boards.schema import registry
from workshop.boards.state import Item
from workshop.canvases import context, context_templates
from workshop.canvases import problem_tree as trees
from workshop.database import make_engine
from workshop.models import Base, Board, BoardKind, Project
from workshop.projects.service import create_project


def create(item_id, type_, **fields):
    return {"op": "create", "id": item_id, "type": type_, "fields": fields}


def update(item_id, **fields):
    return {"op": "update", "id": item_id, "fields": fields}


def link(item_id, source, target, type_="causal_link", **fields):
    return create(item_id, type_, **{"from": source, "to": target}, **fields)


def memory_board() -> MemoryBoard:
    return MemoryBoard("context", rules=canvases.rules["context"])


def refused(board, ops, actor=ALICE) -> str:
    before = board.fingerprint()
    with pytest.raises(BoardError) as caught:
        board.apply(ops, actor)
    assert board.fingerprint() == before
    return caught.value.code


# --- PESTEL ---------------------------------------------------------------------------------------


def test_a_pestel_factors_score_is_impact_times_likelihood_and_only_the_server_writes_it():
    board = memory_board()
    out = board.apply(
        [create("f", "pestel_factor", text="Nuovo piano casa", impact=4, likelihood=2)]
    )
    assert out.applied[0]["fields"]["score"] == 8
    out = board.apply([update("f", likelihood=5)])
    assert out.applied == [{"op": "update", "id": "f", "fields": {"likelihood": 5, "score": 20}}]
    assert refused(board, [update("f", score=1)]) == "invalid_op"
    assert refused(board, [update("f", impact=6)]) == "invalid_op"
    assert refused(board, [update("f", impact=2.5)]) == "invalid_op"


# --- links --------------------------------------------------------------------------------------------


def _two_problems(board, type_="problem"):
    board.apply([create("a", type_, text="A"), create("b", type_, text="B")])


@pytest.mark.parametrize(
    "card, edge", [("problem", "causal_link"), ("objective", "means_end_link")]
)
def test_a_link_from_a_card_to_itself_or_a_second_link_with_the_same_ends_is_refused(card, edge):
    board = memory_board()
    _two_problems(board, card)
    assert refused(board, [link("l0", "a", "a", edge)]) == "invalid_op"
    board.apply([link("l1", "a", "b", edge)])
    assert refused(board, [link("l2", "a", "b", edge)]) == "invalid_op"
    # Two links with the same ends in one change are just as refused.
    assert refused(board, [link("l3", "b", "a", edge), link("l4", "b", "a", edge)]) == "invalid_op"
    # Repointing an existing link onto the same ends as another is refused too.
    board.apply([create("c", card, text="C"), link("l5", "a", "c", edge)])
    assert refused(board, [update("l5", to="b")]) == "invalid_op"
    # The reverse direction is a cycle: allowed, and reported by the check.
    board.apply([link("l6", "b", "a", edge)])
    assert set(board.live()) == {"a", "b", "c", "l1", "l5", "l6"}


def test_a_causal_link_joins_problems_only():
    board = memory_board()
    board.apply([create("a", "problem"), create("o", "objective")])
    assert refused(board, [link("l", "a", "o")]) == "invalid_op"
    assert refused(board, [link("l", "o", "a", "means_end_link")]) == "invalid_op"


# --- rewording --------------------------------------------------------------------------------------------


def test_an_objective_asks_to_be_reworded_until_someone_edits_its_text():
    board = memory_board()
    board.apply([create("o", "objective", text="Pochi alloggi", needs_rewording=True)])
    assert board.live()["o"]["fields"]["needs_rewording"] is True
    out = board.apply([update("o", x=300, in_scope=True)])  # moving or scoping is not rewording
    assert board.live()["o"]["fields"]["needs_rewording"] is True
    assert out.applied == [{"op": "update", "id": "o", "fields": {"x": 300, "in_scope": True}}]
    out = board.apply([update("o", text="Più alloggi a canone accessibile")])
    assert board.live()["o"]["fields"]["needs_rewording"] is False
    assert {"op": "update", "id": "o", "fields": {"needs_rewording": False}} in out.applied


def test_an_edit_that_sets_the_rewording_flag_itself_keeps_it():
    board = memory_board()
    board.apply([create("o", "objective", text="x", needs_rewording=True)])
    board.apply([update("o", text="y", needs_rewording=True)])
    assert board.live()["o"]["fields"]["needs_rewording"] is True
    board.apply([update("o", needs_rewording=False)])
    board.apply([update("o", text="z")])  # nothing to clear
    assert board.live()["o"]["fields"]["needs_rewording"] is False


# --- the check (pure) ---------------------------------------------------------------------------------------


def _item(item_id, type_, seq, **fields):
    base = {"x": 0, "y": 0, "w": 240, "h": 120} if type_ in ("problem", "objective") else {}
    return Item(item_id, type_, {**base, **fields}, seq, seq, None, "u:1")


def _graph(roles: dict[str, str], links: list[tuple[str, str]] | list[tuple[str, str, str]]):
    nodes = [_item(i, "problem", n, role=r, text=i) for n, (i, r) in enumerate(roles.items())]
    edges = [
        _item(
            f"l{n}",
            "causal_link",
            100 + n,
            **{"from": e[0], "to": e[1], "kind": (e[2] if len(e) > 2 else "vertical")},
        )
        for n, e in enumerate(links)
    ]
    return trees.Graph.build(trees.PROBLEMS, nodes, edges)


def _codes(findings):
    return {f["code"]: f["item_ids"] for f in findings}


def test_a_sound_tree_has_no_findings():
    graph = _graph(
        {
            "core": "core",
            "c1": "cause",
            "c2": "cause",
            "c3": "cause",
            "e1": "effect",
            "k": "constraint",
        },
        [("c1", "core"), ("c2", "core"), ("c3", "c1"), ("core", "e1")],
    )
    assert trees.check(graph) == []


def test_the_check_reports_no_core_and_several_cores():
    assert _codes(trees.check(_graph({"c": "cause", "e": "effect"}, [("c", "e")]))) == {
        "no_core": []
    }
    findings = trees.check(
        _graph({"k1": "core", "k2": "core", "c": "cause"}, [("c", "k1"), ("c", "k2")])
    )
    assert _codes(findings) == {"several_cores": ["k1", "k2"]}
    assert findings[0]["message_key"] == trees.FINDING_MESSAGES["several_cores"]


def test_the_check_reports_causes_and_effects_cut_off_from_the_core():
    graph = _graph(
        {
            "core": "core",
            "c1": "cause",
            "c2": "cause",
            "e1": "effect",
            "e2": "effect",
            "e3": "effect",
        },
        # c2 causes e2, which the core does not lead to; e1 leads down to the core (wrong way).
        [("c1", "core"), ("c2", "e2"), ("e1", "core"), ("core", "e3")],
    )
    assert _codes(trees.check(graph)) == {
        "cause_without_path": ["c2"],
        "effect_without_path": ["e1", "e2"],
    }


def test_a_joint_cause_shares_its_partners_path_to_the_core():
    graph = _graph(
        {"core": "core", "c1": "cause", "c2": "cause"}, [("c1", "core"), ("c2", "c1", "joint")]
    )
    assert trees.check(graph) == []


def test_the_check_reports_each_cycle_and_the_orphans():
    graph = _graph(
        {
            "core": "core",
            "a": "cause",
            "b": "cause",
            "c": "cause",
            "x": "effect",
            "y": "effect",
            "o1": "cause",
            "o2": "effect",
        },
        [("a", "core"), ("b", "a"), ("c", "b"), ("a", "c"), ("core", "x"), ("x", "y"), ("y", "x")],
    )
    findings = trees.check(graph)
    cycles = [f["item_ids"] for f in findings if f["code"] == "cycle"]
    assert cycles == [["a", "b", "c"], ["x", "y"]]
    assert _codes(findings)["orphan"] == ["o1", "o2"]
    assert "cause_without_path" not in _codes(findings)  # an orphan is reported once, as an orphan


# --- the layout (pure) --------------------------------------------------------------------------------------------


def _wide_tree(causes: int = 200, effects: int = 99):
    """A core problem, `causes` causes in a tree three levels deep and `effects` effects two
    levels up, created in a shuffled order: 300 cards."""
    roles = {"core": "core"}
    links = []
    level1 = [f"c{i}" for i in range(min(causes, 8))]
    for i in range(causes):
        cid = f"c{i}"
        roles[cid] = "cause"
        if i < 8:
            links.append((cid, "core"))
        elif i < 40:
            links.append((cid, level1[i % 8]))
        else:
            links.append((cid, f"c{8 + i % 32}"))
    for i in range(effects):
        eid = f"e{i}"
        roles[eid] = "effect"
        links.append(("core", eid) if i < 10 else (f"e{i % 10}", eid))
    return roles, links


def _boxes(positions, sizes):
    return {i: (x, y, sizes[i][0], sizes[i][1]) for i, (x, y) in positions.items()}


def _overlapping(boxes):
    ordered = sorted(boxes.items(), key=lambda kv: kv[1][0])
    found = []
    for n, (a, (ax, ay, aw, ah)) in enumerate(ordered):
        for b, (bx, by, _bw, bh) in ordered[n + 1 :]:
            if bx >= ax + aw:
                break
            if ay < by + bh and by < ay + ah:
                found.append((a, b))
    return found


def test_the_layout_puts_effects_above_the_core_and_causes_below_by_depth_without_overlaps():
    roles, links = _wide_tree()
    nodes = [
        _item(
            i,
            "problem",
            n,
            role=r,
            x=(n * 37) % 900,
            y=(n * 53) % 700,
            w=200 + (n % 3) * 40,
            h=100 + (n % 2) * 40,
        )
        for n, (i, r) in enumerate(roles.items())
    ]
    nodes.append(_item("k", "problem", 999, role="constraint", x=0, y=0))
    nodes[0].fields.update(x=5_000, y=3_000)  # the core stays where people put it
    edges = [
        _item(f"l{n}", "causal_link", 1_000 + n, **{"from": a, "to": b})
        for n, (a, b) in enumerate(links)
    ]
    positions = trees.layout(trees.Graph.build(trees.PROBLEMS, nodes, edges))
    assert len(positions) == 301
    assert positions["core"] == (5_000, 3_000)
    y = {i: p[1] for i, p in positions.items()}
    core_bottom = 3_000 + 100
    assert all(y[f"e{i}"] + 140 <= 3_000 for i in range(99))  # every effect above the core
    assert all(y[f"c{i}"] >= core_bottom for i in range(200))  # every cause below it
    assert y["c0"] < y["c8"] < y["c40"]  # deeper causes lower down
    assert y["e0"] > y["e10"]  # higher effects higher up
    sizes = {n.id: (n.fields["w"], n.fields["h"]) for n in nodes}
    assert _overlapping(_boxes(positions, sizes)) == []
    # A card sits centred over the causes it gathers (tidy).
    kids = [f"c{i}" for i in range(8, 40) if i % 8 == 0]
    centres = [positions[k][0] + sizes[k][0] / 2 for k in kids]
    parent_centre = positions["c0"][0] + sizes["c0"][0] / 2
    assert min(centres) <= parent_centre <= max(centres)
    # Overall constraints stand apart, right of the whole tree.
    assert positions["k"][0] > max(x + sizes[i][0] for i, (x, _) in positions.items() if i != "k")


def test_cards_the_core_does_not_reach_go_in_rows_above_and_below():
    graph = _graph(
        {"core": "core", "c": "cause", "lost": "cause", "far": "effect"}, [("c", "core")]
    )
    positions = trees.layout(graph)
    assert positions["far"][1] < positions["core"][1] < positions["c"][1] < positions["lost"][1]


# --- through the real sequencer -------------------------------------------------------------------------------------


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


@pytest.fixture
def project(store) -> Project:
    project = create_project(store, {"title": "Abitare", "territory": "Ambito Valle Serena"}, None)
    store.commit()
    return project


@pytest.fixture
def board(store, project) -> int:
    return next(b.id for b in project.boards if b.kind == BoardKind.CONTEXT)


_counter = iter(range(1, 1_000_000))


def apply(store, board_id, ops, actor=CONDUCTOR):
    change = parse_change(
        {"board_id": board_id, "change_id": f"c-{next(_counter)}", "client_id": "c", "ops": ops}
    )
    return service.apply_change(store, change, actor)


def run(store, board_id, action, args=None, actor=CONDUCTOR, may_edit=True):
    payload = {
        "board_id": board_id,
        "change_id": f"a-{next(_counter)}",
        "client_id": "c",
        "action": action,
    }
    if args is not None:
        payload["args"] = args
    request = parse_action(payload)
    return service.run_action(
        store, request.change, request.action, request.args, actor, may_edit=may_edit
    )


def seq_of(store, board_id) -> int:
    store.expire_all()  # the session keeps rows across commits (expire_on_commit=False)
    return store.get(Board, board_id).seq


def integrity(store, board_id) -> None:
    store.expire_all()
    check_integrity(store, board_id)
    store.rollback()


def live(store, board_id) -> dict[str, dict]:
    return {it["id"]: it for it in service.live_items(store, board_id)}


def refused_action(store, board_id, action, args=None, **kwargs) -> str:
    before = board_state_hash(store, board_id)
    with pytest.raises(BoardError) as caught:
        run(store, board_id, action, args, **kwargs)
    store.rollback()
    assert board_state_hash(store, board_id) == before
    return caught.value.code


def _small_tree(store, board_id):
    """Core, two causes (one under the other), an effect, a constraint, a joint link."""
    apply(
        store,
        board_id,
        [
            create("p-core", "problem", text="Famiglie senza casa", role="core", x=600, y=400),
            create("p-c1", "problem", text="Affitti troppo alti", role="cause", x=100, y=900),
            create("p-c2", "problem", text="Pochi alloggi pubblici", role="cause", x=400, y=900),
            create("p-c3", "problem", text="Sfratti per morosità", role="cause", x=900, y=1200),
            create("p-e1", "problem", text="Disagio dei minori", role="effect", x=600, y=50),
            create("p-k", "problem", text="Tempi del PNRR", role="constraint", x=1300, y=50),
            link("l-1", "p-c1", "p-core"),
            link("l-2", "p-c2", "p-core"),
            link("l-3", "p-c3", "p-c1"),
            link("l-4", "p-core", "p-e1"),
            link("l-5", "p-c2", "p-c1", kind="joint"),
        ],
    )


def test_the_conversion_keeps_the_structure_with_roles_mapped_and_links_copied(store, board):
    _small_tree(store, board)
    applied = run(store, board, "convert_to_objective_tree")
    items = live(store, board)
    objectives = {
        it["fields"]["source_problem"]: it for it in items.values() if it["type"] == "objective"
    }
    assert set(objectives) == {"p-core", "p-c1", "p-c2", "p-c3", "p-e1", "p-k"}
    assert sorted(applied.result["objectives"]) == sorted(it["id"] for it in objectives.values())
    roles = {pid: o["fields"]["role"] for pid, o in objectives.items()}
    assert roles == {
        "p-core": "purpose",
        "p-c1": "means",
        "p-c2": "means",
        "p-c3": "means",
        "p-e1": "end",
        "p-k": "other",
    }
    for pid, objective in objectives.items():
        problem = items[pid]["fields"]
        assert objective["fields"]["text"] == problem["text"]
        assert objective["fields"]["needs_rewording"] is True
        # Beside the problem tree, each card where its problem is, shifted by the same amount.
        assert objective["fields"]["y"] == problem["y"]
        assert objective["fields"]["x"] - problem["x"] == objectives["p-core"]["fields"]["x"] - 600
    assert objectives["p-core"]["fields"]["x"] > 1300 + 240  # right of the whole problem tree
    means_end = {
        (it["fields"]["from"], it["fields"]["to"])
        for it in items.values()
        if it["type"] == "means_end_link"
    }
    oid = {pid: o["id"] for pid, o in objectives.items()}
    assert means_end == {
        (oid["p-c1"], oid["p-core"]),
        (oid["p-c2"], oid["p-core"]),
        (oid["p-c3"], oid["p-c1"]),
        (oid["p-core"], oid["p-e1"]),
        (oid["p-c2"], oid["p-c1"]),
    }
    integrity(store, board)


def test_running_the_conversion_again_adds_only_what_is_missing(store, board):
    _small_tree(store, board)
    first = run(store, board, "convert_to_objective_tree")
    seq = seq_of(store, board)
    again = run(store, board, "convert_to_objective_tree")
    assert again.seq == 0 and again.ops == [] and again.result == {"objectives": [], "links": []}
    assert seq_of(store, board) == seq
    # A new cause and its link; and one objective someone deleted.
    deleted = next(op["id"] for op in first.ops if op["fields"].get("source_problem") == "p-e1")
    apply(
        store,
        board,
        [
            create("p-c4", "problem", text="Redditi bassi", x=700, y=1200),
            link("l-6", "p-c4", "p-c1"),
        ],
    )
    apply(store, board, [{"op": "delete", "id": deleted}])
    third = run(store, board, "convert_to_objective_tree")
    made = [op for op in third.ops if op["op"] == "create"]
    assert sorted(op["fields"]["source_problem"] for op in made if op["type"] == "objective") == [
        "p-c4",
        "p-e1",
    ]
    assert len([op for op in made if op["type"] == "means_end_link"]) == 2  # c4 -> c1, core -> e1
    objective_c1 = next(
        op["id"] for op in first.ops if op["fields"].get("source_problem") == "p-c1"
    )
    new_c4 = next(op for op in made if op["fields"].get("source_problem") == "p-c4")
    assert new_c4["fields"]["x"] - 700 == next(
        op["fields"]["x"] - 100 for op in first.ops if op["id"] == objective_c1
    )  # lands in the objective tree where it already is
    integrity(store, board)


def test_the_layout_action_moves_the_tree_and_a_second_run_changes_nothing(store, board):
    _small_tree(store, board)
    applied = run(store, board, "layout_problem_tree")
    assert applied.result == {"tree": "problem", "moved": len(applied.ops)} and applied.ops
    items = live(store, board)
    assert items["p-core"]["fields"]["x"] == 600 and items["p-core"]["fields"]["y"] == 400
    assert (
        items["p-e1"]["fields"]["y"]
        < 400
        < items["p-c1"]["fields"]["y"]
        < items["p-c3"]["fields"]["y"]
    )
    assert run(store, board, "layout_problem_tree").seq == 0
    run(store, board, "convert_to_objective_tree")
    objective = run(store, board, "layout_problem_tree", {"tree": "objective"})
    assert objective.result["tree"] == "objective"
    assert {op["id"] for op in objective.ops} <= {
        i for i, it in live(store, board).items() if it["type"] == "objective"
    }


def test_the_check_action_reports_findings_and_changes_nothing(store, board):
    _small_tree(store, board)
    apply(store, board, [create("p-core2", "problem", text="Solitudine", role="core")])
    before = board_state_hash(store, board)
    applied = run(store, board, "check_problem_tree", actor=ALICE, may_edit=False)  # an observer
    assert applied.seq == 0 and applied.ops == []
    assert {f["code"] for f in applied.result["findings"]} == {"several_cores"}
    assert board_state_hash(store, board) == before


def test_promoting_a_factor_makes_an_opportunity_or_a_threat_in_the_swot_zone(store, board):
    run(store, board, "apply_template", {"name": "swot"})
    zones = {
        q: next(it["fields"] for i, it in live(store, board).items() if i.startswith(f"swot-{q}-"))
        for q in ("opportunity", "threat")
    }
    apply(
        store,
        board,
        [
            create(
                "f-plus",
                "pestel_factor",
                text="Fondi PNRR",
                direction="positive",
                category="economic",
                x=0,
                y=2_000,
            ),
            create(
                "f-minus",
                "pestel_factor",
                text="Inflazione",
                direction="negative",
                category="economic",
                x=0,
                y=2_200,
            ),
        ],
    )
    made = {}
    for factor, quadrant in (("f-plus", "opportunity"), ("f-minus", "threat")):
        applied = run(store, board, "promote_pestel_factor", {"factor_id": factor}, actor=ALICE)
        item = live(store, board)[applied.result["swot_item"]]["fields"]
        assert item["quadrant"] == quadrant and item["source_factor"] == factor
        zone = zones[quadrant]
        assert zone["x"] <= item["x"] and item["x"] + item["w"] <= zone["x"] + zone["w"]
        assert zone["y"] <= item["y"] and item["y"] + item["h"] <= zone["y"] + zone["h"]
        made[factor] = item
    # A second opportunity goes beside the first, not on it.
    apply(
        store,
        board,
        [create("f-plus2", "pestel_factor", text="Bando regionale", direction="positive")],
    )
    second = run(store, board, "promote_pestel_factor", {"factor_id": "f-plus2"}, actor=ALICE)
    assert (second.ops[0]["fields"]["x"], second.ops[0]["fields"]["y"]) != (
        made["f-plus"]["x"],
        made["f-plus"]["y"],
    )
    # Promoting the same factor again changes nothing.
    again = run(store, board, "promote_pestel_factor", {"factor_id": "f-plus"}, actor=ALICE)
    assert again.seq == 0 and again.result["created"] is False


@pytest.mark.parametrize(
    "action, args",
    [
        ("promote_pestel_factor", {"factor_id": "nope"}),
        ("promote_pestel_factor", {"factor_id": "p-core"}),  # a problem, not a factor
        ("promote_pestel_factor", {"factor_id": 7}),
        ("promote_pestel_factor", {}),
        ("promote_pestel_factor", {"factor_id": "f", "quadrant": "strength"}),
        ("layout_problem_tree", {"tree": "forest"}),
        ("layout_problem_tree", {"tree": ["problem"]}),
        ("layout_problem_tree", {"depth": 3}),
        ("check_problem_tree", {"strict": True}),
        ("convert_to_objective_tree", {"again": True}),
        ("apply_template", {"name": "fishbone"}),
    ],
)
def test_wrong_arguments_are_refused_with_nothing_changed(store, board, action, args):
    _small_tree(store, board)
    apply(store, board, [create("f", "pestel_factor", text="Legge regionale")])
    assert refused_action(store, board, action, args) == "invalid_op"


@pytest.mark.parametrize(
    "action, args", [("convert_to_objective_tree", None), ("apply_template", {"name": "swot"})]
)
def test_a_participant_may_not_convert_or_apply_a_template(store, board, action, args):
    _small_tree(store, board)
    assert refused_action(store, board, action, args, actor=ALICE) == "forbidden"


@pytest.mark.parametrize(
    "action, args", [("layout_problem_tree", None), ("promote_pestel_factor", {"factor_id": "f"})]
)
def test_an_observer_may_not_run_an_action_that_changes_the_board(store, board, action, args):
    _small_tree(store, board)
    apply(store, board, [create("f", "pestel_factor", text="Legge regionale")])
    assert refused_action(store, board, action, args, actor=ALICE, may_edit=False) == "forbidden"


def test_a_participant_may_lay_out_check_and_promote(store, board):
    _small_tree(store, board)
    apply(store, board, [create("f", "pestel_factor", text="Legge regionale")])
    assert run(store, board, "layout_problem_tree", actor=ALICE).seq > 0
    assert run(store, board, "promote_pestel_factor", {"factor_id": "f"}, actor=ALICE).seq > 0


# --- the tavolo on the project record ------------------------------------------------------------------------------


def _record(store, project_id) -> dict:
    store.expire_all()
    row = store.get(Project, project_id)
    return {column: getattr(row, column) for column in context.TAVOLO_TO_PROJECT.values()} | {
        "title": row.title
    }


def test_the_tavolo_is_kept_on_the_project_record_in_the_same_change(store, project, board):
    store.get(Project, project.id).table_coordination = "Una facilitatrice esterna"
    store.commit()
    coordination_before = "Una facilitatrice esterna"
    applied = run(store, board, "apply_template", {"name": "tavolo"})
    (tavolo_id,) = applied.result["created"]
    assert (
        _record(store, project.id)["territory"] == "Ambito Valle Serena"
    )  # an empty sheet wipes nothing
    apply(
        store,
        board,
        [
            update(
                tavolo_id,
                title="Tavolo abitare",
                proposing_body="Ufficio di Piano Valle Serena",
                person_responsible="Dott.ssa Rossi, responsabile del procedimento",
                purpose="Rispondere al disagio abitativo",
                object="Servizi per l'abitare (art. 5 CTS, lett. q)",
                territory="14 Comuni dell'Ambito",
                admitted_parties="Cooperative sociali, APS, ODV",
                working_rules="Decisioni per consenso",
                calendar="4 sessioni, da aprile a giugno",
            )
        ],
        actor=ALICE,  # the table fills it in together
    )
    assert _record(store, project.id) == {
        "proposing_body": "Ufficio di Piano Valle Serena",
        "territory": "14 Comuni dell'Ambito",
        "motivation": "Rispondere al disagio abitativo",
        "requested_activities": "Servizi per l'abitare (art. 5 CTS, lett. q)",
        "rup": "Dott.ssa Rossi, responsabile del procedimento",  # the RUP: its own field
        "participant_selection": "Cooperative sociali, APS, ODV",
        "conflict_handling": "Decisioni per consenso",
        "title": "Abitare",  # the project's name is the organizer's, not the board's
    }
    # "Responsabile del procedimento" never overwrites who coordinates the table (issue 16).
    assert store.get(Project, project.id).table_coordination == coordination_before
    # A refused change leaves the record alone: the effect runs in the change's transaction.
    with pytest.raises(BoardError):
        apply(
            store,
            board,
            [update(tavolo_id, territory="Altrove"), update(tavolo_id, procedure_stage="x")],
        )
    assert _record(store, project.id)["territory"] == "14 Comuni dell'Ambito"


def test_a_tavolo_field_longer_than_the_record_holds_is_refused(store, project, board):
    applied = run(store, board, "apply_template", {"name": "tavolo"})
    (tavolo_id,) = applied.result["created"]
    before = board_state_hash(store, board)
    with pytest.raises(BoardError) as caught:
        apply(store, board, [update(tavolo_id, territory="x" * 301)])
    store.rollback()
    assert caught.value.code == "too_large" and board_state_hash(store, board) == before


# --- templates --------------------------------------------------------------------------------------------------------


def test_each_template_applies_on_the_context_board_as_one_change(store, board):
    for name in ("problem_tree", "swot", "pestel", "tavolo", "context_full"):
        run(store, board, "apply_template", {"name": name})
    integrity(store, board)


def _of(ops, prefix=None, type_=None):
    return [
        op
        for op in ops
        if (prefix is None or op["id"].startswith(prefix))
        and (type_ is None or op["type"] == type_)
    ]


def _inside(inner, outer):
    return (
        outer["x"] <= inner["x"]
        and inner["x"] + inner["w"] <= outer["x"] + outer["w"]
        and outer["y"] <= inner["y"]
        and inner["y"] + inner["h"] <= outer["y"] + outer["h"]
    )


def test_the_swot_template_has_four_quadrants_and_a_tows_zone():
    ops = context_templates.build_swot()
    quadrants = {q: _of(ops, f"swot-{q}-", "frame") for q in context.SWOT_QUADRANTS}
    assert all(len(frames) == 1 for frames in quadrants.values())
    assert len(_of(ops, "tows-", "frame")) == 1
    boxes = {q: f[0]["fields"] for q, f in quadrants.items()}
    assert (
        boxes["strength"]["y"]
        == boxes["weakness"]["y"]
        < boxes["opportunity"]["y"]
        == boxes["threat"]["y"]
    )


def test_the_pestel_template_has_six_columns_each_with_its_guiding_question():
    ops = context_templates.build_pestel()
    guides = _of(ops, type_="text")
    for category in context.PESTEL_CATEGORIES:
        (column,) = _of(ops, f"pestel-{category}-", "frame")
        questions = [g for g in guides if _inside(g["fields"], column["fields"])]
        assert [q["fields"]["text"] for q in questions] == [
            context_templates.PESTEL_COLUMNS[category][1]
        ]


def test_the_whole_session_template_holds_every_zone_once_without_overlaps():
    ops = context_templates.build_context_full()
    assert len(_of(ops, type_="tavolo")) == 1
    assert len(_of(ops, type_="problem")) == 1  # the core problem to agree on
    zones = [op["fields"] for op in ops if op["type"] in ("frame", "tavolo")]
    outer = [z for z in zones if not any(o is not z and _inside(z, o) for o in zones)]
    boxes = {n: (z["x"], z["y"], z["w"], z["h"]) for n, z in enumerate(outer)}
    assert len(outer) >= 1 + 2 + 6 + 5 and _overlapping(boxes) == []
    assert context_templates.build_context_full()[0]["id"] != ops[0]["id"]  # fresh ids every time


def test_the_template_core_problem_and_the_objective_zone_line_up_with_the_conversion():
    ops = context_templates.build_problem_tree()
    (problem_zone,) = _of(ops, "problem-tree-", "frame")
    (objective_zone,) = _of(ops, "objective-tree-", "frame")
    (core,) = _of(ops, type_="problem")
    assert core["fields"]["role"] == "core" and _inside(core["fields"], problem_zone["fields"])
    items = {
        op["id"]: Item(
            op["id"],
            op["type"],
            {**registry.get(op["type"]).defaults(), **op["fields"]},
            n,
            n,
            None,
            "u:1",
        )
        for n, op in enumerate(ops)
    }
    plan = canvases.action("context", "convert_to_objective_tree").run(
        BoardView(1, "context", 1, items), {}, CONDUCTOR
    )
    (objective,) = [op for op in plan.ops if op["type"] == "objective"]
    assert _inside(objective["fields"], objective_zone["fields"])


# --- the domain stays free of Flask ---------------------------------------------------------------------------------


def test_the_context_canvas_imports_nothing_from_flask():
    code = (
        "import sys, workshop.canvases.context, workshop.canvases.problem_tree; "
        "print(sorted(m for m in sys.modules if m == 'flask' or m.startswith('flask')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_finding_has_a_label_in_both_languages(app):
    from flask_babel import force_locale

    from workshop.web.board_strings import board_strings

    for lang in ("en", "it"):
        with app.test_request_context("/"), force_locale(lang):
            strings = board_strings()
        for message in trees.FINDING_MESSAGES.values():
            assert message in strings
            assert (strings[message] == message) is (lang == "en")


def test_project_rows_are_untouched_by_boards_without_a_tavolo(store, project, board):
    before = store.execute(sa.select(Project.__table__)).all()
    _small_tree(store, board)
    assert store.execute(sa.select(Project.__table__)).all() == before


# --- the demo ----------------------------------------------------------------------------------


def test_the_demo_context_board_holds_a_tree_pestel_swot_and_the_tavolo_once(app):
    from workshop import demo
    from workshop.extensions import db

    with app.app_context():
        result = demo.load(db.session)
        db.session.commit()
        board_id = db.session.scalar(
            sa.select(Board.id).where(
                Board.project_id == result.project_id, Board.kind == BoardKind.CONTEXT
            )
        )
        items = service.live_items(db.session, board_id)
        seq = seq_of(db.session, board_id)
        by_type = {}
        for item in items:
            by_type.setdefault(item["type"], []).append(item)
        assert len(by_type["tavolo"]) == 1 and by_type["tavolo"][0]["fields"]["territory"]
        assert len(by_type["problem"]) == 1 + len(demo.DEMO_PROBLEMS)
        assert {f["fields"]["direction"] for f in by_type["pestel_factor"]} == {
            "positive",
            "negative",
        }
        promoted = [
            s for s in by_type["swot_item"] if s["fields"]["source_factor"] == "demo-pestel-pnrr"
        ]
        assert [s["fields"]["quadrant"] for s in promoted] == ["opportunity"]
        view = {
            i["id"]: Item(i["id"], i["type"], i["fields"], i["seq"], i["seq"], None, "u:1")
            for i in items
        }
        graph = trees.Graph.build(
            trees.PROBLEMS,
            [view[i["id"]] for i in by_type["problem"]],
            [view[i["id"]] for i in by_type["causal_link"]],
        )
        assert trees.check(graph) == []  # a tree that follows the method
        db.session.rollback()
        assert demo.load(db.session).created is False
        db.session.commit()
        assert seq_of(db.session, board_id) == seq
