"""Session 3: the theory of change's check, its seeding from sessions 1 and 2, and its narrative."""

from __future__ import annotations

import pytest

import workshop.canvases  # noqa: F401  (registers the canvases)
from tests.support.boards import ALICE, MemoryBoard
from workshop.boards.canvas import BoardView
from workshop.boards.errors import BoardError
from workshop.boards.state import Item
from workshop.canvases import theory_of_change as toc
from workshop.canvases import toc_narrative, toc_seed

ACTORS = {"act-comune": "actor", "act-coop": "actor"}


def item(item_id, type_, seq=1, **fields):
    return Item(item_id, type_, fields, seq, seq, None, "u:1")


def board_with(ops) -> MemoryBoard:
    board = MemoryBoard("theory_of_change", external={"stakeholders": dict(ACTORS)})
    board.apply(ops)
    return board


def view_of(board: MemoryBoard, project=None) -> BoardView:
    live = {i: it for i, it in board.items.items() if it.alive}
    project = project or {}
    return BoardView(1, "theory_of_change", 1, live, lambda kind: project.get(kind, {}))


def outcome(item_id, text, **fields):
    return {"op": "create", "id": item_id, "type": "outcome", "fields": {"text": text, **fields}}


def link(item_id, source, target, **fields):
    return {
        "op": "create",
        "id": item_id,
        "type": "toc_link",
        "fields": {"from": source, "to": target, **fields},
    }


def indicator(item_id, of, **fields):
    return {"op": "create", "id": item_id, "type": "indicator", "fields": {"of": of, **fields}}


def codes(findings):
    return {f["code"]: f["item_ids"] for f in findings}


def test_a_sound_theory_has_no_findings():
    board = board_with(
        [
            outcome("goal", "Le famiglie escono dall'isolamento", is_goal=True, tier="long_term"),
            outcome("mid", "Le famiglie frequentano il centro", tier="intermediate"),
            link("l1", "mid", "goal", rationale="la frequenza crea legami"),
            indicator("i1", "goal", name="Famiglie con una rete di aiuto"),
            indicator("i2", "mid", name="Presenze settimanali"),
            {
                "op": "create",
                "id": "iv",
                "type": "intervention",
                "fields": {"text": "Apertura", "lead": "act-coop", "targets": ["mid"]},
            },
        ]
    )
    assert toc.check_theory(view_of(board)) == []


def test_the_check_names_everything_that_breaks_the_method():
    board = board_with(
        [
            outcome("g1", "A", is_goal=True),
            outcome("g2", "B", is_goal=True),
            outcome("x", "C"),
            outcome("y", "D"),
            outcome("lonely", "E"),
            link("l1", "x", "y"),
            link("l2", "y", "x", rationale="perché sì"),
            link("l3", "x", "g1", rationale="ok"),
            indicator("i1", "g1"),
            {"op": "create", "id": "iv", "type": "intervention", "fields": {"text": "Senza guida"}},
            outcome("ceiling", "F", above_ceiling=True),
            link("l4", "ceiling", "g1", rationale="ok"),
        ]
    )
    found = codes(toc.check_theory(view_of(board)))
    assert found["several_goals"] == ["g1", "g2"]
    assert found["cycle"] == ["x", "y"]
    assert found["outcome_without_path_to_goal"] == ["lonely"]
    assert found["outcome_without_indicator"] == [
        "g2",
        "lonely",
        "x",
        "y",
    ]  # above the ceiling: none needed
    assert found["link_without_rationale"] == ["l1"]
    assert found["intervention_without_lead"] == ["iv"]
    assert codes(toc.check_theory(view_of(board_with([outcome("o", "A")]))))["no_goal"] == []


def test_a_self_loop_is_a_cycle_too():
    assert toc._cycles(["a"], [item("l", "toc_link", **{"from": "a", "to": "a"})]) == [["a"]]


