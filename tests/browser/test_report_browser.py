"""Session 4 in real Chromium: the conductor plans the communication from the registry and
drafts the social report on the board, reads the report page, makes a public link, and someone
without an account opens it. Screenshots of the board, the report and the public page go to
test-artifacts/.

Runs on the demo project (sessions 1 to 3 filled in by `flask demo load`), served like the
canvas browser tests.
"""

from __future__ import annotations

import pytest

from tests.browser.test_board_browser import ARTIFACTS, WAIT_MS, Person
from tests.browser.test_canvas_browser import run_from_menu, shot, site  # noqa: F401  (fixture)
from tests.support.browser_site import run_script

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMO_PROJECT_SETUP = """
import json, sqlalchemy as sa
from workshop import create_app
from workshop.demo import DEMO_PROJECT_TITLE
from workshop.extensions import db
from workshop.models import Project
app = create_app()
with app.app_context():
    project = db.session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
    print(json.dumps({str(b.kind): b.id for b in project.boards if not b.title}))
"""


@pytest.fixture(scope="module")
def demo_boards(site):  # noqa: F811
    return run_script(site["env"], ["-c", DEMO_PROJECT_SETUP])


def test_the_plan_and_the_report_from_board_to_public_page(browser, site, demo_boards):  # noqa: F811
    conductor = Person(browser, site).log_in()
    board = demo_boards["social_reporting"]
    conductor.open(board)
    page = conductor.page
    planned = len([i for i in conductor.items() if i["type"] == "communication_action"])
    assert planned == 8  # the demo planned one action per actor of its registry

    # The conductor drafts the report (the demo drafted it already: nothing new, nothing lost).
    run_from_menu(conductor, "[data-action=draft_social_report]")
    conductor.wait(
        "() => [...window.tavoloBoard.state.items()].filter(it => it.type === 'report_section').length >= 8"
    )
    conductor.js("() => window.tavoloBoard.renderer.fitAll()")
    conductor.wait_settled()
    shot(conductor, "report-board")

    page.goto(site["url"] + f"/boards/{board}/report")
    page.wait_for_selector(".report-section h2")
    headings = page.locator(".report-section h2").all_inner_texts()
    assert (
        headings[0] == "1. Nota metodologica"
        and "8. Monitoraggio svolto dall'organo di controllo" in headings
    )
    assert "non è il bilancio sociale di un ente" in page.locator(".report").inner_text()
    assert page.locator(".report-chart svg").count() == 1
    page.screenshot(path=str(ARTIFACTS / "report-page.png"), full_page=True)

    # A public link, opened by someone without an account.
    page.select_option("#public-links select[name=lang]", "it")
    page.click("#public-links button[type=submit]:has-text('Crea un link pubblico')")
    page.wait_for_selector("#public-links .link-list a")
    public_url = page.locator("#public-links .link-list a").first.get_attribute("href")
    visitor = browser.new_context(viewport={"width": 1024, "height": 900}).new_page()
    visitor.goto(public_url)
    visitor.wait_for_selector(".report-title", timeout=WAIT_MS)
    text = visitor.locator(".report").inner_text()
    assert "1. Nota metodologica" in text and "Racconto riservato" not in text
    visitor.screenshot(path=str(ARTIFACTS / "report-public.png"), full_page=False)

    # Revoked, the link opens nothing.
    page.click("#public-links .link-list button:has-text('Revoca')")
    page.wait_for_selector("#public-links .link-list .muted")
    assert visitor.goto(public_url).status == 404
    visitor.context.close()
