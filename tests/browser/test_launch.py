"""tests/support/browser.py: Debian's Chromium with the standard flags, or a clear skip/failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import browser as browser_support
from tests.support.browser import CHROMIUM_ARGS, launch_browser

MISSING = Path("/nonexistent/chromium")


def test_without_chromium_a_browser_test_skips_with_the_reason(monkeypatch):
    monkeypatch.setattr(browser_support, "CHROMIUM_PATH", MISSING)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed at /nonexistent"):
        launch_browser(playwright=None)


def test_without_chromium_a_browser_test_fails_under_ci(monkeypatch):
    monkeypatch.setattr(browser_support, "CHROMIUM_PATH", MISSING)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        launch_browser(playwright=None)


def test_the_standard_flags_keep_chromium_quiet_offline():
    for flag in (
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
    ):
        assert flag in CHROMIUM_ARGS


@pytest.mark.browser
@pytest.mark.slow
def test_launch_browser_gives_a_working_headless_chromium(page):
    page.set_content("<main><p id='p'>Tavolo</p></main>")
    assert page.text_content("#p") == "Tavolo"
    assert "HeadlessChrome" in page.evaluate("navigator.userAgent")