def test_an_indicator_outlives_the_outcome_it_measured_and_the_check_says_so():
    board = board_with([outcome("o", "A"), indicator("i", "o")])
    board.apply([{"op": "delete", "id": "o"}])
    assert board.live()["i"]["fields"]["of"] is None
    assert codes(toc.check_theory(view_of(board)))["indicator_without_subject"] == ["i"]


def test_references_to_actors_must_be_in_the_project_registry():
    board = board_with([outcome("o", "A")])
    with pytest.raises(BoardError) as caught:
        board.apply([indicator("i", "o", population="act-unknown")])
    assert caught.value.code == "invalid_op"
    board.apply([indicator("i", "o", population="act-comune", owner="act-coop")])


# --- seeding ---------------------------------------------------------------------------------------------


def _context():
    return {
        "p1": item(
            "p1", "objective", 1, text="Famiglie meno isolate", role="purpose", in_scope=True
        ),
        "m1": item(
            "m1", "objective", 2, text="Più occasioni di incontro", role="means", in_scope=True
        ),
        "m2": item("m2", "objective", 3, text="Operatori formati", role="means", in_scope=True),
        "e1": item("e1", "objective", 4, text="Meno ricoveri", role="end", in_scope=True),
        "out": item("out", "objective", 5, text="Fuori dal progetto", role="means", in_scope=False),
        "l1": item("l1", "means_end_link", 6, **{"from": "m1", "to": "p1"}),
        "l2": item("l2", "means_end_link", 7, **{"from": "m2", "to": "m1"}),
        "l3": item("l3", "means_end_link", 8, **{"from": "p1", "to": "e1"}),
        "f1": item("f1", "pestel_factor", 9, text="Nuovo piano regionale", direction="positive"),
        "s1": item("s1", "swot_item", 10, text="Calo dei volontari", quadrant="threat"),
        "s2": item("s2", "swot_item", 11, text="Personale motivato", quadrant="strength"),
    }


def test_seeding_turns_the_chosen_objectives_into_outcomes_with_their_links_and_sources():
    board = MemoryBoard("theory_of_change")
    planned = toc.seed_from_earlier_sessions(view_of(board, {"context": _context()}))
    created = {
        op["fields"].get("source_objective"): op for op in planned.ops if op["type"] != "toc_link"
    }
    assert set(created) == {
        "p1",
        "m1",
        "m2",
        "e1",
    }  # not the out-of-scope one; no assumption is dumped
    # Backwards from the goal: the end the purpose leads to is the goal, the purpose its precondition.
    assert created["e1"]["fields"]["is_goal"] and created["e1"]["fields"]["tier"] == "impact"
    assert created["p1"]["fields"]["tier"] == "long_term" and not created["p1"]["fields"]["is_goal"]
    assert (
        created["m1"]["fields"]["tier"] == "intermediate"
        and created["m2"]["fields"]["tier"] == "early"
    )
    ids = {key: op["id"] for key, op in created.items()}
    links = {
        (op["fields"]["from"], op["fields"]["to"]) for op in planned.ops if op["type"] == "toc_link"
    }
    assert links == {(ids["m1"], ids["p1"]), (ids["m2"], ids["m1"]), (ids["p1"], ids["e1"])}

    # Applied, and run again: nothing new (every source already has its card).
    external = {"context": {i: it.type for i, it in _context().items()}}
    board = MemoryBoard("theory_of_change", external=external)
    board.apply(planned.ops)
    again = toc.seed_from_earlier_sessions(view_of(board, {"context": _context()}))
    assert again.ops == []


def test_seeding_with_no_choice_of_scope_takes_the_whole_tree():
    context = {i: it for i, it in _context().items()}
    for it in context.values():
        it.fields.pop("in_scope", None)
    planned = toc.seed_from_earlier_sessions(
        view_of(MemoryBoard("theory_of_change"), {"context": context})
    )
    assert sum(op["type"] == "outcome" for op in planned.ops) == 5


# --- the narrative ------------------------------------------------------------------------------------------


