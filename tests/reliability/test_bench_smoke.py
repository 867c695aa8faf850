"""The benchmark's smallest configuration, run as CI runs it: a broken benchmark fails here.

No timing is asserted (CI machines are noisy): only that the figures are printed and that every
broadcast arrived once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_smallest_benchmark_prints_figures_and_loses_nothing(tmp_path):
    out = tmp_path / "bench"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "realtime.py"),
            "--workloads",
            "1",
            "--clients",
            "5",
            "--duration",
            "2",
            "--warmup",
            "1",
            "--db",
            "sqlite",
            "--mode",
            "eventlet",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    text = completed.stdout
    for figure in (
        "bcast ms p50",
        "p95",
        "p99",
        "max",
        "ack ms p50",
        "delivered",
        "dup",
        "srv CPU",
        "RSS",
        "gen CPU",
    ):
        assert figure in text, f"{figure!r} missing from:\n{text}"
    assert "=== Summary" in text

    runs = json.loads((out / "results.json").read_text())
    assert len(runs) == 1
    result = runs[0]["result"]
    figures = result["groups"]["R"]["0"]
    assert figures["sent"] > 0
    assert figures["acked_ok"] == figures["sent"], figures["errors"]
    assert figures["expected"] == figures["acked_ok"] * 4  # four other clients in the room
    assert figures["delivered"] == figures["expected"]
    assert result["live_duplicates"] == 0
    assert result["pending_after_drain"] == 0
    assert result["consistency"]["missing_seqs"] == 0
    assert result["server_errors"] == 0
    assert result["server_peak_rss_mb"] > 0
