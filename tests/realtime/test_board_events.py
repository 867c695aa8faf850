"""The board protocol over in-process sockets: joining, editing together, catching up, refusals,
limits, losing access, and presence."""

from __future__ import annotations

import time

import flask
import pytest
import sqlalchemy as sa

from tests.support.boards import Mirror, board_state_hash, check_integrity, stored_live_items
from tests.support.sockets import connector, csrf_token, delete, sticky, update
from workshop import protocol as P
from workshop.access import service as access
from workshop.extensions import db
from workshop.models import Board, BoardChange, utcnow
from workshop.projects import service as projects
from workshop.realtime import handlers
from workshop.realtime import sessions as live_sessions


def ok(ack):
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def code(ack):
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    assert ack["error"]["code"] in P.ERROR_CODES, ack
    return ack["error"]["code"]


def set_locked(board_id: int, locked: bool) -> None:
    db.session.execute(sa.update(Board).where(Board.id == board_id).values(locked=locked))
    db.session.commit()


def stored(board_id: int):
    db.session.expire_all()
    return stored_live_items(db.session, board_id)


def state_hash(board_id: int) -> str:
    db.session.expire_all()
    return board_state_hash(db.session, board_id)


@pytest.fixture
def two(clients, cast):
    """A conductor and a participant, both on project A's first board."""
    conductor = clients.as_user(cast.conductor, "carla")
    participant = clients.as_participant(cast.invite_a, "Bea")
    ok(conductor.join(cast.board))
    ok(participant.join(cast.board))
    conductor.received()
    participant.received()
    return conductor, participant


# --- connecting and joining ----------------------------------------------------------------------------


def test_a_socket_without_a_live_session_is_refused_at_connect(clients):
    assert not clients.open(None).connected
    assert not clients.open("not-a-session-id").connected


def test_join_returns_a_snapshot_with_rights_and_peers(clients, cast):
    conductor = clients.as_user(cast.conductor)
    ack = ok(conductor.join(cast.board))
    assert ack["mode"] == "snapshot" and ack["seq"] == 0 and ack["items"] == []
    assert ack["board"] == {"id": cast.board, "kind": "context", "locked": False}
    assert ack["can_edit"] and ack["can_conduct"] and ack["peers"] == []
    assert ack["me"]["identity"] == f"u:{cast.conductor.id}" and ack["me"]["name"] == "Carlo"
    ok(conductor.apply(cast.board, [sticky("s1", text="hi"), sticky("s2")]))

    participant = clients.as_participant(cast.invite_a)
    ack = ok(participant.join(cast.board))
    assert ack["mode"] == "snapshot" and ack["seq"] == 1
    assert {it["id"] for it in ack["items"]} == {"s1", "s2"}
    assert ack["can_edit"] and not ack["can_conduct"]
    assert [p["identity"] for p in ack["peers"]] == [f"u:{cast.conductor.id}"]


def test_join_with_since_seq_returns_the_changes_after_it(clients, cast):
    conductor = clients.as_user(cast.conductor)
    ok(conductor.join(cast.board))
    for n in range(5):
        ok(conductor.apply(cast.board, [sticky(f"s{n}")]))
    ack = ok(clients.as_participant(cast.invite_a).join(cast.board, since_seq=2))
    assert ack["mode"] == "delta" and ack["seq"] == 5
    assert [c["seq"] for c in ack["changes"]] == [3, 4, 5]
    assert ack["changes"][0]["author"] == {"id": f"u:{cast.conductor.id}", "name": "Carlo"}


def test_join_refusals(clients, cast):
    participant = clients.as_participant(cast.invite_a)
    assert code(participant.join(cast.board + 10_000)) == P.NOT_FOUND
    assert code(participant.join(cast.board_b)) == P.FORBIDDEN
    assert (
        code(participant.emit(P.JOIN_BOARD, {"protocol": 2, "board_id": cast.board}))
        == P.PROTOCOL_MISMATCH
    )
    assert code(participant.emit(P.JOIN_BOARD, {"board_id": cast.board})) == P.PROTOCOL_MISMATCH
    assert code(participant.join(cast.board, since_seq=-1)) == P.BAD_REQUEST
    assert participant.rooms() == []
    ok(participant.join(cast.board))
    assert participant.rooms() == [f"board:{cast.board}"]


