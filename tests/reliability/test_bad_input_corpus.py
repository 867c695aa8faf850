"""C1/C2/C4: every bad input gets a clean refusal and changes nothing.

After each case: the ack is {ok: false, error: {code in ERROR_CODES}} (move_cursor: no ack and
no cursor broadcast), the stored state of the target board and of a neighbouring board is
unchanged, the socket is still connected and in its room, and a bystander is still served. No
error is logged. Run with -s to see the figures.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from tests.reliability.corpus import CORPUS_SEED, MIN_CASES_PER_EVENT, Case, Targets, build_corpus
from tests.support.boards import board_state_hash, check_integrity
from tests.support.sockets import connector, delete, sticky
from workshop import protocol as P
from workshop.extensions import db, socketio

RAW_ACK_ID = 9_000


@dataclass
class Tally:
    cases: int = 0
    clean: int = 0
    crashes: list[str] = field(default_factory=list)
    state_changes: list[str] = field(default_factory=list)
    codes: Counter = field(default_factory=Counter)

    def line(self, name: str) -> str:
        return (
            f"C1 {name}: {self.cases} bad inputs -> {self.clean} clean errors, "
            f"{len(self.crashes)} crashes, {len(self.state_changes)} state changes"
        )


@pytest.fixture
def scene(clients, cast):
    """Board X with stickies, a connector, a locked frame and a tombstone; board Y (same
    project) with one item; a conductor on X as the bystander; a participant as the sender."""
    bystander = clients.as_user(cast.conductor, "carla")
    assert bystander.join(cast.board_a2)["ok"]
    assert bystander.apply(cast.board_a2, [sticky("y1")])["ok"]
    assert bystander.leave(cast.board_a2)["ok"]
    assert bystander.join(cast.board)["ok"]
    frame = {
        "op": "create",
        "id": "f1",
        "type": "frame",
        "fields": {"locked": True, "title": "Agenda"},
    }
    setup = [
        sticky("s1"),
        sticky("s2"),
        sticky("s3"),
        connector("c1", "s2", "s3"),
        frame,
        sticky("d1"),
    ]
    assert bystander.apply(cast.board, setup)["ok"]
    assert bystander.apply(cast.board, [delete("d1")])["ok"]
    sender = clients.as_participant(cast.invite_a, "Mallory")
    joined = sender.join(cast.board)
    assert joined["ok"]
    bystander.received()
    targets = Targets(
        board=cast.board,
        board_same_project=cast.board_a2,
        board_other_project=cast.board_b,
        live=("s1", "s2", "s3"),
        connector="c1",
        locked_frame="f1",
        deleted="d1",
        foreign_item="y1",
    )
    return targets, sender, bystander, joined["me"]["id"]


def send(client, case: Case, wants_ack: bool):
    """Emit one case as the client would; returns the ack's payload, or None when none came."""
    client.socket.acks = None
    if case.raw is None:
        ack = client.socket.emit(case.event, *case.args, callback=wants_ack)
        leftover, client.socket.acks = client.socket.acks, None
        return ack if leftover is None else ("UNEXPECTED ACK", leftover)
    ack_id = RAW_ACK_ID if wants_ack else ""
    socketio.server._handle_eio_message(client.socket.eio_sid, f"2{ack_id}{case.raw}")
    ack, client.socket.acks = client.socket.acks, None
    if ack is None:
        return None
    return ack["args"][0] if len(ack["args"]) == 1 else ack["args"]


def hashes(targets: Targets) -> tuple[str, str, str]:
    db.session.expire_all()
    return tuple(
        board_state_hash(db.session, b)
        for b in (targets.board, targets.board_same_project, targets.board_other_project)
    )


def clean_error(ack) -> str | None:
    """The code of a well-formed refusal, or None."""
    if not isinstance(ack, dict) or ack.get("ok") is not False or set(ack) != {"ok", "error"}:
        return None
    error = ack["error"]
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return None
    if set(error) - {"code", "message", "field"} or error.get("code") not in P.ERROR_CODES:
        return None
    if "field" in error and not isinstance(error["field"], str):
        return None
    return None if error["code"] == P.INTERNAL else error["code"]


