"""A seeded corpus of bad inputs for every client event (checklist C1, C2, C4).

`build_corpus(targets)` returns, per event, at least MIN_CASES_PER_EVENT cases. Each case is
either arguments for the test client's emit (anything JSON can carry, plus what Python's json
lets through: NaN, Infinity, huge integers) or a raw Socket.IO packet body, for what no
well-behaved encoder would produce (nesting 1,000 deep, 5,000-digit numbers, broken JSON,
event names that are not strings).

Every frame stays under MAX_MESSAGE_BYTES except the few cases marked `over_frame`: a real server
drops those at the frame (tests/reliability/test_real_server.py checks that); in process they
reach the handlers, which must refuse them just as cleanly.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from workshop import protocol as P

CORPUS_SEED = 20251123
MIN_CASES_PER_EVENT = 200

NAN = float("nan")
INF = float("inf")
# Just under the frame once wrapped in an event: longer than every text limit.
LONG_TEXT_CHARS = 60_000
ONE_MILLION = 1_000_000


@dataclass(frozen=True)
class Targets:
    """What the corpus aims at: the joined board X and its items, and what lies beyond it."""

    board: int  # board X: the corpus socket joined it
    board_same_project: int  # board Y: the socket could join it, but has not
    board_other_project: int  # board Z: the socket may not even see it
    live: tuple[str, ...]  # stickies on X
    connector: str  # a connector on X between two of them
    locked_frame: str  # a frame on X the conductor locked
    deleted: str  # a tombstone on X
    foreign_item: str  # an item of board Y


@dataclass(frozen=True)
class Case:
    event: str
    label: str
    args: tuple = ()  # emitted as they are (one payload, none, or several)
    raw: str | None = None  # or this JSON text as the packet's data: '["event", ...]'
    over_frame: bool = False

    def frame_bytes(self) -> int:
        # Bytes travel as binary attachments: count them at their size plus a placeholder.
        text = (
            self.raw
            if self.raw is not None
            else json.dumps([self.event, *self.args], default=lambda b: "_" * (len(b) + 32))
        )
        return len(text.encode("utf-8", "surrogatepass"))


@dataclass
class Corpus:
    cases: dict[str, list[Case]] = field(default_factory=dict)

    def add(self, case: Case) -> None:
        self.cases.setdefault(case.event, []).append(case)

    def __iter__(self) -> Iterator[Case]:
        for cases in self.cases.values():
            yield from cases

    def __len__(self) -> int:
        return sum(len(c) for c in self.cases.values())


# --- building blocks --------------------------------------------------------------------------------------


def nested(depth: int, leaf: Any = 0) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def nested_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def strange_strings(rng: random.Random) -> list[tuple[str, str]]:
    """(label, text) pairs that are bad as ids or tokens, and mostly bad as text too."""
    return [
        ("empty", ""),
        ("NUL", "a\x00b"),
        ("only NUL", "\x00"),
        ("C0 control", "a\x07b"),
        ("C1 control", "a\x85b"),
        ("escape sequence", "\x1b[2J"),
        ("DEL", "a\x7f"),
        ("CR", "a\rb"),
        ("lone high surrogate", "a\ud800b"),
        ("lone low surrogate", "\udfff"),
        ("reversed surrogates", "\udc00\ud800"),
        ("RTL override", "\u202eevil"),
        ("zero-width space", "a\u200bb"),
        ("BOM", "\ufeffa"),
        ("trailing newline", "abc\n"),
        ("space", "a b"),
        ("slash", "a/b"),
        ("html", "<script>alert(1)</script>"),
        ("sql", "1' OR '1'='1"),
        ("proto", "__proto__"),
        ("long", "a" * 4_096),
        ("very long", "b" * LONG_TEXT_CHARS),
        ("random unicode", "".join(chr(rng.randrange(0x80, 0x2FFF)) for _ in range(12))),
    ]


def wrong_types(rng: random.Random) -> list[tuple[str, Any]]:
    """Values of every JSON type (and Python's extras) that are wrong where a specific type is due."""
    return [
        ("null", None),
        ("true", True),
        ("false", False),
        ("zero", 0),
        ("negative", -1),
        ("fraction", 1.5),
        ("NaN", NAN),
        ("Infinity", INF),
        ("-Infinity", -INF),
        ("huge int", 10**30),
        ("huge negative int", -(10**30)),
        ("400-digit int", 10**400),
        ("1e308", 1e308),
        ("empty string", ""),
        ("string", "x"),
        ("numeric string", "1"),
        ("empty list", []),
        ("list", [1, 2]),
        ("empty object", {}),
        ("object", {"a": 1}),
        ("nested 400 deep", nested(400)),
        ("random bytes", bytes(rng.randrange(256) for _ in range(16))),
    ]


def random_payloads(
    rng: random.Random, keys: tuple[str, ...], bad_board_ids: list[Any], count: int
) -> Iterator[tuple[str, dict]]:
    """Objects mixing the event's keys, junk keys and values from every pool. board_id, when
    present, is always one the socket may not use, so no draw is accidentally valid."""
    pool = [v for _, v in wrong_types(rng)] + [v for _, v in strange_strings(rng)[:-2]]
    junk_keys = (
        "author",
        "seq",
        "role",
        "__proto__",
        "x",
        "y",
        "ops",
        "since_seq",
        "protocol",
        "z",
        "",
    )
    for n in range(count):
        payload: dict[str, Any] = {}
        for key in rng.sample(keys + junk_keys, rng.randrange(1, 5)):
            payload[key] = rng.choice(pool)
        payload["board_id"] = rng.choice(bad_board_ids)
        yield f"random object {n}", payload


# --- per event ---------------------------------------------------------------------------------------------


def apply_change_cases(t: Targets, rng: random.Random) -> Iterator[Case]:
    counter = iter(range(1, 10**9))
    default = object()

    def change(ops: Any = default, **overrides) -> dict:
        payload = {
            "board_id": t.board,
            "change_id": f"corpus:{next(counter)}",
            "client_id": "corpus",
            "ops": [new_sticky()] if ops is default else ops,
        }
        payload.update(overrides)
        return payload

    def new_sticky(**fields) -> dict:
        return {"op": "create", "id": f"n{next(counter)}", "type": "sticky", "fields": fields}

    def case(label: str, *args, **kw) -> Case:
        return Case(P.APPLY_CHANGE, label, args, **kw)

    # The payload itself.
    for label, value in wrong_types(rng):
        yield case(f"payload: {label}", value)
    yield case("no payload")
    yield case("two payloads", change(), change())
    yield case("payload as a list of changes", [change()])
    for key in ("board_id", "change_id", "client_id", "ops"):
        payload = change()
        del payload[key]
        yield case(f"missing {key}", payload)
    for key in (
        "author",
        "author_id",
        "seq",
        "created_by",
        "created_at",
        "role",
        "__proto__",
        "constructor",
        "op",
    ):
        yield case(f"extra key {key}", change(**{key: "x"}))
    yield case("a thousand extra keys", {**change(), **{f"k{n}": n for n in range(1000)}})

    # board_id: wrong types, boards this socket has not joined or may not see.
    for label, value in wrong_types(rng):
        yield case(f"board_id {label}", change(board_id=value))
    yield case(
        "board_id of a board in the same project, not joined", change(board_id=t.board_same_project)
    )
    yield case("board_id of another project's board", change(board_id=t.board_other_project))
    yield case("board_id of no board", change(board_id=t.board + 10**6))
    yield case("board_id 2**53", change(board_id=2**53))

    # change_id and client_id.
    for key in ("change_id", "client_id"):
        for label, value in strange_strings(rng) + wrong_types(rng)[:12]:
            if label == "proto":
                continue  # "__proto__" is a plain token: a valid change_id
            yield case(f"{key} {label}", change(**{key: value}))
    yield case("change_id one over its limit", change(change_id="c" * (P.MAX_CHANGE_ID_CHARS + 1)))

    # ops: the list.
    for label, value in wrong_types(rng):
        if not isinstance(value, list) or not value:
            yield case(f"ops {label}", change(ops=value))
    yield case(
        "ops one over the limit",
        change(ops=[new_sticky() for _ in range(P.MAX_OPS_PER_CHANGE + 1)]),
    )
    yield case("ops 2,000 long", change(ops=[{"op": "delete", "id": "a"}] * 2_000))

    # ops: one op.
    for label, value in wrong_types(rng):
        yield case(f"op is {label}", change(ops=[value]))
    for kind in (
        "move",
        "DELETE",
        "Create",
        "",
        "__proto__",
        "drop",
        None,
        1,
        ["create"],
        {"op": "create"},
    ):
        yield case(f"op kind {kind!r}", change(ops=[{"op": kind, "id": "x1"}]))
    for label, value in strange_strings(rng) + [
        ("41 chars", "a" * 41),
        ("number", 7),
        ("null", None),
    ]:
        yield case(
            f"create id {label}",
            change(ops=[{"op": "create", "id": value, "type": "sticky", "fields": {}}]),
        )
        yield case(f"delete id {label}", change(ops=[{"op": "delete", "id": value}]))
    yield case("op missing id", change(ops=[{"op": "delete"}]))
    yield case("create missing type", change(ops=[{"op": "create", "id": "x1", "fields": {}}]))
    yield case(
        "create missing fields", change(ops=[{"op": "create", "id": "x1", "type": "sticky"}])
    )
    yield case("update missing fields", change(ops=[{"op": "update", "id": t.live[0]}]))
    for key in ("seq", "author", "created_by", "board_id", "type"):
        yield case(
            f"update with extra key {key}",
            change(ops=[{"op": "update", "id": t.live[0], "fields": {}, key: 1}]),
        )
    yield case("delete with fields", change(ops=[{"op": "delete", "id": t.live[0], "fields": {}}]))

    # Item types outside the allowlist (C4).
    for type_ in (
        "iframe",
        "script",
        "__proto__",
        "constructor",
        "prototype",
        "embed",
        "object",
        "image",
        "html",
        "Sticky",
        "sticky ",
        " sticky",
        "STICKY",
        "sticky\x00",
        "",
        "frame/../sticky",
        "test_card",
    ):
        yield case(
            f"create type {type_!r}",
            change(ops=[{"op": "create", "id": "x1", "type": type_, "fields": {}}]),
        )
    for label, value in wrong_types(rng)[:14]:
        yield case(
            f"create type {label}",
            change(ops=[{"op": "create", "id": "x1", "type": value, "fields": {}}]),
        )

    # Fields: unknown ones, server-owned ones, and bad values of every kind.
    for name in (
        "author",
        "created_by",
        "seq",
        "id",
        "type",
        "onclick",
        "style",
        "html",
        "__proto__",
        "",
        "x" * 200,
    ):
        yield case(f"create field {name[:20]!r}", change(ops=[new_sticky(**{name: "x"})]))
        yield case(
            f"update field {name[:20]!r}",
            change(ops=[{"op": "update", "id": t.live[0], "fields": {name: "x"}}]),
        )
    yield case(
        "fields with 5,000 unknown keys",
        change(
            ops=[{"op": "update", "id": t.live[0], "fields": {f"k{n}": 0 for n in range(5_000)}}]
        ),
    )
    limits = {"x": (-1_000_000, 1_000_000), "w": (1, 100_000)}
    for label, value in wrong_types(rng):
        for name, (low, high) in limits.items():
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and low <= value <= high
            ):
                continue  # a number in range is a fine value
            yield case(
                f"{name} {label}",
                change(ops=[{"op": "update", "id": t.live[0], "fields": {name: value}}]),
            )
    for label, value in [
        ("too far", 1_000_001),
        ("too small w", 0),
        ("negative w", -5),
        ("w too big", 100_001),
    ]:
        yield case(
            f"geometry {label}",
            change(ops=[new_sticky(x=value) if "w" not in label else new_sticky(w=value)]),
        )
    for label, value in strange_strings(rng):
        if label in (
            "empty",
            "html",
            "sql",
            "proto",
            "long",
            "random unicode",
            "RTL override",
            "zero-width space",
            "BOM",
            "space",
            "slash",
            "trailing newline",
        ):
            continue  # text a sticky may hold (RTL, zero-width, markup): accepted and stored verbatim
        yield case(
            f"text {label}",
            change(ops=[{"op": "update", "id": t.live[0], "fields": {"text": value}}]),
        )
    yield case("text over the sticky limit", change(ops=[new_sticky(text="t" * 2_001)]))
    yield case(
        "text 1M characters", change(ops=[new_sticky(text="m" * ONE_MILLION)]), over_frame=True
    )
    yield case("change_id 1M characters", change(change_id="c" * ONE_MILLION), over_frame=True)
    for label, value in wrong_types(rng):
        if isinstance(value, str):
            continue
        yield case(
            f"text {label}",
            change(ops=[{"op": "update", "id": t.live[0], "fields": {"text": value}}]),
        )
    for value in (
        "#fff",
        "#ffffff\n",
        "Yellow",
        "url(javascript:alert(1))",
        "red;background:url(x)",
        0,
        None,
    ):
        yield case(f"color {value!r}", change(ops=[new_sticky(color=value)]))
    for value in ("", "a-0", "a 0", "a0\n", "z" * 65, "à", 1, None):
        yield case(f"order key {value!r}", change(ops=[new_sticky(z=value)]))

    # References: missing, foreign, deleted, itself, wrong shape.
    for label, target in [
        ("missing", "nowhere"),
        ("an item of another board", t.foreign_item),
        ("a deleted item", t.deleted),
        ("itself", "c-new"),
        ("a bad id", "a b"),
        ("NUL", "\x00"),
        ("null", None),
        ("a list", [t.live[0]]),
    ]:
        fields = {"from": t.live[0], "to": target}
        yield case(
            f"connector to {label}",
            change(ops=[{"op": "create", "id": "c-new", "type": "connector", "fields": fields}]),
        )
    yield case(
        "connector without to",
        change(
            ops=[
                {"op": "create", "id": "c-new", "type": "connector", "fields": {"from": t.live[0]}}
            ]
        ),
    )
    yield case(
        "connector moved to a foreign item",
        change(ops=[{"op": "update", "id": t.connector, "fields": {"to": t.foreign_item}}]),
    )

    # Items that are not there, or not on this board; ids taken; locks.
    foreign = t.foreign_item
    yield case(
        "update an item of another board",
        change(ops=[{"op": "update", "id": foreign, "fields": {"text": "x"}}]),
    )
    yield case("delete an item of another board", change(ops=[{"op": "delete", "id": foreign}]))
    yield case("restore an item of another board", change(ops=[{"op": "restore", "id": foreign}]))
    yield case(
        "update a missing item", change(ops=[{"op": "update", "id": "nowhere", "fields": {}}])
    )
    yield case(
        "update a deleted item",
        change(ops=[{"op": "update", "id": t.deleted, "fields": {"text": "x"}}]),
    )
    yield case(
        "create over a live id",
        change(ops=[{"op": "create", "id": t.live[0], "type": "sticky", "fields": {}}]),
    )
    yield case(
        "create over a tombstone",
        change(ops=[{"op": "create", "id": t.deleted, "type": "sticky", "fields": {}}]),
    )
    yield case(
        "update a locked frame",
        change(ops=[{"op": "update", "id": t.locked_frame, "fields": {"title": "x"}}]),
    )
    yield case(
        "unlock a locked frame",
        change(ops=[{"op": "update", "id": t.locked_frame, "fields": {"locked": False}}]),
    )
    yield case("delete a locked frame", change(ops=[{"op": "delete", "id": t.locked_frame}]))
    yield case(
        "create a locked frame",
        change(ops=[{"op": "create", "id": "f-new", "type": "frame", "fields": {"locked": True}}]),
    )

    # C2: one bad op among good ones, at the start, in the middle and at the end.
    bad_ops = [
        ("unknown type", {"op": "create", "id": "x1", "type": "iframe", "fields": {}}),
        ("NaN", {"op": "update", "id": t.live[1], "fields": {"x": NAN}}),
        ("foreign item", {"op": "delete", "id": foreign}),
        ("NUL text", {"op": "update", "id": t.live[1], "fields": {"text": "\x00"}}),
        ("locked frame", {"op": "delete", "id": t.locked_frame}),
        ("taken id", {"op": "create", "id": t.live[2], "type": "sticky", "fields": {}}),
        ("bad shape", {"op": "update", "id": t.live[1]}),
        ("bad id", {"op": "delete", "id": "no spaces"}),
    ]
    for label, bad in bad_ops:
        good = [
            new_sticky(text="good"),
            {"op": "update", "id": t.live[0], "fields": {"text": "changed", "x": 10}},
            {"op": "delete", "id": t.live[1]},  # takes the connector with it
            new_sticky(),
        ]
        for position in (0, 2, len(good)):
            ops = good[:position] + [bad] + good[position:]
            yield case(f"batch with one bad op ({label}) at {position}", change(ops=ops))

    # Raw packets no encoder would write.
    yield from raw_cases(P.APPLY_CHANGE, json.dumps(change())[:-1])


