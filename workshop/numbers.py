"""Numbers and amounts as Italian offices write them, read and shown one way everywhere.

Read: "120000,50", "120.000,50", "€ 120.000" and "120000.50" are all 120000.50. A comma is the
decimal separator, and dots before it group thousands; without a comma, several dots in groups
of three group thousands ("1.250.000"), and one dot followed by one, two or more than three
digits is a decimal point ("120000.50"). One dot followed by exactly three digits ("1.234") can
be either, so it is refused as ambiguous, unless a euro sign or "EUR" says the text is an
amount written the Italian way ("€ 120.000": no amount has three decimals).

Shown: "120.000,50 €" in Italian, "€120,000.50" in English.

The board client mirrors the reading in static/js/board/numbers.js (same rules, same codes).
Nothing here imports Flask.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

EURO_DECIMALS = 2
_CURRENCY = re.compile(r"€|\bEUR\b|\beuro\b", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']")  # spaces, no-break spaces, the Swiss apostrophe
_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
_PLAIN = re.compile(r"\d+(\.\d+)?")


class NumberError(ValueError):
    """`code`: "number" (not a number), "ambiguous" (1.234: thousands or decimals?),
    "decimals" (more decimals than the field takes)."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text


def parse_number(text: str, decimals: int | None = None) -> Decimal:
    """The number in `text`, written the Italian way (module docstring); at most `decimals`
    decimals when given. Raises NumberError."""
    raw = str(text)
    has_currency = bool(_CURRENCY.search(raw))
    cleaned = _SPACES.sub("", _CURRENCY.sub("", raw))
    sign = ""
    if cleaned[:1] in "+-" and cleaned:
        sign, cleaned = cleaned[0], cleaned[1:]
    if "," in cleaned:
        whole, _, fraction = cleaned.partition(",")
        if "," in fraction or "." in fraction or not fraction.isdigit():
            raise NumberError("number", raw)
        if "." in whole:
            if not _THOUSANDS.fullmatch(whole):
                raise NumberError("number", raw)
            whole = whole.replace(".", "")
        cleaned = f"{whole}.{fraction}"
    elif cleaned.count(".") > 1:
        if not _THOUSANDS.fullmatch(cleaned):
            raise NumberError("number", raw)
        cleaned = cleaned.replace(".", "")
    elif "." in cleaned and _THOUSANDS.fullmatch(cleaned):
        if not has_currency:
            raise NumberError("ambiguous", raw)
        cleaned = cleaned.replace(".", "")
    if not _PLAIN.fullmatch(cleaned):
        raise NumberError("number", raw)
    try:
        value = Decimal(sign + cleaned)
    except InvalidOperation:
        raise NumberError("number", raw) from None
    if decimals is not None:
        if value.as_tuple().exponent < -decimals:
            raise NumberError("decimals", raw)
        value = value.quantize(Decimal(1).scaleb(-decimals))
    return value


def parse_euros(text: str) -> Decimal:
    """An amount in euros, two decimals. Raises NumberError (a ValueError)."""
    return parse_number(text, EURO_DECIMALS)


def format_number(value: Decimal | float | int, decimals: int = 2, lang: str = "it") -> str:
    """120000.5 -> "120.000,50" (it) or "120,000.50" (en)."""
    grouped = f"{Decimal(str(value)):,.{decimals}f}"
    if lang == "it":
        return grouped.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return grouped


def format_euros(value: Decimal | float | int, lang: str = "it") -> str:
    """120000.5 -> "120.000,50 €" (it) or "€120,000.50" (en)."""
    if lang == "it":
        return f"{format_number(value, EURO_DECIMALS, 'it')} €"
    return f"€{format_number(value, EURO_DECIMALS, 'en')}"