# --- editing together ------------------------------------------------------------------------------------


def test_a_change_is_acked_to_its_sender_and_broadcast_to_the_others(two, cast):
    conductor, participant = two
    ack = ok(participant.apply(cast.board, [sticky("s1", text="idea")], change_id="bea:1"))
    assert ack["seq"] == 1 and ack["duplicate"] is False
    assert ack["ops"][0]["fields"]["author"] == "Bea"
    assert participant.received(P.CHANGE_APPLIED) == []  # the ack is the sender's copy
    [broadcast] = conductor.received(P.CHANGE_APPLIED)
    assert broadcast == {
        "board_id": cast.board,
        "seq": 1,
        "change_id": "bea:1",
        "client_id": "bea",
        "author": {"id": participant.entry.principal.identity, "name": "Bea"},
        "ops": ack["ops"],
    }


def test_two_clients_editing_one_item_keep_both_fields_and_the_last_text(two, cast):
    conductor, participant = two
    mirrors = {c.name: Mirror() for c in two}
    for client, mirror in zip(two, mirrors.values(), strict=True):
        mirror.load_join(ok(client.join(cast.board)))
    ack = ok(conductor.apply(cast.board, [sticky("s1", text="draft")]))
    mirrors["carla"].receive(ack)
    # Both edit from the same version: different fields both survive...
    mirrors["carla"].receive(ok(conductor.apply(cast.board, [update("s1", text="Carla's words")])))
    mirrors["bea"].receive(ok(participant.apply(cast.board, [update("s1", color="green")])))
    # ...and on the same field, the later change wins.
    mirrors["bea"].receive(ok(participant.apply(cast.board, [update("s1", text="Bea's words")])))
    for client in two:
        for change in client.received(P.CHANGE_APPLIED):
            mirrors[client.name].receive(change)
    fields = stored(cast.board)["s1"]["fields"]
    assert fields["text"] == "Bea's words" and fields["color"] == "green"
    for mirror in mirrors.values():
        assert mirror.items == stored(cast.board) and not mirror.waiting


def test_a_client_that_missed_changes_gets_exactly_those_on_rejoin(two, cast):
    conductor, participant = two
    mirror = Mirror()
    mirror.load_join(ok(participant.join(cast.board)))
    mirror.receive(ok(participant.apply(cast.board, [sticky("a"), sticky("b")])))
    participant.disconnect()
    missed = [
        ok(conductor.apply(cast.board, [update("a", text="while you were away")])),
        ok(conductor.apply(cast.board, [connector("c", "a", "b")])),
        ok(conductor.apply(cast.board, [delete("b")])),  # takes the connector with it
    ]
    participant.reconnect()
    ack = ok(participant.join(cast.board, since_seq=mirror.seq))
    assert ack["mode"] == "delta"
    assert [c["seq"] for c in ack["changes"]] == [m["seq"] for m in missed]
    assert [c["ops"] for c in ack["changes"]] == [m["ops"] for m in missed]
    mirror.load_join(ack)
    assert mirror.items == stored(cast.board) and set(mirror.items) == {"a"}


def test_a_retried_change_applies_once_and_is_not_broadcast_again(two, cast):
    conductor, participant = two
    first = ok(participant.apply(cast.board, [sticky("s1")], change_id="bea:7"))
    assert len(conductor.received(P.CHANGE_APPLIED)) == 1
    before = state_hash(cast.board)
    for _ in range(3):
        again = ok(participant.apply(cast.board, [sticky("s1")], change_id="bea:7"))
        assert (
            again["duplicate"] is True
            and again["seq"] == first["seq"]
            and again["ops"] == first["ops"]
        )
    assert conductor.received(P.CHANGE_APPLIED) == []
    assert state_hash(cast.board) == before


def test_a_retry_after_a_reconnect_is_acked_as_a_duplicate(two, cast):
    conductor, participant = two
    change = participant.change(cast.board, [sticky("s1")])
    first = ok(participant.emit(P.APPLY_CHANGE, change))
    participant.reconnect()  # as if the ack had been lost with the connection
    ok(participant.join(cast.board, since_seq=0))
    again = ok(participant.emit(P.APPLY_CHANGE, change))
    assert again["duplicate"] and again["seq"] == first["seq"]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoardChange)) == 1


