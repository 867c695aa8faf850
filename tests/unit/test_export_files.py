"""Board diagrams (SVG, PNG, PDF) and the theory of change's logframe and workbook, read back."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

import workshop.canvases  # noqa: F401  (registers the canvas types the diagram names)
from workshop.exports import diagram
from workshop.exports import theory_of_change as toc

SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quotes" \u00e8 \U0001f600'


def item(item_id, type_, **fields):
    return {"id": item_id, "type": type_, "fields": fields, "created_by": "u:1", "seq": 1}


def card(item_id, type_, x, y, **fields):
    return item(item_id, type_, **{"x": x, "y": y, "w": 200, "h": 120, "z": "a0", **fields})


BOARD = [
    card("f", "frame", -50, -50, w=700, h=400, title="Albero dei problemi", color="white"),
    card("s1", "sticky", 0, 0, text=HOSTILE, color="yellow"),
    card(
        "o1",
        "outcome",
        300,
        0,
        text="Le famiglie escono dall'isolamento",
        is_goal=True,
        tier="long_term",
    ),
    item("c1", "toc_link", **{"from": "s1", "to": "o1", "rationale": ""}),
    item("c2", "connector", **{"from": "o1", "to": "s1", "label": "ritorno", "arrow": "both"}),
]
LABELS = diagram.Labels(types={"outcome": "Esito"}, untitled="vuoto")


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


def test_the_svg_is_well_formed_sized_to_the_board_and_holds_text_as_text():
    svg = diagram.board_svg(BOARD, LABELS, title="Analisi del contesto")
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG_NS}svg"
    assert root.find(f".//{SVG_NS}script") is None  # the hostile text is text, not markup
    drawn = " ".join(texts(svg))
    assert "<script>alert(" in drawn and "\u00e8" in drawn
    assert "ESITO" in drawn and "Le famiglie escono" in drawn and "Analisi del contesto" in drawn
    assert len(root.findall(f".//{SVG_NS}line")) == 2
    assert len(root.findall(f".//{SVG_NS}polygon")) == 3  # one arrow, then two for "both"
    width, height = float(root.get("width")), float(root.get("height"))
    assert 700 < width < 900 and 400 < height < 600


MAP = [
    card("a1", "actor", 0, 0, name="Comune di Borgo Sereno", macro_type="public_body"),
    card("a2", "actor", 300, 0, name="Cooperativa Il Faro", macro_type="third_sector"),
    item(
        "r1",
        "relation",
        **{
            "from": "a1",
            "to": "a2",
            "type": "agreement",
            "direction": "mutual",
            "strength": 4,
            "note": "dal 2024",
        },
    ),
    card(
        "b1",
        "budget_line",
        0,
        300,
        w=300,
        h=110,
        description="Operatori dello sportello",
        source="public",
        amount=120000.5,
    ),
    card(
        "p1",
        "proposal",
        600,
        0,
        w=520,
        h=760,
        title="Abitare solidale",
        need="Famiglie senza casa a un costo sostenibile",
        partners=["a1", "a2"],
        governance="Cabina di regia mensile",
    ),
    card(
        "v1",
        "proposal_activity",
        0,
        500,
        w=300,
        h=110,
        title="Sportello",
        start="2026-09-01",
        end="2029-08-31",
    ),
]
ITALIAN = {
    "choice.relation.type.agreement": "Convenzione",
    "choice.budget_line.source.public": "Risorse pubbliche",
    "field.proposal.need": "Bisogno affrontato",
    "field.proposal.partners": "Partner",
    "field.proposal.governance": "Governance",
    "Relations between the actors": "Relazioni tra i soggetti",
    "strength %(value)s of 5": "forza %(value)s su 5",
}


def test_the_map_says_amounts_dates_the_proposal_and_the_relations_in_words():
    """What an official files: a budget line's amount the Italian way, an activity's dates, the
    proposal sheet's sections (partners by name), and each relation's kind and strength, which
    the arrows alone do not say."""
    drawn = " ".join(texts(diagram.board_svg(MAP, diagram.Labels.of(ITALIAN))))
    assert "120.000,50 € · Risorse pubbliche" in drawn  # the amount first: a cut keeps it
    assert "1 settembre 2026 · 31 agosto 2029" in drawn
    assert "Bisogno affrontato" in drawn and "Famiglie senza casa" in drawn
    assert "Comune di Borgo Sereno, Cooperativa Il Faro" in drawn  # the partners, by name
    assert "Relazioni tra i soggetti" in drawn
    assert (
        "Comune di Borgo Sereno ↔ Cooperativa Il Faro: Convenzione, forza 4 su 5, dal 2024" in drawn
    )


def test_in_english_amounts_and_dates_are_written_the_english_way():
    drawn = " ".join(texts(diagram.board_svg(MAP, diagram.Labels.of({}, lang="en"))))
    assert "€120,000.50" in drawn and "1 September 2026 · 31 August 2029" in drawn
    # Without the reader's strings the drawing still says what it can (board content is Italian).
    assert "Relazioni tra i soggetti" in drawn and "agreement, forza 4 su 5" in drawn


def test_a_board_without_relations_has_no_list_of_them():
    svg = diagram.board_svg(MAP[:2], diagram.Labels.of(ITALIAN))
    assert 'data-legend="relations"' not in svg


def test_an_empty_board_and_a_dangling_edge_still_draw():
    svg = diagram.board_svg([item("c", "connector", **{"from": "gone", "to": "also"})], LABELS)
    assert ET.fromstring(svg.encode()).find(f".//{SVG_NS}line") is None


def test_long_words_and_long_texts_are_wrapped_to_the_card():
    lines = diagram.wrap("a" * 100 + " parola " * 200, 200)
    per_line = int(200 / (diagram.FONT_SIZE * diagram.CHAR_WIDTH))
    assert all(len(line) <= per_line for line in lines)
    assert len(lines) == diagram.MAX_DRAWN_LINES and lines[-1].endswith("…")


def test_a_short_card_keeps_its_text_inside_and_drops_its_type_name():
    """An indicator chip 30 high under its outcome (as seeding lays it): its name sits inside
    the card; a card tall enough keeps its type's name above the text."""
    labels = diagram.Labels(types={"indicator": "Indicatore"}, untitled="vuoto")
    chip = card("k", "indicator", 0, 0, h=30, name="Famiglie con una casa stabile")
    tall = card("t", "indicator", 0, 100, h=120, name="Presenze")
    root = ET.fromstring(diagram.board_svg([chip, tall], labels).encode("utf-8"))
    groups = {g.get("data-item"): g for g in root.iter(f"{SVG_NS}g") if g.get("data-item")}
    chip_texts = list(groups["k"].iter(f"{SVG_NS}text"))
    assert len(chip_texts) == 1 and "".join(chip_texts[0].itertext()).startswith("Famiglie con una")
    assert all(float(t.get("y")) + 4 <= 30 for t in chip_texts)
    assert "INDICATORE" in ["".join(t.itertext()) for t in groups["t"].iter(f"{SVG_NS}text")]


