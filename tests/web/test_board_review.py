"""Reviewing a saved board read-only at any point of its history, and named snapshots."""

from __future__ import annotations

from tests.conftest import csrf_token
from tests.support.routes import fingerprint
from workshop.boards import service
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.extensions import db
from workshop.models import BoardSnapshot

ACTOR = Actor("u:1", "Carla", may_conduct=True)


def _grow(board_id):
    for n, ops in enumerate(
        [
            [{"op": "create", "id": "a", "type": "sticky", "fields": {"text": "Prima idea"}}],
            [{"op": "update", "id": "a", "fields": {"text": "Idea riveduta"}}],
            [
                {
                    "op": "create",
                    "id": "b",
                    "type": "sticky",
                    "fields": {"text": "Seconda idea", "x": 300},
                }
            ],
        ]
    ):
        service.apply_change(
            db.session,
            parse_change(
                {"board_id": board_id, "change_id": f"g{n}", "client_id": "t", "ops": ops}
            ),
            ACTOR,
        )


def test_the_history_page_and_each_point_of_it_are_read_only(client, world, become):
    board = world.project_a.boards[0]
    _grow(board.id)
    become("conductor_a")
    before = fingerprint()
    page = client.get(f"/boards/{board.id}/history").get_data(as_text=True)
    assert "Cronologia della lavagna" in page and 'data-last="3"' in page
    assert "1 aggiunti, 0 modificati, 0 tolti" in page
    first = client.get(f"/boards/{board.id}/history/1.svg").get_data(as_text=True)
    assert "Prima" in first and "riveduta" not in first and "Seconda" not in first
    now = client.get(f"/boards/{board.id}/history/3.svg").get_data(as_text=True)
    assert "riveduta" in now and "Seconda" in now
    assert fingerprint() == before  # reviewing changed nothing


def test_a_conductor_saves_a_named_snapshot_at_the_boards_current_seq(client, world, become):
    board = world.project_a.boards[0]
    _grow(board.id)
    become("conductor_a")
    response = client.post(
        f"/boards/{board.id}/snapshots",
        data={"csrf_token": csrf_token(client), "name": "Fine della fase di scrittura"},
    )
    assert response.status_code == 302
    snapshot = db.session.query(BoardSnapshot).filter_by(board_id=board.id).one()
    assert (snapshot.name, snapshot.seq, snapshot.kind.value) == (
        "Fine della fase di scrittura",
        3,
        "named",
    )
    assert "Fine della fase di scrittura" in client.get(f"/boards/{board.id}/history").get_data(
        as_text=True
    )
    # A blank name is refused and saves nothing.
    client.post(
        f"/boards/{board.id}/snapshots", data={"csrf_token": csrf_token(client), "name": "   "}
    )
    assert db.session.query(BoardSnapshot).filter_by(board_id=board.id).count() == 1


def test_participants_and_observers_never_see_a_board_whole(client, world, become):
    """The stored board holds notes still private in a room: history and files are for managers."""
    board = world.project_a.boards[0]
    _grow(board.id)
    for who in ("participant_a", "observer_a"):
        become(who)
        for url in (
            f"/boards/{board.id}/history",
            f"/boards/{board.id}/history/3.svg",
            f"/boards/{board.id}/export.json",
            f"/boards/{board.id}/export.svg",
            f"/boards/{board.id}/items-sticky.csv",
        ):
            assert client.get(url).status_code == 403, (who, url)
        # Their list of boards offers no downloads that would only be refused.
        assert "/export.json" not in client.get("/me").get_data(as_text=True)