def raw_cases(event: str, open_payload: str) -> Iterator[Case]:
    """Packets for `event` that break JSON or nest too deep. `open_payload` is a valid payload
    object without its closing brace, to splice bad members into."""
    name = json.dumps(event)
    yield Case(event, "raw: payload nested 1,000 deep", raw=f"[{name},{nested_json(1000)}]")
    yield Case(
        event,
        "raw: payload nested 100,000 deep",
        raw=f"[{name},{nested_json(100_000)}]",
        over_frame=True,
    )
    yield Case(
        event,
        "raw: a member nested 1,000 deep",
        raw=f'[{name},{open_payload},"deep":{nested_json(1000)}}}]',
    )
    deep_objects = '{"a":' * 1000 + "1" + "}" * 1000
    yield Case(event, "raw: objects nested 1,000 deep", raw=f"[{name},{deep_objects}]")
    yield Case(
        event, "raw: a 5,000-digit number", raw=f'[{name},{open_payload},"n":{"9" * 5000}}}]'
    )
    yield Case(
        event, "raw: board_id with 5,000 digits", raw=f'[{name},{{"board_id":{"1" * 5000}}}]'
    )
    yield Case(event, "raw: unterminated", raw=f"[{name},{open_payload}")
    yield Case(event, "raw: trailing garbage", raw=f"[{name},{open_payload}}}]garbage")
    yield Case(event, "raw: single quotes", raw=f"['{event}', {{'board_id': 1}}]")
    yield Case(event, "raw: NaN literal payload", raw=f"[{name},NaN]")
    yield Case(event, "raw: bare payload, no list", raw=f"{open_payload}}}")
    yield Case(event, "raw: lone surrogate escape", raw=f'[{name},{open_payload},"s":"\\ud800"}}]')
    yield Case(event, "raw: invalid escape", raw=f'[{name},{open_payload},"s":"\\x00"}}]')
    yield Case(
        event,
        "raw: raw control character in a string",
        raw=f'[{name},{open_payload},"s":"a\x00b"}}]',
    )
    yield Case(event, "raw: duplicate keys", raw=f'[{name},{open_payload},"board_id":"dup"}}]')


