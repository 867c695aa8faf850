"""G1/G2: failures inside a handler give a generic ack and a usable socket; the log names the
socket, the person and the event, never the payload; refusals are logged."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from tests.support.boards import board_state_hash
from tests.support.sockets import sticky
from workshop import protocol as P
from workshop.boards import service
from workshop.extensions import db

SECRET = "TOP-SECRET-PAYLOAD-TEXT"
GENERIC = {
    "ok": False,
    "error": {"code": P.INTERNAL, "message": "unexpected error; nothing was applied"},
}


def log_text(caplog) -> str:
    """Everything the records would print, tracebacks included."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    return "\n".join(handler.format(r) for r in caplog.records)


@pytest.fixture
def editor(clients, cast):
    client = clients.as_participant(cast.invite_a, "Bea")
    assert client.join(cast.board)["ok"]
    return client


def test_an_exception_in_a_handler_gives_a_generic_ack_and_the_socket_goes_on(
    editor, cast, caplog, monkeypatch
):
    def explode(*args, **kwargs):
        raise RuntimeError("something broke deep inside")

    monkeypatch.setattr(service, "apply_change", explode)
    caplog.set_level(logging.INFO)
    ack = editor.apply(cast.board, [sticky("s1", text=SECRET)])
    assert ack == GENERIC  # no traceback, no exception text, nothing retried twice
    monkeypatch.undo()
    assert editor.connected and editor.apply(cast.board, [sticky("s1", text="fine")])["ok"]

    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    message = record.getMessage()
    assert (
        editor.sid in message
        and editor.entry.principal.identity in message
        and "apply_change" in message
    )
    assert SECRET not in log_text(caplog)


def _install_failing_trigger() -> None:
    """Make the database itself refuse every new item, with an error that is not an outage."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(
            sa.text(
                "CREATE TRIGGER refuse_items BEFORE INSERT ON board_items BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        )
    else:
        db.session.execute(
            sa.text(
                "CREATE FUNCTION refuse_items() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ "
                "LANGUAGE plpgsql"
            )
        )
        db.session.execute(
            sa.text(
                "CREATE TRIGGER refuse_items BEFORE INSERT ON board_items FOR EACH ROW EXECUTE FUNCTION refuse_items()"
            )
        )
    db.session.commit()


def _remove_failing_trigger() -> None:
    db.session.rollback()
    db.session.execute(
        sa.text(
            "DROP TRIGGER refuse_items"
            + ("" if db.engine.dialect.name == "sqlite" else " ON board_items")
        )
    )
    if db.engine.dialect.name != "sqlite":
        db.session.execute(sa.text("DROP FUNCTION refuse_items()"))
    db.session.commit()


def test_a_database_error_is_internal_and_its_log_holds_no_payload(editor, cast, caplog):
    before = board_state_hash(db.session, cast.board)
    _install_failing_trigger()
    try:
        caplog.set_level(logging.INFO)
        ack = editor.apply(cast.board, [sticky("s1", text=SECRET)])
    finally:
        _remove_failing_trigger()
    assert ack == GENERIC
    db.session.expire_all()
    assert board_state_hash(db.session, cast.board) == before
    text = log_text(caplog)
    assert "database error during apply_change" in text
    assert SECRET not in text, "the statement's values reached the log"
    assert editor.connected and editor.apply(cast.board, [sticky("s1", text=SECRET)])["ok"]


def test_refusals_for_rights_and_rate_are_logged_with_who_and_where(clients, cast, caplog):
    observer = clients.as_participant(cast.observer_invite_a, "Olivia")
    outsider = clients.as_participant(cast.invite_b, "Pia")
    assert observer.join(cast.board)["ok"]
    caplog.set_level(logging.INFO, logger="workshop.realtime.guards")
    assert observer.apply(cast.board, [sticky("s1", text=SECRET)])["error"]["code"] == P.FORBIDDEN
    assert outsider.join(cast.board)["error"]["code"] == P.FORBIDDEN
    editor = clients.as_participant(cast.invite_a, "Bea")
    assert editor.join(cast.board)["ok"]
    editor.entry.budget.changes.tokens = 0
    assert editor.apply(cast.board, [sticky("s2")])["error"]["code"] == P.RATE_LIMITED
    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")]
    assert len(refusals) == 3
    for client, event, code in (
        (observer, "apply_change", P.FORBIDDEN),
        (outsider, "join_board", P.FORBIDDEN),
        (editor, "apply_change", P.RATE_LIMITED),
    ):
        identity = client.entry.principal.identity
        assert any(
            client.sid in m and identity in m and event in m and m.endswith(code) for m in refusals
        )
    assert SECRET not in log_text(caplog)
