"""The board client's pure modules (state.js, order.js) are tested with node's own test runner;
this runs those tests as part of the Python suite."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JS_TESTS = ROOT / "static" / "js" / "board" / "tests"
NODE_TIMEOUT_S = 120


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def test_board_js_unit_tests_pass():
    node = shutil.which("node")
    if node is None:
        reason = "node is not installed: the board's JavaScript unit tests cannot run"
        if _under_ci():
            pytest.fail(f"{reason} (CI=true: it must be there)", pytrace=False)
        pytest.skip(reason)
    result = subprocess.run(
        [node, "--test", str(JS_TESTS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_S,
    )
    if result.returncode != 0:
        failures = "\n".join(
            line for line in result.stdout.splitlines() if line.startswith("not ok")
        )
        pytest.fail(
            f"node --test failed ({result.returncode}):\n{failures}\n\n"
            f"{result.stdout[-6000:]}\n{result.stderr[-2000:]}",
            pytrace=False,
        )
    assert "# fail 0" in result.stdout
