"""Bandwidth and CPU per peer of a call's mesh, in headless Chromium pages on this machine.

    python bench/calls.py                  # meshes of 2 to 6 peers, about three minutes at most
    python bench/calls.py --max 8 --window-s 8 --budget-s 300

One real server (eventlet, scratch SQLite, the demo loaded), one Chromium with the fake camera
and microphone (tests/support/browser.py), one browser context per participant, all on one
board outside any live session, so the call is a mesh. Peers are added one at a time; at each
size, after a warm-up, two getStats() readings WINDOW apart give per peer:
  - bandwidth: bytes sent + received on its transports, per second;
  - received video: the lowest framesPerSecond over its inbound video tracks, and whether any
    of them froze (framesDecoded did not advance over the window);
  - CPU: the CPU time of every Chromium process (browser, renderers, GPU/utility) over the
    window, divided by the number of peers, in % of one core.
A size is **usable** when every peer receives every other peer's video at >= 10 frames a
second and no track froze. The run stops at the first unusable size, at --max, or when the
time budget is spent. Results: bench/results/calls-<date>.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.test_board_browser import Person  # noqa: E402 - the browser tests' person
from tests.support.browser import FAKE_MEDIA_ARGS, launch_browser, start_playwright  # noqa: E402
from tests.support.browser_site import start_demo_site  # noqa: E402
from tests.support.live_server import LiveServer  # noqa: E402

USABLE_FPS = 10  # received frames a second under which a face stops reading as a moving picture
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

STATS_JS = """async () => {
    const out = {bytes: 0, inbound: []};
    for (const [peer, link] of window.tavoloBoard.call.links) {
        const stats = await link.pc.getStats();
        stats.forEach(s => {
            if (s.type === 'transport') out.bytes += (s.bytesSent ?? 0) + (s.bytesReceived ?? 0);
            if (s.type === 'inbound-rtp' && s.kind === 'video')
                out.inbound.push({peer, fps: s.framesPerSecond ?? 0, frames: s.framesDecoded ?? 0,
                                  width: s.frameWidth ?? 0});
        });
    }
    return out;
}"""


def chromium_cpu_s() -> float:
    """CPU seconds used so far by every Chromium process under this one (via the driver)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        pid, ppid = int(entry.name), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        stats[pid] = (name, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    total, todo = 0.0, [os.getpid()]
    while todo:
        pid = todo.pop()
        name, cpu = stats.get(pid, ("", 0.0))
        if "chrom" in name.lower():
            total += cpu
        todo.extend(children.get(pid, []))
    return total


def make_site(tmp: Path) -> tuple[LiveServer, dict]:
    return start_demo_site(
        tmp,
        "calls",
        setup=["-m", "tests.browser.board_setup", "1", "0"],
        extra_env={"WORKSHOP_CALL_MESH_LIMIT": "16"},
    )


def measure(people: list[Person], window_s: float) -> dict:
    before = [p.js(STATS_JS) for p in people]
    cpu_before, t0 = chromium_cpu_s(), time.monotonic()
    time.sleep(window_s)
    after = [p.js(STATS_JS) for p in people]
    elapsed = time.monotonic() - t0
    cpu = (chromium_cpu_s() - cpu_before) / elapsed * 100
    peers = []
    for b, a in zip(before, after, strict=True):
        frames_before = {i["peer"]: i["frames"] for i in b["inbound"]}
        peers.append(
            {
                "bytes_per_s": (a["bytes"] - b["bytes"]) / elapsed,
                "inbound_tracks": len(a["inbound"]),
                "min_fps": min((i["fps"] for i in a["inbound"]), default=0),
                "frozen": sum(
                    1 for i in a["inbound"] if i["frames"] <= frames_before.get(i["peer"], -1)
                ),
            }
        )
    n = len(people)
    usable = all(
        p["inbound_tracks"] == n - 1 and p["min_fps"] >= USABLE_FPS and p["frozen"] == 0
        for p in peers
    )
    return {
        "peers": n,
        "kbit_per_s_per_peer": round(sum(p["bytes_per_s"] for p in peers) / n * 8 / 1000, 1),
        "cpu_percent_per_peer": round(cpu / n, 1),
        "cpu_percent_total": round(cpu, 1),
        "min_fps_received": round(min(p["min_fps"] for p in peers), 1),
        "frozen_tracks": sum(p["frozen"] for p in peers),
        "usable": usable,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=int, default=6, help="largest mesh to try")
    parser.add_argument("--warmup-s", type=float, default=8.0)
    parser.add_argument("--window-s", type=float, default=5.0)
    parser.add_argument(
        "--budget-s", type=float, default=200.0, help="stop adding peers after this"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    started = time.monotonic()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        server, site = make_site(Path(tmp))
        playwright = start_playwright()
        browser = launch_browser(playwright, extra_args=FAKE_MEDIA_ARGS)
        people: list[Person] = []
        try:
            board = site["boards"][0]
            for n in range(1, args.max + 1):
                if time.monotonic() - started > args.budget_s:
                    print(f"time budget spent before {n} peers", file=sys.stderr)
                    break
                person = Person(browser, site, viewport=(800, 600)).join(f"Peer {n}").open(board)
                person.page.click(".call-join")
                person.page.wait_for_function(
                    "() => window.tavoloBoard.call.peerId !== null", timeout=20_000
                )
                people.append(person)
                if n < 2:
                    continue
                time.sleep(args.warmup_s)
                row = measure(people, args.window_s)
                rows.append(row)
                print(json.dumps(row), flush=True)
                if not row["usable"]:
                    break
        finally:
            browser.close()
            playwright.stop()
            server.stop()
    largest = max((r["peers"] for r in rows if r["usable"]), default=None)
    result = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "usable_rule": f"every inbound video >= {USABLE_FPS} fps, none frozen",
        "rows": rows,
        "largest_usable_mesh": largest,
        "runtime_s": round(time.monotonic() - started, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"calls-{datetime.now():%Y%m%d-%H%M}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"largest usable mesh: {largest}; written to {path}")


if __name__ == "__main__":
    main()
