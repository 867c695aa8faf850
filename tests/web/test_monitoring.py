"""The monitoring calendar (issue 17): an indicator's frequency, owner and timeline become dated
collections; the owner enters a value through a personal link, with no account; late collections
are flagged on the dashboard and reminded once by e-mail; the value lands on the social-reporting
board and in the report. Bad input and stale links store nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token
from workshop.boards import service as boards
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.extensions import db
from workshop.models import MonitoringTask, PersonalLink
from workshop.monitoring import service as monitoring

CONDUCTOR = Actor("u:1", "Carla", may_conduct=True)
START = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)


class Clock:
    """The app's clock (config CLOCK): tests move it forward."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: int) -> None:
        self.now += timedelta(days=days)


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture
def app(make_app, smtp_sink, clock):
    app = make_app(
        MAIL_SMTP_HOST="127.0.0.1",
        MAIL_SMTP_PORT=smtp_sink.server_address[1],
        MAIL_SMTP_SECURITY="none",
        MAIL_SENDER="monitoraggio@example.org",
        CLOCK=clock,
    )
    with app.app_context():
        yield app
        db.session.remove()


def _board(project, kind):
    return next(b for b in project.boards if b.kind.value == kind)


def _change(board_id, ops, name):
    boards.apply_change(
        db.session,
        parse_change({"board_id": board_id, "change_id": name, "client_id": "t", "ops": ops}),
        CONDUCTOR,
    )


def _indicator(project, **fields):
    """Project's registry gets the owner, its theory of change a quarterly indicator."""
    _change(
        _board(project, "stakeholders").id,
        [
            {
                "op": "create",
                "id": "a-rete",
                "type": "actor",
                "fields": {"name": "Cooperativa La Rete", "contact": "Anna Neri, anna@larete.it"},
            }
        ],
        "registry-1",
    )
    indicator = {
        "name": "Ore di sostegno erogate",
        "unit": "ore",
        "target": 2000,
        "target_minimum": 1500,
        "frequency": "quarterly",
        "timeline": "2027-12-31",
        "baseline_date": "2026-12-31",
        "owner": "a-rete",
        **fields,
    }
    _change(
        _board(project, "theory_of_change").id,
        [{"op": "create", "id": "ind-ore", "type": "indicator", "fields": indicator}],
        "toc-1",
    )


def _tasks(project):
    db.session.expire_all()
    return monitoring.tasks_of(db.session, project.id)


def _post(client, url, data=None):
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})})


def _link_in(message) -> str:
    return re.search(r"/m/([\w-]{43})", message.get_content()).group(1)


def _measurements(project):
    items = boards.project_board_items(db.session, project.id, "social_reporting")
    return [it for it in items.values() if it.type == "measurement"]


def test_a_late_collection_is_flagged_reminded_once_and_entered_through_the_owners_link(
    app, client, world, become, clock, smtp_sink
):
    project = world.project_a
    _indicator(project)
    become("conductor_a")
    calendar = f"/projects/{project.id}/monitoring"
    assert _post(client, f"{calendar}/sync").status_code == 302
    tasks = _tasks(project)
    assert [t.due_on.isoformat() for t in tasks] == [
        "2027-03-31",
        "2027-06-30",
        "2027-09-30",
        "2027-12-31",
    ]
    assert {t.owner_actor_id for t in tasks} == {"a-rete"}
    _post(client, f"{calendar}/sync")
    assert len(_tasks(project)) == 4  # idempotent
    page = client.get(calendar).get_data(as_text=True)
    assert "anna@larete.it" in page and "Cooperativa La Rete" in page  # from the registry

    # Past the first collection date: late on the dashboard, reminded by the daily job.
    clock.advance(days=82)  # 2 April 2027
    become("organizer")
    dashboard = client.get("/organize").get_data(as_text=True)
    assert (
        'data-monitoring="late"' in dashboard
        and "1 rilevazione di monitoraggio in ritardo" in dashboard
    )
    assert "31 marzo 2027" in dashboard
    runner = app.test_cli_runner()
    result = runner.invoke(args=["monitoring", "remind", "--at", clock.now.isoformat()])
    assert result.exit_code == 0, result.output
    assert "1 reminders sent" in result.output
    assert [m["to"] for m in smtp_sink.messages] == [["<anna@larete.it>"]]
    reminder = smtp_sink.messages[0]["message"]
    assert reminder["Subject"] == "Rilevazione in ritardo: Ore di sostegno erogate"
    assert "31 marzo 2027" in reminder.get_content()
    assert any(line.upper().startswith("RCPT TO:<ANNA@LARETE.IT>") for line in smtp_sink.transcript)
    again = runner.invoke(
        args=["monitoring", "remind", "--at", (clock.now + timedelta(days=1)).isoformat()]
    )
    assert again.exit_code == 0 and len(smtp_sink.messages) == 1  # once per late task

    # The owner, with no account, on the link from the e-mail.
    token = _link_in(reminder)
    owner = app.test_client()
    form = owner.get(f"/m/{token}")
    assert form.status_code == 200
    body = form.get_data(as_text=True)
    assert "Ore di sostegno erogate" in body and 'inputmode="decimal"' in body
    for bad in ("tante", "1.620"):  # not a number; thousands or decimals?
        refused = _post(
            owner, f"/m/{token}", {"value": bad, "measured_on": "2027-03-31", "source": "Registro"}
        )
        assert refused.status_code == 400
    assert "1.620" in refused.get_data(as_text=True) and _measurements(project) == []
    entry = {
        "value": "1.620,50",
        "measured_on": "2027-03-31",
        "source": "Registro presenze del servizio",
        "evidence": "https://larete.example.org/registro-q1.pdf",
    }
    sent = _post(owner, f"/m/{token}", entry)
    assert sent.status_code == 302
    twice = _post(owner, f"/m/{token}", {**entry, "value": "9"})
    assert twice.status_code == 200 and "registrata" in twice.get_data(as_text=True)
    assert "1.620,50" in twice.get_data(as_text=True)

    [card] = _measurements(project)
    assert card.fields["indicator"] == "ind-ore" and card.fields["value"] == 1620.5
    assert card.fields["date"] == "2027-03-31" and card.fields["source"] == entry["source"]
    assert card.fields["evidence"] == entry["evidence"]
    task = _tasks(project)[0]
    assert task.value == 1620.5 and task.measurement_item_id == card.id
    dashboard = client.get("/organize").get_data(as_text=True)
    assert 'data-monitoring="late"' not in dashboard

    # The indicator's status moved, and the report says so.
    [indicator] = [
        it
        for it in boards.project_board_items(db.session, project.id, "theory_of_change").values()
        if it.type == "indicator"
    ]
    from workshop.canvases.social_reporting import progress

    assert progress(indicator, [card]).status == "above_threshold"
    report = client.get(f"/boards/{_board(project, 'social_reporting').id}/report")
    text = report.get_data(as_text=True)
    assert "Ore di sostegno erogate" in text and "sopra l&#39;obiettivo minimo" in text
    assert "Registro presenze del servizio" in text


