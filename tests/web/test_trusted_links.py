"""Links that leave the page are built from WORKSHOP_BASE_URL, never from the request (issue 19):
a forged Host or X-Forwarded-Host must not put an attacker's host in front of someone's personal
token in an e-mail. The e-mails are read from a real SMTP conversation (as in
tests/web/test_registration.py)."""

from __future__ import annotations

import pytest

from tests.web.test_registration import open_form_desk
from workshop.config import ConfigError, ProductionConfig
from workshop.extensions import db

SITE = "https://tavolo.comune.example.it"
EVIL = "evil.example"


@pytest.fixture
def site_app(make_app, smtp_sink):  # noqa: F811 - the imported fixture
    app = make_app(
        BASE_URL=SITE,
        EXTRA_TRUSTED_HOSTS=["alias.example.it"],
        PROXY_FIX_HOPS=1,  # one proxy in front: X-Forwarded-Host would be believed
        MAIL_SMTP_HOST="127.0.0.1",
        MAIL_SMTP_PORT=smtp_sink.server_address[1],
        MAIL_SMTP_SECURITY="none",
        MAIL_SENDER="lab@example.org",
    )
    with app.app_context():
        yield app
        db.session.remove()


def _register(client, lab_id, n, base_url, headers=None):
    token = csrf_token_at(client, base_url if not headers else SITE)
    # Over HTTPS, Flask-WTF wants the form's page as the Referer.
    return client.post(
        f"/labs/{lab_id}/register",
        base_url=base_url,
        headers={"Referer": f"{base_url}/labs/{lab_id}/register", **(headers or {})},
        data={"csrf_token": token, "name": f"Persona {n}", "email": f"p{n}@example.org"},
    )


def csrf_token_at(client, base_url):
    import re

    html = client.get("/join", base_url=base_url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _mailed_text(sink) -> str:
    return "\n".join(m["message"].get_body(("plain",)).get_content() for m in sink.messages)


def test_a_forged_host_is_refused_and_nothing_is_mailed(site_app, smtp_sink, world):  # noqa: F811
    lab = open_form_desk(world, 3)
    client = site_app.test_client()
    # The session and its CSRF token are the site's: only the host is wrong.
    for n, headers in enumerate(({"Host": EVIL}, {"X-Forwarded-Host": EVIL})):
        response = _register(client, lab.id, n, SITE, headers=headers)
        assert response.status_code == 400
        assert "not served here" in response.get_data(as_text=True)
    assert smtp_sink.messages == []
    assert _register(client, lab.id, 3, SITE).status_code == 302  # the same form, the right host
    assert len(smtp_sink.messages) == 1 and EVIL not in _mailed_text(smtp_sink)


def test_the_e_mailed_link_names_the_site_whatever_host_the_request_named(
    site_app,
    smtp_sink,  # noqa: F811
    world,
):
    lab = open_form_desk(world, 3)
    client = site_app.test_client()
    # A host the site also answers to: the link in the e-mail still names the site itself.
    assert _register(client, lab.id, 1, "https://alias.example.it").status_code == 302
    assert _register(client, lab.id, 2, SITE).status_code == 302
    text = _mailed_text(smtp_sink)
    assert len(smtp_sink.messages) == 2
    assert text.count(f"{SITE}/registrations/") == 2 or text.count(SITE + "/") >= 2, text
    assert "alias.example.it" not in text and EVIL not in text
    assert not any(EVIL in line for line in smtp_sink.transcript)


def test_shared_links_on_the_pages_name_the_site(site_app, world):
    from tests.conftest import PASSWORD

    alias = "https://alias.example.it"
    client = site_app.test_client()
    login = client.post(
        "/auth/login",
        base_url=alias,
        headers={"Referer": f"{alias}/auth/login"},
        data={
            "csrf_token": csrf_token_at(client, alias),
            "email": world.conductor.email,
            "password": PASSWORD,
        },
    )
    assert login.status_code == 302
    page = client.get(f"/projects/{world.project_a.id}", base_url=alias)
    html = page.get_data(as_text=True)
    assert f"{SITE}/j/" in html and f"{alias}/j/" not in html
    # The join link a conductor reads aloud on the board, too.
    board = client.get(f"/boards/{world.project_a.boards[0].id}", base_url=alias)
    html = board.get_data(as_text=True)
    assert board.status_code == 200 and f"{SITE}/j/" in html and f"{alias}/j/" not in html


def test_production_refuses_to_start_without_the_base_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("WORKSHOP_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="WORKSHOP_BASE_URL"):
        ProductionConfig().finalise()


@pytest.mark.parametrize(
    "bad", ["tavolo.example.it", "ftp://tavolo.example.it", "https://x.it/tavolo"]
)
def test_the_base_url_is_a_scheme_and_a_host(monkeypatch, bad):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("WORKSHOP_BASE_URL", bad)
    with pytest.raises(ConfigError, match="WORKSHOP_BASE_URL"):
        ProductionConfig().finalise()


def test_trusted_hosts_come_from_the_base_url_and_the_other_origins(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("WORKSHOP_BASE_URL", SITE + "/")
    monkeypatch.setenv("WORKSHOP_ALLOWED_ORIGINS", "https://second.example.it")
    config = ProductionConfig()
    config.finalise()
    assert config.BASE_URL == SITE
    assert config.TRUSTED_HOSTS == ["tavolo.comune.example.it", "second.example.it"]
