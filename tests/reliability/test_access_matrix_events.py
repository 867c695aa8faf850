"""B1-B6: who may do what on board X, event by event, and nothing of X reaching anyone else."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.support.boards import board_state_hash, check_integrity
from tests.support.sockets import connector, delete, restore, sticky, update
from workshop import protocol as P
from workshop.access import service as access
from workshop.extensions import db
from workshop.models import AuthSession, BoardChange, BoardItem, Participant, utcnow
from workshop.realtime import sessions as live_sessions

OK = "ok"
REFUSED_AT_CONNECT = "refused at connect"

# principal -> (join_board X, apply_change X, cursor seen on X, leave_board X)
MATRIX = {
    "participant of another project": (P.FORBIDDEN, P.NOT_JOINED, False, P.NOT_JOINED),
    "observer": (OK, P.FORBIDDEN, True, OK),
    "participant invited to another board of the project": (
        P.FORBIDDEN,
        P.NOT_JOINED,
        False,
        P.NOT_JOINED,
    ),
    "conductor of another project": (P.FORBIDDEN, P.NOT_JOINED, False, P.NOT_JOINED),
    "participant": (OK, OK, True, OK),
    "conductor": (OK, OK, True, OK),
    "organizer": (OK, OK, True, OK),
}
HOUR = timedelta(hours=1)
CANNOT_CONNECT = (
    "anonymous",
    "tampered cookie",
    "removed participant",
    "participant of a revoked invite",
)


def outcome(ack) -> str:
    assert isinstance(ack, dict), ack
    if ack.get("ok") is True:
        return OK
    assert ack["error"]["code"] in P.ERROR_CODES, ack
    return ack["error"]["code"]


def open_as(name: str, clients, cast):
    if name == "participant of another project":
        return clients.as_participant(cast.invite_b, "Pia")
    if name == "observer":
        return clients.as_participant(cast.observer_invite_a, "Olivia")
    if name == "participant invited to another board of the project":
        return clients.as_participant(cast.scoped_invite_a2, "Sara")
    if name == "conductor of another project":
        return clients.as_user(cast.other_conductor, "chiara")
    if name == "participant":
        return clients.as_participant(cast.invite_a, "Bea")
    if name == "conductor":
        return clients.as_user(cast.conductor, "carlo")
    if name == "organizer":
        return clients.as_user(cast.organizer, "olga")
    raise AssertionError(name)


def hash_of(board_id: int) -> str:
    db.session.expire_all()
    return board_state_hash(db.session, board_id)


@pytest.fixture
def watcher(clients, cast):
    """The conductor of project A, watching board X for anything that gets through."""
    client = clients.as_user(cast.conductor, "watcher")
    assert client.join(cast.board)["ok"]
    assert client.apply(cast.board, [sticky("s1"), sticky("s2")])["ok"]
    client.received()
    return client


@pytest.mark.parametrize("name", list(MATRIX))
def test_every_event_from_every_principal(name, clients, cast, watcher, capsys):
    join_expected, apply_expected, cursor_expected, leave_expected = MATRIX[name]
    client = open_as(name, clients, cast)
    assert client.connected
    before = hash_of(cast.board)

    assert outcome(client.join(cast.board)) == join_expected
    ack = client.apply(cast.board, [sticky(f"by-{client.name}")])
    assert outcome(ack) == apply_expected
    if apply_expected == OK:
        [seen] = watcher.received(P.CHANGE_APPLIED)
        assert seen["author"]["id"] == client.entry.principal.identity
        before = hash_of(cast.board)
    assert hash_of(cast.board) == before

    peer_ids = {
        p["id"] for p in client.received(P.PEER_JOINED)
    }  # (none expected: nobody else joins)
    assert not peer_ids
    assert client.move_cursor(cast.board, 5, 5) is None
    time.sleep(3 * P.CURSOR_FLUSH_INTERVAL_MS / 1000)
    cursor_batches = watcher.received(P.CURSORS_MOVED)
    assert bool(cursor_batches) == cursor_expected

    assert outcome(client.emit("delete_board", {"board_id": cast.board})) == P.BAD_REQUEST
    assert outcome(client.leave(cast.board)) == leave_expected
    assert outcome(client.apply(cast.board, [sticky("after-leave")])) == P.NOT_JOINED
    # Other boards it never joined: refused without a look at them.
    for board_id in (cast.board_a2, cast.board_b):
        assert outcome(client.apply(board_id, [sticky("x")])) == P.NOT_JOINED
    assert client.connected and client.rooms() == []
    assert hash_of(cast.board) == before
    heard = []
    if join_expected != OK:
        # B1: a refused socket hears nothing of the board.
        heard = client.received()
        assert heard == [], heard
    with capsys.disabled():
        print(
            f"\nB1-B3 {name}: join {join_expected}, apply {apply_expected}, cursor "
            f"{'shown' if cursor_expected else 'dropped'}, leave {leave_expected}; "
            f"{len(heard)} messages of a board it may not see"
        )


@pytest.mark.parametrize("name", CANNOT_CONNECT)
def test_sockets_without_a_live_session_are_refused_at_connect(name, clients, cast, app):
    if name == "anonymous":
        client = clients.open(None)
    elif name == "tampered cookie":
        real = clients.as_user(cast.organizer, "olga")
        cookie = real.http.get_cookie(app.config["SESSION_COOKIE_NAME"])
        client = clients.open(None)
        client.http.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie.value[:-2] + "xx")
        client.reconnect()
    elif name == "removed participant":
        auth_id = access.join(db.session, cast.invite_a, "Rita", HOUR, utcnow()).id
        db.session.commit()
        participant = db.session.get(Participant, _participant_id(auth_id))
        access.remove_participant(db.session, participant, utcnow())
        db.session.commit()
        client = clients.open(auth_id)
    else:
        auth_id = access.join(db.session, cast.invite_a, "Rita", HOUR, utcnow()).id
        db.session.commit()
        access.revoke_invite(
            db.session, db.session.get(type(cast.invite_a), cast.invite_a.id), utcnow()
        )
        db.session.commit()
        client = clients.open(auth_id)
    assert not client.connected and client.entry is None


def _participant_id(auth_id: str) -> int:
    return db.session.get(AuthSession, auth_id).participant_id


def test_removing_a_participant_closes_their_open_socket_at_once(clients, cast, watcher):
    participant = clients.as_participant(cast.invite_a, "Rita")
    assert participant.join(cast.board)["ok"]
    before = hash_of(cast.board)
    record = db.session.get(Participant, participant.entry.principal.participant_id)
    access.remove_participant(db.session, record, utcnow())
    db.session.commit()
    live_sessions.rights_changed()  # what the project page's removal does after its commit
    assert participant.wait_for(lambda: not participant.connected)
    assert participant.received(P.SESSION_ENDED) == [{"code": P.UNAUTHORIZED}]
    assert hash_of(cast.board) == before
    watcher.wait_for(lambda: watcher.inbox or watcher.received(P.PEER_LEFT))


def test_items_of_another_board_cannot_be_touched_from_this_one(clients, cast, watcher):
    """B2: ids are per board. Naming board Y's item while on board X finds nothing."""
    other = clients.as_user(cast.organizer, "olga")
    assert other.join(cast.board_a2)["ok"]
    assert other.apply(cast.board_a2, [sticky("y1"), sticky("y2"), connector("yc", "y1", "y2")])[
        "ok"
    ]
    hashes = (hash_of(cast.board), hash_of(cast.board_a2))
    for ops in (
        [update("y1", text="hijack")],
        [delete("y1")],
        [restore("y1")],
        [connector("cx", "s1", "y1")],
        [update("s1", text="ok"), delete("y2")],
    ):
        ack = watcher.apply(cast.board, ops)
        assert outcome(ack) in (P.NOT_FOUND, P.INVALID_OP), ack
    assert (hash_of(cast.board), hash_of(cast.board_a2)) == hashes
    assert other.received(P.CHANGE_APPLIED) == []


