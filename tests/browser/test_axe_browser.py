"""WCAG 2.2 AA with axe-core over every page state a person meets, at 1366x768 and 390x844:
the board of each of the four session canvases as their conductor sees it (plain, with the
Metodo menu, the inspector, the findings, the conductor's panel and the call panel open), a
participant's board in a live session, and the ordinary pages (history, logframe, report,
/organize, library, join, login, projects). No critical or serious violation may remain; the
failure lists each one readably (state, width, rule, impact, what to fix, where).

axe-core comes from npm (node_modules/axe-core); it is added as an init script, which the
page's Content-Security-Policy does not block.
"""

from __future__ import annotations

import pytest

from tests.browser.test_board_browser import ARTIFACTS, JOIN_CODE, WAIT_MS, Person, _unavailable
from tests.support.browser_site import demo_site
from tests.support.live_server import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}

# The demo project's boards by kind, and its id.
SETUP = """
import json, sqlalchemy as sa
from workshop import create_app
from workshop.demo import DEMO_PROJECT_TITLE
from workshop.extensions import db
from workshop.models import Board, Project
app = create_app()
with app.app_context():
    project = db.session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
    boards = {}
    query = sa.select(Board).where(Board.project_id == project.id).order_by(Board.position)
    for board in db.session.scalars(query):
        boards.setdefault(str(board.kind), board.id)
    print(json.dumps({"project": project.id, "boards": boards}))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not AXE_JS.exists():
        _unavailable("axe-core is missing: run npm ci")
    with demo_site(tmp_path_factory, "axe", setup=["-c", SETUP]) as facts:
        yield facts


@pytest.fixture(scope="module")
def browser(playwright):
    """Chromium with a fake camera and microphone, so the call panel can be opened."""
    from tests.support.browser import launch_browser

    chromium = launch_browser(
        playwright,
        extra_args=["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
    )
    yield chromium
    chromium.close()


class Auditor:
    """Runs axe on page states and keeps every blocking violation, labelled by state and width."""

    def __init__(self, width: str):
        self.width = width
        self.found: list[dict] = []
        self.states: list[str] = []

    def check(self, person: Person, state: str) -> None:
        page = person.page
        page.wait_for_timeout(250)  # panels draw in the next animation frame
        violations = page.evaluate(
            """async (tags) => {
                const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                        resultTypes: ["violations"]});
                // A card cut by the board's edge (panned half out of view) shows only part of
                // its words, and axe takes the hidden part as missing from what is seen: its
                // label-in-name check holds only for cards wholly in view, which it still checks.
                const view = document.querySelector("#board-viewport")?.getBoundingClientRect();
                const cutByEdge = (node) => {
                    const el = document.querySelector(node.target[0]);
                    if (!view || !el || !el.matches(".item")) return false;
                    const r = el.getBoundingClientRect();
                    return r.left < view.left || r.top < view.top
                        || r.right > view.right || r.bottom > view.bottom;
                };
                return result.violations.map(v => {
                    const nodes = v.id === "label-content-name-mismatch"
                        ? v.nodes.filter(n => !cutByEdge(n)) : v.nodes;
                    return {id: v.id, impact: v.impact, help: v.help,
                        targets: nodes.map(n => n.target.join(" ")).slice(0, 4),
                        count: nodes.length};
                }).filter(v => v.count > 0);
            }""",
            TAGS,
        )
        self.states.append(state)
        for v in violations:
            if v["impact"] in BLOCKING_IMPACTS:
                self.found.append({"state": state, "width": self.width, **v})
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"axe-{self.width}-{state}.png"))

    def report(self) -> str:
        lines = [
            f"{len(self.found)} blocking axe violation(s) over {len(self.states)} page states:"
        ]
        for v in self.found:
            lines.append(
                f"- [{v['width']}] {v['state']}: {v['id']} ({v['impact']}, {v['count']} node(s)): "
                f"{v['help']} -> {', '.join(v['targets'])}"
            )
        return "\n".join(lines)


def new_person(browser, site, size, *, conductor=True) -> Person:
    person = Person(browser, site, viewport=size)
    person.context.add_init_script(path=str(AXE_JS))
    if conductor:
        person.log_in("conduttore@demo.local", "demo-workshop")
    else:
        person.join("Anna", code=JOIN_CODE)
    return person


def close_panels(person: Person) -> None:
    person.page.keyboard.press("Escape")
    person.js(
        "() => { const p = document.querySelector('#canvas-panel');"
        " if (p && !p.hidden) window.tavoloBoard.canvas.closePanel();"
        " window.tavoloBoard.canvas.closeFindings(); }"
    )


def board_states(person: Person, audit: Auditor, kind: str, board_id: int) -> None:
    page = person.page
    person.open(board_id)
    audit.check(person, f"{kind}-board")

    menu = page.locator("[data-canvas=menu]")
    if menu.is_visible():
        menu.click()
        page.wait_for_selector("#canvas-menu:not([hidden])")
        audit.check(person, f"{kind}-menu")
        page.keyboard.press("Escape")

    typed = person.js(
        """() => { const app = window.tavoloBoard;
            const item = [...app.state.items()].find(it => app.schema.isTyped(it.type)
                && !app.schema.isEdge(it) && !app.schema.isZone(it.type));
            return item ? item.id : null; }"""
    )
    if typed:
        person.js(
            "(id) => { window.tavoloBoard.select([id]);"
            " window.tavoloBoard.canvas.inspect('board', id, {focus: true}); }",
            typed,
        )
        page.wait_for_selector("#canvas-panel:not([hidden])")
        audit.check(person, f"{kind}-inspector")
        close_panels(person)

    check = page.locator("#canvas-menu [data-canvas=action][data-action*=check]")
    if check.count():
        menu.click()
        check.first.click()
        page.wait_for_timeout(800)
        if page.locator("#canvas-findings:not([hidden])").count():
            audit.check(person, f"{kind}-findings")
            close_panels(person)

    toggle = page.locator("#conductor-toggle")
    if toggle.is_visible():
        toggle.click()
        page.wait_for_selector("#conductor-panel:not([hidden])")
        audit.check(person, f"{kind}-conductor")
        toggle.click()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_critical_or_serious_axe_violation_on_any_page_state(browser, site, width):
    size = WIDTHS[width]
    audit = Auditor(width)
    conductor = new_person(browser, site, size)
    boards = site["boards"]
    for kind, board_id in boards.items():
        board_states(conductor, audit, kind, board_id)

    # A live session: the conductor opens it; a participant sees the room bar; both open the call.
    first = next(iter(boards.values()))
    page = conductor.page
    conductor.open(first)
    page.click("#conductor-toggle")
    page.wait_for_selector("#conductor-panel:not([hidden])")
    opened = page.locator('#conductor-panel [data-conduct="open"]')
    if opened.is_visible():
        opened.click()
    page.wait_for_selector("#rooms-bar:not([hidden])", timeout=WAIT_MS)
    audit.check(conductor, "live-conductor")
    participant = new_person(browser, site, size, conductor=False)
    participant.open(first)
    participant.page.wait_for_selector("#rooms-bar:not([hidden])", timeout=WAIT_MS)
    audit.check(participant, "live-participant")
    join = participant.page.locator(".call-join")
    if join.count() and join.is_visible():
        join.click()
        participant.page.wait_for_selector("#call-panel[data-state=in-call]", timeout=WAIT_MS)
        audit.check(participant, "call-open")
        join.click()
    participant.close()

    # The ordinary pages.
    url = site["url"]
    pages = {
        "projects": "/projects/",
        "project": f"/projects/{site['project']}",
        "organize": "/organize",
        "library": "/library/",
    }
    if "context" in boards:
        pages["history"] = f"/boards/{boards['context']}/history"
    if "theory_of_change" in boards:
        pages["logframe"] = f"/boards/{boards['theory_of_change']}/logframe"
    if "social_reporting" in boards:
        pages["report"] = f"/boards/{boards['social_reporting']}/report"
    for state, path in pages.items():
        response = page.goto(url + path)
        if response and response.ok:
            audit.check(conductor, state)
    conductor.close()
    visitor = Person(browser, site, viewport=size)
    visitor.context.add_init_script(path=str(AXE_JS))
    for state, path in {"login": "/auth/login", "join": "/join"}.items():
        visitor.page.goto(url + path)
        audit.check(visitor, state)
    visitor.close()

    assert len(audit.states) >= 15, audit.states  # the walk itself reached the states
    assert audit.found == [], audit.report()


def test_the_metodo_menu_works_as_a_menu_from_the_keyboard(browser, site):
    """WAI-ARIA menu button: arrows open it and move, Home/End, Escape gives focus back."""
    person = new_person(browser, site, WIDTHS["desktop"])
    person.open(site["boards"]["context"])
    page = person.page
    focused = (
        "() => { const n = document.activeElement;"
        " return n.getAttribute('role') + ':' + n.textContent; }"
    )
    button = page.locator("[data-canvas=menu]")
    button.focus()
    page.keyboard.press("ArrowDown")
    assert page.locator("#canvas-menu").get_attribute("role") == "menu"
    assert page.locator("#canvas-menu").is_visible()
    items = page.locator("#canvas-menu [role=menuitem]:not([disabled])")
    names = [f"menuitem:{text}" for text in items.all_text_contents()]
    assert page.evaluate(focused) == names[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == names[1]
    page.keyboard.press("End")
    assert page.evaluate(focused) == names[-1]
    page.keyboard.press("ArrowDown")  # wraps round
    assert page.evaluate(focused) == names[0]
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused) == names[-1]
    page.keyboard.press("Home")
    assert page.evaluate(focused) == names[0]
    page.keyboard.press("Escape")
    assert page.locator("#canvas-menu").is_hidden()
    assert page.evaluate("() => document.activeElement.dataset.canvas") == "menu"
    # One Tab stop inside the menu: every item is reached by the arrows, not by Tab.
    assert page.locator("#canvas-menu [role=menuitem][tabindex='0']").count() == 0
    person.close()
