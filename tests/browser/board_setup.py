"""Setup for the board browser tests, run as a script against the test server's database:
free boards for each test, a locked board, an observer invite, and one board filled with many
items.

    python -m tests.browser.board_setup BOARDS BIG_ITEMS   ->  JSON on stdout

The items of the big board go through the real sequencer (service.apply_change), 200 per
change, exactly as a client's would.
"""

from __future__ import annotations

import json
import sys

from workshop import create_app


def main(board_count: int, big_items: int) -> dict:
    import sqlalchemy as sa

    from workshop.access import service as access
    from workshop.boards import ops, service
    from workshop.boards.state import Actor
    from workshop.demo import DEMO_PROJECT_TITLE
    from workshop.extensions import db
    from workshop.models import InviteRole, Project
    from workshop.projects import service as projects

    app = create_app()
    with app.app_context():
        project = db.session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
        boards = [
            projects.add_free_board(db.session, project, f"Prova {n + 1}").id
            for n in range(board_count)
        ]
        big = projects.add_free_board(db.session, project, "Lavagna grande").id
        locked = projects.add_free_board(db.session, project, "Lavagna bloccata")
        locked.locked = True  # as a conductor's lock leaves it
        observer = access.create_invite(
            db.session, project.id, None, role=InviteRole.OBSERVER, label="Osservatore"
        )
        db.session.commit()
        observer_code = observer.code

        actor = Actor("u:seed", "Seed", may_conduct=True)
        columns = 100
        per_change = 200
        for start in range(0, big_items, per_change):
            raw_ops = []
            for n in range(start, min(start + per_change, big_items)):
                raw_ops.append(
                    {
                        "op": "create",
                        "id": f"big{n:05d}",
                        "type": "sticky",
                        "fields": {
                            "x": (n % columns) * 220,
                            "y": (n // columns) * 220,
                            "w": 200,
                            "h": 200,
                            "text": f"Nota {n}: un'idea per il tavolo",
                            "color": ("yellow", "blue", "green", "pink")[n % 4],
                        },
                    }
                )
            change = ops.parse_change(
                {"board_id": big, "change_id": f"seed:{start}", "client_id": "seed", "ops": raw_ops}
            )
            service.apply_change(db.session, change, actor)
        return {
            "boards": boards,
            "big_board": big,
            "locked_board": locked.id,
            "observer_code": observer_code,
        }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
