"""Session 3 in real Chromium, by hand, in two pages: a conductor starts the theory of change
from its template, a participant writes a goal and a precondition, links them with a causal
link and its rationale, adds an indicator to the goal with its four parts, runs the check,
writes the narrative, and the conductor sees all of it live and opens the logframe.

Shares the canvas browser tests' server, people and helpers (tests/browser/test_canvas_browser.py).
"""

from __future__ import annotations

import json

import pytest

from tests.browser.test_board_browser import WAIT_MS

# `browser` is the session's (tests/browser/conftest.py): a second Playwright driver beside it
# would refuse to start.
from tests.browser.test_canvas_browser import (  # noqa: F401  (fixtures are used by name)
    add_card,
    node,
    pair,
    run_from_menu,
    shot,
    site,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def inspector(page, field):
    return page.locator(f"#canvas-panel [data-field={field}]")


def test_a_small_theory_of_change_built_by_hand_in_two_pages(pair, site):  # noqa: F811
    conductor, participant = pair
    board = site["boards"]["theory_of_change"]
    conductor.open(board)
    run_from_menu(conductor, "[data-template=theory_of_change]")
    conductor.wait("() => [...window.tavoloBoard.state.items()].some(it => it.type === 'frame')")
    conductor.wait_settled()
    participant.open(board)
    page = participant.page

    goal = add_card(participant, "outcome", "Le famiglie del quartiere escono dall'isolamento")
    page.wait_for_selector("#canvas-panel:not([hidden]) [data-field=is_goal]")
    inspector(page, "is_goal").check()
    page.select_option("#canvas-panel [data-field=tier]", "long_term")
    participant.wait_item(goal, "it.fields.is_goal === true && it.fields.tier === 'long_term'")

    mid = add_card(participant, "outcome", "Le famiglie frequentano il centro del sabato")
    participant.js(
        """([a, b]) => { const app = window.tavoloBoard;
            app.commit([{op: 'update', id: a, fields: {x: 40, y: 20}},
                        {op: 'update', id: b, fields: {x: 40, y: 640}}]);
            app.renderer.fitAll(); }""",
        [goal, mid],
    )
    participant.wait_settled()

    # The causal link: from the precondition to the goal, then its rationale in the inspector.
    page.select_option("#canvas-edge-type", "toc_link")
    node(participant, mid).click()
    page.click("[data-tool=connector]")
    node(participant, goal).click()
    participant.wait_settled()
    (link,) = [i for i in participant.items() if i["type"] == "toc_link"]
    assert (link["fields"]["from"], link["fields"]["to"]) == (mid, goal)
    participant.js("(id) => window.tavoloBoard.select([id])", link["id"])
    page.wait_for_selector("#canvas-panel:not([hidden]) [data-field=rationale]")
    inspector(page, "rationale").fill("uno spazio sicuro e regolare crea legami tra le famiglie")
    page.keyboard.press("Tab")
    participant.wait_item(link["id"], "it.fields.rationale.startsWith('uno spazio sicuro')")

    # An indicator added while the goal is selected measures the goal; its four parts.
    participant.js("(id) => window.tavoloBoard.select([id])", goal)
    indicator = add_card(participant, "indicator", "Famiglie con una rete di aiuto")
    participant.wait_item(indicator, f"it.fields.of === {json.dumps(goal)}")
    page.wait_for_selector("#canvas-panel:not([hidden]) [data-field=target]")
    # Target (how many), its minimum, and the threshold: what counts as success for one family.
    for field, value in (
        ("target", "40"),
        ("target_minimum", "30"),
        ("unit", "famiglie"),
        ("threshold_note", "almeno due incontri al mese"),
        ("timeline", "2027-06-30"),
    ):
        inspector(page, field).fill(value)
        page.keyboard.press("Tab")
    participant.wait_item(
        indicator,
        "it.fields.target === 40 && it.fields.target_minimum === 30 && it.fields.unit === 'famiglie'"
        " && it.fields.threshold_note === 'almeno due incontri al mese' && it.fields.timeline === '2027-06-30'",
    )

    # The check: the precondition has no indicator yet, and says so.
    run_from_menu(participant, "[data-action=check_theory]")
    page.wait_for_selector("#canvas-findings[data-mode=findings] .finding-button")
    texts = " ".join(page.locator(".finding-text").all_inner_texts())
    assert "indicatori" in texts or "indicator" in texts, texts
    shot(participant, "theory-findings")

    # Candidate assumptions come from the context only when asked; this project's has none yet.
    run_from_menu(participant, "[data-action=list_assumption_candidates]")
    page.wait_for_selector("#canvas-findings[data-mode=candidates] .findings-ok")
    assert (
        page.locator("[data-action=pick_assumption]").count() == 0
    )  # picked from the panel, not the menu

    # A PESTEL factor written on the context board is offered, and becomes a card only when
    # picked: as a risk, on the selected goal.
    participant.open(site["boards"]["context"])
    add_card(participant, "pestel_factor", "Calo dei volontari nel quartiere")
    participant.wait_settled()
    participant.open(board)
    participant.js("(id) => window.tavoloBoard.select([id])", goal)
    run_from_menu(participant, "[data-action=list_assumption_candidates]")
    page.wait_for_selector(
        "#canvas-findings[data-mode=candidates] [data-canvas=pick][data-kind=risk]"
    )
    assert not [i for i in participant.items() if i["type"] == "assumption"]
    shot(participant, "theory-candidates")
    page.click("#canvas-findings [data-canvas=pick][data-kind=risk]")
    participant.wait(
        "(goal) => [...window.tavoloBoard.state.items()].some(it => it.type === 'assumption'"
        " && it.fields.kind === 'risk' && it.fields.attached_to === goal)",
        goal,
    )
    page.wait_for_selector("#canvas-findings[data-mode=candidates] .candidate .muted")
    shot(participant, "theory-candidate-picked")

    # The narrative, written by the server and seen by the conductor as a card on the board.
    run_from_menu(participant, "[data-action=generate_narrative]")
    participant.wait(
        "() => [...window.tavoloBoard.state.items()].some(it => it.type === 'narrative')"
    )
    conductor.wait(
        "() => [...window.tavoloBoard.state.items()].some(it => it.type === 'narrative'"
        " && it.fields.text.includes('crea legami tra le famiglie'))"
    )
    conductor.wait_item(indicator, "it.fields.target === 40")
    conductor.js("() => window.tavoloBoard.renderer.fitAll()")
    conductor.wait_settled()
    shot(conductor, "theory-conductor")

    # The logframe reads the same board.
    conductor.page.goto(site["url"] + f"/boards/{board}/logframe")
    body = conductor.page.locator("table.logframe").inner_text(timeout=WAIT_MS)
    assert "Le famiglie del quartiere escono dall'isolamento" in body
    assert "Famiglie con una rete di aiuto" in body and "40 famiglie (minimo 30)" in body
    assert "almeno due incontri al mese" in body and "30 giugno 2027" in body
    shot(conductor, "theory-logframe")
