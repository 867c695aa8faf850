"""Participants join without an account: by code or by link, with a display name."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import Auth, count, post_form
from workshop.access import service as access
from workshop.extensions import db
from workshop.models import AuthSession, InviteRole, Participant, utcnow
from workshop.models.access import MAX_DISPLAY_NAME_CHARS

BAD_CODE = "This code does not open any lab."


def typed_like_a_person(code: str) -> str:
    """ "KQ7M3WXP" as someone types it from a projector: "kq7m 3wxp"."""
    return f"{code[:4]} {code[4:]}".lower()


def join_by_link(client, invite, name="Bea"):
    return post_form(client, f"/j/{invite.token}", {"display_name": name})


def board_ids_on_my_page(client) -> list[int]:
    html = client.get("/me").get_data(as_text=True)
    return [int(i) for i in re.findall(r'href="/boards/(\d+)"', html)]


@pytest.mark.parametrize("typed", ["exact", "lower_with_space", "dashed", "padded"])
def test_join_by_code_as_people_type_it(client, world, typed):
    code = world.invite_a.code
    text = {
        "exact": code,
        "lower_with_space": typed_like_a_person(code),
        "dashed": access.format_join_code(code),
        "padded": f"  {access.format_join_code(code).lower()} ",
    }[typed]
    response = post_form(client, "/join", {"code": text})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/j/{world.invite_a.token}"
    page = client.get(response.headers["Location"])
    assert "Progetto A" in page.get_data(as_text=True)

    joined = post_form(client, response.headers["Location"], {"display_name": "Bea"})
    assert joined.headers["Location"] == "/me"
    assert board_ids_on_my_page(client) == [b.id for b in world.project_a.boards]


@pytest.mark.parametrize("state", ["unknown", "revoked", "expired", "ambiguous_letters"])
def test_a_code_that_opens_nothing_gets_the_same_message(english, client, world, state):
    invite = world.invite_a
    code = invite.code
    if state == "unknown":
        code = "ACDE3467" if code != "ACDE3467" else "ACDE3469"
    elif state == "revoked":
        access.revoke_invite(db.session, db.session.merge(invite), utcnow())
    elif state == "expired":
        db.session.merge(invite).expires_at = utcnow() - timedelta(minutes=1)
    elif state == "ambiguous_letters":
        code = "O0I1" + code[4:]
    db.session.commit()
    response = post_form(client, "/join", {"code": code})
    assert response.status_code == 200
    assert BAD_CODE in response.get_data(as_text=True)
    assert count(Participant) == 0


def test_join_by_link_shows_the_project_then_asks_for_a_name(client, world):
    page = client.get(f"/j/{world.invite_a.token}")
    assert page.status_code == 200
    assert "Progetto A" in page.get_data(as_text=True)
    assert count(Participant) == 0  # looking at the link joins nobody
    response = join_by_link(client, world.invite_a, "  Bea   Rossi ")
    assert response.headers["Location"] == "/me"
    assert db.session.scalar(sa.select(Participant.display_name)) == "Bea Rossi"


@pytest.mark.parametrize("state", ["unknown", "revoked", "expired"])
def test_a_dead_link_is_not_found(client, world, state):
    invite = db.session.merge(world.invite_a)
    token = invite.token
    if state == "unknown":
        token = "x" * 43
    elif state == "revoked":
        access.revoke_invite(db.session, invite, utcnow())
    else:
        invite.expires_at = utcnow()
    db.session.commit()
    assert client.get(f"/j/{token}").status_code == 404
    assert post_form(client, f"/j/{token}", {"display_name": "Bea"}).status_code == 404
    assert count(Participant) == 0


def test_the_display_name_is_kept_across_requests_and_reloads(client, world):
    join_by_link(client, world.invite_a, "Bea Rossi")
    for _ in range(2):  # a reload shows the same name
        assert "Bea Rossi" in client.get("/me").get_data(as_text=True)
    board = world.project_a.boards[0]
    assert "Bea Rossi" in client.get(f"/boards/{board.id}").get_data(as_text=True)
    assert client.get("/").headers["Location"] == "/me"


def test_a_display_name_is_shown_as_text_never_as_markup(client, world):
    join_by_link(client, world.invite_a, '<img src=x onerror="alert(1)">')
    html = client.get("/me").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


@pytest.mark.parametrize(
    "name",
    ["", "   ", "\u200b\u200b", "x" * (MAX_DISPLAY_NAME_CHARS + 1)],
    ids=["empty", "blank", "invisible", "long"],
)
def test_a_bad_display_name_is_refused_with_a_message(client, world, name):
    response = join_by_link(client, world.invite_a, name)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="field-error"' in html
    assert count(Participant) == 0
    assert client.get("/me").status_code == 302  # not joined


def test_a_participant_sees_only_their_projects_boards(client, world):
    join_by_link(client, world.invite_a)
    assert board_ids_on_my_page(client) == [b.id for b in world.project_a.boards]
    for board in world.project_a.boards:
        assert client.get(f"/boards/{board.id}").status_code == 200
    for board in world.project_b.boards:
        assert client.get(f"/boards/{board.id}").status_code == 403
    assert client.get(f"/projects/{world.project_a.id}").status_code == 403


def test_a_board_scoped_invite_opens_only_that_board(client, world):
    board = world.project_a.boards[2]
    invite = access.create_invite(db.session, world.project_a.id, None, board_id=board.id)
    db.session.commit()
    response = join_by_link(client, invite)
    assert response.headers["Location"] == f"/boards/{board.id}"
    assert board_ids_on_my_page(client) == [board.id]
    for other in world.project_a.boards:
        expected = 200 if other.id == board.id else 403
        assert client.get(f"/boards/{other.id}").status_code == expected


@pytest.mark.parametrize("how", ["invite_revoked", "participant_removed"])
def test_a_revoked_participant_is_out_at_the_next_request(client, world, how):
    join_by_link(client, world.invite_a)
    board = world.project_a.boards[0]
    assert client.get(f"/boards/{board.id}").status_code == 200
    invite = db.session.merge(world.invite_a)
    if how == "invite_revoked":
        access.revoke_invite(db.session, invite, utcnow())
    else:
        participant = db.session.scalar(sa.select(Participant))
        access.remove_participant(db.session, participant, utcnow())
    db.session.commit()
    response = client.get(f"/boards/{board.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert client.get("/me").status_code == 302


def test_revoking_over_http_logs_the_participant_out(app, client, world):
    join_by_link(client, world.invite_a)
    organizer = app.test_client()
    Auth(organizer).login(world.organizer.email)
    revoked = post_form(
        organizer, f"/projects/{world.project_a.id}/invites/{world.invite_a.id}/revoke", {}
    )
    assert revoked.status_code == 302
    assert client.get("/me").status_code == 302


@pytest.mark.parametrize(
    ("role", "can_edit"), [(InviteRole.PARTICIPANT, "true"), (InviteRole.OBSERVER, "false")]
)
def test_observers_watch_and_participants_write(client, world, role, can_edit):
    invite = world.invite_a if role == InviteRole.PARTICIPANT else world.observer_invite_a
    join_by_link(client, invite)
    html = client.get(f"/boards/{world.project_a.boards[0].id}").get_data(as_text=True)
    assert f'data-can-edit="{can_edit}"' in html
    assert 'data-can-conduct="false"' in html


def test_opening_my_own_link_again_does_not_join_twice(client, world):
    join_by_link(client, world.invite_a)
    assert client.get(f"/j/{world.invite_a.token}").headers["Location"] == "/me"
    assert join_by_link(client, world.invite_a, "Bea again").headers["Location"] == "/me"
    assert count(Participant) == 1


def test_joining_from_a_logged_in_browser_ends_the_earlier_session(client, world, auth):
    auth.login(world.organizer.email)
    with client.session_transaction() as session:
        organizer_session = session["auth_session_id"]
    join_by_link(client, world.invite_a)
    assert db.session.get(AuthSession, organizer_session).revoked_at is not None
    assert client.get("/projects/").status_code == 403  # now a participant, not the organizer


def test_guessing_join_codes_is_rate_limited(client, world):
    statuses = [post_form(client, "/join", {"code": f"ACDE{i:04d}"}).status_code for i in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