def join_board_cases(t: Targets, rng: random.Random) -> Iterator[Case]:
    def join(**overrides) -> dict:
        payload = {"protocol": P.PROTOCOL_VERSION, "board_id": t.board_other_project}
        payload.update(overrides)
        return payload

    def case(label: str, *args, **kw) -> Case:
        return Case(P.JOIN_BOARD, label, args, **kw)

    for label, value in wrong_types(rng):
        yield case(f"payload: {label}", value)
    yield case("no payload")
    yield case("two payloads", join(board_id=t.board), join(board_id=t.board))
    yield case("missing board_id", {"protocol": P.PROTOCOL_VERSION})
    yield case("missing protocol", {"board_id": t.board_same_project})
    for label, value in wrong_types(rng) + [
        ("protocol 2", 2),
        ("protocol 0", 0),
        ("float 1.0", 1.0),
        ("string 1", "1"),
    ]:
        yield case(f"protocol {label}", join(protocol=value, board_id=t.board_same_project))
    for label, value in wrong_types(rng) + strange_strings(rng):
        yield case(f"board_id {label}", join(board_id=value))
    for label, value in wrong_types(rng) + strange_strings(rng)[:8]:
        if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            continue  # null (no seq yet) or a whole since_seq is fine, however far off
        yield case(f"since_seq {label}", join(board_id=t.board_same_project, since_seq=value))
    for key in (
        "role",
        "can_edit",
        "can_conduct",
        "author",
        "user_id",
        "identity",
        "__proto__",
        "board",
        "seq",
    ):
        yield case(f"extra key {key}", join(board_id=t.board_same_project, **{key: True}))
    yield case("another project's board", join())
    yield case("another project's board, with since_seq", join(since_seq=0))
    yield case("no such board", join(board_id=t.board_other_project + 10**6))
    for n in range(20):
        yield case(f"random missing board {n}", join(board_id=rng.randrange(10**6, 2**53)))
    yield case("1M-character board_id", join(board_id="9" * ONE_MILLION), over_frame=True)
    bad_boards = [
        t.board_other_project,
        t.board_other_project + 10**6,
        str(t.board),
        float(t.board),
        [t.board],
        None,
        True,
    ]
    for label, payload in random_payloads(
        rng, ("protocol", "board_id", "since_seq"), bad_boards, 40
    ):
        yield case(label, payload)
    yield from raw_cases(P.JOIN_BOARD, json.dumps(join())[:-1])


