"""Typed canvases in real Chromium against a real server, as a participant and a conductor
would use them: a small problem tree built by hand (palette, typing, the inspector, causal
links, the check and its findings), actors placed on the power/interest grid and seen live by
the other page, an actor renamed from the registry table, and axe-core with the inspector open.

Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.browser.test_board_browser import ARTIFACTS, WAIT_MS, Person, _unavailable
from tests.support.browser_site import demo_site
from tests.support.live_server import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}

# A project of its own with empty boards (the demo project's boards hold the demo's cards),
# conducted by the demo's conductor, with an invite for the participant.
SETUP = """
import json, sqlalchemy as sa
from workshop import create_app
from workshop.access import service as access
from workshop.demo import DEMO_CONDUCTOR_EMAIL
from workshop.extensions import db
from workshop.models import User
from workshop.projects import service as projects
app = create_app()
with app.app_context():
    conductor = db.session.scalar(sa.select(User).where(User.email == DEMO_CONDUCTOR_EMAIL))
    project = projects.create_project(db.session, {"title": "Prova a mano"}, conductor)
    projects.assign_conductor(db.session, project, conductor)
    invite = access.create_invite(db.session, project.id, conductor.id)
    db.session.commit()
    print(json.dumps({"boards": {str(b.kind): b.id for b in project.boards}, "code": invite.code}))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with demo_site(tmp_path_factory, "canvas", setup=["-c", SETUP]) as facts:
        yield facts


@pytest.fixture(scope="module")
def browser(playwright):
    """This module's Chromium, on the session's one Playwright driver (tests/browser/conftest.py)."""
    from tests.support.browser import launch_browser

    chromium = launch_browser(playwright)
    yield chromium
    chromium.close()


@pytest.fixture
def pair(browser, site):
    conductor = Person(browser, site).log_in()
    participant = Person(browser, site).join("Giulia", code=site["code"])
    yield conductor, participant
    for person in (conductor, participant):
        assert person.errors == [], person.errors
        person.close()


def shot(person, name):
    ARTIFACTS.mkdir(exist_ok=True)
    person.page.screenshot(path=str(ARTIFACTS / f"canvas-{name}.png"))


def add_card(person, item_type, text):
    """The palette button, then type the title in place and press Enter: the new id."""
    before = {i["id"] for i in person.shown()}
    person.page.click(f"[data-canvas=add][data-type={item_type}]")
    person.page.wait_for_selector(".item-editor")
    person.page.keyboard.type(text)
    person.page.keyboard.press("Enter")
    person.page.wait_for_selector(".item-editor", state="detached")
    (new_id,) = {i["id"] for i in person.shown()} - before
    return new_id


def node(person, item_id):
    return person.page.locator(f'.item[data-id="{item_id}"]')


def run_from_menu(person, data_attr):
    person.page.click("[data-canvas=menu]")
    person.page.click(f"#canvas-menu {data_attr}")


def test_a_problem_tree_built_by_hand_is_checked_and_its_findings_select_the_cards(pair, site):
    conductor, participant = pair
    board = site["boards"]["context"]
    participant.open(board)
    conductor.open(board)
    page = participant.page

    core = add_card(participant, "problem", "Anziani soli nei quartieri periferici")
    # The inspector follows the new card: set its role there.
    page.wait_for_selector("#canvas-panel:not([hidden]) [data-field=role]")
    page.select_option("#canvas-panel [data-field=role]", "core")
    participant.wait_item(core, "it.fields.role === 'core'")
    cause = add_card(participant, "problem", "Trasporti pubblici scarsi")
    effect = add_card(participant, "problem", "Accessi impropri al pronto soccorso")
    page.select_option("#canvas-panel [data-field=role]", "effect")
    page.fill("#canvas-panel [data-field=evidence]", "Dati ASST 2024")
    page.keyboard.press("Tab")  # a committed field is one change
    participant.wait_item(
        effect, "it.fields.role === 'effect' && it.fields.evidence === 'Dati ASST 2024'"
    )

    # Spread the cards so the link is visible, then link cause -> core with a causal link.
    participant.js(
        """([a, b, c]) => { const app = window.tavoloBoard;
            app.commit([{op: 'update', id: a, fields: {x: 0, y: 0}},
                        {op: 'update', id: b, fields: {x: 0, y: 260}},
                        {op: 'update', id: c, fields: {x: 0, y: -260}}]);
            app.renderer.fitAll(); }""",
        [core, cause, effect],
    )
    participant.wait_settled()
    assert page.eval_on_selector("#canvas-edge-type", "s => s.value") == "causal_link"
    node(participant, cause).click()
    page.click("[data-tool=connector]")
    node(participant, core).click()
    participant.wait_settled()
    links = [i for i in participant.items() if i["type"] == "causal_link"]
    assert [(lk["fields"]["from"], lk["fields"]["to"]) for lk in links] == [(cause, core)]

    # The conductor sees it all live, with typed chips.
    conductor.wait(
        f"() => window.tavoloBoard.state.get({json.dumps(links[0]['id'])}) !== undefined"
    )
    conductor.wait_item(core, "it.fields.role === 'core'")
    chip = conductor.page.locator(f'.item[data-id="{core}"] .chip').first
    chip.wait_for()
    assert chip.inner_text() in {"Problema centrale", "Core problem"}

    # The check: the effect is linked to nothing.
    run_from_menu(participant, "[data-action=check_problem_tree]")
    page.wait_for_selector("#canvas-findings[data-mode=findings] .finding-button")
    texts = page.locator(".finding-text").all_inner_texts()
    assert any("legami" in text or "link" in text for text in texts), texts
    shot(participant, "problem-tree-findings")
    page.click(".finding-button")
    participant.wait(f"() => window.tavoloBoard.selection.has({json.dumps(effect)})")

    # An action's change is undoable by the one who ran it (a tidy layout moves the cards).
    before = participant.item(cause)["fields"]["y"]
    run_from_menu(participant, "[data-action=layout_problem_tree]")
    participant.wait(
        f"() => window.tavoloBoard.state.get({json.dumps(cause)}).fields.y !== {before}"
    )
    participant.wait("() => window.tavoloBoard.state.canUndo")
    page.keyboard.press("Escape")
    participant.page.locator("#board-viewport").focus()
    page.keyboard.press("Control+z")
    participant.wait(
        f"() => window.tavoloBoard.state.get({json.dumps(cause)}).fields.y === {before}"
    )
    participant.wait_settled()
    shot(conductor, "problem-tree-conductor")


