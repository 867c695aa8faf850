"""Numbers as Italian offices write them (workshop.numbers), read one way on the server and in
the board client (static/js/board/numbers.js reads the same corpus in its own test)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from workshop import numbers

JS_TEST = (
    Path(__file__).resolve().parents[2] / "static" / "js" / "board" / "tests" / "numbers.test.js"
)
READ = [
    ("120000,50", "120000.50"),
    ("120.000,50", "120000.50"),
    ("€ 120.000", "120000"),
    ("120000.50", "120000.50"),
    ("1.250.000", "1250000"),
    ("3,5", "3.5"),
    ("2.5", "2.5"),
    ("-3", "-3"),
    ("1 250,00 €", "1250.00"),
]
REFUSED = [
    ("1.234", "ambiguous"),
    ("480.000", "ambiguous"),
    ("abc", "number"),
    ("1,2,3", "number"),
    ("120,000.50", "number"),
    (",5", "number"),
    ("NaN", "number"),
    ("1e5", "number"),
]


@pytest.mark.parametrize(("text", "value"), READ)
def test_read_as_an_office_writes_them(text, value):
    assert numbers.parse_number(text) == Decimal(value)


@pytest.mark.parametrize(("text", "code"), REFUSED)
def test_ambiguous_and_bad_numbers_are_refused_with_their_reason(text, code):
    with pytest.raises(numbers.NumberError) as refused:
        numbers.parse_number(text)
    assert refused.value.code == code


def test_the_board_client_reads_the_same_corpus():
    js = JS_TEST.read_text(encoding="utf-8")
    read = re.findall(r'\["([^"]+)", (-?[0-9.]+)\]', js.split("const REFUSED")[0])
    refused = re.findall(r'\["([^"]+)", "(\w+)"\]', js.split("const REFUSED")[1].split("test(")[0])
    assert {(t, Decimal(v)) for t, v in read} == {(t, Decimal(v)) for t, v in READ}
    assert set(refused) == set(REFUSED)


def test_amounts_have_two_decimals_at_most_and_are_shown_the_italian_way():
    assert numbers.parse_euros("120.000,5") == Decimal("120000.50")
    with pytest.raises(numbers.NumberError) as refused:
        numbers.parse_euros("12.345,678")
    assert refused.value.code == "decimals"
    assert numbers.format_euros(Decimal("120000.5")) == "120.000,50 €"
    assert numbers.format_euros(Decimal("120000.5"), "en") == "€120,000.50"
    assert numbers.format_euros(0) == "0,00 €"
