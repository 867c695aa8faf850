"""Parsing a change as a client sends it: the shape only, before any item is looked at."""

from __future__ import annotations

import pytest

from workshop import protocol as P
from workshop.boards.errors import BoardError
from workshop.boards.ops import CREATE, DELETE, Change, Op, parse_board_id, parse_change, parse_op


def change(**overrides):
    payload = {
        "board_id": 7,
        "change_id": "tab-1:42",
        "client_id": "tab-1",
        "ops": [{"op": "create", "id": "s1", "type": "sticky", "fields": {"text": "hi"}}],
    }
    payload.update(overrides)
    return payload


def refused(payload) -> BoardError:
    with pytest.raises(BoardError) as caught:
        parse_change(payload)
    assert caught.value.code in P.ERROR_CODES
    return caught.value


def test_a_well_formed_change_parses():
    parsed = parse_change(change())
    assert parsed == Change(7, "tab-1:42", "tab-1", (Op(CREATE, "s1", "sticky", {"text": "hi"}),))


def test_every_op_kind_parses():
    ops = [
        {"op": "create", "id": "a", "type": "sticky", "fields": {}},
        {"op": "update", "id": "a", "fields": {"x": 1}},
        {"op": "delete", "id": "a"},
        {"op": "restore", "id": "a"},
    ]
    assert [op.op for op in parse_change(change(ops=ops)).ops] == [
        "create",
        "update",
        "delete",
        "restore",
    ]


@pytest.mark.parametrize("payload", [None, [], "change", 1, True, [change()]])
def test_the_payload_must_be_an_object(payload):
    assert refused(payload).code == P.BAD_REQUEST


@pytest.mark.parametrize("key", ["author", "seq", "created_by", "role", "__proto__", "board"])
def test_extra_keys_are_refused(key):
    assert refused(change(**{key: "x"})).code == P.BAD_REQUEST


@pytest.mark.parametrize("key", ["board_id", "change_id", "client_id", "ops"])
def test_every_key_is_required(key):
    payload = change()
    del payload[key]
    error = refused(payload)
    assert error.code == P.BAD_REQUEST and error.field == key


@pytest.mark.parametrize(
    "value", [0, -1, True, False, 1.5, 7.0, "7", None, [7], {"id": 7}, 2**53, 10**100]
)
def test_board_id_must_be_a_positive_whole_number(value):
    with pytest.raises(BoardError) as caught:
        parse_board_id(value)
    assert caught.value.code == P.BAD_REQUEST and caught.value.field == "board_id"


@pytest.mark.parametrize(
    "key, value",
    [
        ("change_id", ""),
        ("change_id", "x" * (P.MAX_CHANGE_ID_CHARS + 1)),
        ("change_id", "tab 1"),
        ("change_id", "tab/1"),
        ("change_id", "tàb"),
        ("change_id", "a\n"),
        ("change_id", "\x00"),
        ("change_id", 42),
        ("change_id", None),
        ("client_id", "x" * (P.MAX_CLIENT_ID_CHARS + 1)),
        ("client_id", "<script>"),
        ("client_id", ["tab"]),
    ],
)
def test_change_and_client_ids_are_short_plain_tokens(key, value):
    error = refused(change(**{key: value}))
    assert error.code == P.BAD_REQUEST and error.field == key


def test_ids_at_their_limits_are_fine():
    parse_change(
        change(change_id="c" * P.MAX_CHANGE_ID_CHARS, client_id="k" * P.MAX_CLIENT_ID_CHARS)
    )
    parse_change(change(change_id="a-b_c:d.e"))


@pytest.mark.parametrize("ops", [[], None, {}, "ops", {"0": {"op": "delete", "id": "a"}}])
def test_ops_must_be_a_non_empty_list(ops):
    assert refused(change(ops=ops)).code == P.BAD_REQUEST


def test_a_change_holds_at_most_the_documented_number_of_ops():
    many = [{"op": "delete", "id": f"i{n}"} for n in range(P.MAX_OPS_PER_CHANGE)]
    assert len(parse_change(change(ops=many)).ops) == P.MAX_OPS_PER_CHANGE
    error = refused(change(ops=many + [{"op": "delete", "id": "one-more"}]))
    assert error.code == P.TOO_LARGE and error.field == "ops"


@pytest.mark.parametrize(
    "op, code",
    [
        ("delete", P.BAD_REQUEST),
        (None, P.BAD_REQUEST),
        ([], P.BAD_REQUEST),
        ({"op": "move", "id": "a"}, P.INVALID_OP),
        ({"op": "DELETE", "id": "a"}, P.INVALID_OP),
        ({"op": ["delete"], "id": "a"}, P.INVALID_OP),
        ({"id": "a"}, P.INVALID_OP),
        ({"op": "delete"}, P.INVALID_OP),
        ({"op": "delete", "id": ""}, P.INVALID_OP),
        ({"op": "delete", "id": "a" * 41}, P.INVALID_OP),
        ({"op": "delete", "id": "a b"}, P.INVALID_OP),
        ({"op": "delete", "id": "a\n"}, P.INVALID_OP),
        ({"op": "delete", "id": "__proto__\u0000"}, P.INVALID_OP),
        ({"op": "delete", "id": "__proto__"}, P.INVALID_OP),
        ({"op": "delete", "id": "constructor"}, P.INVALID_OP),
        ({"op": "delete", "id": "prototype"}, P.INVALID_OP),
        ({"op": "delete", "id": 1}, P.INVALID_OP),
        ({"op": "delete", "id": "a", "fields": {}}, P.BAD_REQUEST),
        ({"op": "restore", "id": "a", "type": "sticky"}, P.BAD_REQUEST),
        ({"op": "update", "id": "a", "type": "sticky", "fields": {}}, P.BAD_REQUEST),
        ({"op": "update", "id": "a"}, P.BAD_REQUEST),
        ({"op": "update", "id": "a", "fields": []}, P.BAD_REQUEST),
        ({"op": "update", "id": "a", "fields": None}, P.BAD_REQUEST),
        ({"op": "create", "id": "a", "fields": {}}, P.INVALID_OP),
        ({"op": "create", "id": "a", "type": 1, "fields": {}}, P.INVALID_OP),
        ({"op": "create", "id": "a", "type": "sticky"}, P.BAD_REQUEST),
        ({"op": "create", "id": "a", "type": "sticky", "fields": {}, "seq": 9}, P.BAD_REQUEST),
        (
            {"op": "create", "id": "a", "type": "sticky", "fields": {}, "created_by": "u:1"},
            P.BAD_REQUEST,
        ),
    ],
)
def test_malformed_ops_are_refused(op, code):
    with pytest.raises(BoardError) as caught:
        parse_op(op)
    assert caught.value.code == code


def test_one_malformed_op_refuses_the_whole_change():
    ops = [{"op": "delete", "id": "a"}] * 5 + [{"op": "delete", "id": "bad id"}]
    assert refused(change(ops=ops)).code == P.INVALID_OP


def test_parsing_leaves_field_values_to_the_item_types():
    # Values are checked against the stored item's type when the change is applied.
    parsed = parse_op({"op": "update", "id": "a", "fields": {"x": float("nan"), "nope": 1}})
    assert parsed.op != DELETE and set(parsed.fields) == {"x", "nope"}
