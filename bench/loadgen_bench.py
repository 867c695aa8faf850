"""Our server as it ships, measured with the shared load generator (`shared/loadgen`).

    python bench/loadgen_bench.py                # SQLite then PostgreSQL, 60 x 2/s, 1 run each
    python bench/loadgen_bench.py --db postgres --runs 3 --hog 2 --out bench/results/x
    python bench/loadgen_bench.py --db sqlite --async-mode eventlet

For each database: a scratch database (a SQLite file, or a PostgreSQL database on
BENCH_POSTGRES_URL / TEST_POSTGRES_URL that is dropped afterwards), `flask db upgrade` and
`flask demo load`, then per run a fresh `python -m workshop` pinned to CPU 0 and the generator
(`node bin/loadgen.mjs run --adapter workshop --client lite`) pinned to CPU 1. `--hog K` adds
K busy loops pinned to CPU 0 for the run's length (other processes taking K/(K+1) of the
server's core). Beside every figure: the machine's load average and the CPU that other
processes took from CPU 0 during the run (from /proc/stat, minus the server's own).

The generator lives outside this repository: LOADGEN_DIR, else ../shared/loadgen or
../../shared/loadgen from the checkout (run `npm ci` there first).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
SERVER_CPU = "0"
GENERATOR_CPU = "1"
START_TIMEOUT_S = 60


def loadgen_dir() -> Path:
    for candidate in (
        os.environ.get("LOADGEN_DIR"),
        ROOT.parent / "shared/loadgen",
        ROOT.parent.parent / "shared/loadgen",
    ):
        if candidate and (Path(candidate) / "bin/loadgen.mjs").exists():
            return Path(candidate)
    sys.exit(
        "loadgen not found: set LOADGEN_DIR to the shared/loadgen folder (after `npm ci` there)"
    )


def cpu0_busy_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of CPU 0 so far."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu0 "):
            values = [int(v) for v in line.split()[1:]]
            idle = values[3] + values[4]
            return sum(values) - idle, sum(values)
    raise RuntimeError("no cpu0 in /proc/stat")


def process_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


class ScratchDatabase:
    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        if kind == "sqlite":
            self.url = f"sqlite:///{folder / 'bench.sqlite3'}"
            return
        admin = (
            os.environ.get("BENCH_POSTGRES_URL")
            or os.environ.get("TEST_POSTGRES_URL")
            or DEFAULT_POSTGRES
        )
        self.name = f"bench_{secrets.token_hex(6)}"
        self.admin = sa.create_engine(
            sa.engine.make_url(admin).set(drivername="postgresql+psycopg2"),
            isolation_level="AUTOCOMMIT",
        )
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        self.url = (
            sa.engine.make_url(admin).set(database=self.name).render_as_string(hide_password=False)
        )

    def drop(self) -> None:
        if self.kind == "sqlite":
            return
        with self.admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": self.name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}"'))
        self.admin.dispose()


def server_env(url: str, instance: Path, async_mode: str = "gevent") -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "WORKSHOP_ENV": "development",
        "WORKSHOP_INSTANCE_DIR": str(instance),
        "SECRET_KEY": secrets.token_hex(32),
        "SOCKETIO_ASYNC_MODE": async_mode,
        "REDIS_URL": "",
        # Every client comes from 127.0.0.1: the per-address limits would refuse the crowd.
        "WORKSHOP_JOIN_RATE_LIMIT": "100000 per minute",
        "WORKSHOP_LOGIN_RATE_LIMIT": "100000 per minute",
        "PYTHONPATH": str(ROOT),
    }


@contextlib.contextmanager
def prepared_database(kind: str, async_mode: str = "gevent"):
    """A scratch database of that kind (sqlite, postgres) with the demo loaded, and the server's
    environment for it; dropped afterwards. Yields (database, environment)."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-"))
    db = ScratchDatabase(kind, folder)
    try:
        env = server_env(db.url, folder, async_mode)
        prepare(env)
        yield db, env
    finally:
        db.drop()
        shutil.rmtree(folder, ignore_errors=True)


def prepare(env: dict[str, str]) -> None:
    for args in (("db", "upgrade"), ("demo", "load")):
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "workshop", *args],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )


def pinned(cpu: str, command: list[str]) -> list[str]:
    """`command` pinned to `cpu` with taskset, or as it is where taskset is missing."""
    return ["taskset", "-c", cpu, *command] if shutil.which("taskset") else command


