"""What a drawn board says in words beyond each card's title, as the board shows it: a typed
card's summary (the chips under its title: a budget line's source and amount, an activity's
dates), the proposal sheet's sections, and the list of the relations between the actors, whose
arrows alone do not say their kind or strength. Values are written the Italian office way
("120.000,00 €", "1 settembre 2026") in Italian, the English way in English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workshop.boards.schema import Choice, Day, Field, Flag, Number, Ref, RefList, Registry
from workshop.glossary import long_date
from workshop.numbers import format_euros, format_number

# The proposal sheet's sections, in the order of a call for proposals (avviso di co-progettazione).
PROPOSAL_SECTIONS = (
    "need",
    "target_groups",
    "partners",
    "governance",
    "sustainability",
    "risks",
    "innovation",
    "evaluation",
)
# When the reader's strings are not given: board content is Italian first.
DEFAULT_WORDS = {
    "Relations between the actors": "Relazioni tra i soggetti",
    "strength %(value)s of 5": "forza %(value)s su 5",
}
RELATION_ARROWS = {"directed": "→", "mutual": "↔", "undirected": "—"}


def _word(strings: Mapping[str, str], key: str) -> str:
    return strings.get(key) or DEFAULT_WORDS.get(key, "")


def name_of(item: Mapping[str, Any] | None, types: Registry) -> str:
    """An item's title as its type names it ("" for none)."""
    if item is None:
        return ""
    spec = types.types.get(item["type"])
    for candidate in (spec.title_field if spec else None, "text", "title", "name", "label"):
        value = item["fields"].get(candidate) if candidate else None
        if isinstance(value, str) and value.strip():
            return value
    return ""


def value_words(
    item: Mapping[str, Any],
    name: str,
    field: Field,
    by_id: Mapping[str, Mapping[str, Any]],
    strings: Mapping[str, str],
    types: Registry,
    lang: str,
) -> str:
    """One field's value as a person reads it; "" when there is nothing to say."""
    value = item["fields"].get(name)
    if value is None or value == "" or value is False or value == []:
        return ""
    if isinstance(field, Choice):
        return strings.get(f"choice.{item['type']}.{name}.{value}") or str(value)
    if isinstance(field, Flag):
        return strings.get(f"field.{item['type']}.{name}") or name
    if isinstance(field, Number) and isinstance(value, int | float):
        if field.euros:
            return format_euros(value, lang)
        return format_number(value, 0 if field.integer or float(value).is_integer() else 1, lang)
    if isinstance(field, Day):
        return long_date(value, lang)
    if isinstance(field, RefList) and isinstance(value, list):
        return ", ".join(n for n in (name_of(by_id.get(v), types) for v in value) if n)
    if isinstance(field, Ref) and isinstance(value, str):
        return name_of(by_id.get(value), types)
    return value if isinstance(value, str) else ""


def summary(
    item: Mapping[str, Any],
    by_id: Mapping[str, Mapping[str, Any]],
    strings: Mapping[str, str],
    types: Registry,
    lang: str,
) -> str:
    """The chips under a typed card's title, in one line: "120.000,00 € · Risorse pubbliche"."""
    spec = types.types.get(item["type"])
    if spec is None:
        return ""
    fields = spec.all_fields()
    words = [
        value_words(item, name, fields[name], by_id, strings, types, lang)
        for name in spec.summary
        if name in fields
    ]
    return " · ".join(w for w in words if w)


def proposal_sections(
    item: Mapping[str, Any],
    by_id: Mapping[str, Mapping[str, Any]],
    strings: Mapping[str, str],
    types: Registry,
    lang: str,
) -> list[tuple[str, str]]:
    """The proposal sheet's filled sections: (heading, text)."""
    spec = types.types.get("proposal")
    if spec is None:
        return []
    fields = spec.all_fields()
    out = []
    for name in PROPOSAL_SECTIONS:
        if name not in fields:
            continue
        words = value_words(item, name, fields[name], by_id, strings, types, lang)
        if words:
            out.append((strings.get(f"field.proposal.{name}") or name, words))
    return out


def relation_lines(
    items: list[Mapping[str, Any]],
    by_id: Mapping[str, Mapping[str, Any]],
    strings: Mapping[str, str],
    types: Registry,
    lang: str,
) -> tuple[str, list[str]]:
    """The relations between the actors in words, one a line ("Comune ↔ Ufficio di Piano:
    Collaborazione, forza 4 su 5"), and their heading; no lines when the board has none."""
    spec = types.types.get("relation")
    if spec is None:
        return "", []
    fields = spec.all_fields()
    lines = []
    for relation in items:
        if relation["type"] != "relation":
            continue
        ends = [name_of(by_id.get(relation["fields"].get(end)), types) for end in ("from", "to")]
        if not all(ends):
            continue
        arrow = RELATION_ARROWS.get(relation["fields"].get("direction"), "→")
        kind = value_words(relation, "type", fields["type"], by_id, strings, types, lang)
        parts = [kind] if kind else []
        strength = relation["fields"].get("strength")
        if isinstance(strength, int | float):
            parts.append(_word(strings, "strength %(value)s of 5") % {"value": int(strength)})
        note = relation["fields"].get("note")
        if isinstance(note, str) and note.strip():
            parts.append(note.strip())
        lines.append(f"{ends[0]} {arrow} {ends[1]}: {', '.join(parts)}")
    return _word(strings, "Relations between the actors"), sorted(lines, key=str.casefold)
