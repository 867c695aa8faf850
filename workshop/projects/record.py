"""The project record as the reports read it: its columns, plus the co-design table's
composition drawn from the stakeholder registry and the meetings (never typed twice)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.models import Invite, Participant, Project
from workshop.models.rooms import LabMeeting, LabProject


def record_for_report(conn: sa.Connection, project_id: int) -> dict[str, Any]:
    """The record's columns by name, with `table_meetings` [(date, title)] from the labs the
    project is in and `table_organisations` [name] that signed in at them (the attendance)."""
    projects = Project.__table__
    row = conn.execute(sa.select(projects).where(projects.c.id == project_id)).mappings().first()
    if row is None:
        return {}
    record = dict(row)
    meetings = LabMeeting.__table__
    links = LabProject.__table__
    record["table_meetings"] = [
        (held_on, title)
        for held_on, title in conn.execute(
            sa.select(meetings.c.held_on, meetings.c.title)
            .join(links, links.c.lab_id == meetings.c.lab_id)
            .where(links.c.project_id == project_id)
            .order_by(meetings.c.held_on)
        )
    ]
    participants, invites = Participant.__table__, Invite.__table__
    record["table_organisations"] = sorted(
        {
            " ".join(org.split())
            for (org,) in conn.execute(
                sa.select(participants.c.organisation)
                .join(invites, invites.c.id == participants.c.invite_id)
                .where(invites.c.project_id == project_id, participants.c.removed_at.is_(None))
            )
            if org and org.strip()
        }
    )
    record["ledger"] = ledger_figures(conn, project_id)
    return record


def ledger_figures(conn: sa.Connection, project_id: int) -> dict[str, Any]:
    """The co-funding ledger's figures (workshop.ledger, the project's one budget) as plain
    data for the report's §6: by source class, by partner, by cost category."""
    from workshop import ledger  # reads the stakeholder board through workshop.boards

    with Session(bind=conn) as session:
        found = ledger.lines(session, project_id)
        by_source = ledger.totals_by_source(found)
        by_partner = ledger.totals_by_partner(found)
        by_category = ledger.totals_by_category(found)
        return {
            "count": len(found),
            "by_source": {
                key: {
                    "planned": float(t.planned),
                    "monetary": float(t.planned_monetary),
                    "in_kind": float(t.planned_in_kind),
                    "reported": float(t.reported),
                }
                for key, t in by_source.items()
            },
            "by_partner": [
                (t.name, t.source_class, float(t.planned), float(t.planned_in_kind), float(t.share))
                for t in by_partner
            ],
            "by_category": {key: float(t.planned) for key, t in by_category.items() if t.planned},
            "reported": any(line.reported_eur is not None for line in found),
        }
