"""Importing a board exported as JSON: a new board with every item, or nothing at all."""

from __future__ import annotations

import io
import json

from tests.conftest import csrf_token
from workshop.boards import service
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.extensions import db
from workshop.models import Board

CONDUCTOR = Actor("u:1", "Carla", may_conduct=True)


def _context(world):
    return next(b for b in world.project_a.boards if b.kind.value == "context")


def _upload(client, project_id, body: bytes, name="board.json"):
    return client.post(
        f"/boards/import/{project_id}",
        data={"csrf_token": csrf_token(client), "file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def test_an_exported_board_imports_as_a_new_board_with_everything(client, world, become):
    board = _context(world)
    ops = [
        {
            "op": "create",
            "id": "p1",
            "type": "problem",
            "fields": {"text": "Isolamento", "role": "core"},
        },
        {
            "op": "create",
            "id": "p2",
            "type": "problem",
            "fields": {"text": "Pochi spazi", "role": "cause"},
        },
        {"op": "create", "id": "l1", "type": "causal_link", "fields": {"from": "p2", "to": "p1"}},
    ]
    service.apply_change(
        db.session,
        parse_change({"board_id": board.id, "change_id": "c", "client_id": "t", "ops": ops}),
        CONDUCTOR,
    )
    become("conductor_a")
    exported = client.get(f"/boards/{board.id}/export.json")
    assert (
        exported.mimetype == "application/json"
        and "attachment" in exported.headers["Content-Disposition"]
    )
    before = db.session.query(Board).count()
    response = _upload(client, world.project_a.id, exported.data)
    assert response.status_code == 302 and "/boards/" in response.headers["Location"]
    new_board = db.session.query(Board).order_by(Board.id.desc()).first()
    assert db.session.query(Board).count() == before + 1 and new_board.kind.value == "context"
    assert new_board.title.endswith("(importata)")
    copied = {it["id"]: it for it in service.live_items(db.session, new_board.id)}
    assert set(copied) == {"p1", "p2", "l1"} and copied["l1"]["fields"]["from"] == "p2"
    # The project page lists it with the other titled boards, not as a fifth session.
    page = client.get(f"/projects/{world.project_a.id}").get_data(as_text=True)
    assert new_board.title in page


def test_a_file_that_does_not_import_whole_leaves_nothing_behind(client, world, become):
    become("conductor_a")
    before = db.session.query(Board).count()
    bad = {
        "format": "tavolo-board",
        "version": 1,
        "board": {"kind": "context", "title": "X"},
        # Valid shapes, but the sequencer refuses a causal link to a card that is not a problem.
        "items": [
            {"id": "s", "type": "sticky", "fields": {}},
            {"id": "p", "type": "problem", "fields": {}},
            {"id": "l", "type": "causal_link", "fields": {"from": "s", "to": "p"}},
        ],
    }
    for body in (json.dumps(bad).encode(), b"not json", json.dumps({"format": "miro"}).encode()):
        response = _upload(client, world.project_a.id, body)
        assert response.status_code == 302 and "/projects/" in response.headers["Location"]
    assert _upload(client, world.project_a.id, b"{}", name="board.txt").status_code == 302
    assert db.session.query(Board).count() == before
    page = client.get(f"/projects/{world.project_a.id}").get_data(as_text=True)
    assert (
        "non può essere importato" in page or "cannot be imported" in page or "json" in page.lower()
    )


def _flashed(client, world) -> str:
    return client.get(f"/projects/{world.project_a.id}").get_data(as_text=True)


def test_a_refused_import_says_why_in_one_italian_sentence(client, world, become):
    """The engine's English explanation ("date is required") and its code never reach the page."""
    become("conductor_a")
    before = db.session.query(Board).count()
    no_date = {
        "format": "tavolo-board",
        "version": 1,
        "board": {"kind": "social_reporting", "title": "Rendicontazione"},
        # A measurement without its required date: the sequencer refuses it (invalid_op).
        "items": [{"id": "m1", "type": "measurement", "fields": {"value": 3}}],
    }
    assert _upload(client, world.project_a.id, json.dumps(no_date).encode()).status_code == 302
    page = _flashed(client, world)
    assert "Questo file non può essere importato. Alcune schede del file sono incomplete" in page
    assert "“Data”" in page
    for raw in ("date is required", "invalid_op", "date"):
        assert raw not in page.split("Questo file non può essere importato")[1][:300], raw
    assert db.session.query(Board).count() == before
    # The file's own faults are told as plainly.
    for body, words in (
        (b"not json", "non è una lavagna esportata da Tavolo"),
        (json.dumps({**no_date, "version": 99}).encode(), "versione di Tavolo"),
        (
            json.dumps(
                {**no_date, "items": [{"id": "m1", "type": "sticky", "fields": {}}] * 2}
            ).encode(),
            "danneggiato",
        ),
    ):
        _upload(client, world.project_a.id, body)
        page = _flashed(client, world)
        assert words in page, words
        assert (
            "this server reads" not in page
            and "appears twice" not in page
            and "not JSON" not in page
        )
