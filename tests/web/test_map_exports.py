"""The stakeholder map exports what the board shows: zones and backgrounds under the cards, the
grid's quadrant names and axes, every actor visible (issue 16). Read back from the real routes:
the SVG's paint order, the PNG's pixels, the PDF's text, the project ZIP and a case history."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa
from PIL import Image
from pypdf import PdfReader

from tests.conftest import post_form
from workshop import demo
from workshop.boards import service as boards
from workshop.boards.ops import parse_action, parse_change
from workshop.boards.state import Actor
from workshop.canvases import stakeholders as sh
from workshop.exports import diagram
from workshop.extensions import db
from workshop.models import BoardKind, CaseBoard, Project, ProjectStatus, User

SVG = "{http://www.w3.org/2000/svg}"
QUADRANTS_IT = ("Gestire da vicino", "Mantenere soddisfatti", "Tenere informati", "Monitorare")
CONDUCTOR = Actor("u:1", "Carla", may_conduct=True)


def paint_order(svg: str) -> list[tuple[str, str]]:
    """(item id, type) of every drawn item, in the order the SVG paints them."""
    root = ElementTree.fromstring(svg.encode("utf-8"))
    return [
        (g.get("data-item"), g.get("data-type")) for g in root.iter(f"{SVG}g") if g.get("data-item")
    ]


def assert_actors_on_top(svg: str, actor_ids: set[str]) -> None:
    order = paint_order(svg)
    position = {item_id: n for n, (item_id, _type) in enumerate(order)}
    kinds = dict(order)
    assert actor_ids <= set(position), "every actor is drawn"
    backgrounds = [i for i, t in kinds.items() if t in ("pi_grid", "proposal", "frame")]
    assert any(kinds[i] == "pi_grid" for i in backgrounds)
    for actor in actor_ids:
        for background in backgrounds:
            assert position[background] < position[actor], f"{background} painted over {actor}"
    for relation in (i for i, t in kinds.items() if t == "relation"):
        assert all(position[b] < position[relation] for b in backgrounds)
    text = " ".join(svg_text(svg))
    for name in QUADRANTS_IT + ("Potere", "Interesse"):
        assert name in text


def svg_text(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


QUADRANT_NAME_BAND = 35.0  # board units along a quadrant's outer edge where its name stands


def assert_cards_apart_inside_their_quadrants(items: dict, actor_ids: set[str]) -> None:
    """Every actor readable in full: no card covers another, each lies wholly inside one quadrant
    and clear of the band where the quadrant's name is written."""
    grid = next(it["fields"] for it in items.values() if it["type"] == "pi_grid")
    half_w, half_h = grid["w"] / 2, grid["h"] / 2
    boxes = {}
    for actor_id in actor_ids:
        f = items[actor_id]["fields"]
        x, y, w, h = f["x"] - grid["x"], f["y"] - grid["y"], f["w"], f["h"]
        column, row = int(x // half_w), int(y // half_h)
        assert x + w <= (column + 1) * half_w and y + h <= (row + 1) * half_h, (
            f"{actor_id} straddles"
        )
        assert 0 <= x and 0 <= y and x + w <= grid["w"] and y + h <= grid["h"], (
            f"{actor_id} off grid"
        )
        if row == 0:
            assert y >= QUADRANT_NAME_BAND, f"{actor_id} covers its quadrant's name"
        else:
            assert y + h <= grid["h"] - QUADRANT_NAME_BAND, f"{actor_id} covers its quadrant's name"
        boxes[actor_id] = (x, y, w, h)
    for a, (ax, ay, aw, ah) in boxes.items():
        for b, (bx, by, bw, bh) in boxes.items():
            if a < b:
                assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a, b)


def _login_demo(client) -> Project:
    result = demo.load(db.session)
    conductor = db.session.query(User).filter_by(email=demo.DEMO_CONDUCTOR_EMAIL).one()
    post_form(client, "/auth/login", {"email": conductor.email, "password": demo.DEMO_PASSWORD})
    return db.session.get(Project, result.project_id)


def _stakeholder_board(project: Project):
    return next(b for b in project.boards if b.kind == BoardKind.STAKEHOLDERS)


