"""The co-funding ledger through the real pages: amounts typed the Italian way, refusals in
words, the project page and the record reading their figures from the ledger (issue 16)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from tests.conftest import post_form
from tests.support.routes import fingerprint
from workshop import demo, ledger
from workshop.boards import service as boards
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.extensions import db
from workshop.models import BoardKind, LedgerLine, Project, User


def _registry(project: Project) -> None:
    """The project's partners, written on its stakeholder board through the engine."""
    board_id = boards.project_board_id(db.session, project.id, BoardKind.STAKEHOLDERS.value)
    ops = [
        {
            "op": "create",
            "id": item_id,
            "type": "actor",
            "fields": {
                "name": name,
                "macro_type": macro,
                "sub_type": sub,
                "runts": runts,
                "x": 2000,
                "y": 0,
                "w": 180,
                "h": 90,
            },
        }
        for item_id, name, macro, sub, runts in (
            ("a-comune", "Comune di Lago", "public", "comune", False),
            ("a-fond", "Fondazione di comunità", "third_sector", "foundation", True),
            ("a-bank", "Banca locale", "private", "bank", False),
        )
    ]
    change = parse_change({"board_id": board_id, "change_id": "reg", "client_id": "t", "ops": ops})
    boards.apply_change(db.session, change, Actor("u:1", "Carla", may_conduct=True))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


LINE = {
    "actor_id": "a-comune",
    "category": "personnel",
    "description": "Operatori",
    "kind": "monetary",
    "valuation_basis": "",
    "reported_eur": "",
}


@pytest.fixture
def managed(world, auth):
    """Project A with its registry, its conductor logged in (pages in Italian, the default)."""
    _registry(world.project_a)
    auth.login(world.conductor.email)
    return world.project_a


@pytest.mark.parametrize(
    "typed", ["120.000,50", "120000,50", "€ 120.000,50", "120000.50", "120 000,50"]
)
def test_an_amount_typed_the_italian_way_reads_back_as_120_000_50_euros(client, managed, typed):
    url = f"/projects/{managed.id}/ledger/"
    response = post_form(client, url, {**LINE, "planned_eur": typed})
    assert response.status_code == 302, _text(response.get_data(as_text=True))[:2000]
    line = db.session.query(LedgerLine).one()
    assert line.planned_eur == Decimal("120000.50")
    assert "120.000,50 €" in _text(client.get(url).get_data(as_text=True))
    edit = client.get(f"{url}{line.id}").get_data(as_text=True)
    planned = re.search(r'<input[^>]*name="planned_eur"[^>]*>', edit).group(0)
    assert (
        'value="120.000,50"' in planned
        and 'type="text"' in planned
        and 'inputmode="decimal"' in planned
    )


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("1.234", "si può leggere in due modi"),
        ("480.000", "si può leggere in due modi"),
        ("12.345,678", "al massimo due decimali"),
        ("dieci euro", "Scrivi un importo in euro"),
        ("-5", "negativ"),
        ("NaN", "Scrivi un importo in euro"),
    ],
)
def test_an_ambiguous_or_bad_amount_is_refused_in_words_and_changes_nothing(
    client, managed, typed, words
):
    before = fingerprint()
    response = post_form(client, f"/projects/{managed.id}/ledger/", {**LINE, "planned_eur": typed})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="planned_eur-error"' in html
    assert words in _text(html)
    assert fingerprint() == before


def test_in_kind_needs_its_valuation_basis(client, managed):
    before = fingerprint()
    response = post_form(
        client,
        f"/projects/{managed.id}/ledger/",
        {**LINE, "actor_id": "a-fond", "kind": "in_kind", "planned_eur": "50.000,00"},
    )
    assert response.status_code == 400
    assert 'id="valuation_basis-error"' in response.get_data(as_text=True)
    assert fingerprint() == before
    ok = post_form(
        client,
        f"/projects/{managed.id}/ledger/",
        {
            **LINE,
            "actor_id": "a-fond",
            "kind": "in_kind",
            "planned_eur": "50.000,00",
            "valuation_basis": "2 alloggi × 25 mesi × 1.000 €",
        },
    )
    assert ok.status_code == 302
    line = db.session.query(LedgerLine).one()
    assert (line.in_kind, line.source_class, line.runts) == (True, "third_sector", True)


