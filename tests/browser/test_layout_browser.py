"""The board page as a workspace (issue 15) in real Chromium: every panel in its own region (no
two rectangles overlap with everything open at 1366x768), a phone where the chrome takes at
most 15% of the height and a note is added and edited by touch, reflow at 320 CSS px and at
200% zoom, a board that opens readable and a "fit" that stops at a readable zoom, reduced
motion, and the page's weight (compressed, cached). Screenshots go to test-artifacts/layout-*.png
and the figures to test-artifacts/layout-figures.json."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from tests.browser.test_board_browser import ARTIFACTS, ORGANIZER, WAIT_MS, Person
from tests.support.browser_site import demo_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROME_SHARE_MAX = 0.15  # of the window's height, on a phone and a tablet
READABLE_ZOOM = 0.75  # = static/js/board/config.js: 12 px text on screen
# The regions that must never overlap (the board itself lies under its two bands).
PANELS = (
    *("bar", "rooms", "tools", "notice", "history", "selection", "zoom", "toasts"),
    *("conductor", "panel", "findings", "call", "menu"),
)

# A project of its own conducted by the demo's conductor, an invite, and a context board with a
# wide spread of cards (too big to read whole) on the stakeholder board.
SETUP = """
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
    project = projects.create_project(db.session, {"title": "Prova impaginazione"}, conductor)
    projects.assign_conductor(db.session, project, conductor)
    invite = access.create_invite(db.session, project.id, conductor.id)
    db.session.commit()
    boards = {str(b.kind): b.id for b in project.boards}
    wide = projects.add_free_board(db.session, project, "Lavagna larga").id
    db.session.commit()
    actor = Actor(f"u:{conductor.id}", conductor.name, True)
    for i in range(60):  # one change each: the last made is the latest (seq)
        fields = {"x": (i % 12) * 900, "y": (i // 12) * 700, "w": 200, "h": 200,
                  "text": f"Nota lontana {i}", "color": "yellow"}
        op = {"op": "create", "id": f"w{i}", "type": "sticky", "fields": fields}
        change = {"board_id": wide, "change_id": f"w{i}", "client_id": "s", "ops": [op]}
        service.apply_change(db.session, parse_change(change), actor)
    block = projects.add_free_board(db.session, project, "Lavagna in blocco").id
    db.session.commit()
    ops = [{"op": "create", "id": f"b{i}", "type": "sticky",  # one change: as a group's zones
            "fields": {"x": (11 - i % 12) * 900, "y": (4 - i // 12) * 700, "w": 200, "h": 200,
                       "text": f"Nota in blocco {i}", "color": "blue"}} for i in range(60)]
    change = {"board_id": block, "change_id": "block", "client_id": "s", "ops": ops}
    service.apply_change(db.session, parse_change(change), actor)
    tall = projects.add_free_board(db.session, project, "Lavagna alta").id
    db.session.commit()
    for i in range(20):  # two columns: on a phone, the height decides the zoom that fits all
        fields = {"x": (i % 2) * 300, "y": (i // 2) * 300, "w": 200, "h": 200,
                  "text": f"Nota in colonna {i}", "color": "green"}
        op = {"op": "create", "id": f"t{i}", "type": "sticky", "fields": fields}
        change = {"board_id": tall, "change_id": f"t{i}", "client_id": "s", "ops": [op]}
        service.apply_change(db.session, parse_change(change), actor)
    db.session.commit()
    from workshop.demo import DEMO_PROJECT_TITLE
    from workshop.models import Project
    demo = db.session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
    report = next(b.id for b in demo.boards if str(b.kind) == "social_reporting")
    print(json.dumps({"boards": boards, "wide": wide, "tall": tall, "block": block,
                      "code": invite.code,
                      "report_board": report}))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with demo_site(tmp_path_factory, "layout", setup=["-c", SETUP], without_redis=True) as facts:
        yield facts


@pytest.fixture(scope="module")
def browser(playwright):
    from tests.support.browser import launch_browser

    chromium = launch_browser(playwright)
    yield chromium
    chromium.close()


class Visitor(Person):
    """A Person with a chosen window, touch and motion preference."""

    def __init__(
        self, browser, site, *, viewport=(1366, 768), touch=False, reduced_motion=None, scale=1
    ):
        self.site = site
        self.context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            has_touch=touch,
            is_mobile=touch,
            device_scale_factor=scale,
            reduced_motion=reduced_motion,
        )
        self.page = self.context.new_page()
        self.dialogs = []
        self.errors = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))


