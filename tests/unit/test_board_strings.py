"""The board client shows only strings from workshop/web/board_strings.py: every key the
JavaScript and the template look up exists there, and every msgid has a suggested Italian line
in workshop/translations/board_strings_it.txt."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRINGS_PY = ROOT / "workshop" / "web" / "board_strings.py"
CALL_STRINGS_PY = ROOT / "workshop" / "web" / "call_strings.py"  # the call panel's (call.js)
LIVE_STRINGS_PY = ROOT / "workshop" / "web" / "live_strings.py"  # errors, phases, groups (issue 14)
INPUT_STRINGS_PY = ROOT / "workshop" / "web" / "input_strings.py"  # shortcuts, handles, card menu
CANVAS_STRINGS = ROOT / "workshop" / "web" / "canvas_strings"
JS_DIR = ROOT / "static" / "js" / "board"
TEMPLATE = ROOT / "templates" / "boards" / "board.html"
ITALIAN = ROOT / "workshop" / "translations" / "board_strings_it.txt"

# Keys built at run time from an item's type, a shape, a colour, or a canvas's names.
DYNAMIC_PREFIXES = (
    "type.",
    "shape.",
    "colour.",
    "field.",
    "choice.",
    "action.",
    "template.",
    "finding.",
    "error.",
    "link.",
)


def _parsed_file(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    (returned,) = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Dict)
    ]
    keys = [k.value for k in returned.keys]
    # gettext's msgid; for ngettext (a count's two forms) the plural msgid, which the key names.
    msgids = [v.args[-2 if _counted(v) else 0].value for v in returned.values]
    return keys, msgids


def _counted(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == "ngettext"


PLURAL_FORMS = ("one", "other")  # the forms tn() picks (Intl.PluralRules, Italian and English)


def _parsed():
    """The engine's strings (board_strings.py), whose msgids have Italian suggestions."""
    return _parsed_file(STRINGS_PY)


def _parsed_all():
    """The engine's strings, the call panel's and every canvas's (workshop/web/canvas_strings/*.py)."""
    keys, msgids = _parsed()
    more_keys, more_msgids = _parsed_file(CALL_STRINGS_PY)
    keys, msgids = keys + more_keys, msgids + more_msgids
    more_keys, more_msgids = _parsed_file(LIVE_STRINGS_PY)
    keys, msgids = keys + more_keys, msgids + more_msgids
    more_keys, more_msgids = _parsed_file(INPUT_STRINGS_PY)
    keys, msgids = keys + more_keys, msgids + more_msgids
    for path in sorted(CANVAS_STRINGS.glob("*.py")):
        if path.name != "__init__.py":
            more_keys, more_msgids = _parsed_file(path)
            keys, msgids = keys + more_keys, msgids + more_msgids
    return keys, msgids


def _italian() -> dict[str, str]:
    lines = ITALIAN.read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t") for line in lines if line.strip()]
    assert all(len(p) == 2 and p[1].strip() for p in pairs), "each line is msgid<TAB>italian"
    return dict(pairs)


def test_keys_are_unique_and_plain_keys_are_their_msgid():
    keys, msgids = _parsed_all()
    assert len(keys) == len(set(keys))
    for key, msgid in zip(keys, msgids, strict=True):
        if "|" in key:
            base, form = key.split("|")
            assert base == msgid and form in PLURAL_FORMS, f"{key!r}: <plural msgid>|one or |other"
        elif not key.startswith(DYNAMIC_PREFIXES):
            assert key == msgid, f"{key!r} should be its own msgid"


def test_every_string_the_javascript_asks_for_exists():
    keys = set(_parsed_all()[0])
    asked = set()
    for path in JS_DIR.glob("*.js"):
        source = path.read_text(encoding="utf-8")
        asked.update(re.findall(r'\bt\(\s*"([^"]+)"', source))
        # Verbs picked from a table, then passed to t(): every "%(name)s ..." literal counts.
        asked.update(re.findall(r'"(%\(name\)s [^"]+)"', source))
        # A count in words: both its forms.
        for key in re.findall(r'\btn\(\s*"([^"]+)"', source):
            asked.update(f"{key}|{form}" for form in PLURAL_FORMS)
    missing = sorted(a for a in asked if a not in keys)
    assert missing == []
    assert len(asked) > 40  # the search itself works


def test_every_string_the_template_asks_for_exists():
    keys = set(_parsed_all()[0])
    template = TEMPLATE.read_text(encoding="utf-8")
    asked = set(re.findall(r"""s\[\s*["']([^"']+)["']\s*\]""", template))
    table = re.findall(r'\(\s*"[^"]*",\s*"([^"]+)"\)', template)  # the shortcuts table's actions
    asked.update(table)
    missing = sorted(a for a in asked if a not in keys)
    assert missing == []


@pytest.mark.parametrize(
    "colour", ["yellow", "orange", "pink", "purple", "blue", "teal", "green", "grey"]
)
def test_every_swatch_has_a_name(colour):
    assert f"colour.{colour}" in _parsed()[0]


def test_every_msgid_has_a_suggested_italian_translation():
    italian = _italian()
    msgids = set(_parsed()[1])
    assert sorted(msgids - set(italian)) == []
    assert sorted(set(italian) - msgids) == [], "lines for msgids that no longer exist"


def test_italian_keeps_every_placeholder():
    for msgid, text in _italian().items():
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", text)), (
            msgid
        )


def test_board_strings_render_in_a_request(app):
    from workshop.web.board_strings import board_strings

    with app.test_request_context("/"):
        strings = board_strings()
    assert strings["type.sticky"]
    assert all(isinstance(v, str) and v for v in strings.values())
