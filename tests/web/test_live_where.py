"""Where am I (issue 14), over HTTP: the conductor's board page offers the project's lab
meetings (today's first) and its join code; a participant who joins while a live session is
open lands on its board; board lists mark the live board and list a session's group boards
under that session; the review dashboard lists each session under its meeting."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import get_timezone

from workshop.access.service import format_join_code
from workshop.extensions import db
from workshop.models import LiveSession, Room, utcnow
from workshop.projects import service as projects
from workshop.rooms import labs
from workshop.rooms import service as rooms

# The pages are in Italian by default.
LIVE_NOW = "In corso ora"
GROUPS_HEADING = "Lavagne dei gruppi delle sessioni dal vivo"
NO_SESSION = "Ancora nessuna sessione dal vivo"


def _today(app) -> date:
    with app.test_request_context("/"):
        from datetime import datetime

        return datetime.now(get_timezone()).date()


def _lab(app, project, today):
    lab = labs.create_lab(
        db.session,
        "Laboratorio",
        [
            (today - timedelta(days=7), "Prima"),
            (today + timedelta(days=7), "Terza"),
            (today, "Seconda"),
        ],
        [project.id],
        None,
    )
    db.session.commit()
    return {m.title: m.id for m in lab.meetings}


def _facts(html: str):
    match = re.search(r'<script type="application/json" id="live-facts">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else None


def _session_with_groups(world, meeting_id=None):
    plenary = world.project_a.boards[0]
    live = rooms.open_session(db.session, plenary, "u:1", "Plenaria", utcnow())
    live.meeting_id = meeting_id
    groups = []
    for n in (1, 2):
        board = projects.add_free_board(db.session, world.project_a, f"Gruppo {n}")
        live.rooms.append(Room(board_id=board.id, name=f"Gruppo {n}", position=n, is_plenary=False))
        groups.append(board.id)
    db.session.commit()
    return live, plenary.id, groups


def test_the_conductor_page_offers_the_meetings_today_first_and_the_join_code(
    app, client, auth, world
):
    today = _today(app)
    meetings = _lab(app, world.project_a, today)
    board = world.project_a.boards[0]
    auth.login("cond@example.org")
    facts = _facts(client.get(f"/boards/{board.id}").get_data(as_text=True))
    assert [m["title"] for m in facts["meetings"]] == ["Seconda", "Terza", "Prima"]
    assert facts["meetings"][0] == {
        "id": meetings["Seconda"],
        "title": "Seconda",
        "date": today.isoformat(),
        "label": facts["meetings"][0]["label"],
        "today": True,
    }
    assert facts["meetings"][0]["label"].endswith("· Seconda")
    assert facts["join"]["code"] == format_join_code(world.invite_a.code)
    assert facts["join"]["link"].endswith(f"/j/{world.invite_a.token}")


def test_a_participant_page_carries_no_meetings_nor_join_code(app, client, auth, world):
    _lab(app, world.project_a, _today(app))
    auth.join(world.invite_a.code)
    html = client.get(f"/boards/{world.project_a.boards[0].id}").get_data(as_text=True)
    assert _facts(html) is None and world.invite_a.token not in html


def test_a_participant_lands_on_the_live_board_and_the_list_marks_it(app, client, auth, world):
    live, plenary, groups = _session_with_groups(world)
    live_id = live.id
    response = auth.join(world.invite_a.code)
    assert response.headers["Location"].endswith(f"/boards/{plenary}")
    assert client.get("/").headers["Location"].endswith(f"/boards/{plenary}")
    page = client.get("/me").get_data(as_text=True)
    assert page.count(LIVE_NOW) == 4  # the plenary, the session's heading, its two groups
    grid, _, below = page.partition(GROUPS_HEADING)
    assert f"/boards/{groups[0]}" not in grid and f"/boards/{groups[0]}" in below
    # Once the session is closed, the participant goes to their boards again.
    db.session.execute(
        sa.update(LiveSession).where(LiveSession.id == live_id).values(closed_at=utcnow())
    )
    db.session.commit()
    assert client.get("/").headers["Location"].endswith("/me")
    assert LIVE_NOW not in client.get("/me").get_data(as_text=True)


def test_the_project_page_lists_group_boards_under_their_session(app, client, auth, world):
    meetings = _lab(app, world.project_a, _today(app))
    _, _, groups = _session_with_groups(world, meetings["Seconda"])
    auth.login("cond@example.org")
    page = client.get(f"/projects/{world.project_a.id}").get_data(as_text=True)
    free, _, below = page.partition(GROUPS_HEADING)
    assert all(f'/boards/{g}"' not in free for g in groups)
    section = below.split("</section>")[0]
    assert "Seconda" in section and all(f'/boards/{g}"' in section for g in groups)


def test_the_dashboard_lists_each_session_under_its_meeting(app, client, auth, world):
    meetings = _lab(app, world.project_a, _today(app))
    _session_with_groups(world, meetings["Seconda"])
    auth.login("cond@example.org")  # a conductor sees no lab table: the project's list says it
    page = client.get("/organize").get_data(as_text=True)
    sessions = page.split('class="dash-sessions"')[1].split("</ul>")[0]
    assert "Seconda" in sessions and NO_SESSION not in sessions
    auth.logout()
    auth.login("org@example.org")
    page = client.get("/organize").get_data(as_text=True)
    row = page.split("Seconda</th>")[1].split("</tr>")[0]
    assert NO_SESSION not in row