def wait_for_http(url: str, process: subprocess.Popen, log: Path) -> subprocess.Popen:
    """Wait until `url` answers 200 (the server is up), else kill the process and say where its log is."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the server did not start: see {log}")


def niced(nice: int, command: list[str]) -> list[str]:
    return ["nice", "-n", str(nice), *command] if nice else command


def prioritised(nice: int, command: list[str], **popen) -> subprocess.Popen:
    """Start `command` at niceness `nice` in a session of its own: Linux weighs niceness between
    sessions (autogroups), so on a machine shared with other sessions only the autogroup's
    niceness puts their work behind the benchmark's."""
    process = subprocess.Popen(niced(nice, command), start_new_session=bool(nice), **popen)
    if nice:
        with contextlib.suppress(OSError):
            Path(f"/proc/{process.pid}/autogroup").write_text(str(nice))
    return process


def start_server(
    env: dict[str, str], port: int, log: Path, nice: int, cpu: str | None = SERVER_CPU
) -> subprocess.Popen:
    """`python -m workshop` on `port`, pinned to `cpu` (None: not pinned), once it answers."""
    command = [sys.executable, "-m", "workshop", "--host", "127.0.0.1", "--port", str(port)]
    if cpu is not None:
        command = pinned(cpu, command)
    process = prioritised(
        nice, command, env=env, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    return wait_for_http(f"http://127.0.0.1:{port}/healthz", process, log)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def read_result(result_file: Path, printed: str) -> dict:
    """The generator's JSON, or an error carrying what it printed instead."""
    if not result_file.exists():
        raise RuntimeError(f"the generator wrote nothing for {result_file.name}: {printed[-4000:]}")
    return json.loads(result_file.read_text())


def commit_of_checkout() -> str:
    """The checkout's commit, short, for a report."""
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_run(args, db: ScratchDatabase, env: dict[str, str], out: Path, tag: str) -> dict:
    port = free_port()
    log = out / f"{tag}.server.log"
    server = start_server(env, port, log, args.server_nice)
    hogs: list[subprocess.Popen] = []
    try:
        length_s = args.warmup + args.duration + 30  # joins, warm-up, window, drain
        for _ in range(args.hog):
            hogs.append(
                subprocess.Popen(
                    [
                        "timeout",
                        str(length_s),
                        *pinned(SERVER_CPU, ["sh", "-c", "while :; do :; done"]),
                    ],
                    start_new_session=True,  # a group of its own: killed whole below
                )
            )
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        busy0, total0 = cpu0_busy_ticks()
        server0 = process_ticks(server.pid)
        result_file = out / f"{tag}.json"
        generator = subprocess.run(
            pinned(GENERATOR_CPU, ["node", "bin/loadgen.mjs"])
            + [
                "run",
                "--url",
                f"http://127.0.0.1:{port}",
                "--adapter",
                "workshop",
                "--client",
                "lite",
                "--clients",
                str(args.clients),
                "--rate",
                str(args.rate),
                "--warmup",
                str(args.warmup),
                "--duration",
                str(args.duration),
                "--server-pid",
                str(server.pid),
                "--out",
                str(result_file),
                "--quiet",
            ],
            cwd=loadgen_dir(),
            capture_output=True,
            text=True,
            timeout=args.warmup + args.duration + 240,
        )
        busy1, total1 = cpu0_busy_ticks()
        server1 = process_ticks(server.pid)
        load_after = Path("/proc/loadavg").read_text().split()[:3]
    finally:
        for hog in hogs:
            # The loop itself, not only `timeout`: killing that alone left the loop running
            # (and busy on CPU 0) after the benchmark.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(hog.pid, signal.SIGKILL)
            hog.wait()
        stop(server)
    data = read_result(result_file, generator.stdout + generator.stderr)
    seq, checkpoints = board_progress(db.url, data["meta"]["adapter"].get("board"))
    load = data["load"]
    span = max(total1 - total0, 1)
    text = log.read_text(errors="replace")
    acked = load["ack"]["delivered"] or 0
    return {
        "tag": tag,
        "db": db.kind,
        "hog": args.hog,
        "valid": data["verdict"]["valid"],
        "invalid": data["verdict"]["invalidReasons"],
        "pass": data["verdict"]["pass"],
        "peer_p50_ms": load["peer"]["latencyMs"]["p50"],
        "peer_p99_ms": load["peer"]["latencyMs"]["p99"],
        "ack_p99_ms": load["ack"]["latencyMs"]["p99"],
        "missing": load["peer"]["missing"],
        "expected": load["peer"]["expected"],
        "acks": f"{acked}/{load['ack']['expected']}",
        "rejects": load["errors"]["rejects"],
        "reject_reasons": load["errors"]["rejectReasons"],
        "disconnects": load["errors"]["disconnects"],
        "server_cpu_pct": data["server"]["cpuPctMean"],
        "server_cpu_ms_per_write": (
            data["server"]["cpuPctMean"] * 10 * args.duration / acked if acked else None
        ),
        "others_on_cpu0_pct": round(100 * ((busy1 - busy0) - (server1 - server0)) / span, 1),
        "loadavg_before": " ".join(load_before),
        "loadavg_after": " ".join(load_after),
        "pool_timeouts": text.count("QueuePool limit"),
        "board_seq": seq,
        "checkpoints": checkpoints,
        "maintenance_failed": text.count("maintenance failed"),
    }


def board_progress(url: str, board_id) -> tuple[int | None, int | None]:
    """How far the run's board got once the server stopped, and its checkpoints."""
    if not isinstance(board_id, int):
        return None, None
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    try:
        with engine.connect() as conn:
            seq = conn.scalar(sa.text("SELECT seq FROM boards WHERE id = :b"), {"b": board_id})
            checkpoints = conn.scalar(
                sa.text(
                    "SELECT count(*) FROM board_snapshots"
                    " WHERE board_id = :b AND kind = 'checkpoint'"
                ),
                {"b": board_id},
            )
        return seq, checkpoints
    finally:
        engine.dispose()


def fmt(value, digits=1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def table(rows: list[dict]) -> str:
    lines = [
        "| run | valid | peer p50 / p99 ms | ack p99 ms | missing | acks | rejects | disconnects"
        " | server CPU % | CPU ms/write | others on CPU 0 | load (before → after)"
        " | pool timeouts | board seq, checkpoints |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['tag']} | {'yes' if r['valid'] else 'no: ' + '; '.join(r['invalid'])} | "
            f"{fmt(r['peer_p50_ms'])} / {fmt(r['peer_p99_ms'])} | "
            f"{fmt(r['ack_p99_ms'])} | "
            f"{r['missing']:,} of {r['expected']:,} | {r['acks']} | {r['rejects']} | "
            f"{r['disconnects']} | {fmt(r['server_cpu_pct'])} | "
            f"{fmt(r['server_cpu_ms_per_write'], 2)} | {r['others_on_cpu0_pct']}% | "
            f"{r['loadavg_before']} → {r['loadavg_after']} | {r['pool_timeouts']} | "
            f"{r.get('board_seq')}, {r.get('checkpoints')} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--clients", type=int, default=60)
    parser.add_argument("--rate", type=float, default=2)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--hog", type=int, default=0, help="busy loops pinned to the server's CPU")
    parser.add_argument(
        "--server-nice", type=int, default=0, help="nice value of the server (e.g. -10)"
    )
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--async-mode", choices=("gevent", "eventlet"), default="gevent", help="the server's"
    )
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="loadgen-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    commit = commit_of_checkout()
    rows = []
    for kind in args.db.split(","):
        with prepared_database(kind, args.async_mode) as (db, env):
            for n in range(1, args.runs + 1):
                row = one_run(
                    args, db, env, out, f"{kind}-{n}" + (f"-hog{args.hog}" if args.hog else "")
                )
                rows.append(row)
                print(table([row]).splitlines()[-1], flush=True)
    header = (
        f"Tavolo {commit} ({args.async_mode}), {args.clients} clients x {args.rate} writes/s, loadgen --client lite, "
        f"{args.warmup} s warm-up, {args.duration} s window, "
        f"server on CPU 0 (nice {args.server_nice}), generator on CPU 1, "
        f"{args.hog} busy loop(s) on CPU 0"
    )
    report = f"{header}\n\n{table(rows)}\n"
    print("\n" + report)
    (out / "summary.md").write_text(report)
    (out / "results.json").write_text(json.dumps({"header": header, "runs": rows}, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
