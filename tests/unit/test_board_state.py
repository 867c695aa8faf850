"""Applying ops to items, without a database: create, update, delete, restore, cascades, locks."""

from __future__ import annotations

import pytest

from tests.support.boards import ALICE, BOB, CONDUCTOR, MemoryBoard
from workshop import protocol as P
from workshop.boards.errors import BoardError
from workshop.boards.schema import CORE_TYPES, ItemType, Ref, RefList, Registry, Text
from workshop.boards.state import Actor, Item

# A canvas of our own, registered for one board kind only, in a registry of its own so the
# app's registry is never touched.
ACTOR_TYPE = ItemType("test_actor", {"name": Text(max_chars=80)})
CARD_TYPE = ItemType(
    "test_card",
    {
        "text": Text(max_chars=200),
        "actor": Ref(nullable=True, types=("test_actor",)),  # optional: cleared when its actor goes
        "related": RefList(),  # pruned when one of them goes
    },
)


def test_registry() -> Registry:
    types = Registry()
    for core in CORE_TYPES:
        types.register(core)
    types.register(ACTOR_TYPE, board_kinds=["stakeholders"])
    types.register(CARD_TYPE, board_kinds=["stakeholders"])
    return types


test_registry.__test__ = False  # a factory, not a test


def create(item_id, type_="sticky", **fields):
    return {"op": "create", "id": item_id, "type": type_, "fields": fields}


def update(item_id, **fields):
    return {"op": "update", "id": item_id, "fields": fields}


def delete(item_id):
    return {"op": "delete", "id": item_id}


def restore(item_id):
    return {"op": "restore", "id": item_id}


def connector(item_id, source, target, **fields):
    return create(item_id, "connector", **{"from": source, "to": target, **fields})


@pytest.fixture
def board():
    return MemoryBoard()


@pytest.fixture
def canvas():
    return MemoryBoard(kind="stakeholders", types=test_registry())


def refused(board: MemoryBoard, ops, actor: Actor = ALICE) -> BoardError:
    """The change is refused with a wire code, and the board is exactly as it was."""
    before = board.fingerprint()
    with pytest.raises(BoardError) as caught:
        board.apply(ops, actor)
    assert caught.value.code in P.ERROR_CODES
    assert board.fingerprint() == before
    return caught.value


# --- create -------------------------------------------------------------------------------------------


def test_create_fills_defaults_and_records_the_author(board):
    outcome = board.apply([create("s1", text="hello", x=10)])
    item = board.items["s1"]
    assert item.fields == {
        "x": 10,
        "y": 0,
        "w": 200,
        "h": 200,
        "z": "a0",
        "text": "hello",
        "color": "yellow",
        "author": "Alice",
    }
    assert item.created_by == "p:1" and item.created_seq == item.updated_seq == 1 and item.alive
    assert outcome.applied == [
        {"op": "create", "id": "s1", "type": "sticky", "fields": item.fields}
    ]
    assert outcome.live_delta == 1


def test_only_authored_types_get_an_author(board):
    board.apply([create("t1", "text"), create("f1", "frame")])
    assert "author" not in board.items["t1"].fields
    assert "author" not in board.items["f1"].fields


def test_create_with_a_taken_or_tombstoned_id_is_item_exists(board):
    board.apply([create("s1")])
    assert refused(board, [create("s1")]).code == P.ITEM_EXISTS
    board.apply([delete("s1")])
    assert refused(board, [create("s1")]).code == P.ITEM_EXISTS


def test_create_twice_in_one_change_is_item_exists(board):
    assert refused(board, [create("s1"), create("s1")]).code == P.ITEM_EXISTS


@pytest.mark.parametrize("type_", ["iframe", "script", "__proto__", "test_card", "Sticky", ""])
def test_create_of_an_unknown_or_foreign_type_is_invalid(board, type_):
    error = refused(board, [create("s1", type_)])
    assert error.code == P.INVALID_OP and error.field == "type"


