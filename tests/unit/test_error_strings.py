"""No raw error code ever reaches a person: every code of workshop/protocol.py has a plain
sentence on the board page (`error.<code>` in workshop/web/live_strings.py) in English and in
Italian, and no string the page shows carries a code in parentheses."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from workshop import protocol

ROOT = Path(__file__).resolve().parents[2]
LIVE_STRINGS_PY = ROOT / "workshop" / "web" / "live_strings.py"
ITALIAN_PO = ROOT / "workshop" / "translations" / "it" / "LC_MESSAGES" / "messages.po"
JS_DIR = ROOT / "static" / "js" / "board"


def _error_strings() -> dict[str, str]:
    tree = ast.parse(LIVE_STRINGS_PY.read_text(encoding="utf-8"))
    (returned,) = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Dict)
    ]
    pairs = {k.value: v.args[0].value for k, v in zip(returned.keys, returned.values, strict=True)}
    return {k: v for k, v in pairs.items() if k.startswith("error.")}


def _italian() -> dict[str, str]:
    with ITALIAN_PO.open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and isinstance(m.id, str)}


@pytest.mark.parametrize("code", protocol.ERROR_CODES)
def test_every_error_code_has_a_plain_sentence_in_english_and_italian(code):
    strings = _error_strings()
    assert f"error.{code}" in strings, f"no message for the error code {code!r}"
    english = strings[f"error.{code}"]
    assert code not in english and "_" not in english
    italian = _italian().get(english)
    assert italian, f"no Italian for {english!r}"
    assert code not in italian


def test_no_message_for_codes_that_do_not_exist():
    assert sorted(set(_error_strings()) - {f"error.{c}" for c in protocol.ERROR_CODES}) == []


def test_no_page_string_shows_a_code_in_parentheses(app):
    from workshop.web.board_strings import board_strings

    for lang in ("it", "en"):
        with app.test_request_context("/", headers={"Accept-Language": lang}):
            strings = board_strings()
        showing = sorted(
            k for k, v in strings.items() if "%(code)s" in v or re.search(r"\([a-z]+_[a-z_]+\)", v)
        )
        assert showing == [], showing


def test_the_client_names_no_code_in_a_message():
    """The client builds no message with a code in it: refusals go through errors.js."""
    for path in JS_DIR.glob("*.js"):
        source = path.read_text(encoding="utf-8")
        # A code handed to a toast or the announcer as it is.
        assert not re.search(
            r"\.(show|say)\(\s*(code|error\.code|ack\?*\.error\?*\.code)\s*[,)]", source
        ), path.name
        assert "%(code)s" not in source, path.name
