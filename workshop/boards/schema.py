"""Item types and their validated fields.

The engine knows no item type by heart: each type declares its fields, and each board kind
declares which types it holds. The core types (sticky note, text, shape, connector, frame) are
on every board; a session canvas registers its own typed items (a stakeholder, an outcome, an
indicator...) with `register_item_type`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import Any

from workshop.boards.errors import Forbidden, InvalidOp, TooLarge

# --- limits, with their units ----------------------------------------------------------------
MAX_COORDINATE = 1_000_000.0  # board units (1 unit = 1 CSS pixel at 100% zoom)
MIN_SIZE = 1.0
MAX_SIZE = 100_000.0
MAX_STICKY_TEXT_CHARS = 2_000
MAX_TEXT_CHARS = 5_000
MAX_LABEL_CHARS = 300
MAX_TITLE_CHARS = 200
MAX_ORDER_KEY_CHARS = 64
MAX_REF_LIST_LENGTH = 200
MAX_LINK_CHARS = 2_000

# \Z, not $: "$" also matches before a final newline, which would let "id\n" through.
ITEM_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}\Z")
ORDER_KEY_PATTERN = re.compile(rf"^[0-9A-Za-z]{{1,{MAX_ORDER_KEY_CHARS}}}\Z")
HEX_COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}\Z")
DAY_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# Ids a JavaScript client would trip over if it ever kept items in a plain object.
RESERVED_ITEM_IDS = frozenset({"__proto__", "constructor", "prototype"})
# Named colours of the board palette (the client maps them to accessible tones).
PALETTE = ("yellow", "orange", "red", "pink", "purple", "blue", "teal", "green", "grey", "white")
LINK_SCHEMES = ("http://", "https://", "mailto:")


def is_item_id(value: Any) -> bool:
    return (
        isinstance(value, str)
        and bool(ITEM_ID_PATTERN.match(value))
        and value not in RESERVED_ITEM_IDS
    )


# --- field kinds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A field of an item type. `check` returns the clean value or raises InvalidOp/TooLarge."""

    default: Any = None
    required: bool = False
    nullable: bool = False
    conductor_only: bool = False  # e.g. a frame's lock: participants may read, never write it
    # Computed by the server from the item's other fields (a stakeholder's quadrant): clients
    # read it and never write it.
    derived: bool = False

    def check(self, name: str, value: Any) -> Any:
        if value is None:
            if self.nullable:
                return None
            raise InvalidOp(f"{name} may not be null", field=name)
        return self.clean(name, value)

    def clean(self, name: str, value: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def refs(self) -> bool:
        return False


def _is_control(ch: str) -> bool:
    # C0, DEL and C1 (Unicode category Cc).
    return ord(ch) < 32 or 127 <= ord(ch) < 160


def _no_control_characters(name: str, text: str, allowed: str = "\n\t") -> str:
    # NUL and other controls break storage and rendering; tabs and newlines are text.
    if any(_is_control(ch) and ch not in allowed for ch in text):
        raise InvalidOp(f"{name} contains control characters", field=name)
    # Lone surrogates cannot be stored as UTF-8.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidOp(f"{name} is not valid Unicode text", field=name) from None
    return text


@dataclass(frozen=True)
class Text(Field):
    max_chars: int = MAX_TEXT_CHARS
    default: Any = ""

    def clean(self, name, value):
        if not isinstance(value, str):
            raise InvalidOp(f"{name} must be text", field=name)
        if len(value) > self.max_chars:
            raise TooLarge(f"{name} is longer than {self.max_chars} characters", field=name)
        return _no_control_characters(name, value)


@dataclass(frozen=True)
class Number(Field):
    minimum: float = -MAX_COORDINATE
    maximum: float = MAX_COORDINATE
    integer: bool = False
    default: Any = 0
    euros: bool = False  # an amount: written "120.000,00 €" wherever a person reads it

    def clean(self, name, value):
        # bool is an int in Python; on the wire it is not a number.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidOp(f"{name} must be a number", field=name)
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidOp(f"{name} must be a finite number", field=name)
        if self.integer and not (isinstance(value, int) or float(value).is_integer()):
            raise InvalidOp(f"{name} must be a whole number", field=name)
        if not self.minimum <= value <= self.maximum:
            raise InvalidOp(f"{name} must be between {self.minimum} and {self.maximum}", field=name)
        return int(value) if self.integer else value


@dataclass(frozen=True)
class Choice(Field):
    values: tuple[str, ...] = ()

    def clean(self, name, value):
        if not isinstance(value, str) or value not in self.values:
            raise InvalidOp(f"{name} must be one of {', '.join(self.values)}", field=name)
        return value


@dataclass(frozen=True)
class Flag(Field):
    default: Any = False

    def clean(self, name, value):
        if not isinstance(value, bool):
            raise InvalidOp(f"{name} must be true or false", field=name)
        return value


@dataclass(frozen=True)
class Colour(Field):
    default: Any = "yellow"

    def clean(self, name, value):
        if isinstance(value, str) and (value in PALETTE or HEX_COLOUR_PATTERN.match(value)):
            return value
        raise InvalidOp(f"{name} must be a palette colour or #rrggbb", field=name)


@dataclass(frozen=True)
class OrderKey(Field):
    """A fractional index: items sort by it as strings, so a move never renumbers others."""

    default: Any = "a0"

    def clean(self, name, value):
        if not isinstance(value, str) or not ORDER_KEY_PATTERN.match(value):
            raise InvalidOp(
                f"{name} must be an order key of 1 to {MAX_ORDER_KEY_CHARS} letters/digits",
                field=name,
            )
        return value


@dataclass(frozen=True)
class Day(Field):
    def clean(self, name, value):
        # fromisoformat alone also takes "20250131" and week dates like "2025-W01-1".
        if not isinstance(value, str) or not DAY_PATTERN.match(value):
            raise InvalidOp(f"{name} must be a date YYYY-MM-DD", field=name)
        try:
            date.fromisoformat(value)
        except ValueError:
            raise InvalidOp(f"{name} must be a date YYYY-MM-DD", field=name) from None
        return value


@dataclass(frozen=True)
class Link(Field):
    default: Any = ""

    def clean(self, name, value):
        if not isinstance(value, str) or len(value) > MAX_LINK_CHARS:
            raise InvalidOp(f"{name} must be a link", field=name)
        if value and not value.lower().startswith(LINK_SCHEMES):
            # javascript:, data: and friends never reach a page.
            raise InvalidOp(f"{name} must start with http://, https:// or mailto:", field=name)
        # Not even a tab or a newline: a link is one line.
        return _no_control_characters(name, value, allowed="")


def _item_id(name: str, value: Any) -> str:
    if not is_item_id(value):
        raise InvalidOp(f"{name} must be an item id", field=name)
    return value


def _id_list(name: str, value: Any, max_length: int) -> list[str]:
    """A list of distinct item ids, at most `max_length` of them."""
    if not isinstance(value, list):
        raise InvalidOp(f"{name} must be a list of item ids", field=name)
    if len(value) > max_length:
        raise TooLarge(f"{name} holds more than {max_length} ids", field=name)
    cleaned = [_item_id(name, v) for v in value]
    if len(set(cleaned)) != len(cleaned):
        raise InvalidOp(f"{name} repeats an id", field=name)
    return cleaned


@dataclass(frozen=True)
class Ref(Field):
    """The id of another live item on the same board, of one of `types` (any type when empty)."""

    types: tuple[str, ...] = ()

    def clean(self, name, value):
        return _item_id(name, value)

    @property
    def refs(self) -> bool:
        return True

    def targets(self, value) -> list[str]:
        return [] if value is None else [value]


@dataclass(frozen=True)
class RefList(Ref):
    default: Any = ()
    max_length: int = MAX_REF_LIST_LENGTH

    def clean(self, name, value):
        return _id_list(name, value, self.max_length)

    def targets(self, value) -> list[str]:
        return list(value or ())


@dataclass(frozen=True)
class ProjectRef(Field):
    """The id of a live item on another board of the same project: the board of kind
    `board_kind` (a ToC intervention's lead actor lives in the stakeholder registry).

    Not part of the board's link index: a delete there does not cascade here. Clients show a
    reference to a deleted item as such, and a restore there brings it back.
    """

    board_kind: str = ""
    types: tuple[str, ...] = ()

    def clean(self, name, value):
        return _item_id(name, value)

    def targets(self, value) -> list[str]:
        return [] if value is None else [value]


@dataclass(frozen=True)
class ProjectRefList(ProjectRef):
    default: Any = ()
    max_length: int = MAX_REF_LIST_LENGTH

    def clean(self, name, value):
        return _id_list(name, value, self.max_length)

    def targets(self, value) -> list[str]:
        return list(value or ())


# --- item types ----------------------------------------------------------------------------------

GEOMETRY: dict[str, Field] = {
    "x": Number(default=0),
    "y": Number(default=0),
    "w": Number(minimum=MIN_SIZE, maximum=MAX_SIZE, default=200),
    "h": Number(minimum=MIN_SIZE, maximum=MAX_SIZE, default=200),
    "z": OrderKey(),
}


@dataclass(frozen=True)
class ItemType:
    """What a canvas declares: a name, its fields, and how the engine treats it."""

    name: str
    fields: Mapping[str, Field]
    spatial: bool = True  # has geometry (x, y, w, h, z)
    authored: bool = False  # the server records the author's display name in `author`
    lockable: bool = False  # a `locked` flag protects it from non-conductors
    # How a client shows it: the field that is the card's text, and the fields shown as chips.
    title_field: str | None = None
    summary: tuple[str, ...] = ()
    # Computes the derived fields from the item's fields (all of them, after the change).
    derive: Callable[[Mapping[str, Any]], dict[str, Any]] | None = field(
        default=None, compare=False
    )

    @property
    def is_edge(self) -> bool:
        """Drawn as a line between two items: not spatial, with `from` and `to` references."""
        return (
            not self.spatial
            and isinstance(self.fields.get("from"), Ref)
            and isinstance(self.fields.get("to"), Ref)
        )

    # The field maps below are read for every op of every change: built once per type (a
    # type is frozen once declared), and read-only so that no caller can alter them.
    @cached_property
    def _all_fields(self) -> Mapping[str, Field]:
        return MappingProxyType({**GEOMETRY, **self.fields} if self.spatial else dict(self.fields))

    @cached_property
    def _ref_fields(self) -> Mapping[str, Ref]:
        return MappingProxyType({n: f for n, f in self._all_fields.items() if isinstance(f, Ref)})

    @cached_property
    def _project_ref_fields(self) -> Mapping[str, ProjectRef]:
        return MappingProxyType(
            {n: f for n, f in self._all_fields.items() if isinstance(f, ProjectRef)}
        )

    def all_fields(self) -> Mapping[str, Field]:
        return self._all_fields

    def defaults(self) -> dict[str, Any]:
        values = {}
        for name, spec in self.all_fields().items():
            default = spec.default
            values[name] = list(default) if isinstance(default, tuple) else default
        return values

    def ref_fields(self) -> Mapping[str, Ref]:
        return self._ref_fields

    def project_ref_fields(self) -> Mapping[str, ProjectRef]:
        return self._project_ref_fields

    def derived_values(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The derived fields for these values; empty when the type derives nothing."""
        if self.derive is None:
            return {}
        values = self.derive(fields)
        unknown = set(values) - {n for n, f in self.all_fields().items() if f.derived}
        if unknown:  # a programming error in a canvas, never a client's
            raise ValueError(f"{self.name} derives undeclared fields {sorted(unknown)}")
        return values


STICKY = ItemType(
    "sticky",
    {"text": Text(max_chars=MAX_STICKY_TEXT_CHARS), "color": Colour(default="yellow")},
    authored=True,
)
TEXT = ItemType(
    "text",
    {
        "text": Text(max_chars=MAX_TEXT_CHARS),
        "size": Choice(values=("s", "m", "l", "xl"), default="m"),
        "color": Colour(default="grey"),
    },
)
SHAPE = ItemType(
    "shape",
    {
        "shape": Choice(values=("rect", "ellipse", "diamond", "triangle"), default="rect"),
        "text": Text(max_chars=MAX_LABEL_CHARS),
        "color": Colour(default="blue"),
    },
)
CONNECTOR = ItemType(
    "connector",
    {
        "from": Ref(required=True),
        "to": Ref(required=True),
        "label": Text(max_chars=MAX_LABEL_CHARS),
        "arrow": Choice(values=("end", "start", "both", "none"), default="end"),
        "style": Choice(values=("solid", "dashed"), default="solid"),
        "color": Colour(default="grey"),
    },
    spatial=False,
)
FRAME = ItemType(
    "frame",
    {
        "title": Text(max_chars=MAX_TITLE_CHARS),
        "color": Colour(default="white"),
        "locked": Flag(conductor_only=True),
    },
    lockable=True,
)

CORE_TYPES = (STICKY, TEXT, SHAPE, CONNECTOR, FRAME)


@dataclass
class Registry:
    """Item types by name, and which board kinds hold which extra types."""

    types: dict[str, ItemType] = field(default_factory=dict)
    kinds: dict[str, set[str]] = field(default_factory=dict)  # board kind -> extra type names

    def register(self, item_type: ItemType, board_kinds: Iterable[str] = ()) -> None:
        existing = self.types.get(item_type.name)
        if existing is not None and existing != item_type:
            raise ValueError(f"item type {item_type.name!r} is registered twice")
        self.types[item_type.name] = item_type
        for kind in board_kinds:
            self.kinds.setdefault(str(kind), set()).add(item_type.name)
        self.__dict__.pop("project_ref_names", None)  # a new type may bring some

    @cached_property
    def project_ref_names(self) -> frozenset[str]:
        """Every field name that some type declares as a reference to another board's item."""
        return frozenset(n for t in self.types.values() for n in t.project_ref_fields())

    def type_for(self, board_kind: str, name: Any) -> ItemType:
        """The type if this board kind holds it. Raises InvalidOp otherwise."""
        if not isinstance(name, str) or name not in self.types:
            raise InvalidOp("unknown item type", field="type")
        if name not in CORE_NAMES and name not in self.kinds.get(str(board_kind), ()):
            raise InvalidOp(f"{name} items do not belong on this board", field="type")
        return self.types[name]

    def get(self, name: str) -> ItemType:
        return self.types[name]


CORE_NAMES = frozenset(t.name for t in CORE_TYPES)
# Drawn under every card and edge: zones a template lays out once, and sheets cards sit on.
# Cards lie over them by design (the diagram paints them first, a reveal's spread ignores them).
BACKGROUND_TYPES = frozenset({"frame", "pi_grid", "proposal"})

registry = Registry()
for _core in CORE_TYPES:
    registry.register(_core)


def register_item_type(item_type: ItemType, board_kinds: Iterable[str]) -> None:
    """For session canvases: declare a typed item and the board kinds that hold it."""
    registry.register(item_type, board_kinds)


def check_fields(
    item_type: ItemType, values: Any, *, creating: bool, may_conduct: bool
) -> dict[str, Any]:
    """Validate client-sent field values against the type. Raises InvalidOp, TooLarge, Forbidden."""
    if not isinstance(values, dict):
        raise InvalidOp("fields must be an object", field="fields")
    specs = item_type.all_fields()
    clean: dict[str, Any] = {}
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None:
            raise InvalidOp(f"{item_type.name} has no field {name!r}", field=str(name)[:64])
        if spec.derived:
            raise InvalidOp(f"{name} is computed by the server", field=name)
        if spec.conductor_only and not may_conduct:
            raise Forbidden(f"only a conductor may set {name}", field=name)
        clean[name] = spec.check(name, value)
    if creating:
        missing = [n for n, s in specs.items() if s.required and not s.derived and n not in clean]
        if missing:
            raise InvalidOp(f"{missing[0]} is required", field=missing[0])
    return clean
