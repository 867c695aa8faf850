"""Automatic snapshots of a live session's boards: at the end of each phase and of the session,
named for what they are, and never twice for a board that has not changed."""

from __future__ import annotations

import sqlalchemy as sa

from tests.support.boards import CONDUCTOR
from workshop import protocol as P
from workshop.boards import history
from workshop.boards import service as boards
from workshop.boards.ops import parse_change
from workshop.models import Board, BoardKind, BoardSnapshot, Project, SnapshotKind, utcnow
from workshop.rooms import service as rooms

ITALIAN = rooms.SnapshotNames(
    phases={
        P.PHASE_WRITE: "scrittura",
        rooms.PRIVATE_WRITE: "scrittura privata",
        P.PHASE_CLUSTER: "raggruppamento",
        P.PHASE_VOTE: "voto",
        P.PHASE_DISCUSS: "discussione",
    },
    phase_end="Fine fase: %(phase)s",
    session_end_text="Fine sessione dal vivo",
)


def note(session, board_id, n, text):
    change = parse_change(
        {
            "board_id": board_id,
            "change_id": f"n{board_id}-{n}",
            "client_id": "t",
            "ops": [
                {
                    "op": "create",
                    "id": f"s{board_id}-{n}",
                    "type": "sticky",
                    "fields": {"text": text},
                }
            ],
        }
    )
    boards.apply_change(session, change, CONDUCTOR)


def opened(session):
    board = Board(kind=BoardKind.CONTEXT, title="", project=Project(title="P"))
    session.add(board)
    session.commit()
    live = rooms.open_session(session, board, "u:1", "Plenaria", utcnow())
    rooms.create_groups(session, live, ["Gruppo 1", "Gruppo 2"], CONDUCTOR, None)
    return live


def named(session, kind=None):
    query = sa.select(BoardSnapshot.board_id, BoardSnapshot.name).order_by(BoardSnapshot.id)
    if kind is not None:
        query = query.where(BoardSnapshot.kind == kind)
    return list(session.execute(query).all())


def test_the_end_of_a_phase_keeps_every_board_of_the_session_named_for_what_it_was(session):
    live = opened(session)
    plenary, first, second = live.rooms
    rooms.set_phase(session, live, live.rooms, P.PHASE_WRITE, None, "u:1", ITALIAN)
    assert named(session) == []  # a phase starting ends nothing
    note(session, second.board_id, 1, "una nota del gruppo 2")
    rooms.start_private_writing(session, second, anonymous=False, locks=None)

    taken = rooms.set_phase(session, live, live.rooms, P.PHASE_VOTE, 3, "u:1", ITALIAN)

    assert [(s.board_id, s.name, s.kind) for s in taken] == [
        (plenary.board_id, "Fine fase: scrittura", SnapshotKind.PHASE),
        (first.board_id, "Fine fase: scrittura — Gruppo 1", SnapshotKind.PHASE),
        (second.board_id, "Fine fase: scrittura privata — Gruppo 2", SnapshotKind.PHASE),
    ]
    assert all(r.phase == P.PHASE_VOTE and r.votes_per_person == 3 for r in live.rooms)
    kept = {s.name: s for s in history.snapshots(session, second.board_id)}
    held = kept["Fine fase: scrittura privata — Gruppo 2"]
    assert [it["fields"]["text"] for it in held.items if it["type"] == "sticky"] == [
        "una nota del gruppo 2"
    ]
    assert held.created_by == "u:1"


def test_clearing_the_phase_of_one_room_ends_only_that_room_s_phase(session):
    live = opened(session)
    plenary, first, _second = live.rooms
    rooms.set_phase(session, live, live.rooms, P.PHASE_CLUSTER, None, "u:1", ITALIAN)
    rooms.set_phase(session, live, [first], None, None, "u:1", ITALIAN)
    assert named(session) == [(first.board_id, "Fine fase: raggruppamento — Gruppo 1")]
    assert first.phase is None and plenary.phase == P.PHASE_CLUSTER


def test_nothing_changed_means_no_second_snapshot(session):
    live = opened(session)
    plenary = live.rooms[0]
    rooms.set_phase(session, live, [plenary], P.PHASE_DISCUSS, None, "u:1", ITALIAN)
    rooms.set_phase(session, live, [plenary], None, None, "u:1", ITALIAN)
    rooms.set_phase(session, live, [plenary], P.PHASE_DISCUSS, None, "u:1", ITALIAN)
    rooms.set_phase(
        session, live, [plenary], None, None, "u:1", ITALIAN
    )  # the same phase ends again
    assert named(session) == [(plenary.board_id, "Fine fase: discussione")]
    rooms.set_phase(session, live, [plenary], P.PHASE_DISCUSS, None, "u:1", ITALIAN)
    note(session, plenary.board_id, 1, "decisione")
    rooms.set_phase(session, live, [plenary], None, None, "u:1", ITALIAN)
    assert named(session) == [(plenary.board_id, "Fine fase: discussione")] * 2
    seqs = [s.seq for s in history.snapshots(session, plenary.board_id)]
    assert seqs[0] < seqs[1]


def test_closing_the_session_keeps_every_board_once(session):
    live = opened(session)
    note(session, live.rooms[0].board_id, 1, "in plenaria")
    rooms.close_session(session, live, utcnow(), ITALIAN, closed_by="u:1")
    assert [name for _board, name in named(session, SnapshotKind.SESSION)] == [
        "Fine sessione dal vivo",
        "Fine sessione dal vivo — Gruppo 1",
        "Fine sessione dal vivo — Gruppo 2",
    ]
    plenary_snapshot = history.snapshots(session, live.rooms[0].board_id)[0]
    assert [it["fields"]["text"] for it in plenary_snapshot.items if it["type"] == "sticky"] == [
        "in plenaria"
    ]
    # Closed again (a retry), or a later session on the same unchanged board: nothing new.
    rooms.close_session(session, live, utcnow(), ITALIAN, closed_by="u:1")
    later = rooms.open_session(
        session, session.get(Board, live.plenary_board_id), "u:1", "Plenaria", utcnow()
    )
    rooms.close_session(session, later, utcnow(), ITALIAN)
    assert len(named(session, SnapshotKind.SESSION)) == 3


def test_the_default_names_are_english_and_a_bad_phase_changes_nothing(session):
    live = opened(session)
    rooms.set_phase(session, live, live.rooms, P.PHASE_VOTE, None, "u:1")
    try:
        rooms.set_phase(session, live, live.rooms, "party", None, "u:1")
    except rooms.BadRequest:
        pass
    else:
        raise AssertionError("a phase that does not exist was accepted")
    assert named(session) == [] and all(r.phase == P.PHASE_VOTE for r in live.rooms)
    rooms.set_phase(session, live, live.rooms[:1], None, None, "u:1")
    rooms.close_session(session, live, utcnow())
    assert [name for _board, name in named(session)] == [
        "End of phase: voting",
        "End of live session",
        "End of live session — Gruppo 1",
        "End of live session — Gruppo 2",
    ]