def leave_board_cases(t: Targets, rng: random.Random) -> Iterator[Case]:
    def case(label: str, *args, **kw) -> Case:
        return Case(P.LEAVE_BOARD, label, args, **kw)

    for label, value in wrong_types(rng):
        yield case(f"payload: {label}", value)
        yield case(f"board_id {label}", {"board_id": value})
    for label, value in strange_strings(rng):
        yield case(f"board_id {label}", {"board_id": value})
    yield case("no payload")
    yield case("empty payload", {})
    for key in ("protocol", "since_seq", "author", "__proto__", "all", "force"):
        yield case(f"extra key {key}", {"board_id": t.board, key: True})
    yield case("a board not joined", {"board_id": t.board_same_project})
    yield case("another project's board", {"board_id": t.board_other_project})
    for n in range(60):
        yield case(
            f"random board {n}",
            {"board_id": rng.choice([rng.randrange(1, 2**53), -rng.randrange(1, 2**53)])},
        )
    yield case("board_id as a list of the joined board", {"board_id": [t.board]})
    yield case("board_id as the joined board's id in a string", {"board_id": str(t.board)})
    yield case("board_id as a float of the joined board", {"board_id": float(t.board)})
    bad_boards = [
        t.board_same_project,
        t.board_other_project,
        str(t.board),
        float(t.board),
        [t.board],
        None,
        0,
    ]
    for label, payload in random_payloads(rng, ("board_id",), bad_boards, 60):
        yield case(label, payload)
    yield from raw_cases(P.LEAVE_BOARD, json.dumps({"board_id": t.board})[:-1])


