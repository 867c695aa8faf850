"""Benchmark of the real-time engine: a real server process driven by a load generator of
async Socket.IO clients in another process. See bench/README.md.

    python bench/realtime.py --quick                 # ~1 minute, SQLite + eventlet
    python bench/realtime.py --full                  # every workload, every database and mode
    python bench/realtime.py --workloads 1 --clients 60 --rate 2 --db postgres --mode gevent

The orchestrator (this process) makes a scratch database, prepares accounts, a project, boards
and invites through the app's own services, signs one session cookie per participant, starts
`python -m workshop` pinned to one core and the generator (this file with --generator) pinned
to the other. The generator's clients are logged-in participants (cookie in the handshake),
websocket transport only; every change carries its send time (monotonic clock, microseconds)
in its change_id, so each receiver computes the broadcast latency of what it receives.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CLK_TCK = os.sysconf("SC_CLK_TCK")
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
SERVER_CPU, GENERATOR_CPU = 0, 1
P99_TARGET_MS = 100.0
GENERATOR_CPU_LIMIT = 70.0  # percent of one core: above it, the generator may be the bottleneck


# =============================================================================================
# Figures
# =============================================================================================


def pct(values: list[float], q: float) -> float | None:
    """The q-th percentile (nearest rank) of values, or None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def summary(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50": pct(values, 50),
        "p95": pct(values, 95),
        "p99": pct(values, 99),
        "max": max(values) if values else None,
    }


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def core_busy_seconds(cpu: int | None) -> float:
    """Busy time of one core (or of the whole machine when cpu is None), in seconds."""
    name = "cpu" if cpu is None else f"cpu{cpu}"
    with open("/proc/stat") as handle:
        for line in handle:
            parts = line.split()
            if parts[0] == name:
                user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in parts[1:9])
                return (user + nice + system + irq + softirq + steal) / CLK_TCK
    return 0.0


def calibration_ms() -> float:
    """How fast this machine runs Python right now: best of 5 of a fixed loop. Figures from a
    slower or busier machine scale with it."""
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(50_000):
            total += i % 7
        best = min(best, time.perf_counter() - started)
    return best * 1000


def proc_peak_rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# =============================================================================================
# The load generator (runs in its own process: `realtime.py --generator < spec.json`)
# =============================================================================================


def now_us() -> int:
    return time.monotonic_ns() // 1000


class Meter:
    """CPU over a window: the server's, the generator's own, and what other processes of the
    machine took from the server's core (a noisy machine shows here)."""

    def __init__(self, server_pid: int, server_core: int | None) -> None:
        self.server_pid = server_pid
        self.core = server_core
        self.t = time.monotonic()
        self.gen = time.process_time()
        self.srv = proc_cpu_seconds(server_pid)
        self.core_busy = core_busy_seconds(server_core)
        self.machine_busy = core_busy_seconds(None)

    def read(self) -> dict[str, float]:
        wall = time.monotonic() - self.t
        srv = proc_cpu_seconds(self.server_pid) - self.srv
        gen = time.process_time() - self.gen
        machine = core_busy_seconds(None) - self.machine_busy
        out = {
            "seconds": wall,
            "server_cpu_pct": 100 * srv / wall,
            "generator_cpu_pct": 100 * gen / wall,
            # everything else running on the machine, in percent of one core (of 2 x 100%)
            "others_cpu_pct": 100 * (machine - srv - gen) / wall,
        }
        if self.core is not None:
            out["others_on_server_core_pct"] = (
                100 * (core_busy_seconds(self.core) - self.core_busy - srv) / wall
            )
        return out


class Group:
    """The figures of one group of clients (one board) in one phase of a run."""

    def __init__(self) -> None:
        self.broadcast_ms: list[float] = []
        self.ack_ms: list[float] = []
        self.cursor_ms: list[float] = []
        self.send_lag_ms: list[float] = []
        self.sent = 0
        self.acked_ok = 0
        self.expected = 0
        self.delivered = 0
        self.duplicates = 0
        self.errors: dict[str, int] = {}
        self.cursor_batches = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "broadcast_ms": summary(self.broadcast_ms),
            "ack_ms": summary(self.ack_ms),
            "cursor_ms": summary(self.cursor_ms),
            "send_lag_ms": summary(self.send_lag_ms),
            "sent": self.sent,
            "acked_ok": self.acked_ok,
            "expected": self.expected,
            "delivered": self.delivered,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "cursor_batches": self.cursor_batches,
        }


