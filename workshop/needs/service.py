"""The needs register: a call, the personal links sent for it, and the bodies' entries.

Each entry becomes a `problem` card (the method's "existing negative state", so it can be
voted on, clustered and linked into the problem tree as it stands) in the "Bisogni segnalati"
zone of the project's context board, written through the board engine so that live clients
see it. A link gives one entry: sending the form again updates the entry and its card (if the
conductor has not deleted it), never adds a second one. The resources a body offers and its
contact stay in the register (and reach the documento di sintesi), not on the board.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.access import personal_links as links
from workshop.boards import service as boards
from workshop.boards.canvas import ActionResult, BoardView
from workshop.boards.errors import BoardError
from workshop.boards.ops import Change
from workshop.boards.state import Actor
from workshop.canvases.common import TEMPLATE_GAP, content_right_edge, create, new_id, update
from workshop.canvases.context import CARD_H, CARD_W, PROBLEM, ZONE_PAD, ZONE_TITLE_H
from workshop.models import (
    LinkPurpose,
    NeedsCall,
    NeedsSubmission,
    PersonalLink,
    Project,
    ProjectStatus,
    utcnow,
)
from workshop.models.board import BoardKind
from workshop.models.needs import (
    MAX_BODY_CHARS,
    MAX_CALL_TITLE_CHARS,
    MAX_CONTACT_CHARS,
    MAX_EVIDENCE_CHARS,
    MAX_NEED_CHARS,
    MAX_PEOPLE_CHARS,
    MAX_RESOURCES_CHARS,
)
from workshop.models.registration import Registration, RegistrationStatus
from workshop.models.rooms import LabProject

ZONE_TITLE = "Bisogni segnalati"  # board content, in Italian as the lab writes it
ZONE_COLUMNS = 4  # cards per row inside the zone
CARD_GAP = 40.0  # board units between two cards of the zone
NEED_COLOUR = "teal"  # tells a body's need from the table's own problems at a glance
CLIENT_ID = "needs-form"  # the changes' client: the form's server, not a browser
EMAIL_IN_TEXT = re.compile(r"[^\s<>@,;]+@[^\s<>@,;]+\.[^\s<>@,;]+")


class NeedsError(ValueError):
    """`code` for pages and tests: "required", "too_long", "invalid_text", "bad_recipient"."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(f"{code}: {field}" if field else code)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class Entry:
    """What a body writes in the form (all text; `need` and `body` required)."""

    body: str
    need: str
    evidence: str = ""
    people: str = ""
    resources: str = ""
    contact: str = ""


LIMITS = {
    "body": MAX_BODY_CHARS,
    "need": MAX_NEED_CHARS,
    "evidence": MAX_EVIDENCE_CHARS,
    "people": MAX_PEOPLE_CHARS,
    "resources": MAX_RESOURCES_CHARS,
    "contact": MAX_CONTACT_CHARS,
}


def checked_entry(entry: Entry) -> Entry:
    """The entry, stripped and checked as the board checks its text (the problem card's own
    field rules: length, no control characters). Raises NeedsError naming the field."""
    clean = {}
    for name, limit in LIMITS.items():
        value = getattr(entry, name)
        value = value.strip() if isinstance(value, str) else ""
        if len(value) > limit:
            raise NeedsError("too_long", name)
        try:
            PROBLEM.fields["evidence"].check(name, value)  # the board's text rules
        except BoardError as error:
            raise NeedsError("invalid_text", name) from error
        clean[name] = value
    for name in ("body", "need"):
        if not clean[name]:
            raise NeedsError("required", name)
    return Entry(**clean)


def card_evidence(entry: Entry) -> str:
    """What the card says under the need: who reported it, for whom, on what evidence."""
    lines = [f"Segnalato da: {entry.body}"]
    if entry.people:
        lines.append(f"Persone coinvolte: {entry.people}")
    if entry.evidence:
        lines.append(f"Evidenze: {entry.evidence}")
    return "\n".join(lines)


# --- calls and links ---------------------------------------------------------------------------


def open_call(
    session: Session, project_id: int, title: str, created_by_id: int | None
) -> NeedsCall:
    title = " ".join(title.split())
    if not title:
        raise NeedsError("required", "title")
    if len(title) > MAX_CALL_TITLE_CHARS:
        raise NeedsError("too_long", "title")
    call = NeedsCall(project_id=project_id, title=title, created_by_id=created_by_id)
    session.add(call)
    session.flush()
    return call