def test_png_and_pdf_are_rendered_and_the_pdf_text_reads_back():
    svg = diagram.board_svg(BOARD, LABELS, title="Analisi del contesto")
    png = diagram.svg_to_png(svg)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = diagram.svg_to_pdf(svg)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Analisi del contesto" in text and "isolamento" in text


# --- the theory of change -----------------------------------------------------------------------------------

TOC = [
    card(
        "g",
        "outcome",
        0,
        0,
        text="Famiglie meno isolate",
        is_goal=True,
        tier="long_term",
        population=["a1"],
    ),
    card("i", "outcome", 0, 200, text="Impatto sul quartiere", tier="impact"),
    card("m", "outcome", 0, 400, text="Famiglie al centro", tier="intermediate"),
    item(
        "l",
        "toc_link",
        **{
            "from": "m",
            "to": "g",
            "rationale": '=HYPERLINK("http://x")',
            "evidence": "",
            "interventions": ["v"],
        },
    ),
    card(
        "v",
        "intervention",
        300,
        400,
        text="Apertura il sabato",
        lead="a2",
        partners=["a1"],
        inputs="2 educatori",
        input_source="third_sector",
        targets=["m"],
    ),
    card("o", "output", 300, 600, text="40 aperture", unit="aperture", planned_quantity=40),
    card(
        "k",
        "indicator",
        600,
        400,
        name="Presenze",
        of="m",
        population="a1",
        target=40.0,
        unit="famiglie",
        target_minimum=30,
        timeline="2027-06-30",
        source="Registro presenze",
        frequency="monthly",
        kind="quantitative",
    ),
    card(
        "s",
        "assumption",
        600,
        0,
        text="Trasporti gratuiti",
        attached_to="l",
        kind="assumption",
        status="to_check",
    ),
    card(
        "t", "assumption", 600, 100, text="Nessun taglio ai fondi", kind="risk", status="confirmed"
    ),
]
ACTORS = {"a1": "Famiglie del quartiere", "a2": "Cooperativa La Rete"}