def _narrated_board():
    return board_with(
        [
            outcome("goal", "Le famiglie escono dall'isolamento.", is_goal=True),
            outcome("mid", "Le famiglie frequentano il centro"),
            link("l1", "mid", "goal", rationale="la frequenza crea legami", interventions=[]),
            {
                "op": "create",
                "id": "iv",
                "type": "intervention",
                "fields": {
                    "text": "Aprire il centro il sabato",
                    "lead": "act-coop",
                    "targets": ["mid"],
                },
            },
            {
                "op": "create",
                "id": "as",
                "type": "assumption",
                "fields": {"text": "i trasporti restano gratuiti", "attached_to": "l1"},
            },
            indicator(
                "i1",
                "mid",
                name="Famiglie presenti ogni settimana",
                population="act-comune",
                target=40,
                unit="famiglie",
                target_minimum=30,
                threshold=3,
                threshold_unit="incontri al mese",
                threshold_note="frequenta almeno 3 incontri al mese",
                timeline="2027-06-30",
            ),
        ]
    )


def test_the_narrative_walks_back_from_the_goal_in_italian_and_english():
    project = {
        "stakeholders": {
            "act-coop": item("act-coop", "actor", name="Cooperativa La Rete"),
            "act-comune": item("act-comune", "actor", name="Famiglie del quartiere"),
        }
    }
    view = view_of(_narrated_board(), project)
    italian = toc.write_narrative(view, "it")
    assert (
        "Il nostro obiettivo di lungo periodo è questo cambiamento: «Le famiglie escono dall'isolamento»."
        in italian
    )
    assert (
        "Per arrivare all'esito «Le famiglie escono dall'isolamento» serve prima un altro cambiamento: "
        "«Le famiglie frequentano il centro», perché la frequenza crea legami." in italian
    )
    assert (
        "Diamo per vera questa condizione: «i trasporti restano gratuiti» (da verificare)."
        in italian
    )
    assert "L'intervento «Aprire il centro il sabato» è a cura di Cooperativa La Rete." in italian
    assert (
        "Lo misureremo con l'indicatore «Famiglie presenti ogni settimana» (chi cambia: Famiglie del quartiere; "
        "obiettivo: 40 famiglie (minimo 30); successo per ciascuno: frequenta almeno 3 incontri al mese; "
        "entro il 30 giugno 2027)." in italian
    )
    assert "2027-06-30" not in italian
    english = toc.write_narrative(view, "en")
    assert "Our long-term goal is this change: “Le famiglie escono dall'isolamento”." in english
    assert "The intervention “Aprire il centro il sabato” is run by Cooperativa La Rete." in english
    assert "by 30 June 2027" in english


def test_a_deleted_actor_is_named_as_such_and_braces_in_text_are_just_text():
    board = board_with(
        [
            outcome("goal", "{target} e {source}", is_goal=True),
            outcome("mid", "A"),
            link("l1", "mid", "goal"),
            {
                "op": "create",
                "id": "iv",
                "type": "intervention",
                "fields": {"text": "X", "lead": "act-coop", "targets": ["mid"]},
            },
        ]
    )
    text = toc.write_narrative(view_of(board, {"stakeholders": {}}), "it")
    assert "«{target} e {source}»" in text and "un soggetto non più in elenco" in text


def test_generating_twice_updates_and_an_edited_narrative_is_not_replaced_without_a_yes():
    board = _narrated_board()
    first = toc_narrative._narrate(view_of(board), {"lang": "it"}, ALICE)
    board.apply(first.ops)
    narrative_id = first.result["narrative_id"]
    assert board.live()[narrative_id]["fields"]["edited"] is False
    assert (
        toc_narrative._narrate(view_of(board), {"lang": "it"}, ALICE).ops == []
    )  # nothing new to say
    board.apply([{"op": "update", "id": narrative_id, "fields": {"text": "La nostra versione."}}])
    assert board.live()[narrative_id]["fields"]["edited"] is True
    asked = toc_narrative._narrate(view_of(board), {"lang": "it"}, ALICE)
    assert asked.ops == [] and asked.result["needs_confirmation"] is True
    replaced = toc_narrative._narrate(view_of(board), {"lang": "it", "replace": True}, ALICE)
    board.apply(replaced.ops)
    assert board.live()[narrative_id]["fields"]["edited"] is False
    for bad in ({"lang": "fr"}, {"lang": "it", "replace": "yes"}, {"lang": "it", "other": 1}):
        with pytest.raises(BoardError):
            toc_narrative._narrate(view_of(board), bad, ALICE)


