"""Who is on each board of this process, and their cursors, batched.

All sockets of one board belong on one process (docs/deploy.md), so local presence is the
board's presence. Cursors are never stored: the latest position of each peer is kept and sent
to the board as one message every CURSOR_FLUSH_INTERVAL_MS.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass

# Peer colours: distinct, readable on white, never the only cue (names go with them).
PEER_COLOURS = (
    "#b3261e",
    "#0b57d0",
    "#146c2e",
    "#8e4ec6",
    "#b25000",
    "#006a6a",
    "#a8327d",
    "#5f6368",
)


@dataclass(frozen=True)
class Peer:
    id: str
    identity: str
    name: str
    colour: str

    def to_wire(self) -> dict[str, str]:
        return {"id": self.id, "identity": self.identity, "name": self.name, "colour": self.colour}


def colour_for(identity: str) -> str:
    digest = hashlib.blake2s(identity.encode(), digest_size=2).digest()
    return PEER_COLOURS[int.from_bytes(digest, "big") % len(PEER_COLOURS)]


class Presence:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._peers: dict[int, dict[str, Peer]] = {}  # board -> sid -> peer
        self._cursors: dict[int, dict[str, list[float]]] = {}  # board -> peer id -> [x, y]

    def add(self, board_id: int, sid: str, identity: str, name: str) -> tuple[Peer, bool]:
        """The socket's peer on the board, and whether it is new (a re-join is not)."""
        with self._lock:
            existing = self._peers.setdefault(board_id, {}).get(sid)
            if existing is not None:
                return existing, False
            peer = Peer(secrets.token_urlsafe(6), identity, name, colour_for(identity))
            self._peers[board_id][sid] = peer
            return peer, True

    def remove(self, board_id: int, sid: str) -> Peer | None:
        with self._lock:
            peers = self._peers.get(board_id, {})
            peer = peers.pop(sid, None)
            if not peers:
                self._peers.pop(board_id, None)
            if peer is not None:
                self._cursors.get(board_id, {}).pop(peer.id, None)
            return peer

    def peer(self, board_id: int, sid: str) -> Peer | None:
        return self._peers.get(board_id, {}).get(sid)

    def peers(self, board_id: int) -> list[Peer]:
        with self._lock:
            return list(self._peers.get(board_id, {}).values())

    def move_cursor(self, board_id: int, peer_id: str, x: float, y: float) -> None:
        with self._lock:
            self._cursors.setdefault(board_id, {})[peer_id] = [x, y]

    def take_cursors(self) -> dict[int, dict[str, list[float]]]:
        """Every board's pending cursor positions, emptied."""
        with self._lock:
            pending, self._cursors = self._cursors, {}
        return {board: cursors for board, cursors in pending.items() if cursors}


presence = Presence()