# --- refusals ------------------------------------------------------------------------------------------------


def test_a_change_without_a_join_is_refused(clients, cast):
    conductor = clients.as_user(cast.conductor)
    before = state_hash(cast.board)
    assert code(conductor.apply(cast.board, [sticky("s1")])) == P.NOT_JOINED
    ok(conductor.join(cast.board))
    ok(conductor.leave(cast.board))
    assert code(conductor.apply(cast.board, [sticky("s1")])) == P.NOT_JOINED
    assert code(conductor.leave(cast.board)) == P.NOT_JOINED
    assert state_hash(cast.board) == before


def test_an_observer_watches_but_cannot_change(clients, cast):
    conductor = clients.as_user(cast.conductor)
    observer = clients.as_participant(cast.observer_invite_a, "Olivia")
    ok(conductor.join(cast.board))
    ack = ok(observer.join(cast.board))
    assert ack["can_edit"] is False and ack["can_conduct"] is False
    before = state_hash(cast.board)
    assert code(observer.apply(cast.board, [sticky("s1")])) == P.FORBIDDEN
    assert state_hash(cast.board) == before
    ok(conductor.apply(cast.board, [sticky("s2")]))
    assert [c["seq"] for c in observer.received(P.CHANGE_APPLIED)] == [1]


def test_a_locked_board_refuses_participants_and_obeys_the_conductor(two, cast):
    conductor, participant = two
    ok(participant.apply(cast.board, [sticky("s1")]))
    set_locked(cast.board, True)
    before = state_hash(cast.board)
    assert code(participant.apply(cast.board, [update("s1", text="mine")])) == P.BOARD_LOCKED
    assert state_hash(cast.board) == before
    assert ok(participant.join(cast.board))["board"]["locked"] is True
    ok(conductor.apply(cast.board, [update("s1", text="the conductor's")]))
    set_locked(cast.board, False)
    ok(participant.apply(cast.board, [update("s1", text="ours again")]))


def test_a_locked_frame_refuses_a_participant_and_obeys_the_conductor(two, cast):
    conductor, participant = two
    ok(
        conductor.apply(
            cast.board, [{"op": "create", "id": "f1", "type": "frame", "fields": {"locked": True}}]
        )
    )
    assert code(participant.apply(cast.board, [update("f1", title="mine")])) == P.BOARD_LOCKED
    assert code(participant.apply(cast.board, [update("f1", locked=False)])) in (
        P.BOARD_LOCKED,
        P.FORBIDDEN,
    )
    assert code(participant.apply(cast.board, [delete("f1")])) == P.BOARD_LOCKED
    ok(conductor.apply(cast.board, [update("f1", title="Agenda")]))


def test_unknown_events_are_acked_with_bad_request(two):
    conductor, _ = two
    for event in (
        "apply_op",
        "JOIN_BOARD",
        "message",
        "json",
        "leave",
        "x" * 500,
        "__proto__",
        "constructor",
    ):
        ack = conductor.emit(event, {"board_id": 1})
        assert code(ack) == P.BAD_REQUEST, event
    assert conductor.connected


@pytest.mark.parametrize("event", ["connect", "disconnect"])
def test_a_client_cannot_fire_the_servers_connect_or_disconnect_handlers(two, cast, event):
    conductor, participant = two
    entry = participant.entry
    assert code(participant.emit(event, {"auth": "x"})) == P.BAD_REQUEST
    # The socket keeps its record: its joined boards, its room, its rate budget.
    assert participant.entry is entry and entry.boards == {cast.board}
    assert participant.rooms() == [f"board:{cast.board}"]
    ok(participant.apply(cast.board, [sticky("s1")]))
    assert conductor.received(P.PEER_LEFT) == [] and conductor.received(P.PEER_JOINED) == []


# --- limits --------------------------------------------------------------------------------------------------


