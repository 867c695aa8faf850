"""The protocol is defined three times: workshop/protocol.py, static/js/board/protocol.js and
docs/protocol.md. These tests fail as soon as one of them drifts from the others."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workshop import protocol as P

ROOT = Path(__file__).resolve().parents[2]
JS_PATH = ROOT / "static" / "js" / "board" / "protocol.js"
DOC_PATH = ROOT / "docs" / "protocol.md"

_EXPORT = re.compile(r"^export const ([A-Z][A-Z0-9_]*) = (.+?);$", re.MULTILINE | re.DOTALL)
_NUMBER = re.compile(r"^\d[\d_]*(?: \* \d[\d_]*)*$")
_STRING = re.compile(r'^"([^"\\]*)"$')
_LIST = re.compile(r"^Object\.freeze\(\[(.*)\]\)$", re.DOTALL)
_SET = re.compile(r"^new Set\(\[(.*)\]\)$", re.DOTALL)


def python_constants() -> dict[str, object]:
    return {
        name: value
        for name, value in vars(P).items()
        if name.isupper() and isinstance(value, int | str | tuple | frozenset)
    }


def parse_js_constants(source: str) -> dict[str, object]:
    """The module's `export const NAME = literal;` statements, evaluated: numbers (with `_` and
    `*`), strings, and frozen lists or sets of names defined above. Anything else is refused, so a
    constant the parser cannot read fails the test instead of being skipped."""
    values: dict[str, object] = {}
    for name, expression in _EXPORT.findall(source):
        expression = expression.strip()
        if _NUMBER.match(expression):
            product = 1
            for factor in expression.split("*"):
                product *= int(factor.strip().replace("_", ""))
            values[name] = product
        elif match := _STRING.match(expression):
            values[name] = match.group(1)
        elif match := _LIST.match(expression) or _SET.match(expression):
            names = [n.strip() for n in match.group(1).split(",") if n.strip()]
            unknown = [n for n in names if n not in values]
            if unknown:
                raise AssertionError(f"protocol.js: {name} uses {unknown[0]} before defining it")
            members = tuple(values[n] for n in names)
            values[name] = frozenset(members) if expression.startswith("new Set") else members
        else:
            raise AssertionError(f"protocol.js: cannot read the value of {name}: {expression!r}")
    return values


@pytest.fixture(scope="module")
def js_constants() -> dict[str, object]:
    return parse_js_constants(JS_PATH.read_text(encoding="utf-8"))


def test_js_names_the_same_constants_as_python(js_constants):
    assert sorted(js_constants) == sorted(python_constants())


@pytest.mark.parametrize("name", sorted(python_constants()))
def test_js_constant_equals_python_constant(js_constants, name):
    python_value = python_constants()[name]
    assert name in js_constants, f"protocol.js lacks {name}"
    assert js_constants[name] == python_value, (
        f"{name}: protocol.py has {python_value!r}, protocol.js has {js_constants[name]!r}"
    )


def test_the_parser_reads_a_drift_as_a_drift():
    """The comparison can fail: a changed value is read as changed, an unreadable one refused."""
    source = JS_PATH.read_text(encoding="utf-8")
    drifted = source.replace("MAX_OPS_PER_CHANGE = 200;", "MAX_OPS_PER_CHANGE = 201;")
    assert drifted != source
    assert parse_js_constants(drifted)["MAX_OPS_PER_CHANGE"] == 201
    with pytest.raises(AssertionError):
        parse_js_constants("export const ODD = someFunction();")


@pytest.mark.parametrize(
    "name",
    [
        *P.CLIENT_EVENTS,
        *P.SERVER_EVENTS,
        *P.ERROR_CODES,
        *P.ROOM_CLIENT_EVENTS,
        *P.ROOM_SERVER_EVENTS,
        *P.CALL_CLIENT_EVENTS,
        *P.CALL_SERVER_EVENTS,
    ],
)
def test_every_event_and_error_code_is_documented(name):
    assert f"`{name}`" in DOC_PATH.read_text(encoding="utf-8")


def _documented_limits() -> dict[str, int]:
    """The `| NAME | value |` rows of the limits table, `A` / `B` | 20 / 40 rows included."""
    limits: dict[str, int] = {}
    section = DOC_PATH.read_text(encoding="utf-8").split("## Limits and timings", 1)[1]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([A-Z_]+)`", cells[0])
        numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", cells[1])]
        limits.update(zip(names, numbers, strict=False))
    return limits


def test_every_limit_and_timing_is_documented_with_its_value():
    documented = _documented_limits()
    numeric = {n: v for n, v in python_constants().items() if isinstance(v, int)}
    assert sorted(documented) == sorted(numeric)
    for name, value in numeric.items():
        assert documented[name] == value, (
            f"docs/protocol.md gives {name} = {documented[name]}, protocol.py {value}"
        )
