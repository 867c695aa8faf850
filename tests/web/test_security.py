"""CSRF on every mutating route, no GET that writes, signed cookies, headers, the secret key,
body size and open redirects."""

from __future__ import annotations

import re
import stat

import pytest
from flask import Flask

from tests.conftest import PASSWORD, csrf_token, post_form
from tests.support.routes import SAFE_METHODS, app_routes, fingerprint, route_url
from tests.web.conftest import PRINCIPALS
from tests.web.test_access_matrix import MATRIX, fill
from workshop import config as settings
from workshop.config import MAX_HTTP_BODY_BYTES, ConfigError

MUTATING = [(e, m) for e, m in app_routes() if m not in SAFE_METHODS]
READING = [(e, m) for e, m in app_routes() if m in SAFE_METHODS]
SECRET = "s" * 64


def session_cookie(client) -> str:
    return client.get_cookie("workshop_session", domain="localhost").value


def assert_anonymous(client):
    response = client.get("/projects/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


# --- CSRF and safe methods ------------------------------------------------------------------


@pytest.mark.parametrize("token", ["missing", "wrong", "other_session"])
@pytest.mark.parametrize(("endpoint", "method"), MUTATING)
def test_every_mutating_route_refuses_a_request_without_its_csrf_token(
    app, client, make_app, targets, become, endpoint, method, token
):
    become("organizer")  # allowed everywhere: only the token is missing
    url = route_url(app, endpoint, targets)
    data = fill(MATRIX[(endpoint, method)].data or {}, targets)
    if token == "wrong":
        data["csrf_token"] = csrf_token(client)[:-2] + "xx"
    elif token == "other_session":
        data["csrf_token"] = csrf_token(app.test_client())  # valid, but for another browser
    before = fingerprint()
    response = client.open(url, method=method, data=data)
    assert response.status_code == 400
    assert fingerprint() == before


@pytest.mark.parametrize("who", ["organizer", "conductor_a", "participant_a", "anonymous"])
def test_no_get_route_changes_the_database(app, client, targets, become, who):
    become(who)
    for endpoint, method in READING:
        url = route_url(app, endpoint, targets)
        before = fingerprint()
        response = client.open(url, method=method)
        assert response.status_code < 500, (url, response.status_code)
        assert fingerprint() == before, f"{method} {url} changed the database"


# --- the signed session cookie --------------------------------------------------------------


def _resign(client, secret: str, change=None) -> str:
    """The client's session, optionally changed, signed with `secret`."""
    with client.session_transaction() as session:
        data = dict(session)
    if change:
        change(data)
    other = Flask("forger")
    other.secret_key = secret
    other.config["SESSION_COOKIE_NAME"] = "workshop_session"
    return other.session_interface.get_signing_serializer(other).dumps(data)


@pytest.mark.parametrize(
    "tamper", ["flip_payload", "flip_signature", "other_key", "unsigned", "garbage"]
)
def test_a_tampered_session_cookie_is_refused(client, auth, make_user, tamper):
    make_user("ada@example.org")
    auth.login("ada@example.org")
    assert client.get("/projects/").status_code == 200
    value = session_cookie(client)
    if tamper == "flip_payload":
        i = 5 if value[0] == "." else 4
        value = value[:i] + ("A" if value[i] != "A" else "B") + value[i + 1 :]
    elif tamper == "flip_signature":
        value = value[:-3] + ("A" if value[-3] != "A" else "B") + value[-2:]
    elif tamper == "other_key":
        value = _resign(client, "another-secret-key-entirely-0123456789")
    elif tamper == "unsigned":
        value = value.rsplit(".", 2)[0]
    elif tamper == "garbage":
        value = "not-a-session"
    client.set_cookie("workshop_session", value, domain="localhost")
    assert_anonymous(client)


def test_a_well_signed_cookie_naming_an_unknown_session_is_refused(app, client, auth, make_user):
    """Even with the key, a cookie is only a pointer: the AuthSession row must be live."""
    make_user("ada@example.org")
    auth.login("ada@example.org")

    def forge(data):
        data["auth_session_id"] = data["_user_id"] = "forged-session-id"

    client.set_cookie(
        "workshop_session", _resign(client, app.secret_key, forge), domain="localhost"
    )
    assert_anonymous(client)


# --- response headers -----------------------------------------------------------------------


PAGES = ["/", "/auth/login", "/join", "/healthz", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_are_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # plain http in development


@pytest.fixture
def production_app(make_app):
    app = make_app(
        settings.ProductionConfig(),
        SECRET_KEY=SECRET,
        BASE_URL="https://localhost",
        SOCKETIO_ASYNC_MODE="threading",
        RATELIMIT_STORAGE_URI="memory://",
    )
    with app.app_context():
        yield app


@pytest.mark.parametrize("path", PAGES)
def test_production_adds_hsts(production_app, path):
    response = production_app.test_client().get(path, base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


# A JSON data block (type="application/json") is never executed, so the CSP allows it.
# The import map is the one inline script allowed, by its hash in the CSP (test_assets.py).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)(?![^>]*importmap)[^>]*>\s*\S", re.I
)
INLINE_HANDLER = re.compile(r"<[^>]+\s on[a-z]+\s*=", re.I | re.X)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)


@pytest.mark.parametrize("who", ["anonymous", "participant_a", "organizer"])
def test_pages_need_no_inline_script_or_style_under_the_csp(app, client, targets, become, who):
    """The CSP forbids inline code: a page that relied on it would break in the browser."""
    become(who)
    for endpoint, method in READING:
        response = client.open(route_url(app, endpoint, targets), method=method)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), endpoint
        assert not INLINE_HANDLER.search(html), endpoint
        assert not INLINE_STYLE.search(html), endpoint