def move_cursor_cases(t: Targets, rng: random.Random) -> Iterator[Case]:
    def case(label: str, *args, **kw) -> Case:
        return Case(P.MOVE_CURSOR, label, args, **kw)

    def move(**overrides) -> dict:
        payload = {"board_id": t.board, "x": 1.0, "y": 2.0}
        payload.update(overrides)
        return payload

    for label, value in wrong_types(rng):
        yield case(f"payload: {label}", value)
        yield case(f"board_id {label}", move(board_id=value))
        if not (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and abs(value) <= 1_000_000
        ):
            yield case(f"x {label}", move(x=value))
            yield case(f"y {label}", move(y=value))
    for label, value in strange_strings(rng):
        yield case(f"board_id {label}", move(board_id=value))
        yield case(f"x {label}", move(x=value))
    for value in (1_000_001, -1_000_001, 1e300, -1e300, 2**63):
        yield case(f"x off the board {value}", move(x=value))
        yield case(f"y off the board {value}", move(y=value))
    yield case("no payload")
    yield case("missing x", {"board_id": t.board, "y": 1})
    yield case("missing board_id", {"x": 1, "y": 1})
    for key in ("peer_id", "identity", "name", "colour", "__proto__"):
        yield case(f"extra key {key}", move(**{key: "Mallory"}))
    yield case("a board not joined", move(board_id=t.board_same_project))
    yield case("another project's board", move(board_id=t.board_other_project))
    for n in range(30):
        yield case(f"random board {n}", move(board_id=rng.randrange(1, 2**53)))
    bad_boards = [
        t.board_same_project,
        t.board_other_project,
        str(t.board),
        float(t.board),
        [t.board],
        {"id": t.board},
    ]
    for label, payload in random_payloads(rng, ("board_id", "x", "y"), bad_boards, 30):
        yield case(label, payload)
    yield from raw_cases(P.MOVE_CURSOR, json.dumps(move())[:-1])


