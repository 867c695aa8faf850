"""Fixtures for tests that drive headless Chromium (mark them `browser` and `slow`)."""

from __future__ import annotations

import pytest

from tests.support.browser import launch_browser, start_playwright


@pytest.fixture(scope="session")
def playwright():
    driver = start_playwright()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright):
    browser = launch_browser(playwright)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    yield page
    context.close()
