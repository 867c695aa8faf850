"""The pure rules of private writing and anonymity (workshop.rooms.rules), without an app."""

from __future__ import annotations

import pytest

from workshop.rooms.rules import (
    ANONYMOUS_AUTHOR,
    ItemMeta,
    Privacy,
    Viewer,
    filter_change,
    filter_items,
    is_anonymous,
    is_hidden,
)

BEA, DARIO, CARLO = "p:1", "p:2", "u:7"
PRIVATE = Privacy(since_seq=10)
DARIO_SEES = Viewer(DARIO, conducts=False)
CONDUCTOR_SEES = Viewer(CARLO, conducts=True)

TYPES = [
    "sticky",
    "problem",
    "causal_link",
    "actor",
    "relation",
    "outcome",
    "toc_link",
    "text",
    "shape",
    "connector",
    "frame",
]


@pytest.mark.parametrize("item_type", TYPES)
def test_every_item_type_a_participant_writes_in_the_window_is_hidden_from_the_others(item_type):
    mine_later = ItemMeta(item_type, 11, BEA)
    assert is_hidden(mine_later, DARIO_SEES, PRIVATE)
    assert not is_hidden(mine_later, Viewer(BEA, False), PRIVATE)  # her own
    assert not is_hidden(mine_later, CONDUCTOR_SEES, PRIVATE)
    assert not is_hidden(ItemMeta(item_type, 10, BEA), DARIO_SEES, PRIVATE)  # before the window
    assert not is_hidden(mine_later, DARIO_SEES, Privacy())  # no private writing


def test_what_a_conductor_writes_during_the_window_is_for_everyone():
    assert not is_hidden(ItemMeta("frame", 12, CARLO), DARIO_SEES, PRIVATE)
    assert not is_anonymous(
        ItemMeta("text", 12, CARLO), DARIO_SEES, Privacy(anonymous_windows=((10, None),))
    )


def test_a_stored_mark_keeps_an_item_anonymous_with_no_session_at_all():
    marked = ItemMeta("problem", 3, BEA, anonymous=True)
    assert is_anonymous(marked, DARIO_SEES, Privacy())
    assert not is_anonymous(marked, Viewer(BEA, False), Privacy())
    assert not is_anonymous(marked, CONDUCTOR_SEES, Privacy())


def _change(seq, author, ops):
    return {
        "board_id": 1,
        "seq": seq,
        "change_id": "c",
        "client_id": "x",
        "author": author,
        "ops": ops,
    }


def test_a_later_edit_of_an_anonymous_item_by_its_author_reaches_the_others_unsigned():
    metas = {"b1": ItemMeta("sticky", 3, BEA, anonymous=True)}
    change = _change(
        40,
        {"id": BEA, "name": "Bea"},
        [{"op": "restore", "id": "b1", "type": "sticky", "fields": {"text": "t", "author": "Bea"}}],
    )
    seen = filter_change(change, metas, DARIO_SEES, Privacy())
    assert seen["author"] == ANONYMOUS_AUTHOR and seen["ops"][0]["fields"]["author"] == ""
    assert filter_change(change, metas, CONDUCTOR_SEES, Privacy()) is change
    assert filter_change(change, metas, Viewer(BEA, False), Privacy())["author"]["name"] == "Bea"
    untouched = _change(
        41, {"id": BEA, "name": "Bea"}, [{"op": "update", "id": "other", "fields": {"x": 1}}]
    )
    assert filter_change(untouched, metas, DARIO_SEES, Privacy())["author"]["name"] == "Bea"


def test_ops_and_items_pointing_at_a_hidden_item_are_left_out():
    metas = {"b1": ItemMeta("problem", 11, BEA), "c1": ItemMeta("connector", 12, CARLO)}
    change = _change(
        12,
        {"id": CARLO, "name": "Carlo"},
        [
            {
                "op": "create",
                "id": "c1",
                "type": "connector",
                "fields": {"from": "anchor", "to": "b1"},
            },
            {"op": "update", "id": "anchor", "fields": {"x": 5}},
        ],
    )
    seen = filter_change(change, metas, DARIO_SEES, PRIVATE)
    assert [op["id"] for op in seen["ops"]] == ["anchor"] and seen["author"] == ANONYMOUS_AUTHOR
    items = [
        {"id": "anchor", "type": "problem", "fields": {"text": "a"}, "created_by": CARLO},
        {"id": "b1", "type": "problem", "fields": {"text": "b"}, "created_by": BEA},
        {
            "id": "c1",
            "type": "connector",
            "fields": {"from": "anchor", "to": "b1"},
            "created_by": CARLO,
        },
    ]
    assert [i["id"] for i in filter_items(items, metas, DARIO_SEES, PRIVATE)] == ["anchor"]
    assert filter_items(items, metas, CONDUCTOR_SEES, PRIVATE) is items