class Run:
    """Shared state of the generator: which phase is measured, and the groups' figures."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.url = spec["url"]
        self.phase: int | None = None  # index of the measured phase, None outside the windows
        self.figures: dict[tuple[str, int], Group] = {}
        # change_id -> (group, phase, receivers expected): changes sent in a measured window
        self.tracked: dict[str, tuple[str, int, int]] = {}
        self.unexpected_disconnects = 0
        self.room_size: dict[str, int] = {}
        # changes made while their client was offline: sent late by design, kept out of latencies
        self.offline: set[str] = set()

    def group(self, name: str, phase: int) -> Group:
        key = (name, phase)
        if key not in self.figures:
            self.figures[key] = Group()
        return self.figures[key]


class Client:
    """One participant: a socketio.AsyncClient on the websocket transport, joined to one board.

    Keeps what a real client keeps to stay right: the seqs it applied (from broadcasts, its own
    acks and join deltas) and the changes it sent that are not acknowledged yet.
    """

    def __init__(self, run: Run, group: str, index: int, cookie: str, board_id: int) -> None:
        import socketio

        self.run = run
        self.group = group
        self.index = index
        self.cookie = cookie
        self.board_id = board_id
        self.client_id = f"{group}{index}"
        self.sticky_id = f"s-{group}-{index}"
        self.counter = 0
        self.peer_id: str | None = None
        self.base_seq = 0  # the board's seq at the first join (a snapshot)
        self.joined_once = False
        self.applied: set[int] = set()
        self.pending: dict[str, dict[str, Any]] = {}  # change_id -> payload, not acked yet
        self.connected = False
        self.dropping = False
        self.live_duplicates = 0
        self.delta_overlap = 0
        self.dup_acks = 0
        self.watch_cursors = False
        self.sio = socketio.AsyncClient(reconnection=False, request_timeout=30)
        self.sio.on("change_applied", self._on_change)
        self.sio.on("cursors_moved", self._on_cursors)
        self.sio.on("disconnect", self._on_disconnect)

    # -- connection ------------------------------------------------------------------------

    async def connect(self) -> None:
        await self.sio.connect(
            self.run.url,
            headers={"Cookie": self.cookie},
            transports=["websocket"],
            wait_timeout=30,
        )

    async def join(self, since_seq: int | None = None) -> tuple[dict[str, Any], float]:
        payload: dict[str, Any] = {"protocol": 1, "board_id": self.board_id}
        if since_seq is not None:
            payload["since_seq"] = since_seq
        started = time.monotonic()
        ack = await self.sio.call("join_board", payload, timeout=60)
        elapsed_ms = (time.monotonic() - started) * 1000
        if not ack.get("ok"):
            raise RuntimeError(f"join refused: {ack}")
        self.peer_id = ack["me"]["id"]
        if not self.joined_once:  # (a broadcast may arrive before the join's own ack)
            self.base_seq = ack["seq"]
            self.joined_once = True
        if ack["mode"] == "delta":
            for change in ack["changes"]:
                if change["seq"] in self.applied:
                    self.delta_overlap += 1
                self.applied.add(change["seq"])
        self.connected = True  # changes may be sent from now on
        return ack, elapsed_ms

    def contiguous_seq(self) -> int:
        seq = self.base_seq
        while seq + 1 in self.applied:
            seq += 1
        return seq

    def _on_disconnect(self, *_args: Any) -> None:
        if self.connected and not self.dropping:
            self.run.unexpected_disconnects += 1
        self.connected = False

    async def drop(self) -> None:
        """Lose the connection without a goodbye: abort the TCP connection under the socket."""
        self.dropping = True
        self.connected = False
        ws = getattr(self.sio.eio, "ws", None)
        transport = None
        with contextlib.suppress(Exception):
            transport = ws._writer.transport  # aiohttp internals
        if transport is not None:
            transport.abort()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.sio.eio.read_loop_task, 5)
        with contextlib.suppress(Exception):
            await self.sio.disconnect()
        await self.sio.eio._reset()
        import socketio

        self.sio = socketio.AsyncClient(reconnection=False, request_timeout=30)
        self.sio.on("change_applied", self._on_change)
        self.sio.on("cursors_moved", self._on_cursors)
        self.sio.on("disconnect", self._on_disconnect)

    async def rejoin(self) -> None:
        """Reconnect, catch up with since_seq, then send again what was never acknowledged."""
        await self.connect()
        self.dropping = False
        unacknowledged = list(self.pending.values())
        self.run.offline.update(self.pending)
        await self.join(since_seq=self.contiguous_seq())
        for payload in unacknowledged:
            await self._emit(payload, resend=True)

    # -- changes -----------------------------------------------------------------------------

    def change(self, ops: list[dict[str, Any]]) -> dict[str, Any]:
        self.counter += 1
        # The send time travels in the change_id, which every broadcast carries.
        change_id = f"{self.client_id}:{self.counter}:{now_us()}"
        return {
            "board_id": self.board_id,
            "change_id": change_id,
            "client_id": self.client_id,
            "ops": ops,
        }

    def next_edit(self) -> dict[str, Any]:
        """An update of the client's own sticky: a move, or a new text, in turn."""
        if self.counter % 2:
            fields = {"text": f"note {self.client_id} #{self.counter}"}
        else:
            fields = {"x": random.randint(-5000, 5000), "y": random.randint(-5000, 5000)}
        return self.change([{"op": "update", "id": self.sticky_id, "fields": fields}])

    async def call(self, payload: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
        ack = await self.sio.call("apply_change", payload, timeout=timeout)
        if ack.get("ok"):
            self.applied.add(ack["seq"])
        return ack

    async def send(self, payload: dict[str, Any]) -> None:
        """Send a change in the measured load (acknowledged asynchronously)."""
        run = self.run
        if run.phase is not None:
            fig = run.group(self.group, run.phase)
            fig.sent += 1
            run.tracked[payload["change_id"]] = (self.group, run.phase, 0)
        self.pending[payload["change_id"]] = payload
        if self.connected:
            await self._emit(payload)
        else:
            run.offline.add(payload["change_id"])

    async def _emit(self, payload: dict[str, Any], resend: bool = False) -> None:
        change_id = payload["change_id"]
        sent_us = int(change_id.rsplit(":", 1)[1])

        def on_ack(ack: dict[str, Any]) -> None:
            t = now_us()
            self.pending.pop(change_id, None)
            tracked = self.run.tracked.get(change_id)
            if ack.get("ok"):
                self.applied.add(ack["seq"])
                if ack.get("duplicate"):
                    self.dup_acks += 1
            if tracked is None:
                return
            fig = self.run.group(tracked[0], tracked[1])
            if ack.get("ok"):
                if not ack.get("duplicate"):
                    fig.acked_ok += 1
                    fig.expected += self.run.room_size[self.group] - 1
                if not resend:
                    fig.ack_ms.append((t - sent_us) / 1000)
            else:
                code = ack.get("error", {}).get("code", "?")
                fig.errors[code] = fig.errors.get(code, 0) + 1

        try:
            await self.sio.emit("apply_change", payload, callback=on_ack)
        except Exception:  # noqa: BLE001 - a dropped socket; the change stays pending
            pass

    def _on_change(self, data: dict[str, Any]) -> None:
        t = now_us()
        seq = data["seq"]
        if seq in self.applied:
            self.live_duplicates += 1
        self.applied.add(seq)
        change_id = data["change_id"]
        tracked = self.run.tracked.get(change_id)
        if tracked is None:
            return
        fig = self.run.group(tracked[0], tracked[1])
        fig.delivered += 1
        if change_id in self.run.offline:
            return
        fig.broadcast_ms.append((t - int(change_id.rsplit(":", 1)[1])) / 1000)

    def _on_cursors(self, data: dict[str, Any]) -> None:
        run = self.run
        if run.phase is None:
            return
        fig = run.group(self.group, run.phase)
        fig.cursor_batches += 1
        if not self.watch_cursors:
            return
        t_ms = (time.monotonic() * 1000) % 1_000_000
        for peer_id, (x, _y) in data["cursors"].items():
            if peer_id != self.peer_id:
                fig.cursor_ms.append((t_ms - x) % 1_000_000)

    async def move_cursor(self) -> None:
        if self.connected:
            x = round((time.monotonic() * 1000) % 1_000_000, 1)
            with contextlib.suppress(Exception):
                await self.sio.emit(
                    "move_cursor", {"board_id": self.board_id, "x": x, "y": self.index}
                )

    async def close(self) -> None:
        self.dropping = True
        with contextlib.suppress(Exception):
            await self.sio.disconnect()


async def _gather_in_batches(coros: list, batch: int = 20) -> list:
    results = []
    for start in range(0, len(coros), batch):
        results += await asyncio.gather(*coros[start : start + batch])
    return results


async def _writer(
    client: Client,
    rate: float,
    active: set[int],
    phase_starts: list[float],
    stop_at: float,
    run: Run,
):
    """Open loop: one change every 1/rate seconds while the client's group is active."""
    interval = 1 / rate
    due = time.monotonic() + random.uniform(0, interval)
    while True:
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        now = time.monotonic()
        if now >= stop_at:
            return
        phase = _phase_at(now, phase_starts)
        if phase in active:
            if run.phase is not None:
                run.group(client.group, run.phase).send_lag_ms.append((now - due) * 1000)
            await client.send(client.next_edit())
        due += interval
        if due < now - 1:  # far behind (the generator is overloaded): do not burst to catch up
            due = now


async def _cursor_mover(client: Client, hz: float, stop_at: float) -> None:
    interval = 1 / hz
    due = time.monotonic() + random.uniform(0, interval)
    while True:
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if time.monotonic() >= stop_at:
            return
        await client.move_cursor()
        due += interval
        if due < time.monotonic() - 1:
            due = time.monotonic()


def _phase_at(t: float, phase_starts: list[float]) -> int:
    """-1 during the warm-up, then the index of the phase (len(phases) after the last)."""
    phase = -1
    for index, start in enumerate(phase_starts):
        if t >= start:
            phase = index
    return phase


async def _connect_group(run: Run, name: str, group: dict[str, Any]) -> list[Client]:
    clients = [
        Client(run, name, i, cookie, group["board_id"]) for i, cookie in enumerate(group["cookies"])
    ]
    # Cursor latency is computed by a few clients only: it is the same for all, and costly.
    for client in clients[: group.get("watch_cursors", 5)]:
        client.watch_cursors = True
    await _gather_in_batches([c.connect() for c in clients])
    await _gather_in_batches([c.join() for c in clients])
    # Each client creates its own sticky, the item its load will update.
    for client in clients:
        ack = await client.call(
            client.change(
                [
                    {
                        "op": "create",
                        "id": client.sticky_id,
                        "type": "sticky",
                        "fields": {"text": "ready"},
                    }
                ]
            )
        )
        if not ack.get("ok"):
            raise RuntimeError(f"could not create the sticky: {ack}")
    return clients


async def scenario_steady(spec: dict[str, Any], run: Run, server_pid: int) -> dict[str, Any]:
    """Groups of clients on their boards, each writing `rate` changes a second (and moving its
    cursor at `cursor_hz`) during the phases it is active in; optionally a fraction of them is
    dropped for a while and comes back with since_seq."""
    groups = spec["groups"]
    phases: list[float] = spec["phases"]
    warmup = spec.get("warmup", 2.0)
    run.room_size = {name: len(g["cookies"]) for name, g in groups.items()}
    clients: dict[str, list[Client]] = {}
    for name, group in groups.items():
        clients[name] = await _connect_group(run, name, group)
    everyone = [c for cs in clients.values() for c in cs]
    await asyncio.sleep(0.5)

    start = time.monotonic() + 0.2
    phase_starts = []
    t = start + warmup
    for length in phases:
        phase_starts.append(t)
        t += length
    stop_at = t
    tasks = []
    for name, group in groups.items():
        active = set(group.get("active", range(len(phases))))
        for client in clients[name]:
            if group.get("rate", 0) > 0:
                tasks.append(
                    asyncio.create_task(
                        _writer(client, group["rate"], active, phase_starts, stop_at, run)
                    )
                )
            if group.get("cursor_hz", 0) > 0:
                tasks.append(
                    asyncio.create_task(_cursor_mover(client, group["cursor_hz"], stop_at))
                )

    drop = spec.get("drop")
    drop_task = None
    if drop:
        drop_task = asyncio.create_task(_dropper(everyone, drop, phase_starts[0]))

    windows = []
    for index, phase_start in enumerate(phase_starts):
        await asyncio.sleep(max(0.0, phase_start - time.monotonic()))
        run.phase = index
        meter = Meter(server_pid, spec.get("server_cpu"))
        await asyncio.sleep(max(0.0, phase_start + phases[index] - time.monotonic()))
        run.phase = None
        windows.append(meter.read())
    await asyncio.gather(*tasks)
    if drop_task is not None:
        await drop_task

    # Drain: wait for the acks and broadcasts of what was sent (at most 30 s).
    deadline = time.monotonic() + 30
    last, stalled_since = None, time.monotonic()
    while time.monotonic() < deadline:
        pending = sum(len(c.pending) for c in everyone)
        short = sum(f.expected - f.delivered for f in run.figures.values())
        if pending == 0 and short <= 0:
            break
        if (pending, short) != last:
            last, stalled_since = (pending, short), time.monotonic()
        elif time.monotonic() - stalled_since > 5:  # nothing moves any more: it is lost
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)

    result: dict[str, Any] = {"windows": windows, "groups": {}}
    for (name, phase), fig in sorted(run.figures.items()):
        result["groups"].setdefault(name, {})[str(phase)] = fig.to_dict()
    result["pending_after_drain"] = sum(len(c.pending) for c in everyone)
    result["live_duplicates"] = sum(c.live_duplicates for c in everyone)
    result["consistency"] = await _consistency(clients)
    result["unexpected_disconnects"] = run.unexpected_disconnects
    result["drop"] = bool(drop)
    await _gather_in_batches([c.close() for c in everyone], 50)
    return result