def calls_of(session: Session, project_id: int) -> list[NeedsCall]:
    return list(
        session.scalars(
            sa.select(NeedsCall).where(NeedsCall.project_id == project_id).order_by(NeedsCall.id)
        )
    )


def call_of_project(session: Session, project_id: int, call_id: int) -> NeedsCall | None:
    call = session.get(NeedsCall, call_id)
    return call if call is not None and call.project_id == project_id else None


@dataclass(frozen=True)
class Candidate:
    """An admitted Third Sector body the organizer may send the form to."""

    key: str  # "r:<registration id>" or "a:<actor id>"
    name: str
    organisation: str
    email: str


def candidates(session: Session, project_id: int) -> list[Candidate]:
    """The people accepted at the project's labs (with their organisation) and the Third Sector
    actors of its stakeholder registry whose contact holds an e-mail address."""
    found: dict[str, Candidate] = {}
    rows = session.scalars(
        sa.select(Registration)
        .join(LabProject, LabProject.lab_id == Registration.lab_id)
        .where(
            LabProject.project_id == project_id,
            Registration.status == RegistrationStatus.ACCEPTED,
        )
        .order_by(Registration.organisation, Registration.name)
    )
    for reg in rows:
        found.setdefault(reg.email, Candidate(f"r:{reg.id}", reg.name, reg.organisation, reg.email))
    items = boards.project_board_items(session, project_id, BoardKind.STAKEHOLDERS.value)
    for item in sorted(items.values(), key=lambda it: str(it.fields.get("name", ""))):
        if item.type != "actor" or item.fields.get("macro_type") != "third_sector":
            continue
        match = EMAIL_IN_TEXT.search(str(item.fields.get("contact") or ""))
        if match:
            name = str(item.fields.get("name") or "")
            found.setdefault(
                match.group(0).lower(), Candidate(f"a:{item.id}", "", name, match.group(0))
            )
    return list(found.values())


