"""The registrants of a lab as a CSV file for spreadsheets, the way the actor registry is:
UTF-8 with a BOM, `;` between cells, Italian headers, formulas neutralised."""

from __future__ import annotations

import csv
import io

from workshop.canvases.registry_csv import DELIMITER, neutralise
from workshop.models import Registration
from workshop.models.registration import RegistrationStatus

STATUS_WORDS = {
    RegistrationStatus.ACCEPTED: "ammesso",
    RegistrationStatus.WAITING: "in attesa",
    RegistrationStatus.CANCELLED: "annullato",
}
HEADERS = (
    "nome",
    "e-mail",
    "organizzazione",
    "ruolo",
    "stato",
    "posizione in attesa",
    "iscritto il",
)


def export_registrations(registrations: list[Registration], positions: dict[int, int]) -> bytes:
    """One row per registration in order of arrival; `positions` maps waiting ids to places in line."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for r in registrations:
        writer.writerow(
            [
                neutralise(r.name),
                neutralise(r.email),
                neutralise(r.organisation),
                neutralise(r.role),
                STATUS_WORDS[r.status],
                positions.get(r.id, ""),
                r.arrived_at.strftime("%Y-%m-%d %H:%M:%S"),
            ]
        )
    return out.getvalue().encode("utf-8-sig")
