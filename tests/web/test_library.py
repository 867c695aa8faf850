"""The practice library through the pages: uploads read back byte for byte, refused uploads
store nothing, who may read and change what, attachments, and case histories frozen at
publication that show only the boards chosen."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.test import EnvironBuilder

from tests.conftest import count, csrf_token, post_form
from workshop.boards import service as boards
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.extensions import db
from workshop.library import files
from workshop.models import (
    CaseBoard,
    CaseHistory,
    Material,
    MaterialLab,
    MaterialProject,
    ProjectStatus,
    UserRole,
)
from workshop.rooms import labs

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def library_files(app) -> list[str]:
    root = Path(app.instance_path) / "library"
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def upload(client, name: str, data: bytes, **fields):
    form = {
        "csrf_token": csrf_token(client),
        "title": "Regolamento",
        "kind": "normative",
        "language": "it",
        **fields,
    }
    form["file"] = (io.BytesIO(data), name)
    # The test client spools a large multipart body to a temporary file it never closes: build
    # the request here and close that file once the response is in.
    builder = EnvironBuilder(path="/library/materials/new", method="POST", data=form)
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


@pytest.fixture
def organizer(make_user):
    return make_user("org@example.org", UserRole.ORGANIZER, "Olga")


@pytest.fixture
def conductor(make_user):
    return make_user("cond@example.org", UserRole.CONDUCTOR, "Carlo")


def test_an_upload_reads_back_byte_identical_with_safe_headers(app, client, auth, conductor):
    auth.login(conductor.email)
    name = "Regolamento città – art. 55.pdf"
    response = upload(
        client,
        name,
        PDF,
        tags="art. 55, Regolamento",
        issued="3/7/2017",
        issuer="Comune di Borgo Sereno",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    material = db.session.scalar(sa.select(Material))
    assert (material.file_type, material.size_bytes, material.issued_year) == (
        "pdf",
        len(PDF),
        2017,
    )
    assert material.tag_names == ["art. 55", "regolamento"]
    assert library_files(app) == [material.stored_name]  # a random name, not the uploader's

    with client.get(f"/library/materials/{material.id}/file") as download:  # streamed from the file
        body = download.get_data()
    assert download.status_code == 200
    assert body == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''Regolamento%20citt%C3%A0%20%E2%80%93%20art.%2055.pdf" in disposition
    assert "sandbox" in download.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("regolamento.pdf", b"<html><script>alert(1)</script>", "non è un file PDF"),
        ("schema.png", PDF, "non è un file PNG"),
        ("virus.exe", b"MZ\x90\x00", "Scegli un file PDF"),
        ("vuoto.txt", b"", ""),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    app, client, auth, conductor, name, data, message
):
    auth.login(conductor.email)
    response = upload(client, name, data)
    assert response.status_code == 200  # the form again, with the reason
    assert message in response.get_data(as_text=True)
    assert count(Material) == 0
    assert library_files(app) == []


def test_an_oversize_file_is_refused_and_nothing_is_stored(app, client, auth, conductor):
    auth.login(conductor.email)
    just_over = PDF + b"0" * (files.MAX_MATERIAL_BYTES + 1 - len(PDF))
    response = upload(client, "grande.pdf", just_over)
    assert response.status_code == 200
    assert "più grande di 10 MB" in response.get_data(as_text=True)
    far_over = PDF + b"0" * (files.MAX_MATERIAL_BYTES * 2)
    assert upload(client, "enorme.pdf", far_over).status_code == 413  # refused before it is read
    assert count(Material) == 0
    assert library_files(app) == []


def test_a_file_up_to_the_cap_is_kept_though_the_site_limit_is_lower(app, client, auth, conductor):
    auth.login(conductor.email)
    at_cap = PDF + b"0" * (files.MAX_MATERIAL_BYTES - len(PDF))
    assert len(at_cap) > app.config["MAX_CONTENT_LENGTH"]
    assert upload(client, "grande.pdf", at_cap).status_code == 302
    material = db.session.scalar(sa.select(Material))
    with client.get(f"/library/materials/{material.id}/file") as download:
        assert download.get_data() == at_cap


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"title": "   "}, "Questo campo è obbligatorio"),
        ({"kind": "poetry"}, "opzione valida"),
        ({"issued": "ieri"}, "Scrivi un anno"),
        ({"url": "javascript:alert(1)"}, "Scrivi un indirizzo web"),
        ({"tags": "x" * 41}, "Al massimo 12 etichette"),
        ({}, "un file o un indirizzo web"),  # neither source
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(
    app, client, auth, conductor, fields, field_error
):
    auth.login(conductor.email)
    form = {"title": "Linee guida", "kind": "methodological", "language": "it", **fields}
    response = post_form(client, "/library/materials/new", form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field_error in html
    assert count(Material) == 0


def test_both_a_file_and_a_link_is_refused(app, client, auth, conductor):
    auth.login(conductor.email)
    response = upload(client, "r.pdf", PDF, url="https://example.org/r")
    assert "un file o un indirizzo web" in response.get_data(as_text=True)
    assert count(Material) == 0
    assert library_files(app) == []


def test_anonymous_visitors_and_participants_cannot_read_the_library(
    app, client, auth, conductor, make_project, make_invite
):
    auth.login(conductor.email)
    upload(client, "r.pdf", PDF)
    material_id = db.session.scalar(sa.select(Material.id))
    auth.logout()
    for url in (
        "/library/",
        f"/library/materials/{material_id}",
        f"/library/materials/{material_id}/file",
        "/library/cases/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith(
            "/auth/login"
        ), url
    invite = make_invite(make_project("Progetto"))
    auth.join(invite.code)
    for url in ("/library/", f"/library/materials/{material_id}/file"):
        with client.get(url) as response:
            assert response.status_code == 403


def test_only_the_author_and_organizers_edit_or_delete(
    app, client, auth, conductor, organizer, make_user
):
    other = make_user("other@example.org", UserRole.CONDUCTOR, "Ottavia")
    auth.login(conductor.email)
    upload(client, "r.pdf", PDF)
    material = db.session.scalar(sa.select(Material))
    stored = material.stored_name
    auth.logout()

    auth.login(other.email)
    assert client.get(f"/library/materials/{material.id}").status_code == 200  # reads it
    edit = {"title": "Preso", "kind": "normative", "language": "it", "url": "https://example.org/x"}
    assert post_form(client, f"/library/materials/{material.id}/edit", edit).status_code == 403
    assert post_form(client, f"/library/materials/{material.id}/delete").status_code == 403
    db.session.expire_all()
    assert db.session.get(Material, material.id).title == "Regolamento"
    auth.logout()

    auth.login(conductor.email)  # the author replaces the file with a link: the old file goes
    assert post_form(client, f"/library/materials/{material.id}/edit", edit).status_code == 302
    db.session.expire_all()
    assert (db.session.get(Material, material.id).url, library_files(app)) == (
        "https://example.org/x",
        [],
    )
    auth.logout()

    auth.login(organizer.email)
    assert post_form(client, f"/library/materials/{material.id}/delete").status_code == 302
    assert count(Material) == 0
    assert stored not in library_files(app)


def test_materials_attach_to_projects_and_labs_and_show_on_their_pages(app, client, auth, world):
    auth.login(world.conductor.email)
    upload(client, "r.pdf", PDF, title="Schema di convenzione", kind="administrative")
    material = db.session.scalar(sa.select(Material))
    a, b = world.project_a.id, world.project_b.id
    assert (
        post_form(
            client, f"/library/materials/{material.id}/projects", {"project_id": b}
        ).status_code
        == 403
    )
    assert (
        post_form(
            client, f"/library/materials/{material.id}/projects", {"project_id": a}
        ).status_code
        == 302
    )
    assert (
        post_form(
            client, f"/library/materials/{material.id}/projects", {"project_id": a}
        ).status_code
        == 302
    )  # again: once
    assert count(MaterialProject) == 1
    assert "Schema di convenzione" in client.get(f"/projects/{a}").get_data(as_text=True)
    lab = labs.create_lab(db.session, "Laboratorio Valle Serena", [], [a], world.organizer.id)
    db.session.commit()
    assert (
        post_form(client, f"/library/materials/{material.id}/labs", {"lab_id": lab.id}).status_code
        == 403
    )  # organizers'
    auth.logout()

    auth.login(world.organizer.email)
    assert (
        post_form(client, f"/library/materials/{material.id}/labs", {"lab_id": lab.id}).status_code
        == 302
    )
    assert (
        post_form(client, f"/library/materials/{material.id}/labs", {"lab_id": 9999}).status_code
        == 400
    )
    assert "Schema di convenzione" in client.get("/labs/").get_data(as_text=True)
    assert (
        post_form(client, f"/library/materials/{material.id}/labs/{lab.id}/detach").status_code
        == 302
    )
    assert (
        post_form(client, f"/library/materials/{material.id}/projects/{a}/detach").status_code
        == 302
    )
    assert (
        post_form(client, f"/library/materials/{material.id}/projects/{a}/detach").status_code
        == 404
    )
    assert (count(MaterialProject), count(MaterialLab)) == (0, 0)
    assert "Schema di convenzione" not in client.get(f"/projects/{a}").get_data(as_text=True)


def test_browse_filters_by_kind_tag_and_text_and_the_search_finds_materials(
    app, client, auth, conductor, make_project
):
    auth.login(conductor.email)
    upload(
        client,
        "a.pdf",
        PDF,
        title="Decreto legislativo centodiciassette",
        kind="normative",
        tags="art. 55",
    )
    upload(
        client,
        "b.pdf",
        PDF,
        title="Guida alla teoria del cambiamento",
        kind="methodological",
        tags="valutazione",
    )
    page = lambda query: client.get(f"/library/?{query}").get_data(as_text=True)  # noqa: E731
    assert "Decreto legislativo centodiciassette" in page(
        "kind=normative"
    ) and "Guida alla" not in page("kind=normative")
    assert "Guida alla" in page("tag=valutazione") and "Decreto legislativo" not in page(
        "tag=valutazione"
    )
    assert "Decreto legislativo" in page("q=legislativo+decreto") and "Guida alla" not in page(
        "q=terzo+codice"
    )
    assert "Guida alla" in page("q=VALUTAZ")  # a tag's words count too, in any case
    assert "Nessun materiale corrisponde" in page("q=%25_nulla")
    assert client.get("/library/?kind=nonsense&tag=" + "x" * 500).status_code == 200
    assert "Decreto legislativo centodiciassette" in client.get(
        "/search?q=centodiciassette"
    ).get_data(as_text=True)


# --- case histories ---------------------------------------------------------------------------


def write(board_id: int, change_id: str, text: str) -> None:
    ops = [
        {
            "op": "create",
            "id": change_id,
            "type": "sticky",
            "fields": {"text": text, "x": 0, "y": 0, "w": 200, "h": 100},
        }
    ]
    boards.apply_change(
        db.session,
        parse_change({"board_id": board_id, "change_id": change_id, "client_id": "t", "ops": ops}),
        Actor("u:1", "T", True),
    )


def test_a_case_history_freezes_the_chosen_boards_and_hides_the_others(
    app, client, auth, world, make_user
):
    project = world.project_a
    shown, hidden = project.boards[0].id, project.boards[1].id
    write(shown, "c1", "Scritto prima della pubblicazione")
    write(hidden, "c2", "Lavagna non scelta: segreta")
    auth.login(world.conductor.email)
    summary = {
        "title": "Abitare solidale, com'è andata",
        "context": "Crisi abitativa",
        "lessons": "Partire presto",
        "boards": [shown],
    }
    response = post_form(client, f"/library/cases/publish/{project.id}", summary)
    assert "Solo un progetto concluso" in response.get_data(as_text=True)  # not closed yet
    assert count(CaseHistory) == 0
    db.session.get(type(project), project.id).status = ProjectStatus.CLOSED
    db.session.commit()
    assert (
        post_form(
            client,
            f"/library/cases/publish/{project.id}",
            {**summary, "boards": [shown, world.project_b.boards[0].id]},
        ).status_code
        == 200
    )
    assert count(CaseHistory) == 0  # another project's board: refused
    response = post_form(client, f"/library/cases/publish/{project.id}", summary)
    assert response.status_code == 302
    case = db.session.scalar(sa.select(CaseHistory))
    frozen = db.session.scalar(sa.select(CaseBoard))
    assert [cb.board_id for cb in case.boards] == [shown]
    auth.logout()

    write(shown, "c3", "Scritto dopo la pubblicazione")  # later work must not leak
    reader = make_user("reader@example.org", UserRole.CONDUCTOR, "Rita")  # a member of no project
    auth.login(reader.email)
    page = client.get(f"/library/cases/{case.id}").get_data(as_text=True)
    assert "Crisi abitativa" in page and "Partire presto" in page
    assert "Scritto prima della pubblicazione" in page
    assert "Scritto dopo la pubblicazione" not in page
    assert "segreta" not in page
    svg = client.get(f"/library/cases/{case.id}/boards/{frozen.id}.svg").get_data(as_text=True)
    assert "Scritto prima" in svg and "Scritto dopo" not in svg
    exported = client.get(f"/library/cases/{case.id}/boards/{frozen.id}.json").get_json()
    assert [it["fields"]["text"] for it in exported["items"] if it["type"] == "sticky"] == [
        "Scritto prima della pubblicazione"
    ]
    assert (
        client.get(f"/boards/{hidden}").status_code == 403
    )  # the project itself stays closed to them
    assert client.get(f"/library/cases/{case.id}/boards/{frozen.id + 1000}.svg").status_code == 404
    assert "Abitare solidale, com" in client.get("/library/cases/").get_data(as_text=True)
    assert post_form(client, f"/library/cases/{case.id}/unpublish").status_code == 403  # not theirs
    auth.logout()

    auth.login(world.conductor.email)
    assert post_form(client, f"/library/cases/{case.id}/unpublish").status_code == 302
    auth.logout()
    auth.login(reader.email)
    for url in (
        f"/library/cases/{case.id}",
        f"/library/cases/{case.id}/boards/{frozen.id}.svg",
        f"/library/cases/{case.id}/boards/{frozen.id}.json",
    ):
        assert client.get(url).status_code == 404, url
    assert "Abitare solidale, com" not in client.get("/library/cases/").get_data(as_text=True)
    assert count(CaseBoard) == 0  # the frozen copies are gone too


def test_publishing_again_refreezes_the_boards(app, client, auth, world):
    project = world.project_a
    project.status = ProjectStatus.CLOSED
    db.session.commit()
    board_id = project.boards[0].id
    write(board_id, "c1", "Prima versione")
    auth.login(world.organizer.email)
    post_form(
        client, f"/library/cases/publish/{project.id}", {"title": "Caso", "boards": [board_id]}
    )
    write(board_id, "c2", "Seconda versione")
    post_form(
        client, f"/library/cases/publish/{project.id}", {"title": "Caso", "boards": [board_id]}
    )
    case = db.session.scalar(sa.select(CaseHistory))
    page = client.get(f"/library/cases/{case.id}").get_data(as_text=True)
    assert "Prima versione" in page and "Seconda versione" in page
    assert (count(CaseHistory), count(CaseBoard)) == (1, 1)


def test_the_demo_seeds_a_few_materials_once(app, client, auth):
    from workshop import demo
    from workshop.demo import library as demo_library

    demo.load(db.session)
    db.session.commit()
    root = Path(app.instance_path) / "library"
    assert demo.load_library(db.session, root) == 3
    db.session.commit()
    assert demo.load_library(db.session, root) == 0  # again: nothing new
    assert (count(Material), count(MaterialProject), len(library_files(app))) == (3, 3, 2)
    auth.login(demo.DEMO_ORGANIZER_EMAIL, demo.DEMO_PASSWORD)
    summary = db.session.scalar(sa.select(Material).where(Material.file_type == "txt"))
    with client.get(f"/library/materials/{summary.id}/file") as response:
        assert response.get_data() == demo_library.DEMO_ART55_SUMMARY.encode("utf-8")
    assert "Art. 55 del Codice del Terzo settore: sintesi" in client.get(
        "/library/?tag=art.+55"
    ).get_data(as_text=True)