def test_client_sent_author_seq_and_creator_never_reach_storage(clients, cast, watcher):
    """B5: the protocol has no place for them. Sent anyway they are refused, never stored; the
    server writes its own."""
    participant = clients.as_participant(cast.invite_a, "Bea")
    assert participant.join(cast.board)["ok"]
    before = hash_of(cast.board)
    spoofs = [
        {**participant.change(cast.board, [sticky("n1")]), "author": {"id": "u:1", "name": "Olga"}},
        {**participant.change(cast.board, [sticky("n1")]), "seq": 999},
        {**participant.change(cast.board, [sticky("n1")]), "created_by": "u:1"},
        participant.change(cast.board, [{**sticky("n1"), "created_by": "u:1"}]),
        participant.change(cast.board, [{**sticky("n1"), "seq": 999}]),
        participant.change(cast.board, [sticky("n1", author="Olga")]),
        participant.change(cast.board, [sticky("n1", created_by="u:1")]),
        participant.change(cast.board, [update("s1", author="Olga")]),
    ]
    for payload in spoofs:
        ack = participant.emit(P.APPLY_CHANGE, payload)
        assert outcome(ack) in (P.BAD_REQUEST, P.INVALID_OP), (payload, ack)
    assert (
        outcome(
            participant.emit(
                P.JOIN_BOARD, {"protocol": 1, "board_id": cast.board, "role": "conductor"}
            )
        )
        == P.BAD_REQUEST
    )
    assert hash_of(cast.board) == before

    ack = participant.apply(cast.board, [sticky("n1", text="mine")])
    me = participant.entry.principal
    db.session.expire_all()
    row = db.session.get(BoardItem, (cast.board, "n1"))
    assert (row.created_by, row.fields["author"], row.created_seq) == (
        me.identity,
        "Bea",
        ack["seq"],
    )
    change = db.session.scalars(sa.select(BoardChange).where(BoardChange.seq == ack["seq"])).one()
    assert (change.author, change.author_name) == (me.identity, "Bea")
    [broadcast] = watcher.received(P.CHANGE_APPLIED)
    assert broadcast["author"] == {"id": me.identity, "name": "Bea"}


