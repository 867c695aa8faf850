"""Personal links (issue 17): one purpose each, they expire, are revoked, and a stale or foreign
token is told apart from a usable one without opening anything."""

from __future__ import annotations

from datetime import timedelta

import pytest

from workshop.access.personal_links import (
    PersonalLinkError,
    find_link,
    issue_link,
    links_for,
    record_use,
    revoke_link,
)
from workshop.models import LinkPurpose, PersonalLink, utcnow
from workshop.projects import service as projects


@pytest.fixture()
def project(session):
    made = projects.create_project(session, {"title": "Tavolo dei bisogni"}, None)
    session.commit()
    return made


def _issue(session, project, **extra):
    return issue_link(
        session,
        project_id=project.id,
        purpose=LinkPurpose.NEEDS_FORM,
        subject_id=7,
        recipient_name="  Anna Neri ",
        recipient_email=" Anna@Coop.IT ",
        recipient_organisation="Cooperativa La Rete",
        **extra,
    )


def test_a_link_opens_for_its_purpose_until_it_expires(session, project):
    now = utcnow()
    link = _issue(session, project, now=now, expires_at=now + timedelta(days=2))
    assert (link.recipient_name, link.recipient_email) == ("Anna Neri", "anna@coop.it")
    assert find_link(session, link.token, LinkPurpose.NEEDS_FORM, now + timedelta(days=1)) is link
    with pytest.raises(PersonalLinkError) as other_purpose:
        find_link(session, link.token, LinkPurpose.VERBALE_REVIEW, now)
    assert other_purpose.value.code == "not_found"
    with pytest.raises(PersonalLinkError) as late:
        find_link(session, link.token, LinkPurpose.NEEDS_FORM, now + timedelta(days=2))
    assert late.value.code == "expired"


def test_a_revoked_link_says_so_and_an_unknown_token_is_not_looked_up(session, project):
    link = _issue(session, project)
    revoke_link(session, link)
    with pytest.raises(PersonalLinkError) as revoked:
        find_link(session, link.token, LinkPurpose.NEEDS_FORM)
    assert revoked.value.code == "revoked"
    for token in ("", "x" * 10, "y" * 500, link.token[:-1] + "?", None):
        with pytest.raises(PersonalLinkError) as unknown:
            find_link(session, token, LinkPurpose.NEEDS_FORM)
        assert unknown.value.code == "not_found"


def test_bad_recipients_and_lifetimes_are_refused_and_store_nothing(session, project):
    now = utcnow()
    for extra in (
        {"expires_at": now - timedelta(seconds=1), "now": now},
        {"expires_at": now + timedelta(days=401), "now": now},
        {"recipient_email": "not an address"},
    ):
        arguments = {"recipient_email": "anna@coop.it"} | extra
        with pytest.raises(PersonalLinkError):
            issue_link(
                session,
                project_id=project.id,
                purpose=LinkPurpose.MEASUREMENT,
                subject_id=1,
                **arguments,
            )
    assert session.query(PersonalLink).count() == 0


def test_links_are_listed_per_subject_newest_first_and_remember_their_last_use(session, project):
    first, second = _issue(session, project), _issue(session, project)
    record_use(session, first)
    assert links_for(session, LinkPurpose.NEEDS_FORM, 7) == [second, first]
    assert first.used_at is not None and second.used_at is None
    assert links_for(session, LinkPurpose.NEEDS_FORM, 8) == []