def test_the_workbook_reads_back_with_its_sheets_headers_and_text_kept_as_text():
    labels = {
        "type.outcome": "Esiti",
        "field.outcome.text": "Condizione cambiata",
        "type.toc_link": "Nessi: causali?",
    }
    body = toc.workbook(TOC, ACTORS, lambda key: labels.get(key, key))
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames[:3] == ["Quadro logico", "Esiti", "Nessi_ causali_"]
    outcomes = list(book["Esiti"].values)
    assert outcomes[0][:2] == ("id", "Condizione cambiata")
    assert [row[1] for row in outcomes[1:]] == [
        "Famiglie meno isolate",
        "Impatto sul quartiere",
        "Famiglie al centro",
    ]
    assert outcomes[1][4] == "Famiglie del quartiere"
    link_row = list(book["Nessi_ causali_"].values)[1]
    assert link_row[:3] == ("Famiglie al centro", "Famiglie meno isolate", '=HYPERLINK("http://x")')
    assert book["Nessi_ causali_"]["C2"].data_type == "s"  # text, never a formula
    indicators = list(book["type.indicator"].values)
    assert indicators[1][0] == "Presenze" and indicators[1][3] == 40
    # Flags in words and days as dates, as an office reads them: never True/False or ISO text.
    assert [row[3] for row in outcomes[1:]] == ["Sì", "No", "No"]
    assert not any(isinstance(v, bool) for row in outcomes for v in row)
    timeline = book["type.indicator"]["I2"]
    assert timeline.value.date() == date(2027, 6, 30) and timeline.number_format == "DD/MM/YYYY"


@pytest.mark.parametrize("outcomes", [200])
def test_a_200_outcome_theory_exports_in_full(outcomes):
    items = [
        card(f"o{n}", "outcome", (n % 20) * 260, (n // 20) * 180, text=f"Esito {n}", tier="early")
        for n in range(outcomes)
    ]
    items += [
        item(f"l{n}", "toc_link", **{"from": f"o{n}", "to": f"o{n - 1}", "rationale": "r"})
        for n in range(1, outcomes)
    ]
    svg = diagram.board_svg(items, LABELS)
    assert len(ET.fromstring(svg.encode()).findall(f".//{SVG_NS}line")) == outcomes - 1
    book = load_workbook(io.BytesIO(toc.workbook(items, {}, lambda k: k)))
    assert book["type.outcome"].max_row == outcomes + 1


def test_a_wide_board_becomes_a_png_no_larger_than_the_overview_size():
    import struct

    wide = [card(f"c{n}", "sticky", n * 300, 0, text="x") for n in range(40)]  # 12,000 units wide
    png = diagram.svg_to_png(diagram.board_svg(wide, LABELS))
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert width == diagram.MAX_PNG_SIDE_PX and height < 200


def test_a_long_relation_note_is_wrapped_inside_the_drawing():
    long_note = {**MAP[2], "fields": {**MAP[2]["fields"], "note": "accordo quadro " * 40}}
    svg = diagram.board_svg([*MAP[:2], long_note], diagram.Labels.of(ITALIAN))
    root = ET.fromstring(svg.encode("utf-8"))
    width = float(root.get("width"))
    legend = root.find(f".//{SVG_NS}g[@data-legend='relations']")
    lines = ["".join(span.itertext()) for span in legend.iter(f"{SVG_NS}tspan")][1:]
    assert len(lines) > 2
    per_line = (width - 2 * diagram.MARGIN) / (diagram.FONT_SIZE * diagram.CHAR_WIDTH)
    assert all(len(line) <= per_line for line in lines)
