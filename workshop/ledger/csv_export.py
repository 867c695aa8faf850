"""The co-funding ledger as a CSV file an Italian office opens in Excel without a wizard: UTF-8
with a BOM, `;` between cells, formulas neutralised, Italian headers (English for an English
reader), amounts with a decimal comma and no thousands dots ("120000,50": a number, not text,
for Excel in Italian). One row per line, then the totals by source class. No Flask."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from workshop.canvases.registry_csv import DELIMITER, neutralise
from workshop.ledger.rules import CATEGORY_LABELS, SOURCE_LABELS
from workshop.ledger.service import totals_by_source
from workshop.models.ledger import LedgerLine
from workshop.numbers import format_number

COLUMNS = {
    "it": (
        "partner",
        "provenienza",
        "iscritto RUNTS",
        "categoria di costo",
        "descrizione",
        "tipo",
        "criterio di valorizzazione",
        "importo previsto (euro)",
        "importo rendicontato (euro)",
    ),
    "en": (
        "partner",
        "source",
        "RUNTS registered",
        "cost category",
        "description",
        "kind",
        "basis of the valuation",
        "planned amount (EUR)",
        "reported amount (EUR)",
    ),
}
WORDS = {
    "it": {
        "yes": "sì",
        "no": "no",
        "money": "monetario",
        "in_kind": "in natura",
        "total": "Totale",
    },
    "en": {"yes": "yes", "no": "no", "money": "money", "in_kind": "in kind", "total": "Total"},
}


def _amount(value, lang: str) -> str:
    if value is None:
        return ""
    # No grouping: a spreadsheet reads "120000,50" as a number in Italian, "120000.50" in English.
    return format_number(value, 2, lang).replace("." if lang == "it" else ",", "")


def ledger_csv(lines: Iterable[LedgerLine], lang: str = "it") -> bytes:
    lang = lang if lang in COLUMNS else "it"
    words, sources, categories = WORDS[lang], SOURCE_LABELS[lang], CATEGORY_LABELS[lang]
    lines = list(lines)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(COLUMNS[lang])
    for line in lines:
        writer.writerow(
            neutralise(cell)
            for cell in (
                line.actor_name,
                sources[line.source_class],
                words["yes"] if line.runts else words["no"],
                categories[line.category],
                line.description,
                words["in_kind"] if line.in_kind else words["money"],
                line.valuation_basis,
                _amount(line.planned_eur, lang),
                _amount(line.reported_eur, lang),
            )
        )
    writer.writerow([])
    for code, total in totals_by_source(lines).items():
        writer.writerow(
            [
                f"{words['total']} {sources[code].lower()}",
                "",
                "",
                "",
                "",
                "",
                "",
                _amount(total.planned, lang),
                _amount(total.reported, lang),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
