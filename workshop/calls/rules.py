"""Who is in which call, who may signal whom, who publishes: the rules, in memory, no Flask.

A call is a room's board: the people whose sockets joined the call on that board. Each socket
gets an opaque peer id for the call (the socket id never leaves the server). CallRegistry keeps
the calls of one process in memory (the embedded default); with Redis, shared_registry.py keeps
every process's in Redis, so that the peers of one call may sit on different processes.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

MESH = "mesh"  # everyone sends to and receives from everyone
BROADCAST = "broadcast"  # conductors (and whoever has the floor) send to everyone, the rest listen
EXTERNAL = "external"  # the organisation's own video server carries the room (a link, no mesh)
MODES = (MESH, BROADCAST, EXTERNAL)

DESCRIPTION_TYPES = ("offer", "answer", "rollback")


class CallRefused(Exception):
    """A call event refused: `code` is a protocol error code, `message` says why."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


@dataclass
class Peer:
    peer_id: str
    sid: str
    identity: str
    name: str
    conducts: bool
    board_id: int
    cam: bool = False
    mic: bool = False
    speaking: bool = False

    def wire(self, floor: set[str]) -> dict[str, Any]:
        return {
            "peer_id": self.peer_id,
            "name": self.name,
            "conducts": self.conducts,
            "cam": self.cam,
            "mic": self.mic,
            "speaking": self.speaking,
            "floor": self.peer_id in floor,
        }


@dataclass
class Call:
    board_id: int
    is_plenary: bool
    peers: dict[str, Peer] = field(default_factory=dict)  # by peer id
    floor: set[str] = field(default_factory=set)  # peer ids given the floor in broadcast mode


def mode_for(size: int, is_plenary: bool, mesh_limit: int, external: bool) -> str:
    """A group's call is always a mesh (groups are small); a plenary goes broadcast above the
    mesh limit; a configured video server carries every room."""
    if external:
        return EXTERNAL
    if is_plenary and size > mesh_limit:
        return BROADCAST
    return MESH


def publishes(peer: Peer, mode: str, floor: set[str]) -> bool:
    """Does this peer send camera and microphone in this mode?"""
    return mode == MESH or peer.conducts or peer.peer_id in floor


def may_connect(a: Peer, b: Peer, mode: str, floor: set[str]) -> bool:
    """Is there a peer connection between a and b? Only when one of them publishes."""
    if a.board_id != b.board_id or a.peer_id == b.peer_id or mode == EXTERNAL:
        return False
    return publishes(a, mode, floor) or publishes(b, mode, floor)


def check_signal(payload_bytes: int, max_bytes: int, description: Any, candidate: Any) -> None:
    """A signal carries exactly one of an SDP description or an ICE candidate, within size."""
    if payload_bytes > max_bytes:
        raise CallRefused("too_large", f"a signal is at most {max_bytes} bytes")
    if (description is None) == (candidate is None):
        raise CallRefused("bad_request", "a signal carries a description or a candidate")
    if description is not None:
        if (
            not isinstance(description, dict)
            or set(description) - {"type", "sdp"}
            or description.get("type") not in DESCRIPTION_TYPES
            or not isinstance(description.get("sdp", ""), str)
        ):
            raise CallRefused(
                "bad_request",
                "description must be {type: offer|answer|rollback, sdp}",
                "description",
            )
    elif not isinstance(candidate, dict) or set(candidate) - {
        "candidate",
        "sdpMid",
        "sdpMLineIndex",
        "usernameFragment",
    }:
        raise CallRefused(
            "bad_request", "candidate must be an RTCIceCandidate's fields", "candidate"
        )


def wire_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")).encode())


class CallRegistry:
    """Every call of this process, by board, and every socket's place in one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[int, Call] = {}
        self._by_sid: dict[str, Peer] = {}

    def join(
        self, sid: str, identity: str, name: str, conducts: bool, board_id: int, is_plenary: bool
    ) -> tuple[Peer, Call, Peer | None]:
        """Put the socket in the board's call (leaving any other call first). Returns the new
        peer, its call and the peer it was before, if it was in a call."""
        with self._lock:
            previous = self._leave_locked(sid)
            call = self._calls.setdefault(board_id, Call(board_id, is_plenary))
            peer = Peer(secrets.token_urlsafe(9), sid, identity, name, conducts, board_id)
            call.peers[peer.peer_id] = peer
            self._by_sid[sid] = peer
            return peer, call, previous

    def leave(self, sid: str) -> Peer | None:
        with self._lock:
            return self._leave_locked(sid)

    def _leave_locked(self, sid: str) -> Peer | None:
        peer = self._by_sid.pop(sid, None)
        if peer is None:
            return None
        call = self._calls.get(peer.board_id)
        if call is not None:
            call.peers.pop(peer.peer_id, None)
            call.floor.discard(peer.peer_id)
            if not call.peers:
                del self._calls[peer.board_id]
        return peer

    def of_sid(self, sid: str) -> Peer | None:
        return self._by_sid.get(sid)

    def call(self, board_id: int) -> Call | None:
        return self._calls.get(board_id)

    def sids_of(self, identity: str) -> list[str]:
        return [sid for sid, peer in list(self._by_sid.items()) if peer.identity == identity]

    def target(self, sender: Peer, peer_id: Any) -> Peer:
        """The peer a signal goes to: in the sender's own call, or refused."""
        call = self._calls.get(sender.board_id)
        target = call.peers.get(peer_id) if call is not None and isinstance(peer_id, str) else None
        if target is None:
            raise CallRefused("forbidden", "that peer is not in your room's call", "to")
        return target

    def update_peer(self, peer: Peer) -> None:
        """Nothing to write back: the peer handed out is the registry's own (the shared
        registry, shared_registry.py, writes it to Redis)."""

    def set_floor(self, board_id: int, peer_id: str, on: bool) -> set[str]:
        """Give a peer of the call the floor, or take it back; the call's floor after."""
        with self._lock:
            call = self._calls.get(board_id)
            if call is None:
                return set()
            (call.floor.add if on else call.floor.discard)(peer_id)
            return set(call.floor)

    def refresh(self) -> int:
        """Nothing expires in one process's memory (the shared registry's heartbeat)."""
        return 0

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self._by_sid.clear()