async def _dropper(everyone: list[Client], drop: dict[str, Any], first_phase: float) -> None:
    await asyncio.sleep(max(0.0, first_phase + drop["at"] - time.monotonic()))
    count = max(1, round(len(everyone) * drop["fraction"]))
    victims = random.sample(everyone, count)
    await asyncio.gather(*(v.drop() for v in victims))
    await asyncio.sleep(drop["seconds"])
    await asyncio.gather(*(v.rejoin() for v in victims))


async def _consistency(clients: dict[str, list[Client]]) -> dict[str, Any]:
    """Every client of a board must hold every seq from its first join to the board's head,
    each once. A client with a gap re-joins with since_seq (the protocol's repair) and is
    checked again."""
    report = {
        "clients": 0,
        "missing_seqs": 0,
        "clients_with_gaps": 0,
        "repaired_by_rejoin": 0,
        "missing_after_repair": 0,
        "heads_differ": 0,
        "delta_overlap": 0,
        "dup_acks": 0,
        "expected": 0,
        "held": 0,
    }
    for group in clients.values():
        head = max(max(c.applied, default=0) for c in group)
        heads = set()
        for client in group:
            report["clients"] += 1
            report["delta_overlap"] += client.delta_overlap
            report["dup_acks"] += client.dup_acks
            missing = set(range(client.base_seq + 1, head + 1)) - client.applied
            report["expected"] += head - client.base_seq
            report["held"] += head - client.base_seq - len(missing)
            if missing:
                report["missing_seqs"] += len(missing)
                report["clients_with_gaps"] += 1
                try:
                    if not client.connected:  # the server dropped it: come back first
                        await client.drop()
                        await client.connect()
                    await client.join(since_seq=client.contiguous_seq())
                except Exception:  # noqa: BLE001 - counted as unrepaired below
                    pass
                still = set(range(client.base_seq + 1, head + 1)) - client.applied
                if not still:
                    report["repaired_by_rejoin"] += 1
                report["missing_after_repair"] += len(still)
            heads.add(max(client.applied, default=client.base_seq))
        report["heads_differ"] += len(heads) - 1
    return report