def test_the_template_lays_the_tiers_top_down_without_overlaps_and_applies_cleanly():
    ops = toc._template()
    frames = [op for op in ops if op["type"] == "frame"]
    assert [f["fields"]["title"] for f in frames][:4] == [
        "Impatto",
        "Esiti di lungo periodo",
        "Esiti intermedi",
        "Esiti iniziali",
    ]
    ys = [f["fields"]["y"] for f in frames[:5]]
    assert ys == sorted(ys)
    for a, b in zip(frames, frames[1:], strict=False):
        ax, ay, aw, ah = (a["fields"][k] for k in ("x", "y", "w", "h"))
        bx, by = b["fields"]["x"], b["fields"]["y"]
        assert by >= ay + ah or bx >= ax + aw  # no frame covers the next
    board = MemoryBoard("theory_of_change")
    board.apply(ops)
    assert len(board.live()) == len(ops) == 12


def test_the_check_action_names_each_findings_message_for_the_client(app):
    from workshop.web.board_strings import board_strings

    result = toc._check(view_of(board_with([outcome("o", "A")])), {}, ALICE).result
    with app.test_request_context("/"):
        strings = board_strings()
    assert [f["message_key"] for f in result["findings"]] == [
        "finding.no_goal",
        "finding.outcome_without_indicator",
    ]
    assert all(f["message_key"] in strings for f in result["findings"])


def test_pestel_and_swot_are_offered_as_candidates_and_become_cards_only_when_picked():
    context = _context()
    context["s3"] = item(
        "s3",
        "swot_item",
        12,
        text="Nuovo piano regionale",
        quadrant="opportunity",
        source_factor="f1",
    )
    board = MemoryBoard(
        "theory_of_change", external={"context": {i: it.type for i, it in context.items()}}
    )
    board.apply(toc_seed.seed_from_earlier_sessions(view_of(board, {"context": context})).ops)
    assert not [it for it in board.live().values() if it["type"] == "assumption"]  # nothing dumped
    listed = toc_seed._candidates(view_of(board, {"context": context}), {}, ALICE).result[
        "candidates"
    ]
    # A SWOT item promoted from a factor says the same thing: offered once; a strength is internal.
    assert [(c["source_id"], c["suggested_kind"], c["picked"]) for c in listed] == [
        ("f1", "assumption", None),
        ("s1", "risk", None),
    ]
    goal = next(
        i for i, it in board.live().items() if it["type"] == "outcome" and it["fields"]["is_goal"]
    )
    picked = toc_seed._pick(
        view_of(board, {"context": context}),
        {"source_id": "s1", "kind": "risk", "attached_to": goal},
        ALICE,
    )
    board.apply(picked.ops)
    card = board.live()[picked.result["assumption"]]["fields"]
    assert (card["kind"], card["status"], card["attached_to"], card["source_factor"]) == (
        "risk",
        "to_check",
        goal,
        "s1",
    )
    side = toc_seed.bands(view_of(board, {"context": context}))["assumptions"]
    assert side.x <= card["x"] and card["x"] + card["w"] <= side.x + side.w
    again = toc_seed._pick(view_of(board, {"context": context}), {"source_id": "s1"}, ALICE)
    assert again.ops == [] and again.result == {
        "assumption": picked.result["assumption"],
        "created": False,
    }
    listed = toc_seed._candidates(view_of(board, {"context": context}), {}, ALICE).result[
        "candidates"
    ]
    assert listed[1]["picked"] == picked.result["assumption"]
    for bad in (
        {"source_id": "s2"},
        {"source_id": "f1", "kind": "hope"},
        {"source_id": "f1", "attached_to": "nowhere"},
        {"x": 1},
    ):
        with pytest.raises(BoardError):
            toc_seed._pick(view_of(board, {"context": context}), bad, ALICE)


