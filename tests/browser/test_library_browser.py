"""The library page in real Chromium against a real server with the demo loaded: the seeded
materials listed, filtered by a tag, and a material's page, at a desktop and a phone width.
Screenshots go to test-artifacts/library-*.png."""

from __future__ import annotations

import pytest

# The browser is the session's (tests/browser/conftest.py): one Playwright driver per run.
from tests.browser.test_board_browser import ARTIFACTS, Person
from tests.support.browser_site import demo_site
from workshop.demo import DEMO_MATERIALS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A real server on a scratch SQLite database holding the demo (and its library)."""
    with demo_site(tmp_path_factory, "library") as facts:
        yield facts


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)], ids=["desktop", "phone"])
def test_the_library_lists_filters_and_opens_the_demo_materials(browser, site, viewport):
    person = Person(browser, site, viewport=viewport).log_in()
    page = person.page
    try:
        page.goto(site["url"] + "/library/")
        titles = page.locator(".library-list .project-item-title").all_inner_texts()
        assert sorted(titles) == sorted(m[0] for m in DEMO_MATERIALS)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"library-{viewport[0]}-list.png"), full_page=True)

        page.select_option("#library-tag", "tavolo")
        page.click(".library-filters button[type=submit]")
        page.wait_for_url("**/library/?*tag=tavolo*")
        assert page.locator(".library-list .project-item-title").all_inner_texts() == [
            DEMO_MATERIALS[1][0]
        ]

        page.click(".library-list .project-item-title a")
        page.wait_for_selector("text=Scarica enti-ammessi.csv")
        page.screenshot(path=str(ARTIFACTS / f"library-{viewport[0]}-material.png"), full_page=True)
        assert person.errors == []
    finally:
        person.context.close()