async def scenario_join_storm(spec: dict[str, Any], run: Run, server_pid: int) -> dict[str, Any]:
    """A board filled with `items` items (in changes of 200 ops from one client), then `joiners`
    clients join at once; and a single newcomer before (cold) and after (warm) the storm."""
    cookies = spec["groups"]["J"]["cookies"]
    board_id = spec["groups"]["J"]["board_id"]
    run.room_size = {"J": len(cookies)}
    items = spec["items"]

    creator = Client(run, "J", 0, cookies[0], board_id)
    await creator.connect()
    await creator.join()
    fill_started = time.monotonic()
    for start in range(0, items, 200):
        ops = [
            {
                "op": "create",
                "id": f"i{k}",
                "type": "sticky",
                "fields": {
                    "x": (k % 100) * 220,
                    "y": (k // 100) * 220,
                    "text": f"idea number {k}",
                    "color": "yellow",
                },
            }
            for k in range(start, min(items, start + 200))
        ]
        ack = await creator.call(creator.change(ops))
        if not ack.get("ok"):
            raise RuntimeError(f"filling the board failed: {ack}")
    fill_s = time.monotonic() - fill_started
    await creator.close()

    async def newcomer(cookie: str, index: int) -> dict[str, Any]:
        client = Client(run, "J", index, cookie, board_id)
        t0 = time.monotonic()
        await client.connect()
        t1 = time.monotonic()
        ack, join_ms = await client.join()
        await client.close()
        return {
            "connect_ms": (t1 - t0) * 1000,
            "join_ms": join_ms,
            "items": len(ack.get("items", [])),
        }

    cold = await newcomer(cookies[1], 1)
    joiners = [
        Client(run, "J", 10 + i, cookie, board_id)
        for i, cookie in enumerate(cookies[2 : 2 + spec["joiners"]])
    ]
    await _gather_in_batches([c.connect() for c in joiners])
    await asyncio.sleep(0.5)
    meter = Meter(server_pid, spec.get("server_cpu"))
    t0 = time.monotonic()

    async def timed_join(client: Client) -> tuple[float, int]:
        ack, _ = await client.join()
        return (time.monotonic() - t0) * 1000, len(ack.get("items", []))

    storm = await asyncio.gather(*(timed_join(c) for c in joiners))
    window = meter.read()
    await asyncio.sleep(0.5)
    warm = await newcomer(cookies[-1], 99)
    await _gather_in_batches([c.close() for c in joiners], 50)
    times = [ms for ms, _ in storm]
    return {
        "fill_seconds": fill_s,
        "items_seen": sorted({n for _, n in storm} | {cold["items"], warm["items"]}),
        "storm_join_ms": summary(times),
        "cold_newcomer": cold,
        "warm_newcomer": warm,
        "windows": [window],
        "unexpected_disconnects": run.unexpected_disconnects,
    }


async def generator_main(spec: dict[str, Any]) -> dict[str, Any]:
    random.seed(spec.get("seed", 1))
    run = Run(spec)
    server_pid = spec["server_pid"]
    if spec["scenario"] == "join_storm":
        result = await scenario_join_storm(spec, run, server_pid)
    else:
        result = await scenario_steady(spec, run, server_pid)
    result["server_peak_rss_mb"] = proc_peak_rss_mb(server_pid)
    return result


def run_generator() -> None:
    spec = json.load(sys.stdin)
    import logging

    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(generator_main(spec))
    print("RESULT " + json.dumps(result))


# =============================================================================================
# The orchestrator: databases, people, the server process, the runs, the tables
# =============================================================================================


@dataclass(frozen=True)
class Target:
    db: str  # sqlite | postgres
    mode: str  # eventlet | gevent
    redis: bool = False

    @property
    def label(self) -> str:
        return f"{'pg' if self.db == 'postgres' else 'sqlite'}/{self.mode}{'+redis' if self.redis else ''}"


class ScratchDatabase:
    """A SQLite file in a temporary folder, or a PostgreSQL database created and dropped here."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.workdir = workdir
        self.url = ""
        self._admin = None
        self._name = ""

    def __enter__(self) -> ScratchDatabase:
        import sqlalchemy as sa

        if self.kind == "sqlite":
            self.url = f"sqlite:///{self.workdir / 'bench.sqlite3'}"
            return self
        admin_url = (
            os.environ.get("BENCH_POSTGRES_URL")
            or os.environ.get("TEST_POSTGRES_URL")
            or DEFAULT_POSTGRES_URL
        )
        admin = sa.engine.make_url(admin_url).set(drivername="postgresql+psycopg2")
        self._name = f"tavolo_bench_{uuid.uuid4().hex[:10]}"
        self._admin = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
        with self._admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self._name}"'))
        self.url = admin.set(database=self._name).render_as_string(hide_password=False)
        return self

    def __exit__(self, *exc) -> None:
        import sqlalchemy as sa

        if self._admin is None:
            return
        with self._admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": self._name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self._name}"'))
        self._admin.dispose()


class People:
    """Prepares projects, boards, invites and joined participants through the app's services,
    and signs each participant's session cookie with the server's secret."""

    def __init__(self, database_url: str, secret: str, instance_dir: Path) -> None:
        from workshop import create_app
        from workshop.config import Config
        from workshop.extensions import db
        from workshop.models import Base

        self.app = create_app(
            Config(),
            SQLALCHEMY_DATABASE_URI=database_url,
            SOCKETIO_ASYNC_MODE="threading",
            REDIS_URL=None,
            RATELIMIT_STORAGE_URI="memory://",
            SECRET_KEY=secret,
            INSTANCE_DIR=instance_dir,
        )
        self.db = db
        with self.app.app_context():
            Base.metadata.create_all(db.engine)
        self.serializer = self.app.session_interface.get_signing_serializer(self.app)
        self.cookie_name = self.app.config["SESSION_COOKIE_NAME"]
        self.runs = 0

    def boards(self, sizes: list[int]) -> list[dict[str, Any]]:
        """One board per entry of sizes, each with that many participants: [{board_id, cookies}]."""
        from workshop.access import service as access
        from workshop.models import InviteRole, utcnow
        from workshop.projects import service as projects

        self.runs += 1
        with self.app.app_context():
            session = self.db.session
            project = projects.create_project(
                session, {"title": f"Benchmark run {self.runs}"}, None
            )
            boards = [
                projects.add_free_board(session, project, f"Bench board {k}")
                for k in range(len(sizes))
            ]
            invite = access.create_invite(
                session, project.id, None, role=InviteRole.PARTICIPANT, label="bench"
            )
            now = utcnow()
            lifetime = self.app.config["PERMANENT_SESSION_LIFETIME"]
            out = []
            for k, (board, size) in enumerate(zip(boards, sizes, strict=True)):
                auths = [
                    access.join(session, invite, f"Bench {k}-{i}", lifetime, now)
                    for i in range(size)
                ]
                out.append({"board_id": board.id, "auth_ids": [a.id for a in auths]})
            session.commit()
            self.db.session.remove()
        for entry in out:
            entry["cookies"] = [self.cookie(auth_id) for auth_id in entry.pop("auth_ids")]
        return out

    def cookie(self, auth_session_id: str) -> str:
        """The cookie a browser holds after joining (web.security.start_session writes it)."""
        value = self.serializer.dumps({"auth_session_id": auth_session_id, "_permanent": True})
        return f"{self.cookie_name}={value}"

    def close(self) -> None:
        self.db.engine.dispose()


PIN = True
NICE = 0


def _prioritise(pid: int) -> None:
    """With --nice, the process runs in a session of its own (so its own scheduler autogroup,
    where Linux applies niceness between sessions) at that niceness: on a shared machine the
    other sessions' work then queues behind the benchmark instead of in front of it."""
    if not NICE:
        return
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(NICE))


