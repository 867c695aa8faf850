"""What a hands-on check of the reworked board (issue 15) still found, in real Chromium: the
welcome after joining is a toast on the board (not a line pushing the slim bar down), a long
typed card shows its words then "…" and all of them on focus, the palette's "Connect with"
fits a tablet's tools column, a small card at the fitted zoom is selected by a click (its link
handles step aside), and the check's findings keep their own region beside the inspector.
Screenshots: /work/wt/shots/polish-*.png when that folder exists, else test-artifacts/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.test_board_browser import ARTIFACTS, WAIT_MS, Person
from tests.browser.test_layout_browser import conductor, visitors  # noqa: F401  (fixture)
from tests.support.browser_site import demo_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path("/work/wt/shots") if Path("/work/wt/shots").is_dir() else ARTIFACTS
SIZES = ((1366, 768), (768, 1024), (390, 844))
LONG_TEXT = (
    "Gli anziani che vivono soli nei quartieri periferici non raggiungono i servizi sociali "
    "perché gli autobus serali sono pochi, le fermate lontane e nessuno li accompagna: "
    "restano a casa, perdono i contatti e i servizi li conoscono solo quando è tardi."
)

# A project of its own, conducted by the demo's conductor; an invite that lands on its context
# board; there a problem card with a long text, one with a short text, and a problem far away
# (so that "Show the whole board" makes the cards small).
SETUP = f"""
import json, sqlalchemy as sa
from workshop import create_app
from workshop.access import service as access
from workshop.boards import service
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.demo import DEMO_CONDUCTOR_EMAIL
from workshop.extensions import db
from workshop.models import User
from workshop.projects import service as projects
app = create_app()
with app.app_context():
    conductor = db.session.scalar(sa.select(User).where(User.email == DEMO_CONDUCTOR_EMAIL))
    project = projects.create_project(db.session, {{"title": "Prova rifinitura"}}, conductor)
    projects.assign_conductor(db.session, project, conductor)
    db.session.commit()
    context = next(b.id for b in project.boards if str(b.kind) == "context")
    invite = access.create_invite(db.session, project.id, conductor.id, board_id=context)
    db.session.commit()
    cards = (("long", 0, 0, {json.dumps(LONG_TEXT)}), ("short", 320, 0, "Pochi autobus"),
             ("far", 2400, 1400, "Servizi lontani"))
    ops = [{{"op": "create", "id": cid, "type": "problem",
             "fields": {{"x": x, "y": y, "w": 240, "h": 140, "text": text}}}} for cid, x, y, text in cards]
    change = {{"board_id": context, "change_id": "polish", "client_id": "s", "ops": ops}}
    service.apply_change(db.session, parse_change(change), Actor(f"u:{{conductor.id}}", conductor.name, True))
    db.session.commit()
    print(json.dumps({{"context": context, "code": invite.code}}))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with demo_site(tmp_path_factory, "polish", setup=["-c", SETUP]) as facts:
        yield facts


