"""Issue 16: the logframe by the book and a Theory of Change that passes its own check, read back
from every output (the logframe page, the XLSX and the ZIP's quadro-logico.xlsx, the report
PDF) on the demo and on a second project built through the real paths."""

from __future__ import annotations

import html
import io
import re
import zipfile
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import csrf_token
from workshop import ledger
from workshop.boards import service
from workshop.boards.ops import parse_action, parse_change
from workshop.boards.state import Actor
from workshop.canvases import theory_of_change as toc
from workshop.extensions import db
from workshop.models import BoardKind

CONDUCTOR = Actor("u:1", "Carla", may_conduct=True)
ISO_DAY = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def _board(project, kind):
    return next(b for b in project.boards if b.kind == kind)


def _change(board, ops, name):
    service.apply_change(
        db.session,
        parse_change({"board_id": board.id, "change_id": name, "client_id": "t", "ops": ops}),
        CONDUCTOR,
    )


def _action(board, name, args, change_id):
    request = parse_action(
        {
            "board_id": board.id,
            "change_id": change_id,
            "client_id": "t",
            "action": name,
            "args": args,
        }
    )
    return service.run_action(
        db.session, request.change, request.action, request.args, CONDUCTOR, may_edit=True
    )


def _matrix_rows(page: str) -> dict[str, dict[str, str]]:
    """The logframe page's table: {row: {column: the cell's text}}."""
    rows = {}
    for row, body in re.findall(r"<tr data-row=\"(\w+)\">(.*?)</tr>", page, re.S):
        cells = re.findall(r'<td data-column="(\w+)">(.*?)</td>', body, re.S)
        rows[row] = {
            col: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
            for col, text in cells
        }
    return rows


def _quadro(body: bytes):
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames[0] == "Quadro logico"
    sheet = book["Quadro logico"]
    return {
        row: {
            col: sheet.cell(row=r, column=c).value or ""
            for c, col in enumerate(toc_columns(), start=2)
        }
        for r, row in enumerate(("goal", "purpose", "results", "activities"), start=2)
    }


def toc_columns():
    return ("logic", "indicators", "verification", "assumptions")


def _in_band(card, frame) -> bool:
    f, b = card["fields"], frame["fields"]
    return (
        b["x"] <= f["x"]
        and f["x"] + f["w"] <= b["x"] + b["w"]
        and b["y"] <= f["y"]
        and f["y"] + f["h"] <= b["y"] + b["h"]
    )


BANDS = {
    "impact": "Impatto",
    "long_term": "Esiti di lungo periodo",
    "intermediate": "Esiti intermedi",
    "early": "Esiti iniziali",
}


def _theory_is_sound(board_id: int) -> list[dict]:
    items = service.live_items(db.session, board_id)
    frames = {it["fields"]["title"]: it for it in items if it["type"] == "frame"}
    outcomes = [it for it in items if it["type"] == "outcome"]
    goal = next(it for it in outcomes if it["fields"]["is_goal"])
    for card in outcomes:
        assert _in_band(card, frames[BANDS[card["fields"]["tier"]]]), card["fields"]["text"]
    # Nothing downstream of the goal: no link leaves it.
    assert not [
        it for it in items if it["type"] == "toc_link" and it["fields"]["from"] == goal["id"]
    ]
    return items


