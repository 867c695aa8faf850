"""Personal links for people without an account (issue 17): issue, find, revoke, record a use.

One module for the three links of issue 17 (a verbale to comment, the needs form of an admitted
Third Sector body, an indicator owner's measurement), so that they expire, are revoked and answer
a stale token the same way. What a link lets its holder do is the caller's business: this module
only says whether the token is one of ours, for that purpose, and still usable.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.models import LinkPurpose, PersonalLink, utcnow
from workshop.models.personal_links import (
    MAX_RECIPIENT_EMAIL_CHARS,
    MAX_RECIPIENT_NAME_CHARS,
    MAX_RECIPIENT_ORGANISATION_CHARS,
)
from workshop.models.user import normalise_email

T = TypeVar("T")  # the model a link opens: a verbale, a needs call

DEFAULT_LINK_LIFETIME = timedelta(days=30)
MAX_LINK_LIFETIME = timedelta(days=400)  # a monitoring calendar's yearly collection and a margin
MIN_TOKEN_CHARS, MAX_TOKEN_CHARS = 20, 64  # anything else is not a token of ours: not looked up


class PersonalLinkError(Exception):
    """`code` is stable for pages and tests: "not_found", "expired", "revoked", "invalid"."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


def issue_link(
    session: Session,
    *,
    project_id: int,
    purpose: LinkPurpose,
    subject_id: int,
    recipient_name: str = "",
    recipient_email: str = "",
    recipient_organisation: str = "",
    created_by_id: int | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> PersonalLink:
    now = now or utcnow()
    expires_at = expires_at or now + DEFAULT_LINK_LIFETIME
    if not now < expires_at <= now + MAX_LINK_LIFETIME:
        raise PersonalLinkError("invalid", "the link must expire in the future, within 400 days")
    name, organisation = recipient_name.strip(), recipient_organisation.strip()
    email = normalise_email(recipient_email) if recipient_email.strip() else ""
    if len(name) > MAX_RECIPIENT_NAME_CHARS or len(organisation) > MAX_RECIPIENT_ORGANISATION_CHARS:
        raise PersonalLinkError("invalid", "name or organisation too long")
    if len(email) > MAX_RECIPIENT_EMAIL_CHARS or (email and "@" not in email):
        raise PersonalLinkError("invalid", "not an e-mail address")
    link = PersonalLink(
        project_id=project_id,
        purpose=LinkPurpose(purpose),
        subject_id=subject_id,
        token=secrets.token_urlsafe(32),
        recipient_name=name,
        recipient_email=email,
        recipient_organisation=organisation,
        created_by_id=created_by_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(link)
    session.flush()
    return link


def find_link(
    session: Session, token: str, purpose: LinkPurpose, now: datetime | None = None
) -> PersonalLink:
    """The usable link with this token and purpose; PersonalLinkError otherwise. A token of
    another purpose is "not_found": a needs-form link never opens a verbale."""
    if not isinstance(token, str) or not MIN_TOKEN_CHARS <= len(token) <= MAX_TOKEN_CHARS:
        raise PersonalLinkError("not_found")
    link = session.scalar(sa.select(PersonalLink).where(PersonalLink.token == token))
    if link is None or link.purpose != purpose or not secrets.compare_digest(link.token, token):
        raise PersonalLinkError("not_found")
    state = link.state(now or utcnow())
    if state != "usable":
        raise PersonalLinkError(state)
    return link


def find_subject(
    session: Session, token: str, purpose: LinkPurpose, model: type[T], now: datetime | None = None
) -> tuple[PersonalLink, T]:
    """The usable link and what it opens (the `model` row of its subject_id). A subject gone since
    the link was sent is "not_found", like an unknown token."""
    link = find_link(session, token, purpose, now)
    subject = session.get(model, link.subject_id)
    if subject is None:
        raise PersonalLinkError("not_found")
    return link, subject


def revoke_link(session: Session, link: PersonalLink, now: datetime | None = None) -> None:
    if link.revoked_at is None:
        link.revoked_at = now or utcnow()
        session.flush()


def record_use(session: Session, link: PersonalLink, now: datetime | None = None) -> None:
    link.used_at = now or utcnow()
    session.flush()


def links_for(session: Session, purpose: LinkPurpose, subject_id: int) -> list[PersonalLink]:
    """Every link sent for one subject (live or not), newest first: for the organizer's list."""
    return list(
        session.scalars(
            sa.select(PersonalLink)
            .where(PersonalLink.purpose == purpose, PersonalLink.subject_id == subject_id)
            .order_by(PersonalLink.id.desc())
        )
    )