def test_a_canvas_type_belongs_only_to_its_board_kind(canvas):
    canvas.apply([create("a1", "test_actor", name="Comune"), create("c1", "test_card", actor="a1")])
    assert canvas.items["c1"].fields["actor"] == "a1"
    other = MemoryBoard(kind="free", types=canvas.types)
    assert refused(other, [create("a1", "test_actor")]).code == P.INVALID_OP


def test_a_connector_needs_live_ends(board):
    board.apply([create("a"), create("b")])
    assert refused(board, [connector("c", "a", "nowhere")]).field == "to"
    assert refused(board, [create("c", "connector", **{"from": "a"})]).field == "to"
    assert refused(board, [connector("c", "c", "a")]).code == P.INVALID_OP  # itself
    board.apply([delete("b")])
    assert refused(board, [connector("c", "a", "b")]).code == P.INVALID_OP
    board.apply([connector("c", "a", "a")])  # a loop on one item is a picture, not an error
    assert board.items["c"].fields["arrow"] == "end"


def test_a_connector_and_its_ends_can_arrive_in_one_change(board):
    board.apply([create("a"), create("b"), connector("c", "a", "b")])
    assert set(board.live()) == {"a", "b", "c"}


def test_a_reference_must_point_at_an_allowed_type(canvas):
    canvas.apply([create("s1"), create("a1", "test_actor")])
    assert refused(canvas, [create("c1", "test_card", actor="s1")]).field == "actor"
    assert refused(canvas, [create("c1", "test_card", related=["c1"])]).field == "related"
    canvas.apply([create("c1", "test_card", actor="a1", related=["s1", "a1"])])


# --- update ----------------------------------------------------------------------------------------------


def test_update_sets_only_the_given_fields(board):
    board.apply([create("s1", text="a", color="blue")])
    outcome = board.apply([update("s1", text="b")])
    assert board.items["s1"].fields["text"] == "b"
    assert board.items["s1"].fields["color"] == "blue"
    assert outcome.applied == [{"op": "update", "id": "s1", "fields": {"text": "b"}}]
    assert board.items["s1"].updated_seq == 2


def test_last_writer_wins_per_field_and_different_fields_are_both_kept(board):
    board.apply([create("s1")])
    board.apply([update("s1", text="Alice's")], ALICE)
    board.apply([update("s1", color="red")], BOB)
    board.apply([update("s1", text="Bob's")], BOB)
    assert board.items["s1"].fields["text"] == "Bob's"
    assert board.items["s1"].fields["color"] == "red"
    assert board.items["s1"].fields["author"] == "Alice"  # the creator stays the author


def test_update_of_a_deleted_item_is_item_deleted_and_of_a_missing_one_not_found(board):
    board.apply([create("s1")])
    board.apply([delete("s1")])
    assert refused(board, [update("s1", text="x")]).code == P.ITEM_DELETED
    assert refused(board, [update("nope", text="x")]).code == P.NOT_FOUND


def test_an_empty_update_changes_nothing_but_is_accepted(board):
    board.apply([create("s1")])
    outcome = board.apply([update("s1")])
    assert outcome.applied == [] and board.items["s1"].updated_seq == 1


def test_update_cannot_point_a_connector_at_a_deleted_item(board):
    board.apply([create("a"), create("b"), create("d"), connector("c", "a", "b")])
    board.apply([delete("d")])
    assert refused(board, [update("c", to="d")]).field == "to"
    board.apply([update("c", to="a")])
    assert board.items["c"].fields["to"] == "a"


def test_update_cannot_set_a_field_the_type_lacks(board):
    board.apply([create("s1")])
    for fields in ({"author": "Mallory"}, {"shape": "rect"}, {"from": "s1"}, {"locked": True}):
        assert refused(board, [{"op": "update", "id": "s1", "fields": fields}]).code == P.INVALID_OP


# --- delete and cascades ------------------------------------------------------------------------------------


