"""bench/side_by_side.py's arithmetic on canned generator results (nothing is run or timed here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "side_by_side.py"
spec = importlib.util.spec_from_file_location("side_by_side", BENCH)
side_by_side = importlib.util.module_from_spec(spec)
sys.modules["side_by_side"] = (
    side_by_side  # dataclasses look their module up while the class is made
)
spec.loader.exec_module(side_by_side)


def latency(p50, p99):
    return {"count": 100, "p50": p50, "p95": p99, "p99": p99, "p999": p99, "max": p99, "mean": p50}


def generator_result(
    *, ack=None, echo=None, cursor=None, missing=0, disconnects=0, cpu=6.5, writes=62, valid=True
):
    """The shape of `loadgen run --out` (shared/loadgen/src/run.mjs), trimmed to what is read."""
    return {
        "config": {"durationS": 3},
        "load": {
            "measuredOps": writes,
            "peer": {
                "expected": 558,
                "delivered": 558 - missing,
                "missing": missing,
                "latencyMs": latency(2.0, 9.0),
            },
            "ack": ack,
            "echo": echo,
            "cursor": cursor,
            "errors": {"rejects": 0, "disconnects": disconnects},
        },
        "server": {"cpuPctMean": cpu},
        "verdict": {
            "valid": valid,
            "invalidReasons": [] if valid else ["send lag p99 300.3 ms > 20 ms"],
        },
    }


def test_wbo_echo_is_its_ack_and_cpu_per_write_is_window_cpu_over_acknowledged_writes():
    data = generator_result(
        echo={"expected": 62, "delivered": 60, "latencyMs": latency(1.5, 4.0)}, valid=False
    )
    figures = side_by_side.run_figures(data)
    assert figures["ack_p50_ms"] == 1.5
    assert figures["ack_p99_ms"] == 4.0
    assert figures["acks_missing"] == 2
    # 6.5% of a core over a 3 s window is 195 ms of CPU, spread over the 60 writes acknowledged.
    assert figures["cpu_ms_per_write"] == pytest.approx(195 / 60)
    assert figures["valid"] is False
    assert figures["invalid"] == ["send lag p99 300.3 ms > 20 ms"]
    assert figures["cursor_p99_ms"] is None


def test_tavolo_ack_missing_deliveries_disconnects_and_cursors_are_read():
    data = generator_result(
        ack={"expected": 62, "delivered": 62, "latencyMs": latency(5.0, 80.0)},
        cursor={"latencyMs": latency(3.0, 40.0)},
        missing=17,
        disconnects=3,
        cpu=None,
    )
    figures = side_by_side.run_figures(data)
    assert (figures["ack_p99_ms"], figures["peer_p99_ms"], figures["cursor_p99_ms"]) == (
        80.0,
        9.0,
        40.0,
    )
    assert (figures["missing"], figures["disconnects"], figures["acks_missing"]) == (17, 3, 0)
    # No server sample: no figure rather than a wrong one.
    assert figures["cpu_ms_per_write"] is None


def test_a_server_that_acknowledged_nothing_has_no_cpu_per_write():
    data = generator_result(ack={"expected": 62, "delivered": 0, "latencyMs": latency(None, None)})
    figures = side_by_side.run_figures(data)
    assert figures["cpu_ms_per_write"] is None
    assert figures["acks_missing"] == 62
    assert figures["ack_p99_ms"] is None


def test_join_figures_take_warm_and_cold_medians():
    data = {
        "warm": {"totalMs": {"p50": 15.2}},
        "cold": {"totalMs": {"p50": 71.0}},
        "prefill": {"seconds": 12.5},
    }
    assert side_by_side.join_figures(data) == {
        "valid": True,
        "invalid": [],
        "warm_p50_ms": 15.2,
        "cold_p50_ms": 71.0,
        "prefill_s": 12.5,
    }


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        (80.0, 2.5, 32.0),
        (1.0, 4.0, 0.25),
        (None, 2.0, None),
        (3.0, None, None),
        (3.0, 0, None),
        (0, 0, None),
    ],
)
def test_ratio_is_ours_over_wbo_and_absent_when_either_side_is(ours, theirs, expected):
    assert side_by_side.ratio(ours, theirs) == expected


def run_row(server, pair, **figures):
    return {
        "server": server,
        "pair": pair,
        "figures": {"valid": True, "invalid": [], **figures},
        "load1_before": "3.10",
        "load1_after": "4.20",
        "others_on_cpu0_pct": 12.5,
    }


def test_summary_compares_medians_over_pairs_and_shows_the_load_of_every_run():
    series = side_by_side.SERIES["sqlite"]
    runs = [
        run_row("tavolo", 1, peer_p99_ms=70.0, missing=0),
        run_row("wbo", 1, peer_p99_ms=2.0, missing=0),
        run_row("tavolo", 2, peer_p99_ms=90.0, missing=10),
        run_row("wbo", 2, peer_p99_ms=3.0, missing=0),
    ]
    rows = {row["metric"]: row for row in side_by_side.summary_rows(series, runs)}
    assert rows["broadcast p99 ms"] == {
        "metric": "broadcast p99 ms",
        "wbo": 2.5,
        "tavolo": 80.0,
        "ratio": 32.0,
    }
    assert (
        rows["missing deliveries"]["ratio"] is None
    )  # WBO lost nothing: a ratio would divide by zero
    assert rows["missing deliveries"]["tavolo"] == 5
    table = side_by_side.summary_table(series, runs)
    assert "| broadcast p99 ms | 2.5 | 80.0 | 32.00× |" in table
    assert "| missing deliveries | 0 | 5 | – |" in table
    assert "T1 3.10→4.20, W1 3.10→4.20, T2 3.10→4.20, W2 3.10→4.20" in table
    assert "cursor p99" not in table  # that series sends no cursors
    per_run = side_by_side.runs_table(series, runs)
    assert per_run.count("| 12.5% | 3.10 → 4.20 |") == 4


def test_without_wbo_the_figures_stand_alone_and_the_reason_is_given(tmp_path):
    series = side_by_side.SERIES["cursors"]
    rows = side_by_side.summary_rows(series, [run_row("tavolo", 1, cursor_p99_ms=40.0)])
    cursor = next(row for row in rows if row["metric"] == "cursor p99 ms")
    assert cursor == {"metric": "cursor p99 ms", "wbo": None, "tavolo": 40.0, "ratio": None}
    assert "WBO_DIR" in side_by_side.wbo_unavailable(None, "node")
    assert "not a WBO checkout" in side_by_side.wbo_unavailable(tmp_path, "node")