def test_the_demo_theory_is_clean_and_its_logframe_reads_back_by_the_book(app, client):
    from workshop import demo
    from workshop.models import Project, User

    result = demo.load(db.session)
    project = db.session.get(Project, result.project_id)
    theory = _board(project, BoardKind.THEORY_OF_CHANGE)
    view = service.project_board_items(db.session, project.id, BoardKind.THEORY_OF_CHANGE.value)
    assert toc.check_theory(view) == []  # before issue 16: outcome_without_path_to_goal twice
    items = _theory_is_sound(theory.id)
    indicator = next(it for it in items if it["id"] == "demo-ind-goal")["fields"]
    assert (indicator["target"], indicator["target_minimum"], indicator["threshold_note"]) == (
        40,
        30,
        "in casa da almeno 12 mesi",
    )
    assumptions = [it["fields"] for it in items if it["type"] == "assumption"]
    assert sorted(a["kind"] for a in assumptions) == ["assumption", "risk"]
    assert not any("Art. 55" in a["text"] for a in assumptions)  # picked by the team, not dumped
    narrative = next(it for it in items if it["type"] == "narrative")["fields"]["text"]
    assert "entro il 31 dicembre 2027" in narrative and not ISO_DAY.search(narrative)
    assert "è necessario che «" not in narrative and "Per arrivare all'esito «" in narrative

    conductor = db.session.query(User).filter_by(email=demo.DEMO_CONDUCTOR_EMAIL).one()
    with client.session_transaction() as session:
        session.clear()
    response = client.post(
        "/auth/login",
        data={
            "csrf_token": csrf_token(client),
            "email": conductor.email,
            "password": demo.DEMO_PASSWORD,
        },
    )
    assert response.status_code == 302

    goal = "I bambini restano nella loro scuola e nel loro quartiere"
    purpose = "Le famiglie fragili dell'Ambito trovano e mantengono una casa"
    page = _matrix_rows(client.get(f"/boards/{theory.id}/logframe").get_data(as_text=True))
    xlsx = _quadro(client.get(f"/boards/{theory.id}/theory-of-change.xlsx").data)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/projects/{project.id}/export.zip").data))
    zipped = _quadro(
        archive.read(next(n for n in archive.namelist() if n.endswith("quadro-logico.xlsx")))
    )
    summary = ledger.summary(db.session, project)
    total = (
        f"{summary.total_planned:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") + " €"
    )
    for matrix in (page, xlsx, zipped):
        assert goal in matrix["goal"]["logic"] and purpose not in matrix["goal"]["logic"]
        assert "Minori che cambiano scuola dopo uno sfratto" in matrix["goal"]["indicators"]
        assert "Anagrafe scolastica" in matrix["goal"]["verification"]
        assert purpose in matrix["purpose"]["logic"]
        assert "Famiglie con una casa stabile" in matrix["purpose"]["indicators"]
        assert "in casa da almeno 12 mesi" in matrix["purpose"]["indicators"]
        assert "Registro dello sportello per l'abitare" in matrix["purpose"]["verification"]
        # Results are outputs: the three realizzazioni, and no outcome of the pathway.
        for output in (
            "Colloqui di orientamento allo sportello",
            "Coabitazioni solidali avviate",
            "Piani di autonomia abitativa firmati",
        ):
            assert output in matrix["results"]["logic"]
        assert "Affitti sostenibili" not in matrix["results"]["logic"]
        assert "Sportello unico per l'abitare" in matrix["activities"]["logic"]
        assert f"Totale: {total}" in matrix["activities"]["verification"]
        for line in summary.lines:
            assert line.actor_name in matrix["activities"]["indicators"]
        assert (
            "Rischio (da verificare): I canoni crescono ancora" in matrix["results"]["assumptions"]
        )
        assert "Ipotesi (da verificare): I fondi PNRR" in matrix["results"]["assumptions"]
        assert "Art. 55" not in " ".join(matrix[row]["assumptions"] for row in matrix)
        assert not ISO_DAY.search(" ".join(" ".join(cells.values()) for cells in matrix.values()))
    assert summary.total_planned > 0

    reporting = _board(project, BoardKind.SOCIAL_REPORTING)
    text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(client.get(f"/boards/{reporting.id}/report.pdf").data)).pages
    )
    flat = re.sub(r"\s+", " ", text)
    assert not re.search(
        r"Art\. 55 del Codice del Terzo settore e DM 72/2021[^.]{0,40}da verificare", flat
    )
    assert "sotto la soglia" not in flat and "sopra la soglia" not in flat


