"""Registration for a lab: people ask for a place without an account and are taken in order.

The first `places` to arrive are accepted, the rest wait in line; whenever a place frees (a
cancellation, a removal, more places) the first in line takes it. Each function here changes
the session and returns the notices to send; the caller commits and only then sends them, so
nobody is told about something that was rolled back.

Concurrency: an accepted registration holds a seat number, unique per lab (see
models/registration.py). PostgreSQL also serialises a lab's changes on its desk row
(SELECT ... FOR UPDATE); SQLite, which has no row locks, lets the race reach the constraint,
and `register` starts again from a fresh read, where the place is gone and the loser waits.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.access import service as access
from workshop.models import (
    AuthSession,
    Lab,
    LabMeeting,
    LabProject,
    LiveSession,
    Registration,
    RegistrationDesk,
    RegistrationStatus,
)
from workshop.models.registration import MAX_ORGANISATION_CHARS, MAX_PLACES, MAX_ROLE_CHARS
from workshop.models.user import MAX_EMAIL_CHARS, normalise_email

# A lost race is retried from scratch; each retry sees the winner, so two rounds settle it.
# More rounds only guard against a burst of winners on SQLite.
MAX_REGISTER_ATTEMPTS = 5
LANGUAGES = ("it", "en")
DEFAULT_LANGUAGE = "it"


class RegistrationError(Exception):
    """A registration request that cannot go ahead; `code` is stable for views and tests."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


class NoticeKind(enum.StrEnum):
    ACCEPTED = "accepted"  # registered and given a place at once
    WAITING = "waiting"  # registered, in line
    PROMOTED = "promoted"  # was in line, now has a place
    CANCELLED = "cancelled"  # cancelled by the person
    REMOVED = "removed"  # removed by the organizer
    ALREADY = "already"  # asked again for an address that is registered: the link, once more


@dataclass(frozen=True)
class Notice:
    """Something to tell a registrant by e-mail once the change is committed."""

    kind: NoticeKind
    registration: Registration
    position: int | None = None  # in the waiting line, for WAITING


# --- reading -----------------------------------------------------------------------------------


def desk_of(session: Session, lab_id: int, *, lock: bool = False) -> RegistrationDesk | None:
    """The lab's registration desk; `lock` holds its row (PostgreSQL) until the commit."""
    query = sa.select(RegistrationDesk).where(RegistrationDesk.lab_id == lab_id)
    if lock:
        # Ignored by SQLite, whose single writer and the seat constraint do the same job.
        query = query.with_for_update()
    return session.scalar(query.execution_options(populate_existing=True))


def registrations_of(session: Session, lab_id: int) -> list[Registration]:
    """Every registration of the lab, in order of arrival."""
    return list(
        session.scalars(
            sa.select(Registration)
            .where(Registration.lab_id == lab_id)
            .order_by(Registration.arrived_at, Registration.id)
        )
    )


def waiting_line(session: Session, lab_id: int) -> list[Registration]:
    return list(
        session.scalars(
            sa.select(Registration)
            .where(Registration.lab_id == lab_id, Registration.status == RegistrationStatus.WAITING)
            .order_by(Registration.arrived_at, Registration.id)
        )
    )


