"""The monitoring calendar follows its indicators: a change on the theory of change over the
socket redraws the project's collection tasks after the ack, without a page (issue 17)."""

from __future__ import annotations

import sqlalchemy as sa

from tests.support.sockets import update
from workshop import protocol as P
from workshop.extensions import db
from workshop.models import MonitoringTask


def _due_dates(project_id: int) -> list[str]:
    db.session.rollback()  # a fresh read: the redraw commits in a task of its own
    rows = db.session.scalars(
        sa.select(MonitoringTask.due_on)
        .where(MonitoringTask.project_id == project_id)
        .order_by(MonitoringTask.due_on)
    )
    return [day.isoformat() for day in rows]


def _send(client, board_id, ops):
    ack = client.emit(P.APPLY_CHANGE, client.change(board_id, ops))
    assert isinstance(ack, dict) and ack.get("ok") is True, ack


def test_an_indicators_timeline_set_live_draws_its_collections_and_a_new_one_moves_them(
    clients, cast
):
    world = cast.world
    toc = next(b.id for b in world.project_a.boards if b.kind.value == "theory_of_change")
    project_id = world.project_a.id
    conductor = clients.as_user(world.conductor)
    assert conductor.join(toc)["ok"]
    indicator = {
        "op": "create",
        "id": "ind-1",
        "type": "indicator",
        "fields": {"name": "Famiglie accolte", "frequency": "once", "timeline": "2099-06-30"},
    }
    _send(conductor, toc, [indicator])
    assert conductor.wait_for(lambda: _due_dates(project_id) == ["2099-06-30"])
    _send(conductor, toc, [update("ind-1", timeline="2099-09-30")])
    assert conductor.wait_for(lambda: _due_dates(project_id) == ["2099-09-30"])
