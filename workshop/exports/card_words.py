"""What a drawn board says in words beyond each card's title, as the board shows it: a typed
card's summary (the chips under its title: a budget line's source and amount, an activity's
dates), the proposal sheet's sections, and the list of the relations between the actors, whose
arrows alone do not say their kind or strength. Values are written the Italian office way
("120.000,00 €", "1 settembre 2026") in Italian, the English way in English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
RELATIONS, STRENGTH = "Relations between the actors", "strength %(value)s of 5"  # msgids
DEFAULT_WORDS = {RELATIONS: "Relazioni tra i soggetti", STRENGTH: "forza %(value)s su 5"}
RELATION_ARROWS = {"directed": "→", "mutual": "↔", "undirected": "—"}


def _word(strings: Mapping[str, str], key: str) -> str:
    return strings.get(key) or DEFAULT_WORDS.get(key, "")


def name_of(item: Mapping[str, Any] | None, types: Registry) -> str:
    """An item's title as its type names it ("" for none): a card's words on the drawing, an
    actor's name in a list."""
    if item is None:
        return ""
    spec = types.types.get(item["type"])
    for candidate in (spec.title_field if spec else None, "text", "title", "name", "label"):
        value = item["fields"].get(candidate) if candidate else None
        if isinstance(value, str):
            return value
    return ""


@dataclass(frozen=True)
class CardWords:
    """The words of one drawing: its items by id (references are said by name), the reader's
    board strings (labels of fields and choices), the item types, and the reader's language."""

    by_id: Mapping[str, Mapping[str, Any]]
    strings: Mapping[str, str]
    types: Registry
    lang: str = "it"

    def value(self, item: Mapping[str, Any], name: str, field: Field) -> str:
        """One field's value as a person reads it; "" when there is nothing to say."""
        value = item["fields"].get(name)
        if value is None or value == "" or value is False or value == []:
            return ""
        if isinstance(field, Choice):
            return self.strings.get(f"choice.{item['type']}.{name}.{value}") or str(value)
        if isinstance(field, Flag):
            return self.strings.get(f"field.{item['type']}.{name}") or name
        if isinstance(field, Number) and isinstance(value, int | float):
            if field.euros:
                return format_euros(value, self.lang)
            whole = field.integer or float(value).is_integer()
            return format_number(value, 0 if whole else 1, self.lang)
        if isinstance(field, Day):
            return long_date(value, self.lang)
        if isinstance(field, RefList) and isinstance(value, list):
            names = (name_of(self.by_id.get(v), self.types) for v in value)
            return ", ".join(n for n in names if n)
        if isinstance(field, Ref) and isinstance(value, str):
            return name_of(self.by_id.get(value), self.types)
        return value if isinstance(value, str) else ""

    def _fields(self, item: Mapping[str, Any], names: Iterable[str]) -> list[tuple[str, str]]:
        """(field name, words) of the item's named fields that say something."""
        spec = self.types.types.get(item["type"])
        if spec is None:
            return []
        fields = spec.all_fields()
        said = ((n, self.value(item, n, fields[n])) for n in names if n in fields)
        return [(n, words) for n, words in said if words]

    def summary(self, item: Mapping[str, Any]) -> str:
        """The chips under a typed card's title, in one line: "120.000,00 € · Risorse pubbliche"."""
        spec = self.types.types.get(item["type"])
        return " · ".join(w for _, w in self._fields(item, spec.summary if spec else ()))

    def proposal_sections(self, item: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The proposal sheet's filled sections: (heading, text)."""
        return [
            (self.strings.get(f"field.proposal.{name}") or name, words)
            for name, words in self._fields(item, PROPOSAL_SECTIONS)
        ]

    def relation_lines(self, items: Iterable[Mapping[str, Any]]) -> tuple[str, list[str]]:
        """The relations between the actors in words, one a line ("Comune ↔ Ufficio di Piano:
        Convenzione, forza 4 su 5"), and their heading; no lines when the board has none."""
        lines = []
        for relation in items:
            if relation["type"] != "relation":
                continue
            ends = [
                name_of(self.by_id.get(relation["fields"].get(end)), self.types)
                for end in ("from", "to")
            ]
            if not all(ends):
                continue
            arrow = RELATION_ARROWS.get(relation["fields"].get("direction"), "→")
            parts = [w for n, w in self._fields(relation, ("type",))]
            strength = relation["fields"].get("strength")
            if isinstance(strength, int | float):
                parts.append(_word(self.strings, STRENGTH) % {"value": int(strength)})
            note = relation["fields"].get("note")
            if isinstance(note, str) and note.strip():
                parts.append(note.strip())
            lines.append(f"{ends[0]} {arrow} {ends[1]}: {', '.join(parts)}")
        return _word(self.strings, RELATIONS), sorted(lines, key=str.casefold)