def test_past_its_budget_a_socket_is_rate_limited_then_recovers(two, cast):
    conductor, participant = two
    started = time.monotonic()
    accepted = 0
    for n in range(200):
        ack = participant.apply(cast.board, [sticky(f"s{n}")], change_id=f"bea:{n}")
        if not ack["ok"]:
            break
        accepted += 1
    elapsed = time.monotonic() - started
    assert code(ack) == P.RATE_LIMITED
    assert P.CHANGE_BURST <= accepted <= P.CHANGE_BURST + P.CHANGES_PER_SECOND * elapsed + 1
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(BoardChange.id).where(BoardChange.change_id == f"bea:{accepted}")
        )
        is None
    )
    # The bystander is served meanwhile, and the limited socket recovers with time.
    ok(conductor.apply(cast.board, [sticky("c1")]))
    time.sleep(2.5 / P.CHANGES_PER_SECOND)
    ok(participant.apply(cast.board, [sticky(f"s{accepted}")], change_id=f"bea:{accepted}"))


def test_a_flooding_socket_is_disconnected_and_others_keep_going(two, cast):
    """A flood at 500 changes a second still gets 20 a second through; it must be cut off anyway."""
    conductor, participant = two
    refused = accepted = 0
    started = time.monotonic()
    for n in range(5_000):
        if not participant.connected:
            break
        time.sleep(max(0.0, started + n / 500 - time.monotonic()))
        try:
            ack = participant.apply(cast.board, [sticky(f"f{n}")])
        except RuntimeError:  # the server closed it between the check and the send
            break
        if ack is None:
            continue
        if ack["ok"]:
            accepted += 1
        else:
            assert code(ack) == P.RATE_LIMITED
            refused += 1
    participant.wait_for(lambda: not participant.connected, 2)
    elapsed = time.monotonic() - started
    assert not participant.connected, (
        f"{refused} refusals and {accepted} accepted in {elapsed:.1f}s"
    )
    assert P.FLOOD_STRIKES_BEFORE_DISCONNECT <= refused < P.FLOOD_STRIKES_BEFORE_DISCONNECT * 2
    assert accepted <= P.CHANGE_BURST + P.CHANGES_PER_SECOND * elapsed + 1
    # The server closes it from a background task: its peer_left follows the close.
    assert len(conductor.wait_for(lambda: conductor.received(P.PEER_LEFT))) == 1
    ok(conductor.apply(cast.board, [sticky("still-here")]))
    db.session.expire_all()
    assert stored(cast.board).keys() >= {"still-here"} and len(stored(cast.board)) == accepted + 1
    check_integrity(db.session, cast.board)


def test_a_client_that_backs_off_when_limited_is_never_disconnected(two, cast):
    _, participant = two
    participant.entry.budget.changes.tokens = 0  # as if it had just spent its burst
    refused = 0
    for n in range(60):
        ack = participant.apply(cast.board, [sticky(f"s{n}")], change_id=f"bea:{n}")
        if not ack["ok"]:
            assert code(ack) == P.RATE_LIMITED
            refused += 1
            time.sleep(1 / P.CHANGES_PER_SECOND)
    assert refused > 0 and participant.connected


def test_board_changes_run_in_an_app_context_without_a_request_and_still_refuse_in_words(
    clients, cast, monkeypatch
):
    seen: list[tuple[bool, bool]] = []
    real_apply = handlers.service.apply_change

    def apply_change(*args, **kwargs):
        seen.append((flask.has_app_context(), flask.has_request_context()))
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(handlers.service, "apply_change", apply_change)
    person = clients.as_participant(cast.invite_a, "Bea")
    ok(person.join(cast.board))

    ok(person.apply(cast.board, [sticky("s1")]))
    refused = person.apply(cast.board_b, [sticky("s2")])
    malformed = person.emit(P.APPLY_CHANGE, {"board_id": cast.board}, "extra")

    assert seen == [(True, False)], "an app context, no request context (one change applied)"
    assert refused["error"]["code"] == P.NOT_JOINED and refused["error"]["message"]
    assert malformed["error"]["code"] == P.BAD_REQUEST


# --- losing access --------------------------------------------------------------------------------------------


