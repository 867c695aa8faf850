"""Everything a canvas registers has a name people can read, in every language we speak."""

from __future__ import annotations

import pytest

import workshop.canvases  # noqa: F401  (registers the canvases)
from workshop.boards.canvas import canvases
from workshop.boards.schema import CORE_NAMES, Choice, registry
from workshop.models.board import BoardKind


def _expected_keys() -> set[str]:
    keys = set()
    for kind in BoardKind:
        for name in registry.kinds.get(kind.value, ()):
            if name in CORE_NAMES:
                continue
            keys.add(f"type.{name}")
            for field_name, spec in registry.get(name).fields.items():
                keys.add(f"field.{name}.{field_name}")
                if isinstance(spec, Choice):
                    keys.update(f"choice.{name}.{field_name}.{value}" for value in spec.values)
        keys.update(f"action.{a}" for a in canvases.actions.get(kind.value, {}))
        keys.update(f"template.{t}" for t in canvases.templates.get(kind.value, {}))
    return keys


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_registered_name_has_a_label(app, lang):
    from workshop.web.board_strings import board_strings

    with app.test_request_context("/", headers={"Accept-Language": lang}):
        strings = board_strings()
    expected = _expected_keys()
    assert "action.apply_template" in expected  # the search itself works
    assert sorted(expected - set(strings)) == []
    assert all(strings[k].strip() for k in expected)
