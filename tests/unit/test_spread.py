"""The reveal's spread (workshop.rooms.spread): cards written in private that lie on another
card move to the nearest free place; nothing else moves."""

from __future__ import annotations

import itertools

import workshop.canvases  # noqa: F401 - registers the session boards' card types
from workshop.rooms.spread import CLEARANCE, GAP, spread


def card(item_id: str, x: float, y: float, w: float = 200, h: float = 120, kind: str = "problem"):
    return {"id": item_id, "type": kind, "fields": {"x": x, "y": y, "w": w, "h": h}}


def boxes(items, moves):
    out = {}
    for item in items:
        f = item["fields"]
        x, y = moves.get(item["id"], (f["x"], f["y"]))
        out[item["id"]] = (x, y, f["w"], f["h"])
    return out


def touching(a, b) -> bool:
    return (
        a[0] < b[0] + b[2] + CLEARANCE
        and b[0] < a[0] + a[2] + CLEARANCE
        and a[1] < b[1] + b[3] + CLEARANCE
        and b[1] < a[1] + a[3] + CLEARANCE
    )


def test_two_cards_written_on_one_spot_the_first_stays_the_second_steps_beside_it():
    items = [card("bea", 100, 100), card("dario", 100, 100)]
    moves = spread(items, {"bea", "dario"})
    assert moves == {"dario": (100, round(100 + 120 + GAP))}  # below it: the way a page is read


def test_a_card_on_a_public_card_moves_and_the_public_card_stays():
    items = [card("anchor", 0, 0), card("bea", 20, 10)]
    moves = spread(items, {"bea"})
    assert set(moves) == {"bea"}
    placed = boxes(items, moves)
    assert not touching(placed["anchor"], placed["bea"])


def test_a_card_in_a_free_place_and_every_public_card_stay_where_they_are():
    items = [card("a", 0, 0), card("b", 10, 10), card("bea", 1000, 1000)]
    assert spread(items, {"bea"}) == {}  # a and b overlap, but were public: not ours to move


def test_zones_and_links_are_no_obstacle():
    items = [
        card("frame", 0, 0, 2000, 2000, kind="frame"),
        card("grid", 0, 0, 2000, 2000, kind="pi_grid"),
        {"id": "link", "type": "causal_link", "fields": {"from": "a", "to": "b"}},
        card("bea", 300, 300),
        card("bad", float("nan"), 0),  # no usable place: left alone
    ]
    assert spread(items, {"bea", "link", "bad"}) == {}


def test_twenty_cards_in_one_pile_end_apart_and_near():
    items = [card("anchor", 0, 0)] + [card(f"p{i}", 0, 0) for i in range(20)]
    moves = spread(items, {f"p{i}" for i in range(20)})
    assert set(moves) == {f"p{i}" for i in range(20)}
    placed = boxes(items, moves)
    for a, b in itertools.combinations(placed, 2):
        assert not touching(placed[a], placed[b]), (a, b)
    # Near the pile: within three card steps of it.
    assert all(abs(x) <= 3 * (200 + GAP) and abs(y) <= 3 * (120 + GAP) for x, y in moves.values())