def test_a_project_built_through_the_real_paths_gets_the_same_logframe(client, world, become):
    project = world.project_a
    context = _board(project, BoardKind.CONTEXT)
    _change(
        context,
        [
            {
                "op": "create",
                "id": "core",
                "type": "problem",
                "fields": {"text": "Anziani soli", "role": "core"},
            },
            {
                "op": "create",
                "id": "c1",
                "type": "problem",
                "fields": {"text": "Pochi luoghi di incontro", "role": "cause"},
            },
            {
                "op": "create",
                "id": "c2",
                "type": "problem",
                "fields": {"text": "Volontari non formati", "role": "cause"},
            },
            {
                "op": "create",
                "id": "e1",
                "type": "problem",
                "fields": {"text": "Ricoveri evitabili", "role": "effect"},
            },
            {
                "op": "create",
                "id": "l1",
                "type": "causal_link",
                "fields": {"from": "c1", "to": "core"},
            },
            {
                "op": "create",
                "id": "l2",
                "type": "causal_link",
                "fields": {"from": "c2", "to": "c1"},
            },
            {
                "op": "create",
                "id": "l3",
                "type": "causal_link",
                "fields": {"from": "core", "to": "e1"},
            },
            {
                "op": "create",
                "id": "f1",
                "type": "pestel_factor",
                "fields": {
                    "text": "Nuovo piano regionale per l'invecchiamento attivo",
                    "category": "political",
                    "direction": "positive",
                },
            },
            {
                "op": "create",
                "id": "f2",
                "type": "pestel_factor",
                "fields": {
                    "text": "Calo dei volontari",
                    "category": "social",
                    "direction": "negative",
                },
            },
        ],
        "ctx-1",
    )
    _action(context, "convert_to_objective_tree", {}, "ctx-convert")
    words = {
        "core": "Gli anziani hanno una rete di relazioni",
        "c1": "Più luoghi di incontro aperti",
        "c2": "Volontari formati",
        "e1": "Meno ricoveri evitabili",
    }
    objectives = [
        it for it in service.live_items(db.session, context.id) if it["type"] == "objective"
    ]
    _change(
        context,
        [
            {
                "op": "update",
                "id": o["id"],
                "fields": {"text": words[o["fields"]["source_problem"]], "in_scope": True},
            }
            for o in objectives
        ],
        "ctx-reword",
    )
    stakeholders = _board(project, BoardKind.STAKEHOLDERS)
    _change(
        stakeholders,
        [
            {
                "op": "create",
                "id": "comune",
                "type": "actor",
                "fields": {
                    "name": "Comune di Pèrgola",
                    "macro_type": "public",
                    "sub_type": "comune",
                },
            },
            {
                "op": "create",
                "id": "fond",
                "type": "actor",
                "fields": {
                    "name": "Fondazione Casa Comune",
                    "macro_type": "third_sector",
                    "sub_type": "foundation",
                    "runts": True,
                },
            },
            {
                "op": "create",
                "id": "anziani",
                "type": "actor",
                "fields": {"name": "Anziani soli del quartiere"},
            },
        ],
        "stk-1",
    )
    ledger.add_line(
        db.session,
        project.id,
        {
            "actor_id": "comune",
            "category": "personnel",
            "description": "Educatori",
            "planned_eur": Decimal("120000.50"),
        },
    )
    ledger.add_line(
        db.session,
        project.id,
        {
            "actor_id": "fond",
            "category": "facilities",
            "description": "Sala del centro",
            "in_kind": True,
            "valuation_basis": "36 mesi × 500 €",
            "planned_eur": Decimal("18000"),
        },
    )
    db.session.commit()

    theory = _board(project, BoardKind.THEORY_OF_CHANGE)
    _action(theory, "apply_template", {"name": "theory_of_change"}, "toc-template")
    seeded = _action(theory, "seed_from_earlier_sessions", {}, "toc-seed")
    assert seeded.result["left_out"] == [] and not [
        op for op in seeded.ops if op["type"] == "assumption"
    ]
    items = {it["id"]: it for it in service.live_items(db.session, theory.id)}
    by_text = {it["fields"]["text"]: it["id"] for it in items.values() if it["type"] == "outcome"}
    assert items[by_text["Meno ricoveri evitabili"]]["fields"]["is_goal"]  # the end is the goal
    candidates = _action(theory, "list_assumption_candidates", {}, "toc-list").result["candidates"]
    assert [c["suggested_kind"] for c in candidates] == ["assumption", "risk"]
    _action(
        theory,
        "pick_assumption",
        {"source_id": "f2", "attached_to": by_text["Volontari formati"]},
        "toc-pick",
    )
    purpose = by_text["Gli anziani hanno una rete di relazioni"]
    _change(
        theory,
        [
            {
                "op": "create",
                "id": "iv",
                "type": "intervention",
                "fields": {
                    "text": "Apertura del centro il sabato",
                    "lead": "comune",
                    "partners": ["fond"],
                    "start": "2026-09-01",
                    "end": "2029-06-30",
                    "targets": [by_text["Più luoghi di incontro aperti"]],
                },
            },
            {
                "op": "create",
                "id": "out",
                "type": "output",
                "fields": {
                    "text": "Aperture del centro",
                    "unit": "aperture",
                    "planned_quantity": 120,
                    "intervention": "iv",
                },
            },
            {
                "op": "create",
                "id": "k",
                "type": "indicator",
                "fields": {
                    "name": "Anziani con almeno tre contatti a settimana",
                    "of": purpose,
                    "population": "anziani",
                    "target": 60,
                    "unit": "anziani",
                    "threshold": 3,
                    "threshold_unit": "contatti a settimana",
                    "timeline": "2028-06-30",
                    "source": "Questionario del centro",
                },
            },
        ],
        "toc-content",
    )

    become("conductor_a")
    page = _matrix_rows(client.get(f"/boards/{theory.id}/logframe").get_data(as_text=True))
    xlsx = _quadro(client.get(f"/boards/{theory.id}/theory-of-change.xlsx").data)
    for matrix in (page, xlsx):
        assert matrix["goal"]["logic"] == "Meno ricoveri evitabili"
        assert matrix["purpose"]["logic"] == "Gli anziani hanno una rete di relazioni"
        assert matrix["results"]["logic"] == "Aperture del centro"
        assert (
            "Apertura del centro il sabato" in matrix["activities"]["logic"]
            and "1 settembre 2026" in matrix["activities"]["logic"]
        )
        assert (
            "almeno 3 contatti a settimana" in matrix["purpose"]["indicators"]
            and "30 giugno 2028" in matrix["purpose"]["indicators"]
        )
        assert (
            "Comune di Pèrgola — Personale: Educatori (120.000,50 €)"
            in matrix["activities"]["indicators"]
        )
        assert (
            "Fondazione Casa Comune — Strutture: Sala del centro (18.000,00 €, valorizzato in natura)"
            in matrix["activities"]["indicators"]
        )
        assert (
            "Totale: 138.000,50 € (di cui in natura 18.000,00 €)"
            in matrix["activities"]["verification"]
        )
        assert matrix["results"]["assumptions"] == "Rischio (da verificare): Calo dei volontari"
        assert "Nuovo piano regionale" not in " ".join(
            cells["assumptions"] for cells in matrix.values()
        )
