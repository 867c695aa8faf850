"""A whole project as one ZIP, read back member by member; and the organizer's dashboard."""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.web.test_board_import import _upload
from workshop.boards import service, snapshots
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.exports import project_zip
from workshop.extensions import db
from workshop.models import Board, BoardKind, SnapshotKind, utcnow
from workshop.rooms import service as rooms

CONDUCTOR = Actor("u:1", "Carla", may_conduct=True)
TRICKY = "Fine fase: voto/../..\\x — Città è"


def _board(world, kind):
    return next(b for b in world.project_a.boards if b.kind == kind)


def _apply(board, ops, name):
    service.apply_change(
        db.session,
        parse_change({"board_id": board.id, "change_id": name, "client_id": "t", "ops": ops}),
        CONDUCTOR,
    )


@pytest.fixture
def filled(world):
    """Project A with something on each session board, a closed live session and a snapshot."""
    context = _board(world, BoardKind.CONTEXT)
    _apply(
        context,
        [
            {
                "op": "create",
                "id": "p1",
                "type": "problem",
                "fields": {"text": "Solitudine degli anziani", "role": "core"},
            },
            {
                "op": "create",
                "id": "p2",
                "type": "problem",
                "fields": {"text": '=Pochi spazi; "comuni"', "role": "cause"},
            },
            {
                "op": "create",
                "id": "l1",
                "type": "causal_link",
                "fields": {"from": "p2", "to": "p1"},
            },
            {"op": "create", "id": "s1", "type": "sticky", "fields": {"text": "Perché? è così"}},
        ],
        "c1",
    )
    _apply(
        _board(world, BoardKind.STAKEHOLDERS),
        [
            {"op": "create", "id": "a1", "type": "actor", "fields": {"name": "Comune di Pèrgola"}},
        ],
        "c2",
    )
    _apply(
        _board(world, BoardKind.THEORY_OF_CHANGE),
        [
            {
                "op": "create",
                "id": "g",
                "type": "outcome",
                "fields": {"text": "Anziani meno soli", "is_goal": True},
            },
            {
                "op": "create",
                "id": "k",
                "type": "indicator",
                "fields": {"name": "Visite settimanali", "of": "g", "target": 40},
            },
        ],
        "c3",
    )
    _apply(
        _board(world, BoardKind.SOCIAL_REPORTING),
        [
            {
                "op": "create",
                "id": "st",
                "type": "sticky",
                "fields": {"text": "Racconto del quartiere"},
            },
        ],
        "c4",
    )
    live = rooms.open_session(db.session, context, f"u:{world.conductor.id}", "Plenaria", utcnow())
    rooms.enter(db.session, live, rooms.plenary_of(live), "p:9", "Bea", utcnow())
    rooms.set_phase(db.session, live, live.rooms, "write", None, "u:1")
    rooms.set_phase(db.session, live, live.rooms, None, None, "u:1")
    snapshots.take_snapshot(db.session, context.id, SnapshotKind.NAMED, name=TRICKY)
    rooms.close_session(db.session, live, utcnow())
    db.session.commit()
    return context


def _zip(client, project_id) -> zipfile.ZipFile:
    response = client.get(f"/projects/{project_id}/export.zip")
    assert response.status_code == 200, response.status_code
    assert (
        response.mimetype == "application/zip"
        and "attachment" in response.headers["Content-Disposition"]
    )
    body = response.data
    response.close()  # as a WSGI server does: the spooled file goes
    return zipfile.ZipFile(io.BytesIO(body))


