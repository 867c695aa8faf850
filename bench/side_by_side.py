"""Tavolo as it ships beside WBO, with the same load generator, runs alternated A B A B.

    WBO_DIR=/path/to/whitebophir WBO_NODE=/path/to/node22 python bench/side_by_side.py
    python bench/side_by_side.py --series sqlite,cursors --pairs 2 --window 10     # a quick look
    python bench/side_by_side.py --series postgres --pairs 3 --async-mode eventlet

Series (`--series`, default all):
  sqlite    60 clients x 2 writes/s, Tavolo on a scratch SQLite database
  postgres  the same, Tavolo on a scratch PostgreSQL database (BENCH_POSTGRES_URL, else
            TEST_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/test; dropped at the end)
  cursors   60 x 2/s on SQLite, every client also moving its cursor at 10 Hz
  join      a fresh client joining a 5,000-item board that another client keeps loaded (warm)
            and that nobody holds (cold)

Each pair is one run of Tavolo (A: `python -m workshop`, gevent unless told, the demo loaded, a fresh process
per run) and one of WBO (B: `node server/server.mjs`, a fresh process per run, in-memory boards),
both pinned to CPU 0, the generator (`shared/loadgen`, `--client lite`) pinned to CPU 1, 5 s
warm-up, then the window. Beside every run: the 1-minute load average before and after, and the
CPU that other processes took from CPU 0 during it. Prints and writes
bench/results/<date>-side-by-side.md (and .json with every run's figures).

WBO is never part of this repository: WBO_DIR (or --wbo-dir) names a checkout of
lovasoa/whitebophir (commit ba5ce08 was measured) after `npm ci --omit=dev --ignore-scripts`,
and WBO_NODE (or --wbo-node) a Node 22 binary (the npm package `node@22` brings one). Without
them the WBO side is skipped with the reason printed, and Tavolo's figures stand alone.
The generator: LOADGEN_DIR, else ../shared/loadgen (after `npm ci` there).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or imported by a test

from loadgen_bench import (  # noqa: E402
    GENERATOR_CPU,
    ROOT,
    SERVER_CPU,
    ScratchDatabase,
    commit_of_checkout,
    cpu0_busy_ticks,
    free_port,
    loadgen_dir,
    pinned,
    prepare,
    prioritised,
    process_ticks,
    read_result,
    server_env,
    start_server,
    stop,
    wait_for_http,
)

WBO_MIN_NODE_MAJOR = 22
# WBO's four per-address limits: every generator client comes from 127.0.0.1.
WBO_UNLIMITED = "*:100000000/1s"
WBO_LIMITS = (
    "WBO_MAX_EMIT_COUNT",
    "WBO_MAX_CONSTRUCTIVE_ACTIONS_PER_IP",
    "WBO_MAX_DESTRUCTIVE_ACTIONS_PER_IP",
    "WBO_MAX_TEXT_CREATIONS_PER_IP",
)
GENERATOR_SLACK_S = 240  # joins, drain and a frozen server's timeouts beyond warm-up + window
JOIN_TIMEOUT_S = 900  # filling a 5,000-item board one change at a time is slow on a loaded core
COOLDOWN_S = 2  # between runs, so that one server's exit does not overlap the next's start


@dataclass(frozen=True)
class Series:
    name: str
    title: str
    db: str  # Tavolo's database: sqlite | postgres
    kind: str = "run"  # run | join
    clients: int = 60
    rate: float = 2
    cursor_hz: float = 0
    items: int = 5000


SERIES = {
    s.name: s
    for s in (
        Series("sqlite", "60 clients x 2 writes/s, SQLite", "sqlite"),
        Series("postgres", "60 clients x 2 writes/s, PostgreSQL", "postgres"),
        Series("cursors", "60 x 2/s with cursors at 10 Hz, SQLite", "sqlite", cursor_hz=10),
        Series("join", "join of a 5,000-item board", "sqlite", kind="join"),
    )
}


def at_rate(series: Series, rate: float | None) -> Series:
    """The series with another rate per client (its title saying so); a join as it is."""
    if rate is None or series.kind != "run":
        return series
    title = series.title.replace(f"x {series.rate:g}", f"x {rate:g}", 1)
    return dataclasses.replace(series, rate=rate, title=title)


# ---- figures from the generator's JSON (pure: tested on canned numbers) ---------------------


def run_figures(data: dict) -> dict:
    """The figures we compare from one `loadgen run` result, for either adapter.

    WBO has no ack callback: its echo of the write to the sender is the acknowledgement.
    CPU per write is the server's CPU over the measured window divided by the writes of the window
    it acknowledged: a server that answered none has no figure (its CPU went to its backlog).
    """
    load = data["load"]
    ack = load.get("ack") or load.get("echo") or {}
    ack_latency = ack.get("latencyMs") or {}
    cursor = load.get("cursor") or {}
    window_s = data["config"]["durationS"]
    writes = load["measuredOps"]
    acked = ack.get("delivered") or 0
    cpu_pct = (data.get("server") or {}).get("cpuPctMean")
    verdict = data["verdict"]
    return {
        "valid": verdict["valid"],
        "invalid": verdict["invalidReasons"],
        "ack_p50_ms": ack_latency.get("p50"),
        "ack_p99_ms": ack_latency.get("p99"),
        "peer_p50_ms": load["peer"]["latencyMs"]["p50"],
        "peer_p99_ms": load["peer"]["latencyMs"]["p99"],
        "cursor_p99_ms": (cursor.get("latencyMs") or {}).get("p99"),
        "missing": load["peer"]["missing"],
        "acks_missing": (ack.get("expected") or 0) - (ack.get("delivered") or 0),
        "disconnects": load["errors"]["disconnects"],
        "rejects": load["errors"]["rejects"],
        "writes": writes,
        "server_cpu_pct": cpu_pct,
        "cpu_ms_per_write": cpu_pct * 10 * window_s / acked
        if cpu_pct is not None and acked
        else None,
    }


def join_figures(data: dict) -> dict:
    """Median time for a fresh client to hold the whole board, warm and cold, from `loadgen join`."""
    return {
        "valid": True,
        "invalid": [],
        "warm_p50_ms": data["warm"]["totalMs"]["p50"],
        "cold_p50_ms": data["cold"]["totalMs"]["p50"],
        "prefill_s": data["prefill"]["seconds"],
    }


def ratio(ours: float | None, theirs: float | None) -> float | None:
    """Ours over WBO's (above 1: we are slower or dearer); None when either is missing or WBO's is 0."""
    if ours is None or theirs is None or theirs == 0:
        return None
    return ours / theirs


def median(values: list) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


# The comparison per series: (figure, label); lower is better for every one of them
RUN_METRICS = (
    ("ack_p50_ms", "ack p50 ms"),
    ("ack_p99_ms", "ack p99 ms"),
    ("peer_p50_ms", "broadcast p50 ms"),
    ("peer_p99_ms", "broadcast p99 ms"),
    ("cpu_ms_per_write", "server CPU ms per write"),
    ("missing", "missing deliveries"),
    ("disconnects", "disconnects"),
)
CURSOR_METRICS = (("cursor_p99_ms", "cursor p99 ms"),)
# Decimals shown per metric (1 elsewhere): counts are whole even as a median of two runs.
DIGITS = {"server CPU ms per write": 2, "missing deliveries": 0, "disconnects": 0}
JOIN_METRICS = (("warm_p50_ms", "warm join p50 ms"), ("cold_p50_ms", "cold join p50 ms"))


def metrics_of(series: Series) -> tuple[tuple[str, str], ...]:
    if series.kind == "join":
        return JOIN_METRICS
    return RUN_METRICS + (CURSOR_METRICS if series.cursor_hz else ())


def summary_rows(series: Series, runs: list[dict]) -> list[dict]:
    """Per metric: WBO's and Tavolo's medians over the series' runs, and the ratio."""
    rows = []
    for key, label in metrics_of(series):
        ours = median([r["figures"].get(key) for r in runs if r["server"] == "tavolo"])
        theirs = median([r["figures"].get(key) for r in runs if r["server"] == "wbo"])
        rows.append({"metric": label, "wbo": theirs, "tavolo": ours, "ratio": ratio(ours, theirs)})
    return rows


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def summary_table(series: Series, runs: list[dict]) -> str:
    loads = ", ".join(
        f"{r['server'][0].upper()}{r['pair']} {r['load1_before']}→{r['load1_after']}" for r in runs
    )
    lines = [
        f"| {series.title} | WBO (median) | Tavolo (median) | Tavolo / WBO |",
        "|---|---|---|---|",
    ]
    for row in summary_rows(series, runs):
        digits = DIGITS.get(row["metric"], 1)
        lines.append(
            f"| {row['metric']} | {fmt(row['wbo'], digits)} | {fmt(row['tavolo'], digits)}"
            f" | {fmt_ratio(row['ratio'])} |"
        )
    lines.append(f"| 1-min load (before→after, T = Tavolo, W = WBO, by pair) | {loads} | | |")
    return "\n".join(lines)