def test_actors_placed_on_the_grid_get_their_quadrant_live_and_the_registry_renames_them(
    pair, site
):
    conductor, participant = pair
    board = site["boards"]["stakeholders"]
    conductor.open(board)
    run_from_menu(conductor, "[data-template=power_interest_grid]")
    conductor.wait("() => [...window.tavoloBoard.state.items()].some(it => it.type === 'pi_grid')")
    conductor.wait_settled()
    participant.open(board)
    grid = next(i for i in participant.items() if i["type"] == "pi_grid")
    page = participant.page

    actor = add_card(participant, "actor", "Comune di Lecco")
    second = add_card(participant, "actor", "Cooperativa La Vela")
    participant.wait_settled()
    page.keyboard.press("Escape")
    participant.js("() => window.tavoloBoard.renderer.fitAll()")

    def drag_to(item_id, power, interest):
        g = grid["fields"]
        wx = g["x"] + g["w"] * (interest - 1) / 4
        wy = g["y"] + g["h"] - g["h"] * (power - 1) / 4
        box = node(participant, item_id).bounding_box()
        target = participant.js(
            """([wx, wy]) => { const r = window.tavoloBoard.viewport.getBoundingClientRect();
                const [sx, sy] = window.tavoloBoard.renderer.worldToScreen(wx, wy);
                return [r.left + sx, r.top + sy]; }""",
            [wx, wy],
        )
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(target[0], target[1], steps=12)
        page.mouse.up()

    drag_to(actor, 4.5, 4.5)
    drag_to(second, 1.8, 4.2)
    participant.wait_item(actor, "it.fields.quadrant === 'manage_closely' && it.fields.power >= 4")
    participant.wait_item(second, "it.fields.quadrant === 'keep_informed'")
    # The conductor's page sees the move and the derived strategy live.
    conductor.wait_item(actor, "it.fields.quadrant === 'manage_closely'")
    chips = conductor.page.locator(f'.item[data-id="{actor}"] .chip.is-derived')
    conductor.page.wait_for_function(
        "(id) => [...document.querySelectorAll(`.item[data-id='${id}'] .chip.is-derived`)]"
        ".some(c => /Gestire da vicino|Manage closely/.test(c.textContent))",
        arg=actor,
        timeout=WAIT_MS,
    )
    assert chips.count() >= 1
    shot(participant, "grid-participant")
    shot(conductor, "grid-conductor")

    # Salience: flags in the inspector, the class in the Venn panel.
    node(participant, actor).click()
    page.wait_for_selector("#canvas-panel [data-field=salience_power]")
    for flag in ("salience_power", "salience_legitimacy", "salience_urgency"):
        page.check(f"#canvas-panel [data-field={flag}]")
    participant.wait_item(actor, "it.fields.salience_class === 'definitive'")
    shot(participant, "inspector-actor")
    run_from_menu(conductor, "[data-view=salience]")
    conductor.page.wait_for_selector("#canvas-panel[data-mode=salience] .class-definitive")
    shot(conductor, "salience")

    # The registry: rename from the table; the participant sees the new name on the card.
    run_from_menu(conductor, "[data-view=registry]")
    field = conductor.page.locator(f'#canvas-panel tr[data-id="{actor}"] input[data-field=name]')
    field.fill("Comune di Lecco - Servizi sociali")
    field.press("Tab")
    participant.wait_item(actor, "it.fields.name === 'Comune di Lecco - Servizi sociali'")
    participant.page.wait_for_function(
        "(id) => document.querySelector(`.item[data-id='${id}'] .card-title`)?.textContent"
        " === 'Comune di Lecco - Servizi sociali'",
        arg=actor,
        timeout=WAIT_MS,
    )
    conductor.page.click("#canvas-panel th .sort-button[data-key=interest]")
    shot(conductor, "registry")


def test_the_board_page_with_the_inspector_open_passes_axe(pair, site):
    conductor, _ = pair
    if not AXE_JS.exists():
        _unavailable("axe-core is missing: run npm ci")
    conductor.open(site["boards"]["context"])
    add_card(conductor, "problem", "Solitudine")
    conductor.page.wait_for_selector("#canvas-panel:not([hidden]) [data-field=role]")
    # The page's CSP refuses inline scripts: evaluate axe through the driver instead.
    conductor.page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;0")
    time.sleep(0.3)
    violations = conductor.js(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
        }"""
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    shot(conductor, "inspector-axe")
    assert blocking == [], blocking
