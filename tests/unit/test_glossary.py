"""One vocabulary (issue 16): the Italian catalogue, the board's strings and the generated
documents use each domain term one way; dates in prose are Italian; counted nouns agree."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from workshop import glossary
from workshop.canvases import report_draft, report_record

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "workshop" / "translations" / "it" / "LC_MESSAGES" / "messages.po"
BOARD_STRINGS = ROOT / "workshop" / "translations" / "board_strings_it.txt"


def _italian_texts() -> list[str]:
    with CATALOGUE.open("rb") as f:
        texts = [
            m.string if isinstance(m.string, str) else " ".join(m.string)
            for m in read_po(f)
            if m.id
        ]
    if BOARD_STRINGS.exists():
        texts.append(BOARD_STRINGS.read_text(encoding="utf-8"))

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from walk(v)
        elif isinstance(value, str):
            yield value

    for words in (
        report_draft.WORDS["it"],
        report_draft.SECTION_TITLES["it"],
        report_record.WORDS["it"],
        report_record.LEDGER_WORDS["it"],
    ):
        texts.extend(walk(words))
    return texts


@pytest.mark.parametrize("key", [k for k, t in glossary.TERMS.items() if t.avoid_it])
def test_the_italian_texts_never_use_a_rejected_variant_of_a_term(key):
    term = glossary.TERMS[key]
    for text in _italian_texts():
        for variant in term.avoid_it:
            assert variant.casefold() not in text.casefold(), (
                f"{variant!r} instead of {term.it!r} in {text!r}"
            )


def test_the_catalogue_names_the_terms_the_glossary_way():
    with CATALOGUE.open("rb") as f:
        catalogue = {m.id: m.string for m in read_po(f) if m.id}
    assert catalogue["Dormant"] == "Dormiente"
    assert catalogue["Proposing body"] == "Amministrazione procedente"
    assert catalogue["Proceeding administration"] == "Amministrazione procedente"
    assert catalogue["Head of the procedure (RUP)"].startswith(glossary.term("rup", "it"))


def test_no_iso_date_in_italian_prose():
    for text in _italian_texts():
        assert not re.search(r"\b(al|il|dal) \d{4}-\d{2}-\d{2}", text), text
    assert glossary.long_date("2027-12-31", "it") == "31 dicembre 2027"
    assert glossary.long_date(date(2026, 3, 1), "it") == "1 marzo 2026"
    assert glossary.long_date("2026-03-01", "en") == "1 March 2026"
    assert glossary.long_date("non una data", "it") == "non una data"


def test_counted_nouns_agree():
    assert glossary.counted(1, "indicator", "it") == "1 indicatore"
    assert glossary.counted(7, "outcome", "it") == "7 esiti"
    assert glossary.counted(0, "indicator", "it") == "0 indicatori"
    assert glossary.counted(1, "measurement", "en") == "1 measurement"
    drafted = report_draft.draft_sections(
        report_draft.Sources({}, {}, {"i": _indicator()}, {}), "it"
    )
    assert "1 indicatore" in drafted["methodology"] and "1 indicatori" not in drafted["methodology"]


def _indicator():
    from workshop.boards.state import Item

    return Item("i", "indicator", {"name": "Famiglie"}, 1, 1, None, "u:1")


@pytest.mark.parametrize(
    "n, noun, expected",
    [
        (1, "problem_analysed", "1 problema analizzato"),
        (8, "problem_analysed", "8 problemi analizzati"),
        (1, "actor_mapped", "1 soggetto mappato"),
        (1, "action_done", "1 svolta"),
        (0, "action_done", "0 svolte"),
        (1, "action_planned", "1 prevista"),
    ],
)
def test_a_counted_phrase_agrees_with_its_number(n, noun, expected):
    assert glossary.counted(n, noun, "it") == expected
