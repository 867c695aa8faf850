"""Every palette entry works: for every board kind, the create op the client builds for each
card type of its palette (static/js/board/schema.js defaults, run with node through
static/js/board/tests/palette_ops.js) is accepted by the server's own applier, with the
canvas's rules. Before issue 14, "Rilevazione" (measurement) on the social-reporting board
failed with `invalid_op (date is required)`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

import workshop.canvases  # noqa: F401  (registers the canvases)
from tests.support.boards import MemoryBoard
from workshop.boards.canvas import canvases, describe_board_kind
from workshop.boards.schema import registry

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "static" / "js" / "board" / "tests" / "palette_ops.js"
KINDS = sorted(registry.kinds)


def _client_ops(kind: str) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("node is not installed (CI=true: it must be there)", pytrace=False)
        pytest.skip("node is not installed")
    described = json.dumps(describe_board_kind(kind))
    result = subprocess.run(
        [node, str(SCRIPT)], input=described, capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_session_kind_is_checked():
    assert {"context", "stakeholders", "theory_of_change", "social_reporting"} <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_palette_entry_of_every_canvas_is_accepted(kind):
    ops = _client_ops(kind)
    assert ops, f"the {kind} palette is empty"
    refused = {}
    for op in ops:
        board = MemoryBoard(kind, rules=canvases.rules.get(kind, ()))
        try:
            board.apply([op])
        except Exception as error:  # noqa: BLE001 - every refusal is reported below, by type
            refused[op["type"]] = repr(error)
    assert refused == {}


def test_a_new_measurement_is_dated_today():
    (measurement,) = [op for op in _client_ops("social_reporting") if op["type"] == "measurement"]
    # The browser's day: node runs in this process's time zone, like the test's date.today().
    assert measurement["fields"]["date"] == date.today().isoformat()
