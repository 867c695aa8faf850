"""Who may open a socket (issue 19): the page's own origin always, whatever
WORKSHOP_ALLOWED_ORIGINS lists, and the listed origins besides; nobody else."""

from __future__ import annotations

import pytest

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def _handshake(client, origin, base_url="http://localhost", **headers):
    return client.get(HANDSHAKE, base_url=base_url, headers={"Origin": origin, **headers})


@pytest.mark.parametrize("extra", [[], ["https://second.example.it"]])
def test_the_page_s_own_origin_is_always_allowed(make_app, extra):
    app = make_app(SOCKETIO_EXTRA_ORIGINS=extra)
    client = app.test_client()
    own = _handshake(client, "http://localhost")
    assert own.status_code == 200 and own.get_data(as_text=True).startswith("0{")
    assert _handshake(client, "https://evil.example").status_code == 400


def test_listed_origins_are_allowed_and_nothing_else(make_app):
    app = make_app(SOCKETIO_EXTRA_ORIGINS=["https://second.example.it"])
    client = app.test_client()
    assert _handshake(client, "https://second.example.it").status_code == 200
    for origin in (
        "https://third.example.it",
        "http://second.example.it",
        "null",
        "http://localhost:1",
    ):
        assert _handshake(client, origin).status_code == 400, origin


def test_with_a_base_url_the_site_s_address_is_its_origin_not_the_host_header(make_app):
    site = "https://tavolo.comune.example.it"
    app = make_app(BASE_URL=site, SOCKETIO_EXTRA_ORIGINS=["https://second.example.it"])
    client = app.test_client()
    assert _handshake(client, site, base_url=site).status_code == 200
    assert _handshake(client, "https://second.example.it", base_url=site).status_code == 200
    # A forged Host does not make its origin the site's.
    forged = _handshake(client, "https://evil.example", base_url="https://evil.example")
    assert forged.status_code == 400


def test_behind_the_proxy_the_forwarded_address_is_the_page_s(make_app):
    app = make_app(PROXY_FIX_HOPS=1, SOCKETIO_EXTRA_ORIGINS=["https://second.example.it"])
    client = app.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tavolo.example.it"}
    assert _handshake(client, "https://tavolo.example.it", **forwarded).status_code == 200