@pytest.fixture
def visitors(browser, site):
    opened = []

    def make(**kwargs) -> Visitor:
        visitor = Visitor(browser, site, **kwargs)
        opened.append(visitor)
        return visitor

    yield make
    for visitor in opened:
        assert visitor.errors == [], visitor.errors
        visitor.close()


PALETTE_CUT = """() => [...document.querySelectorAll('.palette-button')]
    .filter(b => b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1)
    .map(b => b.innerText)"""
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
    .filter(n => n.getBoundingClientRect().right > 321)
    .slice(0, 5).map(n => n.tagName + '.' + n.className)"""
NOTES_IN_VIEW = """() => {
    const v = document.querySelector('#board-viewport').getBoundingClientRect();
    return [...document.querySelectorAll('.item-sticky')].filter(n => {
        const r = n.getBoundingClientRect();
        return r.right > v.left && r.left < v.right && r.bottom > v.top && r.top < v.bottom;
    }).map(n => n.querySelector('.item-body').textContent);
}"""
LABEL_ON_SCREEN = """() => {
    const s = getComputedStyle(document.querySelector('.item-sticky .item-body'));
    const zoom = window.tavoloBoard.renderer.camera.zoom;
    return {visible: s.visibility, px: parseFloat(s.fontSize) * zoom};
}"""
# An empty place of the board in view, as a point inside #board-viewport: the middle of the
# board's free spot for a note when that is in view, else the first point of a grid over the view
# where nothing but the board is (freeSpot may answer beside a card, outside a phone's narrow
# view: a tap there landed on the page, not the board).
FREE_SPOT = """() => {
    const app = window.tavoloBoard;
    const viewport = document.querySelector('#board-viewport');
    const box = viewport.getBoundingClientRect();
    const empty = (x, y) => {
        const hit = document.elementFromPoint(box.left + x, box.top + y);
        return hit !== null && viewport.contains(hit) && !hit.closest('.item, .board-band');
    };
    const [fx, fy] = app.freeSpot('sticky');
    const [sx, sy] = app.renderer.worldToScreen(fx + 100, fy + 100);
    if (empty(sx, sy)) return {x: sx, y: sy};
    for (let y = 60; y < box.height - 60; y += 20) {
        for (let x = 30; x < box.width - 30; x += 20) {
            if (empty(x, y)) return {x, y};
        }
    }
    return null;
}"""
DOT_ANIMATION = """() => {
    const status = document.querySelector('#board-status');
    status.dataset.status = 'reconnecting';
    return getComputedStyle(status.querySelector('.status-dot')).animationName;
}"""


def conductor(visitors, **kwargs) -> Visitor:
    return visitors(**kwargs).log_in("conduttore@demo.local", ORGANIZER[1])


def regions(person):
    return person.js("() => window.tavoloBoard.layout.regions()")


def overlaps(rects):
    """Pairs of named rectangles that overlap by more than a pixel."""
    names = [n for n in PANELS if n in rects]
    found = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            r, s = rects[a], rects[b]
            dx = min(r["x"] + r["w"], s["x"] + s["w"]) - max(r["x"], s["x"])
            dy = min(r["y"] + r["h"], s["y"] + s["h"]) - max(r["y"], s["y"])
            if dx > 1 and dy > 1:
                found.append((a, b))
    return found


def shot(person, name):
    ARTIFACTS.mkdir(exist_ok=True)
    person.page.screenshot(path=str(ARTIFACTS / f"layout-{name}.png"))


def add_card(person, item_type, text):
    person.page.click(f"[data-canvas=add][data-type={item_type}]")
    person.page.wait_for_selector(".item-editor")
    person.page.keyboard.type(text)
    person.page.keyboard.press("Enter")
    person.page.wait_for_selector(".item-editor", state="detached")


def open_everything(person):
    """The conductor's panel and a live session, the inspector, the Method menu, a toast."""
    page = person.page
    page.click("#conductor-toggle")
    page.click('#conductor-panel [data-conduct="open"]')
    page.wait_for_selector("#rooms-bar:not([hidden])", timeout=WAIT_MS)
    card = person.js(
        "() => [...window.tavoloBoard.state.items()].find(i => i.type === 'problem').id"
    )
    page.click(f'.item[data-id="{card}"]')
    page.keyboard.press("i")
    page.wait_for_selector("#canvas-panel:not([hidden])")
    person.js(
        "() => window.tavoloBoard.toasts.show('Prova: non salvata.', {tone: 'error', ms: 60000})"
    )
    page.click("[data-canvas=menu]")
    page.wait_for_selector("#canvas-menu:not([hidden])")
    page.wait_for_timeout(300)  # one frame for the layout