def test_b6_a_thousand_ops_on_one_board_reach_no_socket_of_another(clients, cast, capsys):
    """B6: sockets joined to other boards (of the same project and of another, one of them
    allowed on X but not joined to it) receive nothing from X."""
    actor = clients.as_user(cast.organizer, "olga")
    assert actor.join(cast.board)["ok"]
    elsewhere = [
        clients.as_user(cast.conductor, "carlo-on-a2"),  # could join X, did not
        clients.as_participant(cast.scoped_invite_a2, "Sara"),
        clients.as_participant(cast.invite_b, "Pia"),
        clients.as_user(cast.other_conductor, "chiara"),
    ]
    boards = [cast.board_a2, cast.board_a2, cast.board_b, cast.board_b]
    for client, board_id in zip(elsewhere, boards, strict=True):
        assert client.join(board_id)["ok"]
    for client in elsewhere:
        client.received()  # each other's peer_joined
    ops_sent = 0
    n = 0
    while ops_sent < 1_000:
        actor.refill_budget()
        ops = [sticky(f"i{n}-{k}", text=f"secret {n}") for k in range(3)] + [update(f"i{n}-0", x=n)]
        if n:
            ops.append(delete(f"i{n - 1}-1"))
        assert actor.apply(cast.board, ops)["ok"]
        actor.move_cursor(cast.board, n, n)
        ops_sent += len(ops)
        n += 1
    time.sleep(3 * P.CURSOR_FLUSH_INTERVAL_MS / 1000)
    leaked = [m for c in elsewhere for m in c.received()]
    with capsys.disabled():
        print(
            f"\nB6: {ops_sent} ops in {n} changes on board X, {len(elsewhere)} sockets on other boards, "
            f"{len(leaked)} leaked messages"
        )
    assert leaked == []
    check_integrity(db.session, cast.board)


# --- canvas actions -------------------------------------------------------------------------------------