def test_edit_and_delete_a_line_and_the_project_page_follows(client, managed):
    url = f"/projects/{managed.id}/ledger/"
    post_form(client, url, {**LINE, "planned_eur": "60.000"} | {"planned_eur": "60000"})
    post_form(
        client,
        url,
        {**LINE, "actor_id": "a-bank", "category": "goods_services", "planned_eur": "40000"},
    )
    lines = db.session.query(LedgerLine).order_by(LedgerLine.id).all()
    page = _text(client.get(f"/projects/{managed.id}").get_data(as_text=True))
    assert "Comune di Lago" in page and "60,0 %" in page and "40,0 %" in page
    assert "100.000,00 €" in page

    response = post_form(
        client,
        f"{url}{lines[0].id}",
        {**LINE, "planned_eur": "90.000,00", "reported_eur": "85.000,50"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(LedgerLine, lines[0].id).reported_eur == Decimal("85000.50")
    page = _text(client.get(f"/projects/{managed.id}").get_data(as_text=True))
    assert "130.000,00 €" in page and "69,2 %" in page

    record_form = _text(client.get(f"/projects/{managed.id}/edit").get_data(as_text=True))
    assert "130.000,00 €" in record_form and "90.000,00 €" in record_form  # the record's totals

    assert post_form(client, f"{url}{lines[1].id}/delete").status_code == 302
    assert [x.id for x in db.session.query(LedgerLine)] == [lines[0].id]


def test_nobody_reaches_another_projects_ledger(client, world, auth):
    _registry(world.project_b)
    line = ledger.add_line(
        db.session,
        world.project_b.id,
        {"actor_id": "a-comune", "category": "other", "planned_eur": Decimal("10")},
    )
    db.session.commit()
    auth.login(world.conductor.email)  # conductor of A only
    before = fingerprint()
    assert client.get(f"/projects/{world.project_b.id}/ledger/").status_code == 403
    assert (
        post_form(client, f"/projects/{world.project_b.id}/ledger/{line.id}/delete").status_code
        == 403
    )
    # A's ledger page does not reach B's line either.
    assert client.get(f"/projects/{world.project_a.id}/ledger/{line.id}").status_code == 404
    assert (
        post_form(client, f"/projects/{world.project_a.id}/ledger/{line.id}/delete").status_code
        == 404
    )
    assert fingerprint() == before


def test_a_change_without_the_csrf_token_is_refused(client, managed):
    before = fingerprint()
    response = client.post(f"/projects/{managed.id}/ledger/", data={**LINE, "planned_eur": "10"})
    assert response.status_code == 400
    assert fingerprint() == before


def test_the_demo_record_ledger_and_project_page_say_the_same(client, app, auth):
    result = demo.load(db.session)
    project = db.session.get(Project, result.project_id)
    conductor = db.session.query(User).filter_by(email=demo.DEMO_CONDUCTOR_EMAIL).one()
    post_form(client, "/auth/login", {"email": conductor.email, "password": demo.DEMO_PASSWORD})
    whole = ledger.summary(db.session, project)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    totals = re.search(r'<table class="table ledger-totals".*?</table>', page, re.S).group(0)
    shown = {
        source: _text(
            re.search(
                rf'<tr data-source="{source}">.*?data-planned>(.*?)</td>', totals, re.S
            ).group(1)
        ).strip()
        for source in ("public", "third_sector", "private", "total")
    }
    assert shown == {
        "public": "480.000,00 €",
        "third_sector": "95.000,00 €",
        "private": "0,00 €",
        "total": "575.000,00 €",
    }
    assert Decimal("480000.00") == project.public_resources_eur == whole.by_source["public"].planned
    shares = re.search(r'<table class="table ledger-shares".*?</table>', page, re.S).group(0)
    foundation = re.search(r'<tr data-partner="demo-fondazione">(.*?)</tr>', shares, re.S).group(1)
    assert (
        "Terzo settore" in foundation
        and "50.000,00 €" in _text(foundation)
        and "8,7 %" in _text(foundation)
    )
    assert 'data-ledger="record-figures"' not in page  # nothing beside: record and ledger agree
    ledger_page = _text(client.get(f"/projects/{project.id}/ledger/").get_data(as_text=True))
    assert (
        "Fuori dal piano economico" not in ledger_page
        and "Piano economico dei cofinanziamenti" in ledger_page
    )


def test_the_ledger_csv_and_the_project_zip_agree_with_the_ledger(client, app):
    import csv
    import io
    import zipfile

    result = demo.load(db.session)
    conductor = db.session.query(User).filter_by(email=demo.DEMO_CONDUCTOR_EMAIL).one()
    post_form(client, "/auth/login", {"email": conductor.email, "password": demo.DEMO_PASSWORD})
    project = db.session.get(Project, result.project_id)
    whole = ledger.summary(db.session, project)
    body = client.get(f"/projects/{project.id}/ledger/piano-economico.csv").data
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "partner" and rows[0][7] == "importo previsto (euro)"
    lines = [r for r in rows[1:] if r and not r[0].startswith("Totale")]
    assert len(lines) == len(whole.lines)
    planned = sum(Decimal(r[7].replace(",", ".")) for r in lines)
    assert planned == whole.total_planned == Decimal("575000.00")
    totals = {r[0]: r[7] for r in rows if r and r[0].startswith("Totale")}
    assert totals == {
        "Totale pubblico": "480000,00",
        "Totale terzo settore": "95000,00",
        "Totale privato": "0,00",
    }
    foundation = next(r for r in lines if r[0] == "Fondazione Casa Comune")
    assert (
        foundation[1] == "Terzo settore" and foundation[2] == "sì" and foundation[5] == "in natura"
    )

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/projects/{project.id}/export.zip").data))
    name = next(n for n in archive.namelist() if n.endswith(".csv") and archive.read(n) == body)
    assert name
    record = json.loads(
        next(archive.read(n) for n in archive.namelist() if n.endswith(".json") and "/" not in n)
    )
    figures = record["co_funding_ledger"]
    assert figures["by_source"] == {
        "public": "480000.00",
        "third_sector": "95000.00",
        "private": "0.00",
    }
    assert Decimal(str(record["project"]["public_resources_eur"])) == Decimal(
        figures["by_source"]["public"]
    )
    shares = {p["actor_id"]: p["share_percent"] for p in figures["partners"]}
    assert shares["demo-fondazione"] == "8.7"
    assert abs(sum(Decimal(v) for v in shares.values()) - 100) <= Decimal("0.05") * len(
        shares
    )  # rounded