SERVER_EVENT_NAMES = P.SERVER_EVENTS
RESERVED_NAMES = (
    "connect",
    "disconnect",
    "connect_error",
    "error",
    "message",
    "json",
    "ping",
    "pong",
    "open",
    "close",
    "upgrade",
    "noop",
    "newListener",
    "removeListener",
    "*",
)


def unknown_event_cases(t: Targets, rng: random.Random) -> Iterator[Case]:
    names: list[str] = [
        *RESERVED_NAMES,
        *SERVER_EVENT_NAMES,
        "apply_op",
        "JOIN_BOARD",
        "Join_Board",
        "join_board ",
        " apply_change",
        "apply-change",
        "applyChange",
        "__proto__",
        "constructor",
        "prototype",
        "toString",
        "hasOwnProperty",
        "__class__",
        "__init__",
        "on_apply_change",
        "handlers",
        "join_room",
        "leave_room",
        "close_room",
        "rooms",
        "emit",
        "send",
        "",
        " ",
        "\x00",
        "apply_change\x00",
        "\ud800",
        "\u202eegrahc_ylppa",
        "a\u200bpply_change",
        "x" * 10_000,
    ]
    alphabet = "abcdefghijklmnopqrstuvwxyz_-.:/ 0123456789ÀéΩ漢\u202e\u200b"
    while len(names) < 170:
        names.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 30))))
    payloads: list[tuple] = [
        (),
        ({"board_id": t.board},),
        (None,),
        ([1, 2],),
        ("x",),
        (1, 2, 3),
        ({"ops": []}, {"a": 1}),
    ]
    for n, name in enumerate(names):
        yield Case(name, f"unknown event {name[:24]!r}", payloads[n % len(payloads)])
    # Names that are not strings at all, and packets without a name.
    for label, raw in [
        ("event name a number", "[1,2]"),
        ("event name null", "[null]"),
        ("event name an object", '[{"a":1},{"board_id":1}]'),
        ("event name a list", '[["apply_change"],{}]'),
        ("event name true", "[true]"),
        ("no event name", "[]"),
        ("event as an object", '{"event":"apply_change"}'),
        ("event as a string", '"apply_change"'),
        ("event as a number", "42"),
        ("event name nested 1,000 deep", nested_json(1000)),
    ]:
        yield Case("?", f"raw: {label}", raw=raw)
    for n in range(40):
        junk = "".join(
            rng.choice('[]{}",:0123456789abcdefnulltruefalse\\')
            for _ in range(rng.randrange(1, 40))
        )
        yield Case("?", f"raw: random junk {n}", raw=junk)