def test_delete_leaves_a_tombstone_and_a_second_delete_changes_nothing(board):
    board.apply([create("s1")])
    outcome = board.apply([delete("s1")])
    assert outcome.applied == [{"op": "delete", "id": "s1"}] and outcome.live_delta == -1
    assert board.items["s1"].deleted_seq == 2 and "s1" not in board.live()
    again = board.apply([delete("s1")])
    assert again.applied == [] and again.live_delta == 0
    assert refused(board, [delete("nope")]).code == P.NOT_FOUND


def test_deleting_an_end_deletes_its_connectors(board):
    board.apply(
        [
            create("a"),
            create("b"),
            create("d"),
            connector("c1", "a", "b"),
            connector("c2", "d", "a"),
        ]
    )
    outcome = board.apply([delete("a")])
    assert [op["id"] for op in outcome.applied] == ["a", "c1", "c2"]
    assert all(op["op"] == "delete" for op in outcome.applied)
    assert set(board.live()) == {"b", "d"} and outcome.live_delta == -3


def test_cascades_follow_connectors_of_connectors(board):
    board.apply([create("a"), create("b"), connector("c1", "a", "b"), connector("c2", "c1", "b")])
    board.apply([delete("a")])
    assert set(board.live()) == {"b"}


def test_deleting_both_ends_in_one_change_deletes_the_connector_once(board):
    board.apply([create("a"), create("b"), connector("c", "a", "b")])
    outcome = board.apply([delete("a"), delete("b")])
    assert [op["id"] for op in outcome.applied].count("c") == 1
    assert outcome.live_delta == -3 and board.live() == {}


def test_deleting_a_connector_leaves_its_ends(board):
    board.apply([create("a"), create("b"), connector("c", "a", "b")])
    board.apply([delete("c")])
    assert set(board.live()) == {"a", "b"}


def test_a_nullable_reference_is_cleared_and_a_ref_list_pruned(canvas):
    canvas.apply(
        [
            create("a1", "test_actor"),
            create("s1"),
            create("c1", "test_card", actor="a1", related=["s1", "a1"]),
        ]
    )
    outcome = canvas.apply([delete("a1")])
    assert outcome.applied == [
        {"op": "delete", "id": "a1"},
        {"op": "update", "id": "c1", "fields": {"actor": None, "related": ["s1"]}},
    ]
    assert canvas.items["c1"].alive and canvas.items["c1"].fields["actor"] is None
    canvas.apply([delete("s1")])
    assert canvas.items["c1"].fields["related"] == []


def test_a_cascade_sees_references_made_earlier_in_the_same_change(board):
    board.apply([create("a"), create("b"), create("d"), connector("c", "a", "b")])
    outcome = board.apply([update("c", to="d"), delete("d")])
    assert ("delete", "c") in [(op["op"], op["id"]) for op in outcome.applied]
    assert "c" not in board.live()


def test_a_cascade_ignores_references_moved_away_earlier_in_the_same_change(board):
    board.apply([create("a"), create("b"), create("d"), connector("c", "a", "b")])
    board.apply([update("c", to="d"), delete("b")])
    assert "c" in board.live() and board.items["c"].fields["to"] == "d"


# --- restore ---------------------------------------------------------------------------------------------


def test_restore_brings_an_item_back_with_its_fields(board):
    board.apply([create("s1", text="keep me")])
    board.apply([delete("s1")])
    outcome = board.apply([restore("s1")])
    assert outcome.applied == [
        {"op": "restore", "id": "s1", "type": "sticky", "fields": board.items["s1"].fields}
    ]
    assert board.items["s1"].fields["text"] == "keep me" and board.items["s1"].alive
    assert outcome.live_delta == 1
    assert board.apply([restore("s1")]).applied == []  # already back
    assert refused(board, [restore("nope")]).code == P.NOT_FOUND


def test_restore_of_a_connector_needs_its_ends_back_first(board):
    board.apply([create("a"), create("b"), connector("c", "a", "b")])
    board.apply([delete("a")])
    assert refused(board, [restore("c")]).code == P.INVALID_OP
    board.apply([restore("a"), restore("c")])
    assert set(board.live()) == {"a", "b", "c"}


