"""Applying a change's ops to items: pure, so it runs the same in the service and in tests.

Last writer wins per (item, field): the sequencer orders changes, and a later change's value
for a field replaces the earlier one. Deletes leave tombstones. Deleting an item also deletes
the items that cannot live without it (a connector's ends) and clears optional references to it,
and those follow-on ops are part of the applied change, so every client sees the same result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from workshop.boards.errors import BoardLocked, InvalidOp, ItemDeleted, ItemExists, NotFound
from workshop.boards.ops import CREATE, DELETE, RESTORE, UPDATE, Op
from workshop.boards.schema import ItemType, Ref, RefList, Registry, check_fields, registry


@dataclass
class Item:
    id: str
    type: str
    fields: dict[str, Any]
    created_seq: int
    updated_seq: int
    deleted_seq: int | None
    created_by: str

    @property
    def alive(self) -> bool:
        return self.deleted_seq is None

    def copy(self) -> Item:
        """A copy to change without changing this one (copy.deepcopy, about five times quicker
        on a card's fields: a sequencer copies each item a change touches)."""
        return Item(
            self.id,
            self.type,
            copy_json(self.fields),
            self.created_seq,
            self.updated_seq,
            self.deleted_seq,
            self.created_by,
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "fields": self.fields,
            "created_by": self.created_by,
            "seq": self.updated_seq,
        }


def copy_json(value: Any) -> Any:
    """A copy of a JSON value: dicts and lists copied all the way down, the rest (strings,
    numbers, booleans, None) shared, being immutable."""
    if isinstance(value, dict):
        return {key: copy_json(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [copy_json(inner) for inner in value]
    return value


@dataclass(frozen=True)
class Actor:
    """Who makes the change: a stable identity for authorship, a display name, and whether
    they hold the conductor's rights on this board."""

    identity: str
    name: str
    may_conduct: bool = False


@dataclass
class Outcome:
    applied: list[dict[str, Any]] = field(default_factory=list)  # the ops as applied, for the wire
    changed: dict[str, Item] = field(default_factory=dict)  # final state of every touched item
    live_delta: int = 0


# The items of these ids, the applier's to change: fresh from the database, or copies of items
# held elsewhere (a batch's ledger). A deep copy of each here took 2-3% of the server's CPU.
Loader = Callable[[Iterable[str]], dict[str, Item]]
Referrers = Callable[[str], Iterable[str]]
# (board kind, ids) -> {id: type} of the live ones among them, on the project's board of that kind.
ExternalResolver = Callable[[str, list[str]], dict[str, str]]
FindType = Callable[[Iterable[str]], list[Item]]


class RuleContext:
    """Given to a board kind's rules (workshop.boards.canvas) inside a change: the items the
    change touched, a way to read any item, to find items by type, and to update one as the
    server (validated as any field, derived fields recomputed, part of the same change)."""

    def __init__(self, applier: Applier) -> None:
        self._applier = applier

    @property
    def changed(self) -> dict[str, Item]:
        return dict(self._applier.out.changed)

    @property
    def actor(self) -> Actor:
        return self._applier.actor

    def get(self, item_id: str) -> Item | None:
        return self._applier._get(item_id)

    def find_type(self, *types: str) -> list[Item]:
        return self._applier.find_type(types)

    def update(self, item_id: str, values: dict[str, Any]) -> None:
        self._applier.server_update(item_id, values)

    def fields_set(self, item_id: str) -> set[str] | None:
        """The fields this change set on an existing item (before the rules ran), or None
        when the change created or restored it: a rule that reacts to an edit (an
        objective's text reworded) tells an edit from a creation."""
        fields: set[str] = set()
        for op in self._applier.out.applied[: self._applier.client_ops]:
            if op["id"] != item_id:
                continue
            if op["op"] in (CREATE, RESTORE):
                return None
            if op["op"] == UPDATE:
                fields.update(op["fields"])
        return fields


Rule = Callable[[RuleContext], None]


class Applier:
    """Applies ops one after the other on a working copy; raises at the first refusal."""

    def __init__(
        self,
        board_kind: str,
        actor: Actor,
        seq: int,
        load: Loader,
        referrers: Referrers,
        types: Registry = registry,
        resolve_external: ExternalResolver | None = None,
        rules: Iterable[Rule] = (),
        find_type: FindType | None = None,
    ) -> None:
        self.board_kind = board_kind
        self.actor = actor
        self.seq = seq
        self._load = load
        self._referrers = referrers
        self.types = types
        self._resolve_external = resolve_external
        self._rules = tuple(rules)
        self._find_type = find_type
        self.work: dict[str, Item | None] = {}
        self.out = Outcome()
        self.client_ops = 0  # how many of out.applied the change's own ops made (rules add more)

    # -- working copy --------------------------------------------------------------------------

    def prefetch(self, ids: Iterable[str]) -> None:
        wanted = [i for i in set(ids) if i not in self.work]
        if wanted:
            found = self._load(wanted)
            for item_id in wanted:
                self.work[item_id] = found.get(item_id)

    def _get(self, item_id: str) -> Item | None:
        self.prefetch([item_id])
        return self.work[item_id]

    def _touch(self, item: Item) -> None:
        self.work[item.id] = item
        self.out.changed[item.id] = item

    # -- checks ----------------------------------------------------------------------------------

    def _check_unlocked(self, item: Item, item_type: ItemType) -> None:
        if item_type.lockable and item.fields.get("locked") and not self.actor.may_conduct:
            raise BoardLocked("a conductor locked this item", field=item.id)

    def _check_refs(
        self, item_id: str, item_type: ItemType, values: dict[str, Any], external: bool = True
    ) -> None:
        for name, spec in item_type.ref_fields().items():
            if name not in values:
                continue
            for target_id in spec.targets(values[name]):
                if target_id == item_id:
                    raise InvalidOp(f"{name} cannot point at the item itself", field=name)
                target = self._get(target_id)
                if target is None or not target.alive:
                    raise InvalidOp(f"{name} points at no live item", field=name)
                if spec.types and target.type not in spec.types:
                    raise InvalidOp(f"{name} must point at {', '.join(spec.types)}", field=name)
        for name, spec in item_type.project_ref_fields().items() if external else ():
            wanted = spec.targets(values.get(name)) if name in values else []
            if not wanted:
                continue
            found = (
                self._resolve_external(spec.board_kind, wanted) if self._resolve_external else {}
            )
            for target_id in wanted:
                target_type = found.get(target_id)
                if target_type is None:
                    raise InvalidOp(f"{name} points at no live item of the project", field=name)
                if spec.types and target_type not in spec.types:
                    raise InvalidOp(f"{name} must point at {', '.join(spec.types)}", field=name)

    # -- ops -------------------------------------------------------------------------------------

    def apply(self, ops: Iterable[Op]) -> Outcome:
        ops = list(ops)
        self.prefetch(op.id for op in ops)
        for op in ops:
            getattr(self, f"_{op.op}")(op)
        self.client_ops = len(self.out.applied)
        if self._rules and self.out.changed:
            context = RuleContext(self)
            for rule in self._rules:
                rule(context)
        return self.out

    def find_type(self, types: Iterable[str]) -> list[Item]:
        """Live items of these types, as this change leaves them."""
        types = set(types)
        found = {it.id: it for it in (self._find_type(types) if self._find_type else [])}
        for item_id in found:
            self.prefetch([item_id])
        result = {i: self.work[i] for i in found if self.work.get(i) is not None}
        result.update({i: it for i, it in self.work.items() if it is not None and it.type in types})
        return sorted(
            (it for it in result.values() if it.alive), key=lambda it: (it.created_seq, it.id)
        )

    def server_update(self, item_id: str, values: dict[str, Any]) -> None:
        """A rule's update: checked like any value, but derived and conductor-only fields may
        be set (the server is setting them), and a locked item is no obstacle (the rule keeps
        the method consistent, it is not someone's edit)."""
        item = self._existing(item_id)
        item_type = self.types.get(item.type)
        specs = item_type.all_fields()
        clean = {}
        for name, value in values.items():
            if name not in specs:
                raise ValueError(f"a rule set unknown field {item.type}.{name}")  # a canvas bug
            clean[name] = specs[name].check(name, value)
        self._check_refs(item_id, item_type, clean)
        changed = {n: v for n, v in clean.items() if item.fields.get(n) != v}
        if not changed:
            return
        item.fields.update(changed)
        changed.update(self._rederive(item, item_type))
        item.updated_seq = self.seq
        self._touch(item)
        self.out.applied.append({"op": UPDATE, "id": item_id, "fields": changed})

    def _rederive(self, item: Item, item_type: ItemType) -> dict[str, Any]:
        """Recompute the item's derived fields in place; returns those whose value changed."""
        derived = item_type.derived_values(item.fields)
        changed = {n: v for n, v in derived.items() if item.fields.get(n) != v}
        item.fields.update(changed)
        return changed

    def _create(self, op: Op) -> None:
        if self._get(op.id) is not None:
            raise ItemExists("an item with this id exists", field="id")
        item_type = self.types.type_for(self.board_kind, op.type)
        values = check_fields(
            item_type, op.fields, creating=True, may_conduct=self.actor.may_conduct
        )
        self._check_refs(op.id, item_type, values)
        fields = {**item_type.defaults(), **values}
        fields.update(item_type.derived_values(fields))
        if item_type.authored:
            fields["author"] = self.actor.name
        item = Item(op.id, item_type.name, fields, self.seq, self.seq, None, self.actor.identity)
        self._touch(item)
        self.out.live_delta += 1
        self.out.applied.append({"op": CREATE, "id": op.id, "type": item.type, "fields": fields})

    def _update(self, op: Op) -> None:
        item = self._existing(op.id)
        item_type = self.types.get(item.type)
        self._check_unlocked(item, item_type)
        values = check_fields(
            item_type, op.fields, creating=False, may_conduct=self.actor.may_conduct
        )
        self._check_refs(op.id, item_type, values)
        if not values:
            return
        item.fields.update(values)
        values = {**values, **self._rederive(item, item_type)}
        item.updated_seq = self.seq
        self._touch(item)
        self.out.applied.append({"op": UPDATE, "id": op.id, "fields": values})

    def _delete(self, op: Op) -> None:
        item = self._get(op.id)
        if item is None:
            raise NotFound("no such item", field="id")
        if not item.alive:
            return  # two people deleted it at once: the second delete changes nothing
        self._check_unlocked(item, self.types.get(item.type))
        self._delete_with_dependants(item)

    def _delete_with_dependants(self, item: Item) -> None:
        item.deleted_seq = item.updated_seq = self.seq
        self._touch(item)
        self.out.live_delta -= 1
        self.out.applied.append({"op": DELETE, "id": item.id})
        for source_id in sorted(self._current_referrers(item.id)):
            source = self.work[source_id]
            if source is None or not source.alive:
                continue
            cleared: dict[str, Any] = {}
            must_go = False
            for name, spec in self.types.get(source.type).ref_fields().items():
                value = source.fields.get(name)
                if item.id not in spec.targets(value):
                    continue
                if isinstance(spec, RefList):
                    cleared[name] = [t for t in value if t != item.id]
                elif spec.required or not spec.nullable:
                    must_go = True
                else:
                    cleared[name] = None
            if must_go:
                self._delete_with_dependants(source)
            elif cleared:
                source.fields.update(cleared)
                cleared.update(self._rederive(source, self.types.get(source.type)))
                source.updated_seq = self.seq
                self._touch(source)
                self.out.applied.append({"op": UPDATE, "id": source.id, "fields": cleared})

    def _current_referrers(self, target_id: str) -> set[str]:
        candidates = set(self._referrers(target_id))
        candidates.update(i for i, it in self.work.items() if it is not None and it.alive)
        self.prefetch(candidates)
        result = set()
        for source_id in candidates:
            source = self.work.get(source_id)
            if source is None or not source.alive:
                continue
            for name, spec in self.types.get(source.type).ref_fields().items():
                if target_id in spec.targets(source.fields.get(name)):
                    result.add(source_id)
        return result

    def _restore(self, op: Op) -> None:
        item = self._get(op.id)
        if item is None:
            raise NotFound("no such item", field="id")
        if item.alive:
            return  # already back: restoring twice changes nothing
        item_type = self.types.get(item.type)
        # Bringing back a locked item is a change to it: conductors only, as for a delete.
        self._check_unlocked(item, item_type)
        # References to other boards may point at something deleted there since: a restore
        # brings the item back as it was, and clients show such a reference as deleted.
        self._check_refs(item.id, item_type, item.fields, external=False)
        item.deleted_seq = None
        item.updated_seq = self.seq
        self._touch(item)
        self.out.live_delta += 1
        self.out.applied.append(
            {"op": RESTORE, "id": item.id, "type": item.type, "fields": item.fields}
        )

    def _existing(self, item_id: str) -> Item:
        item = self._get(item_id)
        if item is None:
            raise NotFound("no such item", field="id")
        if not item.alive:
            raise ItemDeleted("this item was deleted", field="id")
        return item


def ref_targets(item: Item, types: Registry = registry) -> set[str]:
    """Every item id this item's reference fields point at."""
    targets: set[str] = set()
    for name, spec in types.get(item.type).ref_fields().items():
        targets.update(spec.targets(item.fields.get(name)))
    return targets


__all__ = ["Actor", "Applier", "Item", "Outcome", "Ref", "RuleContext", "ref_targets"]
