"""The social report: drafted from the boards, read on the site, downloaded as PDF and DOCX and
read back, and given back to the community through a public link that can be revoked."""

from __future__ import annotations

import io
import re

import docx
from pypdf import PdfReader

from tests.conftest import csrf_token
from workshop.boards import service
from workshop.boards.ops import parse_action, parse_change
from workshop.boards.state import Actor
from workshop.extensions import db
from workshop.models import ReportLink

CONDUCTOR = Actor("u:1", "Carla", may_conduct=True)
SECRET_STORY = "Questa storia resta riservata"


def _board(world, kind):
    return next(b for b in world.project_a.boards if b.kind.value == kind)


def _change(board_id, ops, name):
    service.apply_change(
        db.session,
        parse_change({"board_id": board_id, "change_id": name, "client_id": "t", "ops": ops}),
        CONDUCTOR,
    )


def _fill(world):
    theory, reporting = _board(world, "theory_of_change"), _board(world, "social_reporting")
    _change(
        theory.id,
        [
            {
                "op": "create",
                "id": "g",
                "type": "outcome",
                "fields": {"text": "Famiglie meno isolate", "is_goal": True},
            },
            {
                "op": "create",
                "id": "k",
                "type": "indicator",
                "fields": {
                    "name": "Famiglie con una rete di aiuto",
                    "of": "g",
                    "target": 40,
                    "target_minimum": 30,
                    "unit": "famiglie",
                },
            },
        ],
        "toc-1",
    )
    _change(
        reporting.id,
        [
            {
                "op": "create",
                "id": "m1",
                "type": "measurement",
                "fields": {"indicator": "k", "date": "2026-01-10", "value": 18},
            },
            {
                "op": "create",
                "id": "m2",
                "type": "measurement",
                "fields": {"indicator": "k", "date": "2026-05-10", "value": 33},
            },
            {
                "op": "create",
                "id": "s1",
                "type": "story",
                "fields": {
                    "text": "Il sabato non siamo più soli",
                    "consent": True,
                    "teller": "Maria",
                },
            },
            {
                "op": "create",
                "id": "s2",
                "type": "story",
                "fields": {"text": SECRET_STORY, "consent": False, "teller": "Giulia"},
            },
        ],
        "rep-1",
    )
    return reporting


def _draft(board_id, lang="it"):
    request = parse_action(
        {
            "board_id": board_id,
            "change_id": f"draft-{lang}",
            "client_id": "t",
            "action": "draft_social_report",
            "args": {"lang": lang},
        }
    )
    return service.run_action(
        db.session, request.change, request.action, request.args, CONDUCTOR, may_edit=True
    )


