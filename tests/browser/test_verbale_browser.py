"""Issue 17's verbale in real Chromium, in Italian: the conductor opens a live session for today's
lab meeting, selects a problem card and marks it "Decisione" from the conductor panel's
"Decisioni" section with the keyboard; a participant (registered, with her personal invite's code)
sees the chip on the card; the conductor writes a minority position in the decision log and closes
the session. The organizer opens the verbale, completes the draft (place, agenda), saves it and
sends it for comments: the attendee opens her personal link with no account and comments; the
organizer approves and the verbale is frozen (no form, a PDF without "BOZZA").

Screenshots at 1366x768, 768x1024 and 390x844 go to test-artifacts/verbale-*.png, and to
$SHOTS_DIR when it is set."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.test_board_browser import (  # noqa: F401 - the people fixture
    ARTIFACTS,
    WAIT_MS,
    Person,
    _unavailable,
    people,
)
from tests.browser.test_live_ui_browser import axe, no_raw_code
from tests.support.live_server import ROOT, LiveServer, flask_command

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORTS = {"desktop": (1366, 768), "tablet": (768, 1024), "phone": (390, 844)}
DESKTOP = VIEWPORTS["desktop"]
PHONE = VIEWPORTS["phone"]
MINORITY = "La APS Quartieri chiede di partire dai quartieri periferici."
COMMENT = "Manca la proposta del doposcuola del sabato."
# Words of the English interface that must not show on an Italian page.
ENGLISH = ("Decision", "Minority position", "Draft", "Approve", "Send for comments", "Attendees")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A real server on a scratch SQLite database: the demo, a lab meeting today with two
    registered attendees."""
    if not (ROOT / "templates" / "base.html").exists():
        _unavailable("templates/base.html is missing: the board page extends it")
    tmp = tmp_path_factory.mktemp("verbale-browser")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'verbale.sqlite3'}",
        "WORKSHOP_INSTANCE_DIR": str(tmp / "instance"),
        "SOCKETIO_ASYNC_MODE": "gevent",
        "WORKSHOP_ENV": "development",
        "PYTHONPATH": str(ROOT),
        "WORKSHOP_LOGIN_RATE_LIMIT": "1000 per minute",
        "WORKSHOP_JOIN_RATE_LIMIT": "1000 per minute",
    }
    flask_command(env, "db", "upgrade")
    flask_command(env, "demo", "load")
    facts = _script(env)
    server = LiveServer(
        {k: v for k, v in env.items() if k != "PYTHONPATH"}, log_path=tmp / "server.log"
    )
    server.start()
    facts["url"] = server.url
    facts["env"] = env
    yield facts
    server.stop()


def _script(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.browser.verbale_setup", *args],
        env={**env, "SOCKETIO_ASYNC_MODE": "threading"},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def shot(person: Person, name: str, sizes=("desktop", "tablet", "phone"), focus: str | None = None):
    """The page at each size (the viewport, scrolled to `focus` when given); back to desktop."""
    ARTIFACTS.mkdir(exist_ok=True)
    extra = Path(os.environ["SHOTS_DIR"]) if os.environ.get("SHOTS_DIR") else None
    for size in sizes:
        width, height = VIEWPORTS[size]
        person.page.set_viewport_size({"width": width, "height": height})
        if focus:
            person.page.locator(focus).first.evaluate("(n) => n.scrollIntoView({block: 'start'})")
        path = ARTIFACTS / f"verbale-{name}-{size}.png"
        person.page.screenshot(path=str(path))
        if extra:
            extra.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, extra / path.name)
    person.page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})


def pdf_first_page(pdf: bytes, name: str) -> str:
    """The PDF's text; its first page drawn to a PNG with pdftoppm when it is installed."""
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "verbale.pdf"
        source.write_bytes(pdf)
        if shutil.which("pdftoppm"):
            stem = ARTIFACTS / f"verbale-{name}"
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", source, stem],
                check=True,
            )
            if os.environ.get("SHOTS_DIR"):
                shutil.copy(f"{stem}.png", Path(os.environ["SHOTS_DIR"]) / f"verbale-{name}.png")
        from io import BytesIO

        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def italian_only(person: Person, where: str) -> None:
    no_raw_code(person, where)
    text = person.page.locator("main").inner_text()
    for word in ENGLISH:
        assert not re.search(rf"\b{word}\b", text), f"{where}: English {word!r} on an Italian page"


