"""A newcomer's first minutes (issue 19): /login finds the login page, and in development the
e-mails the app would send are printed on the server's output (bin/run's), readable."""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import orm

from tests.support.live_server import LiveServer
from tests.support.real_board import SECRET_KEY
from workshop.database import make_engine
from workshop.models import Base, utcnow
from workshop.registration import service as registration
from workshop.rooms import labs


def test_login_redirects_to_the_login_page_keeping_where_to_go_next(client):
    response = client.get("/login?next=/projects/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/projects/"
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.slow
def test_in_development_an_e_mail_is_printed_on_the_server_s_output(tmp_path):
    url = f"sqlite:///{tmp_path / 'dev.sqlite3'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with orm.Session(engine, expire_on_commit=False) as session:
        lab = labs.create_lab(session, "Laboratorio di prova", [], [], None)
        session.flush()
        registration.open_registration(session, lab.id, 3, utcnow())
        session.commit()
        lab_id = lab.id
    engine.dispose()
    log = tmp_path / "server.log"
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "WORKSHOP_ENV": "development",
        "WORKSHOP_INSTANCE_DIR": str(tmp_path / "instance"),
        "WORKSHOP_SMTP_HOST": "",
        "REDIS_URL": "",
    }
    with LiveServer(env, log_path=log) as server:
        session = requests.Session()
        page = session.get(server.url + f"/labs/{lab_id}/register", timeout=10)
        assert page.status_code == 200
        token = page.text.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        sent = session.post(
            server.url + f"/labs/{lab_id}/register",
            data={"csrf_token": token, "name": "Bea Neri", "email": "bea@example.org"},
            timeout=10,
            allow_redirects=False,
        )
        assert sent.status_code == 302
        deadline = time.monotonic() + 5
        while (
            "bea@example.org" not in log.read_text(errors="replace") and time.monotonic() < deadline
        ):
            time.sleep(0.1)
    output = log.read_text(errors="replace")
    assert "To: bea@example.org" in output and "Bea Neri" in output
    assert "=C3=A0" not in output  # readable, not quoted-printable