def test_the_report_is_drafted_read_and_downloaded_with_no_story_lacking_consent(
    client, world, become
):
    reporting = _fill(world)
    applied = _draft(reporting.id)
    assert len(applied.ops) == 8
    become("participant_a")
    page = client.get(f"/boards/{reporting.id}/report").get_data(as_text=True)
    assert (
        "1. Nota metodologica" in page
        and "8. Monitoraggio svolto dall&#39;organo di controllo" in page
    )
    assert "Il sabato non siamo più soli" in page and SECRET_STORY not in page
    assert "33 famiglie" in page and "sopra l'obiettivo minimo" in page and "<svg" in page

    pdf = client.get(f"/boards/{reporting.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    flat = re.sub(r"\s+", " ", text)
    for heading in (
        "Nota metodologica",
        "Identità del progetto",
        "Governance del tavolo",
        "Risorse",
        "Monitoraggio",
    ):
        assert heading in flat
    assert "ultimo valore 33 famiglie" in flat and "non è il bilancio sociale di un ente" in flat
    assert SECRET_STORY not in flat and "Giulia" not in flat

    document = docx.Document(io.BytesIO(client.get(f"/boards/{reporting.id}/report.docx").data))
    paragraphs = [p.text for p in document.paragraphs]
    assert (
        "Rendicontazione sociale di progetto ispirata alle Linee guida del DM 4 luglio 2019"
        in paragraphs
    )
    assert "5. Obiettivi e attività" in paragraphs
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert (
        "Famiglie con una rete di aiuto" in cells
        and "33 famiglie" in cells
        and "sopra l'obiettivo minimo" in cells
    )
    assert not any(SECRET_STORY in p for p in paragraphs)
    assert len(document.inline_shapes) == 1  # the indicator's chart


def test_an_undrafted_report_is_drafted_on_the_fly_and_says_so(client, world, become):
    reporting = _fill(world)
    become("conductor_a")
    page = client.get(f"/boards/{reporting.id}/report").get_data(as_text=True)
    assert "Bozza generata dalle lavagne" in page and "2. Identità del progetto" in page
    assert client.get(f"/boards/{_board(world, 'context').id}/report").status_code == 404


def test_a_public_link_opens_the_report_without_login_until_it_is_revoked(client, world, become):
    reporting = _fill(world)
    _draft(reporting.id, "en")
    become("conductor_a")
    response = client.post(
        f"/boards/{reporting.id}/report/links",
        data={"csrf_token": csrf_token(client), "lang": "en"},
    )
    assert response.status_code == 302
    link = db.session.query(ReportLink).filter_by(board_id=reporting.id).one()
    assert len(link.token) == 43 and link.lang == "en"
    become("anonymous")
    public = client.get(f"/r/{link.token}")
    assert public.status_code == 200
    body = public.get_data(as_text=True)
    assert (
        "Project social report inspired by the Guidelines of DM 4 July 2019" in body
        and "1. Methodology" in body
    )
    assert SECRET_STORY not in body and "DRAFT" in body
    assert (
        public.headers["X-Robots-Tag"] == "noindex, nofollow"
        and public.headers["Cache-Control"] == "no-store"
    )
    assert "Log in" not in body and "/boards/" not in body  # nothing beyond the report
    assert client.get(f"/r/{link.token[:-1]}x").status_code == 404
    assert client.get("/r/short").status_code == 404

    become("conductor_a")
    client.post(
        f"/boards/{reporting.id}/report/links/{link.id}/revoke",
        data={"csrf_token": csrf_token(client)},
    )
    become("anonymous")
    assert client.get(f"/r/{link.token}").status_code == 404


def test_bad_link_requests_change_nothing(client, world, become):
    reporting = _fill(world)
    become("conductor_a")
    assert (
        client.post(
            f"/boards/{reporting.id}/report/links",
            data={"csrf_token": csrf_token(client), "lang": "fr"},
        ).status_code
        == 400
    )
    assert (
        client.post(f"/boards/{reporting.id}/report/links", data={"lang": "it"}).status_code == 400
    )  # no CSRF token
    context = _board(world, "context")
    assert (
        client.post(
            f"/boards/{context.id}/report/links",
            data={"csrf_token": csrf_token(client), "lang": "it"},
        ).status_code
        == 404
    )
    assert db.session.query(ReportLink).count() == 0


def test_the_demo_projects_report_reads_back_with_its_boards_numbers(app, client):
    """The demo project, loaded as `bin/run` loads it: its report as PDF and DOCX, read back."""
    from workshop import demo
    from workshop.models import Project, User

    result = demo.load(db.session)
    project = db.session.get(Project, result.project_id)
    reporting = next(b for b in project.boards if b.kind.value == "social_reporting")
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

    boards = {
        b.kind.value: {it["id"]: it for it in service.live_items(db.session, b.id)}
        for b in project.boards
    }
    budget = sum(
        it["fields"]["amount"]
        for it in boards["stakeholders"].values()
        if it["type"] == "budget_line"
    )
    latest = max(boards["social_reporting"].values(), key=lambda it: it["fields"].get("date", ""))[
        "fields"
    ]["value"]
    secret = next(
        it
        for it in boards["social_reporting"].values()
        if it["type"] == "story" and not it["fields"]["consent"]
    )

    text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(client.get(f"/boards/{reporting.id}/report.pdf").data)).pages
    )
    flat = re.sub(r"\s+", " ", text)
    for n, heading in enumerate(
        (
            "Nota metodologica",
            "Identità del progetto",
            "Governance del tavolo",
            "Persone",
            "Obiettivi e attività",
            "Risorse",
            "Altre informazioni",
            "Monitoraggio svolto dall'organo di controllo",
        ),
        start=1,
    ):
        assert f"{n}. {heading}" in flat
    assert f"ultimo valore {latest} famiglie" in flat
    # §6 from the co-funding ledger: public and private apart, and the same total as the ledger.
    from workshop import ledger

    by_source = ledger.summary(db.session, project).by_source
    total = sum(t.planned for t in by_source.values())
    assert total == budget  # the board's budget lines moved into the ledger, nothing lost

    def it(amount):
        return f"{amount:,.2f} €".replace(",", "X").replace(".", ",").replace("X", ".")

    assert f"Totale previsto: {it(total)}" in flat
    assert f"Contributi pubblici: {it(by_source['public'].planned)}" in flat
    private = by_source["third_sector"].planned + by_source["private"].planned
    assert (
        f"Contributi privati: {it(private)}, di cui enti del Terzo settore {it(by_source['third_sector'].planned)}"
        in flat
    )
    assert "Cofinanziamento per partner: " in flat and "Per categoria di costo: " in flat
    # The record's identity in §2, the RUP under its own label, dates in Italian.
    for expected in (
        f"Avviso: {demo.DEMO_RECORD['notice_name']}",
        f"Amministrazione procedente: {demo.DEMO_RECORD['proposing_body']}",
        f"Responsabile del procedimento: {demo.DEMO_RECORD['rup']}",
        f"CUP: {demo.DEMO_RECORD['cup']}",
        "Strumento: co-progettazione (art. 55 CTS)",
        "Convenzione sottoscritta il 30 settembre 2025",
        "Da completare a cura dell'ente",
        "Non applicabile: il monitoraggio dell'organo di controllo",
        "BOZZA",
    ):
        assert expected in flat, expected
    assert "Ente procedente" not in flat and "Ente proponente" not in flat
    assert not re.search(r"\b(al|il) \d{4}-\d{2}-\d{2}", flat)  # no ISO date in prose
    assert secret["fields"]["text"][:30] not in flat and secret["fields"]["teller"] not in flat

    document = docx.Document(io.BytesIO(client.get(f"/boards/{reporting.id}/report.docx").data))
    body = "\n".join(p.text for p in document.paragraphs)
    assert project.title in body and "8. Monitoraggio svolto dall'organo di controllo" in body
    assert secret["fields"]["text"][:30] not in body
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert f"{latest} famiglie" in cells