def _taskset(cpu: int) -> list[str]:
    """taskset (and nice, when asked) in front of a command."""
    prefix = ["nice", "-n", str(NICE)] if NICE and shutil.which("nice") else []
    if PIN and shutil.which("taskset") and os.cpu_count() and os.cpu_count() > 1:
        return [*prefix, "taskset", "-c", str(cpu)]
    return prefix


class BenchServer:
    """`python -m workshop` pinned to one core (the equivalent of tests' LiveServer)."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        from tests.support.live_server import free_port

        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> BenchServer:
        import requests

        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        command = [
            *_taskset(SERVER_CPU),
            sys.executable,
            "-m",
            "workshop",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(
            command,
            env=self.env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=bool(NICE),
        )
        _prioritise(self.process.pid)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    self._log.flush()
                    self.ready_offset = self.log_path.stat().st_size  # start-up noise ends here
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer on {self.url}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


def _py_spy() -> str:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else (shutil.which("py-spy") or "py-spy")


def server_env(
    target: Target, database_url: str, secret: str, instance_dir: Path
) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL", "WORKSHOP_ENV"}
    }
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secret,
        SOCKETIO_ASYNC_MODE=target.mode,
        WORKSHOP_INSTANCE_DIR=str(instance_dir),
        WORKSHOP_ENV="development",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        PYTHONWARNINGS="ignore::DeprecationWarning",
    )
    if target.redis:
        env["REDIS_URL"] = (
            os.environ.get("BENCH_REDIS_URL")
            or os.environ.get("TEST_REDIS_URL")
            or DEFAULT_REDIS_URL
        )
    return env


# --- workloads ------------------------------------------------------------------------------------


@dataclass
class Settings:
    duration: float
    warmup: float
    clients: list[int]
    rate: float
    search_rates: list[float]
    storm_items: int
    storm_joiners: int
    drop_clients: int
    cursor_hz: float
    noisy_b: tuple[int, float]
    profile: bool = False
    outdir: Path = field(default_factory=lambda: Path("."))


def workload_specs(number: int, s: Settings) -> list[tuple[str, str, dict[str, Any], list[int]]]:
    """(workload, variant, generator spec without the people, board sizes) for one workload."""
    steady = {"scenario": "steady", "warmup": s.warmup}
    if number == 1:
        return [
            (
                "1 one room",
                f"N={n} M={s.rate:g}",
                {**steady, "phases": [s.duration], "groups": {"R": {"rate": s.rate}}},
                [n],
            )
            for n in s.clients
        ]
    if number == 2:
        return [
            (
                "2 + cursors",
                f"N={n} M={s.rate:g} cur={s.cursor_hz:g}Hz",
                {
                    **steady,
                    "phases": [s.duration],
                    "groups": {"R": {"rate": s.rate, "cursor_hz": s.cursor_hz}},
                },
                [n],
            )
            for n in s.clients
        ]
    if number == 4:
        groups = {f"G{k}": {"rate": s.rate} for k in range(8)}
        return [
            (
                "4 8 groups of 8",
                f"M={s.rate:g}",
                {**steady, "phases": [s.duration], "groups": groups},
                [8] * 8,
            )
        ]
    if number == 5:
        spec = {
            "scenario": "join_storm",
            "items": s.storm_items,
            "joiners": s.storm_joiners,
            "groups": {"J": {}},
        }
        return [
            (
                "5 join storm",
                f"{s.storm_items} items, {s.storm_joiners} joiners",
                spec,
                [s.storm_joiners + 3],
            )
        ]
    if number == 6:
        n_b, rate_b = s.noisy_b
        groups = {
            "A": {"rate": 2, "active": [0, 1]},
            "B": {"rate": rate_b, "active": [1], "watch_cursors": 0},
        }
        spec = {**steady, "phases": [s.duration, s.duration], "groups": groups}
        return [("6 noisy neighbour", f"A=10x2/s, B={n_b}x{rate_b:g}/s", spec, [10, n_b])]
    if number == 7:
        n = s.drop_clients
        spec = {
            **steady,
            "phases": [max(s.duration, 12.0)],
            "groups": {"R": {"rate": s.rate}},
            "drop": {"fraction": 0.1, "at": max(s.duration, 12.0) / 4, "seconds": 5.0},
        }
        return [("7 drop 10% 5s", f"N={n} M={s.rate:g}", spec, [n])]
    raise ValueError(number)


def run_once(
    target: Target,
    people: People,
    db_url: str,
    secret: str,
    instance_dir: Path,
    spec: dict[str, Any],
    sizes: list[int],
    s: Settings,
    tag: str,
) -> dict[str, Any]:
    """One server process, one generator process, one result."""
    boards = people.boards(sizes)
    groups = spec["groups"]
    for (_name, group), board in zip(groups.items(), boards, strict=True):
        group["board_id"] = board["board_id"]
        group["cookies"] = board["cookies"]
    log_path = s.outdir / f"server-{tag}.log"
    server = BenchServer(server_env(target, db_url, secret, instance_dir), log_path).start()
    profiler = None
    try:
        if s.profile:
            profiler = subprocess.Popen(
                [
                    _py_spy(),
                    "record",
                    "--pid",
                    str(server.pid),
                    "--rate",
                    "97",
                    "--format",
                    "raw",
                    "--output",
                    str(s.outdir / f"profile-{tag}.txt"),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        full = {
            **spec,
            "url": server.url,
            "server_pid": server.pid,
            "seed": hash(tag) & 0xFFFF,
            "server_cpu": SERVER_CPU if PIN and shutil.which("taskset") else None,
        }
        gen = subprocess.Popen(
            [
                *_taskset(GENERATOR_CPU),
                sys.executable,
                str(Path(__file__).resolve()),
                "--generator",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=bool(NICE),
        )
        _prioritise(gen.pid)
        try:
            stdout, stderr = gen.communicate(json.dumps(full), timeout=900)
        except BaseException:
            gen.kill()
            gen.wait()
            raise
        result_lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
        if gen.returncode != 0 or not result_lines:
            raise RuntimeError(f"generator failed ({gen.returncode}):\n{stderr[-3000:]}")
        result = json.loads(result_lines[-1][len("RESULT ") :])
        result["server_peak_rss_mb"] = result.get("server_peak_rss_mb") or proc_peak_rss_mb(
            server.pid
        )
    finally:
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                profiler.wait(timeout=20)
        server.stop()
    log_text = log_path.read_bytes()[server.ready_offset :].decode(errors="replace")
    result["server_errors"] = log_text.count("Traceback") + log_text.count(" ERROR ")
    return result


# --- reporting ------------------------------------------------------------------------------------


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def flatten(workload: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures of one run, as rows (one per measured group and phase)."""
    if "storm_join_ms" in result:
        w = result["windows"][0]
        return [
            {
                "what": "join storm",
                "storm_p50": result["storm_join_ms"]["p50"],
                "storm_p99": result["storm_join_ms"]["p99"],
                "storm_max": result["storm_join_ms"]["max"],
                "cold_ms": result["cold_newcomer"]["join_ms"],
                "warm_ms": result["warm_newcomer"]["join_ms"],
                "items": result["items_seen"],
                "server_cpu": w["server_cpu_pct"],
                "gen_cpu": w["generator_cpu_pct"],
                "others_cpu": w["others_cpu_pct"],
                "others_core": w.get("others_on_server_core_pct"),
                "rss_mb": result["server_peak_rss_mb"],
                "server_errors": result["server_errors"],
                "fill_s": result["fill_seconds"],
            }
        ]
    rows = []
    groups = result["groups"]
    phase_names = len(result["windows"])
    for phase in range(phase_names):
        w = result["windows"][phase]
        merged = _merge([groups[g][str(phase)] for g in groups if str(phase) in groups[g]])
        if workload.startswith("6"):
            for name in sorted(groups):
                if str(phase) not in groups[name]:
                    continue
                fig = groups[name][str(phase)]
                if fig["sent"] == 0:
                    continue
                rows.append(
                    _row(
                        f"{name} ({'alone' if phase == 0 else 'with B'})" if name == "A" else name,
                        fig,
                        w,
                        result,
                    )
                )
        else:
            rows.append(_row("all" if len(groups) > 1 else "", merged, w, result))
    return rows


