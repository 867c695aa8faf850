"""A live session's attendance as a CSV file for an Italian office: what Italian Excel opens
without a wizard (UTF-8 with a BOM, `;` between cells, formulas neutralised, as the actor
registry and the registrations), local time, Italian headers (English for an English reader),
and each person's organisation and role when known: from their registration to the lab, or
from the join form. Domain code: no Flask."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.canvases.registry_csv import DELIMITER, neutralise
from workshop.models import Participant, Registration

# The columns, in order: (key of the row or of the person's details, Italian, English).
COLUMNS = (
    ("name", "nome", "name"),
    ("organisation", "organizzazione", "organisation"),
    ("role", "ruolo", "role"),
    ("room", "stanza", "room"),
    ("entered_at", "entrata", "entered"),
    ("left_at", "uscita", "left"),
    ("minutes", "minuti", "minutes"),
    ("changes", "modifiche", "changes"),
    ("votes", "voti", "votes"),
)
TIME_FORMAT = {"it": "%d/%m/%Y %H:%M", "en": "%Y-%m-%d %H:%M"}


def people_details(session: Session, identities: Iterable[str]) -> dict[str, tuple[str, str]]:
    """identity -> (organisation, role) for the participants ("p:42") among them: what they gave
    when joining, else what their registration to the lab says (a personal invite)."""
    ids = {
        int(i[2:])
        for i in identities
        if isinstance(i, str) and i.startswith("p:") and i[2:].isdigit()
    }
    if not ids:
        return {}
    participants = list(session.scalars(sa.select(Participant).where(Participant.id.in_(ids))))
    registered = {
        r.invite_id: r
        for r in session.scalars(
            sa.select(Registration).where(
                Registration.invite_id.in_({p.invite_id for p in participants})
            )
        )
    }
    details = {}
    for p in participants:
        r = registered.get(p.invite_id)
        organisation = p.organisation or (r.organisation if r else "")
        role = p.role or (r.role if r else "")
        details[f"p:{p.id}"] = (organisation, role)
    return details


def _local(value: Any, zone: tzinfo, lang: str) -> str:
    """An ISO moment of the attendance rows (UTC) in the office's local time."""
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime(TIME_FORMAT.get(lang, TIME_FORMAT["it"]))


def _minutes(value: Any, lang: str) -> str:
    text = f"{float(value or 0):.1f}"
    return text.replace(".", ",") if lang != "en" else text


def export_attendance(
    rows: Iterable[Mapping[str, Any]],
    details: Mapping[str, tuple[str, str]],
    zone: tzinfo,
    lang: str = "it",
) -> bytes:
    """One line per stay in a room (workshop.rooms.service.attendance's rows), as bytes."""
    english = lang == "en"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([en if english else it for _, it, en in COLUMNS])
    for row in rows:
        organisation, role = details.get(str(row.get("identity", "")), ("", ""))
        writer.writerow(
            [
                neutralise(str(row.get("name", ""))),
                neutralise(organisation),
                neutralise(role),
                neutralise(str(row.get("room", ""))),
                _local(row.get("entered_at"), zone, lang),
                _local(row.get("left_at"), zone, lang),
                _minutes(row.get("minutes"), lang),
                row.get("changes", 0),
                row.get("votes", 0),
            ]
        )
    return out.getvalue().encode("utf-8-sig")
