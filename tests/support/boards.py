"""Board helpers for tests: an in-memory store for the pure engine, a client-side reducer,
and a fingerprint of what the database holds for one board."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from workshop.boards.ops import Op, parse_op
from workshop.boards.schema import Registry, registry
from workshop.boards.state import Actor, Applier, Item, Outcome, Rule, ref_targets
from workshop.models import Board, BoardChange, BoardItem, BoardItemLink

ALICE = Actor("p:1", "Alice")
BOB = Actor("p:2", "Bob")
CONDUCTOR = Actor("u:1", "Carla", may_conduct=True)


class MemoryBoard:
    """What the service does around the Applier, kept in memory: one seq per change, all ops
    or none, and the link index the Applier asks for referrers."""

    def __init__(
        self,
        kind: str = "free",
        types: Registry = registry,
        rules: Iterable[Rule] = (),
        external: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.kind = kind
        self.types = types
        self.rules = tuple(rules)
        # Live items of the project's other boards, by board kind: {kind: {id: type}}.
        self.external = external if external is not None else {}
        self.seq = 0
        self.items: dict[str, Item] = {}

    def _resolve_external(self, board_kind: str, ids: list[str]) -> dict[str, str]:
        found = self.external.get(board_kind, {})
        return {i: found[i] for i in ids if i in found}

    def _find_type(self, types: Iterable[str]) -> list[Item]:
        types = set(types)
        return [it for it in self.items.values() if it.alive and it.type in types]

    def _load(self, ids: Iterable[str]) -> dict[str, Item]:
        return {i: copy.deepcopy(self.items[i]) for i in ids if i in self.items}

    def _referrers(self, target_id: str) -> list[str]:
        return [
            it.id
            for it in self.items.values()
            if it.alive and target_id in ref_targets(it, self.types)
        ]

    def apply(self, ops: Iterable[dict | Op], actor: Actor = ALICE) -> Outcome:
        """Apply one change; on a refusal nothing is kept and the error propagates."""
        parsed = [op if isinstance(op, Op) else parse_op(op) for op in ops]
        applier = Applier(
            self.kind,
            actor,
            self.seq + 1,
            self._load,
            self._referrers,
            self.types,
            resolve_external=self._resolve_external,
            rules=self.rules,
            find_type=self._find_type,
        )
        outcome = applier.apply(parsed)
        self.seq += 1
        for item in outcome.changed.values():
            self.items[item.id] = copy.deepcopy(item)
        return outcome

    def live(self) -> dict[str, dict[str, Any]]:
        return {
            i: {"type": it.type, "fields": it.fields} for i, it in self.items.items() if it.alive
        }

    def fingerprint(self) -> str:
        rows = sorted(
            (i, it.type, json.dumps(it.fields, sort_keys=True), it.deleted_seq)
            for i, it in self.items.items()
        )
        return json.dumps([self.seq, rows])


# --- a client's view, rebuilt from a snapshot and the changes it applied ------------------------


class Mirror:
    """A client's confirmed state: a join's snapshot or delta, then changes in seq order.

    Mirrors docs/protocol.md "Keeping a client right": apply only the next seq, hold early ones,
    ignore ones already applied.
    """

    def __init__(self) -> None:
        self.seq = 0
        self.items: dict[str, dict[str, Any]] = {}
        self._early: dict[int, dict[str, Any]] = {}

    def load_join(self, ack: dict[str, Any]) -> None:
        assert ack.get("ok", True), ack
        if ack["mode"] == "snapshot":
            self.items = {
                it["id"]: {"type": it["type"], "fields": copy.deepcopy(it["fields"])}
                for it in ack["items"]
            }
            self.seq = ack["seq"]
            self._early = {s: c for s, c in self._early.items() if s > self.seq}
        else:
            for change in ack["changes"]:
                self.receive(change)
            assert self.seq == ack["seq"], (self.seq, ack["seq"])
        self._drain()

    def receive(self, change: dict[str, Any]) -> None:
        """A change_applied broadcast, or an ack made into one ({seq, ops})."""
        if change["seq"] <= self.seq:
            return
        self._early[change["seq"]] = change
        self._drain()

    def _drain(self) -> None:
        while self.seq + 1 in self._early:
            change = self._early.pop(self.seq + 1)
            for op in change["ops"]:
                reduce_op(self.items, op)
            self.seq = change["seq"]

    @property
    def waiting(self) -> bool:
        return bool(self._early)


def reduce_op(items: dict[str, dict[str, Any]], op: dict[str, Any]) -> None:
    """Apply one op as the server applied it (a create or restore carries every field)."""
    kind, item_id = op["op"], op["id"]
    if kind in ("create", "restore"):
        assert item_id not in items, f"{kind} of a live item {item_id}"
        items[item_id] = {"type": op["type"], "fields": copy.deepcopy(op["fields"])}
    elif kind == "update":
        items[item_id]["fields"].update(copy.deepcopy(op["fields"]))
    elif kind == "delete":
        items.pop(item_id, None)
    else:  # pragma: no cover - the server sends nothing else
        raise AssertionError(f"unknown op {kind}")


# --- the database's view ---------------------------------------------------------------------------


def stored_live_items(session, board_id: int) -> dict[str, dict[str, Any]]:
    rows = session.execute(
        sa.select(BoardItem.item_id, BoardItem.type, BoardItem.fields).where(
            BoardItem.board_id == board_id, BoardItem.deleted_seq.is_(None)
        )
    )
    return {item_id: {"type": type_, "fields": fields} for item_id, type_, fields in rows}


def board_state_hash(session, board_id: int) -> str:
    """A fingerprint of everything stored for the board: its counters, every item row (tombstones
    included), every link and the op log. Equal hashes: nothing was changed."""
    board = session.execute(
        sa.select(Board.seq, Board.compacted_seq, Board.live_items, Board.locked).where(
            Board.id == board_id
        )
    ).one()
    items = session.execute(
        sa.select(
            BoardItem.item_id,
            BoardItem.type,
            BoardItem.fields,
            BoardItem.created_seq,
            BoardItem.updated_seq,
            BoardItem.deleted_seq,
            BoardItem.created_by,
        )
        .where(BoardItem.board_id == board_id)
        .order_by(BoardItem.item_id)
    ).all()
    links = session.execute(
        sa.select(BoardItemLink.source_id, BoardItemLink.target_id)
        .where(BoardItemLink.board_id == board_id)
        .order_by(BoardItemLink.source_id, BoardItemLink.target_id)
    ).all()
    changes = session.execute(
        sa.select(BoardChange.seq, BoardChange.change_id, BoardChange.author, BoardChange.ops)
        .where(BoardChange.board_id == board_id)
        .order_by(BoardChange.seq)
    ).all()
    text = json.dumps(
        [
            list(board),
            [list(r) for r in items],
            [list(r) for r in links],
            [list(r) for r in changes],
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def check_integrity(session, board_id: int) -> None:
    """The invariants every stored board keeps: a gapless op log up to boards.seq, unique
    change ids, a live count that matches the rows, links only from live items to live items,
    and every required reference pointing at a live item."""
    board = session.get(Board, board_id)
    seqs = list(
        session.scalars(
            sa.select(BoardChange.seq)
            .where(BoardChange.board_id == board_id)
            .order_by(BoardChange.seq)
        )
    )
    assert seqs == list(range(board.compacted_seq + 1, board.seq + 1)), (
        "the op log has gaps or extra rows"
    )
    ids = list(
        session.scalars(sa.select(BoardChange.change_id).where(BoardChange.board_id == board_id))
    )
    assert len(ids) == len(set(ids)), "a change_id was applied twice"
    live = stored_live_items(session, board_id)
    assert board.live_items == len(live), (board.live_items, len(live))
    for item_id, item in live.items():
        spec = registry.get(item["type"])
        for name, field in spec.ref_fields().items():
            for target in field.targets(item["fields"].get(name)):
                assert target in live, f"{item_id}.{name} points at {target}, which is not live"
    links = session.execute(
        sa.select(BoardItemLink.source_id, BoardItemLink.target_id).where(
            BoardItemLink.board_id == board_id
        )
    ).all()
    expected = {
        (item_id, target)
        for item_id, item in live.items()
        for target in ref_targets(Item(item_id, item["type"], item["fields"], 0, 0, None, ""))
    }
    assert set(map(tuple, links)) == expected, "the link index disagrees with the items"