# --- the secret key -------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "x" * 31])
def test_production_refuses_to_start_without_a_long_secret_key(monkeypatch, tmp_path, secret):
    monkeypatch.setenv("WORKSHOP_ENV", "production")
    monkeypatch.setenv("WORKSHOP_INSTANCE_DIR", str(tmp_path))
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    config = settings.config_from_env()
    assert isinstance(config, settings.ProductionConfig)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        config.finalise()
    assert not (tmp_path / settings.SECRET_KEY_FILE_NAME).exists()  # no silent fallback


def test_production_accepts_a_long_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("WORKSHOP_BASE_URL", "https://tavolo.example.it")
    config = settings.ProductionConfig()
    config.finalise()
    assert config.SECRET_KEY == "x" * 32


def test_development_generates_its_key_once_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("WORKSHOP_INSTANCE_DIR", str(tmp_path / "instance"))
    first = settings.Config()
    first.finalise()
    key_file = tmp_path / "instance" / settings.SECRET_KEY_FILE_NAME
    assert len(first.SECRET_KEY) == 2 * settings.SECRET_KEY_BYTES
    assert key_file.read_text().strip() == first.SECRET_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # it signs every session
    second = settings.Config()
    second.finalise()
    assert second.SECRET_KEY == first.SECRET_KEY  # logins survive a restart


def test_development_replaces_an_empty_key_file(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("WORKSHOP_INSTANCE_DIR", str(tmp_path))
    (tmp_path / settings.SECRET_KEY_FILE_NAME).write_text("\n")
    config = settings.Config()
    config.finalise()
    assert len(config.SECRET_KEY) == 2 * settings.SECRET_KEY_BYTES


@pytest.mark.parametrize(
    ("variable", "value"), [("WORKSHOP_ENV", "staging"), ("SOCKETIO_ASYNC_MODE", "asyncio")]
)
def test_an_unknown_setting_is_refused_by_name(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable):
        settings.config_from_env().finalise()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("sqlite:////tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
    ],
)
def test_database_urls_pin_the_green_friendly_driver(given, expected):
    assert settings.normalise_database_url(given) == expected


# --- body size ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/join", "/auth/login", "/projects/new"])
def test_a_body_over_the_limit_gets_413(client, auth, make_user, path):
    make_user("ada@example.org")
    auth.login("ada@example.org")
    body = {"csrf_token": csrf_token(client), "title": "x" * (MAX_HTTP_BODY_BYTES + 1)}
    response = client.post(path, data=body)
    assert response.status_code == 413


# --- open redirects -------------------------------------------------------------------------

FOREIGN_TARGETS = [
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_the_language_switch_never_redirects_off_site(client, target):
    response = post_form(client, "/language", {"lang": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_login_next_never_redirects_off_site(client, make_user, target):
    make_user("ada@example.org")
    response = post_form(
        client,
        "/auth/login",
        {"email": "ada@example.org", "password": PASSWORD},
        query_string={"next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/projects/"


@pytest.mark.parametrize("target", ["/projects/", "/me?x=1", "/boards/3#top"])
def test_local_targets_are_kept(client, target):
    response = post_form(client, "/language", {"lang": "en", "next": target})
    assert response.headers["Location"] == target


def test_the_language_choice_sticks(client):
    post_form(client, "/language", {"lang": "en", "next": "/join"})
    assert 'lang="en"' in client.get("/join").get_data(as_text=True)
    post_form(client, "/language", {"lang": "it", "next": "/join"})
    assert 'lang="it"' in client.get("/join").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["fr", "", "../../etc"])
def test_an_unknown_language_is_refused(client, lang):
    assert post_form(client, "/language", {"lang": lang}).status_code == 400


def test_principals_list_matches_the_matrix():
    assert set(PRINCIPALS) == set(next(iter(MATRIX.values())).expected)
