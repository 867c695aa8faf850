"""A 300-card problem tree and a 150-actor grid in real Chromium: time to the first full render
and frame times while panning, written to test-artifacts/canvas-perf.json.

Chromium runs here without its 60 Hz frame cap (no vsync, no frame-rate limit), so the time
between two animation frames is the work a frame costs, not the screen's refresh: the grid with
150 actors and 150 relations must pan at a median of at most 16 ms a frame at 100% (issue 15;
it was 30-50 ms, then 140 ms on a loaded machine, before the world became a composited layer
while it moves)."""

from __future__ import annotations

import json
import os

import pytest

from tests.browser.test_board_browser import ARTIFACTS, Person
from tests.browser.test_canvas_browser import site  # noqa: F401  (fixtures)
from tests.support.browser import launch_browser
from tests.support.browser_site import run_script

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TREE_CARDS = 300
GRID_ACTORS = 150
SMOOTH_FRAME_MS = 16  # a frame's work while panning the grid at 100% (median)
UNCAPPED_FRAMES = ("--disable-gpu-vsync", "--disable-frame-rate-limit")


@pytest.fixture(scope="module")
def browser(playwright):
    """Chromium without the 60 Hz cap: frame intervals then measure a frame's cost."""
    chromium = launch_browser(playwright, extra_args=UNCAPPED_FRAMES)
    yield chromium
    chromium.close()


# The script the test runs in a subprocess to build the two large boards.
BUILD = (
    f"TREE_CARDS, GRID_ACTORS = {TREE_CARDS}, {GRID_ACTORS}\n"
    + """
import json, random, sqlalchemy as sa
from workshop import create_app
from workshop.boards import service
from workshop.boards.ops import parse_action, parse_change
from workshop.boards.state import Actor
from workshop.demo import DEMO_CONDUCTOR_EMAIL
from workshop.extensions import db
from workshop.models import User
from workshop.projects import service as projects
app = create_app()
rng = random.Random(7)
with app.app_context():
    conductor = db.session.scalar(sa.select(User).where(User.email == DEMO_CONDUCTOR_EMAIL))
    project = projects.create_project(db.session, {"title": "Prova grande"}, conductor)
    projects.assign_conductor(db.session, project, conductor)
    db.session.commit()
    boards = {str(b.kind): b.id for b in project.boards}
    actor = Actor(f"u:{conductor.id}", conductor.name, True)
    n = iter(range(10**6))
    def send(board_id, ops):
        for i in range(0, len(ops), 200):
            change = parse_change(
                {"board_id": board_id, "change_id": f"b{next(n)}", "client_id": "b", "ops": ops[i:i + 200]}
            )
            service.apply_change(db.session, change, actor)
    def act(board_id, name, args):
        r = parse_action(
            {"board_id": board_id, "change_id": f"a{next(n)}", "client_id": "b", "action": name, "args": args}
        )
        service.run_action(db.session, r.change, r.action, r.args, actor, may_edit=True)
    tree = boards["context"]
    cards = [{"op": "create", "id": "p0", "type": "problem", "fields": {"text": "Problema centrale", "role": "core"}}]
    links = []
    for i in range(1, TREE_CARDS):
        role = "effect" if i % 4 == 0 else "cause"
        text = f"Problema {i}: una frase di media lunghezza"
        cards.append({"op": "create", "id": f"p{i}", "type": "problem", "fields": {"text": text, "role": role}})
        parent = f"p{rng.randrange(0, i)}"
        ends = (parent, f"p{i}") if role == "effect" else (f"p{i}", parent)
        links.append({"op": "create", "id": f"l{i}", "type": "causal_link", "fields": {"from": ends[0], "to": ends[1]}})
    send(tree, cards)
    send(tree, links)
    act(tree, "layout_problem_tree", {})
    grid = boards["stakeholders"]
    act(grid, "apply_template", {"name": "power_interest_grid"})
    grid_item = next(it for it in service.live_items(db.session, grid) if it["type"] == "pi_grid")["fields"]
    actors = []
    for i in range(GRID_ACTORS):
        actors.append({"op": "create", "id": f"a{i}", "type": "actor", "fields": {
            "name": f"Soggetto {i}", "macro_type": "third_sector",
            "x": grid_item["x"] + rng.random() * (grid_item["w"] - 200),
            "y": grid_item["y"] + rng.random() * (grid_item["h"] - 100), "w": 180, "h": 90}})
    send(grid, actors)
    relations = [
        {"op": "create", "id": f"r{i}", "type": "relation", "fields": {
            "from": f"a{i}", "to": f"a{(i * 7 + 3) % GRID_ACTORS}", "type": "collaboration", "direction": "directed"}}
        for i in range(GRID_ACTORS)
    ]
    send(grid, relations)
    db.session.commit()
    print(json.dumps(boards))
"""
)

MEASURE = """async ({zoom}) => {
  const r = window.tavoloBoard.renderer;
  r.fitAll();
  if (zoom) r.setCamera({zoom, x: r.camera?.x ?? 0, y: r.camera?.y ?? 0});
  await new Promise(f => requestAnimationFrame(() => requestAnimationFrame(f)));
  const frames = [];
  let last = performance.now();
  for (let i = 0; i < 120; i++) {
    r.panBy(i % 60 < 30 ? -24 : 24, i % 60 < 30 ? -12 : 12);
    await new Promise(f => requestAnimationFrame(f));
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  frames.sort((a, b) => a - b);
  const pick = (q) => Math.round(frames[Math.min(frames.length - 1, Math.floor(q * frames.length))] * 10) / 10;
  return {median: pick(0.5), p95: pick(0.95), max: pick(1), nodes: document.querySelectorAll('.item').length};
}"""


def test_a_300_card_tree_and_a_150_actor_grid_render_and_pan_smoothly(browser, site):  # noqa: F811
    boards = run_script(site["env"], ["-c", BUILD])
    person = Person(browser, site).log_in()
    figures = {"cpu_count": os.cpu_count()}
    for name, kind, expected in (
        ("tree", "context", 2 * TREE_CARDS - 1),
        ("grid", "stakeholders", 2 * GRID_ACTORS + 1),
    ):
        started = person.js("() => performance.now()")
        person.open(boards[kind])
        rendered = person.js(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
        )
        assert person.js("() => window.tavoloBoard.state.size") >= expected
        figures[name] = {
            "items": person.js("() => window.tavoloBoard.state.size"),
            "first_full_render_ms": round(rendered),
            "pan_fit_all": person.js(MEASURE, {"zoom": 0}),
            "pan_at_100_percent": person.js(MEASURE, {"zoom": 1}),
        }
        del started
        person.page.screenshot(path=str(ARTIFACTS / f"canvas-perf-{name}.png"))
    (ARTIFACTS / "canvas-perf.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures))
    for name in ("tree", "grid"):
        assert figures[name]["first_full_render_ms"] < 15_000
        assert figures[name]["pan_at_100_percent"]["median"] < 100
    assert figures["grid"]["pan_at_100_percent"]["median"] <= SMOOTH_FRAME_MS, figures["grid"]