def test_a_decision_marked_live_reaches_an_approved_verbale(people, site):  # noqa: F811
    board = site["board"]
    carla = people().log_in()
    carla.set_language("it")
    carla.open(board)
    anna = people().join("Anna Rossi", code=site["codes"]["Anna Rossi"])
    anna.set_language("it")
    anna.open(board)

    # The conductor opens the session for today's meeting.
    carla.wait("() => window.tavoloBoard?.connection?.joined")
    assert not carla.errors, carla.errors
    carla.page.click("#conductor-toggle")
    meeting = carla.page.locator('#conductor-panel [data-input="meeting"]')
    assert meeting.input_value() == str(site["meeting"])
    carla.page.click('#conductor-panel [data-conduct="open"]')
    anna.page.wait_for_selector("#rooms-bar:not([hidden])", timeout=WAIT_MS)
    carla.page.wait_for_selector("#conductor-panel .conductor-decisions", timeout=WAIT_MS)

    # A typed card (a problem), selected, marked "Decisione" with the keyboard.
    problem = carla.js(
        "() => [...window.tavoloBoard.state.items()].find(i => i.type === 'problem').id"
    )
    carla.js("(id) => window.tavoloBoard.select([id], {focus: false})", problem)
    decide = carla.page.locator('#conductor-panel [data-decide="mark-decision"]')
    assert decide.inner_text() == "Segna come decisione"
    decide.focus()
    carla.page.keyboard.press("Enter")
    chip = f'[data-id="{problem}"] > .item-mark'
    for person in (carla, anna):
        person.wait("(id) => window.tavoloBoard.renderer.marks?.get(id) === 'decision'", problem)
        person.js("() => window.tavoloBoard.renderer.fitAll()")  # the whole board in view
        person.page.wait_for_selector(chip, timeout=WAIT_MS)
        assert person.page.locator(chip).inner_text() == "Decisione"
        label = person.page.locator(f'[data-id="{problem}"]').get_attribute("aria-label")
        assert label.endswith(", Decisione"), label
    # The panel redrew with the mark: the keyboard's focus stayed on the button.
    assert carla.js("() => document.activeElement?.dataset?.decide") == "mark-decision"
    assert anna.page.locator("#conductor-panel .conductor-decisions").count() == 0

    # A minority position, written in the log.
    carla.page.select_option('#conductor-panel [data-input="decision-kind"]', "minority")
    carla.page.fill('#conductor-panel [data-input="decision-text"]', MINORITY)
    carla.page.click('#conductor-panel [data-decide="log"]')
    log = carla.page.locator("#conductor-panel .decision-log")
    log.locator(".decision-minority").wait_for(timeout=WAIT_MS)
    assert MINORITY in log.inner_text()
    assert "Posizione di minoranza" in log.inner_text()
    for person in (carla, anna):  # close enough to read the chip
        person.js(
            "(id) => { const r = window.tavoloBoard.renderer; r.setCamera({zoom: 0.8}); r.reveal(id); }",
            problem,
        )
    shot(carla, "1-conductor-decisions", focus="#conductor-panel .conductor-decisions")
    shot(anna, "2-participant-chip", sizes=("desktop", "phone"))
    axe(carla, "conductor's Decisions section")
    no_raw_code(carla, "conductor's panel")

    carla.page.click('#conductor-panel [data-conduct="close"]')
    carla.page.wait_for_selector(".live-close-dialog[open]", timeout=WAIT_MS)
    carla.page.click(".live-close-dialog .board-button-danger")
    anna.page.wait_for_selector("#rooms-bar", state="hidden", timeout=WAIT_MS)

    # The organizer opens the meeting's verbale: none yet, so the page offers to prepare it
    # (opening the link made nothing); she does, then completes and saves the draft.
    url = site["url"]
    carla.page.goto(f"{url}/projects/{site['project']}/meetings/{site['meeting']}/verbale")
    page = carla.page
    assert "non ha ancora un verbale" in page.locator("main").inner_text()
    shot(carla, "0-prepare", sizes=("desktop", "phone"))
    page.click("button:has-text('Prepara il verbale')")
    page.wait_for_url("**/verbali/**", timeout=WAIT_MS)
    assert "/verbali/" in page.url
    verbale_url = page.url
    verbale_id = int(verbale_url.rstrip("/").rsplit("/", 1)[-1])
    article = page.locator("article.verbale")
    assert "BOZZA" in article.inner_text()
    assert "Anna Rossi" in article.inner_text() and "Cooperativa Il Melo" in article.inner_text()
    assert "Carla Verdi" in article.inner_text()  # registered, did not come
    assert MINORITY in page.locator(".verbale-minority").inner_text()
    assert page.locator(".verbale-decisions li").count() == 1
    page.fill("input[name=place]", "Sala consiliare, Comune di Lecce")
    page.fill(
        "textarea[name=agenda]", "Apertura dei lavori\nAnalisi dei bisogni\nVarie ed eventuali"
    )
    page.click("form:has(input[name=place]) button[type=submit]")
    assert page.locator(".flashes").inner_text() == "Verbale salvato."
    assert "Sala consiliare, Comune di Lecce" in article.inner_text()
    assert "Analisi dei bisogni" in article.inner_text()
    shot(carla, "3-draft")
    axe(carla, "the verbale's draft")
    italian_only(carla, "the draft")

    # Sent for comments: each attendee with an e-mail gets a personal link.
    until = date.today() + timedelta(days=7)
    page.fill("input[name=until]", until.isoformat())
    page.click("form[action$='/send'] button[type=submit]")
    page.wait_for_url(verbale_url)
    assert "Inviato per le osservazioni a 2 persone." in page.locator(".flashes").inner_text()
    tokens = _script(site["env"], "link", str(verbale_id))
    # Anna by her registration, the conductor by her account; Carla did not come.
    assert sorted(tokens) == ["anna.rossi@example.org", "organizzatrice@demo.local"], tokens

    # She opens it with no account (a fresh browser), reads and comments.
    guest = people(viewport=PHONE)
    guest.page.goto(f"{url}/verbale/{tokens['anna.rossi@example.org']}")
    assert "Anna Rossi" in guest.page.locator("main").inner_text()
    assert "Sala consiliare" in guest.page.locator("article.verbale").inner_text()
    guest.page.fill("textarea[name=text]", COMMENT)
    guest.page.click("main form button[type=submit]")
    guest.page.wait_for_selector(
        f"blockquote.verbale-comment:has-text('{COMMENT}')", timeout=WAIT_MS
    )
    shot(guest, "4-attendee-comment", sizes=("phone",))
    axe(guest, "the attendee's page")
    italian_only(guest, "the attendee's page")

    # The organizer reads the comment, then approves: frozen, the PDF is no longer a draft.
    page.reload()
    assert COMMENT in page.locator("main").inner_text()
    pdf_draft = page.request.get(f"{verbale_url}.pdf").body()
    assert "BOZZA" in pdf_first_page(pdf_draft, "5-pdf-draft")
    page.click("form[action$='/approve'] button[type=submit]")
    page.wait_for_url(verbale_url)
    assert page.locator("input[name=place]").count() == 0
    assert page.locator("form[action$='/send']").count() == 0
    assert "BOZZA" not in page.locator("article.verbale").inner_text()
    assert "Approvato" in page.locator("main").inner_text()
    shot(carla, "6-approved")
    italian_only(carla, "the approved verbale")
    pdf = page.request.get(f"{verbale_url}.pdf").body()
    text = pdf_first_page(pdf, "7-pdf-approved")
    assert "BOZZA" not in text
    assert "Sala consiliare" in text and MINORITY in text
    # The link now shows the approved verbale and takes no more comments.
    guest.page.reload()
    assert guest.page.locator("textarea[name=text]").count() == 0
