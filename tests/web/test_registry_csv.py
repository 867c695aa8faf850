"""The actor registry as CSV: export, import as one change, and every refusal changes nothing."""

from __future__ import annotations

import csv
import html
import io
from itertools import count

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

import workshop.canvases  # noqa: F401
from tests.conftest import csrf_token
from tests.support.routes import fingerprint
from workshop.boards import service
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.canvases.registry_csv import COLUMNS, MAX_REGISTRY_CSV_BYTES
from workshop.extensions import db
from workshop.models import BoardChange, BoardKind

HEADER = [header for _, header in COLUMNS]
AWKWARD = [
    'La "Casa" di Via Roma; scala B',
    "prima riga\nseconda riga",
    "Società cooperativa sociale Àncora – perché sì",
    "Famiglie 👨‍👩‍👧 e bambini 0-6",
    "=SUM(A1:A9)",
    "+39 02 1234567",
    "-meno",
    "@menzione",
    "'già tra apici",
    "\ttab iniziale",
]
_ids = count(1)


def stakeholder_board(project) -> int:
    return next(b.id for b in project.boards if b.kind == BoardKind.STAKEHOLDERS)


def put(project, ops):
    change = parse_change(
        {
            "board_id": stakeholder_board(project),
            "change_id": f"t-{next(_ids)}",
            "client_id": "t",
            "ops": ops,
        }
    )
    applied = service.apply_change(db.session, change, Actor("u:1", "Carla", True))
    db.session.remove()
    return applied


def actors(project) -> dict:
    items = service.project_board_items(db.session, project.id, "stakeholders")
    db.session.rollback()
    return {i: it.fields for i, it in items.items() if it.type == "actor"}


def export(client, project) -> bytes:
    response = client.get(f"/projects/{project.id}/registry.csv")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    return response.data