def send_link(
    session: Session,
    call: NeedsCall,
    *,
    name: str,
    organisation: str,
    email: str,
    created_by_id: int | None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> PersonalLink:
    """A personal form link for one body. The caller commits and then e-mails it."""
    if not email.strip() or not (name.strip() or organisation.strip()):
        raise NeedsError("bad_recipient", "email" if not email.strip() else "organisation")
    try:
        return links.issue_link(
            session,
            project_id=call.project_id,
            purpose=LinkPurpose.NEEDS_FORM,
            subject_id=call.id,
            recipient_name=name,
            recipient_email=email,
            recipient_organisation=organisation,
            created_by_id=created_by_id,
            expires_at=expires_at,
            now=now,
        )
    except links.PersonalLinkError as error:
        raise NeedsError("bad_recipient", "email") from error


def link_of_call(session: Session, call: NeedsCall, link_id: int) -> PersonalLink | None:
    link = session.get(PersonalLink, link_id)
    if link is None or link.purpose != LinkPurpose.NEEDS_FORM or link.subject_id != call.id:
        return None
    return link


@dataclass(frozen=True)
class SentLink:
    """A row of the organizer's list: the link, its state today, and the entry it brought."""

    link: PersonalLink
    state: str  # "usable", "expired", "revoked"
    submission: NeedsSubmission | None


def links_sent(session: Session, call: NeedsCall, now: datetime | None = None) -> list[SentLink]:
    now = now or utcnow()
    found = links.links_for(session, LinkPurpose.NEEDS_FORM, call.id)
    entries = {row.link_id: row for row in call.submissions}
    return [SentLink(link, link.state(now), entries.get(link.id)) for link in found]


# A body that has not answered is reminded at most this often, however many times the button
# is pressed: a reminder a day is a nudge, three in a minute are spam.
REMIND_AGAIN_AFTER = timedelta(hours=20)


def to_remind(sent: list[SentLink], now: datetime) -> list[PersonalLink]:
    """The links whose body has not answered and may be reminded now: open (an expired link
    wants a new one, sent from the form), not withdrawn, not reminded in REMIND_AGAIN_AFTER."""
    return [
        row.link
        for row in sent
        if row.submission is None
        and row.state == "usable"
        and (row.link.reminded_at is None or now - row.link.reminded_at >= REMIND_AGAIN_AFTER)
    ]


def remind_unanswered(
    session: Session, call: NeedsCall, now: datetime | None = None
) -> list[PersonalLink]:
    """Mark the links to remind (to_remind) as reminded now and return them; the caller
    commits, then e-mails each its own link again."""
    now = now or utcnow()
    due = to_remind(links_sent(session, call, now), now)
    for link in due:
        link.reminded_at = now
    return due


# A body that has not answered is reminded once by itself (the daily `flask --app workshop
# needs remind`) when its link has this long left: the office's "sollecito" a few days before
# the form closes, on top of any reminder an organizer sends by hand.
AUTO_REMIND_BEFORE_EXPIRY = timedelta(days=3)


def due_before_expiry(sent: list[SentLink], now: datetime) -> list[PersonalLink]:
    """The unanswered open links that close within AUTO_REMIND_BEFORE_EXPIRY and were not
    reminded in that time yet (by hand or by the job): one reminder near the end, whatever
    an organizer sent weeks before."""
    due = []
    for row in sent:
        window_opens = row.link.expires_at - AUTO_REMIND_BEFORE_EXPIRY
        reminded = row.link.reminded_at
        if (
            row.submission is None
            and row.state == "usable"
            and now >= window_opens
            and (reminded is None or reminded < window_opens)
        ):
            due.append(row.link)
    return due


@dataclass(frozen=True)
class NeedsReminderRun:
    calls: int  # the calls still gathering (of open projects, synthesis not approved)
    sent: int
    failed: int  # e-mails that did not go: tried again at the next run


def remind_before_expiry(
    session: Session, now: datetime, tell: Callable[[NeedsCall, PersonalLink], bool]
) -> NeedsReminderRun:
    """The daily job: every call still gathering reminds its bodies due (due_before_expiry).
    `tell` sends one e-mail and says whether it went; only then is the link marked reminded,
    so a failed e-mail is tried again at the next run. Commits."""
    calls = session.scalars(
        sa.select(NeedsCall)
        .join(Project, Project.id == NeedsCall.project_id)
        .where(Project.status != ProjectStatus.CLOSED, NeedsCall.sintesi_approved_at.is_(None))
        .order_by(NeedsCall.id)
    ).all()
    sent = failed = 0
    for call in calls:
        for link in due_before_expiry(links_sent(session, call, now), now):
            if tell(call, link):
                link.reminded_at = now
                session.commit()
                sent += 1
            else:
                failed += 1
    return NeedsReminderRun(len(calls), sent, failed)


def submission_of(session: Session, link_id: int) -> NeedsSubmission | None:
    return session.scalar(sa.select(NeedsSubmission).where(NeedsSubmission.link_id == link_id))


# --- the form ----------------------------------------------------------------------------------


def open_form(
    session: Session, token: str, now: datetime | None = None
) -> tuple[PersonalLink, NeedsCall]:
    """The link and its call, or PersonalLinkError (not_found, expired, revoked)."""
    return links.find_subject(session, token, LinkPurpose.NEEDS_FORM, NeedsCall, now)


def submit(
    session: Session,
    token: str,
    entry: Entry,
    *,
    locks: boards.WriteLocks | None = None,
    after_commit: Callable[[boards.AppliedChange], None] | None = None,
    now: datetime | None = None,
) -> NeedsSubmission:
    """Store a body's entry and put (or update) its card on the context board, in one
    transaction under the board's lock. Raises PersonalLinkError (the link is no longer
    usable: nothing stored), NeedsError (bad input: nothing stored) or a BoardError."""
    entry = checked_entry(entry)
    link, call = open_form(session, token, now)
    board_id = boards.project_board_id(session, call.project_id, BoardKind.CONTEXT.value)
    if board_id is None:
        raise links.PersonalLinkError("not_found")
    link_id, call_id = link.id, call.id
    session.rollback()  # nothing read may hold a snapshot across the board's lock
    fresh_id = new_id("need")
    stored: dict[str, NeedsSubmission] = {}

    def check() -> None:
        # Under the lock: a link revoked since the page was read stores nothing.
        current = links.find_link(session, token, LinkPurpose.NEEDS_FORM, now)
        stored["row"] = _upsert(session, current, call_id, entry, fresh_id, now or utcnow())

    def plan(view: BoardView) -> ActionResult:
        return _plan_card(view, stored["row"].item_id, fresh_id, entry)

    # The server writes only the ops it planned, on the authority of the manager who sent the
    # link: a zone or board the conductor locked against participants still takes the entry.
    actor = Actor(f"n:{link_id}", entry.body[:120], True)
    change = Change(board_id, f"needs-{link_id}-{secrets.token_hex(6)}", CLIENT_ID, ())
    applied = boards.apply_change(
        session, change, actor, locks, after_commit, plan=plan, check=check
    )
    if not applied.seq:  # the card was deleted on the board: the entry alone is updated
        session.commit()
    return stored["row"]


def _upsert(
    session: Session, link: PersonalLink, call_id: int, entry: Entry, fresh_id: str, now: datetime
) -> NeedsSubmission:
    row = submission_of(session, link.id)
    if row is None:
        row = NeedsSubmission(call_id=call_id, link_id=link.id, item_id=fresh_id, submitted_at=now)
        session.add(row)
    for name in LIMITS:
        setattr(row, name, getattr(entry, name))
    row.updated_at = now
    links.record_use(session, link, now)
    return row


def _plan_card(view: BoardView, item_id: str, fresh_id: str, entry: Entry) -> ActionResult:
    """Update the entry's card if it is on the board; create it (in the zone, made if missing)
    for a first entry; nothing for a card the table has deleted."""
    fields = {"text": entry.need, "evidence": card_evidence(entry)}
    current = view.get(item_id)
    if item_id != fresh_id:
        if current is None or not current.alive:
            return ActionResult(ops=[], result={"item_id": item_id, "on_board": False})
        return ActionResult(ops=[update(item_id, **fields)], result={"item_id": item_id})
    ops: list[dict[str, Any]] = []
    zone = next(
        (it for it in view.of_type("frame") if it.alive and it.fields.get("title") == ZONE_TITLE),
        None,
    )
    if zone is None:
        right = content_right_edge(view)
        x0 = (right + TEMPLATE_GAP) if right is not None else 0.0
        width = 2 * ZONE_PAD + ZONE_COLUMNS * CARD_W + (ZONE_COLUMNS - 1) * CARD_GAP
        zone_fields = {
            "x": x0,
            "y": 0.0,
            "w": width,
            "h": ZONE_TITLE_H + ZONE_PAD + CARD_H + ZONE_PAD,
        }
        ops.append(create(new_id("needs-zone"), "frame", title=ZONE_TITLE, z="A0", **zone_fields))
    else:
        zone_fields = {k: float(zone.fields[k]) for k in ("x", "y", "w", "h")}
    inside = [it for it in view.of_type("problem") if it.alive and _within(it.fields, zone_fields)]
    row, column = divmod(len(inside), ZONE_COLUMNS)
    x = zone_fields["x"] + ZONE_PAD + column * (CARD_W + CARD_GAP)
    y = zone_fields["y"] + ZONE_TITLE_H + row * (CARD_H + CARD_GAP)
    needed_h = y + CARD_H + ZONE_PAD - zone_fields["y"]
    if zone is not None and needed_h > zone_fields["h"]:
        ops.append(update(zone.id, h=needed_h))  # the zone grows with what arrives
    ops.append(
        create(
            fresh_id,
            "problem",
            x=round(x, 1),
            y=round(y, 1),
            w=CARD_W,
            h=CARD_H,
            role="cause",
            color=NEED_COLOUR,
            **fields,
        )
    )
    return ActionResult(ops=ops, result={"item_id": fresh_id})


def _within(fields: dict[str, Any], zone: dict[str, float]) -> bool:
    x, y = float(fields.get("x", 0)), float(fields.get("y", 0))
    return zone["x"] <= x < zone["x"] + zone["w"] and zone["y"] <= y < zone["y"] + zone["h"]


def needs_cards(session: Session, project_id: int) -> list[tuple[NeedsSubmission, Any]]:
    """Every entry of the project's calls with its live card (None once deleted on the board)."""
    items = boards.project_board_items(session, project_id, BoardKind.CONTEXT.value)
    rows = session.scalars(
        sa.select(NeedsSubmission)
        .join(NeedsCall, NeedsCall.id == NeedsSubmission.call_id)
        .where(NeedsCall.project_id == project_id)
        .order_by(NeedsSubmission.id)
    )
    return [(row, items.get(row.item_id)) for row in rows]