def test_an_intervention_that_targets_no_outcome_is_a_finding_unless_it_sits_on_a_link():
    board = board_with(
        [
            outcome("goal", "A", is_goal=True),
            outcome("mid", "B"),
            {
                "op": "create",
                "id": "on-link",
                "type": "intervention",
                "fields": {"text": "X", "lead": "act-coop"},
            },
            link("l1", "mid", "goal", rationale="perché", interventions=["on-link"]),
            indicator("i1", "goal"),
            indicator("i2", "mid"),
            {
                "op": "create",
                "id": "aimless",
                "type": "intervention",
                "fields": {"text": "Y", "lead": "act-coop"},
            },
        ]
    )
    assert codes(toc.check_theory(view_of(board))) == {"intervention_without_target": ["aimless"]}


def test_seeded_cards_land_in_their_tier_bands_and_nothing_sits_downstream_of_the_goal():
    context = _context()
    # A second end the purpose leads to, above the first: the farthest end is the goal.
    context["e2"] = item(
        "e2", "objective", 12, text="Comunità più coesa", role="end", in_scope=True
    )
    context["l4"] = item("l4", "means_end_link", 13, **{"from": "e1", "to": "e2"})
    # An end beside the goal's chain: seeded, it would sit outside the theory; it is left out.
    context["e3"] = item(
        "e3", "objective", 14, text="Meno spesa sociale", role="end", in_scope=True
    )
    context["l5"] = item("l5", "means_end_link", 15, **{"from": "m1", "to": "e3"})
    board = MemoryBoard(
        "theory_of_change", external={"context": {i: it.type for i, it in context.items()}}
    )
    board.apply(toc._template())
    planned = toc_seed.seed_from_earlier_sessions(view_of(board, {"context": context}))
    assert planned.result["left_out"] == ["e3"]
    board.apply(planned.ops)
    live = board.live()
    outcomes = {
        it["fields"]["source_objective"]: it for it in live.values() if it["type"] == "outcome"
    }
    assert (
        outcomes["e2"]["fields"]["is_goal"]
        and sum(it["fields"]["is_goal"] for it in outcomes.values()) == 1
    )
    frames = {it["fields"]["title"]: it["fields"] for it in live.values() if it["type"] == "frame"}
    band_of = dict(
        zip(
            toc.TIERS,
            ("Impatto", "Esiti di lungo periodo", "Esiti intermedi", "Esiti iniziali"),
            strict=True,
        )
    )
    for source, card in outcomes.items():
        f, band = card["fields"], frames[band_of[card["fields"]["tier"]]]
        assert band["x"] <= f["x"] and f["x"] + f["w"] <= band["x"] + band["w"], source
        assert band["y"] <= f["y"] and f["y"] + f["h"] <= band["y"] + band["h"], source
    goal = (
        outcomes["e2"]["id"]
        if "id" in outcomes["e2"]
        else next(i for i, it in live.items() if it is outcomes["e2"])
    )
    assert not [
        it for it in live.values() if it["type"] == "toc_link" and it["fields"]["from"] == goal
    ]
    findings = codes(toc.check_theory(view_of(board)))
    assert "outcome_without_path_to_goal" not in findings and "cycle" not in findings


def test_the_board_offers_its_actions_in_the_method_order():
    from workshop.boards.canvas import canvases

    names = list(canvases.actions["theory_of_change"])
    for name in (
        "check_theory",
        "seed_from_earlier_sessions",
        "list_assumption_candidates",
        "pick_assumption",
        "generate_narrative",
    ):
        assert name in names
