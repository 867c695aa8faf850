"""Rooms under load: a conductor and N participants split into G groups on a real server.

    python bench/rooms.py                                  # 60 participants, 8 groups, SQLite, 20 s
    python bench/rooms.py --db postgres --participants 60 --groups 8 --rate 1 --cursor-hz 10

The conductor opens a live session on a board, creates the groups and assigns everyone at
random; every participant follows the move (leave the plenary, join the group's board) as the
board client does. Half of the groups then write privately (private writing: the server filters
each broadcast per recipient). In the measured window each participant makes `--rate` changes
a second (a new sticky, then moves and edits of it) and moves its cursor at `--cursor-hz`; the
conductor's overview receives the groups' thumbnails.

Figures: broadcast latency p50/p95/p99/max (from a change's send to its arrival at each other
socket of the group, all clients in this one process on one monotonic clock), acknowledgement
p50/p99, delivered/expected broadcasts, thumbnails received, and the server's CPU over the
window (from /proc, the server pinned to CPU 0 and this process to CPU 1, as bench/realtime.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import realtime as rt  # noqa: E402 - bench/realtime.py: servers, databases, figures

PROTOCOL = 1


class Participant:
    def __init__(self, bench: Bench, name: str, cookie: str) -> None:
        import socketio

        self.bench = bench
        self.name = name
        self.cookie = cookie
        self.board_id = 0
        self.counter = 0
        self.sticky = f"s-{name}"
        self.moved = asyncio.Event()
        self.sio = socketio.AsyncClient(reconnection=False, request_timeout=30)
        self.sio.on("change_applied", self._on_change)
        self.sio.on("moved_to_room", self._on_moved)
        self.sio.on("thumbnail_changed", self._on_thumbnail)
        self.move_to: dict[str, Any] | None = None

    async def connect(self) -> None:
        await self.sio.connect(
            self.bench.url,
            headers={"Cookie": self.cookie},
            transports=["websocket"],
            wait_timeout=30,
        )

    async def call(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        ack = await self.sio.call(event, payload, timeout=60)
        if not ack.get("ok"):
            raise RuntimeError(f"{self.name}: {event} refused: {ack}")
        return ack

    async def join(self, board_id: int) -> dict[str, Any]:
        self.board_id = board_id
        return await self.call("join_board", {"protocol": PROTOCOL, "board_id": board_id})

    def _on_moved(self, payload: dict[str, Any]) -> None:
        self.move_to = payload
        self.moved.set()

    def _on_thumbnail(self, payload: dict[str, Any]) -> None:
        self.bench.thumbnails += 1

    def _on_change(self, change: dict[str, Any]) -> None:
        if not self.bench.measuring:
            return
        parts = change["change_id"].split(":")
        if len(parts) == 3 and parts[0] == "b":
            sent_us = int(parts[2])
            self.bench.broadcast_ms.append((rt.now_us() - sent_us) / 1000)
            self.bench.delivered += 1

    async def change(self) -> None:
        self.counter += 1
        sent = rt.now_us()
        if self.counter == 1:
            op = {
                "op": "create",
                "id": self.sticky,
                "type": "sticky",
                "fields": {"text": f"{self.name} idea"},
            }
        elif self.counter % 2:
            op = {
                "op": "update",
                "id": self.sticky,
                "fields": {"text": f"{self.name} idea {self.counter}"},
            }
        else:
            op = {
                "op": "update",
                "id": self.sticky,
                "fields": {"x": self.counter % 500, "y": self.counter % 300},
            }
        payload = {
            "board_id": self.board_id,
            "change_id": f"b:{self.name}{self.counter}:{sent}",
            "client_id": self.name,
            "ops": [op],
        }
        ack = await self.sio.call("apply_change", payload, timeout=60)
        if ack.get("ok"):
            self.bench.ack_ms.append((rt.now_us() - sent) / 1000)
            self.bench.sent_by_board[self.board_id] += 1
        else:
            self.bench.errors.append(ack["error"]["code"])

    async def cursor(self, x: float, y: float) -> None:
        await self.sio.emit("move_cursor", {"board_id": self.board_id, "x": x, "y": y})


class Bench:
    def __init__(self, url: str) -> None:
        self.url = url
        self.measuring = False
        self.broadcast_ms: list[float] = []
        self.ack_ms: list[float] = []
        self.delivered = 0
        self.errors: list[str] = []
        self.thumbnails = 0
        self.sent_by_board: dict[int, int] = defaultdict(int)


def seed(people: rt.People, participants: int, groups: int) -> dict[str, Any]:
    """A project with its conductor and N participants; the conductor's cookie and theirs."""
    from workshop.access import service as access
    from workshop.models import InviteRole, User, UserRole, utcnow
    from workshop.projects import service as projects

    with people.app.app_context():
        session = people.db.session
        conductor = User(
            email=f"cond-{secrets.token_hex(4)}@bench.local",
            name="Conduttrice",
            role=UserRole.CONDUCTOR,
        )
        conductor.password_hash = "!"
        session.add(conductor)
        session.flush()
        project = projects.create_project(session, {"title": "Rooms bench"}, None)
        projects.assign_conductor(session, project, conductor)
        plenary = projects.add_free_board(session, project, "Plenaria")
        # For --no-rooms: the same split onto plain boards, outside any live session.
        plain = [projects.add_free_board(session, project, f"Tavolo {k}") for k in range(groups)]
        invite = access.create_invite(session, project.id, None, role=InviteRole.PARTICIPANT)
        lifetime = people.app.config["PERMANENT_SESSION_LIFETIME"]
        now = utcnow()
        conductor_auth = access.open_user_session(session, conductor, lifetime, now).id
        auths = [
            access.join(session, invite, f"P{n:02d}", lifetime, now).id for n in range(participants)
        ]
        session.commit()
        plenary_id = plenary.id
        plain_ids = [b.id for b in plain]
        people.db.session.remove()
    return {
        "plenary": plenary_id,
        "plain": plain_ids,
        "conductor": people.cookie(conductor_auth),
        "participants": [people.cookie(a) for a in auths],
    }


