"""A lab room beside a busy room on one process: does the busy one slow the lab down?

    python bench/neighbours.py                                   # SQLite then PostgreSQL, 3 rounds
    python bench/neighbours.py --db postgres --rounds 2 --window 15 --out bench/results/x.md

Issue 18's target: a 30-person room's p99 rises by less than 10 ms beside a room of 10 people
writing 10 times a second. Per round, on one fresh server as it ships (`python -m workshop`,
gevent, pinned to CPU 0): the lab room alone (the shared generator, `shared/loadgen`, 30
clients x 1 write/s on a board of its own), then the same beside the busy room (a second
generator, 10 x 10/s on another board, started first and running past the lab's window). Each
generator makes its own fresh board on the demo's project, so the two rooms share the process
and the database, nothing else. Rounds alternate alone / beside so that the machine's noise
hits both alike. Both generators on CPU 1.

Prints the lab room's broadcast and ack p50/p99 alone and beside, the rise, the busy room's own
figures, what other processes took of CPU 0 and the load average, per round and as medians.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import loadgen_bench as lb

BUSY_JOIN_S = 4  # the busy room's 10 clients join before the lab room's generator starts
DRAIN_S = 30  # the lab generator's joins, drain and report, past its warm-up and window


def generator(port: int, pid: int, clients: int, rate: float, warmup: int, window: int, out):
    return lb.pinned(lb.GENERATOR_CPU, ["node", "bin/loadgen.mjs"]) + [
        "run",
        *("--url", f"http://127.0.0.1:{port}", "--adapter", "workshop", "--client", "lite"),
        *("--clients", str(clients), "--rate", str(rate)),
        *("--warmup", str(warmup), "--duration", str(window)),
        *("--server-pid", str(pid), "--out", str(out), "--quiet"),
    ]


def figures(data: dict) -> dict:
    load = data["load"]
    return {
        "valid": data["verdict"]["valid"],
        "invalid": data["verdict"]["invalidReasons"],
        "peer_p50": load["peer"]["latencyMs"]["p50"],
        "peer_p99": load["peer"]["latencyMs"]["p99"],
        "ack_p50": load["ack"]["latencyMs"]["p50"],
        "ack_p99": load["ack"]["latencyMs"]["p99"],
        "missing": load["peer"]["missing"],
        "disconnects": load["errors"]["disconnects"],
    }


def one_run(args, env, out: Path, tag: str, beside: bool) -> dict:
    port = lb.free_port()
    server = lb.start_server(env, port, out / f"{tag}.server.log", args.nice)
    busy = None
    try:
        load_before = Path("/proc/loadavg").read_text().split()[0]
        busy0, total0 = lb.cpu0_busy_ticks()
        server0 = lb.process_ticks(server.pid)
        if beside:
            lab_length = args.warmup + args.window + DRAIN_S
            busy = subprocess.Popen(
                generator(port, server.pid, 10, 10, 1, lab_length, out / f"{tag}.busy.json"),
                cwd=lb.loadgen_dir(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            time.sleep(BUSY_JOIN_S)
        lab = subprocess.run(
            generator(port, server.pid, 30, 1, args.warmup, args.window, out / f"{tag}.json"),
            cwd=lb.loadgen_dir(),
            capture_output=True,
            text=True,
            timeout=args.warmup + args.window + 240,
        )
        busy1, total1 = lb.cpu0_busy_ticks()
        server1 = lb.process_ticks(server.pid)
        busy_figures = None
        if busy is not None:
            printed, _ = busy.communicate(timeout=args.warmup + args.window + 240)
            busy_figures = figures(lb.read_result(out / f"{tag}.busy.json", printed))
        load_after = Path("/proc/loadavg").read_text().split()[0]
    finally:
        if busy is not None and busy.poll() is None:
            lb.stop(busy)
        lb.stop(server)
    return {
        "tag": tag,
        "beside": beside,
        "lab": figures(lb.read_result(out / f"{tag}.json", lab.stdout + lab.stderr)),
        "busy": busy_figures,
        "others_on_cpu0_pct": round(
            100 * ((busy1 - busy0) - (server1 - server0)) / max(total1 - total0, 1), 1
        ),
        "load": f"{load_before} → {load_after}",
    }


def fmt(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def rows_table(runs: list[dict]) -> str:
    lines = [
        "| run | lab valid | lab broadcast p50 / p99 ms | lab ack p50 / p99 ms | lab missing"
        " | busy room broadcast p50 / p99 ms | busy missing | disconnects | others on CPU 0"
        " | 1-min load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lab, busy = r["lab"], r["busy"]
        valid = "yes" if lab["valid"] else "no: " + "; ".join(lab["invalid"])
        busy_text = f"{fmt(busy['peer_p50'])} / {fmt(busy['peer_p99'])}" if busy else "–"
        drops = lab["disconnects"] + (busy["disconnects"] if busy else 0)
        lines.append(
            f"| {r['tag']} | {valid} | {fmt(lab['peer_p50'])} / {fmt(lab['peer_p99'])} | "
            f"{fmt(lab['ack_p50'])} / {fmt(lab['ack_p99'])} | {lab['missing']} | {busy_text} | "
            f"{busy['missing'] if busy else '–'} | {drops} | {r['others_on_cpu0_pct']}% | "
            f"{r['load']} |"
        )
    return "\n".join(lines)


def summary(db: str, runs: list[dict]) -> str:
    def median(beside: bool, key: str) -> float | None:
        values = [
            r["lab"][key] for r in runs if r["beside"] == beside and r["lab"][key] is not None
        ]
        return statistics.median(values) if values else None

    lines = [
        f"| lab room (30 x 1/s), {db} | alone (median) | beside 10 x 10/s (median) | rise |",
        "|---|---|---|---|",
    ]
    for key, label in (
        ("peer_p50", "broadcast p50 ms"),
        ("peer_p99", "broadcast p99 ms"),
        ("ack_p50", "ack p50 ms"),
        ("ack_p99", "ack p99 ms"),
    ):
        alone, beside = median(False, key), median(True, key)
        rise = f"{beside - alone:+.1f} ms" if alone is not None and beside is not None else "–"
        lines.append(f"| {label} | {fmt(alone)} | {fmt(beside)} | {rise} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--window", type=int, default=20)
    parser.add_argument("--nice", type=int, default=0, help="the server's niceness (e.g. -10)")
    parser.add_argument("--out", type=Path, default=None, help="a Markdown file for the report")
    args = parser.parse_args()
    raw = Path(tempfile.mkdtemp(prefix="neighbours-"))
    commit = lb.commit_of_checkout()
    parts = [
        f"# A lab room beside a busy room ({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"Tavolo `{commit}` (`python -m workshop`, gevent) on CPU 0 (nice {args.nice}), both "
        f"generators on CPU 1; {args.warmup} s warm-up, {args.window} s window, "
        f"{args.rounds} round(s) alternated alone / beside. Raw JSON and logs: `{raw}`.",
    ]
    for db_kind in args.db.split(","):
        runs: list[dict] = []
        with lb.prepared_database(db_kind) as (_database, env):
            for n in range(1, args.rounds + 1):
                for beside in (False, True):
                    tag = f"{db_kind}-{n}-{'beside' if beside else 'alone'}"
                    runs.append(one_run(args, env, raw, tag, beside))
                    print(rows_table(runs[-1:]).splitlines()[-1], flush=True)
        parts += ["", f"## {db_kind}", "", summary(db_kind, runs), "", rows_table(runs)]
    report = "\n".join(parts) + "\n"
    print("\n" + report)
    if args.out:
        args.out.write_text(report)
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
