"""The verbale of a meeting (issue 17): drawn from the live sessions run for it, edited as a
draft by the organizers, sent to the attendees for comments by a personal link, approved and
then frozen; a correction after approval is a new version with its reason.

A verbale belongs to a project and to a lab meeting (every live session run for it) or to one
live session held without a meeting. What the organizers write (place, agenda planned, chair,
minute-taker, next steps, next meeting, notes) is stored on the verbale; the rest (times,
phases, attendance, proposals, votes, decisions and dissent) is read from the sessions each
time the draft is drawn, and kept as it was (`frozen`) once approved. Plain functions over a
SQLAlchemy session; a function that commits says so. No Flask.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.access import personal_links
from workshop.boards.errors import BadRequest, Forbidden, InvalidOp, NotFound, TooLarge
from workshop.boards.schema import Text
from workshop.meetings import marks
from workshop.models import (
    BoardChange,
    BoardItem,
    LabMeeting,
    LinkPurpose,
    LiveSession,
    MarkKind,
    Participant,
    PersonalLink,
    Registration,
    RegistrationStatus,
    Room,
    RoomVisit,
    RoomVote,
    User,
    Verbale,
    VerbaleComment,
    VerbaleStatus,
    utcnow,
)
from workshop.models.meetings import (
    MAX_COMMENT_CHARS,
    MAX_VERBALE_FIELD_CHARS,
    MAX_VERBALE_TEXT_CHARS,
)
from workshop.rooms import copying, labs
from workshop.rooms.attendance_csv import people_details

EDITABLE_LINES = ("place", "chair", "minute_taker")  # one line each
EDITABLE_TEXTS = ("agenda", "next_steps", "next_meeting", "notes")  # free text


class VerbaleError(Exception):
    """`code` is stable for pages and tests: "approved" (frozen), "not_approved", "closed"
    (comments are not open), "too_long" and "invalid_text" (a text refused like a board's),
    "past_date" (comments closing in the past), "empty" (nothing written), "invalid"."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


# --- finding -----------------------------------------------------------------------------------


def current(
    session: Session,
    project_id: int,
    meeting_id: int | None = None,
    live_session_id: int | None = None,
    create: bool = True,
) -> Verbale | None:
    """The latest version of the verbale of a meeting of the project (or of a live session
    without a meeting); with `create`, made and committed as an empty draft if there is none
    (else None). Raises NotFound or Forbidden for a meeting or session not the project's."""
    if meeting_id is not None:
        labs.meeting_of_project(session, project_id, meeting_id)
        where = Verbale.meeting_id == meeting_id
    elif live_session_id is not None:
        live = session.get(LiveSession, live_session_id)
        if live is None or live.project_id != project_id:
            raise NotFound("no such live session in this project", field="session_id")
        if live.meeting_id is not None:  # a session run for a meeting is in the meeting's verbale
            return current(session, project_id, meeting_id=live.meeting_id, create=create)
        where = Verbale.live_session_id == live_session_id
    else:
        raise BadRequest("a verbale is of a meeting or of a live session")
    found = session.scalar(
        sa.select(Verbale)
        .where(Verbale.project_id == project_id, where)
        .order_by(Verbale.version.desc())
        .limit(1)
    )
    if found is None and create:
        found = Verbale(
            project_id=project_id,
            meeting_id=meeting_id,
            live_session_id=None if meeting_id is not None else live_session_id,
        )
        session.add(found)
        session.flush()
        found.chair = _default_chair(session, found)
        session.commit()
    return found


def get(session: Session, project_id: int, verbale_id: int) -> Verbale:
    found = session.get(Verbale, verbale_id)
    if found is None or found.project_id != project_id:
        raise NotFound("no such verbale in this project")
    return found


def versions(session: Session, verbale: Verbale) -> list[Verbale]:
    """Every version of this verbale, newest first (the approved ones stay as approved)."""
    return list(
        session.scalars(
            sa.select(Verbale)
            .where(
                Verbale.project_id == verbale.project_id,
                Verbale.meeting_id == verbale.meeting_id
                if verbale.meeting_id is not None
                else Verbale.live_session_id == verbale.live_session_id,
            )
            .order_by(Verbale.version.desc())
        )
    )


def sessions_of(session: Session, verbale: Verbale) -> list[LiveSession]:
    query = sa.select(LiveSession).where(LiveSession.project_id == verbale.project_id)
    if verbale.meeting_id is not None:
        query = query.where(LiveSession.meeting_id == verbale.meeting_id)
    else:
        query = query.where(LiveSession.id == verbale.live_session_id)
    return list(session.scalars(query.order_by(LiveSession.opened_at, LiveSession.id)))


def _default_chair(session: Session, verbale: Verbale) -> str:
    for live in sessions_of(session, verbale):
        name = _account_name(session, live.opened_by)
        if name:
            return name[:MAX_VERBALE_FIELD_CHARS]
    return ""


def _account_name(session: Session, identity: str) -> str:
    if identity.startswith("u:") and identity[2:].isdigit():
        user = session.get(User, int(identity[2:]))
        return user.name if user else ""
    return ""


# --- the record, as drawn from the sessions -----------------------------------------------------------


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def record(session: Session, verbale: Verbale, now: datetime | None = None) -> dict[str, Any]:
    """The whole verbale in plain values (times in UTC, ISO): the frozen one once approved,
    else drawn now from the sessions. The exports and the pages read this."""
    if verbale.status == VerbaleStatus.APPROVED and verbale.frozen:
        return verbale.frozen
    return draft_record(session, verbale, now or utcnow())


def draft_record(session: Session, verbale: Verbale, now: datetime) -> dict[str, Any]:
    lives = sessions_of(session, verbale)
    meeting = session.get(LabMeeting, verbale.meeting_id) if verbale.meeting_id else None
    rooms = {r.id: r for live in lives for r in live.rooms}
    standing = marks.session_marks(session, [live.id for live in lives])
    by_kind: dict[MarkKind, list[str]] = defaultdict(list)
    for mark in standing:
        by_kind[mark.kind].append(mark.text)
    attendees, absent = _attendance(session, lives, meeting, now)
    opened = min((live.opened_at for live in lives), default=None)
    closed = [live.closed_at for live in lives]
    return {
        "project": verbale_project_title(session, verbale),
        "meeting": meeting.title if meeting else "",
        "date": (
            meeting.held_on.isoformat()
            if meeting
            else (opened.date().isoformat() if opened else "")
        ),
        "start": _iso(opened),
        "end": _iso(max(closed)) if closed and all(closed) else "",
        "place": verbale.place,
        "online": verbale.online,
        "agenda": verbale.agenda,
        "phases": _phases(session, lives, rooms),
        "chair": verbale.chair,
        "minute_taker": verbale.minute_taker,
        "attendees": attendees,
        "absent": absent,
        "proposals": _proposals(session, lives),
        "votes": _votes(session, rooms),
        "decisions": by_kind[MarkKind.DECISION],
        "minority": by_kind[MarkKind.MINORITY],
        "next_step_marks": by_kind[MarkKind.NEXT_STEP],
        "next_steps": verbale.next_steps,
        "next_meeting": verbale.next_meeting or _next_meeting(session, meeting),
        "notes": verbale.notes,
        "version": verbale.version,
        "correction_reason": verbale.correction_reason,
        "approved_by": verbale.approved_by_name,
        "approved_at": _iso(verbale.approved_at),
    }


def verbale_project_title(session: Session, verbale: Verbale) -> str:
    from workshop.models import Project

    project = session.get(Project, verbale.project_id)
    return project.title if project else ""


def _phases(
    session: Session, lives: list[LiveSession], rooms: dict[int, Room]
) -> list[dict[str, str]]:
    from workshop.models import PhaseSpan

    spans = session.scalars(
        sa.select(PhaseSpan)
        .where(PhaseSpan.live_session_id.in_([live.id for live in lives] or [-1]))
        .order_by(PhaseSpan.started_at, PhaseSpan.id)
    )
    return [
        {
            "room": "" if rooms[s.room_id].is_plenary else rooms[s.room_id].name,
            "phase": s.phase,
            "start": _iso(s.started_at),
            "end": _iso(s.ended_at),
        }
        for s in spans
        if s.room_id in rooms
    ]


def _attendance(
    session: Session, lives: list[LiveSession], meeting: LabMeeting | None, now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Who came (each once, with their organisation, role and minutes present) and, for a lab
    meeting, who had a place and did not come."""
    minutes: Counter[str] = Counter()
    names: dict[str, str] = {}
    for visit in session.scalars(
        sa.select(RoomVisit)
        .where(RoomVisit.live_session_id.in_([live.id for live in lives] or [-1]))
        .order_by(RoomVisit.entered_at, RoomVisit.id)
    ):
        names.setdefault(visit.identity, visit.name)
        minutes[visit.identity] += ((visit.left_at or now) - visit.entered_at).total_seconds() / 60
    details = people_details(session, names)
    registered = _registrations(session, meeting)
    came_by_invite = _invites_of(session, names)
    absent = []
    present_invites = set(came_by_invite.values())
    for registration in registered:
        if registration.invite_id is None or registration.invite_id not in present_invites:
            absent.append(
                {
                    "name": registration.name,
                    "organisation": registration.organisation,
                    "role": registration.role,
                }
            )
    people = []
    for identity, name in names.items():
        organisation, role = details.get(identity, ("", ""))
        people.append(
            {
                "name": name,
                "organisation": organisation,
                "role": role,
                "minutes": round(minutes[identity]),
                "email": _email_of(session, identity, came_by_invite, registered),
            }
        )
    people.sort(key=lambda p: (p["organisation"].casefold(), p["name"].casefold()))
    return people, absent


def _registrations(session: Session, meeting: LabMeeting | None) -> list[Registration]:
    if meeting is None:
        return []
    return list(
        session.scalars(
            sa.select(Registration)
            .where(
                Registration.lab_id == meeting.lab_id,
                Registration.status == RegistrationStatus.ACCEPTED,
            )
            .order_by(Registration.arrived_at, Registration.id)
        )
    )


def _invites_of(session: Session, identities: Any) -> dict[str, int]:
    ids = {int(i[2:]) for i in identities if i.startswith("p:") and i[2:].isdigit()}
    if not ids:
        return {}
    rows = session.execute(
        sa.select(Participant.id, Participant.invite_id).where(Participant.id.in_(ids))
    )
    return {f"p:{pid}": invite_id for pid, invite_id in rows}


def _email_of(
    session: Session, identity: str, invites: dict[str, int], registered: list[Registration]
) -> str:
    if identity.startswith("u:") and identity[2:].isdigit():
        user = session.get(User, int(identity[2:]))
        return user.email if user else ""
    invite_id = invites.get(identity)
    return next(
        (r.email for r in registered if invite_id is not None and r.invite_id == invite_id), ""
    )


def _proposals(session: Session, lives: list[LiveSession]) -> list[dict[str, Any]]:
    """What each room put forward: the cards of each group's board, and the cards written on the
    plenary during the session (harvested copies are their group's: not listed twice)."""
    groups = []
    for live in lives:
        for room in live.rooms:
            if room.is_plenary:
                harvested = {item for r in live.rooms for item in (r.harvested_items or {})}
                since = session.scalar(
                    sa.select(sa.func.min(BoardChange.seq)).where(
                        BoardChange.board_id == room.board_id,
                        BoardChange.created_at >= live.opened_at,
                    )
                )
                if since is None:
                    continue
                cards = _cards(session, room.board_id, since, exclude=harvested)
            else:
                cards = _cards(session, room.board_id, 0)
            if cards:
                groups.append({"group": "" if room.is_plenary else room.name, "cards": cards})
    return groups


def _cards(
    session: Session, board_id: int, since_seq: int, exclude: set[str] = frozenset()
) -> list[str]:
    items = session.scalars(
        sa.select(BoardItem)
        .where(
            BoardItem.board_id == board_id,
            BoardItem.deleted_seq.is_(None),
            BoardItem.created_seq >= since_seq,
        )
        .order_by(BoardItem.created_seq, BoardItem.item_id)
    )
    texts = []
    for item in items:
        if item.item_id in exclude or not copying.is_card(item.type):
            continue
        text = marks.card_text(item.type, item.fields or {})
        if text:
            texts.append(text)
    return texts


def _votes(session: Session, rooms: dict[int, Room]) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(RoomVote.room_id, RoomVote.item_id, sa.func.count())
        .where(RoomVote.room_id.in_(list(rooms) or [-1]))
        .group_by(RoomVote.room_id, RoomVote.item_id)
    ).all()
    by_room: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for room_id, item_id, count in rows:
        item = session.get(BoardItem, (rooms[room_id].board_id, item_id))
        text = marks.card_text(item.type, item.fields or {}) if item is not None else ""
        by_room[room_id].append((text or "—", count))
    return [
        {
            "room": "" if rooms[room_id].is_plenary else rooms[room_id].name,
            "results": [
                {"text": t, "votes": n} for t, n in sorted(results, key=lambda r: (-r[1], r[0]))
            ],
        }
        for room_id, results in sorted(by_room.items())
    ]


def _next_meeting(session: Session, meeting: LabMeeting | None) -> str:
    if meeting is None:
        return ""
    following = session.scalar(
        sa.select(LabMeeting)
        .where(LabMeeting.lab_id == meeting.lab_id, LabMeeting.held_on > meeting.held_on)
        .order_by(LabMeeting.held_on)
        .limit(1)
    )
    return f"{following.title} ({following.held_on.isoformat()})" if following else ""


# --- editing, review, approval ------------------------------------------------------------------------


def _editable(verbale: Verbale) -> None:
    if verbale.status == VerbaleStatus.APPROVED:
        raise VerbaleError(
            "approved", "an approved verbale cannot change: correct it as a new version"
        )


def update_draft(session: Session, verbale: Verbale, values: dict[str, Any]) -> None:
    """Save what the organizers wrote (checked like a board's text). Commits."""
    _editable(verbale)
    for name in EDITABLE_LINES:
        if name in values:
            setattr(
                verbale,
                name,
                _clean(name, values[name], MAX_VERBALE_FIELD_CHARS).replace("\n", " "),
            )
    for name in EDITABLE_TEXTS:
        if name in values:
            setattr(verbale, name, _clean(name, values[name], MAX_VERBALE_TEXT_CHARS))
    if "online" in values:
        verbale.online = bool(values["online"])
    session.commit()


def _clean(name: str, value: Any, max_chars: int) -> str:
    # A form's textarea sends its lines with CR LF (the HTML rule): a line is "\n" here, as on
    # the boards, and CR alone is no control character the person typed.
    text = value if value is not None else ""
    if isinstance(text, str):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return Text(max_chars=max_chars).clean(name, text).strip()
    except TooLarge as error:
        raise VerbaleError("too_long", str(error)) from None
    except InvalidOp as error:  # one clear refusal for the page, in its words
        raise VerbaleError("invalid_text", str(error)) from None


def recipients(session: Session, verbale: Verbale) -> list[dict[str, str]]:
    """The attendees who have an e-mail address, each once."""
    seen, people = set(), []
    for person in draft_record(session, verbale, utcnow())["attendees"]:
        email = person.get("email", "").strip().lower()
        if email and email not in seen:
            seen.add(email)
            people.append(person)
    return people


def send_for_comments(
    session: Session,
    verbale: Verbale,
    until: datetime,
    created_by_id: int | None,
    now: datetime | None = None,
) -> list[PersonalLink]:
    """Open the comments until `until` and give each attendee with an e-mail a personal link
    (one who has a usable link already keeps it). Returns the new links, for the e-mails. Commits."""
    _editable(verbale)
    now = now or utcnow()
    if until <= now:
        raise VerbaleError("past_date", "the comments must close in the future")
    holders = {
        link.recipient_email
        for link in personal_links.links_for(session, LinkPurpose.VERBALE_REVIEW, verbale.id)
        if link.state(now) == "usable"
    }
    issued = []
    for person in recipients(session, verbale):
        if person["email"].lower() in holders:
            continue
        try:
            issued.append(
                personal_links.issue_link(
                    session,
                    project_id=verbale.project_id,
                    purpose=LinkPurpose.VERBALE_REVIEW,
                    subject_id=verbale.id,
                    recipient_name=person["name"],
                    recipient_email=person["email"],
                    recipient_organisation=person["organisation"],
                    created_by_id=created_by_id,
                    expires_at=until,
                    now=now,
                )
            )
        except personal_links.PersonalLinkError as error:
            raise VerbaleError("invalid", str(error)) from None
    verbale.status = VerbaleStatus.REVIEW
    verbale.comments_until = until
    session.commit()
    return issued


def open_link(
    session: Session, token: str, now: datetime | None = None
) -> tuple[PersonalLink, Verbale]:
    """The link and its verbale. Raises PersonalLinkError (not_found, expired, revoked)."""
    return personal_links.find_subject(session, token, LinkPurpose.VERBALE_REVIEW, Verbale, now)


def add_comment(
    session: Session, token: str, text: Any, now: datetime | None = None
) -> VerbaleComment:
    """An attendee's comment through their link, while comments are open. Checked like a
    board's text; a refused comment stores nothing. Commits."""
    now = now or utcnow()
    link, verbale = open_link(session, token, now)
    if verbale.status != VerbaleStatus.REVIEW or (
        verbale.comments_until and now >= verbale.comments_until
    ):
        raise VerbaleError("closed", "comments on this verbale are closed")
    words = _clean("text", text, MAX_COMMENT_CHARS)
    if not words:
        raise VerbaleError("empty", "write a comment first")
    comment = VerbaleComment(
        verbale_id=verbale.id,
        link_id=link.id,
        author_name=link.recipient_name,
        author_organisation=link.recipient_organisation,
        text=words,
        created_at=now,
    )
    session.add(comment)
    personal_links.record_use(session, link, now)
    session.commit()
    return comment


def comments(session: Session, verbale: Verbale) -> list[VerbaleComment]:
    return list(
        session.scalars(
            sa.select(VerbaleComment)
            .where(VerbaleComment.verbale_id == verbale.id)
            .order_by(VerbaleComment.created_at, VerbaleComment.id)
        )
    )


def approve(session: Session, verbale: Verbale, by_name: str, now: datetime | None = None) -> None:
    """Approve: who and when, and the verbale as it is now, frozen. Commits."""
    _editable(verbale)
    now = now or utcnow()
    verbale.approved_by_name = by_name[:120]
    verbale.approved_at = now
    frozen = draft_record(session, verbale, now)
    verbale.status = VerbaleStatus.APPROVED
    verbale.frozen = frozen
    for link in personal_links.links_for(session, LinkPurpose.VERBALE_REVIEW, verbale.id):
        personal_links.revoke_link(session, link, now)  # nothing more to comment on
    session.commit()


def correct(
    session: Session, verbale: Verbale, reason: Any, now: datetime | None = None
) -> Verbale:
    """A correction of an approved verbale: a new draft version with its reason; the approved
    version is kept as it was. Commits."""
    if verbale.status != VerbaleStatus.APPROVED:
        raise VerbaleError("not_approved", "only an approved verbale is corrected as a new version")
    if versions(session, verbale)[0].id != verbale.id:
        raise Forbidden("correct the latest version")
    words = _clean("reason", reason, MAX_VERBALE_TEXT_CHARS)
    if not words:
        raise VerbaleError("empty", "say why the verbale is corrected")
    copy = Verbale(
        project_id=verbale.project_id,
        meeting_id=verbale.meeting_id,
        live_session_id=verbale.live_session_id,
        version=verbale.version + 1,
        correction_reason=words,
        **{name: getattr(verbale, name) for name in (*EDITABLE_LINES, *EDITABLE_TEXTS, "online")},
        created_at=now or utcnow(),
    )
    session.add(copy)
    session.commit()
    return copy


def project_verbali(session: Session, project_id: int) -> list[Verbale]:
    """The latest version of each verbale of the project, newest meeting first."""
    latest = {}
    for v in session.scalars(
        sa.select(Verbale).where(Verbale.project_id == project_id).order_by(Verbale.version)
    ):
        latest[(v.meeting_id, v.live_session_id)] = v
    return sorted(latest.values(), key=lambda v: v.created_at, reverse=True)
