"""Session 1 over in-process sockets: a conductor starts the board from its template,
participants build a problem tree, the check and the conversion reach everyone."""

from __future__ import annotations

from workshop import protocol as P


def ok(ack):
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def code(ack):
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    return ack["error"]["code"]


def run(client, board_id, action, args=None, change_id=None):
    payload = {
        "board_id": board_id,
        "change_id": change_id or f"{client.name}:a{next(client.counter)}",
        "client_id": client.name,
        "action": action,
    }
    if args is not None:
        payload["args"] = args
    return client.emit(P.RUN_ACTION, payload)


def create(item_id, type_, **fields):
    return {"op": "create", "id": item_id, "type": type_, "fields": fields}


def link(item_id, source, target, **fields):
    return create(item_id, "causal_link", **{"from": source, "to": target}, **fields)


TREE = [
    create("core", "problem", text="Famiglie senza casa", role="core"),
    create("c1", "problem", text="Affitti troppo alti", role="cause", x=0, y=400),
    create("e1", "problem", text="Disagio dei minori", role="effect", x=0, y=-400),
    link("l1", "c1", "core"),
    link("l2", "core", "e1"),
]


def test_a_session_on_the_context_board(clients, cast):
    conductor = clients.as_user(cast.conductor)
    participant = clients.as_participant(cast.invite_a)
    ok(conductor.join(cast.board))
    ok(participant.join(cast.board))
    participant.received()

    started = ok(run(conductor, cast.board, "apply_template", {"name": "context_full"}))
    assert participant.received(P.CHANGE_APPLIED)[0]["ops"] == started["ops"]

    ok(participant.apply(cast.board, TREE))
    # A second link with the same ends is refused, and nobody hears of it.
    conductor.received()
    assert code(participant.apply(cast.board, [link("l3", "c1", "core")])) == P.INVALID_OP
    assert conductor.received(P.CHANGE_APPLIED) == []

    # The template brought its own empty core problem: the check says so, to the asker only.
    check = ok(run(participant, cast.board, "check_problem_tree"))
    assert check["seq"] == 0 and check["ops"] == []
    assert [f["code"] for f in check["result"]["findings"]] == ["several_cores"]
    assert conductor.received(P.CHANGE_APPLIED) == []

    assert code(run(participant, cast.board, "convert_to_objective_tree")) == P.FORBIDDEN
    converted = ok(run(conductor, cast.board, "convert_to_objective_tree"))
    assert len(converted["result"]["objectives"]) == 4 and len(converted["result"]["links"]) == 2
    (broadcast,) = participant.received(P.CHANGE_APPLIED)
    assert broadcast["seq"] == converted["seq"] and broadcast["ops"] == converted["ops"]

    # A participant rewords an objective: the flag clears in the same change, for everyone.
    objective = converted["result"]["objectives"][0]
    ack = ok(
        participant.apply(
            cast.board, [{"op": "update", "id": objective, "fields": {"text": "Più case"}}]
        )
    )
    assert ack["ops"] == [
        {"op": "update", "id": objective, "fields": {"text": "Più case"}},
        {"op": "update", "id": objective, "fields": {"needs_rewording": False}},
    ]
    assert conductor.received(P.CHANGE_APPLIED)[0]["ops"] == ack["ops"]

    laid = ok(run(participant, cast.board, "layout_problem_tree"))
    assert laid["seq"] == ack["seq"] + 1 and laid["result"]["tree"] == "problem"


def test_an_observer_may_check_but_not_lay_out_or_promote(clients, cast):
    conductor = clients.as_user(cast.conductor)
    observer = clients.as_participant(cast.observer_invite_a, "Olivia")
    ok(conductor.join(cast.board))
    ok(
        conductor.apply(
            cast.board,
            TREE + [create("f1", "pestel_factor", text="Fondi PNRR", direction="positive")],
        )
    )
    ok(observer.join(cast.board))
    assert ok(run(observer, cast.board, "check_problem_tree"))["result"]["findings"] == []
    assert code(run(observer, cast.board, "layout_problem_tree")) == P.FORBIDDEN
    assert (
        code(run(observer, cast.board, "promote_pestel_factor", {"factor_id": "f1"})) == P.FORBIDDEN
    )
    assert ok(observer.join(cast.board))["seq"] == 1


def test_bad_arguments_are_refused_over_the_socket(clients, cast):
    participant = clients.as_participant(cast.invite_a)
    ok(participant.join(cast.board))
    assert (
        code(run(participant, cast.board, "promote_pestel_factor", {"factor_id": "nope"}))
        == P.INVALID_OP
    )
    assert (
        code(run(participant, cast.board, "layout_problem_tree", {"tree": "forest"}))
        == P.INVALID_OP
    )
    assert code(run(participant, cast.board, "promote_pestel_factor", ["f1"])) == P.BAD_REQUEST
    promoted = ok(participant.apply(cast.board, [create("f1", "pestel_factor", text="Inflazione")]))
    ack = ok(run(participant, cast.board, "promote_pestel_factor", {"factor_id": "f1"}))
    assert ack["seq"] == promoted["seq"] + 1
    (made,) = ack["ops"]
    assert made["fields"]["quadrant"] == "threat" and made["fields"]["source_factor"] == "f1"
