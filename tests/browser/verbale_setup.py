"""Setup for tests/browser/test_verbale_browser.py, run as a script against the test server's
database.

    python -m tests.browser.verbale_setup            ->  JSON: the demo project's context board,
        a lab meeting today with two registered attendees (one comes with her personal invite's
        code, one stays away)
    python -m tests.browser.verbale_setup link ID    ->  JSON: the verbale's review links
        (recipient e-mail -> token), as the e-mail carried them
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from workshop import create_app

ATTENDEES = (  # name, e-mail, organisation, role, comes?
    ("Anna Rossi", "anna.rossi@example.org", "Cooperativa Il Melo", "Educatrice", True),
    ("Carla Verdi", "carla.verdi@example.org", "APS Quartieri", "Volontaria", False),
)


def setup() -> dict:
    import sqlalchemy as sa

    from workshop.access import service as access
    from workshop.demo import DEMO_PROJECT_TITLE
    from workshop.extensions import db
    from workshop.models import Board, Project, Registration, RegistrationStatus
    from workshop.rooms import labs

    app = create_app()
    with app.app_context():
        project = db.session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
        board = db.session.scalar(
            sa.select(Board)
            .where(Board.project_id == project.id, Board.kind == "context")
            .order_by(Board.id)
        )
        today = datetime.now(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])).date()
        lab = labs.create_lab(
            db.session, "Tavolo di co-programmazione", [(today, "Prima seduta")], [project.id], None
        )
        db.session.flush()
        codes = {}
        for seat, (name, email, organisation, role, comes) in enumerate(ATTENDEES, start=1):
            invite = access.create_invite(db.session, project.id, None, label=name)
            db.session.add(
                Registration(
                    lab_id=lab.id,
                    name=name,
                    email=email,
                    organisation=organisation,
                    role=role,
                    status=RegistrationStatus.ACCEPTED,
                    seat=seat,
                    token=secrets.token_urlsafe(32),
                    invite_id=invite.id,
                )
            )
            if comes:
                codes[name] = invite.code
        db.session.commit()
        return {
            "project": project.id,
            "board": board.id,
            "meeting": lab.meetings[0].id,
            "codes": codes,
        }


def links(verbale_id: int) -> dict:
    from workshop.access.personal_links import links_for
    from workshop.extensions import db
    from workshop.models import LinkPurpose

    app = create_app()
    with app.app_context():
        return {
            link.recipient_email: link.token
            for link in links_for(db.session, LinkPurpose.VERBALE_REVIEW, verbale_id)
        }


if __name__ == "__main__":
    if sys.argv[1:2] == ["link"]:
        print(json.dumps(links(int(sys.argv[2]))))
    else:
        print(json.dumps(setup()))
