"""Input on the board as people use it (issue 15), in real Chromium against a real server:
typing on a selected typed card edits it and creates nothing else; typing with nothing selected
creates nothing; a drag from a card's handle links the start card TO the target (a causal link
on the context board) and a drop on nothing leaves nothing; the link reads in words on hover;
Escape from the editor gives the focus back to the card; a focused link off screen is brought
into view; and by touch at 390x844: tap, drag, pinch, two-finger pan, long press, tap to create.

Screenshots (handles, a link's words) at 1366x768 and 390x844 go to test-artifacts/.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.browser.test_board_browser import ARTIFACTS, Person
from tests.browser.test_canvas_browser import add_card, browser, node, site  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class TouchPerson(Person):
    """A participant on a phone: 390x844, touch events, no mouse hover."""

    def __init__(self, browser, site):  # noqa: F811
        self.site = site
        self.context = browser.new_context(
            viewport={"width": 390, "height": 844},
            has_touch=True,
            is_mobile=True,
            device_scale_factor=2,
        )
        self.page = self.context.new_page()
        self.dialogs = []
        self.errors = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.cdp = self.context.new_cdp_session(self.page)

    def touch(self, kind, points):
        """One CDP touch event: kind is touchStart, touchMove or touchEnd; points [(x, y)...]."""
        self.cdp.send(
            "Input.dispatchTouchEvent",
            {
                "type": kind,
                "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)],
            },
        )

    def swipe(self, starts, ends, steps=8):
        """Fingers from `starts` to `ends` in steps, then lifted."""
        self.touch("touchStart", starts)
        for k in range(1, steps + 1):
            f = k / steps
            self.touch(
                "touchMove",
                [
                    (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)
                    for a, b in zip(starts, ends, strict=True)
                ],
            )
            time.sleep(0.02)
        self.touch("touchEnd", [])


def shot(person, name):
    ARTIFACTS.mkdir(exist_ok=True)
    person.page.screenshot(path=str(ARTIFACTS / f"input-{name}.png"))


def count(person):
    return person.js("() => window.tavoloBoard.state.view.size")


def place(person, positions):
    """Move cards to {id: (x, y)} and look at them at 80% zoom around their middle."""
    person.js(
        """(pos) => { const app = window.tavoloBoard;
            app.commit(Object.entries(pos).map(([id, [x, y]]) => ({op: 'update', id, fields: {x, y}})));
            const boxes = Object.keys(pos).map((id) => app.state.get(id).fields);
            const mx = (Math.min(...boxes.map((b) => b.x)) + Math.max(...boxes.map((b) => b.x + b.w))) / 2;
            const my = (Math.min(...boxes.map((b) => b.y)) + Math.max(...boxes.map((b) => b.y + b.h))) / 2;
            const r = app.viewport.getBoundingClientRect(); const zoom = 0.8;
            app.renderer.setCamera({x: r.width / 2 - mx * zoom, y: r.height / 2 - my * zoom, zoom});
            app.renderer.flush(); }""",
        positions,
    )
    person.wait_settled()


def uncover_the_board(person):
    """Hide whatever panel lies over the board: where panels go on a phone is the layout's
    business (issue 15's layout part, tested on its own); this test is about the gestures."""
    person.js(
        """() => { const vp = document.querySelector('#board-viewport');
            const r = vp.getBoundingClientRect();
            for (let x = r.left + 4; x < r.right; x += 12) for (let y = r.top + 4; y < r.bottom; y += 12) {
              let n = document.elementFromPoint(x, y);
              if (!n || vp.contains(n)) continue;
              while (n.parentElement && !n.parentElement.contains(vp)) n = n.parentElement;
              n.style.visibility = 'hidden';
            } }"""
    )


def centre(person, item_id):
    box = node(person, item_id).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


@pytest.fixture
def conductor(browser, site):  # noqa: F811
    person = Person(browser, site).log_in()
    yield person
    assert person.errors == [], person.errors
    person.close()


def test_typing_on_a_selected_card_edits_it_and_typing_on_nothing_creates_nothing(conductor, site):  # noqa: F811
    page = conductor.open(site["boards"]["context"]).page
    card = add_card(conductor, "problem", "Povertà")
    before = count(conductor)

    # The card is selected (just made): a letter starts editing its title, nothing else is made.
    node(conductor, card).click()
    page.keyboard.type("Scritta offline")
    assert page.locator(".item-editor").count() == 1
    # Escape leaves the editor keeping the text, and the focus goes back to the card.
    page.keyboard.press("Escape")
    conductor.wait_item(card, "it.fields.text === 'PovertàScritta offline'")
    assert conductor.js("() => document.activeElement.dataset.id ?? null") == card
    assert count(conductor) == before
    assert conductor.js("() => window.tavoloBoard.tool") == "select"

    # Nothing selected, the board focused: the same typing makes no item and opens no editor
    # (C, R, T, F, N only choose tools), and a hint says how to write.
    page.keyboard.press("Escape")
    page.locator("#board-viewport").focus()
    assert conductor.js("() => window.tavoloBoard.selection.size") == 0
    page.keyboard.type("Scritta offline")
    page.wait_for_timeout(300)
    assert count(conductor) == before
    assert page.locator(".item-editor").count() == 0
    assert page.locator("#board-toasts").inner_text().strip() != ""
    # Letters in a run are a word, not tools: the tool is still the one before the word.
    assert conductor.js("() => window.tavoloBoard.tool") == "select"

    # A letter typed on a toolbar button is not a shortcut either.
    page.click(".tool-button[data-tool=select]")  # the focus stays on the button
    page.keyboard.type("rn")
    assert conductor.js("() => window.tavoloBoard.tool") == "select"

    # N then Enter: a new note in the middle of the view, open for typing.
    page.locator("#board-viewport").focus()
    page.wait_for_timeout(800)  # a letter on its own, not part of a word
    page.keyboard.press("n")
    assert conductor.js("() => window.tavoloBoard.tool") == "sticky"
    assert count(conductor) == before
    page.keyboard.press("Enter")
    page.wait_for_selector(".item-editor")
    page.keyboard.type("Nota")
    # Escape leaves the editor and gives the focus back to the note, not to the board.
    page.keyboard.press("Escape")
    page.wait_for_selector(".item-editor", state="detached")
    focused = conductor.js("() => document.activeElement.dataset.id ?? null")
    assert focused and conductor.item(focused)["fields"]["text"] == "Nota"
    assert count(conductor) == before + 1

    # The help lists what the keys do now.
    page.keyboard.press("Escape")
    page.locator("#board-viewport").focus()
    page.keyboard.press("?")
    help_text = page.locator("#board-help").inner_text()
    page.keyboard.press("Escape")

    # The card's actions by keyboard: Shift+F10 opens its menu, arrows move, Escape gives the
    # focus back to the card; "Link to another card" then Enter on a second card links them.
    node(conductor, card).focus()
    page.keyboard.press("Shift+F10")
    menu = page.locator(".card-menu[role=menu]")
    menu.wait_for()
    assert conductor.js("() => document.activeElement.getAttribute('role')") == "menuitem"
    page.keyboard.press("ArrowDown")
    second_item = conductor.js("() => document.activeElement.dataset.cardAction")
    assert second_item == "link"
    page.keyboard.press("Escape")
    assert menu.is_hidden()
    assert conductor.js("() => document.activeElement.dataset.id ?? null") == card
    page.keyboard.press("Shift+F10")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    (focused_note,) = [i["id"] for i in conductor.shown() if i["fields"].get("text") == "Nota"]
    node(conductor, focused_note).focus()
    page.keyboard.press("Enter")
    conductor.wait(
        "([a, b]) => [...window.tavoloBoard.state.items()].some("
        "it => it.fields.from === a && it.fields.to === b)",
        [card, focused_note],
    )
    assert "F10" in help_text and ("N, poi Invio" in help_text or "N, then Enter" in help_text)


def test_a_drag_from_a_handle_links_the_start_card_to_the_target(conductor, site):  # noqa: F811
    conductor.open(site["boards"]["context"])
    page = conductor.page
    core = add_card(conductor, "problem", "Anziani soli")
    page.select_option("#canvas-panel [data-field=role]", "core")
    cause = add_card(conductor, "problem", "Trasporti scarsi")
    page.keyboard.press("Escape")
    place(conductor, {core: (2000, 2000), cause: (2000, 2300)})
    before = count(conductor)

    # Hovering the cause shows its handles; drag from its top handle up to the core problem.
    page.mouse.move(*centre(conductor, cause))
    handle = page.locator(f'.link-handle[data-for="{cause}"][data-side="top"]')
    handle.wait_for()
    shot(conductor, "handles-1366")
    hb = handle.bounding_box()
    page.mouse.move(hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2)
    page.mouse.down()
    cx, cy = centre(conductor, core)
    page.mouse.move(cx, cy, steps=8)
    assert page.locator(".link-preview").count() == 1
    page.mouse.up()
    conductor.wait_settled()
    links = [i for i in conductor.items() if i["type"] == "causal_link"]
    assert [(lk["fields"]["from"], lk["fields"]["to"]) for lk in links] == [(cause, core)]
    assert count(conductor) == before + 1
    assert page.locator(".link-preview, .connector-preview").count() == 0

    # The link reads in words on hover, with its arrow towards the core problem.
    link = page.locator(f'.connector[data-id="{links[0]["id"]}"]')
    assert (
        link.locator(".connector-head-end").evaluate("n => getComputedStyle(n).display") != "none"
    )
    label = link.get_attribute("aria-label")
    assert label.endswith(
        ("Trasporti scarsi è causa di Anziani soli", "Trasporti scarsi causes Anziani soli")
    ), label
    lb = link.locator(".connector-line").bounding_box()
    page.mouse.move(lb["x"] + lb["width"] / 2, lb["y"] + lb["height"] / 2)
    tip = page.locator(".link-tip")
    tip.wait_for()
    assert tip.inner_text() == label
    shot(conductor, "link-words-1366")

    # A drag from a handle dropped on the empty board makes nothing and leaves no line.
    page.mouse.move(*centre(conductor, core))
    hb = page.locator(f'.link-handle[data-for="{core}"][data-side="right"]').bounding_box()
    page.mouse.move(hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2)
    page.mouse.down()
    page.mouse.move(hb["x"] + 300, hb["y"] - 200, steps=6)
    page.mouse.up()
    page.wait_for_timeout(200)
    assert count(conductor) == before + 1
    assert page.locator(".link-preview, .connector-preview").count() == 0

    # Dragging the card's body still moves it, and links nothing.
    x0 = conductor.item(cause)["fields"]["x"]
    sx, sy = centre(conductor, cause)
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(sx + 120, sy + 10, steps=6)
    page.mouse.up()
    conductor.wait(f"() => window.tavoloBoard.state.get({json.dumps(cause)}).fields.x !== {x0}")
    assert count(conductor) == before + 1

    # With the connector tool, a drag from card to card links them (it used to leave a dotted
    # line and no link), and a drag onto nothing leaves no line.
    conductor.js("() => window.tavoloBoard.select([])")  # else the tool starts from the selection
    page.click(".tool-button[data-tool=connector]")
    page.mouse.move(*centre(conductor, core))
    page.mouse.down()
    page.mouse.move(*centre(conductor, cause), steps=8)
    page.mouse.up()
    conductor.wait_settled()
    links = [i for i in conductor.items() if i["type"] == "causal_link"]
    assert sorted((lk["fields"]["from"], lk["fields"]["to"]) for lk in links) == sorted(
        [(cause, core), (core, cause)]
    )
    page.click(".tool-button[data-tool=connector]")
    page.mouse.move(*centre(conductor, core))
    page.mouse.down()
    page.mouse.move(50, 400, steps=6)
    page.mouse.up()
    assert page.locator(".connector-preview").count() == 0
    assert count(conductor) == before + 2

    # A link focused off screen is brought into view.
    conductor.js("() => window.tavoloBoard.renderer.panBy(-3000, -3000)")
    link.focus()
    inside = conductor.js(
        """(id) => { const r = document.querySelector('#board-viewport').getBoundingClientRect();
            const b = document.querySelector(`.connector[data-id="${id}"] .connector-line`).getBoundingClientRect();
            const x = b.x + b.width / 2, y = b.y + b.height / 2;
            return x > r.left && x < r.right && y > r.top && y < r.bottom; }""",
        links[0]["id"],
    )
    assert inside


def test_by_touch_on_a_phone_tap_drag_pinch_pan_long_press_and_tap_to_create(browser, site):  # noqa: F811
    person = TouchPerson(browser, site).log_in()
    page = person.open(site["boards"]["context"]).page
    try:
        note = person.js(
            """() => { const app = window.tavoloBoard; const [x, y] = app.renderer.centre();
                return app.createAt('sticky', x - 100, y - 100, {edit: false}); }"""
        )
        person.js("() => { window.tavoloBoard.select([]); window.tavoloBoard.renderer.flush(); }")
        person.wait_settled()
        uncover_the_board(person)

        # Tap selects.
        x, y = centre(person, note)
        page.touchscreen.tap(x, y)
        person.wait(f"() => window.tavoloBoard.selection.has({json.dumps(note)})")

        # A drag moves the note (one finger on it).
        x0 = person.item(note)["fields"]["x"]
        person.swipe([(x, y)], [(x + 60, y + 40)])
        person.wait(f"() => window.tavoloBoard.state.get({json.dumps(note)}).fields.x > {x0 + 20}")
        person.wait_settled()

        # Its handles are there for the finger, and at least 24 px.
        handle = page.locator(f'.link-handle[data-for="{note}"]').first
        handle.wait_for()
        assert handle.bounding_box()["width"] >= 24
        shot(person, "handles-390")

        # Pinch: two fingers spreading zoom in; moving together, they pan.
        zoom0 = person.js("() => window.tavoloBoard.renderer.camera.zoom")
        person.swipe([(150, 600), (240, 600)], [(100, 600), (290, 600)])
        zoom1 = person.js("() => window.tavoloBoard.renderer.camera.zoom")
        assert zoom1 > zoom0 * 1.3, (zoom0, zoom1)
        cam = person.js("() => window.tavoloBoard.renderer.camera")
        person.swipe([(150, 650), (240, 650)], [(150, 550), (240, 550)])
        cam2 = person.js("() => window.tavoloBoard.renderer.camera")
        assert cam2["y"] < cam["y"] - 60 and abs(cam2["zoom"] - cam["zoom"]) < 0.05, (cam, cam2)

        # A long press on the note opens its menu.
        person.js(f"() => window.tavoloBoard.renderer.reveal({json.dumps(note)})")
        x, y = centre(person, note)
        person.touch("touchStart", [(x, y)])
        page.wait_for_timeout(800)
        person.touch("touchEnd", [])
        menu = page.locator(".card-menu[role=menu]")
        menu.wait_for()
        page.wait_for_timeout(300)  # the lifted finger's click runs nothing from the menu
        assert menu.is_visible()
        items = menu.locator("[role=menuitem]").all_inner_texts()
        assert len(items) >= 3, items
        shot(person, "card-menu-390")
        # A tap on "Edit the text" runs it.
        menu.locator("[data-card-action=edit]").tap()
        page.wait_for_selector(".item-editor")
        page.keyboard.type("Scritta col dito")
        page.keyboard.press("Escape")
        person.wait_item(note, "it.fields.text === 'Scritta col dito'")

        # The note tool, then a tap on an empty spot: a note there.
        before = count(person)
        person.js("() => window.tavoloBoard.select([])")
        person.js("() => window.tavoloBoard.setTool('sticky')")
        spot = person.js(
            """() => { const vp = document.querySelector('#board-viewport'); const r = vp.getBoundingClientRect();
                for (let y = Math.min(r.bottom, innerHeight) - 30; y > r.top; y -= 20)
                for (let x = r.left + 30; x < r.right; x += 20) {
                  const n = document.elementFromPoint(x, y);
                  if (n && vp.contains(n) && !n.closest('[data-id], .link-handle')) return [x, y];
                } return null; }"""
        )
        assert spot, "an empty spot of the board is in view"
        page.touchscreen.tap(*spot)
        person.wait(f"() => window.tavoloBoard.state.view.size === {before + 1}")

        # A link's words show when it has the focus (a phone has no hover).
        link = person.js(
            """(a) => { const app = window.tavoloBoard; const f = app.state.get(a).fields;
                const b = app.createAt('sticky', f.x, f.y + 320, {edit: false});
                app.commit([{op: 'update', id: b, fields: {text: 'Bisogno'}}]);
                const id = app.linkItems(a, b); app.renderer.flush();
                const r = app.viewport.getBoundingClientRect();
                app.renderer.setCamera({x: r.width / 2 - (f.x + 100) * 0.6, y: r.height / 2 - (f.y + 260) * 0.6,
                  zoom: 0.6});
                app.renderer.flush(); return id; }""",
            note,
        )
        page.locator(f'.connector[data-id="{link}"]').focus()
        tip = page.locator(".link-tip")
        tip.wait_for()
        assert "Scritta col dito" in tip.inner_text() and "Bisogno" in tip.inner_text()
        shot(person, "link-words-390")

        # A finger dragged from the selected note's handle to the other note links them that way.
        bisogno = person.js("(id) => window.tavoloBoard.state.get(id).fields.to", link)
        bx, by = centre(person, bisogno)
        page.touchscreen.tap(bx, by)
        person.wait(f"() => window.tavoloBoard.selection.has({json.dumps(bisogno)})")
        hb = page.locator(f'.link-handle[data-for="{bisogno}"][data-side="right"]').bounding_box()
        start = (hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2)
        person.swipe([start], [centre(person, note)], steps=10)
        person.wait(
            "([a, b]) => [...window.tavoloBoard.state.items()].some("
            "it => it.fields.from === a && it.fields.to === b)",
            [bisogno, note],
        )
        assert person.errors == [], person.errors
    finally:
        person.close()
