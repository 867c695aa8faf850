"""A board exported as JSON imports back into a new board with nothing lost; CSV per type."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import orm

import workshop.canvases  # noqa: F401  (registers the canvases)
from tests.support.boards import CONDUCTOR
from workshop.boards import service
from workshop.boards.errors import BoardError
from workshop.boards.ops import parse_change
from workshop.boards.schema import registry
from workshop.database import make_engine
from workshop.exports import board_json
from workshop.models import Base, BoardKind
from workshop.projects.service import add_imported_board, create_project

AWKWARD = 'Virgolette "doppie"; punto e virgola, a capo\\nè à ü 😀 =SOMMA(A1:A3)'


@pytest.fixture
def store(database_url, _schema):
    engine = make_engine(database_url)
    session = orm.Session(engine, expire_on_commit=False)
    yield session
    session.close()
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


def _apply(store, board_id, ops, name):
    service.apply_change(
        store,
        parse_change({"board_id": board_id, "change_id": name, "client_id": "t", "ops": ops}),
        CONDUCTOR,
    )


def _comparable(items):
    return sorted((it["id"], it["type"], json.dumps(it["fields"], sort_keys=True)) for it in items)


def test_a_board_round_trips_through_json_with_every_item_and_reference(store):
    project = create_project(store, {"title": "P"}, None)
    store.commit()
    source = next(b for b in project.boards if b.kind == BoardKind.THEORY_OF_CHANGE)
    text = AWKWARD.replace("\\n", "\n")
    # Items created so that a reference points at an item made *later*: the import must reorder.
    _apply(
        store,
        source.id,
        [{"op": "create", "id": "late", "type": "outcome", "fields": {"text": "dopo"}}],
        "c0",
    )
    _apply(
        store,
        source.id,
        [
            {
                "op": "create",
                "id": "g",
                "type": "outcome",
                "fields": {"text": text, "is_goal": True, "x": 10, "y": -20},
            },
            {
                "op": "create",
                "id": "k",
                "type": "indicator",
                "fields": {"name": "Reti", "of": "g", "target": 40},
            },
            {
                "op": "create",
                "id": "l",
                "type": "toc_link",
                "fields": {"from": "late", "to": "g", "rationale": text},
            },
            {"op": "create", "id": "s", "type": "sticky", "fields": {"text": "nota"}},
            {"op": "create", "id": "gone", "type": "sticky", "fields": {}},
        ],
        "c1",
    )
    _apply(store, source.id, [{"op": "delete", "id": "gone"}], "c2")
    _apply(store, source.id, [{"op": "update", "id": "late", "fields": {"tier": "early"}}], "c3")
    exported = board_json.export_board(
        "theory_of_change", "Teoria", service.live_items(store, source.id)
    )
    document = json.loads(json.dumps(exported, ensure_ascii=False))  # as written to a file
    changes = board_json.import_ops(document, "theory_of_change")
    order = [op["id"] for ops in changes for op in ops]
    assert order.index("late") < order.index("l") and order.index("g") < order.index("k")

    target = add_imported_board(store, project, BoardKind.THEORY_OF_CHANGE, "Teoria (importata)")
    store.commit()
    for n, ops in enumerate(changes):
        _apply(store, target.id, ops, f"import-{n}")
    original = service.live_items(store, source.id)
    copy = service.live_items(store, target.id)
    store.rollback()
    assert _comparable(copy) == _comparable(original)
    assert "gone" not in {it["id"] for it in copy}


def test_a_sticky_keeps_its_text_and_gets_its_author_from_the_importer(store):
    items = [
        {
            "id": "s",
            "type": "sticky",
            "fields": {"text": "ciao", "author": "Qualcuno", "x": 0, "y": 0},
        }
    ]
    (ops,) = board_json.import_ops(board_json.export_board("free", "F", items), "free")
    assert "author" not in ops[0]["fields"] and ops[0]["fields"]["text"] == "ciao"


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ([], "not a board exported"),
        ({"format": "miro"}, "not a board exported"),
        ({"format": "tavolo-board", "version": 9, "items": []}, "version"),
        ({"format": "tavolo-board", "version": 1, "items": {}}, "no list of items"),
        (
            {
                "format": "tavolo-board",
                "version": 1,
                "items": [{"id": "a b", "type": "sticky", "fields": {}}],
            },
            "not an item",
        ),
        (
            {
                "format": "tavolo-board",
                "version": 1,
                "items": [{"id": "a", "type": "actor", "fields": {}}],
            },
            "do not belong",
        ),
        (
            {
                "format": "tavolo-board",
                "version": 1,
                "items": [{"id": "a", "type": "sticky", "fields": {}}] * 2,
            },
            "twice",
        ),
        (
            {
                "format": "tavolo-board",
                "version": 1,
                "items": [
                    {"id": "a", "type": "connector", "fields": {"from": "b", "to": "c"}},
                    {"id": "b", "type": "connector", "fields": {"from": "a", "to": "c"}},
                    {"id": "c", "type": "sticky", "fields": {}},
                ],
            },
            "circle",
        ),
    ],
)
def test_what_is_not_an_export_is_refused_with_a_reason(document, reason):
    with pytest.raises(BoardError, match=reason):
        board_json.import_ops(document, "free")


def test_uploads_that_are_not_json_or_too_big_are_refused():
    with pytest.raises(BoardError, match="not JSON"):
        board_json.parse_upload(b"\xff\xfe not json")
    with pytest.raises(BoardError, match="larger than"):
        board_json.parse_upload(b" " * (board_json.MAX_IMPORT_BYTES + 1))
    assert board_json.parse_upload('\ufeff{"a": 1}'.encode()) == {
        "a": 1
    }  # a BOM from Windows is fine


def test_items_of_a_type_as_csv_with_awkward_text_kept_and_formulas_neutralised():
    text = AWKWARD.replace("\\n", "\n")
    items = [
        {
            "id": "g",
            "type": "outcome",
            "fields": {"text": text, "tier": "early", "population": ["a1", "a2"], "is_goal": True},
        },
        {"id": "x", "type": "sticky", "fields": {"text": "not an outcome"}},
        {"id": "m", "type": "outcome", "fields": {"text": "-3", "tier": "impact"}},
    ]
    body = board_json.items_csv(items, registry.get("outcome"), {"text": "Testo"})
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    header, first, second = rows
    assert header[0] == "id" and "Testo" in header and len(rows) == 3
    record = dict(zip(header, first, strict=True))
    assert record["Testo"] == text  # quotes, semicolons, newlines, accents and emoji survive
    assert record["population"] == "a1|a2" and record["is_goal"] == "1"
    assert dict(zip(header, second, strict=True))["Testo"] == "-3"  # a number stays a number
    formula = board_json.items_csv(
        [{"id": "f", "type": "outcome", "fields": {"text": "=1+1"}}], registry.get("outcome"), {}
    )
    assert "'=1+1" in formula