def rows_of(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def upload(client, project, data: bytes, token=True):
    form = {"file": FileStorage(io.BytesIO(data), "registro.csv", content_type="text/csv")}
    if token:
        form["csrf_token"] = csrf_token(client)
    # Encoded here, in memory: the test client would spool a large body to a temporary file
    # that it never closes.
    boundary, body = encode_multipart(form)
    return client.post(
        f"/projects/{project.id}/registry.csv",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def to_csv(rows: list[list[str]], header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@pytest.fixture
def conductor(client, auth, world):
    auth.login(world.conductor.email)
    return client


def test_awkward_text_round_trips_and_formulas_are_neutralised(conductor, world):
    project = world.project_a
    put(
        project,
        [
            {
                "op": "create",
                "id": f"a{i}",
                "type": "actor",
                "fields": {
                    "name": text,
                    "interests": text,
                    "contact": text[:300],
                    "power": 2.5,
                    "interest": 4,
                },
            }
            for i, text in enumerate(AWKWARD)
        ],
    )
    before = actors(project)
    data = export(conductor, project)
    rows = rows_of(data)
    assert [r["nome"] for r in rows] == [
        "'" + t if t[0] in "=+-@'\t" else t for t in AWKWARD
    ]  # no cell starts a formula
    assert rows[0]["potere"] == "2,5" and rows[0]["quadrante"] == "keep_informed"

    # Change every actor in the spreadsheet, and add one: the import gives the texts back intact.
    for row in rows:
        row["atteggiamento"] = "supporter"
    new_row = {h: "" for h in HEADER} | {
        "nome": 'Nuovo ente; con "virgolette"\nsu due righe',
        "potere": "4,5",
    }
    response = upload(
        conductor, project, to_csv([list(r.values()) for r in rows] + [list(new_row.values())])
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    after = actors(project)
    for actor_id, fields in before.items():
        assert after[actor_id]["name"] == fields["name"]
        assert after[actor_id]["interests"] == fields["interests"]
        assert after[actor_id]["attitude"] == "supporter"
    (new_id,) = set(after) - set(before)
    assert after[new_id]["name"] == 'Nuovo ente; con "virgolette"\nsu due righe'
    assert after[new_id]["power"] == 4.5

    # And the export of the import is the same file again, with the new actor at the end.
    again = rows_of(export(conductor, project))
    assert [r["nome"] for r in again[: len(AWKWARD)]] == [r["nome"] for r in rows]


def test_the_import_is_one_change_and_importing_the_export_changes_nothing(conductor, world):
    project = world.project_a
    put(
        project,
        [
            {
                "op": "create",
                "id": "g",
                "type": "pi_grid",
                "fields": {"x": 0, "y": 0, "w": 800, "h": 800},
            }
        ],
    )
    rows = [
        [
            "",
            "Comune di Borgo Sereno",
            "public",
            "comune",
            "no",
            "proposing_body",
            "",
            "",
            "",
            "5",
            "4",
            "sì",
            "sì",
            "no",
            "champion",
            "collaborate",
            "1",
        ],
        [
            "",
            "Cooperativa Il Faro",
            "third_sector",
            "social_coop",
            "sì",
            "partner",
            "",
            "",
            "",
            "2",
            "4,5",
            "",
            "x",
            "",
            "supporter",
            "involve",
            "",
        ],
    ]
    response = upload(
        conductor, project, to_csv(rows, HEADER[:-2])
    )  # the derived columns are optional
    assert response.status_code == 302
    board_id = stakeholder_board(project)
    changes = db.session.query(BoardChange).filter_by(board_id=board_id).count()
    assert changes == 2  # the grid, then the whole import
    found = sorted(actors(project).values(), key=lambda f: f["name"])
    assert [
        (f["name"], f["power"], f["interest"], f["quadrant"], f["salience_class"]) for f in found
    ] == [
        ("Comune di Borgo Sereno", 5, 4, "manage_closely", "dominant"),
        ("Cooperativa Il Faro", 2, 4.5, "keep_informed", "discretionary"),
    ]
    assert found[0]["onion_layer"] == 1 and found[1]["runts"] is True
    # Placed on the grid at their power and interest.
    assert found[0]["y"] + found[0]["h"] / 2 == 800 - 800 * 4 / 4
    response = upload(conductor, project, export(conductor, project))
    assert response.status_code == 302
    assert db.session.query(BoardChange).filter_by(board_id=board_id).count() == 2


def _one_row(**cells):
    return [list(({h: "" for h in HEADER} | {"nome": "Ente"} | cells).values())]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (to_csv(_one_row(), ["identificativo"] + HEADER[1:]), 'Unknown column "identificativo"'),
        (to_csv(_one_row(), HEADER[1:]), 'The column "id" is missing'),
        (
            to_csv(_one_row(tipo="ente pubblico")),
            '"ente pubblico" is not one of the allowed values',
        ),
        (to_csv(_one_row(potere="tanto")), '"tanto" is not a number'),
        (to_csv(_one_row(potere="7")), '"7" is out of range'),
        (to_csv(_one_row(**{"strato (cipolla)": "1,5"})), '"1,5" is not a whole number'),
        (to_csv(_one_row(tipo="public", sottotipo="odv")), 'The sub-type "odv" does not belong'),
        (to_csv(_one_row(nome="", tipo="public")), "The name is required"),
        (to_csv(_one_row(**{"iscritto RUNTS": "forse"})), '"forse" is neither'),
        (to_csv(_one_row(id="bad id!")), '"bad id!" is not a valid id'),
        ("id;nome\r\nx;Città".encode("latin-1"), "not UTF-8"),
        (b"id;nome\r\n" + b"a" * (MAX_REGISTRY_CSV_BYTES + 10), "larger than"),
        (to_csv([["", "Ente", "in più"]], ["id", "nome"]), "cells, not as many as the header"),
    ],
)
def test_a_bad_file_is_refused_with_its_problems_and_nothing_changes(
    conductor, english, world, data, message
):
    project = world.project_a
    put(
        project,
        [{"op": "create", "id": "keep", "type": "actor", "fields": {"name": "Ente che resta"}}],
    )
    before = fingerprint()
    response = upload(conductor, project, data)
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert fingerprint() == before


def test_the_report_lists_every_bad_row(conductor, english, world):
    rows = _one_row(potere="0") + _one_row() + _one_row(interesse="x", tipo="nope")
    response = upload(conductor, world.project_a, to_csv(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "the file has 3 problems" in page
    assert page.count("<tr><td>2</td>") == 1 and page.count("<tr><td>4</td>") == 2


def test_an_import_without_a_csrf_token_is_refused(conductor, world):
    before = fingerprint()
    response = upload(conductor, world.project_a, to_csv(_one_row()), token=False)
    assert response.status_code == 400
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("who", "status"), [("participant_a", 403), ("observer_a", 403), ("conductor_b", 403)]
)
def test_only_the_projects_managers_may_export_or_import(client, become, world, who, status):
    become(who)
    project = world.project_a
    assert client.get(f"/projects/{project.id}/registry.csv").status_code == status
    before = fingerprint()
    assert upload(client, project, to_csv(_one_row())).status_code == status
    assert fingerprint() == before


def test_an_unknown_project_is_not_found(conductor):
    assert conductor.get("/projects/999999/registry.csv").status_code == 404


def test_the_project_page_links_to_the_registry(conductor, english, world):
    page = conductor.get(f"/projects/{world.project_a.id}").get_data(as_text=True)
    assert f"/projects/{world.project_a.id}/registry.csv" in page
    assert f'/projects/{world.project_a.id}/registry"' in page


def test_an_actors_positions_are_served_to_whoever_sees_the_board(client, become, world):
    project = world.project_a
    put(
        project,
        [
            {
                "op": "create",
                "id": "g",
                "type": "pi_grid",
                "fields": {"x": 0, "y": 0, "w": 800, "h": 800},
            },
            {"op": "create", "id": "a", "type": "actor", "fields": {"name": "Comune", "x": 2000}},
        ],
    )
    put(project, [{"op": "update", "id": "a", "fields": {"power": 4, "interest": 2}}])
    become("participant_a")
    body = client.get(f"/projects/{project.id}/actors/a/positions.json").get_json()
    assert [(p["power"], p["interest"]) for p in body["positions"]] == [(1, 1), (4, 2)]
    assert body["positions"][0]["at"] <= body["positions"][1]["at"]
    assert client.get(f"/projects/{project.id}/actors/g/positions.json").status_code == 404