def position_in_line(session: Session, registration: Registration) -> int | None:
    """1 for the first in line; None for anyone not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(
            Registration.lab_id == registration.lab_id,
            Registration.status == RegistrationStatus.WAITING,
            sa.or_(
                Registration.arrived_at < registration.arrived_at,
                sa.and_(
                    Registration.arrived_at == registration.arrived_at,
                    Registration.id < registration.id,
                ),
            ),
        )
    )
    return ahead + 1


def find_by_token(session: Session, token: str) -> Registration:
    """Raises RegistrationError("invalid_link") for an unknown token."""
    registration = (
        session.scalar(sa.select(Registration).where(Registration.token == token))
        if token
        else None
    )
    if registration is None:
        raise RegistrationError("invalid_link")
    return registration


def counts(registrations: list[Registration]) -> dict[RegistrationStatus, int]:
    found = {status: 0 for status in RegistrationStatus}
    for registration in registrations:
        found[registration.status] += 1
    return found


# --- the organizer ---------------------------------------------------------------------------------


def _check_places(places: object) -> int:
    if isinstance(places, bool) or not isinstance(places, int) or not 1 <= places <= MAX_PLACES:
        raise RegistrationError(
            "bad_places", f"places must be a whole number from 1 to {MAX_PLACES}"
        )
    return places


def open_registration(session: Session, lab_id: int, places: object, now: datetime) -> list[Notice]:
    """Open (or reopen) registration with this many places. Raises RegistrationError."""
    places = _check_places(places)
    if session.get(Lab, lab_id) is None:
        raise RegistrationError("no_lab")
    desk = desk_of(session, lab_id, lock=True)
    if desk is None:
        desk = RegistrationDesk(lab_id=lab_id, places=places, is_open=True)
        session.add(desk)
        session.flush()
        return []
    desk.is_open = True
    return set_places(session, desk, places, now)


def close_registration(session: Session, desk: RegistrationDesk) -> None:
    """No new registrations; the line stays, and still moves up when places free."""
    desk.is_open = False
    session.flush()


def set_places(
    session: Session, desk: RegistrationDesk, places: object, now: datetime
) -> list[Notice]:
    """Change the number of places; more places admit the first in line.

    Raises RegistrationError("places_below_accepted") rather than take a place away from
    someone already told they have one.
    """
    places = _check_places(places)
    desk = desk_of(session, desk.lab_id, lock=True)
    accepted = _accepted(session, desk.lab_id)
    if len(accepted) > places:
        raise RegistrationError(
            "places_below_accepted", f"{len(accepted)} people already have a place"
        )
    desk.places = places
    # Seats above the new number move down into free ones, one flush each so that no two
    # rows ever hold the same seat, even for a moment.
    free = sorted(set(range(1, places + 1)) - {r.seat for r in accepted})
    for registration in accepted:
        if registration.seat > places:
            registration.seat = free.pop(0)
            session.flush()
    session.flush()
    return _fill_seats(session, desk, now)


def _accepted(session: Session, lab_id: int) -> list[Registration]:
    return list(
        session.scalars(
            sa.select(Registration)
            .where(
                Registration.lab_id == lab_id, Registration.status == RegistrationStatus.ACCEPTED
            )
            .order_by(Registration.seat)
        )
    )


def _fill_seats(
    session: Session, desk: RegistrationDesk, now: datetime, *, newcomer: Registration | None = None
) -> list[Notice]:
    """Give the free seats to the first in line; the newcomer, if admitted, is told ACCEPTED."""
    taken = {r.seat for r in _accepted(session, desk.lab_id)}
    free = [seat for seat in range(1, desk.places + 1) if seat not in taken]
    notices = []
    for seat, registration in zip(free, waiting_line(session, desk.lab_id), strict=False):
        registration.status = RegistrationStatus.ACCEPTED
        registration.seat = seat
        registration.accepted_at = now
        kind = NoticeKind.ACCEPTED if registration is newcomer else NoticeKind.PROMOTED
        notices.append(Notice(kind, registration))
    session.flush()
    return notices


def cancel(
    session: Session, registration: Registration, now: datetime, *, by_organizer: bool = False
) -> list[Notice]:
    """Cancel a registration (the person) or remove it (the organizer); its place goes to the
    first in line. The live session it entered, if any, is ended for it. Cancelling twice is
    a no-op."""
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    desk = desk_of(session, registration.lab_id, lock=True)
    registration.status = RegistrationStatus.CANCELLED
    registration.seat = None
    registration.cancelled_at = now
    if registration.invite is not None and registration.invite.revoked_at is None:
        access.revoke_invite(session, registration.invite, now)
    # The freed seat must be written before another row takes it (the seat is unique).
    session.flush()
    kind = NoticeKind.REMOVED if by_organizer else NoticeKind.CANCELLED
    return [Notice(kind, registration), *_fill_seats(session, desk, now)]


# --- the people who register -----------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """What someone wrote in the registration form."""

    name: str
    email: str
    organisation: str = ""
    role: str = ""
    lang: str = DEFAULT_LANGUAGE


def _clean(applicant: Applicant) -> Applicant:
    """Normalised fields. Raises RegistrationError naming the first bad one."""
    try:
        name = access.clean_display_name(applicant.name)
    except access.AccessError as error:
        raise RegistrationError("bad_name", error.code) from None
    email = normalise_email(applicant.email)
    if not email or "@" not in email or len(email) > MAX_EMAIL_CHARS:
        raise RegistrationError("bad_email")
    organisation = " ".join(applicant.organisation.split())
    role = " ".join(applicant.role.split())
    if len(organisation) > MAX_ORGANISATION_CHARS:
        raise RegistrationError("bad_organisation")
    if len(role) > MAX_ROLE_CHARS:
        raise RegistrationError("bad_role")
    lang = applicant.lang if applicant.lang in LANGUAGES else DEFAULT_LANGUAGE
    return Applicant(name, email, organisation, role, lang)


def reminder(session: Session, lab_id: int, email: str) -> Notice | None:
    """For a "duplicate": the live registration of this address, to send its link again (the
    public form answers a known address exactly as a new one, so only its owner learns of it)."""
    registration = session.scalar(
        sa.select(Registration).where(
            Registration.lab_id == lab_id,
            Registration.email == normalise_email(email),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )
    if registration is None:
        return None
    return Notice(NoticeKind.ALREADY, registration, position_in_line(session, registration))


def register(session: Session, lab_id: int, applicant: Applicant, now: datetime) -> list[Notice]:
    """Register someone for a lab: a place if one is free and nobody waits, else the line.

    Owns its transaction: a lost race for a seat (or for the same e-mail) rolls it back and
    starts again, so call it with nothing else pending. Returns the newcomer's notice first.
    Raises RegistrationError: "no_lab", "closed", "duplicate", or a bad field.
    """
    applicant = _clean(applicant)
    for attempt in range(1, MAX_REGISTER_ATTEMPTS + 1):
        try:
            return _register_once(session, lab_id, applicant, now)
        except sa.exc.IntegrityError:
            session.rollback()
            if attempt == MAX_REGISTER_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _register_once(
    session: Session, lab_id: int, applicant: Applicant, now: datetime
) -> list[Notice]:
    desk = desk_of(session, lab_id, lock=True)
    if desk is None:
        raise RegistrationError("no_lab" if session.get(Lab, lab_id) is None else "closed")
    if not desk.is_open:
        raise RegistrationError("closed")
    registration = session.scalar(
        sa.select(Registration)
        .where(Registration.lab_id == lab_id, Registration.email == applicant.email)
        .execution_options(populate_existing=True)
    )
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        raise RegistrationError("duplicate")
    if registration is None:
        registration = Registration(lab_id=lab_id, email=applicant.email)
        session.add(registration)
    # Someone who cancelled and comes back joins the end of the line, with a new link.
    registration.name = applicant.name
    registration.organisation = applicant.organisation
    registration.role = applicant.role
    registration.lang = applicant.lang
    registration.status = RegistrationStatus.WAITING
    registration.seat = None
    registration.token = secrets.token_urlsafe(32)
    registration.arrived_at = now
    registration.accepted_at = None
    registration.cancelled_at = None
    registration.invite_id = None
    session.flush()
    notices = _fill_seats(session, desk, now, newcomer=registration)
    if registration.status == RegistrationStatus.WAITING:
        position = position_in_line(session, registration)
        notices.insert(0, Notice(NoticeKind.WAITING, registration, position))
    else:
        notices.sort(key=lambda notice: notice.registration is not registration)
    return notices


# --- entering the lab's live session ------------------------------------------------------------


def open_live_session(session: Session, lab_id: int) -> LiveSession | None:
    """The live session running now for the lab: one run for one of its meetings first, else
    the latest opened on one of its projects."""
    open_sessions = (
        sa.select(LiveSession)
        .where(LiveSession.closed_at.is_(None))
        .order_by(LiveSession.opened_at.desc(), LiveSession.id.desc())
    )
    for_meeting = session.scalar(
        open_sessions.join(LabMeeting, LabMeeting.id == LiveSession.meeting_id).where(
            LabMeeting.lab_id == lab_id
        )
    )
    if for_meeting is not None:
        return for_meeting
    return session.scalar(
        open_sessions.join(LabProject, LabProject.project_id == LiveSession.project_id).where(
            LabProject.lab_id == lab_id
        )
    )


def enter(
    session: Session, registration: Registration, lifetime: timedelta, now: datetime
) -> tuple[AuthSession, int]:
    """Let an accepted registrant into the lab's live session under their registered name.

    Returns the new AuthSession and the plenary board to open. Each registration enters
    through an invite of its own, so removing it ends its session and nobody else's.
    Raises RegistrationError("not_accepted") or ("no_live_session").
    """
    if registration.status != RegistrationStatus.ACCEPTED:
        raise RegistrationError("not_accepted")
    live = open_live_session(session, registration.lab_id)
    if live is None:
        raise RegistrationError("no_live_session")
    invite = registration.invite
    if invite is None or not invite.is_usable(now) or invite.board_id != live.plenary_board_id:
        if invite is not None and invite.revoked_at is None:
            access.revoke_invite(session, invite, now)
        invite = access.create_invite(
            session, live.project_id, None, board_id=live.plenary_board_id, label=registration.name
        )
        registration.invite = invite
    auth = access.join(session, invite, registration.name, lifetime, now)
    return auth, live.plenary_board_id
