"""Rooms in real Chromium against a real server: a conductor's page and two participants' pages.
The timer, private writing and the reveal, a move to a group (the page switches board without a
reload), the group's thumbnail on the conductor's overview, and everyone back to the plenary.
Screenshots go to test-artifacts/rooms-*.png."""

from __future__ import annotations

import pytest

# The browser is the session's (tests/browser/conftest.py): one Playwright driver per run.
from tests.browser.test_board_browser import (  # noqa: F401 - the people fixture
    ARTIFACTS,
    WAIT_MS,
    Person,
    _unavailable,
    people,
)
from tests.browser.test_foundation_browser import AXE_JS, check_axe
from tests.support.browser_site import demo_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A real server on a scratch SQLite database holding the demo and two free boards."""
    with demo_site(
        tmp_path_factory, "rooms", setup=["-m", "tests.browser.board_setup", "2", "0"]
    ) as facts:
        yield facts


def shot(person: Person, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    person.page.screenshot(path=str(ARTIFACTS / f"rooms-{name}.png"))


def note_texts(person: Person) -> set[str]:
    return {i["fields"].get("text") for i in person.shown() if i["type"] == "sticky"}


def conduct(person: Person, action: str) -> None:
    person.page.click(f'#conductor-panel [data-conduct="{action}"]')


def test_conductor_and_two_participants_timer_private_writing_groups_and_back(people, site):  # noqa: F811
    board = site["boards"][0]
    carla = people().log_in().open(board)
    bea = people().join("Bea").open(board)
    dario = people().join("Dario").open(board)

    # The conductor opens the panel and a live session; the participants see the room bar.
    carla.page.click("#conductor-toggle")
    conduct(carla, "open")
    for person in (bea, dario):
        person.page.wait_for_selector("#rooms-bar:not([hidden])", timeout=WAIT_MS)
    assert bea.page.locator("#conductor-toggle").is_hidden()  # no controls for participants

    # Timer: five minutes, counted down on every page from the server's state.
    carla.page.fill('[data-input="timer-minutes"]', "5")
    conduct(carla, "timer-start")
    bea.page.wait_for_function(
        "() => /^[45]:\\d\\d$/.test(document.querySelector('.rooms-timer').textContent)",
        timeout=WAIT_MS,
    )
    first = bea.page.locator(".rooms-timer").inner_text()
    bea.page.wait_for_timeout(1500)
    assert bea.page.locator(".rooms-timer").inner_text() != first  # it counts down locally
    shot(carla, "1-conductor-timer")
    shot(bea, "1-participant-timer")
    # No serious or critical WCAG problem in the panel or in the room bar.
    if AXE_JS.exists():
        for person, label in ((carla, "conductor's panel"), (bea, "participant's room bar")):
            # Evaluated, not a script tag: the Content-Security-Policy refuses inline scripts.
            person.page.evaluate(AXE_JS.read_text(encoding="utf-8"))
            check_axe(person.page, label)

    # Private writing, anonymous: each participant sees only their own new note.
    carla.page.check('[data-input="anonymous"]')
    conduct(carla, "private")
    bea.page.wait_for_selector(".rooms-private:not([hidden])", timeout=WAIT_MS)
    bea.page.click("#board-viewport")
    bea.new_sticky_by_keyboard("Idea di Bea")
    dario.page.click("#board-viewport")
    dario.new_sticky_by_keyboard("Idea di Dario")
    bea.wait_settled()
    dario.wait_settled()
    carla.wait(
        "() => [...window.tavoloBoard.state.items()].filter(i => i.type === 'sticky').length === 2"
    )
    dario.page.wait_for_timeout(500)
    assert note_texts(dario) == {"Idea di Dario"}
    assert note_texts(bea) == {"Idea di Bea"}
    assert note_texts(carla) == {"Idea di Bea", "Idea di Dario"}
    shot(dario, "2-participant-private")
    shot(carla, "2-conductor-private")

    # The reveal: everyone sees every note; the authors stay anonymous to their peers.
    conduct(carla, "reveal")
    dario.wait(
        "() => [...window.tavoloBoard.state.items()].filter(i => i.type === 'sticky').length === 2"
    )
    beas = next(i for i in dario.shown() if i["fields"].get("text") == "Idea di Bea")
    assert beas["fields"]["author"] == ""
    shot(dario, "3-participant-revealed")

    # Groups: two of them; Bea is moved to the first and her page switches board, no reload.
    conduct(carla, "groups-count")
    carla.page.wait_for_selector(".room-card >> nth=2", timeout=WAIT_MS)
    marker = bea.js("() => (window.__sameDocument = 'still here')")
    bea_identity = bea.js("() => window.tavoloBoard.connection.me.identity")
    carla.page.wait_for_selector(f'select[data-move="{bea_identity}"]', timeout=WAIT_MS)
    group_rooms = carla.js(
        "() => window.tavoloBoard.rooms.live.session.rooms.filter(r => !r.is_plenary)"
    )
    carla.page.select_option(f'select[data-move="{bea_identity}"]', str(group_rooms[0]["id"]))
    group_board = group_rooms[0]["board_id"]
    bea.wait(
        f"() => window.tavoloBoard.boardId === {group_board} && window.tavoloBoard.connection.joined"
    )
    assert bea.js("() => window.__sameDocument") == marker
    assert bea.page.url.endswith(f"/boards/{group_board}")
    bea.page.wait_for_function(
        "(name) => document.querySelector('.rooms-name').textContent === name",
        arg=group_rooms[0]["name"],
        timeout=WAIT_MS,
    )
    assert note_texts(bea) == set()  # the group board starts from the template, without notes
    bea.page.click("#board-viewport")
    bea.new_sticky_by_keyboard("Nota del gruppo 1")
    bea.wait_settled()
    # The conductor's overview draws the group's board, and it updates live.
    carla.page.wait_for_function(
        f"""() => {{
            const card = document.querySelector('.room-card[data-room-id="{group_rooms[0]["id"]}"]');
            return card && card.querySelectorAll('rect.thumb-sticky').length === 1;
        }}""",
        timeout=WAIT_MS,
    )
    assert dario.js("() => window.tavoloBoard.boardId") == board
    shot(bea, "4-participant-in-group")
    shot(carla, "4-conductor-overview")

    # Everyone back to plenary.
    conduct(carla, "back")
    bea.wait(
        f"() => window.tavoloBoard.boardId === {board} && window.tavoloBoard.connection.joined"
    )
    assert "Idea di Dario" in note_texts(bea)
    assert bea.js("() => window.__sameDocument") == marker
    shot(bea, "5-participant-back-in-plenary")


def test_the_panel_is_italian_for_an_italian_conductor(people, site):  # noqa: F811
    board = site["boards"][1]
    carla = people().log_in()
    carla.set_language("it")
    carla.open(board)
    carla.page.click("#conductor-toggle")
    carla.page.wait_for_selector('#conductor-panel [data-conduct="open"]')
    assert (
        carla.page.locator('#conductor-panel [data-conduct="open"]').inner_text()
        == "Apri una sessione dal vivo"
    )
    conduct(carla, "open")
    carla.page.wait_for_selector('#conductor-panel [data-conduct="timer-start"]', timeout=WAIT_MS)
    assert carla.page.locator(".rooms-name").inner_text() == "Plenaria"
    shot(carla, "6-conductor-panel-it")


def test_a_redraw_between_press_and_release_does_not_swallow_the_click(people, site):  # noqa: F811
    """The panel is redrawn on every room event (a hand raised, someone arriving): a redraw
    between the conductor's press and release replaced the button, and the click was lost."""
    board = site["boards"][1]
    carla = people().log_in().open(board)
    carla.page.click("#conductor-toggle")
    if carla.page.locator('#conductor-panel [data-conduct="open"]').count():
        conduct(carla, "open")
    start = carla.page.locator('#conductor-panel [data-conduct="timer-start"]')
    start.wait_for(timeout=WAIT_MS)
    conduct(carla, "timer-reset")
    carla.wait("() => !window.tavoloBoard.rooms.live.room.timer?.running")
    carla.page.fill('[data-input="timer-minutes"]', "3")
    # The panel settled first (its overview in, no refresh on its way): a redraw that moved the
    # button between measuring it and pressing would test a missed press, not a swallowed one.
    carla.js("() => window.tavoloBoard.conductor.refresh()")
    start.hover()  # the pointer on the button: Playwright waits until it is visible and still
    carla.page.mouse.down()
    carla.js("() => window.tavoloBoard.conductor.render()")  # a room event arrives mid-press
    carla.page.mouse.up()
    carla.wait("() => window.tavoloBoard.rooms.live.room.timer?.running === true")
    assert carla.page.locator('[data-input="timer-minutes"]').input_value() == "3"
