"""The demo a newcomer opens first: accounts, a filled-in project, its boards and an invite.

The project's record is content, not interface, so it is written in Italian, as a lab would.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.access import service as access
from workshop.models import Invite, InviteRole, Project, User, UserRole
from workshop.projects import service as projects

DEMO_ORGANIZER_EMAIL = "organizzatrice@demo.local"
DEMO_CONDUCTOR_EMAIL = "conduttore@demo.local"
DEMO_PASSWORD = "demo-workshop"
DEMO_JOIN_CODE = "CAFE7946"  # shown as CAFE-7946
DEMO_PROJECT_TITLE = "Abitare solidale: co-progettazione dei servizi per l'abitare"

DEMO_RECORD = {
    "title": DEMO_PROJECT_TITLE,
    "notice_name": "Avviso pubblico per la co-progettazione di interventi per l'abitare solidale",
    "notice_act": "Determinazione dirigenziale n. 245 del 12 marzo 2026",
    "proposing_body": "Ufficio di Piano dell'Ambito territoriale Valle Serena (ente capofila: Comune di Borgo Sereno)",
    "territory": "Ambito territoriale Valle Serena: 14 Comuni, 96.000 abitanti",
    "third_sector_types": ["social_cooperative", "aps", "odv", "foundation"],
    "motivation": (
        "La crisi abitativa colpisce famiglie monoreddito, giovani e anziani soli. Nessun ente da "
        "solo dispone delle competenze e delle risorse necessarie: la co-progettazione (art. 55 "
        "d.lgs. 117/2017) permette di mettere in comune conoscenze, immobili e reti."
    ),
    "requested_activities": (
        "Sportello unico per l'abitare; accompagnamento educativo all'autonomia abitativa; "
        "coabitazioni solidali; mediazione tra proprietari e inquilini."
    ),
    "public_resources_eur": Decimal("480000.00"),
    "public_resources_monetary": "Fondo nazionale politiche sociali e fondi PNRR M5C2, per 36 mesi.",
    "public_resources_in_kind": "Tre alloggi comunali, locali per lo sportello, personale del servizio sociale.",
    "third_sector_cofunding_eur": Decimal("95000.00"),
    "third_sector_cofunding": "Ore di volontariato, due alloggi di una fondazione, un mezzo per i traslochi.",
    "procedure_steps": (
        "Avvio del procedimento; pubblicazione dell'avviso; istruttoria delle domande; quattro "
        "sessioni del tavolo con verbali; determina di approvazione del progetto; convenzione."
    ),
    "table_coordination": "La responsabile del procedimento dell'Ufficio di Piano, con una facilitatrice esterna.",
    "participant_selection": "Gli enti ammessi dall'avviso, più due rappresentanti delle persone seguite dai servizi.",
    "conflict_handling": "Regole del tavolo condivise alla prima sessione; decisioni per consenso, poi a maggioranza qualificata.",
    "strengths": "Rete già attiva sul territorio; alloggi disponibili; forte impegno politico.",
    "weaknesses": "Tempi stretti del PNRR; poca esperienza di valutazione d'impatto.",
}


@dataclass
class DemoResult:
    created: bool
    project_id: int

    def summary(self) -> str:
        verb = "created" if self.created else "already present"
        return f"demo project {self.project_id} {verb}"


def _user(session: Session, email: str, name: str, role: UserRole) -> User:
    user = session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, role=role)
        user.set_password(DEMO_PASSWORD)
        session.add(user)
        session.flush()
    return user


def load(session: Session) -> DemoResult:
    """Create the demo once; running it again changes nothing."""
    existing = session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
    if existing is not None:
        return DemoResult(created=False, project_id=existing.id)
    organizer = _user(session, DEMO_ORGANIZER_EMAIL, "Giulia Organizzatrice", UserRole.ORGANIZER)
    conductor = _user(session, DEMO_CONDUCTOR_EMAIL, "Marco Conduttore", UserRole.CONDUCTOR)
    project = projects.create_project(session, DEMO_RECORD, organizer)
    projects.assign_conductor(session, project, conductor)
    invite = access.create_invite(
        session, project.id, organizer.id, role=InviteRole.PARTICIPANT, label="Tavolo di co-progettazione"
    )
    if session.scalar(sa.select(Invite.id).where(Invite.code == DEMO_JOIN_CODE)) is None:
        invite.code = DEMO_JOIN_CODE  # a code the README can print
    session.flush()
    return DemoResult(created=True, project_id=project.id)