def runs_table(series: Series, runs: list[dict]) -> str:
    keys = metrics_of(series)
    head = " | ".join(label for _, label in keys)
    lines = [
        f"| run | valid | {head} | others on CPU 0 | 1-min load before → after |",
        "|---|---|" + "---|" * len(keys) + "---|---|",
    ]
    for r in runs:
        f = r["figures"]
        valid = "yes" if f["valid"] else "no: " + "; ".join(f["invalid"])
        cells = " | ".join(fmt(f.get(key), DIGITS.get(label, 1)) for key, label in keys)
        lines.append(
            f"| {r['server']} {r['pair']} | {valid} | {cells} | {r['others_on_cpu0_pct']}% | "
            f"{r['load1_before']} → {r['load1_after']} |"
        )
    return "\n".join(lines)


# ---- the servers ------------------------------------------------------------------------------


def node_major(node: str) -> int | None:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10).stdout
        return int(out.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def wbo_unavailable(wbo_dir: Path | None, node: str) -> str | None:
    """Why WBO cannot run here, or None when it can."""
    if wbo_dir is None:
        return "no WBO checkout: set WBO_DIR (or --wbo-dir) to lovasoa/whitebophir after npm ci"
    if not (wbo_dir / "server/server.mjs").exists():
        return f"{wbo_dir} has no server/server.mjs: not a WBO checkout"
    if not (wbo_dir / "node_modules/socket.io").exists():
        return f"{wbo_dir} has no node_modules: run `npm ci --omit=dev --ignore-scripts` there"
    major = node_major(node)
    if major is None or major < WBO_MIN_NODE_MAJOR:
        return f"WBO needs Node {WBO_MIN_NODE_MAJOR}; {node} is {major or 'missing'} (set WBO_NODE)"
    return None


class Tavolo:
    """Our server as it ships, on one scratch database for the whole series."""

    name = "tavolo"
    adapter = "workshop"

    def __init__(self, db_kind: str, async_mode: str, nice: int) -> None:
        self.nice = nice
        self.folder = Path(tempfile.mkdtemp(prefix=f"side-by-side-{db_kind}-"))
        self.db = ScratchDatabase(db_kind, self.folder)
        self.env = {**server_env(self.db.url, self.folder), "SOCKETIO_ASYNC_MODE": async_mode}
        prepare(self.env)

    def start(self, port: int, log: Path) -> subprocess.Popen:
        return start_server(self.env, port, log, nice=self.nice)

    def close(self) -> None:
        self.db.drop()
        shutil.rmtree(self.folder, ignore_errors=True)


class Wbo:
    """WBO from its checkout: boards in memory, saved to a scratch history folder."""

    name = "wbo"
    adapter = "wbo"

    def __init__(self, wbo_dir: Path, node: str, nice: int) -> None:
        self.nice = nice
        self.dir = wbo_dir
        self.node = node
        self.history = Path(tempfile.mkdtemp(prefix="side-by-side-wbo-"))

    def start(self, port: int, log: Path) -> subprocess.Popen:
        env = {
            **os.environ,
            "NODE_ENV": "production",
            "LOG_LEVEL": "warn",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WBO_HISTORY_DIR": str(self.history),
            **{name: WBO_UNLIMITED for name in WBO_LIMITS},
        }
        process = prioritised(
            self.nice,
            pinned(SERVER_CPU, [self.node, "server/server.mjs"]),
            env=env,
            cwd=self.dir,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        return wait_for_http(f"http://127.0.0.1:{port}/", process, log)

    def close(self) -> None:
        shutil.rmtree(self.history, ignore_errors=True)


def generator_command(series: Series, server, port: int, pid: int, args, out: Path) -> list[str]:
    common = ["--url", f"http://127.0.0.1:{port}", "--adapter", server.adapter, "--client", "lite"]
    common += ["--server-pid", str(pid)]
    if series.kind == "join":
        return [
            "join",
            *common,
            "--items",
            str(series.items),
            "--samples",
            str(args.join_samples),
            "--out",
            str(out),
        ]
    return [
        "run",
        *common,
        *("--clients", str(series.clients), "--rate", str(series.rate)),
        *("--warmup", str(args.warmup), "--duration", str(args.window)),
        *("--cursor-hz", str(series.cursor_hz), "--out", str(out), "--quiet"),
    ]


def load1() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def one_run(series: Series, server, pair: int, args, out: Path) -> dict:
    tag = f"{series.name}-{server.name}-{pair}"
    port = free_port()
    process = server.start(port, out / f"{tag}.server.log")
    result_file = out / f"{tag}.json"
    timeout = (
        JOIN_TIMEOUT_S if series.kind == "join" else args.warmup + args.window + GENERATOR_SLACK_S
    )
    try:
        before = load1()
        busy0, total0 = cpu0_busy_ticks()
        server0 = process_ticks(process.pid)
        generator = prioritised(
            args.nice,
            pinned(GENERATOR_CPU, ["node", "bin/loadgen.mjs"])
            + generator_command(series, server, port, process.pid, args, result_file),
            cwd=args.loadgen_dir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            printed = "".join(generator.communicate(timeout=timeout))
        finally:
            stop(generator)
        busy1, total1 = cpu0_busy_ticks()
        server1 = process_ticks(process.pid)
        after = load1()
    finally:
        stop(process)
    data = read_result(result_file, printed)
    figures = join_figures(data) if series.kind == "join" else run_figures(data)
    others = (busy1 - busy0) - (server1 - server0)
    return {
        "series": series.name,
        "server": server.name,
        "pair": pair,
        "figures": figures,
        "load1_before": before,
        "load1_after": after,
        "others_on_cpu0_pct": round(100 * others / max(total1 - total0, 1), 1),
    }


def run_series(series: Series, args, wbo_reason: str | None, out: Path) -> list[dict]:
    tavolo = Tavolo(series.db, args.async_mode, args.nice)
    wbo = None if wbo_reason else Wbo(args.wbo_dir, args.wbo_node, args.nice)
    runs: list[dict] = []
    try:
        for pair in range(1, args.pairs + 1):
            for server in (tavolo, wbo):  # A B A B: the machine's noise hits both alike
                if server is None:
                    continue
                row = one_run(series, server, pair, args, out)
                runs.append(row)
                print(runs_table(series, [row]).splitlines()[-1], flush=True)
                time.sleep(COOLDOWN_S)
    finally:
        tavolo.close()
        if wbo:
            wbo.close()
    return runs


def report(results: dict[str, list[dict]], args, wbo_reason: str | None, started: str) -> str:
    commit = commit_of_checkout()
    pinning = (
        "server on CPU 0, generator on CPU 1"
        if shutil.which("taskset")
        else "no taskset: nothing pinned"
    )
    parts = [
        f"# Tavolo beside WBO ({started})",
        "",
        f"`python bench/side_by_side.py {' '.join(sys.argv[1:])}` — Tavolo `{commit}` "
        f"(`python -m workshop`, {args.async_mode}), WBO from `{args.wbo_dir or '–'}`; "
        f"loadgen `--client lite`; {args.warmup} s warm-up, {args.window} s window, {args.pairs} pair(s) "
        f"alternated A B; {pinning}; both servers and the generator at nice {args.nice}. "
        "Ratios are Tavolo / WBO over medians (above 1: Tavolo slower).",
        "",
    ]
    if wbo_reason:
        parts += [f"**WBO skipped**: {wbo_reason}.", ""]
    for name, runs in results.items():
        series = at_rate(SERIES[name], args.rate)
        parts += [
            f"## {series.title}",
            "",
            summary_table(series, runs),
            "",
            runs_table(series, runs),
            "",
        ]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--series", default=",".join(SERIES))
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--window", type=int, default=30, help="measured seconds per run")
    parser.add_argument("--warmup", type=int, default=5)
    # Our warm joins of 5,000 items split in two: most near 13 ms, about one in three at 25-45
    # ms, while the server's handlers took 4-8 ms from connect to the ack's send for every one
    # of them. Five samples put the median on either; fifteen keep it on the main one.
    parser.add_argument("--join-samples", type=int, default=15)
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="writes/s per client in the run series (default 2): lower on a host too slow to carry it",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="nice value of both servers and the generator alike (e.g. -10 on a busy machine; needs root)",
    )
    parser.add_argument("--async-mode", default="gevent", choices=("gevent", "eventlet"))
    parser.add_argument("--wbo-dir", type=Path, default=os.environ.get("WBO_DIR") or None)
    parser.add_argument("--wbo-node", default=os.environ.get("WBO_NODE", "node"))
    parser.add_argument(
        "--out", type=Path, default=None, help="the markdown file (default bench/results/)"
    )
    parser.add_argument(
        "--note", default="", help="a paragraph put under the title (e.g. the machine's state)"
    )
    args = parser.parse_args()
    names = [n for n in args.series.split(",") if n]
    unknown = [n for n in names if n not in SERIES]
    if unknown:
        parser.error(f"unknown series {unknown}; known: {', '.join(SERIES)}")
    args.loadgen_dir = loadgen_dir()
    # Stopped with SIGTERM, still stop the servers and drop the scratch database (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    wbo_reason = wbo_unavailable(args.wbo_dir, args.wbo_node)
    if wbo_reason:
        print(f"WBO skipped: {wbo_reason}", flush=True)
    started = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    out_file = args.out or ROOT / "bench/results" / f"{dt.date.today().isoformat()}-side-by-side.md"
    raw = Path(tempfile.mkdtemp(prefix="side-by-side-"))
    results: dict[str, list[dict]] = {}
    for name in names:
        series = at_rate(SERIES[name], args.rate)
        print(f"\n{series.title}", flush=True)
        results[name] = run_series(series, args, wbo_reason, raw)
    text = report(results, args, wbo_reason, started)
    if args.note:
        title, rest = text.split("\n", 1)
        text = f"{title}\n\n{args.note}\n{rest}"
    print("\n" + text)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(text)
    out_file.with_suffix(".json").write_text(json.dumps(results, indent=2))
    print(f"written to {out_file} (each run's generator JSON and server log: {raw})")


if __name__ == "__main__":
    main()