def test_a_task_with_a_value_survives_its_indicator_changing_and_one_without_goes(
    app, client, world, become, clock
):
    project = world.project_a
    _indicator(project)
    monitoring.sync_tasks(db.session, project.id, clock.now)
    db.session.commit()
    first = _tasks(project)[0]
    link = monitoring.send_link(db.session, first, email="anna@larete.it", now=clock.now)
    db.session.commit()
    monitoring.record_measurement(
        db.session,
        link,
        monitoring.Entry(120.0, first.due_on, "Registro", ""),
        clock.now,
    )
    # Now yearly, by the same timeline: only 31 December is a collection date.
    _change(
        _board(project, "theory_of_change").id,
        [{"op": "update", "id": "ind-ore", "fields": {"frequency": "yearly"}}],
        "toc-2",
    )
    result = monitoring.sync_tasks(db.session, project.id, clock.now)
    db.session.commit()
    assert (result.created, result.removed) == (0, 2)
    assert [(t.due_on.isoformat(), t.value) for t in _tasks(project)] == [
        ("2027-03-31", 120.0),
        ("2027-12-31", None),
    ]
    _change(_board(project, "theory_of_change").id, [{"op": "delete", "id": "ind-ore"}], "toc-3")
    monitoring.sync_tasks(db.session, project.id, clock.now)
    db.session.commit()
    assert [t.value for t in _tasks(project)] == [120.0]  # a measurement is never lost


def _linked_task(project, clock, n=0):
    monitoring.sync_tasks(db.session, project.id, clock.now)
    db.session.commit()
    task = _tasks(project)[n]
    link = monitoring.send_link(
        db.session, task, email="anna@larete.it", name="Anna", now=clock.now
    )
    db.session.commit()
    return task, link.token


def test_an_expired_or_revoked_link_gets_a_clear_page_and_stores_nothing(
    app, client, world, become, clock
):
    project = world.project_a
    _indicator(project)
    task, token = _linked_task(project, clock)
    _, other_token = _linked_task(project, clock, 1)
    entry = {"value": "12", "measured_on": "2027-03-31", "source": "Registro"}
    before = db.session.scalar(sa.select(sa.func.count()).select_from(PersonalLink))

    become("conductor_a")
    assert (
        _post(client, f"/projects/{project.id}/monitoring/tasks/{task.id}/revoke").status_code
        == 302
    )
    anonymous = app.test_client()
    page = anonymous.get(f"/m/{token}")
    assert page.status_code == 410 and "ritirato" in page.get_data(as_text=True)
    assert _post(anonymous, f"/m/{token}", entry).status_code == 410

    clock.advance(days=400)  # past the link's expiry
    page = anonymous.get(f"/m/{other_token}")
    assert page.status_code == 410 and "scaduto" in page.get_data(as_text=True)
    assert _post(anonymous, f"/m/{other_token}", entry).status_code == 410
    assert anonymous.get("/m/" + "x" * 43).status_code == 404
    assert _measurements(project) == [] and all(t.value is None for t in _tasks(project))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonalLink)) == before


def test_another_projects_conductor_reaches_neither_the_calendar_nor_its_links(
    app, client, world, become, clock, smtp_sink
):
    project, project_b_id = world.project_a, world.project_b.id
    _indicator(project)
    task, _ = _linked_task(project, clock)
    become("conductor_b")
    assert client.get(f"/projects/{project.id}/monitoring").status_code == 403
    sent = _post(
        client,
        f"/projects/{project.id}/monitoring/tasks/{task.id}/link",
        {f"t{task.id}-email": "x@example.org"},
    )
    assert sent.status_code == 403 and smtp_sink.messages == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonalLink)) == 1

    _post(client, "/auth/logout")
    become("conductor_a")
    other = _post(client, f"/projects/{project_b_id}/monitoring/tasks/{task.id}/link", {})
    assert other.status_code == 403
    sent = _post(
        client,
        f"/projects/{project.id}/monitoring/tasks/{task.id}/link",
        {f"t{task.id}-email": "anna@larete.it", f"t{task.id}-name": "Anna"},
    )
    assert sent.status_code == 302
    [mailed] = smtp_sink.messages
    assert mailed["message"]["Subject"] == "Una rilevazione da inserire: Ore di sostegno erogate"
    db.session.expire_all()
    assert db.session.get(MonitoringTask, task.id).value is None
