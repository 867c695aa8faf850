"""Import what we export (issue 19): a 10,000-item board of typed cards exports to a JSON file
larger than the site's body limit (MAX_CONTENT_LENGTH, 2 MiB), and the import takes it whole."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import csrf_token
from tests.web.test_board_import import CONDUCTOR, _context
from workshop.boards import service
from workshop.boards.ops import parse_change
from workshop.config import MAX_HTTP_BODY_BYTES
from workshop.extensions import db
from workshop.models import Board
from workshop.protocol import MAX_LIVE_ITEMS_PER_BOARD, MAX_OPS_PER_CHANGE

pytestmark = pytest.mark.slow

ROLES = ("core", "cause", "effect")


def _fill(board_id: int, count: int) -> None:
    ops = [
        {
            "op": "create",
            "id": f"p{n}",
            "type": "problem",
            "fields": {
                "text": f"Problema {n}: anziani soli in periferia, pochi servizi di prossimità",
                "role": ROLES[n % 3],
                "x": (n % 100) * 240,
                "y": (n // 100) * 180,
            },
        }
        for n in range(count)
    ]
    for start in range(0, count, MAX_OPS_PER_CHANGE):
        change = parse_change(
            {
                "board_id": board_id,
                "change_id": f"fill-{start}",
                "client_id": "t",
                "ops": ops[start : start + MAX_OPS_PER_CHANGE],
            }
        )
        service.apply_change(db.session, change, CONDUCTOR)
    db.session.commit()


def _upload_bytes(client, project_id, body: bytes):
    """The form as a browser sends it, encoded here: the test client spools a large multipart
    body to a temporary file of its own and leaves it open."""
    import io

    boundary, data = encode_multipart(
        {"csrf_token": csrf_token(client), "file": FileStorage(io.BytesIO(body), "board.json")}
    )
    return client.post(
        f"/boards/import/{project_id}",
        data=data,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_a_10000_item_board_exports_and_imports_back_whole(client, world, become):
    board = _context(world)
    _fill(board.id, MAX_LIVE_ITEMS_PER_BOARD)
    become("conductor_a")
    exported = client.get(f"/boards/{board.id}/export.json")
    assert exported.status_code == 200
    assert len(exported.data) > MAX_HTTP_BODY_BYTES  # the old limit refused it with 413
    response = _upload_bytes(client, world.project_a.id, exported.data)
    assert response.status_code == 302 and "/boards/" in response.headers["Location"], (
        response.status_code
    )
    new_board = db.session.query(Board).order_by(Board.id.desc()).first()
    assert new_board.id != board.id
    copied = service.live_items(db.session, new_board.id)
    assert len(copied) == MAX_LIVE_ITEMS_PER_BOARD
    assert {it["fields"]["role"] for it in copied} == set(ROLES)


def test_the_larger_limit_is_the_import_s_only(client, world, become):
    become("conductor_a")
    body = b"x" * (MAX_HTTP_BODY_BYTES + 1)
    # Any other form keeps the site's limit.
    response = client.post(f"/projects/{world.project_a.id}/edit", data={"title": body.decode()})
    assert response.status_code == 413
