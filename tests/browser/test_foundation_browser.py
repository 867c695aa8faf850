"""The foundation as a person uses it, in headless Chromium against a real server.

An organizer logs in, opens the demo project, sees its four boards, copies the join code,
switches to English and back, and logs out. A participant joins with the demo code typed in
lower case, gives a name and lands on their boards. Screenshots at 1366x768 and at a phone's
width go to test-artifacts/; axe-core checks the main pages for serious and critical problems.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.live_server import LiveServer, flask_command
from tests.support.services import unavailable
from workshop import demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("WORKSHOP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000
SESSION_BOARDS_IT = (
    "Analisi del contesto e del problema",
    "Mappatura degli stakeholder",
    "Teoria del cambiamento",
    "Rendicontazione sociale",
)
BLOCKING_IMPACTS = ("serious", "critical")


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real server (gevent) on a migrated SQLite database with the demo loaded."""
    workdir = tmp_path_factory.mktemp("foundation-browser")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'live.sqlite3'}",
        "WORKSHOP_INSTANCE_DIR": str(workdir),
        "SOCKETIO_ASYNC_MODE": "gevent",
        "REDIS_URL": "",
        "WORKSHOP_ENV": "development",
    }
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    flask_command(env, "db", "upgrade")
    flask_command(env, "demo", "load")
    with LiveServer(env, log_path=workdir / "server.log") as live:
        yield live


@pytest.fixture(scope="module")
def chromium(playwright):
    """This module's Chromium, on the session's one Playwright driver (tests/browser/conftest.py):
    a second driver in the same process refuses to start."""
    from playwright.sync_api import Error as PlaywrightError

    if not CHROMIUM.exists():
        unavailable(f"Chromium is not installed at {CHROMIUM}")
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except PlaywrightError as error:
        unavailable(f"Chromium did not start: {error.message.splitlines()[0]}")
    yield browser
    browser.close()


