"""Setup for tests/browser/test_live_ui_browser.py, run as a script against the test server's
database: the demo project's session boards by kind, and a lab holding the project with a
meeting today (in WORKSHOP_TIMEZONE) and one next week.

    python -m tests.browser.live_setup   ->  JSON on stdout
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from workshop import create_app


def main() -> dict:
    import sqlalchemy as sa

    from workshop.demo import DEMO_PROJECT_TITLE
    from workshop.extensions import db
    from workshop.models import Board, Project
    from workshop.rooms import labs

    app = create_app()
    with app.app_context():
        project = db.session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
        boards = {}
        for board in db.session.scalars(
            sa.select(Board).where(Board.project_id == project.id).order_by(Board.id)
        ):
            boards.setdefault(str(board.kind), board.id)
        today = datetime.now(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])).date()
        lab = labs.create_lab(
            db.session,
            "Laboratorio di prova",
            [
                (today + timedelta(days=7), "Teoria del cambiamento"),
                (today, "Analisi del contesto"),
            ],
            [project.id],
            None,
        )
        db.session.commit()
        meetings = {m.title: m.id for m in lab.meetings}
        return {"project": project.id, "boards": boards, "meetings": meetings}


if __name__ == "__main__":
    print(json.dumps(main()))
