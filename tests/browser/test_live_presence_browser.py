# ruff: noqa: F811 - the tests take the imported fixtures `people` and `site` by name
"""Issue 14 in real Chromium, "where am I": the conductor's plenary card counts the people on
the board and follows a join and a leave within a second or two; the group chooser says how
many are in each group; a card harvested from a group shows its group on the plenary ("da:
Gruppo 1", in its accessible name too). Screenshots: test-artifacts/live-presence-*.png."""

from __future__ import annotations

import pytest

from tests.browser.test_board_browser import WAIT_MS, people  # noqa: F401 - a fixture
from tests.browser.test_live_ui_browser import (  # noqa: F401 - `site` is a fixture
    ARTIFACTS,
    ON_BOARD,
    axe,
    conduct,
    no_raw_code,
    site,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# present_changed leaves PRESENT_SETTLE_MS after a join, then at most once a second.
LIVE_MS = 3_000
# The camera on the item, left of the conductor's panel (which covers the right 350 px).
CENTRE_ON = """(id) => {
  const app = window.tavoloBoard;
  const f = app.state.get(id).fields;
  const r = app.viewport.getBoundingClientRect();
  app.renderer.setCamera({x: (r.width - 350) / 2 - f.x - (f.w ?? 0) / 2,
                          y: r.height / 2 - f.y - (f.h ?? 0) / 2, zoom: 1});
  app.renderer.flush();
}"""
PLENARY_COUNT = "document.querySelector('.room-card.is-here .room-card-count')?.textContent"


def shot(person, name):
    ARTIFACTS.mkdir(exist_ok=True)
    person.page.screenshot(path=str(ARTIFACTS / f"live-presence-{name}.png"))


def plenary_says(person, count, timeout=LIVE_MS):
    try:
        person.page.wait_for_function(
            f"() => {PLENARY_COUNT} === 'Persone: {count}'", timeout=timeout
        )
    except Exception:
        facts = person.js(
            f"() => [{PLENARY_COUNT}, JSON.stringify(window.tavoloBoard.rooms.live.session.rooms)]"
        )
        raise AssertionError(f"the plenary card does not say {count}: {facts}") from None


def test_the_plenary_card_counts_people_live_and_a_harvested_card_names_its_group(people, site):
    board = site["boards"]["context"]
    carla = people().log_in()
    carla.set_language("it")
    carla.open(board)
    carla.page.click("#conductor-toggle")
    conduct(carla, "open")
    carla.page.wait_for_selector(".room-card.is-here", timeout=WAIT_MS)
    plenary_says(carla, 1)  # the conductor is on the board

    bea = people().join("Bea")
    bea.set_language("it")
    bea.open(board)
    dario = people().join("Dario")
    dario.open(board)
    # Three on the board: the card follows without the panel being reopened or refreshed.
    plenary_says(carla, 3)
    ezio = people().join("Ezio")
    # A participant who joins while the session is open lands on its plenary: no second page
    # (whose socket the server would count until the first one's close arrives).
    assert ezio.page.url.endswith(f"/boards/{board}")
    ezio.page.wait_for_selector("#board-root[data-ready=true]", timeout=WAIT_MS * 3)
    plenary_says(carla, 4)
    shot(carla, "1-conductor-plenary-4")
    ezio.page.close()  # a closed tab is a leave
    plenary_says(carla, 3)
    shot(carla, "2-conductor-plenary-3")

    # Groups chosen by the participants: each button says how many are on that group's board.
    carla.page.fill('#conductor-panel [data-input="group-count"]', "2")
    conduct(carla, "groups-count")
    carla.page.wait_for_selector(".room-card >> nth=2", timeout=WAIT_MS)
    conduct(carla, "assign-choice")
    bea.page.wait_for_selector(".live-groups:not([hidden]) [data-choose-room]", timeout=WAIT_MS)
    groups = carla.js(
        "() => window.tavoloBoard.rooms.live.session.rooms.filter(r => !r.is_plenary)"
    )
    bea.page.click(f'[data-choose-room="{groups[0]["id"]}"]')
    bea.wait(ON_BOARD, groups[0]["board_id"])
    # Dario, still on the plenary, sees Bea counted in the first group.
    dario.page.wait_for_function(
        f"""() => /^\\s*{groups[0]["name"]}\\s+1 presenti/.test(
                document.querySelector('[data-choose-room="{groups[0]["id"]}"]').textContent)""",
        timeout=LIVE_MS,
    )
    name = dario.js(
        f"() => document.querySelector('[data-choose-room=\"{groups[0]['id']}\"]').textContent"
    )
    assert "1 presenti" in name, name
    plenary_says(carla, 2)  # carla and Dario

    # Bea writes a problem card on her group's board; carla brings it to the plenary.
    bea.page.click('.palette-button[data-type="problem"]')
    if bea.page.locator(".item-editor").count():
        bea.page.keyboard.type("Pochi spazi per i giovani")
        bea.page.keyboard.press("Enter")
    bea.wait_settled()
    card = next(i for i in bea.items() if i["type"] == "problem")
    carla.page.click(
        f'#conductor-panel [data-conduct="goto"][data-board-id="{groups[0]["board_id"]}"]'
    )
    carla.wait(ON_BOARD, groups[0]["board_id"])
    carla.page.wait_for_function(
        "(id) => window.tavoloBoard.state.get(id)", arg=card["id"], timeout=WAIT_MS
    )
    carla.js("(id) => window.tavoloBoard.select([id], {focus: false})", card["id"])
    conduct(carla, "harvest")
    carla.page.click(f'#conductor-panel [data-conduct="goto"][data-board-id="{board}"]')
    carla.wait(ON_BOARD, board)
    copy = carla.page.wait_for_function(
        f"""() => Object.entries(window.tavoloBoard.rooms.live?.room?.harvested ?? {{}})
                 .find(([, group]) => group === "{groups[0]["name"]}")?.[0]""",
        timeout=WAIT_MS,
    ).json_value()
    plenary_says(carla, 2)  # back on the plenary, carla counts again: carla and Dario
    carla.js(CENTRE_ON, copy)
    chip = carla.page.locator(f'.item[data-id="{copy}"] > .item-origin')
    chip.wait_for(timeout=WAIT_MS)
    assert chip.inner_text() == f"da: {groups[0]['name']}"
    label = carla.page.locator(f'.item[data-id="{copy}"]').get_attribute("aria-label")
    assert label.endswith(f", da: {groups[0]['name']}") and "Pochi spazi" in label, label
    # The participants on the plenary see it too.
    dario.page.wait_for_function(
        "(id) => window.tavoloBoard.state.get(id)", arg=copy, timeout=WAIT_MS
    )
    dario.js("(id) => window.tavoloBoard.renderer.ensureNode(id)", copy)
    dario.page.locator(f'.item[data-id="{copy}"] > .item-origin').wait_for(timeout=WAIT_MS)
    shot(carla, "3-conductor-harvested-card")
    axe(carla, "conductor's plenary with a harvested card")
    for person, where in ((carla, "conductor"), (dario, "participant")):
        no_raw_code(person, where)

    # Dario presses the second group as someone arrives (the list is redrawn mid-press): the
    # redraw waits for the release, and the tap still moves him.
    button = dario.page.locator(f'[data-choose-room="{groups[1]["id"]}"]')
    button.hover()  # the pointer on the button: Playwright waits until it is visible and still
    dario.page.mouse.down()
    dario.js("() => window.tavoloBoard.rooms.chooser.render(window.tavoloBoard.rooms.live, false)")
    dario.page.mouse.up()
    dario.wait(ON_BOARD, groups[1]["board_id"])
