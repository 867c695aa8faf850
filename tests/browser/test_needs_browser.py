"""The needs form on a phone (390×844), in real Chromium: a body opens its personal link, a
missing need is refused beside its field, the entry is sent, and the organizer's call page lists
it. Screenshots go to test-artifacts/ and, for the issue's note, to /work/wt/shots/needs-*.png
when that folder exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_board_browser import ARTIFACTS, Person
from tests.browser.test_canvas_browser import site  # noqa: F401  (fixture: the demo, served)
from tests.support.live_server import run_json_script

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = (390, 844)
SHOTS = Path("/work/wt/shots")

MAKE_LINK = """
import json, sqlalchemy as sa
from workshop import create_app
from workshop.demo import DEMO_PROJECT_TITLE
from workshop.extensions import db
from workshop.models import Project
from workshop.needs import service
app = create_app()
with app.app_context():
    project = db.session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
    call = service.open_call(db.session, project.id, "Bisogni delle famiglie 0-6", None)
    link = service.send_link(db.session, call, name="Marta", organisation="Cooperativa Sole",
                             email="marta@example.org", created_by_id=None)
    db.session.commit()
    print(json.dumps({"project": project.id, "call": call.id, "token": link.token}))
"""


def shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"needs-{name}.png"), full_page=full_page)
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"needs-{name}.png"), full_page=full_page)


@pytest.fixture(scope="module")
def needs_link(site):  # noqa: F811
    return run_json_script(site["env"], MAKE_LINK)


def test_a_body_fills_in_the_needs_form_on_a_phone(browser, site, needs_link):  # noqa: F811
    body = Person(browser, site, viewport=PHONE)
    page = body.page
    page.goto(f"{site['url']}/n/{needs_link['token']}")
    assert page.locator("input[name=body]").input_value() == "Cooperativa Sole"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "form-phone")

    page.click("main form button[type=submit]")  # no need written: refused beside the field
    page.wait_for_load_state()
    assert page.locator("#need-error").is_visible()
    assert page.locator("textarea[name=need]").get_attribute("aria-invalid") == "true"
    shot(page, "form-error-phone", full_page=False)

    page.fill("textarea[name=need]", "Mancano posti al nido nel quartiere Nord")
    page.fill("textarea[name=evidence]", "Liste d'attesa comunali 2025: 62 bambini")
    page.fill("input[name=people]", "Circa 60 famiglie con figli sotto i 3 anni")
    page.fill("textarea[name=resources]", "Due educatrici, una sala al piano terra il sabato")
    page.fill("input[name=contact]", "marta@example.org")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "arrivata" in page.locator("main h1").inner_text()
    shot(page, "thanks-phone", full_page=False)
    assert body.errors == []

    organizer = Person(browser, site).log_in()
    organizer.page.goto(
        f"{site['url']}/projects/{needs_link['project']}/needs/{needs_link['call']}"
    )
    entries = organizer.page.locator("[data-needs=entries]")
    assert "Mancano posti al nido nel quartiere Nord" in entries.inner_text()
    assert "Due educatrici" in entries.inner_text()
    shot(organizer.page, "call-page")
