"""Who is in which call, kept in Redis so that the peers of one call may sit on any process.

The same interface as rules.CallRegistry (the in-memory one of a single process), with what a
shared store needs besides: `update_peer` and `set_floor` write a change back (the in-memory
registry hands out its own objects, so there a change is made in place), and `refresh` is the
owning process's heartbeat. No Flask here.

Layout, under one prefix (the Socket.IO channel, so deployments sharing a Redis stay apart):

    {p}:peer:{peer_id}    JSON of the peer (its socket id, name, board, media state)   TTL
    {p}:sid:{sid}         the socket's peer id                                          TTL
    {p}:board:{board_id}  sorted set of peer ids, scored by when each entry expires
    {p}:floor:{board_id}  set of peer ids given the floor
    {p}:who:{identity}    sorted set of the person's socket ids in calls, scored likewise

Each process refreshes its own sockets' entries every PEER_TTL_S / 3 (`refresh`). A process that
dies stops refreshing: its peers vanish from every call within PEER_TTL_S (readers drop
entries whose score has passed), and Socket.IO messages to their sockets go nowhere meanwhile.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import asdict

from workshop.calls.rules import Call, CallRefused, Peer

PEER_TTL_S = 30  # a dead process's peers are gone from calls within this
REFRESH_EVERY_S = PEER_TTL_S / 3  # the owner's heartbeat: two may be missed before expiry
# A call event waits at most this for Redis (then `unavailable`); Redis nearby answers in ~1 ms.
REDIS_TIMEOUT_S = 1.0
_PEER_FIELDS = set(Peer.__dataclass_fields__) | {"is_plenary"}


class SharedCallRegistry:
    """Every call of every process, in Redis. `redis` is a redis.Redis client."""

    def __init__(self, redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix
        self._lock = threading.Lock()
        self._local: set[str] = set()  # this process's sockets in a call: it refreshes them

    # --- keys ---------------------------------------------------------------------------------

    def _k(self, *parts: object) -> str:
        return ":".join([self.prefix, *(str(p) for p in parts)])

    # --- reads --------------------------------------------------------------------------------

    def _peer(self, peer_id: str | None) -> tuple[Peer, bool] | None:
        raw = self.redis.get(self._k("peer", peer_id)) if peer_id else None
        if raw is None:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(data, dict) or set(data) != _PEER_FIELDS:
            return None
        is_plenary = bool(data.pop("is_plenary"))
        return Peer(**data), is_plenary

    def _entry(self, sid: str) -> tuple[Peer, bool] | None:
        raw = self.redis.get(self._k("sid", sid))
        found = self._peer(raw.decode() if raw is not None else None)
        return found if found is not None and found[0].sid == sid else None

    def of_sid(self, sid: str) -> Peer | None:
        found = self._entry(sid)
        return found[0] if found is not None else None

    def call(self, board_id: int) -> Call | None:
        """The call as it stands now (a copy: write changes back with update_peer/set_floor)."""
        key = self._k("board", board_id)
        self.redis.zremrangebyscore(key, "-inf", time.time())
        peer_ids = [p.decode() for p in self.redis.zrange(key, 0, -1)]
        if not peer_ids:
            return None
        raws = self.redis.mget([self._k("peer", p) for p in peer_ids])
        call = None
        for peer_id, raw in zip(peer_ids, raws, strict=True):
            found = self._peer(peer_id) if raw is not None else None
            if found is None:
                self.redis.zrem(key, peer_id)  # expired between the two reads
                continue
            peer, is_plenary = found
            if call is None:
                call = Call(board_id, is_plenary)
            call.peers[peer.peer_id] = peer
        if call is None:
            return None
        floor = {p.decode() for p in self.redis.smembers(self._k("floor", board_id))}
        call.floor = floor & set(call.peers)
        return call

    def sids_of(self, identity: str) -> list[str]:
        key = self._k("who", identity)
        self.redis.zremrangebyscore(key, "-inf", time.time())
        return [s.decode() for s in self.redis.zrange(key, 0, -1)]

    def target(self, sender: Peer, peer_id: object) -> Peer:
        """The peer a signal goes to: in the sender's own call, or refused."""
        found = self._peer(peer_id) if isinstance(peer_id, str) and peer_id.isprintable() else None
        if found is None or found[0].board_id != sender.board_id:
            raise CallRefused("forbidden", "that peer is not in your room's call", "to")
        return found[0]

    # --- writes -------------------------------------------------------------------------------

    def join(
        self, sid: str, identity: str, name: str, conducts: bool, board_id: int, is_plenary: bool
    ) -> tuple[Peer, Call, Peer | None]:
        previous = self.leave(sid)
        peer = Peer(secrets.token_urlsafe(9), sid, identity, name, conducts, board_id)
        self._write(peer, is_plenary)
        with self._lock:
            self._local.add(sid)
        call = self.call(board_id) or Call(board_id, is_plenary, {peer.peer_id: peer})
        return call.peers.get(peer.peer_id, peer), call, previous

    def _write(self, peer: Peer, is_plenary: bool) -> None:
        expires = time.time() + PEER_TTL_S
        pipe = self.redis.pipeline()
        pipe.set(
            self._k("peer", peer.peer_id),
            json.dumps({**asdict(peer), "is_plenary": is_plenary}),
            ex=PEER_TTL_S,
        )
        pipe.set(self._k("sid", peer.sid), peer.peer_id, ex=PEER_TTL_S)
        for key, member in (
            (self._k("board", peer.board_id), peer.peer_id),
            (self._k("who", peer.identity), peer.sid),
        ):
            pipe.zadd(key, {member: expires})
            pipe.expire(key, PEER_TTL_S)
        pipe.expire(self._k("floor", peer.board_id), PEER_TTL_S)
        pipe.execute()

    def update_peer(self, peer: Peer) -> None:
        """Write back a peer's media state (cam, mic, speaking)."""
        found = self._peer(peer.peer_id)
        if found is not None:
            self._write(peer, found[1])

    def set_floor(self, board_id: int, peer_id: str, on: bool) -> set[str]:
        key = self._k("floor", board_id)
        pipe = self.redis.pipeline()
        (pipe.sadd if on else pipe.srem)(key, peer_id)
        pipe.expire(key, PEER_TTL_S)
        pipe.execute()
        call = self.call(board_id)
        return call.floor if call is not None else set()

    def leave(self, sid: str) -> Peer | None:
        with self._lock:
            self._local.discard(sid)
        peer = self.of_sid(sid)
        if peer is None:
            return None
        pipe = self.redis.pipeline()
        pipe.delete(self._k("peer", peer.peer_id), self._k("sid", sid))
        pipe.zrem(self._k("board", peer.board_id), peer.peer_id)
        pipe.srem(self._k("floor", peer.board_id), peer.peer_id)
        pipe.zrem(self._k("who", peer.identity), sid)
        pipe.execute()
        return peer

    def refresh(self) -> int:
        """The heartbeat: push back the expiry of this process's sockets' entries. Returns how
        many were refreshed (a socket that left on another process's say is dropped)."""
        with self._lock:
            sids = list(self._local)
        refreshed = 0
        for sid in sids:
            found = self._entry(sid)
            if found is None:
                with self._lock:
                    self._local.discard(sid)
                continue
            self._write(*found)
            refreshed += 1
        return refreshed

    def clear(self) -> None:
        """Forget this process's sockets (tests; the keys expire by themselves)."""
        with self._lock:
            sids, self._local = list(self._local), set()
        for sid in sids:
            self.leave(sid)
