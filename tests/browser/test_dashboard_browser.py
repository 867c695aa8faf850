"""What an organizer sees after a lab, in real Chromium: the review dashboard of the demo
project (a lab with a meeting, a live session run on the context board with two phases and
closed, so its automatic snapshots exist), a board's read-only history stepped through, and the
whole project downloaded as one ZIP and opened. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.browser import test_canvas_browser
from tests.browser.test_board_browser import ARTIFACTS, WAIT_MS, Person
from tests.support.browser_site import run_script

pytestmark = [pytest.mark.browser, pytest.mark.slow]

site = test_canvas_browser.site  # the fixture, which the tests take by name

# The demo project after a meeting: a lab holding it, and a live session on its context board
# that went through the writing and clustering phases and was closed.
AFTER_A_LAB = """
import json, datetime, sqlalchemy as sa
from workshop import create_app
from workshop.demo import DEMO_PROJECT_TITLE
from workshop.extensions import db
from workshop.models import Project, utcnow
from workshop.rooms import labs, service as rooms
names = rooms.SnapshotNames(
    phases={"write": "scrittura", rooms.PRIVATE_WRITE: "scrittura privata", "cluster": "raggruppamento",
            "vote": "voto", "discuss": "discussione"},
    phase_end="Fine fase: %(phase)s", session_end_text="Fine sessione dal vivo")
app = create_app()
with app.app_context():
    project = db.session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
    context = next(b for b in project.boards if str(b.kind) == "context" and not b.title)
    lab = labs.create_lab(db.session, "Laboratorio di co-progettazione 2026",
                          [(datetime.date(2026, 3, 12), "Analisi del contesto")], [project.id], None)
    db.session.commit()
    live = rooms.open_session(db.session, context, "u:1", "Plenaria", utcnow())
    labs.attach_meeting(db.session, live, lab.meetings[0].id)
    rooms.enter(db.session, live, rooms.plenary_of(live), "p:1", "Bea", utcnow())
    rooms.set_phase(db.session, live, live.rooms, "write", None, "u:1", names)
    rooms.set_phase(db.session, live, live.rooms, "cluster", None, "u:1", names)
    rooms.close_session(db.session, live, utcnow(), names, closed_by="u:1")
    print(json.dumps({"context": context.id, "project": project.id}))
"""


@pytest.fixture(scope="module")
def after_a_lab(site):
    return run_script(site["env"], ["-c", AFTER_A_LAB])


def test_the_organizer_reviews_a_lab_steps_a_history_and_downloads_the_project(
    browser, site, after_a_lab
):
    organizer = Person(browser, site, viewport=(1366, 900)).log_in()
    page = organizer.page
    ARTIFACTS.mkdir(exist_ok=True)

    # The dashboard, reached from the main menu.
    page.click("nav.site-nav a:has-text('Revisione')")
    page.wait_for_selector("h1:has-text('Revisione')")
    assert page.locator("h2").all_inner_texts()[:3] == [
        "Laboratori",
        "Progetti",
        "Istantanee recenti",
    ]
    assert page.locator("caption:has-text('Laboratorio di co-progettazione 2026')").count() == 1
    assert (
        "Fine sessione dal vivo"
        in page.locator(
            "#dash-snapshots + div, section[aria-labelledby=dash-snapshots]"
        ).first.inner_text()
    )
    project = page.locator(f"#project-{after_a_lab['project']}")
    context_row = project.locator(
        "tr", has=page.locator("th:has-text('Analisi del contesto')")
    ).first
    cells = context_row.locator("td").all_inner_texts()
    assert int(cells[0]) > 0 and int(cells[2]) == 2  # items; the end of writing and the close
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    # The downloads menu opens from the keyboard.
    summary = context_row.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert context_row.locator("details").get_attribute("open") is not None
    assert context_row.locator("details a:has-text('JSON')").is_visible()
    context_row.locator("details a:has-text('PNG')").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "dashboard-downloads.png"))

    # The board's read-only history: start, then one change at a time.
    context_row.locator("a:has-text('Storia (sola lettura)')").click()
    page.wait_for_selector("#review")
    snapshots = page.locator("section[aria-labelledby=snapshots-title] li").all_inner_texts()
    assert any("Fine fase: scrittura" in s for s in snapshots) and any(
        "Fine sessione dal vivo" in s for s in snapshots
    )
    last = int(page.locator("#review").get_attribute("data-last"))
    page.click("[data-review=first]")
    first = int(page.locator("#review").get_attribute("data-first"))
    for _step in range(3):
        page.click("[data-review=next]")
    assert page.locator("[data-review=slider]").input_value() == str(min(first + 3, last))
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-review=image]'); "
        "return img.complete && img.naturalWidth > 0; }",
        timeout=WAIT_MS,
    )
    assert page.locator("[data-review=position]").inner_text() == f"Modifica {first + 3} di {last}"
    page.screenshot(path=str(ARTIFACTS / "dashboard-history-step.png"), full_page=False)

    # The whole project as one ZIP.
    page.go_back()
    page.wait_for_selector("h1:has-text('Revisione')")
    with page.expect_download() as waiting:
        project.locator("a:has-text('Scarica tutto il progetto (ZIP)')").click()
    download = waiting.value
    with open(download.path(), "rb") as file:
        archive = zipfile.ZipFile(io.BytesIO(file.read()))
    names = archive.namelist()
    for name in names:
        archive.read(name)
    assert (
        "LEGGIMI-README.txt" in names
        and "progetto.json" in names
        and "registro-attori.csv" in names
    )
    assert any(n.startswith("sessioni-dal-vivo/presenze-") for n in names)
    assert any(n.endswith("report-sociale.pdf") for n in names) and any(
        n.endswith("quadro-logico.xlsx") for n in names
    )
    (ARTIFACTS / "dashboard-zip-contents.txt").write_text(
        archive.read("LEGGIMI-README.txt").decode(), encoding="utf-8"
    )
    assert organizer.errors == []