def test_an_http_logout_closes_the_open_socket_at_once(clients, cast, app):
    organizer = clients.as_user(cast.organizer, "olga")
    bystander = clients.as_user(cast.conductor)
    ok(organizer.join(cast.board))
    ok(bystander.join(cast.board))
    response = organizer.http.post(
        "/auth/logout", data={"csrf_token": csrf_token(app, organizer.http)}
    )
    assert response.status_code == 302
    assert not organizer.connected  # at once: no sweep, no wait
    assert organizer.received(P.SESSION_ENDED) == [{"code": P.UNAUTHORIZED}]
    assert organizer.entry is None
    assert len(bystander.received(P.PEER_LEFT)) == 1
    # The same cookie cannot open a new socket.
    organizer.reconnect()
    assert not organizer.connected


def test_a_revoked_invite_removes_the_participants_socket_at_the_next_check(two, cast, sweep):
    conductor, participant = two
    invite = db.session.get(type(cast.invite_a), cast.invite_a.id)
    access.revoke_invite(db.session, invite, utcnow())
    db.session.commit()
    sweep()
    assert not participant.connected
    assert participant.received(P.SESSION_ENDED) == [{"code": P.UNAUTHORIZED}]
    assert len(conductor.received(P.PEER_LEFT)) == 1
    ok(conductor.apply(cast.board, [sticky("s1")]))


def test_the_sweep_reads_the_same_few_statements_for_two_sockets_or_eight(clients, cast, sweep):
    def statements_of_a_sweep() -> int:
        counted: list[str] = []

        def count(_conn, _cursor, statement, *_args):
            counted.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            sweep()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(counted)

    people = [clients.as_participant(cast.invite_a, f"P{n}") for n in range(2)]
    for person in people:
        ok(person.join(cast.board))
    with_two = statements_of_a_sweep()
    people += [clients.as_participant(cast.invite_a, f"Q{n}") for n in range(5)]
    people.append(clients.as_user(cast.conductor, "carla"))
    for person in people[2:]:
        ok(person.join(cast.board))
    with_eight = statements_of_a_sweep()

    assert with_eight <= with_two + 2, "a user among them: the users, the conductors, once"
    assert all(person.connected for person in people)
    # Still a check: a revoked invite ends its sockets, and only those.
    access.revoke_invite(
        db.session, db.session.get(type(cast.invite_a), cast.invite_a.id), utcnow()
    )
    db.session.commit()
    sweep()
    assert [person.connected for person in people] == [False] * 7 + [True]


def test_a_removed_participant_is_disconnected_by_the_timer_without_help(two, cast):
    _, participant = two
    access.remove_participant(db.session, _participant(participant), utcnow())
    db.session.commit()
    assert participant.wait_for(
        lambda: not participant.connected, P.AUTH_RECHECK_INTERVAL_S * 2 + 1
    )


def _participant(client):
    from workshop.models import Participant

    return db.session.get(Participant, client.entry.principal.participant_id)


def test_a_removed_conductor_loses_the_board_but_keeps_a_healthy_connection(clients, cast):
    conductor = clients.as_user(cast.conductor, "carla")
    organizer = clients.as_user(cast.organizer, "olga")
    ok(conductor.join(cast.board))
    ok(organizer.join(cast.board))
    conductor.received()
    project = db.session.get(type(cast.project_a), cast.project_a.id)
    projects.unassign_conductor(
        db.session, project, db.session.get(type(cast.conductor), cast.conductor.id)
    )
    db.session.commit()
    live_sessions.rights_changed()  # what the organizer's HTTP request does after the commit
    lost = conductor.wait_for(lambda: conductor.received(P.BOARD_ACCESS_LOST))
    assert lost == [{"board_id": cast.board, "code": P.FORBIDDEN}]
    assert conductor.connected and conductor.rooms() == []
    assert len(organizer.received(P.PEER_LEFT)) == 1
    # No more of that board reaches it...
    ok(organizer.apply(cast.board, [sticky("secret")]))
    assert conductor.received(P.CHANGE_APPLIED) == []
    # ...its own attempts are refused cleanly...
    assert code(conductor.apply(cast.board, [sticky("x")])) == P.NOT_JOINED
    assert code(conductor.join(cast.board)) == P.FORBIDDEN
    # ...and the connection still answers.
    assert code(conductor.emit("ping_me", {})) == P.BAD_REQUEST


# --- presence ------------------------------------------------------------------------------------------------------