def _pdf_text(data: bytes) -> str:
    return re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    )


def test_a_report_is_a_bozza_everywhere_until_approved_with_its_period(client, world, become):
    reporting = _fill(world)
    _draft(reporting.id)
    become("conductor_a")
    page = client.get(f"/boards/{reporting.id}/report").get_data(as_text=True)
    assert "BOZZA" in page and "Periodo di rendicontazione: da indicare." in page
    assert "ispirata alle Linee guida del DM 4 luglio 2019" in page
    pdf = _pdf_text(client.get(f"/boards/{reporting.id}/report.pdf").data)
    assert "BOZZA" in pdf and "ispirata alle Linee guida del DM 4 luglio 2019" in pdf
    document = docx.Document(io.BytesIO(client.get(f"/boards/{reporting.id}/report.docx").data))
    assert "BOZZA" in [p.text for p in document.paragraphs]

    # Approving needs a period; a reversed period is refused and changes nothing.
    token = csrf_token(client)
    client.post(f"/boards/{reporting.id}/report/approve", data={"csrf_token": token})
    assert "BOZZA" in client.get(f"/boards/{reporting.id}/report").get_data(as_text=True)
    client.post(
        f"/boards/{reporting.id}/report/period",
        data={"csrf_token": token, "period_from": "2026-12-31", "period_to": "2026-01-01"},
    )
    assert "Periodo di rendicontazione: da indicare." in client.get(
        f"/boards/{reporting.id}/report"
    ).get_data(as_text=True)
    client.post(
        f"/boards/{reporting.id}/report/period",
        data={"csrf_token": token, "period_from": "2026-01-01", "period_to": "2026-12-31"},
    )
    # A public link made now shows a draft, marked as such.
    client.post(f"/boards/{reporting.id}/report/links", data={"csrf_token": token, "lang": "it"})
    link = db.session.query(ReportLink).filter_by(board_id=reporting.id).one()

    # A participant may read the report but not approve it.
    become("participant_a")
    assert (
        client.post(
            f"/boards/{reporting.id}/report/approve", data={"csrf_token": csrf_token(client)}
        ).status_code
        == 403
    )
    become("anonymous")
    public = client.get(f"/r/{link.token}").get_data(as_text=True)
    assert "BOZZA" in public and "dal 1 gennaio 2026 al 31 dicembre 2026" in public

    become("conductor_a")
    client.post(f"/boards/{reporting.id}/report/approve", data={"csrf_token": csrf_token(client)})
    page = client.get(f"/boards/{reporting.id}/report").get_data(as_text=True)
    assert "Approvata da " in page and "report-bozza" not in page
    pdf = _pdf_text(client.get(f"/boards/{reporting.id}/report.pdf").data)
    assert (
        "BOZZA" not in pdf
        and "Approvata da" in pdf
        and "dal 1 gennaio 2026 al 31 dicembre 2026" in pdf
    )
    document = docx.Document(io.BytesIO(client.get(f"/boards/{reporting.id}/report.docx").data))
    texts = [p.text for p in document.paragraphs]
    assert "BOZZA" not in texts and any(t.startswith("Approvata da") for t in texts)
    become("anonymous")
    assert "BOZZA" not in client.get(f"/r/{link.token}").get_data(as_text=True)

    # A change on the board after the approval (a new measurement) makes it a draft again.
    _change(
        reporting.id,
        [
            {
                "op": "create",
                "id": "m3",
                "type": "measurement",
                "fields": {"indicator": "k", "date": "2026-11-10", "value": 36},
            }
        ],
        "rep-late",
    )
    become("conductor_a")
    assert "modificata dopo l&#39;approvazione" in client.get(
        f"/boards/{reporting.id}/report"
    ).get_data(as_text=True)
    client.post(f"/boards/{reporting.id}/report/approve", data={"csrf_token": csrf_token(client)})
    assert "BOZZA" not in _pdf_text(client.get(f"/boards/{reporting.id}/report.pdf").data)

    # A new period is another report: a draft again.
    become("conductor_a")
    client.post(
        f"/boards/{reporting.id}/report/period",
        data={
            "csrf_token": csrf_token(client),
            "period_from": "2027-01-01",
            "period_to": "2027-12-31",
        },
    )
    assert "BOZZA" in _pdf_text(client.get(f"/boards/{reporting.id}/report.pdf").data)
