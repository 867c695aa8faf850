"""Summarise a py-spy raw profile of the server (bench/realtime.py --profile) by layer.

    python bench/profile_summary.py OUT/profile-<run>.txt [--top 25]

Layers are matched on the innermost frame of interest in each sampled stack, so each sample
counts once; "other" is what matched none.
"""

from __future__ import annotations

import argparse
import collections

# (layer, substring of a frame), checked from the innermost frame outwards per stack.
LAYERS = [
    ("db: commit", "do_commit"),
    ("db: execute (driver)", "do_execute"),
    ("db: SQLAlchemy statement building/compiling/results", "sqlalchemy/"),
    ("engine: ops applier (pure Python)", "workshop/boards/state.py"),
    ("engine: change parsing", "workshop/boards/ops.py"),
    ("engine: field checks", "workshop/boards/schema.py"),
    ("broadcast: websocket send (writer, syscall)", "Socket._websocket_handler.<locals>.writer"),
    ("broadcast: emit to room (encode, enqueue)", "emit (flask_socketio"),
    ("socket: websocket receive/parse", "_websocket_handler"),
    ("session re-check sweep", "_recheck_sessions"),
    ("cursors: flush", "_flush_cursors_forever"),
    ("cursors: move_cursor events", "on_move_cursor"),
    ("flask-socketio per-event context + session cookie", "SocketIO._handle_event"),
    ("hub: epoll wait / scheduling", "hubs/"),
    ("gevent hub", "gevent/"),
]


def classify(frames: list[str]) -> str:
    # Outer frames decide broad layers first (sweep, cursors), then the innermost match wins.
    joined = ";".join(frames)
    for layer, needle in (
        ("session re-check sweep", "_recheck_sessions"),
        ("cursors: flush", "_flush_cursors_forever"),
        ("cursors: move_cursor events", "on_move_cursor"),
        ("join_board", "on_join_board"),
    ):
        if needle in joined:
            return layer
    for frame in reversed(frames):
        for layer, needle in LAYERS:
            if needle in frame:
                return layer
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    layers: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    ours: collections.Counter[str] = collections.Counter()
    total = 0
    for line in open(args.profile, encoding="utf-8", errors="replace"):
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        total += n
        layers[classify(frames)] += n
        own[frames[-1]] += n
        mine = [f for f in frames if "workshop/" in f]
        ours[mine[-1] if mine else "(no workshop frame: " + classify(frames) + ")"] += n
    print(f"{total} samples")
    print("--- by layer")
    for layer, n in layers.most_common():
        print(f"{100 * n / total:5.1f}%  {layer}")
    print(f"--- top {args.top} innermost workshop/ lines (library time below them included)")
    for frame, n in ours.most_common(args.top):
        print(f"{100 * n / total:5.1f}%  {frame}")
    print(f"--- top {args.top} functions by own time")
    for frame, n in own.most_common(args.top):
        print(f"{100 * n / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
