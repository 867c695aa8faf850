"""The rules of rooms, as pure functions: what a phase lets participants do, the timer, a
balanced random split into groups, who may see which item during private writing, and where
harvested items land. No database, no Flask: the service and the tests call these directly."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workshop import protocol as P
from workshop.boards.errors import BoardError
from workshop.boards.ops import CREATE, DELETE, RESTORE, UPDATE, Op
from workshop.boards.schema import is_item_id


class PhaseForbids(BoardError):
    code = P.PHASE_FORBIDS


# --- phases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseRule:
    """What participants (never conductors) may do to a board during a phase."""

    create: bool
    edit: bool  # update, and delete or restore
    vote: bool


PHASE_RULES: Mapping[str | None, PhaseRule] = {
    None: PhaseRule(create=True, edit=True, vote=False),  # no phase set: an ordinary board
    P.PHASE_WRITE: PhaseRule(create=True, edit=True, vote=False),
    P.PHASE_CLUSTER: PhaseRule(create=False, edit=True, vote=False),
    P.PHASE_VOTE: PhaseRule(create=False, edit=False, vote=True),
    P.PHASE_DISCUSS: PhaseRule(create=False, edit=False, vote=False),
}


def check_ops_in_phase(phase: str | None, ops: Iterable[Op], may_conduct: bool) -> None:
    """Raises PhaseForbids when the phase does not let a participant make these ops."""
    if may_conduct:
        return
    rule = PHASE_RULES.get(phase, PHASE_RULES[None])
    for op in ops:
        if op.op == CREATE and not rule.create:
            raise PhaseForbids(f"nothing new can be added during the {phase} phase", field="ops")
        if op.op in (UPDATE, DELETE, RESTORE) and not rule.edit:
            raise PhaseForbids(f"the board cannot be changed during the {phase} phase", field="ops")


def check_vote_in_phase(phase: str | None) -> None:
    if not PHASE_RULES.get(phase, PHASE_RULES[None]).vote:
        raise PhaseForbids("voting is open only during the vote phase")


def results_visible(phase: str | None) -> bool:
    """Vote tallies reach participants once voting is over; during it they see their own dots."""
    return phase != P.PHASE_VOTE


# --- the timer --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timer:
    """Running when ends_at is set; otherwise paused (or not started) with remaining_ms left."""

    duration_ms: int = 0
    ends_at: datetime | None = None
    remaining_ms: int = 0

    def left_ms(self, now: datetime) -> int:
        if self.ends_at is None:
            return self.remaining_ms
        return max(0, int((self.ends_at - now).total_seconds() * 1000))

    def start(self, now: datetime, duration_ms: int | None = None) -> Timer:
        """Start with a new duration, or resume what was left."""
        if duration_ms is not None:
            return Timer(duration_ms, now + timedelta(milliseconds=duration_ms), duration_ms)
        left = self.left_ms(now)
        return Timer(self.duration_ms, now + timedelta(milliseconds=left), left)

    def pause(self, now: datetime) -> Timer:
        return Timer(self.duration_ms, None, self.left_ms(now))

    def reset(self) -> Timer:
        return Timer(self.duration_ms, None, self.duration_ms)

    def to_wire(self, now: datetime) -> dict[str, Any]:
        """Server time is the truth: clients count down from `left_ms` at `server_now`."""
        return {
            "duration_ms": self.duration_ms,
            "running": self.ends_at is not None and self.left_ms(now) > 0,
            "left_ms": self.left_ms(now),
            "server_now": int(now.timestamp() * 1000),
        }


# --- groups -----------------------------------------------------------------------------------------


def balanced_assignment(
    identities: Sequence[str], room_ids: Sequence[int], rng: random.Random
) -> dict[str, int]:
    """Everyone into a group at random; group sizes differ by at most one."""
    if not room_ids:
        return {}
    shuffled = list(identities)
    rng.shuffle(shuffled)
    # The groups that get the extra people are random too, not always the first ones.
    order = list(room_ids)
    rng.shuffle(order)
    return {identity: order[i % len(order)] for i, identity in enumerate(shuffled)}


# --- private writing ---------------------------------------------------------------------------------

PARTICIPANT_IDENTITY_PREFIX = "p:"  # workshop.access.principal.Principal.identity


def authored_by_participant(identity: str) -> bool:
    """Private writing and anonymity cover what participants write. Account holders reach a
    project's boards only as its managers (access.policy.can_view_board): what a conductor or
    the server (a group's template, a harvest) writes during the window is for everyone."""
    return identity.startswith(PARTICIPANT_IDENTITY_PREFIX)


@dataclass(frozen=True)
class Privacy:
    """A board's private-writing state: items participants create after `since_seq` are
    private (None: not in private writing); `anonymous_windows` are (from, to] seq ranges of
    this session whose items keep their authors hidden from peers (`to` is None for the window
    still open). Items of windows already revealed are also marked in storage (`ItemMeta.anonymous`),
    so their anonymity outlives the session."""

    since_seq: int | None = None
    anonymous_windows: tuple[tuple[int, int | None], ...] = ()

    @property
    def active(self) -> bool:
        return self.since_seq is not None or bool(self.anonymous_windows)

    def oldest_seq(self) -> int:
        starts = [w[0] for w in self.anonymous_windows]
        if self.since_seq is not None:
            starts.append(self.since_seq)
        return min(starts, default=0)


@dataclass(frozen=True)
class ItemMeta:
    type: str
    created_seq: int
    created_by: str
    anonymous: bool = False  # written in an anonymous round: stored, holds for good


@dataclass(frozen=True)
class Viewer:
    identity: str
    conducts: bool


def is_hidden(meta: ItemMeta | None, viewer: Viewer, privacy: Privacy) -> bool:
    """An item of any type another participant wrote during private writing is not sent to a
    participant at all (nor to an observer) until the reveal."""
    if meta is None or viewer.conducts or privacy.since_seq is None:
        return False
    return (
        meta.created_seq > privacy.since_seq
        and meta.created_by != viewer.identity
        and authored_by_participant(meta.created_by)
    )


def in_anonymous_window(seq: int, privacy: Privacy) -> bool:
    return any(lo < seq and (hi is None or seq <= hi) for lo, hi in privacy.anonymous_windows)


def is_anonymous(meta: ItemMeta | None, viewer: Viewer, privacy: Privacy) -> bool:
    """Whether this viewer receives the item without its author."""
    if meta is None or viewer.conducts or meta.created_by == viewer.identity:
        return False
    if meta.anonymous:
        return True
    return authored_by_participant(meta.created_by) and in_anonymous_window(
        meta.created_seq, privacy
    )


ANONYMOUS_AUTHOR = {"id": "", "name": ""}


def referenced_ids(fields: Mapping[str, Any] | None) -> set[str]:
    """Every value of these fields that could name an item (an id, or a list of ids): a
    reference to a hidden item must not reach a participant, whatever the field."""
    found: set[str] = set()
    for value in (fields or {}).values():
        if isinstance(value, str):
            if is_item_id(value):
                found.add(value)
        elif isinstance(value, list):
            found.update(v for v in value if isinstance(v, str) and is_item_id(v))
    return found


def _points_at_hidden(
    fields: Mapping[str, Any] | None,
    metas: Mapping[str, ItemMeta],
    viewer: Viewer,
    privacy: Privacy,
) -> bool:
    return any(is_hidden(metas.get(i), viewer, privacy) for i in referenced_ids(fields))


def _unnamed(fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "author": ""} if "author" in fields else fields


def filter_change(
    change: dict[str, Any], metas: Mapping[str, ItemMeta], viewer: Viewer, privacy: Privacy
) -> dict[str, Any]:
    """The change as this viewer may receive it: ops on hidden items (and ops pointing at
    them) dropped, anonymous authors blanked, in the ops and as the change's author when it
    touches an anonymous item (a later edit by its own author too) or falls in an open
    anonymous window. The seq stays, so the viewer's sequence has no gap."""
    if viewer.conducts:
        return change
    ops = []
    dropped = anonymous = False
    for op in change["ops"]:
        meta = metas.get(op["id"])
        if is_hidden(meta, viewer, privacy) or _points_at_hidden(
            op.get("fields"), metas, viewer, privacy
        ):
            dropped = True
            continue
        if is_anonymous(meta, viewer, privacy):
            anonymous = True
            if op.get("fields"):
                op = {**op, "fields": _unnamed(op["fields"])}
        ops.append(op)
    author = change["author"]
    if author.get("id") != viewer.identity and (
        dropped or anonymous or in_anonymous_window(change["seq"], privacy)
    ):
        author = ANONYMOUS_AUTHOR
    return {**change, "ops": ops, "author": author}


def identities_concerned(change: dict[str, Any], metas: Mapping[str, ItemMeta]) -> frozenset[str]:
    """The people whose view of this change may differ from everyone else's: its author and
    the creators of the items it touches or points at (filter_change compares a viewer's
    identity with nothing else)."""
    return frozenset(
        {change["author"].get("id", ""), *(meta.created_by for meta in metas.values())}
    )


def view_key(viewer: Viewer, concerned: frozenset[str]) -> str:
    """Viewers with equal keys receive the same filtered change, so a broadcast filters and
    encodes it once per key, not once per recipient."""
    if viewer.conducts:
        return "conductor"
    return f"person:{viewer.identity}" if viewer.identity in concerned else "others"


def filter_items(
    items: list[dict[str, Any]], metas: Mapping[str, ItemMeta], viewer: Viewer, privacy: Privacy
) -> list[dict[str, Any]]:
    """A snapshot as this viewer may receive it."""
    if viewer.conducts:
        return items
    visible = []
    for item in items:
        meta = metas.get(item["id"])
        if is_hidden(meta, viewer, privacy) or _points_at_hidden(
            item["fields"], metas, viewer, privacy
        ):
            continue
        if is_anonymous(meta, viewer, privacy):
            item = {**item, "fields": _unnamed(item["fields"]), "created_by": ""}
        visible.append(item)
    return visible


def change_item_ids(change: dict[str, Any]) -> set[str]:
    return {op["id"] for op in change["ops"]}


def change_referenced_ids(change: dict[str, Any]) -> set[str]:
    """The items a change touches and the items its ops' fields point at."""
    ids = change_item_ids(change)
    for op in change["ops"]:
        ids |= referenced_ids(op.get("fields"))
    return ids


def metas_from_change(change: dict[str, Any]) -> dict[str, ItemMeta]:
    """What a change tells about the items it creates (the rest must be read from storage)."""
    return {
        op["id"]: ItemMeta(op["type"], change["seq"], change["author"]["id"])
        for op in change["ops"]
        if op["op"] == CREATE
    }


# --- harvest ------------------------------------------------------------------------------------------

HARVEST_FRAME_W = 1200  # board units
HARVEST_FRAME_H = 900
HARVEST_FRAME_GAP = 200
HARVEST_COLUMNS = 4
HARVEST_CELL_W = 280
HARVEST_CELL_H = 240
HARVEST_MARGIN = 60  # room for the frame's title


def harvest_frame_box(group_position: int, below_y: float) -> dict[str, float]:
    """Where a group's harvest frame goes on the plenary: a row of frames under the content."""
    return {
        "x": (group_position - 1) * (HARVEST_FRAME_W + HARVEST_FRAME_GAP),
        "y": below_y + HARVEST_FRAME_GAP,
        "w": HARVEST_FRAME_W,
        "h": HARVEST_FRAME_H,
    }


def harvest_slot(frame: Mapping[str, float], index: int) -> tuple[float, float]:
    """The top-left corner of the index-th harvested item inside its group's frame."""
    col, row = index % HARVEST_COLUMNS, index // HARVEST_COLUMNS
    return frame["x"] + 40 + col * HARVEST_CELL_W, frame[
        "y"
    ] + HARVEST_MARGIN + row * HARVEST_CELL_H


def compact_items(
    items: Iterable[dict[str, Any]], limit: int = P.MAX_THUMBNAIL_ITEMS
) -> list[list[Any]]:
    """A thumbnail's worth of a board: [type, x, y, w, h, colour] per spatial item, the largest
    kept when there are more than `limit`."""
    rows = []
    for item in items:
        f = item["fields"]
        if "x" not in f:
            continue
        rows.append(
            [
                item["type"],
                round(f["x"]),
                round(f["y"]),
                round(f["w"]),
                round(f["h"]),
                f.get("color", "grey"),
            ]
        )
    if len(rows) > limit:
        rows.sort(key=lambda r: r[3] * r[4], reverse=True)
        rows = rows[:limit]
    return rows
