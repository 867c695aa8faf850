"""The conductor's phase and close events keep every board of the session as a named snapshot,
named in the conductor's language."""

from __future__ import annotations

import sqlalchemy as sa
from flask.sessions import SecureCookieSessionInterface

from tests.realtime import test_rooms
from tests.realtime.test_rooms import ok
from tests.support.sockets import sticky
from workshop import protocol as P
from workshop.extensions import db
from workshop.models import BoardSnapshot, SnapshotKind

lab = test_rooms.lab  # the fixture, which the tests take by name


def kept(lab):
    db.session.expire_all()
    return list(
        db.session.execute(
            sa.select(BoardSnapshot.board_id, BoardSnapshot.kind, BoardSnapshot.name)
            .where(BoardSnapshot.kind != SnapshotKind.CHECKPOINT)
            .order_by(BoardSnapshot.id)
        ).all()
    )


def test_phase_ends_and_the_close_are_kept_in_italian(lab):
    groups = lab.groups(1)
    phase = {"session_id": lab.session_id, "room_id": None}
    ok(lab.conductor.emit(P.SET_PHASE, {**phase, "phase": P.PHASE_WRITE}))
    ok(lab.conductor.emit(P.SET_PHASE, {**phase, "phase": P.PHASE_VOTE}))
    ok(lab.conductor.emit(P.CLOSE_LIVE_SESSION, {"session_id": lab.session_id}))
    group_board = groups[0]["board_id"]
    assert kept(lab) == [
        (lab.board, SnapshotKind.PHASE, "Fine fase: scrittura"),
        (group_board, SnapshotKind.PHASE, "Fine fase: scrittura — Gruppo 1"),
        (lab.board, SnapshotKind.SESSION, "Fine sessione dal vivo"),
        (group_board, SnapshotKind.SESSION, "Fine sessione dal vivo — Gruppo 1"),
    ]


def test_a_participant_cannot_end_a_phase_and_nothing_is_kept(lab):
    ok(
        lab.conductor.emit(
            P.SET_PHASE, {"session_id": lab.session_id, "room_id": None, "phase": P.PHASE_WRITE}
        )
    )
    refused = lab.bea.emit(
        P.SET_PHASE, {"session_id": lab.session_id, "room_id": None, "phase": None}
    )
    assert refused["ok"] is False
    assert kept(lab) == []


def test_a_conductor_who_chose_english_gets_english_names_from_a_cookie_opened_once(
    clients, cast, monkeypatch
):
    # Socket events reuse the cookie session that the socket's connect opened
    # (realtime/sessions.SocketEventsSessionInterface): the language still applies.
    opened: list[str] = []
    real_open = SecureCookieSessionInterface.open_session

    def counting_open(self, app, request):
        opened.append(request.path)
        return real_open(self, app, request)

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counting_open)
    conductor = clients.as_user(cast.conductor, "carla")
    with conductor.http.session_transaction() as cookie:
        cookie["lang"] = "en"
    conductor.reconnect()  # the socket's handshake carries the English cookie
    ok(conductor.join(cast.board))
    session_id = ok(conductor.emit(P.OPEN_LIVE_SESSION, {"board_id": cast.board}))["session"]["id"]
    opened.clear()
    phase = {"session_id": session_id, "room_id": None}
    ok(conductor.emit(P.SET_PHASE, {**phase, "phase": P.PHASE_WRITE}))
    ok(conductor.emit(P.SET_PHASE, {**phase, "phase": P.PHASE_VOTE}))
    ok(conductor.apply(cast.board, [sticky("e1", text="in English")]))
    assert opened == []  # three events, no cookie opened again
    assert kept_names(cast.board) == ["End of phase: writing"]


def kept_names(board_id: int) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(BoardSnapshot.name).where(
                BoardSnapshot.board_id == board_id, BoardSnapshot.kind == SnapshotKind.PHASE
            )
        )
    )