def test_with_every_panel_open_no_two_panels_overlap(visitors, site):
    person = conductor(visitors).open(site["boards"]["context"])
    for text in ("Anziani soli", "Trasporti scarsi la sera", "Servizi poco conosciuti"):
        add_card(person, "problem", text)
    open_everything(person)
    rects = regions(person)
    for name in PANELS:
        if name in ("notice", "findings"):
            continue  # only for observers and locked boards; the findings open below
        assert name in rects, (name, rects)
    assert overlaps(rects) == [], rects
    # The dock lies beside the board: the board's column ends where the dock begins.
    board = rects["board"]
    assert board["x"] + board["w"] <= rects["conductor"]["x"] + 1
    shot(person, "conductor-all-1366x768")

    # The findings come in a region of their own, beside the inspector and clear of the rest.
    person.page.click('#canvas-menu [data-action="check_problem_tree"]')
    person.page.wait_for_selector('#canvas-findings[data-mode="findings"]', timeout=WAIT_MS)
    person.page.click("[data-canvas=menu]")
    person.page.wait_for_timeout(300)
    rects = regions(person)
    assert {"panel", "findings", "menu", "conductor"} <= rects.keys()
    assert overlaps(rects) == [], rects
    shot(person, "conductor-findings-1366x768")

    for size in ((768, 1024), (390, 844)):
        person.page.set_viewport_size({"width": size[0], "height": size[1]})
        person.page.wait_for_timeout(300)
        rects = regions(person)
        assert overlaps(rects) == [], (size, rects)
        assert person.js("() => document.documentElement.scrollWidth") <= size[0]
        shot(person, f"conductor-all-{size[0]}x{size[1]}")


def participant(visitors, site, **kwargs) -> Visitor:
    person = visitors(**kwargs).join("Giulia", code=site["code"])
    return person.open(site["boards"]["context"])


