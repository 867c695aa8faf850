"""Per-socket rate budgets: plain state, shared by the socket registry and the guards."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from workshop import protocol as P


@dataclass
class TokenBucket:
    """`rate` tokens a second, up to `burst` saved; take() is False when the bucket is empty."""

    rate: float
    burst: float
    tokens: float = field(default=-1.0)
    updated: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.burst

    def take(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


# A socket refused FLOOD_STRIKES_BEFORE_DISCONNECT times for its rate within this window is
# disconnected. Counting "in a row" instead would never trip: a flood still gets a change
# through every 1/CHANGES_PER_SECOND s, which would reset the count.
FLOOD_WINDOW_S = 10


@dataclass
class Budget:
    """One socket's budgets, and how many more rate refusals it may collect before it is
    disconnected for flooding (refilled over FLOOD_WINDOW_S)."""

    changes: TokenBucket = field(
        default_factory=lambda: TokenBucket(P.CHANGES_PER_SECOND, P.CHANGE_BURST)
    )
    joins: TokenBucket = field(
        default_factory=lambda: TokenBucket(P.JOINS_PER_SECOND, P.JOIN_BURST)
    )
    cursors: TokenBucket = field(
        default_factory=lambda: TokenBucket(P.CURSOR_MOVES_PER_SECOND, P.CURSOR_MOVES_PER_SECOND)
    )
    strikes: TokenBucket = field(
        default_factory=lambda: TokenBucket(
            P.FLOOD_STRIKES_BEFORE_DISCONNECT / FLOOD_WINDOW_S, P.FLOOD_STRIKES_BEFORE_DISCONNECT
        )
    )
    disconnecting: bool = False

    def strike(self) -> bool:
        """Count one refusal for rate; True the first time the socket has used up its strikes."""
        if self.strikes.take() or self.disconnecting:
            return False
        self.disconnecting = True
        return True