def _merge(figs: list[dict[str, Any]]) -> dict[str, Any]:
    """Group figures put together (percentiles from the raw data are gone: take the worst)."""
    if len(figs) == 1:
        return figs[0]
    out = {
        k: sum(f[k] for f in figs)
        for k in ("sent", "acked_ok", "expected", "delivered", "duplicates", "cursor_batches")
    }
    out["errors"] = {}
    for f in figs:
        for code, n in f["errors"].items():
            out["errors"][code] = out["errors"].get(code, 0) + n
    for key in ("broadcast_ms", "ack_ms", "cursor_ms", "send_lag_ms"):
        parts = [f[key] for f in figs if f[key]["n"]]
        out[key] = {
            "n": sum(p["n"] for p in parts),
            # weighted median of medians; worst tail of the groups
            "p50": statistics.median([p["p50"] for p in parts]) if parts else None,
            "p95": max((p["p95"] for p in parts), default=None),
            "p99": max((p["p99"] for p in parts), default=None),
            "max": max((p["max"] for p in parts), default=None),
        }
    return out


def _row(
    what: str, fig: dict[str, Any], window: dict[str, Any], result: dict[str, Any]
) -> dict[str, Any]:
    consistency = result.get("consistency", {})
    if result.get("drop"):
        # Dropped clients miss live broadcasts by design: what counts is what every client holds
        # at the end (live broadcasts, its own acks, and the since_seq delta after its return).
        fig = {**fig, "delivered": consistency["held"], "expected": consistency["expected"]}
    return {
        "what": what,
        "p50": fig["broadcast_ms"]["p50"],
        "p95": fig["broadcast_ms"]["p95"],
        "p99": fig["broadcast_ms"]["p99"],
        "max": fig["broadcast_ms"]["max"],
        "ack_p50": fig["ack_ms"]["p50"],
        "ack_p99": fig["ack_ms"]["p99"],
        "cursor_p50": fig["cursor_ms"]["p50"],
        "cursor_p99": fig["cursor_ms"]["p99"],
        "sent": fig["sent"],
        "acked": fig["acked_ok"],
        "delivered": fig["delivered"],
        "expected": fig["expected"],
        "msgs_out_per_s": fig["delivered"] / window["seconds"],
        # Server CPU per acknowledged change (its broadcasts included): robust to a noisy machine.
        "cpu_ms_per_change": (window["server_cpu_pct"] * window["seconds"] * 10 / fig["acked_ok"])
        if fig["acked_ok"]
        else None,
        "duplicates": result.get("live_duplicates", 0),
        "errors": fig["errors"],
        "send_lag_p99": fig["send_lag_ms"]["p99"],
        "server_cpu": window["server_cpu_pct"],
        "gen_cpu": window["generator_cpu_pct"],
        "others_cpu": window["others_cpu_pct"],
        "others_core": window.get("others_on_server_core_pct"),
        "rss_mb": result["server_peak_rss_mb"],
        "server_errors": result["server_errors"],
        "pending": result.get("pending_after_drain", 0),
        "gaps": consistency.get("missing_seqs", 0),
        "gaps_after_repair": consistency.get("missing_after_repair", 0),
        "heads_differ": consistency.get("heads_differ", 0),
        "dup_acks": consistency.get("dup_acks", 0),
        "disconnects": result.get("unexpected_disconnects", 0),
    }


