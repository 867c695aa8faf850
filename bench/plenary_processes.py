"""One big plenary on several processes behind Redis, against one process.

    python bench/plenary_processes.py                        # 200 x 1/s, on 4 processes then 1
    python bench/plenary_processes.py --processes 4 --rounds 2 --out bench/results/x.md

Issue 18's series "200 people in one plenary at 1 write/s on 4 processes behind Redis: p99 ≤ 100
ms, 0 missing". Per run: a scratch PostgreSQL database (BENCH_POSTGRES_URL) with the demo
loaded, N fresh `python -m workshop` processes (gevent, as shipped) with Redis
(BENCH_REDIS_URL) as Socket.IO's message queue on a channel of their own, and the shared load
generator (`shared/loadgen`, `--client lite`) spreading its clients over the processes with
`--opt urls=`. Every client writes on the same board. Nothing is pinned: the servers and the
generator share the machine's cores. Prints, per run, the broadcast p50/p99/max, the ack p99,
what was delivered and missing, disconnects, the servers' CPU seconds over the run's wall time,
the generator's CPU and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import tempfile
import time
from pathlib import Path

import loadgen_bench as lb

BASE_PORT = 5421
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def one_run(args, env: dict[str, str], raw: Path, processes: int, tag: str) -> dict:
    env = {
        **env,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
        "WORKSHOP_SOCKETIO_CHANNEL": f"bench-{secrets.token_hex(4)}",
    }
    ports = [BASE_PORT + n for n in range(processes)]
    servers = []
    try:
        for port in ports:
            log = raw / f"{tag}-{port}.log"
            servers.append(lb.start_server(env, port, log, args.nice, cpu=None))
        load_before = Path("/proc/loadavg").read_text().split()[0]
        ticks_before = [lb.process_ticks(s.pid) for s in servers]
        started = time.monotonic()
        result_file = raw / f"{tag}.json"
        urls = ",".join(f"http://127.0.0.1:{port}" for port in ports)
        generator = subprocess.run(
            lb.niced(args.nice, ["node", "bin/loadgen.mjs", "run"])
            + ["--url", f"http://127.0.0.1:{ports[0]}", "--adapter", "workshop"]
            + ["--client", "lite", "--clients", str(args.clients), "--rate", str(args.rate)]
            + ["--warmup", str(args.warmup), "--duration", str(args.window)]
            + ["--opt", f"urls={urls}", "--out", str(result_file), "--quiet"],
            cwd=lb.loadgen_dir(),
            capture_output=True,
            text=True,
            timeout=args.warmup + args.window + 240,
        )
        wall_s = time.monotonic() - started
        ticks_after = [lb.process_ticks(s.pid) for s in servers]
        load_after = Path("/proc/loadavg").read_text().split()[0]
    finally:
        for server in servers:
            lb.stop(server)
    data = lb.read_result(result_file, generator.stdout + generator.stderr)
    peer, ack = data["load"]["peer"], data["load"]["ack"]
    return {
        "tag": tag,
        "processes": processes,
        "valid": data["verdict"]["valid"],
        "p50": peer["latencyMs"]["p50"],
        "p99": peer["latencyMs"]["p99"],
        "max": peer["latencyMs"]["max"],
        "ack_p99": ack["latencyMs"]["p99"],
        "delivered": f"{peer['delivered']:,} of {peer['expected']:,}",
        "missing": peer["missing"],
        "disconnects": data["load"]["errors"]["disconnects"],
        "servers_cpu_s": sum(b - a for a, b in zip(ticks_before, ticks_after, strict=True))
        / os.sysconf("SC_CLK_TCK"),
        "wall_s": wall_s,
        "generator_cpu_pct": data["generator"]["cpuPctMean"],
        "load": f"{load_before} → {load_after}",
    }


def table(runs: list[dict]) -> str:
    lines = [
        "| run | processes | valid | broadcast p50 / p99 / max ms | ack p99 ms | delivered "
        "| missing | disconnects | servers' CPU s (wall s) | generator CPU | 1-min load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['tag']} | {r['processes']} | {'yes' if r['valid'] else 'no'} "
            f"| {r['p50']:.1f} / {r['p99']:.1f} / {r['max']:.1f} | {r['ack_p99']:.1f} "
            f"| {r['delivered']} | {r['missing']:,} | {r['disconnects']} "
            f"| {r['servers_cpu_s']:.1f} ({r['wall_s']:.1f}) | {r['generator_cpu_pct']:.0f}% "
            f"| {r['load']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--processes", default="4,1", help="process counts, in turn")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rate", type=float, default=1, help="writes per client per second")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--window", type=int, default=20)
    parser.add_argument("--nice", type=int, default=0, help="servers' and generator's niceness")
    parser.add_argument("--out", type=Path, default=None, help="a Markdown file for the report")
    args = parser.parse_args()
    raw = Path(tempfile.mkdtemp(prefix="plenary-processes-"))
    runs: list[dict] = []
    for round_ in range(1, args.rounds + 1):
        for processes in (int(n) for n in args.processes.split(",")):
            # A fresh database per run: every run's board starts empty.
            with lb.prepared_database("postgres") as (_database, env):
                runs.append(one_run(args, env, raw, processes, f"{round_}-{processes}p"))
            print(table(runs[-1:]).splitlines()[-1], flush=True)
    report = "\n".join(
        [
            f"# {args.clients} x {args.rate:g}/s on one board, processes behind Redis "
            f"({time.strftime('%Y-%m-%d %H:%M')})",
            "",
            f"`{lb.commit_of_checkout()}`; PostgreSQL, Redis; {args.warmup} s warm-up, "
            f"{args.window} s window; nice {args.nice}; raw JSON and logs: `{raw}`.",
            "",
            table(runs),
        ]
    )
    print("\n" + report)
    if args.out:
        args.out.write_text(report + "\n")
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