def test_the_demo_map_exports_every_actor_over_the_grid_in_svg_png_and_pdf(app, client):
    project = _login_demo(client)
    board = _stakeholder_board(project)
    actors = {a[0]: a for a in demo.DEMO_ACTORS}
    svg = client.get(f"/boards/{board.id}/export.svg").get_data(as_text=True)
    assert_actors_on_top(svg, set(actors))
    names = " ".join(svg_text(svg))
    for _id, name, *_rest in demo.DEMO_ACTORS:
        assert name.split()[0] in names

    # The PNG: inside each actor's card (below its text), the card's own fill, not the grid's.
    png = Image.open(io.BytesIO(client.get(f"/boards/{board.id}/export.png").data)).convert("RGB")
    left, top = (float(v) for v in re.search(r'viewBox="([-0-9.]+) ([-0-9.]+)', svg).groups())
    width = float(re.search(r'<svg[^>]* width="([0-9.]+)"', svg).group(1))
    scale = png.width / width
    items = {it["id"]: it for it in boards.live_items(db.session, board.id)}
    for actor_id, (_id, _name, macro, *_rest) in actors.items():
        # The tone the board gives the actor's type: public and Third Sector differ on paper too.
        tone = diagram.FILL[diagram.TONES["actor"][1][macro]]
        card_fill = tuple(int(tone[i : i + 2], 16) for i in (1, 3, 5))
        f = items[actor_id]["fields"]
        px = ((f["x"] + f["w"] - 6 - left) * scale, (f["y"] + f["h"] - 6 - top) * scale)
        got = png.getpixel((int(px[0]), int(px[1])))
        assert max(abs(a - b) for a, b in zip(got, card_fill, strict=True)) <= 12, (actor_id, got)

    assert_cards_apart_inside_their_quadrants(items, set(actors))

    pdf = PdfReader(io.BytesIO(client.get(f"/boards/{board.id}/export.pdf").data))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))
    for name in ("Gestire da vicino", "Monitorare", "ODV Porte Aperte", "Fondazione Casa Comune"):
        assert name in text


def test_the_project_zip_and_a_case_history_carry_the_same_drawing(app, client):
    project = _login_demo(client)
    board = _stakeholder_board(project)
    actors = {a[0] for a in demo.DEMO_ACTORS}
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/projects/{project.id}/export.zip").data))
    drawings = [n for n in archive.namelist() if n.endswith(".svg")]
    map_svg = next(
        archive.read(n).decode("utf-8")
        for n in drawings
        if "demo-comune" in archive.read(n).decode("utf-8")
    )
    assert_actors_on_top(map_svg, actors)

    db.session.get(Project, project.id).status = ProjectStatus.CLOSED
    db.session.commit()
    summary = {"title": "Abitare solidale", "context": "Crisi abitativa", "boards": [board.id]}
    assert post_form(client, f"/library/cases/publish/{project.id}", summary).status_code == 302
    frozen = db.session.scalar(sa.select(CaseBoard))
    case_svg = client.get(f"/library/cases/{frozen.case_id}/boards/{frozen.id}.svg").get_data(
        as_text=True
    )
    assert_actors_on_top(case_svg, actors)


@pytest.mark.parametrize("lang, quadrant", [("en", "Manage closely"), ("it", "Gestire da vicino")])
def test_a_second_project_built_through_the_real_paths_draws_its_actors_on_top(
    app, client, auth, world, lang, quadrant
):
    """Actors whose ids sort before the grid's, placed by dragging onto the grid (the rule gives
    them their power and interest), drawn over it; the grid named in the reader's language."""
    project = world.project_a
    board = _stakeholder_board(project)
    request = parse_action(
        {
            "board_id": board.id,
            "change_id": "t1",
            "client_id": "t",
            "action": "apply_template",
            "args": {"name": "stakeholders_full"},
        }
    )
    boards.run_action(
        db.session, request.change, request.action, request.args, CONDUCTOR, may_edit=True
    )
    ops = [
        {
            "op": "create",
            "id": f"a{n}",
            "type": "actor",
            "fields": {
                "name": f"Soggetto {n}",
                "macro_type": "third_sector",
                "x": 60 + n * 150,
                "y": 60 + n * 130,
                "w": sh.ACTOR_CARD_W,
                "h": sh.ACTOR_CARD_H,
            },
        }
        for n in range(5)
    ]
    ops.append(
        {
            "op": "create",
            "id": "a-rel",
            "type": "relation",
            "fields": {"from": "a0", "to": "a4", "type": "funding"},
        }
    )
    boards.apply_change(
        db.session,
        parse_change({"board_id": board.id, "change_id": "t2", "client_id": "t", "ops": ops}),
        CONDUCTOR,
    )
    placed = {it["id"]: it["fields"] for it in boards.live_items(db.session, board.id)}
    assert placed["a0"]["power"] > 4 and placed["a4"]["power"] < 2  # on the grid, by the rule
    with client.session_transaction() as session:
        session["lang"] = lang
    auth.login(world.conductor.email)
    svg = client.get(f"/boards/{board.id}/export.svg").get_data(as_text=True)
    order = paint_order(svg)
    grid_at = next(n for n, (_i, t) in enumerate(order) if t == "pi_grid")
    assert all(grid_at < n for n, (i, _t) in enumerate(order) if i.startswith("a"))
    assert quadrant in " ".join(svg_text(svg))