def print_row(label: str, row: dict[str, Any]) -> None:
    if "storm_p50" in row:
        print(
            f"  {label:<44} join ack ms p50 {fmt(row['storm_p50'])} p99 {fmt(row['storm_p99'])} "
            f"max {fmt(row['storm_max'])} | newcomer cold {fmt(row['cold_ms'])} warm {fmt(row['warm_ms'])} "
            f"| items {row['items']} | srv CPU {fmt(row['server_cpu'], 0)}% RSS {fmt(row['rss_mb'], 0)} MB "
            f"| gen CPU {fmt(row['gen_cpu'], 0)}% | others {fmt(row['others_cpu'], 0)}% "
            f"({fmt(row['others_core'], 0)}% on the server's core) | server errors {row['server_errors']}",
            flush=True,
        )
        return
    warn = ""
    if row["gen_cpu"] > GENERATOR_CPU_LIMIT:
        warn += " [GENERATOR OVER 70%: figures not trustworthy]"
    if row["delivered"] != row["expected"]:
        warn += " [LOSS]"
    if row["pending"]:
        warn += f" [{row['pending']} CHANGES NOT ACKNOWLEDGED]"
    if row["errors"] or row["server_errors"] or row["disconnects"]:
        warn += " [ERRORS]"
    cursors = ""
    if row["cursor_p50"] is not None:
        cursors = f" | cursor ms p50 {fmt(row['cursor_p50'])} p99 {fmt(row['cursor_p99'])}"
    consistency = ""
    if row["gaps"] or row["dup_acks"] or row["heads_differ"]:
        consistency = (
            f" | gaps {row['gaps']} (after rejoin {row['gaps_after_repair']}) "
            f"heads differ {row['heads_differ']} dup-acked retries {row['dup_acks']}"
        )
    print(
        f"  {label:<44} bcast ms p50 {fmt(row['p50'])} p95 {fmt(row['p95'])} p99 {fmt(row['p99'])} "
        f"max {fmt(row['max'])} | ack ms p50 {fmt(row['ack_p50'])} p99 {fmt(row['ack_p99'])}{cursors} "
        f"| delivered {row['delivered']}/{row['expected']} dup {row['duplicates']} "
        f"| {fmt(row['msgs_out_per_s'], 0)} msg/s out | srv CPU {fmt(row['server_cpu'], 0)}% "
        f"({fmt(row['cpu_ms_per_change'], 2)} ms/change) "
        f"RSS {fmt(row['rss_mb'], 0)} MB | gen CPU {fmt(row['gen_cpu'], 0)}% "
        f"(send lag p99 {fmt(row['send_lag_p99'])} ms) | others {fmt(row['others_cpu'], 0)}% "
        f"({fmt(row['others_core'], 0)}% on the server's core){consistency}"
        f"{' | errors ' + json.dumps(row['errors']) if row['errors'] else ''}"
        f"{' | server log errors ' + str(row['server_errors']) if row['server_errors'] else ''}"
        f"{' | unexpected disconnects ' + str(row['disconnects']) if row['disconnects'] else ''}{warn}",
        flush=True,
    )