def test_the_project_zip_holds_every_board_in_every_format_and_reads_back(
    client, world, become, filled
):
    become("organizer")
    archive = _zip(client, world.project_a.id)
    names = archive.namelist()
    assert len(names) == len(set(names))
    for name in names:
        assert not name.startswith("/") and ".." not in name.split("/") and "\\" not in name
        archive.read(name)  # every member opens (CRC checked)
    readme = archive.read(project_zip.README_NAME).decode()
    assert all(name in readme for name in names if name != project_zip.README_NAME)
    assert "Progetto A" in readme

    record = json.loads(archive.read("progetto.json"))
    assert record["project"]["title"] == "Progetto A" and len(record["boards"]) == len(
        world.project_a.boards
    )

    folder = next(
        n.rsplit("/", 1)[0] for n in names if n.endswith("board.json") and "contesto" in n
    )
    assert folder.startswith("lavagne/01 ")
    # The board's JSON imports into a new board with nothing lost.
    before = db.session.query(Board).count()
    assert (
        _upload(client, world.project_a.id, archive.read(f"{folder}/board.json")).status_code == 302
    )
    copy = db.session.query(Board).order_by(Board.id.desc()).first()
    assert db.session.query(Board).count() == before + 1

    # A note's author is written by the server from whoever makes the change (board_json.SERVER_FIELDS).
    def kept(board_id):
        return {
            it["id"]: (it["type"], {k: v for k, v in it["fields"].items() if k != "author"})
            for it in service.live_items(db.session, board_id)
        }

    assert kept(copy.id) == kept(filled.id) and len(kept(copy.id)) == 4
    # CSV per item type, parsed; formulas made inert, accents kept.
    problems = list(
        csv.DictReader(io.StringIO(archive.read(f"{folder}/problem.csv").decode("utf-8-sig")))
    )
    assert len(problems) == 2 and any("Pochi spazi" in ",".join(row.values()) for row in problems)
    assert "Perché? è così" in archive.read(f"{folder}/sticky.csv").decode("utf-8-sig")
    assert "Solitudine" in archive.read(f"{folder}/board.svg").decode()
    pdf_text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(archive.read(f"{folder}/board.pdf"))).pages
    )
    assert "Solitudine" in pdf_text

    registry = archive.read("registro-attori.csv").decode("utf-8-sig")
    assert "Comune di Pèrgola" in registry
    toc = next(n for n in names if n.endswith("quadro-logico.xlsx"))
    workbook = load_workbook(io.BytesIO(archive.read(toc)))
    assert "Visite settimanali" in str(
        [c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    )
    report = next(n for n in names if n.endswith("report-sociale.pdf"))
    report_text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(archive.read(report))).pages
    )
    assert "Progetto A" in report_text
    assert any(n.endswith("report-sociale.docx") for n in names)
    # Boards with nothing on them give no logframe or report, but still their JSON and drawings.
    empty_free = [n for n in names if n.endswith("board.json")]
    assert len(empty_free) == len(world.project_a.boards)

    attendance = [n for n in names if n.startswith("sessioni-dal-vivo/")]
    assert len(attendance) == 1
    # As Italian offices open it (issue 14): BOM, `;`, Italian headers.
    text = archive.read(attendance[0]).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["nome"] for r in rows] == ["Bea"]
    snapshots = list(csv.DictReader(io.StringIO(archive.read("istantanee.csv").decode())))
    assert {r["name"] for r in snapshots} == {
        TRICKY,
        "End of phase: writing",
        "End of live session",
    }


def test_a_conductor_gets_the_zip_without_the_attendance_and_others_get_nothing(
    client, world, become, filled
):
    become("conductor_a")
    names = _zip(client, world.project_a.id).namelist()
    assert names and not any(n.startswith("sessioni-dal-vivo/") for n in names)


@pytest.mark.parametrize(
    "who, status", [("conductor_b", 403), ("participant_a", 403), ("anonymous", 302)]
)
def test_the_zip_is_refused_to_who_may_not_see_the_project(
    client, world, become, filled, who, status
):
    become(who)
    assert client.get(f"/projects/{world.project_a.id}/export.zip").status_code == status


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Fine fase: voto — Gruppo 2", "Fine fase- voto — Gruppo 2"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "file"),
        ("a\\b\x00c", "a-b-c"),
        ("  Città   è  ", "Città è"),
        ("x" * 200, "x" * project_zip.MAX_NAME_CHARS),
    ],
)
def test_member_names_are_safe_and_keep_accents(text, expected):
    assert project_zip.safe_name(text) == expected


def test_two_members_of_one_name_both_stay():
    archive = project_zip.ProjectZip()
    assert archive.add("a", "x.csv", "1", "") == "a/x.csv"
    assert archive.add("a", "X.csv", "2", "") == "a/X (2).csv"
    assert archive.add("../a", "x.csv", "3", "") == "a/x (3).csv"
    with archive.finish("T", "i", "g") as file:
        names = zipfile.ZipFile(file).namelist()
    assert sorted(names) == sorted(
        ["a/x.csv", "a/X (2).csv", "a/x (3).csv", project_zip.README_NAME]
    )


def test_the_dashboard_shows_an_organizer_everything_and_a_conductor_their_own(
    client, auth, world, become, filled
):
    become("organizer")
    page = client.get("/organize").get_data(as_text=True)
    assert "Progetto A" in page and "Progetto B" in page
    assert f"/projects/{world.project_a.id}/export.zip" in page
    assert f"/boards/{filled.id}/history" in page and "attendance" in page
    assert "End of live session" in page  # the recent snapshots, named as they were taken
    auth.logout()
    become("conductor_b")
    page = client.get("/organize").get_data(as_text=True)
    assert "Progetto B" in page and "Progetto A" not in page and "attendance" not in page
    assert f"/boards/{filled.id}/" not in page


def test_a_large_archive_spills_to_disk_and_still_reads_back():
    archive = project_zip.ProjectZip(spool_bytes=1024)
    noise = random.Random(1).randbytes(16 * 1024)  # 16 KB that does not compress
    archive.add("", "big.bin", noise, "")
    with archive.finish("T", "i", "g") as file:
        assert (
            archive.size > 1024 and not archive.in_memory and file._rolled
        )  # on disk, not in memory
        assert zipfile.ZipFile(file).read("big.bin") == noise
