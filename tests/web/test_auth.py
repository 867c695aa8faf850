"""Logging in and out: credentials, session rotation, cookies and the brute-force limit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, post_form
from workshop import config as settings
from workshop.extensions import db
from workshop.models import AuthSession, UserRole

LOGIN = "/auth/login"
WRONG = "Wrong e-mail or password."
HTTPS = "https://localhost"
SECRET = "k" * 48


def session_of(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def cookie(client, name="workshop_session", domain="localhost"):
    found = client.get_cookie(name, domain=domain)
    return found.value if found else None


def assert_anonymous(client):
    response = client.get("/projects/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("role", [UserRole.ORGANIZER, UserRole.CONDUCTOR])
def test_login_opens_the_projects_page(client, auth, make_user, role):
    make_user("ada@example.org", role, "Ada Lovelace")
    response = auth.login("ada@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/projects/"
    page = client.get("/projects/")
    assert page.status_code == 200
    assert "Ada Lovelace" in page.get_data(as_text=True)


def test_login_follows_a_local_next(client, make_user):
    make_user("ada@example.org")
    response = post_form(
        client, "/auth/login?next=/accounts/", {"email": "ada@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/accounts/"


def test_a_logged_in_user_is_sent_on_from_the_login_page(client, auth, make_user):
    make_user("ada@example.org")
    auth.login("ada@example.org")
    assert client.get(LOGIN).headers["Location"] == "/projects/"


@pytest.mark.parametrize(
    ("email", "password", "active"),
    [
        ("ada@example.org", PASSWORD + "x", True),  # wrong password
        ("ada@example.org", "", True),  # no password
        ("bob@example.org", PASSWORD, True),  # no such account
        ("ada@example.org", PASSWORD, False),  # deactivated account
    ],
    ids=["wrong_password", "empty_password", "unknown_email", "deactivated"],
)
def test_a_refused_login_says_the_same_thing_and_opens_nothing(
    english, client, make_user, email, password, active
):
    user = make_user("ada@example.org")
    user.active = active
    db.session.commit()
    response = post_form(client, LOGIN, {"email": email, "password": password})
    assert response.status_code == 200
    if password:  # an empty one is refused by the form, next to the field
        assert WRONG in response.get_data(as_text=True)
    assert "auth_session_id" not in session_of(client)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthSession)) == 0
    assert_anonymous(client)


def test_login_replaces_the_cookie_session_and_opens_a_new_auth_session(client, auth, make_user):
    make_user("ada@example.org")
    client.get(LOGIN)
    with client.session_transaction() as planted:
        planted["auth_session_id"] = "planted-by-an-attacker"
        planted["lang"] = "en"
    auth.login("ada@example.org")
    after = session_of(client)
    assert after["auth_session_id"] != "planted-by-an-attacker"
    assert after["lang"] == "en"  # the language choice survives the login
    first = after["auth_session_id"]
    assert db.session.get(AuthSession, first).user_id is not None

    auth.logout()
    auth.login("ada@example.org")
    second = session_of(client)["auth_session_id"]
    assert second != first


def test_logout_ends_the_session_and_the_old_cookie_no_longer_works(client, auth, make_user):
    make_user("ada@example.org")
    auth.login("ada@example.org")
    stolen = cookie(client)
    auth_session_id = session_of(client)["auth_session_id"]
    assert client.get("/projects/").status_code == 200

    response = auth.logout()
    assert response.status_code == 302
    assert db.session.get(AuthSession, auth_session_id).revoked_at is not None
    assert_anonymous(client)

    client.set_cookie(
        "workshop_session", stolen, domain="localhost"
    )  # replay the pre-logout cookie
    assert session_of(client)["auth_session_id"] == auth_session_id
    assert_anonymous(client)


def test_logout_needs_a_post_with_a_csrf_token(client, auth, make_user):
    make_user("ada@example.org")
    auth.login("ada@example.org")
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/projects/").status_code == 200  # still logged in


def test_the_session_cookie_is_httponly_and_samesite_lax(client, auth, make_user):
    make_user("ada@example.org")
    response = auth.login("ada@example.org")
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("workshop_session=")
    assert "HttpOnly" in set_cookie
    assert "SameSite=Lax" in set_cookie
    assert "Secure" not in set_cookie  # development serves plain http on localhost


@pytest.fixture
def production_client(make_app):
    app = make_app(
        settings.ProductionConfig(),
        SECRET_KEY=SECRET,
        BASE_URL="https://localhost",
        SOCKETIO_ASYNC_MODE="threading",
        RATELIMIT_STORAGE_URI="memory://",
    )
    with app.app_context():
        yield app.test_client()


def test_in_production_the_cookie_is_secure_and_host_prefixed(production_client, make_user):
    from tests.conftest import CSRF_INPUT

    make_user("ada@example.org")
    page = production_client.get(LOGIN, base_url=HTTPS)
    token = CSRF_INPUT.search(page.get_data(as_text=True)).group(1)
    response = production_client.post(
        LOGIN,
        base_url=HTTPS,
        data={"csrf_token": token, "email": "ada@example.org", "password": PASSWORD},
        headers={"Referer": HTTPS + LOGIN},  # Flask-WTF checks it over HTTPS
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("__Host-workshop_session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in set_cookie
    assert "Domain=" not in set_cookie  # a __Host- cookie may not name a domain


def test_login_brute_force_gets_429(client, make_user):
    make_user("ada@example.org")
    statuses = [
        post_form(client, LOGIN, {"email": "ada@example.org", "password": f"guess-{i}"}).status_code
        for i in range(10)
    ]
    assert statuses == [200] * 10
    response = post_form(client, LOGIN, {"email": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 429  # even the right password waits
    assert "auth_session_id" not in session_of(client)
    assert client.get(LOGIN).status_code == 200  # the page itself stays readable


@pytest.mark.parametrize("hops", [0, 1])
def test_a_spoofed_x_forwarded_for_does_not_reset_the_login_limit(make_app, make_user, hops):
    app = make_app(PROXY_FIX_HOPS=hops)
    with app.app_context():
        make_user("ada@example.org")
        client = app.test_client()
        proxy_adds = ", 203.0.113.9" if hops else ""  # what our one proxy appends: the real address
        statuses = []
        for i in range(11):
            headers = {"X-Forwarded-For": f"198.51.100.{i}{proxy_adds}"}
            statuses.append(
                post_form(
                    client,
                    LOGIN,
                    {"email": "ada@example.org", "password": f"guess-{i}"},
                    headers=headers,
                ).status_code
            )
        assert statuses[-1] == 429
        assert statuses.count(429) == 1


def test_behind_a_proxy_another_client_is_not_blocked(make_app, make_user):
    app = make_app(PROXY_FIX_HOPS=1)
    with app.app_context():
        make_user("ada@example.org")
        client = app.test_client()
        attacker = {"X-Forwarded-For": "203.0.113.9"}
        for i in range(11):
            post_form(
                client, LOGIN, {"email": "ada@example.org", "password": f"x{i}"}, headers=attacker
            )
        blocked = post_form(
            client, LOGIN, {"email": "a@example.org", "password": "x"}, headers=attacker
        )
        assert blocked.status_code == 429
        colleague = {"X-Forwarded-For": "198.51.100.20"}
        response = post_form(
            client, LOGIN, {"email": "ada@example.org", "password": PASSWORD}, headers=colleague
        )
        assert response.status_code == 302


def test_deactivating_an_account_logs_it_out_everywhere(app, client, auth, world):
    from tests.conftest import Auth

    auth.login(world.conductor.email)
    other_device = app.test_client()
    Auth(other_device).login(world.conductor.email)
    organizer = app.test_client()
    Auth(organizer).login(world.organizer.email)

    response = post_form(organizer, f"/accounts/{world.conductor.id}/active")
    assert response.status_code == 302
    for device in (client, other_device):
        assert_anonymous(device)
    assert auth.login(world.conductor.email).status_code == 200  # refused: the form again

    post_form(organizer, f"/accounts/{world.conductor.id}/active")  # reactivated
    assert auth.login(world.conductor.email).status_code == 302


def test_an_organizer_cannot_deactivate_themselves(client, auth, world):
    auth.login(world.organizer.email)
    post_form(client, f"/accounts/{world.organizer.id}/active")
    assert client.get("/projects/").status_code == 200
