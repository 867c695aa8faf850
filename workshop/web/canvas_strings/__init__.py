"""The names of the session canvases' types, fields, choices, actions and templates, translated.

Keys the board client looks up (workshop/web/board_strings.py merges these in):
- `type.<type>`: an item type ("Causa" for `cause`);
- `field.<type>.<field>`: a field's label on that type;
- `choice.<type>.<field>.<value>`: one value of a choice field;
- `action.<action>` and `template.<template>`: what a button says;
- any other key is the English msgid itself (a finding of a check, a hint).

Each canvas has its own module here, so a canvas's words live next to each other;
tests/unit/test_canvas_strings.py checks that everything a canvas registers has its name.
"""

from __future__ import annotations

from collections.abc import Callable

from workshop.web.canvas_strings import (
    common,
    context,
    social_reporting,
    stakeholders,
    theory_of_change,
)

# One function per canvas module: () -> {key: translated string}.
SOURCES: list[Callable[[], dict[str, str]]] = [
    common.strings,
    context.strings,
    stakeholders.strings,
    theory_of_change.strings,
    social_reporting.strings,
]


def canvas_strings() -> dict[str, str]:
    merged: dict[str, str] = {}
    for source in SOURCES:
        for key, value in source().items():
            if key in merged:
                raise ValueError(f"canvas string {key!r} is defined twice")
            merged[key] = value
    return merged