def shot(person: Person, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    person.page.screenshot(path=str(SHOTS / f"polish-{name}.png"))


def rect(person: Person, selector: str) -> dict | None:
    return person.js(
        """(sel) => { const n = document.querySelector(sel); if (!n) return null;
        const r = n.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; }""",
        selector,
    )


def overlap(a: dict, b: dict) -> bool:
    dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return dx > 1 and dy > 1


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_welcome_after_joining_is_a_toast_on_the_board_not_above_its_bar(visitors, site, size):  # noqa: F811
    person = visitors(viewport=size).join("Giulia", code=site["code"])
    page = person.page
    page.wait_for_selector("#board-root[data-ready=true]", timeout=WAIT_MS * 3)
    assert page.locator(".flashes").count() == 0  # no line of messages above the board
    toast = page.locator("#board-toasts .toast")
    assert "Giulia" in toast.first.inner_text()
    assert rect(person, ".board-bar")["y"] == 0  # the slim bar is the page's first line
    regions = person.js("() => window.tavoloBoard.layout.regions()")
    for name in ("bar", "tools", "zoom", "history"):
        if name in regions:
            assert not overlap(regions["toasts"], regions[name]), (name, regions)
    shot(person, f"welcome-{size[0]}x{size[1]}")


def test_a_long_typed_card_shows_what_fits_then_an_ellipsis_and_all_of_it_on_focus(visitors, site):  # noqa: F811
    person = conductor(visitors).open(site["context"])
    person.js("() => window.tavoloBoard.renderer.setCamera({x: 80, y: 120, zoom: 1})")
    person.wait_settled()
    long = person.page.locator('.item[data-id="long"]')
    person.wait(
        "() => document.querySelector('.item[data-id=\"long\"]').classList.contains('is-clipped')"
    )
    facts = person.js(
        """() => { const card = document.querySelector('.item[data-id="long"]');
        const title = card.querySelector('.card-title'); const c = card.getBoundingClientRect();
        const t = title.getBoundingClientRect();
        return {clamp: getComputedStyle(title).webkitLineClamp, titleBottom: t.bottom, cardBottom: c.bottom,
                tooltip: card.title, name: card.getAttribute('aria-label'), cardH: c.height,
                short: document.querySelector('.item[data-id="short"]').classList.contains('is-clipped')}; }"""
    )
    assert int(facts["clamp"]) >= 2, facts  # the lines that fit, then "…"
    assert facts["titleBottom"] <= facts["cardBottom"], facts
    assert facts["tooltip"] == LONG_TEXT and LONG_TEXT in facts["name"], facts
    assert facts["short"] is False  # a short title is whole: no clamp
    shot(person, "long-card")
    # On keyboard focus the card grows to show every word, then takes its size back.
    person.page.keyboard.press("Shift")
    person.js("() => document.querySelector('.item[data-id=\"long\"]').focus()")
    grown = person.js(
        """() => { const card = document.querySelector('.item[data-id="long"]');
        const title = card.querySelector('.card-title');
        return {h: card.getBoundingClientRect().height, clipped: title.scrollHeight > title.clientHeight + 1}; }"""
    )
    assert grown["h"] > facts["cardH"] and grown["clipped"] is False, (grown, facts)
    shot(person, "long-card-focused")
    assert long.get_attribute("aria-label").count(LONG_TEXT) == 1


def test_connect_with_fits_the_tools_column_of_a_tablet(visitors, site):  # noqa: F811
    person = conductor(visitors, viewport=(768, 1024)).open(site["context"])
    select = rect(person, "#canvas-edge-type")
    tools = rect(person, ".board-toolbar")
    assert (
        select["w"] > 0
        and select["x"] >= tools["x"]
        and select["x"] + select["w"] <= tools["x"] + tools["w"] + 0.5
    )
    # Its choice is readable whole: the select is as wide as its longest option needs.
    fits = person.js(
        """() => { const s = document.querySelector('#canvas-edge-type');
        const probe = document.createElement('span'); probe.style.font = getComputedStyle(s).font;
        probe.style.position = 'absolute'; probe.style.whiteSpace = 'nowrap';
        document.body.append(probe); let widest = 0;
        for (const o of s.options) { probe.textContent = o.text; widest = Math.max(widest, probe.offsetWidth); }
        probe.remove(); return {widest, inner: s.clientWidth}; }"""
    )
    assert fits["widest"] <= fits["inner"], fits
    label = rect(person, "label[for=canvas-edge-type]")
    assert label["x"] + label["w"] <= tools["x"] + tools["w"] + 0.5
    shot(person, "connect-with-768x1024")


def test_a_click_on_a_small_card_at_the_whole_board_zoom_selects_it(visitors, site):  # noqa: F811
    person = conductor(visitors).open(site["context"])
    page = person.page
    page.click('[data-action="zoom-whole"]')
    person.wait_settled()
    box = page.locator('.item[data-id="short"]').bounding_box()
    assert box["height"] < 72, box  # small on screen: three handle targets would not fit
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*centre)
    page.wait_for_timeout(100)
    assert page.locator('.link-handle[data-for="short"]').count() == 0
    page.mouse.click(*centre)
    person.wait("() => window.tavoloBoard.selection.has('short')")
    assert (
        person.js(
            "() => [...window.tavoloBoard.state.items()].filter(i => i.type === 'connector').length"
        )
        == 0
    )
    shot(person, "small-card-selected")
    # Zoomed in again, the same card shows its handles.
    person.js("() => window.tavoloBoard.renderer.setCamera({x: 0, y: 100, zoom: 1})")
    person.wait("() => document.querySelectorAll('.link-handle[data-for=\"short\"]').length === 4")


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_findings_keep_their_own_region_beside_the_inspector(visitors, site, size):  # noqa: F811
    person = conductor(visitors, viewport=size).open(site["context"])
    page = person.page
    page.click("[data-canvas=menu]")
    page.click('#canvas-menu [data-action="check_problem_tree"]')
    page.wait_for_selector("#canvas-findings:not([hidden]) .finding-button", timeout=WAIT_MS)
    assert page.locator("#canvas-panel").is_hidden()
    person.js("() => window.tavoloBoard.select(['short'])")  # as a click on a card does
    page.wait_for_selector("#canvas-panel:not([hidden])", timeout=WAIT_MS)  # the inspector opens
    assert page.locator("#canvas-findings").is_visible()  # and the findings stay
    page.wait_for_timeout(300)  # one frame for the layout
    regions = person.js("() => window.tavoloBoard.layout.regions()")
    assert {"panel", "findings"} <= regions.keys(), regions
    assert not overlap(regions["panel"], regions["findings"]), regions
    assert not overlap(regions["board"], regions["findings"]), regions
    shot(person, f"findings-inspector-{size[0]}x{size[1]}")
    # Each closes on its own.
    page.locator("#canvas-findings [data-canvas=close-findings]").click()
    assert (
        page.locator("#canvas-findings").is_hidden() and page.locator("#canvas-panel").is_visible()
    )
