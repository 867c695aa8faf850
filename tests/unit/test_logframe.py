"""The logframe by the book (EC PCM): each row holds what the method says, read back from the
matrix and from the workbook's "Quadro logico" sheet."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import load_workbook

from workshop.exports import theory_of_change as toc


def item(item_id, type_, **fields):
    return {"id": item_id, "type": type_, "fields": fields}


CONTEXT = [
    item("obj-core", "objective", role="purpose", text="Le famiglie trovano casa"),
    item("obj-end", "objective", role="end", text="Meno sfratti"),
]
TOC = [
    item(
        "goal",
        "outcome",
        text="Meno sfratti",
        tier="impact",
        is_goal=True,
        above_ceiling=True,
        source_objective="obj-end",
    ),
    item(
        "purpose",
        "outcome",
        text="Le famiglie trovano casa",
        tier="long_term",
        source_objective="obj-core",
    ),
    item("mid", "outcome", text="Affitti sostenibili", tier="intermediate"),
    item("l1", "toc_link", **{"from": "purpose", "to": "goal", "rationale": "r"}),
    item("l2", "toc_link", **{"from": "mid", "to": "purpose", "rationale": "r"}),
    item(
        "v",
        "intervention",
        text="Sportello casa",
        lead="a2",
        partners=["a1"],
        start="2026-09-01",
        end="2029-08-31",
        targets=["mid"],
        inputs="2 operatori",
    ),
    item(
        "o",
        "output",
        text="Colloqui allo sportello",
        unit="colloqui",
        planned_quantity=300,
        intervention="v",
    ),
    item(
        "k-goal",
        "indicator",
        name="Sfratti eseguiti",
        of="goal",
        target=10,
        better="lower",
        source="Tribunale",
    ),
    item(
        "k-purpose",
        "indicator",
        name="Famiglie in casa",
        of="purpose",
        population="a1",
        target=40,
        unit="famiglie",
        target_minimum=30,
        threshold=12,
        threshold_unit="mesi",
        threshold_note="in casa da almeno 12 mesi",
        timeline="2028-12-31",
        source="Registro dello sportello",
    ),
    item("k-mid", "indicator", name="Canone medio", of="mid", source="Osservatorio"),
    item("k-out", "indicator", name="Colloqui svolti", of="o", source="Agenda dello sportello"),
    item(
        "a-link",
        "assumption",
        text="I fondi PNRR arrivano in tempo",
        kind="assumption",
        status="confirmed",
        attached_to="l1",
    ),
    item(
        "a-mid",
        "assumption",
        text="Canoni turistici in crescita",
        kind="risk",
        status="to_check",
        attached_to="mid",
    ),
    item("a-whole", "assumption", text="Stabilità politica", kind="assumption", status="to_check"),
]
ACTORS = {"a1": "Famiglie in emergenza", "a2": "Ufficio di Piano"}


@dataclass
class Line:
    actor_name: str
    category: str
    description: str
    in_kind: bool
    planned_eur: Decimal


@dataclass
class Total:
    planned: Decimal


@dataclass
class Ledger:
    lines: list
    by_category: dict
    total_planned: Decimal
    total_in_kind: Decimal


LEDGER = Ledger(
    [
        Line(
            "Ufficio di Piano",
            "personnel",
            "Operatori dello sportello",
            False,
            Decimal("120000.50"),
        ),
        Line("ODV Porte Aperte", "personnel", "Ore di volontariato", True, Decimal("45000")),
    ],
    {"personnel": Total(Decimal("165000.50")), "overheads": Total(Decimal("0"))},
    Decimal("165000.50"),
    Decimal("45000"),
)


def test_each_row_holds_what_ec_pcm_says():
    m = toc.logframe(TOC, ACTORS, "it", context=CONTEXT, ledger=LEDGER)
    # General objective: the ToC goal; specific objective: the purpose from the objective tree.
    assert m["goal"]["logic"].lines == ["Meno sfratti"]
    assert m["purpose"]["logic"].lines == ["Le famiglie trovano casa"]
    # Results are outputs, never outcomes: the intermediate outcome is the ToC's own pathway.
    assert m["results"]["logic"].lines == ["Colloqui allo sportello"]
    assert "Affitti sostenibili" not in str(m)
    assert m["results"]["indicators"].lines == [
        "Colloqui allo sportello: quantità prevista: 300 colloqui",
        "Colloqui svolti",
    ]
    assert m["results"]["verification"].lines == ["Agenda dello sportello"]
    assert m["activities"]["logic"].lines == [
        "Sportello casa (Ufficio di Piano; con Famiglie in emergenza; dal 1 settembre 2026 al 31 agosto 2029)"
    ]
    # The Activities row: means from the ledger (and the inputs), costs from its totals.
    assert m["activities"]["indicators"].lines == [
        "Sportello casa: 2 operatori",
        "Ufficio di Piano — Personale: Operatori dello sportello (120.000,50 €)",
        "ODV Porte Aperte — Personale: Ore di volontariato (45.000,00 €, valorizzato in natura)",
    ]
    assert m["activities"]["verification"].lines == [
        "Personale: 165.000,50 €",
        "Totale: 165.000,50 € (di cui in natura 45.000,00 €)",
    ]
    assert m["purpose"]["indicators"].lines == [
        "Famiglie in casa (Famiglie in emergenza; obiettivo 40 famiglie (minimo 30); "
        "soglia per persona: in casa da almeno 12 mesi; entro il 31 dicembre 2028)"
    ]
    assert m["purpose"]["verification"].lines == ["Registro dello sportello"]
    assert m["goal"]["verification"].lines == ["Tribunale"]
    # Assumptions where the team placed them, with kind and status in words.
    assert m["purpose"]["assumptions"].lines == [
        "Ipotesi (confermata): I fondi PNRR arrivano in tempo"
    ]
    assert m["results"]["assumptions"].lines == [
        "Rischio (da verificare): Canoni turistici in crescita"
    ]
    assert m["goal"]["assumptions"].lines == [
        "Ipotesi (da verificare, per l'intera teoria): Stabilità politica"
    ]


def test_the_workbook_opens_on_the_quadro_logico_matrix_and_keeps_the_toco_sheets():
    body = toc.workbook(TOC, ACTORS, lambda key: key, "it", context=CONTEXT, ledger=LEDGER)
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames[0] == "Quadro logico"
    assert "type.outcome" in book.sheetnames and "type.indicator" in book.sheetnames
    sheet = book["Quadro logico"]
    assert [c.value for c in sheet[1]][1:] == [
        "Logica d'intervento",
        "Indicatori oggettivamente verificabili",
        "Fonti di verifica",
        "Ipotesi e rischi",
    ]
    assert [sheet.cell(row=r, column=1).value for r in range(2, 6)] == [
        "Obiettivo generale",
        "Obiettivo specifico",
        "Risultati attesi (realizzazioni)",
        "Attività",
    ]
    assert sheet["B2"].value == "Meno sfratti" and sheet["B3"].value == "Le famiglie trovano casa"
    assert sheet["B4"].value == "Colloqui allo sportello"
    assert sheet["C5"].value.startswith("Mezzi:\n") and "120.000,50 €" in sheet["C5"].value
    assert sheet["D5"].value.startswith("Costi:\n") and "Totale: 165.000,50 €" in sheet["D5"].value
    assert sheet["E3"].value == "Ipotesi (confermata): I fondi PNRR arrivano in tempo"


def test_without_a_ledger_or_an_objective_tree_the_rows_still_follow_the_method():
    plain = [
        item(
            it["id"],
            it["type"],
            **{k: v for k, v in it["fields"].items() if k != "source_objective"},
        )
        for it in TOC
        if it["type"] != "output"
    ]
    m = toc.logframe(plain, ACTORS, "en")
    assert m["goal"]["logic"].lines == ["Meno sfratti"]
    assert m["purpose"]["logic"].lines == ["Le famiglie trovano casa"]  # the long-term outcome
    assert m["results"]["logic"].lines == []
    assert m["activities"]["verification"].lines == []