def test_peers_are_announced_on_join_and_leave(clients, cast):
    first = clients.as_user(cast.conductor)
    me = ok(first.join(cast.board))["me"]
    second = clients.as_participant(cast.invite_a, "Bea")
    ack = ok(second.join(cast.board))
    assert [p["id"] for p in ack["peers"]] == [me["id"]]
    [joined] = first.received(P.PEER_JOINED)
    assert joined == {"board_id": cast.board, "peer": ack["me"]}
    ok(second.join(cast.board))  # joining again is not a new peer
    assert first.received(P.PEER_JOINED) == []
    ok(second.leave(cast.board))
    assert first.received(P.PEER_LEFT) == [{"board_id": cast.board, "peer_id": ack["me"]["id"]}]
    ok(second.join(cast.board))
    [joined_again] = first.received(P.PEER_JOINED)
    second.disconnect()
    assert first.received(P.PEER_LEFT) == [
        {"board_id": cast.board, "peer_id": joined_again["peer"]["id"]}
    ]


def test_cursors_are_batched_per_board(clients, cast):
    watcher = clients.as_user(cast.conductor)
    mover = clients.as_participant(cast.invite_a, "Bea")
    elsewhere = clients.as_user(cast.other_conductor)
    ok(watcher.join(cast.board))
    peer_id = ok(mover.join(cast.board))["me"]["id"]
    ok(elsewhere.join(cast.board_b))
    watcher.received()
    for n in range(10):
        assert mover.move_cursor(cast.board, 10.0 + n, 20.04) is None  # never acked
    batches = watcher.wait_for(lambda: watcher.received(P.CURSORS_MOVED), 1)
    time.sleep(3 * P.CURSOR_FLUSH_INTERVAL_MS / 1000)
    batches += watcher.received(P.CURSORS_MOVED)
    assert 1 <= len(batches) <= 2, batches
    assert batches[-1] == {"board_id": cast.board, "cursors": {peer_id: [19.0, 20.0]}}
    assert elsewhere.received(P.CURSORS_MOVED) == []


def test_cursor_batches_keep_a_fixed_cadence_when_a_flush_takes_long():
    """A batch leaves every CURSOR_FLUSH_INTERVAL_MS from the start of the previous one (so a
    move waits at most that long), and at once after a flush that overran it."""
    interval = P.CURSOR_FLUSH_INTERVAL_MS / 1000
    tick = 0.0
    ticks = []
    for flush_s in (0.015, 0.015, 0.015, 1.5 * interval, 0.0):
        tick = handlers.next_tick(tick, now_s=tick + flush_s, interval_s=interval)
        ticks.append(round(tick, 3))
    # 15 ms flushes do not stretch the period; one that overran is followed at once.
    assert ticks[:3] == [round(interval, 3), round(2 * interval, 3), round(3 * interval, 3)]
    assert ticks[3] == round(3 * interval + 1.5 * interval, 3)
    assert ticks[4] == round(ticks[3] + interval, 3)
    assert P.CURSOR_FLUSH_INTERVAL_MS <= 40  # a move's wait, with the batch's sending: < 50 ms


def test_cursors_past_the_budget_or_off_the_board_are_dropped(clients, cast):
    watcher = clients.as_user(cast.conductor)
    mover = clients.as_participant(cast.invite_a, "Bea")
    ok(watcher.join(cast.board))
    ok(mover.join(cast.board))
    for bad in (
        {"board_id": cast.board_b, "x": 1, "y": 1},
        {"board_id": cast.board, "x": "1", "y": 1},
        None,
        [],
    ):
        mover.socket.emit(P.MOVE_CURSOR, bad)
    time.sleep(3 * P.CURSOR_FLUSH_INTERVAL_MS / 1000)
    assert watcher.received(P.CURSORS_MOVED) == []
    for n in range(P.CURSOR_MOVES_PER_SECOND * 3):
        mover.move_cursor(cast.board, n, n)
    time.sleep(3 * P.CURSOR_FLUSH_INTERVAL_MS / 1000)
    positions = [list(b["cursors"].values())[0] for b in watcher.received(P.CURSORS_MOVED)]
    assert (
        positions and positions[-1][0] < P.CURSOR_MOVES_PER_SECOND * 3 - 1
    )  # the excess was dropped
