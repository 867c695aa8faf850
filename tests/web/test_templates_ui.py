"""The HTML layer: every page renders for the people who may see it, with no inline code,
a CSRF token in every form that changes something, and the states a reader must tell apart."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from flask import Flask

from workshop.access import service as access
from workshop.extensions import db
from workshop.models import InviteRole, Participant, UserRole, utcnow

PASSWORD = "correct-horse-battery"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
# A script element without src runs inline code, unless it is a JSON data block.
# The import map is the one inline script the CSP allows, by its hash (tests/web/test_assets.py).
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\b(?:src=|type=\"application/json\"|type=\"importmap\"))[^>]*>", re.I
)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
EXTERNAL_URL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)


class Visitor:
    """A test client whose every request runs in a fresh app context (see test_i18n.py)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()

    def get(self, url: str):
        with self.app.app_context():
            return self.client.get(url)

    def page(self, url: str) -> str:
        response = self.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    def post_form(self, url: str, data: dict | None = None):
        token = CSRF_INPUT.search(self.page("/join")).group(1)
        with self.app.app_context():
            return self.client.post(url, data={"csrf_token": token, **(data or {})})

    def log_in(self, email: str):
        response = self.post_form("/auth/login", {"email": email, "password": PASSWORD})
        assert response.status_code == 302
        return self

    def join(self, code: str, name: str):
        response = self.post_form("/join", {"code": code})
        assert response.status_code == 302
        response = self.post_form(response.headers["Location"], {"display_name": name})
        assert response.status_code == 302
        return self


@pytest.fixture
def people(app, make_user, make_project, make_invite):
    organizer = make_user("org@example.org", UserRole.ORGANIZER, "Olga")
    conductor = make_user("cond@example.org", UserRole.CONDUCTOR, "Carlo")
    make_user("free@example.org", UserRole.CONDUCTOR, "Franca")
    project = make_project("Progetto A", organizer, conductors=[conductor])
    project.public_resources_eur = Decimal("480000.00")
    project.third_sector_types = ["odv", "aps"]
    db.session.commit()
    invite = make_invite(project)
    revoked = make_invite(project, role=InviteRole.OBSERVER)
    access.revoke_invite(db.session, revoked, utcnow())
    db.session.commit()
    return {
        "organizer": organizer,
        "conductor": conductor,
        "project": project,
        "invite": invite,
        "revoked": revoked,
    }


def pages_for(app, people) -> dict[str, str]:
    """Every page of the foundation as its intended reader sees it."""
    project_id = people["project"].id
    board_id = people["project"].boards[0].id
    anonymous = Visitor(app)
    organizer = Visitor(app).log_in("org@example.org")
    conductor = Visitor(app).log_in("cond@example.org")
    participant = Visitor(app).join(people["invite"].code, "Bea")
    return {
        "welcome": anonymous.page("/"),
        "login": anonymous.page("/auth/login"),
        "join": anonymous.page("/join"),
        "join name": anonymous.page(f"/j/{people['invite'].token}"),
        "not found": anonymous.get("/no-such-page").get_data(as_text=True),
        "projects": organizer.page("/projects/"),
        "project": organizer.page(f"/projects/{project_id}"),
        "project (conductor)": conductor.page(f"/projects/{project_id}"),
        "new project": organizer.page("/projects/new"),
        "edit project": organizer.page(f"/projects/{project_id}/edit"),
        "accounts": organizer.page("/accounts/"),
        "board": organizer.page(f"/boards/{board_id}"),
        "my boards": participant.page("/me"),
        "forbidden": participant.get(f"/projects/{project_id}").get_data(as_text=True),
    }


def test_no_page_carries_inline_code_or_outside_resources(app, people):
    """The Content-Security-Policy would refuse them: the page would silently break."""
    for name, html in pages_for(app, people).items():
        assert not INLINE_SCRIPT.search(html), name
        assert not EVENT_ATTRIBUTE.search(html), name
        assert not STYLE_ATTRIBUTE.search(html), name
        assert not STYLE_ELEMENT.search(html), name
        assert not EXTERNAL_URL.search(html), name


def test_every_post_form_carries_a_csrf_token(app, people):
    for name, html in pages_for(app, people).items():
        for attributes, body in FORM.findall(html):
            if 'method="post"' in attributes:
                assert CSRF_INPUT.search(body), f"a form without CSRF token on the {name} page"


def test_every_page_has_one_main_landmark_and_one_h1(app, people):
    for name, html in pages_for(app, people).items():
        assert len(re.findall(r"<main\b", html)) == 1, name
        if name != "board":  # the board page's heading belongs to its own engineer
            assert len(re.findall(r"<h1\b", html)) == 1, name


def test_project_page_shows_invites_boards_and_people(app, people):
    pages = pages_for(app, people)
    html = pages["project"]
    invite, revoked = people["invite"], people["revoked"]
    code = access.format_join_code(invite.code)
    # The open invite: its formatted code, its full link and copy buttons.
    assert code in html
    assert f"http://localhost/j/{invite.token}" in html
    assert f'data-copy-text="{code}"' in html
    assert f"/invites/{invite.id}/revoke" in html
    # The revoked one says so, and offers neither its link nor a second revoke.
    assert "Revocato il" in html
    assert revoked.token not in html
    assert f"/invites/{revoked.id}/revoke" not in html
    # Four numbered session boards, the participant and a conductor with their buttons.
    assert len(re.findall(r'class="board-number"', html)) == 4
    assert "Bea" in html
    participant = db.session.query(Participant).one()
    assert f"/participants/{participant.id}/remove" in html
    assert "Franca" in html  # a conductor who can still be assigned
    assert f"/conductors/{people['conductor'].id}/remove" in html
    assert "480.000,00 €" in html


def test_conductor_sees_no_conductor_controls(app, people):
    html = pages_for(app, people)["project (conductor)"]
    assert "/conductors/" not in html
    assert "Carlo" in html


def test_record_form_groups_fields_and_keeps_checked_types(app, people):
    html = pages_for(app, people)["edit project"]
    assert len(re.findall(r"<fieldset\b", html)) >= 6
    for legend in ("L’avviso pubblico", "Gli enti", "Risorse", "Valutazione"):
        assert legend in html
    assert re.search(
        r'<input checked id="third_sector_types-\d+" name="third_sector_types" type="checkbox" value="odv">',
        html,
    )
    # The euro totals are not typed in the record: they come from the co-funding ledger.
    assert 'data-ledger="totals"' in html and 'name="public_resources_eur"' not in html


def test_invalid_record_shows_errors_next_to_the_fields(app, people):
    organizer = Visitor(app).log_in("org@example.org")
    response = organizer.post_form("/projects/new", {"title": "", "status": "active"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert 'aria-describedby="title-error" aria-invalid="true"' in html


def test_header_shows_who_is_signed_in_and_the_right_menu(app, people):
    pages = pages_for(app, people)
    assert "/accounts/" in pages["projects"] and "Olga" in pages["projects"]
    assert "/accounts/" not in pages["project (conductor)"]
    assert "/auth/logout" in pages["my boards"] and "Bea" in pages["my boards"]
    assert "/auth/logout" not in pages["welcome"]
    assert 'href="/join"' in pages["welcome"] and 'href="/auth/login"' in pages["welcome"]


def test_error_page_explains_and_leads_home(app, people):
    html = pages_for(app, people)["forbidden"]
    assert "Accesso non consentito" in html
    assert 'href="/"' in html