@pytest.mark.parametrize("size", [(390, 844), (768, 1024)])
def test_on_a_phone_and_a_tablet_the_board_has_room_and_a_note_is_made_by_touch(
    visitors, site, size
):
    leader = conductor(visitors).open(site["boards"]["context"])
    leader.page.click("#conductor-toggle")
    leader.page.wait_for_selector("#conductor-panel [data-conduct]", timeout=WAIT_MS)
    if leader.page.locator('#conductor-panel [data-conduct="open"]').count():
        leader.page.click('#conductor-panel [data-conduct="open"]')  # a live session, once
    person = participant(visitors, site, viewport=size, touch=True)
    page = person.page
    page.wait_for_selector("#rooms-bar:not([hidden])", timeout=WAIT_MS)
    page.wait_for_timeout(300)
    rects = regions(person)
    height = size[1]
    chrome = height - rects["board"]["h"]
    figures = {"window": size, "chrome_px": chrome, "chrome_share": round(chrome / height, 3)}
    assert chrome / height <= CHROME_SHARE_MAX, figures
    assert overlaps(rects) == [], rects
    assert person.js("() => document.documentElement.scrollWidth") <= size[0]
    # On a phone the tools are one row at the foot, never a strip over the board.
    if size[0] < 700:
        tools = rects["tools"]
        assert tools["w"] >= size[0] - 1 and tools["h"] <= 60, tools
        assert tools["y"] >= rects["board"]["y"] + rects["board"]["h"] - 1
    # Every card's name in the palette is whole: no word cut across two lines.
    cut = person.js(PALETTE_CUT)
    assert cut == []
    # Raise a hand and join the call are there, inside the window.
    for selector in ('#rooms-bar [data-rooms-action="hand"]', ".call-join"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, selector
    page.tap('#rooms-bar [data-rooms-action="hand"]')
    page.wait_for_selector(
        '#rooms-bar [data-rooms-action="hand"][aria-pressed="true"]', timeout=WAIT_MS
    )

    # A note by touch: tap the note tool, tap the board, type, then tap the note and edit it.
    before = {i["id"] for i in person.shown()}
    page.tap('.tool-button[data-tool="sticky"]')
    spot = person.js(FREE_SPOT)  # an empty place in view: the tap must not land on a card
    page.tap("#board-viewport", position=spot)
    page.wait_for_selector(".item-editor")
    page.keyboard.type("Telefonate agli anziani")
    page.keyboard.press("Enter")
    page.wait_for_selector(".item-editor", state="detached")
    (note,) = {i["id"] for i in person.shown()} - before
    person.wait_item(note, "it.fields.text === 'Telefonate agli anziani'")
    # An empty place unselects (a card there would open its inspector, which pans to it).
    page.tap("#board-viewport", position=person.js(FREE_SPOT))
    page.tap(f'.item[data-id="{note}"]')
    page.tap('.board-selection-actions [data-action="edit"]')
    page.wait_for_selector(".item-editor")
    page.keyboard.press("End")
    page.keyboard.type(" del quartiere")
    page.keyboard.press("Enter")
    person.wait_settled()
    person.wait_item(note, "it.fields.text === 'Telefonate agli anziani del quartiere'")
    assert [i for i in person.shown() if i["type"] == "text"] == []  # typing made no text item
    shot(person, f"participant-{size[0]}x{size[1]}")
    record_figure(f"chrome_{size[0]}x{size[1]}", figures)


def record_figure(name, value):
    path = ARTIFACTS / "layout-figures.json"
    ARTIFACTS.mkdir(exist_ok=True)
    figures = json.loads(path.read_text()) if path.exists() else {}
    figures[name] = value
    path.write_text(json.dumps(figures, indent=2))


@pytest.mark.parametrize(
    ("label", "window", "scale"),
    [("320 CSS px", (320, 640), 1), ("200% zoom of 1366x768", (683, 384), 2)],
)
def test_the_board_reflows_at_320_px_and_at_200_percent(visitors, site, label, window, scale):
    person = participant(visitors, site, viewport=window, scale=scale)
    rects = regions(person)
    assert person.js("() => document.documentElement.scrollWidth") <= window[0], label
    assert rects["board"]["h"] >= 0.5 * window[1], (label, rects)
    assert overlaps(rects) == [], (label, rects)
    shot(person, f"participant-{window[0]}x{window[1]}")


def test_organize_and_the_report_page_do_not_scroll_sideways_at_320_px(visitors, site):
    person = visitors(viewport=(320, 640)).log_in()
    for path in ("/organize", f"/boards/{site['report_board']}/report"):
        person.page.goto(site["url"] + path)
        person.page.wait_for_load_state()
        width = person.js("() => document.documentElement.scrollWidth")
        wide = person.js(TOO_WIDE)
        shot(person, "320" + path.replace("/", "-"))
        assert width <= 320, (path, width, wide)


def test_a_board_opens_readable_and_fit_stops_at_a_readable_zoom(visitors, site):
    person = conductor(visitors).open(site["wide"])
    zoom = person.js("() => window.tavoloBoard.renderer.camera.zoom")
    assert zoom >= READABLE_ZOOM, zoom
    # The latest note is in view, its words at least 12 px on screen.
    seen = person.js(NOTES_IN_VIEW)
    assert "Nota lontana 59" in seen, seen
    person.page.click("#board-viewport", position={"x": 5, "y": 5})
    person.page.keyboard.press("0")
    assert person.js("() => window.tavoloBoard.renderer.camera.zoom") >= READABLE_ZOOM
    person.page.click('[data-action="zoom-reset"]')
    assert person.js("() => window.tavoloBoard.renderer.camera.zoom") >= READABLE_ZOOM
    # Asked for, the whole board: small, and the notes still show their words as labels.
    person.page.click("#board-viewport", position={"x": 5, "y": 5})
    person.page.keyboard.press("Shift+Digit0")
    whole = person.js("() => window.tavoloBoard.renderer.camera.zoom")
    assert whole < 0.3, whole
    person.page.wait_for_timeout(200)
    label = person.js(LABEL_ON_SCREEN)
    assert label["visible"] == "visible" and label["px"] >= 11.9, label
    shot(person, "whole-board-1366x768")
    person.page.click('[data-action="zoom-whole"]')
    assert person.js("() => window.tavoloBoard.renderer.camera.zoom") < 0.3


def test_a_board_laid_out_in_one_change_opens_on_its_top_left(visitors, site):
    """Sixty notes made in one change (a group's board starts so, with the plenary's zones):
    too wide to read whole, it opens on the top left, where reading starts, not on the note
    that happened to be made last."""
    person = visitors(viewport=(390, 844), touch=True).join("Giulia", code=site["code"])
    person.open(site["block"])
    assert person.js("() => window.tavoloBoard.renderer.camera.zoom") >= READABLE_ZOOM
    seen = person.js(NOTES_IN_VIEW)
    assert "Nota in blocco 59" in seen, seen  # made last of the change, placed top left
    assert "Nota in blocco 0" not in seen, seen  # made first, placed bottom right


def test_reduced_motion_stops_the_connection_dot(visitors, site):
    person = conductor(visitors, reduced_motion="reduce").open(site["boards"]["context"])
    name = person.js(DOT_ANIMATION)
    assert name == "none"


def test_the_board_page_is_light_compressed_and_cached(visitors, site):
    """Bytes over the wire and requests for a board page, first visit and a later one."""
    person = conductor(visitors)
    page = person.page
    cdp = person.context.new_cdp_session(page)
    cdp.send("Network.enable")
    loads = {}

    def measure(label):
        seen = {}
        finished = {}

        def received(event):
            response = event["response"]
            headers = {k.lower(): v for k, v in response["headers"].items()}
            cached = response.get("fromDiskCache") or response.get("fromMemoryCache")
            seen[event["requestId"]] = {
                "url": response["url"],
                "cached": bool(cached),
                "encoding": headers.get("content-encoding", ""),
            }

        served = set()
        cdp.on("Network.requestServedFromCache", lambda e: served.add(e["requestId"]))
        cdp.on("Network.responseReceived", received)
        cdp.on(
            "Network.loadingFinished",
            lambda e: finished.update({e["requestId"]: e["encodedDataLength"]}),
        )
        person.open(site["boards"]["context"])
        page.wait_for_timeout(500)
        for rid in served & seen.keys():
            seen[rid]["cached"] = True
        http = {rid: r for rid, r in seen.items() if r["url"].startswith("http")}
        fetched = {rid: r for rid, r in http.items() if not r["cached"]}
        loads[label] = {
            "requests": len(http),
            "from_cache": len(http) - len(fetched),
            "static_fetched": [r["url"] for r in fetched.values() if "/static/" in r["url"]],
            "bytes_over_the_wire": sum(finished.get(rid, 0) for rid in fetched),
            "uncompressed_text": [
                r["url"]
                for r in fetched.values()
                if r["url"].split("?")[0].endswith((".js", ".css")) and not r["encoding"]
            ],
        }

    measure("first visit")
    measure("second visit")
    record_figure("weight", loads)
    first, second = loads["first visit"], loads["second visit"]
    assert first["uncompressed_text"] == [], first
    # 200 KB before issue 15's branches were merged; they added real code (keynav.js, a11y-tree.js,
    # shortcuts.js, handles.js, card_menu.js, input.js, live.js, method_menu.js, inspector.js,
    # input.css, live.css): about 219 KB with Brotli 6, every file versioned and cached for good.
    # The polish after it (fitting long typed titles, the findings' own region, render.js split
    # in three modules: two more requests) added about 4.5 KB: 234 KB measured. The verbale's
    # decision marks in the conductor's panel (decisions.js, conductor_dom.js, thumbnails.js)
    # about 7 KB more: 241 KB measured (a conductor's page: it loads the panel's modules, which
    # participants do not: test_a_participant_does_not_download_the_conductors_panel).
    assert first["bytes_over_the_wire"] < 250_000, first
    # The second time every static file comes from the browser's cache, unasked.
    assert first["static_fetched"] and second["static_fetched"] == [], loads


CONDUCTOR_MODULES = ("conductor.js", "decisions.js", "conductor_dom.js", "thumbnails.js")


def test_a_participant_does_not_download_the_conductors_panel(visitors, site):
    """The conductor's panel (about 8 KB compressed) comes to conductors only: a participant's
    phone skips it; a conductor's page loads it and its toggle appears."""
    fetched: dict[str, list[str]] = {"participant": [], "conductor": []}
    guest = visitors(viewport=(390, 844))
    guest.page.on("request", lambda r: fetched["participant"].append(r.url.split("?")[0]))
    guest.join("Giulia", code=site["code"]).open(site["boards"]["context"])
    guest.page.wait_for_timeout(500)
    leader = visitors()
    leader.page.on("request", lambda r: fetched["conductor"].append(r.url.split("?")[0]))
    leader.log_in("conduttore@demo.local", ORGANIZER[1]).open(site["boards"]["context"])
    leader.page.wait_for_selector("#conductor-toggle:not([hidden])", timeout=WAIT_MS)

    def modules(who: str) -> set[str]:
        return {
            u.rsplit("/", 1)[-1] for u in fetched[who] if u.rsplit("/", 1)[-1] in CONDUCTOR_MODULES
        }

    assert modules("participant") == set(), fetched["participant"]
    assert modules("conductor") == set(CONDUCTOR_MODULES)
    assert guest.page.locator("#conductor-toggle").is_hidden()


ITEMS_CLEAR_OF_BANDS = """() => {
    const reach = (band, key) => [...band.children].map(c => c.getBoundingClientRect())
        .filter(r => r.width && r.height).map(r => r[key]);
    const top = Math.max(...reach(document.querySelector('#board-band-top'), 'bottom'));
    const bottom = Math.min(...reach(document.querySelector('#board-band-bottom'), 'top'));
    const cards = [...document.querySelectorAll('#board-viewport .item-sticky')]
        .map(n => ({id: n.dataset.id, r: n.getBoundingClientRect()}));
    const under = cards.filter(({r}) => r.top < top - 1 || r.bottom > bottom + 1)
        .map(({id, r}) => `${id} ${Math.round(r.top)}-${Math.round(r.bottom)}`);
    return {top, bottom, count: cards.length, under};
}"""


def test_on_a_phone_the_board_is_fitted_under_the_notice_and_the_call_button(visitors, site):
    """On a phone the top band holds the call's button and the board's notice (here: locked)
    over two or three lines: the board is fitted into what the bands leave clear, not under."""
    leader = conductor(visitors).open(site["tall"])
    leader.page.click("#conductor-toggle")
    leader.page.click('#conductor-panel [data-conduct="lock"]')
    leader.page.wait_for_selector('#conductor-panel [data-conduct="unlock"]', timeout=WAIT_MS)
    try:
        person = visitors(viewport=(390, 844), touch=True).join("Giulia", code=site["code"])
        page = person.open(site["tall"]).page
        page.wait_for_selector("#board-notice:not([hidden])", timeout=WAIT_MS)
        page.wait_for_selector(".call-join", timeout=WAIT_MS)
        page.tap('[data-action="zoom-whole"]')
        page.wait_for_timeout(300)
        seen = person.js(ITEMS_CLEAR_OF_BANDS)
        assert seen["top"] > 90 + 8, seen  # the band reaches beyond the fixed margin
        assert seen["count"] == 20 and seen["under"] == [], seen
        shot(person, "phone-fitted-under-the-notice")
    finally:
        leader.page.click('#conductor-panel [data-conduct="unlock"]')
        leader.page.wait_for_selector('#conductor-panel [data-conduct="lock"]', timeout=WAIT_MS)


CARD_CLEAR_OF_BANDS = """(id) => {
    const reach = (band, key) => [...band.children].map(c => c.getBoundingClientRect())
        .filter(r => r.width && r.height).map(r => r[key]);
    const v = document.querySelector('#board-viewport').getBoundingClientRect();
    const top = Math.max(v.top, ...reach(document.querySelector('#board-band-top'), 'bottom'));
    const bottom = Math.min(v.bottom, ...reach(document.querySelector('#board-band-bottom'), 'top'));
    const r = document.querySelector(`.item[data-id="${id}"]`).getBoundingClientRect();
    return {top, bottom, card: [Math.round(r.top), Math.round(r.bottom)],
        clear: r.top >= top - 1 && r.bottom <= bottom + 1 && r.left >= v.left && r.right <= v.right};
}"""

# Pan so that the card's top shows just above the bottom band, the rest under it.
PAN_CARD_UNDER_THE_BOTTOM_BAND = """(id) => {
    const app = window.tavoloBoard;
    const band = Math.min(...[...document.querySelector('#board-band-bottom').children]
        .map(c => c.getBoundingClientRect()).filter(r => r.width && r.height).map(r => r.top));
    const card = document.querySelector(`.item[data-id="${id}"]`).getBoundingClientRect();
    app.renderer.panBy(0, band - 30 - card.top);
    const after = document.querySelector(`.item[data-id="${id}"]`).getBoundingClientRect();
    return {x: after.left + 40, y: after.top + 12};
}"""


def test_on_a_phone_a_card_opened_in_the_sheet_shows_clear_of_the_floating_buttons(visitors, site):
    """On a phone the inspector opens as a sheet over the board's lower half, and the undo,
    zoom and selection buttons float over what is left: the card tapped moves into the part
    nobody covers, as does a card reached by the keyboard."""
    person = participant(visitors, site, viewport=(390, 844), touch=True)
    page = person.page
    before = {i["id"] for i in person.shown()}
    add_card(person, "problem", "Pochi spazi per i giovani la sera")
    person.wait_settled()
    (card,) = {i["id"] for i in person.shown()} - before
    page.tap('#canvas-panel [data-canvas="close-panel"]')
    page.wait_for_selector("#canvas-panel", state="hidden")
    person.js("() => window.tavoloBoard.select([])")
    spot = person.js(PAN_CARD_UNDER_THE_BOTTOM_BAND, card)
    assert not person.js(CARD_CLEAR_OF_BANDS, card)["clear"]
    page.tap("body", position=spot)
    page.wait_for_selector("#canvas-panel:not([hidden])")
    page.wait_for_timeout(300)  # one frame for the layout
    seen = person.js(CARD_CLEAR_OF_BANDS, card)
    assert seen["clear"], seen
    shot(person, "phone-card-clear-of-the-buttons")

    # The keyboard: a card reached by the arrow keys is revealed clear of the bands too.
    page.tap('#canvas-panel [data-canvas="close-panel"]')
    page.wait_for_selector("#canvas-panel", state="hidden")
    person.js(PAN_CARD_UNDER_THE_BOTTOM_BAND, card)
    person.js("(id) => window.tavoloBoard.renderer.reveal(id)", card)
    seen = person.js(CARD_CLEAR_OF_BANDS, card)
    assert seen["clear"], seen


def test_below_a_short_panel_the_dock_keeps_the_panels_ground(visitors, site):
    """The inspector of a card is shorter than the board: below it the dock is the panels'
    ground to the board's foot, not the page's, so the panel reads as a side panel."""
    person = participant(visitors, site)
    add_card(person, "problem", "Orari degli sportelli poco chiari")
    person.page.wait_for_selector("#canvas-panel:not([hidden])")
    person.page.wait_for_timeout(300)  # one frame for the layout
    rects = regions(person)
    panel, board = rects["panel"], rects["board"]
    below = board["y"] + board["h"] - 8
    assert panel["y"] + panel["h"] < below - 40, rects  # the panel is short: there is a below
    ground = person.js(
        "() => getComputedStyle(document.querySelector('#canvas-panel')).backgroundColor"
    )
    clip = {"x": panel["x"] + panel["w"] / 2, "y": below, "width": 1, "height": 1}
    pixel = Image.open(io.BytesIO(person.page.screenshot(clip=clip))).convert("RGB")
    assert f"rgb({', '.join(map(str, pixel.getpixel((0, 0))))})" == ground
    shot(person, "inspector-dock-to-the-foot")


def test_in_a_vote_a_selected_card_shows_no_row_of_buttons_that_all_say_no(visitors, site):
    """During a vote nobody but the conductor changes a card: a participant who selects one to
    vote for it sees no row of disabled buttons over the board (the zoom stays)."""
    leader = conductor(visitors).open(site["boards"]["context"])
    leader.page.click("#conductor-toggle")
    leader.page.wait_for_selector("#conductor-panel [data-conduct]", timeout=WAIT_MS)
    if leader.page.locator('#conductor-panel [data-conduct="open"]').count():
        leader.page.click('#conductor-panel [data-conduct="open"]')
    leader.page.wait_for_selector('#conductor-panel [data-input="phase"]', timeout=WAIT_MS)

    def phase(value: str) -> None:
        leader.page.select_option('#conductor-panel [data-input="phase"]', value)
        leader.page.click('#conductor-panel [data-conduct="phase"]')

    person = participant(visitors, site, viewport=(390, 844), touch=True)
    add_card(person, "problem", "Pochi spazi per studiare")
    try:
        phase("vote")
        person.page.wait_for_selector('#rooms-bar [data-rooms-action="vote"]', timeout=WAIT_MS)
        card = person.js(
            "() => [...window.tavoloBoard.state.items()].find(i => i.type === 'problem').id"
        )
        person.js("(id) => window.tavoloBoard.select([id])", card)
        person.page.wait_for_timeout(300)  # one frame for the layout
        assert person.page.locator(".board-selection-actions").is_hidden()
        # The inspector's sheet leaves the board a strip: the zoom gives it up too, and the
        # card shows clear of what floats there.
        person.page.wait_for_selector("#canvas-panel:not([hidden])")
        assert person.page.locator(".board-zoom").is_hidden()
        assert person.js(CARD_CLEAR_OF_BANDS, card)["clear"]
        person.page.tap('#canvas-panel [data-canvas="close-panel"]')
        person.page.wait_for_selector(".board-zoom", state="visible")
        shot(person, "phone-vote-selected")
    finally:
        phase("")


def test_on_a_tablet_held_upright_a_typed_card_and_its_inspector_leave_the_board_room(
    visitors, site
):
    """768 x 1024 with a typed card's inspector open: the tools' column was as wide as
    "Tavolo di co-progettazione" on one line (178 px) and the board a 271 px strip under three
    rows of floating buttons (178 px). The column is now as wide as its widest word or choice,
    and on a strip the selection's buttons take the zoom's place, as on a phone."""
    person = participant(visitors, site, viewport=(768, 1024), touch=True)
    before = {i["id"] for i in person.shown()}
    add_card(person, "problem", "Poche case in affitto per le famiglie")
    person.wait_settled()
    (card,) = {i["id"] for i in person.shown()} - before
    person.page.wait_for_selector("#canvas-panel:not([hidden])")
    person.page.wait_for_timeout(300)  # one frame for the layout
    rects = regions(person)
    assert overlaps(rects) == [], rects
    assert rects["tools"]["w"] < 160, rects["tools"]  # 178 px before
    assert rects["board"]["w"] > 290, rects["board"]  # 271 px before
    assert person.js(PALETTE_CUT) == []  # each card's name still whole, word by word
    band = person.js(
        "() => document.querySelector('#board-band-bottom').getBoundingClientRect().height"
    )
    assert band < 120, band  # two rows at most: 178 px (three) before
    assert person.page.locator('.board-selection-actions [data-action="edit"]').is_visible()
    assert not person.page.locator(".board-zoom").is_visible()
    seen = person.js(CARD_CLEAR_OF_BANDS, card)
    assert seen["clear"], seen
    shot(person, "tablet-upright-inspector")

    # Nothing selected: the zoom is back, with its two fit buttons.
    person.js("() => window.tavoloBoard.select([])")
    person.page.wait_for_timeout(300)
    assert person.page.locator('.board-zoom [data-action="zoom-reset"]').is_visible()