async def split_into_rooms(
    conductor: Participant, people: list[Participant], plenary: int, count: int
) -> list[dict]:
    """What a conductor does: open a session, make groups, assign at random; people follow."""
    session = (await conductor.call("open_live_session", {"board_id": plenary}))["session"]
    for p in people:  # one at a time: a join storm is bench/realtime.py's workload 5, not this
        await p.join(plenary)
    rooms = (await conductor.call("create_groups", {"session_id": session["id"], "count": count}))[
        "session"
    ]["rooms"]
    await conductor.call("assign_groups", {"session_id": session["id"], "mode": "random"})
    await asyncio.wait_for(asyncio.gather(*(p.moved.wait() for p in people)), 30)
    for p in people:
        await p.call("leave_board", {"board_id": plenary})
        await p.join(p.move_to["board_id"])
    groups = [r for r in rooms if not r["is_plenary"]]
    for group in groups[: len(groups) // 2]:
        await conductor.call(
            "start_private_writing", {"board_id": group["board_id"], "anonymous": True}
        )
    await conductor.call("room_overview", {"session_id": session["id"]})
    return groups


async def scenario(
    url: str, seeded: dict[str, Any], args: argparse.Namespace, server_pid: int
) -> dict[str, Any]:
    bench = Bench(url)
    conductor = Participant(bench, "conductor", seeded["conductor"])
    people = [Participant(bench, f"p{n:02d}", c) for n, c in enumerate(seeded["participants"])]
    await conductor.connect()
    await asyncio.gather(*(p.connect() for p in people))
    plenary = seeded["plenary"]
    await conductor.join(plenary)
    if args.no_rooms:
        # The baseline: the same people on as many plain boards, no live session at all.
        for n, p in enumerate(people):
            await p.join(seeded["plain"][n % args.groups])
    else:
        await split_into_rooms(conductor, people, plenary, args.groups)
    members = defaultdict(int)
    for p in people:
        members[p.board_id] += 1

    async def work(p: Participant, until: float) -> None:
        interval = 1 / args.rate
        cursor_interval = 1 / args.cursor_hz if args.cursor_hz else None
        next_change = time.monotonic() + interval * (hash(p.name) % 100) / 100
        next_cursor = time.monotonic()
        step = 0
        while time.monotonic() < until:
            now = time.monotonic()
            if now >= next_change:
                next_change += interval
                await p.change()
            if cursor_interval and now >= next_cursor:
                next_cursor += cursor_interval
                step += 1
                await p.cursor(step % 800, (step * 7) % 600)
            await asyncio.sleep(
                max(
                    0.0,
                    min(next_change, next_cursor if cursor_interval else next_change)
                    - time.monotonic(),
                )
            )

    # Warm-up, then the measured window.
    await asyncio.gather(*(work(p, time.monotonic() + args.warmup) for p in people))
    await asyncio.sleep(0.5)
    bench.sent_by_board.clear()
    bench.thumbnails = 0
    bench.measuring = True
    cpu_before, wall_before = rt.proc_cpu_seconds(server_pid), time.monotonic()
    core_before = rt.core_busy_seconds(rt.SERVER_CPU)
    own_before = rt.proc_cpu_seconds(os.getpid())
    await asyncio.gather(*(work(p, time.monotonic() + args.duration) for p in people))
    cpu_after, wall_after = rt.proc_cpu_seconds(server_pid), time.monotonic()
    core_after = rt.core_busy_seconds(rt.SERVER_CPU)
    own_after = rt.proc_cpu_seconds(os.getpid())
    await asyncio.sleep(2)  # the last broadcasts
    bench.measuring = False
    # Every other socket of the group gets every change: in private writing with the notes it
    # may not see taken out, but with its seq and change_id all the same.
    expected = sum(n * (members[b] - 1) for b, n in bench.sent_by_board.items())
    for p in (conductor, *people):
        await p.sio.disconnect()
    return {
        "broadcast": rt.summary(bench.broadcast_ms),
        "ack": rt.summary(bench.ack_ms),
        "changes": sum(bench.sent_by_board.values()),
        "delivered": bench.delivered,
        "expected": expected,
        "errors": bench.errors,
        "thumbnails": bench.thumbnails,
        "server_cpu_pct": 100 * (cpu_after - cpu_before) / (wall_after - wall_before),
        # What other processes of the machine took from the server's core (a shared machine).
        "others_on_server_core_pct": 100
        * ((core_after - core_before) - (cpu_after - cpu_before))
        / (wall_after - wall_before),
        "generator_cpu_pct": 100 * (own_after - own_before) / (wall_after - wall_before),
        "window_s": wall_after - wall_before,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--groups", type=int, default=8)
    parser.add_argument("--rate", type=float, default=1.0, help="changes a second per participant")
    parser.add_argument(
        "--cursor-hz", type=float, default=10.0, help="cursor moves a second per participant"
    )
    parser.add_argument("--duration", type=float, default=20.0, help="measured window, seconds")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--mode", choices=("eventlet", "gevent"), default="eventlet")
    parser.add_argument(
        "--no-rooms",
        action="store_true",
        help="baseline: the same split on plain boards, no live session",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run the server at this niceness in its own autogroup (e.g. -10 on a shared machine)",
    )
    args = parser.parse_args(argv)
    rt.NICE = args.nice

    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {rt.GENERATOR_CPU})
    with tempfile.TemporaryDirectory(prefix="tavolo-rooms-bench-") as tmp:
        workdir = Path(tmp)
        secret = secrets.token_urlsafe(32)
        with rt.ScratchDatabase(args.db, workdir) as database:
            people = rt.People(database.url, secret, workdir)
            seeded = seed(people, args.participants, args.groups)
            people.close()
            env = rt.server_env(rt.Target(args.db, args.mode), database.url, secret, workdir)
            server = rt.BenchServer(env, workdir / "server.log").start()
            try:
                result = asyncio.run(scenario(server.url, seeded, args, server.pid))
            finally:
                server.stop()
            problems = [
                line
                for line in (workdir / "server.log").read_text(errors="replace").splitlines()
                if "Traceback" in line or "unhandled error" in line
            ]
    b, a = result["broadcast"], result["ack"]
    what = (
        "plain boards, no live session"
        if args.no_rooms
        else f"{args.groups // 2} writing privately"
    )
    print(
        f"rooms bench: {args.participants} participants in {args.groups} groups ({what}), "
        f"{args.rate}/s changes and {args.cursor_hz} Hz cursors each, {args.db}/{args.mode}, {result['window_s']:.0f} s"
    )
    print(
        f"  broadcast ms  p50 {rt.fmt(b['p50'])}  p95 {rt.fmt(b['p95'])}  p99 {rt.fmt(b['p99'])}  "
        f"max {rt.fmt(b['max'])}"
        f"  (n={b['n']})"
    )
    print(
        f"  ack ms        p50 {rt.fmt(a['p50'])}  p99 {rt.fmt(a['p99'])}  ({result['changes']} changes acknowledged)"
    )
    print(f"  delivered     {result['delivered']} of {result['expected']} broadcasts")
    flag = (
        "  [GENERATOR OVER 70%: it may be the bottleneck]"
        if result["generator_cpu_pct"] > rt.GENERATOR_CPU_LIMIT
        else ""
    )
    print(
        f"  server CPU    {result['server_cpu_pct']:.0f}% of one core; "
        f"generator {result['generator_cpu_pct']:.0f}%{flag}; "
        f"others took {result['others_on_server_core_pct']:.0f}% of the server's core"
    )
    print(
        f"  thumbnails    {result['thumbnails']} to the conductor; errors {len(result['errors'])}; "
        f"server log problems {len(problems)}"
    )
    return (
        0
        if not result["errors"] and not problems and result["delivered"] == result["expected"]
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