class Watch:
    """What a page did wrong: scripts that failed, CSP refusals, requests leaving the machine."""

    def __init__(self, base_url: str) -> None:
        self.host = urlsplit(base_url).netloc
        self.problems: list[str] = []

    def attach(self, context) -> None:
        context.route("**/*", self._route)
        context.on("page", self._page)

    def _route(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.host:
            self.problems.append(f"request outside the server: {url}")
            route.abort()
        else:
            route.continue_()

    def _page(self, page) -> None:
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def assert_clean(self) -> None:
        assert self.problems == []


@pytest.fixture
def open_context(chromium, server):
    """new(viewport=..., **options) -> a fresh context; all are closed and checked afterwards."""
    contexts = []
    watch = Watch(server.url)

    def new(viewport=DESKTOP, axe=True, **options):
        context = chromium.new_context(viewport=viewport, base_url=server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        watch.attach(context)
        if axe and AXE_JS.exists():
            # An init script, not add_script_tag: our Content-Security-Policy refuses inline
            # scripts, which is what add_script_tag would insert.
            context.add_init_script(path=str(AXE_JS))
        contexts.append(context)
        return context

    yield new
    for context in contexts:
        context.close()
    watch.assert_clean()


# ------------------------------------------------------------------- helpers


def shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def check_axe(page, label: str) -> None:
    """No serious or critical WCAG violation on the page, as axe-core sees it."""
    if not AXE_JS.exists():
        return  # reported once by test_axe_core_is_installed
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
            }));
        }"""
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert blocking == [], f"axe on the {label} page: {blocking}"


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def log_in_as_organizer(page) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(demo.DEMO_ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Accedi").click()
    page.wait_for_url("**/projects/")


# --------------------------------------------------------------------- tests


def test_axe_core_is_installed():
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS} is missing: run `npm install` at the top of the checkout")


def test_organizer_opens_the_demo_project_switches_language_and_logs_out(open_context):
    from playwright.sync_api import expect

    context = open_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()

    page.goto("/")
    assert html_lang(page) == "it"
    shot(page, "desktop-it-welcome")
    page.get_by_role("link", name=re.compile("Organizzo o conduco laboratori")).click()
    page.wait_for_url("**/auth/login")
    check_axe(page, "login")
    shot(page, "desktop-it-login")

    log_in_as_organizer(page)
    page.get_by_role("link", name=demo.DEMO_PROJECT_TITLE).click()
    page.wait_for_url(re.compile(r"/projects/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == demo.DEMO_PROJECT_TITLE

    cards = page.locator("#boards .board-card")
    assert cards.count() == 4
    for number, (card, title) in enumerate(
        zip(cards.all(), SESSION_BOARDS_IT, strict=True), start=1
    ):
        assert card.locator(".board-number").inner_text() == str(number)
        assert title in card.locator(".board-card-title").inner_text()
    check_axe(page, "project")
    shot(page, "desktop-it-project")
    shot(page, "desktop-it-project-top", full_page=False)

    # The copy button puts the formatted code on the clipboard and says so.
    invite = page.locator(".invite").first
    invite.get_by_role("button", name="Copia il codice").click()
    copied = invite.locator(".copy-status").first
    # The clipboard answers asynchronously: wait for the status rather than read it at once.
    page.wait_for_function(
        "(el) => el.textContent.includes('Copiato')", arg=copied.element_handle(), timeout=10_000
    )
    assert page.evaluate("navigator.clipboard.readText()") == "CAFE-7946"

    # Picking a language changes nothing by itself (WCAG 3.2.2, On Input); the button does.
    page.locator("#language-select").select_option("en")
    page.wait_for_timeout(300)
    assert page.locator("html").get_attribute("lang") == "it"
    page.locator(".language-form button[type=submit]").click()
    # Not wait_for_function("..."): when it has to poll, its string predicate is compiled in the
    # page, which our CSP refuses with a page error. expect() polls without eval.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert re.search(r"/projects/\d+$", page.url)
    assert page.get_by_role("heading", name="The boards of the lab").is_visible()
    assert "€480,000.00" in page.locator("#record").inner_text()
    shot(page, "desktop-en-project-top", full_page=False)

    page.locator("#language-select").select_option("it")
    page.locator(".language-form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    assert page.get_by_role("heading", name="Le lavagne del laboratorio").is_visible()
    assert "480.000,00 €" in page.locator("#record").inner_text()

    page.get_by_role("button", name="Esci").click()
    page.wait_for_url(server_root(page))
    assert page.get_by_role("status").first.inner_text() == "Hai chiuso la sessione. A presto!"
    assert page.get_by_role("link", name=re.compile("Ho un codice di accesso")).is_visible()


def server_root(page) -> str:
    parts = urlsplit(page.url)
    return f"{parts.scheme}://{parts.netloc}/"


def test_participant_joins_with_a_lower_case_code(open_context):
    page = open_context().new_page()
    page.goto("/")
    page.get_by_role("link", name=re.compile("Ho un codice di accesso")).click()
    page.wait_for_url("**/join")
    check_axe(page, "join")
    shot(page, "desktop-it-join")

    page.get_by_label("Codice di accesso").fill("cafe-7946")
    page.get_by_role("button", name="Continua").click()
    page.wait_for_url(re.compile(r"/j/[\w-]+$"))
    assert page.get_by_role("heading", level=1).inner_text() == demo.DEMO_PROJECT_TITLE
    check_axe(page, "name")

    page.get_by_label(re.compile("Il tuo nome")).fill("Bea")
    page.get_by_role("button", name="Entra nel laboratorio").click()
    page.wait_for_url("**/me")
    assert page.get_by_role("heading", level=1).inner_text() == "Ciao, Bea"
    assert page.get_by_role("status").first.inner_text() == "Ti diamo il benvenuto, Bea!"
    cards = page.locator(".board-card")
    assert cards.count() == 4
    for number, (card, title) in enumerate(
        zip(cards.all(), SESSION_BOARDS_IT, strict=True), start=1
    ):
        assert card.locator(".board-number").inner_text() == str(number)
        assert title in card.locator(".board-card-title").inner_text()
    check_axe(page, "participant boards")
    shot(page, "desktop-it-my-boards")


def test_wrong_code_is_explained_next_to_the_field(open_context):
    page = open_context().new_page()
    page.goto("/join")
    page.get_by_label("Codice di accesso").fill("NOPE-0000")
    page.get_by_role("button", name="Continua").click()
    field = page.get_by_label("Codice di accesso")
    assert field.get_attribute("aria-invalid") == "true"
    assert "Questo codice non apre nessun laboratorio" in page.locator(".field-error").inner_text()
    check_axe(page, "join with an error")


def test_language_button_works_without_javascript(open_context):
    page = open_context(java_script_enabled=False, axe=False).new_page()
    page.goto("/join")
    page.locator("#language-select").select_option("en")
    assert html_lang(page) == "it"  # nothing happens until the button is pressed
    page.get_by_role("button", name="Cambia").click()
    page.wait_for_url("**/join")
    assert html_lang(page) == "en"
    assert page.get_by_role("heading", name="Join a lab").is_visible()
    # Without JavaScript the copy buttons stay hidden rather than doing nothing.


def test_keyboard_reaches_the_content_first(open_context):
    """The first Tab shows the skip link; Enter on it moves focus past the header."""
    page = open_context(axe=False).new_page()
    page.goto("/auth/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Vai al contenuto")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link stays off screen when focused"
    assert skip.evaluate("element => getComputedStyle(element).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"


def test_phone_width_screenshots(open_context):
    """The same pages at 390 px: nothing may overflow sideways."""
    organizer = open_context(viewport=PHONE).new_page()
    organizer.goto("/")
    shot(organizer, "phone-it-welcome")
    organizer.goto("/join")
    shot(organizer, "phone-it-join")
    log_in_as_organizer(organizer)
    organizer.get_by_role("link", name=demo.DEMO_PROJECT_TITLE).click()
    organizer.wait_for_url(re.compile(r"/projects/\d+$"))
    shot(organizer, "phone-it-project")
    shot(organizer, "phone-it-project-top", full_page=False)
    check_axe(organizer, "project on a phone")
    overflow = organizer.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the project page scrolls sideways by {overflow}px on a phone"

    participant = open_context(viewport=PHONE).new_page()
    participant.goto("/join")
    participant.get_by_label("Codice di accesso").fill("CAFE7946")
    participant.get_by_role("button", name="Continua").click()
    participant.get_by_label(re.compile("Il tuo nome")).fill("Dario")
    participant.get_by_role("button", name="Entra nel laboratorio").click()
    participant.wait_for_url("**/me")
    shot(participant, "phone-it-my-boards")
    overflow = participant.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
