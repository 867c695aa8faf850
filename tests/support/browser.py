"""Headless Chromium for the browser tests: Debian's build, driven by Playwright.

Playwright's own browser download cannot run on our machines, so every browser test launches
/usr/bin/chromium through `launch_browser`. Without it the test skips with the reason on a
laptop and fails under CI=true, where bin/test has installed it.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.services import unavailable

CHROMIUM_PATH = Path(os.environ.get("WORKSHOP_CHROMIUM", "/usr/bin/chromium"))
# Quiet on a machine with no internet: no sandbox (we run as root), no GPU, no phoning home.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
# For the camera and microphone tests: a fake device that needs no permission prompt.
FAKE_MEDIA_ARGS = ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")


def launch_browser(playwright, *, extra_args=(), **options):
    """A headless Chromium Browser with the standard flags. Skips (fails under CI) without one."""
    if not CHROMIUM_PATH.exists():
        unavailable(
            f"Chromium is not installed at {CHROMIUM_PATH}: `apt-get install chromium` "
            "(bin/test does it when run as root)"
        )
    from playwright.sync_api import Error as PlaywrightError

    try:
        return playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH),
            args=[*CHROMIUM_ARGS, *extra_args],
            **options,
        )
    except PlaywrightError as error:
        unavailable(f"Chromium at {CHROMIUM_PATH} did not start: {error.message.splitlines()[0]}")


def start_playwright():
    """The Playwright driver, or a skip (failure under CI) when the package is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is missing: install the test extra (bin/test does)")
    return sync_playwright().start()
