"""Search across projects: cards on boards and project records, only in projects one may see."""

from __future__ import annotations

from workshop.boards import service
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.extensions import db
from workshop.projects import search as project_search

ACTOR = Actor("u:1", "Carla", may_conduct=True)


def _put(board_id, ops, name):
    service.apply_change(
        db.session,
        parse_change({"board_id": board_id, "change_id": name, "client_id": "t", "ops": ops}),
        ACTOR,
    )


def _fill(world):
    a_context = world.project_a.boards[0]
    a_theory = next(b for b in world.project_a.boards if b.kind.value == "theory_of_change")
    b_board = world.project_b.boards[0]
    _put(
        a_context.id,
        [
            {
                "op": "create",
                "id": "p1",
                "type": "problem",
                "fields": {"text": "Solitudine degli anziani in città", "role": "core"},
            }
        ],
        "a1",
    )
    _put(
        a_theory.id,
        [
            {
                "op": "create",
                "id": "k1",
                "type": "indicator",
                "fields": {"name": "Anziani con visite settimanali"},
            }
        ],
        "a2",
    )
    _put(
        b_board.id,
        [
            {
                "op": "create",
                "id": "p9",
                "type": "problem",
                "fields": {"text": "Anziani soli nel progetto B"},
            }
        ],
        "b1",
    )


def test_a_conductor_finds_cards_of_their_projects_only(client, world, become):
    _fill(world)
    become("conductor_a")
    page = client.get("/search?q=anziani").get_data(as_text=True)
    assert "Solitudine degli anziani in città" in page and "Anziani con visite settimanali" in page
    assert "progetto B" not in page
    assert "Indicatore" in page and "Problema" in page  # the card's type, in Italian


def test_an_organizer_finds_cards_of_every_project(client, world, become):
    _fill(world)
    become("organizer")
    page = client.get("/search?q=anziani").get_data(as_text=True)
    assert "3 risultati." in page and "progetto B" in page


def test_search_finds_words_people_wrote_not_field_names_and_handles_awkward_queries(world):
    _fill(world)
    ids = [world.project_a.id, world.project_b.id]
    assert project_search.search(db.session, ids, "role") == []  # a field's name, not its text
    assert [h.item_id for h in project_search.search(db.session, ids, "città")] == ["p1"]
    assert project_search.search(db.session, ids, "100%") == []
    assert project_search.search(db.session, ids, "a_b") == []
    assert project_search.search(db.session, ids, "x") == []  # too short
    assert project_search.search(db.session, [], "anziani") == []
    record = project_search.search(db.session, ids, world.project_a.title)
    assert record and record[0].board_id is None


def test_a_participant_cannot_search(client, become):
    become("participant_a")
    assert client.get("/search?q=anziani").status_code == 403
