"""The verbale's domain (issue 17): marks refused to participants and on hidden cards; a comment
through an expired, revoked or foreign link stores nothing; a comment is checked like a board's
text; an approved verbale cannot change, and a correction is a new version with its reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from workshop.access.personal_links import PersonalLinkError, issue_link, revoke_link
from workshop.boards.errors import Forbidden, InvalidOp, NotFound
from workshop.meetings import marks
from workshop.meetings import verbale as minutes
from workshop.models import (
    BoardItem,
    LinkPurpose,
    LiveSession,
    MeetingMark,
    Room,
    User,
    UserRole,
    VerbaleComment,
    VerbaleStatus,
    utcnow,
)
from workshop.projects import service as projects
from workshop.rooms.rules import Privacy, Viewer


@pytest.fixture()
def world(session):
    user = User(email="carlo@example.org", name="Carlo", role=UserRole.CONDUCTOR, password_hash="!")
    session.add(user)
    session.flush()
    project = projects.create_project(session, {"title": "Tavolo"}, None)
    board = sorted(project.boards, key=lambda b: b.id)[0]
    live = LiveSession(project_id=project.id, plenary_board_id=board.id, opened_by=f"u:{user.id}")
    session.add(live)
    session.flush()
    room = Room(live_session_id=live.id, board_id=board.id, name="Plenaria", is_plenary=True)
    session.add(room)
    for item_id, type_, by, seq in (("p1", "problem", "u:1", 1), ("mine", "sticky", "p:9", 5)):
        session.add(
            BoardItem(
                board_id=board.id,
                item_id=item_id,
                type=type_,
                fields={"text": f"testo {item_id}", "x": 0, "y": 0, "w": 100, "h": 100},
                created_seq=seq,
                updated_seq=seq,
                created_by=by,
            )
        )
    session.commit()
    return project, live, room


CONDUCTOR = Viewer("u:1", True)


def test_a_participant_cannot_mark_and_nothing_is_stored(session, world):
    _project, live, room = world
    with pytest.raises(Forbidden):
        marks.mark_card(session, room, Privacy(), Viewer("p:9", False), "Pia", "p1", "decision")
    with pytest.raises(Forbidden):
        marks.log_entry(session, live, Viewer("p:9", False), "Pia", "decision", "Sì")
    assert session.scalar(sa.select(sa.func.count()).select_from(MeetingMark)) == 0


def test_marks_any_card_keep_its_words_and_one_mark_per_card(session, world):
    _project, live, room = world
    marks.mark_card(session, room, Privacy(), CONDUCTOR, "Carlo", "p1", "decision")
    marks.mark_card(session, room, Privacy(), CONDUCTOR, "Carlo", "p1", "minority")
    standing = marks.session_marks(session, [live.id])
    assert [(m.kind.value, m.text) for m in standing] == [("minority", "testo p1")]
    assert marks.card_marks(session, room.board_id, Privacy()) == {"p1": "minority"}
    marks.mark_card(session, room, Privacy(), CONDUCTOR, "Carlo", "p1", None)
    assert marks.session_marks(session, [live.id]) == []


def test_a_hidden_private_card_is_not_found_and_its_mark_not_shown(session, world):
    _project, _live, room = world
    private = Privacy(since_seq=3)
    # Whoever cannot see the card cannot mark it (a conductor sees it, and marks it).
    with pytest.raises((NotFound, Forbidden)):
        marks.mark_card(session, room, private, Viewer("p:8", False), "Pia", "mine", "decision")
    marks.mark_card(session, room, private, CONDUCTOR, "Carlo", "mine", "decision")
    assert marks.card_marks(session, room.board_id, private) == {}  # the peers' room state
    assert marks.card_marks(session, room.board_id, Privacy()) == {"mine": "decision"}


def test_log_text_is_checked_like_board_text(session, world):
    _project, live, _room = world
    with pytest.raises(InvalidOp):
        marks.log_entry(session, live, CONDUCTOR, "Carlo", "decision", "a\x00b")
    with pytest.raises(Exception):  # noqa: B017 - TooLarge or BadRequest, both refusals
        marks.log_entry(session, live, CONDUCTOR, "Carlo", "decision", "x" * 2001)
    with pytest.raises(Exception):  # noqa: B017
        marks.log_entry(session, live, CONDUCTOR, "Carlo", "verdict", "Sì")
    assert session.scalar(sa.select(sa.func.count()).select_from(MeetingMark)) == 0


def _link(session, verbale, **extra):
    return issue_link(
        session,
        project_id=verbale.project_id,
        purpose=LinkPurpose.VERBALE_REVIEW,
        subject_id=verbale.id,
        recipient_name="Anna",
        recipient_email="anna@example.org",
        **extra,
    )


def test_comments_through_stale_links_store_nothing(session, world):
    project, live, _room = world
    verbale = minutes.current(session, project.id, live_session_id=live.id)
    now = utcnow()
    verbale.status, verbale.comments_until = VerbaleStatus.REVIEW, now + timedelta(days=5)
    expired = _link(
        session, verbale, expires_at=now + timedelta(days=1), now=now - timedelta(days=1)
    )
    revoked = _link(session, verbale)
    revoke_link(session, revoked)
    usable = _link(session, verbale)
    session.commit()
    with pytest.raises(PersonalLinkError) as error:
        minutes.add_comment(session, expired.token, "Manca un punto", now=now + timedelta(days=2))
    assert error.value.code == "expired"
    with pytest.raises(PersonalLinkError) as error:
        minutes.add_comment(session, revoked.token, "Manca un punto")
    assert error.value.code == "revoked"
    with pytest.raises(minutes.VerbaleError):
        minutes.add_comment(session, usable.token, "a\x00b")  # checked like board text
    with pytest.raises(minutes.VerbaleError):
        minutes.add_comment(session, usable.token, "x" * 5001)
    assert session.scalar(sa.select(sa.func.count()).select_from(VerbaleComment)) == 0
    minutes.add_comment(session, usable.token, "Manca la data della prossima riunione")
    assert [c.author_name for c in minutes.comments(session, verbale)] == ["Anna"]


def test_an_approved_verbale_is_frozen_and_corrected_as_a_new_version(session, world):
    project, live, _room = world
    verbale = minutes.current(session, project.id, live_session_id=live.id)
    assert verbale.chair == "Carlo"  # who opened the session
    minutes.update_draft(session, verbale, {"place": "Sala consiliare", "agenda": "1. Bisogni"})
    minutes.approve(session, verbale, "Olga")
    assert verbale.frozen["place"] == "Sala consiliare" and verbale.approved_by_name == "Olga"
    with pytest.raises(minutes.VerbaleError) as error:
        minutes.update_draft(session, verbale, {"place": "Altrove"})
    assert error.value.code == "approved"
    with pytest.raises(minutes.VerbaleError):
        minutes.send_for_comments(session, verbale, utcnow() + timedelta(days=3), None)
    session.refresh(verbale)
    assert verbale.place == "Sala consiliare"
    with pytest.raises(minutes.VerbaleError):
        minutes.correct(session, verbale, "   ")
    second = minutes.correct(session, verbale, "Errore nell'orario")
    assert (second.version, second.status, second.place) == (
        2,
        VerbaleStatus.DRAFT,
        "Sala consiliare",
    )
    assert minutes.current(session, project.id, live_session_id=live.id).id == second.id
    assert [v.version for v in minutes.versions(session, second)] == [2, 1]
    assert verbale.status == VerbaleStatus.APPROVED  # the approved one kept as it was