def run_corpus(group: str, cases: list[Case], targets, sender, bystander, peer_id, caplog) -> Tally:
    tally = Tally()
    is_cursor = group == P.MOVE_CURSOR
    baseline = hashes(targets)
    for case in cases:
        tally.cases += 1
        sender.refill_budget()  # the corpus tests validation, not the rate limit
        caplog.clear()
        try:
            ack = send(sender, case, wants_ack=not is_cursor)
        except Exception as error:  # noqa: BLE001 - a crash is counted, then the run goes on
            tally.crashes.append(f"{case.label}: {error!r}"[:200])
            continue
        if is_cursor:
            ok = ack is None
            tally.codes["(no ack)" if ok else "ACKED"] += 1
        else:
            code = clean_error(ack)
            ok = code is not None
            tally.codes[code or "NOT CLEAN"] += 1
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        if errors:
            tally.crashes.append(f"{case.label}: logged {errors[0].getMessage()[:120]}")
        elif not ok:
            tally.crashes.append(f"{case.label}: ack {str(ack)[:160]}")
        if hashes(targets) != baseline:
            tally.state_changes.append(case.label)
            baseline = hashes(targets)
        if not sender.connected or sender.rooms() != [f"board:{targets.board}"]:
            tally.crashes.append(f"{case.label}: the sender lost its connection or its room")
            break
        if ok and not errors:
            tally.clean += 1
    # The bystander is served, and the sender still hears the board.
    ack = bystander.join(targets.board, since_seq=0)
    assert ack["ok"] and ack["mode"] == "delta", ack
    assert bystander.apply(targets.board, [sticky(f"after-{group[:6].replace(' ', '')}")])["ok"]
    assert len(sender.received(P.CHANGE_APPLIED)) == 1
    if is_cursor:
        time.sleep(3 * P.CURSOR_FLUSH_INTERVAL_MS / 1000)
        for batch in bystander.received(P.CURSORS_MOVED):
            if peer_id in batch["cursors"]:
                tally.state_changes.append(
                    f"a bad cursor move was broadcast: {batch['cursors'][peer_id]}"
                )
    return tally


@pytest.mark.parametrize(
    "group",
    [P.APPLY_CHANGE, P.JOIN_BOARD, P.LEAVE_BOARD, P.MOVE_CURSOR, P.RUN_ACTION, "unknown events"],
)
def test_every_bad_input_gets_a_clean_refusal_and_changes_nothing(scene, group, caplog):
    targets, sender, bystander, peer_id = scene
    caplog.set_level(logging.INFO)
    cases = build_corpus(targets, CORPUS_SEED)[group]
    assert len(cases) >= MIN_CASES_PER_EVENT
    tally = run_corpus(group, cases, targets, sender, bystander, peer_id, caplog)
    print(f"\n{tally.line(group)}  (seed {CORPUS_SEED}; codes: {dict(tally.codes)})")
    check_integrity(db.session, targets.board)
    assert not tally.crashes, "\n".join(tally.crashes[:30])
    assert not tally.state_changes, tally.state_changes[:30]
    assert tally.clean == tally.cases


def test_c2_the_valid_half_of_a_refused_batch_is_not_applied(scene):
    targets, sender, bystander, _ = scene
    before = hashes(targets)
    good = [
        sticky("new1"),
        {"op": "update", "id": "s1", "fields": {"text": "changed"}},
        delete("s2"),
    ]
    ack = sender.apply(
        targets.board, good + [{"op": "create", "id": "x", "type": "iframe", "fields": {}}]
    )
    assert ack["ok"] is False and ack["error"]["code"] == P.INVALID_OP
    assert hashes(targets) == before
    assert bystander.received(P.CHANGE_APPLIED) == []
    assert sender.apply(targets.board, good)["ok"]  # the same ops alone go through
