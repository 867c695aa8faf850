"""Downloading boards: the right file for each format, only for who may see the board."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from workshop.boards import service
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.extensions import db


def _board(world, kind):
    return next(b for b in world.project_a.boards if b.kind.value == kind)


def _add(board_id, ops):
    change = parse_change(
        {
            "board_id": board_id,
            "change_id": f"t-{len(ops)}-{ops[0]['id']}",
            "client_id": "t",
            "ops": ops,
        }
    )
    service.apply_change(db.session, change, Actor("u:1", "Olga", True))


def test_a_board_downloads_as_svg_png_and_pdf(client, world, become):
    board = _board(world, "context")
    _add(
        board.id,
        [
            {
                "op": "create",
                "id": "s1",
                "type": "sticky",
                "fields": {"text": "Solitudine degli anziani", "x": 0, "y": 0},
            }
        ],
    )
    become("conductor_a")
    svg = client.get(f"/boards/{board.id}/export.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert (
        "attachment" in svg.headers["Content-Disposition"]
        and ".svg" in svg.headers["Content-Disposition"]
    )
    assert "<tspan" in svg.get_data(as_text=True) and "anziani</tspan>" in svg.get_data(
        as_text=True
    )
    assert "default-src 'none'" in svg.headers["Content-Security-Policy"]
    png = client.get(f"/boards/{board.id}/export.png")
    assert png.mimetype == "image/png" and png.data[:4] == b"\x89PNG"
    pdf = client.get(f"/boards/{board.id}/export.pdf")
    assert "Solitudine" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert client.get(f"/boards/{board.id}/export.gif").status_code == 404


def test_the_theory_of_change_downloads_as_a_workbook_and_reads_as_a_logframe(
    client, world, become
):
    board = _board(world, "theory_of_change")
    _add(
        board.id,
        [
            {
                "op": "create",
                "id": "g",
                "type": "outcome",
                "fields": {"text": "Famiglie meno sole", "is_goal": True},
            },
            {
                "op": "create",
                "id": "k",
                "type": "indicator",
                "fields": {"name": "Reti di aiuto", "of": "g", "source": "Questionario"},
            },
        ],
    )
    become("conductor_a")
    book = load_workbook(io.BytesIO(client.get(f"/boards/{board.id}/theory-of-change.xlsx").data))
    assert book.sheetnames[:2] == [
        "Quadro logico",
        "Esito",
    ]  # the matrix first, then the TOCO sheets; Italian first
    assert list(book["Esito"].values)[1][1] == "Famiglie meno sole"
    page = client.get(f"/boards/{board.id}/logframe").get_data(as_text=True)
    assert "Quadro logico" in page and "Famiglie meno sole" in page and "Questionario" in page
    assert (
        client.get(f"/boards/{_board(world, 'context').id}/theory-of-change.xlsx").status_code
        == 404
    )
    assert client.get(f"/boards/{_board(world, 'context').id}/logframe").status_code == 404