# principal -> (a conductor's action, a changing action, a read-only action) on board X
ACTION_MATRIX = {
    "participant of another project": (P.NOT_JOINED, P.NOT_JOINED, P.NOT_JOINED),
    "observer": (P.FORBIDDEN, P.FORBIDDEN, OK),
    "participant invited to another board of the project": (
        P.NOT_JOINED,
        P.NOT_JOINED,
        P.NOT_JOINED,
    ),
    "conductor of another project": (P.NOT_JOINED, P.NOT_JOINED, P.NOT_JOINED),
    "participant": (P.FORBIDDEN, OK, OK),
    "conductor": (OK, OK, OK),
    "organizer": (OK, OK, OK),
}


@pytest.fixture
def test_actions():
    from workshop.boards.canvas import Action, ActionResult, Template, canvases

    counter = iter(range(10**6))
    template = Template(
        "t_matrix",
        ("context",),
        lambda: [{"op": "create", "id": f"tm{next(counter)}", "type": "frame", "fields": {}}],
    )
    add = Action(
        "t_add_note",
        lambda view, args, actor: ActionResult(
            ops=[{"op": "create", "id": f"an{next(counter)}", "type": "sticky", "fields": {}}]
        ),
    )
    count = Action(
        "t_count",
        lambda view, args, actor: ActionResult(result={"n": len(view)}),
        changes_board=False,
    )
    canvases.add_template(template)
    canvases.add_action(["context"], add)
    canvases.add_action(["context"], count)
    yield
    del canvases.templates["context"]["t_matrix"]
    del canvases.actions["context"]["t_add_note"]
    del canvases.actions["context"]["t_count"]


@pytest.mark.parametrize("name", list(ACTION_MATRIX))
def test_every_canvas_action_from_every_principal(
    name, clients, cast, watcher, test_actions, capsys
):
    client = open_as(name, clients, cast)
    client.join(cast.board)
    expected = ACTION_MATRIX[name]
    got = []
    for n, (action, args) in enumerate(
        [("apply_template", {"name": "t_matrix"}), ("t_add_note", {}), ("t_count", {})]
    ):
        before = hash_of(cast.board)
        ack = client.emit(
            P.RUN_ACTION,
            {
                "board_id": cast.board,
                "change_id": f"m{n}",
                "client_id": "m",
                "action": action,
                "args": args,
            },
        )
        got.append(outcome(ack))
        changed = hash_of(cast.board) != before
        assert changed == (got[-1] == OK and action != "t_count"), (action, ack)
        if got[-1] == OK and action != "t_count":
            [seen] = watcher.received(P.CHANGE_APPLIED)
            assert seen["author"]["id"] == client.entry.principal.identity
    assert tuple(got) == expected
    with capsys.disabled():
        print(
            f"\nB1-B3 actions {name}: template {got[0]}, changing action {got[1]}, check {got[2]}"
        )


# principal -> (watch X from a socket that joined nothing, watch X after joining A2 of X's project)
WATCH_MATRIX = {
    "participant of another project": (P.FORBIDDEN, P.FORBIDDEN),
    "observer": (P.FORBIDDEN, OK),
    "participant invited to another board of the project": (P.FORBIDDEN, P.FORBIDDEN),
    "conductor of another project": (P.FORBIDDEN, P.FORBIDDEN),
    "participant": (P.FORBIDDEN, OK),
    "conductor": (P.FORBIDDEN, OK),
    "organizer": (P.FORBIDDEN, OK),
}


@pytest.mark.parametrize("name", list(WATCH_MATRIX))
def test_watching_needs_a_joined_board_of_the_same_project(name, clients, cast, watcher):
    """`watch` follows a board without presence: only beside a board of its project that the
    socket joined in full, never as a way to look on unseen."""
    alone, beside = WATCH_MATRIX[name]
    client = open_as(name, clients, cast)
    assert outcome(client.join(cast.board, watch=True)) == alone
    assert client.rooms() == []
    client.join(cast.board_a2)
    assert outcome(client.join(cast.board, watch=True)) == beside
    assert watcher.received(P.PEER_JOINED) == []  # a watcher is never in presence
