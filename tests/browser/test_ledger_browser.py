"""The co-funding ledger in real Chromium, in Italian: amounts typed as an Italian office types
them ("120.000,50", "120000,50") read back as 120.000,50 €; an ambiguous "1.234" is refused in
words. Screenshots of the ledger and of the project page go to test-artifacts/."""

from __future__ import annotations

import pytest

from tests.browser.test_board_browser import ARTIFACTS, Person
from tests.browser.test_canvas_browser import site  # noqa: F401  (fixture: the demo, served)
from tests.support.browser_site import run_script

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMO_PROJECT = """
import json, sqlalchemy as sa
from workshop import create_app
from workshop.demo import DEMO_PROJECT_TITLE
from workshop.extensions import db
from workshop.models import Project
app = create_app()
with app.app_context():
    print(json.dumps(db.session.scalar(sa.select(Project.id).where(Project.title == DEMO_PROJECT_TITLE))))
"""


@pytest.fixture(scope="module")
def demo_project(site):  # noqa: F811
    return run_script(site["env"], ["-c", DEMO_PROJECT])


def _add_line(page, amount: str) -> None:
    page.select_option("select[name=actor_id]", "demo-aps")
    page.select_option("select[name=category]", "goods_services")
    page.fill("input[name=description]", f"Prova {amount}")
    page.click("input[name=planned_eur]")
    page.keyboard.type(amount)  # typed key by key, as a person does
    page.click("form.ledger-form button[type=submit]")
    page.wait_for_load_state()


def test_amounts_typed_the_italian_way_read_back_as_120_000_50_euros(browser, site, demo_project):  # noqa: F811
    organizer = Person(browser, site).log_in()
    page = organizer.page
    url = f"{site['url']}/projects/{demo_project}/ledger/"
    page.goto(url)
    field = page.locator("input[name=planned_eur]")
    assert field.get_attribute("type") == "text" and field.get_attribute("inputmode") == "decimal"

    for typed in ("120.000,50", "120000,50"):
        _add_line(page, typed)
        row = page.locator("tr[data-line]", has_text=f"Prova {typed}")
        assert row.locator("[data-planned]").inner_text().replace("\u00a0", " ") == "120.000,50 €"
    page.screenshot(path=str(ARTIFACTS / "ledger-page.png"), full_page=True)

    # Ambiguous: refused in words, nothing added.
    lines_before = page.locator("tr[data-line]").count()
    _add_line(page, "1.234")
    error = page.locator("#planned_eur-error").inner_text()
    assert "si può leggere in due modi" in error
    assert page.locator("tr[data-line]").count() == lines_before
    page.screenshot(path=str(ARTIFACTS / "ledger-refused.png"))

    # The project page reads the ledger: APS Quartieri in rete now gives 240.001,00 €.
    page.goto(f"{site['url']}/projects/{demo_project}#ledger")
    aps = page.locator("tr[data-partner=demo-aps]")
    assert aps.locator("[data-planned]").inner_text().replace("\u00a0", " ") == "240.001,00 €"
    page.locator("#ledger").screenshot(path=str(ARTIFACTS / "project-ledger.png"))
    assert not organizer.errors


def test_the_ledger_page_on_a_phone(browser, site, demo_project):  # noqa: F811
    phone = Person(browser, site, viewport=(390, 844)).log_in()
    phone.page.goto(f"{site['url']}/projects/{demo_project}/ledger/")
    phone.page.screenshot(path=str(ARTIFACTS / "ledger-phone.png"), full_page=True)
    width = phone.page.evaluate("() => document.documentElement.scrollWidth")
    wide = phone.page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
        ".filter(e => !e.parentElement.closest('.table-scroll')).slice(0, 12)"
        ".map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"
    )
    assert width <= 390 + 1, f"no sideways scrolling of the whole page: {wide}"


DEMO_BOARD = DEMO_PROJECT.replace(
    "print(json.dumps(db.session.scalar(sa.select(Project.id).where(Project.title == DEMO_PROJECT_TITLE))))",
    "project = db.session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))\n"
    "    print(json.dumps(next(b.id for b in project.boards if str(b.kind) == 'stakeholders')))",
)


def test_the_inspector_reads_a_budget_amount_the_italian_way(browser, site):  # noqa: F811
    """On the board, a budget line's amount typed "120.000,50" is 120000.5 (not 120, not
    12000050); "1.234" is refused in words and the amount stays."""
    board = run_script(site["env"], ["-c", DEMO_BOARD])
    conductor = Person(browser, site).log_in()
    conductor.open(board)
    page = conductor.page
    conductor.js("() => window.tavoloBoard.renderer.fitAll()")
    conductor.wait_settled()
    # Selected as the board's other tests do (a click works too: a card too small on screen
    # shows no link handles, tests/browser/test_polish_browser.py).
    conductor.js("() => window.tavoloBoard.select(['demo-bud-6'])")
    field = page.locator("#canvas-panel [data-field=amount]")
    field.wait_for()
    assert field.get_attribute("inputmode") == "decimal" and field.get_attribute("type") == "text"
    for typed in ("120.000,50", "120000,50"):
        field.fill("")
        field.type(typed)
        field.press("Tab")
        conductor.wait_item("demo-bud-6", "it.fields.amount === 120000.5")
        conductor.wait_settled()
    field.fill("1.234")
    field.press("Tab")
    hint = page.locator("#canvas-panel .field-error:not([hidden])")
    hint.wait_for()
    assert "migliaia" in hint.inner_text()
    assert (
        conductor.js("() => window.tavoloBoard.state.get('demo-bud-6').fields.amount") == 120000.5
    )
    page.screenshot(path=str(ARTIFACTS / "inspector-amount.png"))
