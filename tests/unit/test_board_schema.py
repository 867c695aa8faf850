"""Field kinds and item types: what each accepts, what each refuses, and with which code."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest

from workshop import protocol as P
from workshop.boards.errors import BoardError, Forbidden, InvalidOp, TooLarge
from workshop.boards.schema import (
    CORE_TYPES,
    MAX_COORDINATE,
    MAX_LABEL_CHARS,
    MAX_LINK_CHARS,
    MAX_ORDER_KEY_CHARS,
    MAX_REF_LIST_LENGTH,
    MAX_STICKY_TEXT_CHARS,
    MAX_TEXT_CHARS,
    Choice,
    Colour,
    Day,
    Flag,
    ItemType,
    Link,
    Number,
    OrderKey,
    Ref,
    RefList,
    Registry,
    Text,
    check_fields,
    registry,
)

BOARDS_PACKAGE = Path(__file__).resolve().parents[2] / "workshop" / "boards"

# Values that no field kind but the one named takes: the wire carries JSON, so these are the shapes
# a client can send, plus what Python's json module lets through (NaN, Infinity, huge integers).
NOT_TEXT = [None, 0, 1.5, True, [], {}, ["a"], {"a": 1}, b"bytes"]
NOT_NUMBERS = [
    "1",
    "",
    None,
    True,
    False,
    [],
    {},
    [1],
    float("nan"),
    float("inf"),
    float("-inf"),
    10**400,
    -(10**400),
    1e309,
]


def refused(spec, value, name="f"):
    with pytest.raises(BoardError) as caught:
        spec.check(name, value)
    assert caught.value.code in P.ERROR_CODES
    assert caught.value.field == name
    return caught.value


# --- Text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        "hello",
        "line one\nline two\ttabbed",
        "Città, perché: “virgolette” — è così",
        "\u202eRTL override\u202c and \u200fmarks\u200e",  # bidi controls are text, rendered inert
        "zero\u200bwidth\u200c\u200d\ufeffjoiners",
        "emoji 👩🏽‍🚀 and CJK 漢字 and Arabic مرحبا",
        "<img src=x onerror=alert(1)></script>",  # stored verbatim; escaping is the page's job
        "a" * MAX_TEXT_CHARS,
    ],
)
def test_text_accepts_any_unicode_text(value):
    assert Text().check("text", value) == value


@pytest.mark.parametrize("value", NOT_TEXT)
def test_text_refuses_non_strings(value):
    assert refused(Text(), value).code == P.INVALID_OP


@pytest.mark.parametrize(
    "value",
    [
        "nul\x00byte",
        "bell\x07",
        "escape\x1b[31m",
        "carriage\rreturn",
        "delete\x7f",
        "next line\x85",  # C1 controls are control characters too
        "c1\x9b31m",
    ],
)
def test_text_refuses_control_characters(value):
    assert refused(Text(), value).code == P.INVALID_OP


@pytest.mark.parametrize("value", ["\ud800", "a\udfffb", "\udc00\ud800"])
def test_text_refuses_lone_surrogates(value):
    assert refused(Text(), value).code == P.INVALID_OP


def test_text_over_its_limit_is_too_large():
    assert refused(Text(max_chars=10), "a" * 11).code == P.TOO_LARGE
    assert refused(Text(), "a" * 1_000_000).code == P.TOO_LARGE


def test_null_is_refused_unless_the_field_is_nullable():
    assert refused(Text(), None).code == P.INVALID_OP
    assert Text(nullable=True).check("f", None) is None


# --- Number ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -1, 1.5, -MAX_COORDINATE, MAX_COORDINATE, 123456.789, 1e-300])
def test_number_accepts_finite_numbers_in_range(value):
    assert Number().check("x", value) == value


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_number_refuses_non_numbers_nan_infinity_and_bools(value):
    assert refused(Number(), value).code == P.INVALID_OP


@pytest.mark.parametrize("value", [MAX_COORDINATE + 1, -MAX_COORDINATE - 0.5, 1e300, 2**63])
def test_number_refuses_out_of_range(value):
    assert refused(Number(), value).code == P.INVALID_OP


def test_integer_number_takes_whole_floats_and_refuses_fractions():
    spec = Number(minimum=0, maximum=10, integer=True)
    assert spec.check("n", 3.0) == 3 and isinstance(spec.check("n", 3.0), int)
    assert refused(spec, 3.5).code == P.INVALID_OP


# --- Choice, Flag, Colour ---------------------------------------------------------------------------


def test_choice_accepts_only_its_values():
    spec = Choice(values=("s", "m"))
    assert spec.check("size", "m") == "m"
    for value in ("M", "xl", "", " m", "m\n", None, 1, ["m"], {"m": 1}):
        assert refused(spec, value).code == P.INVALID_OP


def test_flag_accepts_only_booleans():
    assert Flag().check("locked", True) is True
    assert Flag().check("locked", False) is False
    for value in (0, 1, "true", "", None, [], 1.0):
        assert refused(Flag(), value).code == P.INVALID_OP


@pytest.mark.parametrize("value", ["yellow", "white", "#000000", "#A1b2C3"])
def test_colour_accepts_palette_names_and_hex(value):
    assert Colour().check("color", value) == value


@pytest.mark.parametrize(
    "value",
    [
        "Yellow",
        "#fff",
        "#ffffff0",
        "#gggggg",
        "ffffff",
        "#ffffff\n",
        "yellow\n",
        "red;x:y",
        "url(x)",
        0,
        None,
        True,
    ],
)
def test_colour_refuses_everything_else(value):
    assert refused(Colour(), value).code == P.INVALID_OP


# --- Order keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["a0", "Zz", "0", "a" * MAX_ORDER_KEY_CHARS, "a0V"])
def test_order_key_accepts_letters_and_digits(value):
    assert OrderKey().check("z", value) == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "a" * (MAX_ORDER_KEY_CHARS + 1),
        "a-0",
        "a 0",
        "a0\n",
        "à0",
        "a\x000",
        1,
        1.5,
        None,
        ["a0"],
    ],
)
def test_order_key_refuses_other_shapes(value):
    assert refused(OrderKey(), value).code == P.INVALID_OP


def test_order_keys_sort_as_strings():
    keys = ["a0", "a0V", "a1", "Zz", "0"]
    assert sorted(keys) == ["0", "Zz", "a0", "a0V", "a1"]


# --- Links and dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        "http://example.org",
        "https://example.org/a?b=c#d",
        "HTTPS://EXAMPLE.ORG",
        "mailto:ada@example.org",
    ],
)
def test_link_accepts_http_https_and_mailto(value):
    assert Link().check("url", value) == value


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "file:///etc/passwd",
        "ftp://example.org",
        "//example.org",
        "example.org",
        "https://example.org/\x00",
        "https://example.org/\n",
        "https://" + "a" * MAX_LINK_CHARS,
        1,
        None,
    ],
)
def test_link_refuses_other_schemes_and_shapes(value):
    assert refused(Link(), value).code in (P.INVALID_OP, P.TOO_LARGE)


@pytest.mark.parametrize("value", ["2025-01-31", "2024-02-29"])
def test_day_accepts_iso_dates(value):
    assert Day().check("due", value) == value


@pytest.mark.parametrize(
    "value",
    [
        "2025-02-30",
        "20250131",
        "2025-W01-1",
        "2025-1-31",
        "31/01/2025",
        "2025-01-31T00:00",
        "",
        20250131,
    ],
)
def test_day_refuses_anything_but_yyyy_mm_dd(value):
    assert refused(Day(), value).code == P.INVALID_OP


# --- references -----------------------------------------------------------------------------------------


def test_ref_accepts_an_item_id_and_refuses_other_shapes():
    assert Ref().check("from", "item_1-A") == "item_1-A"
    for value in (
        "",
        "a" * 41,
        "a b",
        "a\n",
        "a/b",
        "é",
        1,
        None,
        ["a"],
        "__proto__",
        "constructor",
    ):
        assert refused(Ref(), value).code == P.INVALID_OP


def test_ref_list_checks_each_id_length_and_repeats():
    spec = RefList()
    assert spec.check("actors", ["a", "b"]) == ["a", "b"]
    assert spec.check("actors", []) == []
    assert refused(spec, ["a", "a"]).code == P.INVALID_OP
    assert refused(spec, ["a", 1]).code == P.INVALID_OP
    assert refused(spec, "a").code == P.INVALID_OP
    assert refused(spec, [f"i{n}" for n in range(MAX_REF_LIST_LENGTH + 1)]).code == P.TOO_LARGE


# --- item types and check_fields ---------------------------------------------------------------------------


def by_name(name: str) -> ItemType:
    return registry.get(name)


def test_core_types_have_the_documented_defaults():
    sticky = by_name("sticky").defaults()
    assert sticky == {"x": 0, "y": 0, "w": 200, "h": 200, "z": "a0", "text": "", "color": "yellow"}
    assert by_name("connector").defaults()["arrow"] == "end"
    assert "x" not in by_name("connector").defaults()
    assert by_name("frame").defaults()["locked"] is False
    assert {t.name for t in CORE_TYPES} == {"sticky", "text", "shape", "connector", "frame"}


def test_text_limits_differ_per_type():
    check_fields(
        by_name("sticky"), {"text": "a" * MAX_STICKY_TEXT_CHARS}, creating=True, may_conduct=False
    )
    with pytest.raises(TooLarge):
        check_fields(
            by_name("sticky"),
            {"text": "a" * (MAX_STICKY_TEXT_CHARS + 1)},
            creating=True,
            may_conduct=False,
        )
    with pytest.raises(TooLarge):
        check_fields(
            by_name("shape"),
            {"text": "a" * (MAX_LABEL_CHARS + 1)},
            creating=True,
            may_conduct=False,
        )


@pytest.mark.parametrize(
    "name", ["author", "created_by", "seq", "id", "type", "__proto__", "constructor", ""]
)
def test_unknown_and_server_owned_fields_are_refused(name):
    with pytest.raises(InvalidOp) as caught:
        check_fields(by_name("sticky"), {name: "x"}, creating=True, may_conduct=True)
    assert caught.value.field == name


def test_required_fields_are_required_only_at_creation():
    with pytest.raises(InvalidOp) as caught:
        check_fields(by_name("connector"), {"from": "a"}, creating=True, may_conduct=False)
    assert caught.value.field == "to"
    assert check_fields(
        by_name("connector"), {"label": "x"}, creating=False, may_conduct=False
    ) == {"label": "x"}


def test_conductor_only_field_is_forbidden_to_participants():
    with pytest.raises(Forbidden) as caught:
        check_fields(by_name("frame"), {"locked": True}, creating=True, may_conduct=False)
    assert caught.value.code == P.FORBIDDEN and caught.value.field == "locked"
    assert check_fields(by_name("frame"), {"locked": True}, creating=False, may_conduct=True) == {
        "locked": True
    }


def test_fields_must_be_an_object():
    for value in (None, [], "x", 1):
        with pytest.raises(InvalidOp):
            check_fields(by_name("sticky"), value, creating=True, may_conduct=False)


# --- the registry ---------------------------------------------------------------------------------------------


def test_a_type_registered_for_one_board_kind_belongs_only_there():
    types = Registry()
    for core in CORE_TYPES:
        types.register(core)
    actor = ItemType("test_actor", {"name": Text(max_chars=80)})
    types.register(actor, board_kinds=["stakeholders"])
    assert types.type_for("stakeholders", "test_actor") is actor
    with pytest.raises(InvalidOp) as caught:
        types.type_for("free", "test_actor")
    assert caught.value.field == "type"
    assert types.type_for("free", "sticky").name == "sticky"


@pytest.mark.parametrize(
    "name", ["iframe", "script", "__proto__", "constructor", "Sticky", "", None, 1, ["sticky"]]
)
def test_unknown_types_are_refused(name):
    with pytest.raises(InvalidOp):
        registry.type_for("free", name)


def test_a_type_name_cannot_be_registered_twice_with_another_shape():
    types = Registry()
    types.register(ItemType("t", {"a": Text()}))
    types.register(ItemType("t", {"a": Text()}))  # the same declaration again is fine
    with pytest.raises(ValueError):
        types.register(ItemType("t", {"b": Text()}))


def test_nan_is_not_equal_to_itself_so_numbers_must_catch_it_explicitly():
    # Guards the reason Number checks isfinite: NaN would pass both range comparisons' negation.
    assert not (math.nan < 0) and not (math.nan > 0)
    assert refused(Number(minimum=-1, maximum=1), math.nan).code == P.INVALID_OP


def test_the_board_engine_imports_nothing_from_flask():
    for path in sorted(BOARDS_PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.split(".")[0].startswith("flask"), f"{path.name} imports {name}"
                assert not name.startswith("workshop.realtime"), f"{path.name} imports {name}"
                assert not name.startswith("workshop.web"), f"{path.name} imports {name}"