def test_undo_of_a_cascading_delete_restores_everything(board):
    board.apply([create("a"), create("b"), connector("c", "a", "b")])
    deleted = board.apply([delete("a")]).applied
    board.apply([restore(op["id"]) for op in deleted])
    assert set(board.live()) == {"a", "b", "c"}


# --- all or nothing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        create("s1"),  # taken
        update("nope", text="x"),
        update("s1", text="\x00"),
        update("s1", x=float("nan")),
        create("x1", "iframe"),
        delete("nope"),
    ],
)
def test_one_bad_op_in_a_batch_applies_nothing(board, bad):
    board.apply([create("s1"), create("s2"), create("a"), create("b"), connector("c", "a", "b")])
    good = [update("s1", text="changed"), delete("a"), create("s3"), update("s2", color="red")]
    for position in range(len(good) + 1):
        refused(board, good[:position] + [bad] + good[position:])
    assert (
        board.items["s1"].fields["text"] == ""
        and board.items["a"].alive
        and "s3" not in board.items
    )


# --- locks ------------------------------------------------------------------------------------------------


def test_a_locked_frame_refuses_participants_and_obeys_the_conductor(board):
    board.apply([create("f1", "frame", title="Agenda")])
    assert refused(board, [update("f1", locked=True)], ALICE).code == P.FORBIDDEN
    board.apply([update("f1", locked=True)], CONDUCTOR)
    assert refused(board, [update("f1", title="mine")], ALICE).code == P.BOARD_LOCKED
    assert refused(board, [update("f1", x=5)], BOB).code == P.BOARD_LOCKED
    assert refused(board, [delete("f1")], ALICE).code == P.BOARD_LOCKED
    board.apply([update("f1", title="Agenda v2")], CONDUCTOR)
    board.apply([update("f1", locked=False)], CONDUCTOR)
    board.apply([update("f1", title="ours")], ALICE)
    assert board.items["f1"].fields["title"] == "ours"


def test_a_participant_cannot_create_a_locked_frame_but_a_conductor_can(board):
    assert refused(board, [create("f1", "frame", locked=True)], ALICE).code == P.FORBIDDEN
    board.apply([create("f1", "frame", locked=True)], CONDUCTOR)
    assert board.items["f1"].fields["locked"] is True


def test_a_participant_cannot_restore_a_locked_frame_the_conductor_deleted(board):
    board.apply([create("f1", "frame", locked=True)], CONDUCTOR)
    board.apply([delete("f1")], CONDUCTOR)
    assert refused(board, [restore("f1")], ALICE).code == P.BOARD_LOCKED
    board.apply([restore("f1")], CONDUCTOR)
    assert board.items["f1"].alive


def test_a_participant_may_still_connect_to_a_locked_frame(board):
    board.apply([create("f1", "frame", locked=True), create("s1")], CONDUCTOR)
    board.apply([connector("c", "s1", "f1")], ALICE)
    # ...and deleting their own note takes their connector with it, leaving the frame alone.
    board.apply([delete("s1")], ALICE)
    assert set(board.live()) == {"f1"}


def test_an_items_copy_shares_nothing_that_can_change():
    """The sequencer hands copies to the applier, which changes them in place: a card's lists
    and nested fields must not change the original."""
    original = Item(
        "n1",
        "problem",
        {"text": "Scarsa partecipazione", "tags": ["a", "b"], "evidence": {"links": [1, 2]}},
        1,
        2,
        None,
        "p:1",
    )
    copied = original.copy()
    assert copied == original and copied is not original
    copied.fields["tags"].append("c")
    copied.fields["evidence"]["links"].append(3)
    copied.fields["text"] = "altro"
    copied.updated_seq = 9
    assert original.fields == {
        "text": "Scarsa partecipazione",
        "tags": ["a", "b"],
        "evidence": {"links": [1, 2]},
    }
    assert original.updated_seq == 2