def median_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each figure over repeated runs (counts are summed)."""
    if len(rows) == 1:
        return rows[0]
    out = dict(rows[0])
    for key, value in rows[0].items():
        if key in {
            "delivered",
            "expected",
            "duplicates",
            "sent",
            "acked",
            "gaps",
            "gaps_after_repair",
            "heads_differ",
            "dup_acks",
            "disconnects",
            "server_errors",
            "pending",
        }:
            out[key] = sum(r[key] for r in rows)
        elif key == "errors":
            out[key] = {}
            for r in rows:
                for code, n in r["errors"].items():
                    out[key][code] = out[key].get(code, 0) + n
        elif isinstance(value, int | float) and not isinstance(value, bool):
            values = [r[key] for r in rows if r[key] is not None]
            out[key] = statistics.median(values) if values else None
    out["runs"] = len(rows)
    return out


def ok_row(row: dict[str, Any]) -> bool:
    return (
        row["p99"] is not None
        and row["p99"] <= P99_TARGET_MS
        and row["delivered"] == row["expected"]
        and not row["errors"]
        and not row["pending"]
        and row["duplicates"] == 0
    )


def cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "-"
    if "storm_p50" in row:
        return (
            f"storm p50/p99/max {fmt(row['storm_p50'], 0)}/{fmt(row['storm_p99'], 0)}/{fmt(row['storm_max'], 0)} ms; "
            f"newcomer cold {fmt(row['cold_ms'], 0)} warm {fmt(row['warm_ms'], 0)} ms; CPU {fmt(row['server_cpu'], 0)}%"
        )
    if "max_rate" in row:
        return f"{fmt(row['max_rate'])} ops/s (p99 {fmt(row['p99'])} ms, CPU {fmt(row['server_cpu'], 0)}%)"
    loss = (
        "" if row["delivered"] == row["expected"] else f" LOSS {row['delivered']}/{row['expected']}"
    )
    if row["pending"]:
        loss += f" unacked {row['pending']}"
    extra = ""
    if row["gaps"]:
        extra = f" gaps {row['gaps']}→{row['gaps_after_repair']}"
    if row["dup_acks"]:
        extra += f" retried {row['dup_acks']}"
    err = f" err {sum(row['errors'].values())}" if row["errors"] else ""
    gen = "!" if row["gen_cpu"] > GENERATOR_CPU_LIMIT else ""
    return (
        f"{fmt(row['p50'])}/{fmt(row['p99'])}/{fmt(row['max'], 0)} ms, ack99 {fmt(row['ack_p99'])}, "
        f"CPU {fmt(row['server_cpu'], 0)}% {fmt(row['rss_mb'], 0)}MB, "
        f"gen {fmt(row['gen_cpu'], 0)}%{gen}{loss}{extra}{err}"
    )


def print_summary(
    table: dict[tuple[str, str, str], dict[str, dict[str, Any]]],
    labels: list[str],
    out: Path | None,
) -> None:
    head = "| workload | variant | " + " | ".join(labels) + " |"
    lines = [
        "Cells: broadcast p50/p99/max, ack p99, server CPU and peak RSS, generator CPU (! = over 70%).",
        "",
        head,
        "|" + "---|" * (len(labels) + 2),
    ]
    for (workload, variant, what), by_target in table.items():
        name = f"{variant} {what}".strip()
        lines.append(
            f"| {workload} | {name} | "
            + " | ".join(cell(by_target.get(label)) for label in labels)
            + " |"
        )
    text = "\n".join(lines)
    print("\n=== Summary (medians of runs) ===\n" + text, flush=True)
    if out is not None:
        out.write_text(text + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generator", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="~1 minute: workloads 1 (N=10,25), 4 and 7, short windows",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="every workload on sqlite and postgres, eventlet and gevent",
    )
    parser.add_argument("--workloads", default=None, help="comma separated, of 1-7 (default 1)")
    parser.add_argument("--db", default=None, help="sqlite,postgres (default sqlite; --full: both)")
    parser.add_argument(
        "--mode", default=None, help="eventlet,gevent (default eventlet; --full: both)"
    )
    parser.add_argument(
        "--redis", action="store_true", help="also run every configuration with REDIS_URL set"
    )
    parser.add_argument("--redis-only", action="store_true", help="only with REDIS_URL set")
    parser.add_argument(
        "--clients",
        default=None,
        help="N for workloads 1-2, comma separated (default 10,25,60,100)",
    )
    parser.add_argument(
        "--rate", type=float, default=2.0, help="changes a second per client (default 2)"
    )
    parser.add_argument(
        "--duration", type=float, default=None, help="measured seconds (30 full, 8 quick)"
    )
    parser.add_argument("--warmup", type=float, default=None, help="unmeasured seconds before (2)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each configuration; medians are reported"
    )
    parser.add_argument("--search-rates", default="1,2,4,6,8,10", help="workload 3's rates")
    parser.add_argument("--search-clients", type=int, default=60)
    parser.add_argument("--storm-items", type=int, default=5000)
    parser.add_argument("--storm-joiners", type=int, default=60)
    parser.add_argument(
        "--drop-clients", type=int, default=None, help="workload 7's N (60 full, 20 quick)"
    )
    parser.add_argument("--cursor-hz", type=float, default=10.0)
    parser.add_argument("--noisy-b", default="30x10", help="workload 6's room B: CLIENTSxRATE")
    parser.add_argument(
        "--no-pin", action="store_true", help="let the scheduler place server and generator"
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run server and generator at this niceness, each in a session (autogroup) of its own "
        "(e.g. -10 on a shared machine; needs root)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="record each server with py-spy (raw stacks)"
    )
    parser.add_argument("--out", default=None, help="folder for logs, JSON results and the summary")
    args = parser.parse_args(argv)

    if args.generator:
        run_generator()
        return 0

    # Stopped by a signal (even from a background shell, where SIGINT is ignored), it still
    # stops its server and generator and drops its scratch database.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    global PIN, NICE
    PIN = not args.no_pin
    NICE = args.nice
    quick = args.quick and not args.full
    workloads = [
        int(w)
        for w in (
            args.workloads or ("1,4,7" if quick else "1,2,3,4,5,6,7" if args.full else "1")
        ).split(",")
    ]
    dbs = (args.db or ("sqlite,postgres" if args.full else "sqlite")).split(",")
    modes = (args.mode or ("eventlet,gevent" if args.full else "eventlet")).split(",")
    n_b, rate_b = args.noisy_b.lower().split("x")
    settings = Settings(
        duration=args.duration or (8.0 if quick else 30.0),
        warmup=args.warmup if args.warmup is not None else (1.0 if quick else 2.0),
        clients=[
            int(n) for n in (args.clients or ("10,25" if quick else "10,25,60,100")).split(",")
        ],
        rate=args.rate,
        search_rates=[float(r) for r in args.search_rates.split(",")],
        storm_items=args.storm_items,
        storm_joiners=args.storm_joiners,
        drop_clients=args.drop_clients or (20 if quick else 60),
        cursor_hz=args.cursor_hz,
        noisy_b=(int(n_b), float(rate_b)),
        profile=args.profile,
    )
    targets = []
    for db_kind in dbs:
        for mode in modes:
            if not args.redis_only:
                targets.append(Target(db_kind, mode))
            if args.redis or args.redis_only:
                targets.append(Target(db_kind, mode, redis=True))

    workdir = Path(tempfile.mkdtemp(prefix="tavolo-bench-"))
    settings.outdir = Path(args.out) if args.out else workdir
    settings.outdir.mkdir(parents=True, exist_ok=True)
    print(
        f"Python speed check: {calibration_ms():.2f} ms for a fixed loop (lower is faster: "
        f"compare it between runs and machines)",
        flush=True,
    )
    print(
        f"Tavolo real-time benchmark: workloads {workloads}, targets {[t.label for t in targets]}, "
        f"{settings.duration:g} s windows, {args.repeat} run(s) each; server on CPU {SERVER_CPU}, "
        f"generator on CPU {GENERATOR_CPU}; logs in {settings.outdir}",
        flush=True,
    )

    table: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
    raw: list[dict[str, Any]] = []
    started = time.monotonic()
    try:
        for target in targets:
            instance_dir = workdir / f"instance-{target.label.replace('/', '-').replace('+', '-')}"
            instance_dir.mkdir()
            secret = secrets.token_hex(32)
            with ScratchDatabase(target.db, instance_dir) as scratch:
                people = People(scratch.url, secret, instance_dir)
                try:
                    print(f"\n--- {target.label} ---", flush=True)
                    for number in workloads:
                        if number == 3:
                            _search(
                                target,
                                people,
                                scratch.url,
                                secret,
                                instance_dir,
                                settings,
                                args,
                                table,
                                raw,
                            )
                            continue
                        for workload, variant, spec, sizes in workload_specs(number, settings):
                            rows_by_run = []
                            for attempt in range(args.repeat):
                                tag = f"{target.label}-{workload}-{variant}-{attempt}".replace(
                                    "/", "-"
                                ).replace(" ", "_")
                                result = run_once(
                                    target,
                                    people,
                                    scratch.url,
                                    secret,
                                    instance_dir,
                                    json.loads(json.dumps(spec)),
                                    sizes,
                                    settings,
                                    tag,
                                )
                                raw.append(
                                    {
                                        "target": target.label,
                                        "workload": workload,
                                        "variant": variant,
                                        "result": result,
                                    }
                                )
                                rows = flatten(workload, result)
                                for row in rows:
                                    print_row(
                                        f"{workload} {variant} {row['what']}".strip()
                                        + f" #{attempt + 1}",
                                        row,
                                    )
                                rows_by_run.append(rows)
                            for index in range(len(rows_by_run[0])):
                                row = median_rows([rows[index] for rows in rows_by_run])
                                table.setdefault((workload, variant, row["what"]), {})[
                                    target.label
                                ] = row
                finally:
                    people.close()
    finally:
        (settings.outdir / "results.json").write_text(json.dumps(raw, indent=1))
        print_summary(table, [t.label for t in targets], settings.outdir / "summary.md")
        print(
            f"\n{len(raw)} runs in {time.monotonic() - started:.0f} s; results in {settings.outdir}",
            flush=True,
        )
    return 0


def _search(
    target, people, db_url, secret, instance_dir, settings: Settings, args, table, raw
) -> None:
    """Workload 3: the highest per-client rate that keeps p99 <= 100 ms with no loss."""
    n = args.search_clients
    best = None
    for rate in settings.search_rates:
        spec = {
            "scenario": "steady",
            "warmup": settings.warmup,
            "phases": [settings.duration],
            "groups": {"R": {"rate": rate}},
        }
        rows = []
        for attempt in range(args.repeat):
            tag = f"{target.label}-3-search-N{n}-M{rate:g}-{attempt}".replace("/", "-")
            result = run_once(
                target, people, db_url, secret, instance_dir, spec, [n], settings, tag
            )
            raw.append(
                {
                    "target": target.label,
                    "workload": "3 search",
                    "variant": f"N={n} M={rate:g}",
                    "result": result,
                }
            )
            row = flatten("3", result)[0]
            print_row(f"3 search N={n} M={rate:g} #{attempt + 1}", row)
            rows.append(row)
        row = median_rows(rows)
        if not ok_row(row):
            break
        best = {**row, "max_rate": rate}
    table.setdefault(("3 highest rate p99<=100ms", f"N={n}", ""), {})[target.label] = best or {
        **(row if rows else {}),
        "max_rate": 0.0,
    }


if __name__ == "__main__":
    sys.exit(main())