def run_action_cases(t: Targets, rng: random.Random) -> Iterator[Case]:
    """The sender is a participant: every case is a refusal, even a well-formed request for a
    conductor's action (apply_template) or for an action no board has."""

    def action(**overrides) -> dict:
        payload = {
            "board_id": t.board,
            "change_id": f"act-{rng.randrange(10**9)}",
            "client_id": "corpus",
            "action": "apply_template",
            "args": {"name": "no_such_template"},
        }
        payload.update(overrides)
        return {k: v for k, v in payload.items() if v is not _DROP}

    def case(label: str, *args, **kw) -> Case:
        return Case(P.RUN_ACTION, label, args, **kw)

    for label, value in wrong_types(rng):
        yield case(f"payload: {label}", value)
        yield case(f"action {label}", action(action=value))
        if not isinstance(value, dict):
            yield case(f"args {label}", action(args=value))
        yield case(f"board_id {label}", action(board_id=value))
        yield case(f"change_id {label}", action(change_id=value))
    for label, value in strange_strings(rng):
        yield case(f"action name {label}", action(action=value))
        yield case(f"client_id {label}", action(client_id=value))
    for key in ("board_id", "change_id", "client_id", "action"):
        yield case(f"missing {key}", action(**{key: _DROP}))
    for key in ("ops", "seq", "author", "may_conduct", "role", "__proto__"):
        yield case(f"extra key {key}", action(**{key: True}))
    yield case("no payload")
    yield case("two payloads", action(), action())
    yield case("a conductor's action: apply_template", action(args={"name": "problem_tree"}))
    yield case("a conductor's action with no args", action(args=_DROP))
    for n in range(30):
        name = "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz_") for _ in range(rng.randrange(3, 30))
        )
        yield case(f"an action no board has {n}", action(action="x" + name))
    yield case("args of 20 KiB", action(args={"name": "x" * 20_000}))
    opening = json.dumps(action())[:-1]
    for depth in (200, 900, 1000):
        yield case(
            f"raw: args nested {depth} deep",
            raw=f'["{P.RUN_ACTION}",{opening},"args":{{"n":{nested_json(depth)}}}}}]',
        )
    yield case("a board not joined", action(board_id=t.board_same_project))
    yield case("another project's board", action(board_id=t.board_other_project))
    yield case("a 1M-character action name", action(action="a" * ONE_MILLION), over_frame=True)
    for label, payload in random_payloads(
        rng,
        ("board_id", "change_id", "client_id", "action", "args"),
        [t.board_same_project, t.board_other_project, str(t.board), None, [], {}, "apply_template"],
        40,
    ):
        yield case(label, payload)
    yield from raw_cases(P.RUN_ACTION, json.dumps(action())[:-1])


_DROP = object()  # a key left out of a payload

GENERATORS: dict[str, Callable[[Targets, random.Random], Iterator[Case]]] = {
    P.APPLY_CHANGE: apply_change_cases,
    P.JOIN_BOARD: join_board_cases,
    P.LEAVE_BOARD: leave_board_cases,
    P.MOVE_CURSOR: move_cursor_cases,
    P.RUN_ACTION: run_action_cases,
    "unknown events": unknown_event_cases,
}


def build_corpus(targets: Targets, seed: int = CORPUS_SEED) -> dict[str, list[Case]]:
    """Every event's cases, the same for the same seed and targets."""
    rng = random.Random(seed)
    return {group: list(generate(targets, rng)) for group, generate in GENERATORS.items()}
