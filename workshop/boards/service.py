"""A board's changes and their storage: apply a change, catch a client up, keep history.

A change, in its transaction: bump the board's seq (which takes the board's write lock in the
database), refuse a change_id already seen, apply the ops, write items, links and the op-log
entry. Then commit; only then does the caller acknowledge and broadcast, so an acknowledged
change is never lost, even to a SIGKILL. `apply_change` commits each change on its own, or,
given a board sequencer (boards/sequencer.py), hands it to that board's queue, where it is
committed together with whatever else was queued (group commit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop import protocol as P
from workshop.boards.canvas import ActionResult, BoardView, canvases
from workshop.boards.errors import BoardLocked, Forbidden, InvalidOp, LimitReached, NotFound
from workshop.boards.locks import WriteLocks
from workshop.boards.ops import Change, parse_op
from workshop.boards.schema import registry
from workshop.boards.state import Actor, Applier, Item, ref_targets
from workshop.models import (
    Board,
    BoardChange,
    BoardItem,
    BoardItemLink,
    utcnow,
)

if TYPE_CHECKING:  # the ledger's module reads this one's statements
    from workshop.boards.batch import BatchLedger


@dataclass(frozen=True)
class AppliedChange:
    board_id: int
    seq: int
    change_id: str
    client_id: str
    author: str
    author_name: str
    ops: list[dict[str, Any]]
    duplicate: bool = False
    result: dict[str, Any] = field(default_factory=dict)  # an action's answer to the asking client

    def to_wire(self) -> dict[str, Any]:
        return {
            "board_id": self.board_id,
            "seq": self.seq,
            "change_id": self.change_id,
            "client_id": self.client_id,
            "author": {"id": self.author, "name": self.author_name},
            "ops": self.ops,
        }


def _item_from_row(row: BoardItem) -> Item:
    return Item(
        row.item_id,
        row.type,
        dict(row.fields),
        row.created_seq,
        row.updated_seq,
        row.deleted_seq,
        row.created_by,
    )


def apply_change(
    session: Session,
    change: Change,
    actor: Actor,
    locks: WriteLocks | None = None,
    after_commit: Callable[[AppliedChange], None] | None = None,
    plan: Callable[[BoardView], ActionResult] | None = None,
    check: Callable[[], None] | None = None,
    sequencer: Sequencing | None = None,
) -> AppliedChange:
    """Sequence, validate, store and commit one change; or refuse it with nothing changed.

    `check` runs first under the board's lock, in the change's transaction: it may read and
    refuse (raise a BoardError). `after_commit` runs after the commit while the board's lock is
    still held, so what it broadcasts leaves in seq order. Raises a BoardError subclass; a
    retried change_id returns the first result, marked duplicate (and `after_commit` is not
    called again).

    With `sequencer` the change joins its board's queue and this waits for its commit; `check`,
    `plan` and `after_commit` then run in the sequencer's task, on its session. Without, it is
    written here, on `session`, under the same board lock: the order holds either way.

    The session should hold no transaction when this is called. Lock first, connection second,
    always: a session that holds a pooled connection while it waits for the board's lock keeps
    it from the lock's holder, and with enough writers queued on one board the pool runs dry
    and nothing moves (issue 18: the PostgreSQL freeze).
    """
    if sequencer is not None:
        return sequencer.submit(change, actor, after_commit=after_commit, plan=plan, check=check)
    with locks.board(change.board_id) if locks else nullcontext():
        with locks.database() if locks else nullcontext():
            try:
                if check is not None:
                    check()
                applied = _apply_in_transaction(session, change, actor, plan, session.rollback)
            except BaseException:
                session.rollback()
                raise
            if not applied.duplicate and applied.seq:
                session.commit()
        if after_commit is not None and not applied.duplicate and applied.seq:
            after_commit(applied)
        return applied


class Sequencing(Protocol):
    """A board sequencer as apply_change uses it (boards/sequencer.Sequencers)."""

    def submit(
        self,
        change: Change,
        actor: Actor,
        *,
        after_commit: Callable[[AppliedChange], None] | None = None,
        plan: Callable[[BoardView], ActionResult] | None = None,
        check: Callable[[], None] | None = None,
    ) -> AppliedChange: ...


# Core tables: the hot path skips the ORM's unit of work, which costs more than the database.
_BOARDS = Board.__table__
_ITEMS = BoardItem.__table__
_LINKS = BoardItemLink.__table__
_CHANGES = BoardChange.__table__

# The hot path's statements, built once. A statement object is immutable and memoizes its cache
# key, so reusing one skips building it and keying it for the compiled cache on every change:
# that was a third of a change's server CPU.
_BUMP_SEQ = (
    sa.update(_BOARDS)
    .where(_BOARDS.c.id == sa.bindparam("board"))
    .values(seq=_BOARDS.c.seq + 1)
    .returning(
        _BOARDS.c.seq,
        _BOARDS.c.kind,
        _BOARDS.c.locked,
        _BOARDS.c.live_items,
        _BOARDS.c.project_id,
        _BOARDS.c.compacted_seq,
        _BOARDS.c.created_at,
    )
)
_SEEN_CHANGE = sa.select(_CHANGES).where(
    _CHANGES.c.board_id == sa.bindparam("board"), _CHANGES.c.change_id == sa.bindparam("change_id")
)
_LOAD_ITEMS = sa.select(_ITEMS).where(
    _ITEMS.c.board_id == sa.bindparam("board"),
    _ITEMS.c.item_id.in_(sa.bindparam("ids", expanding=True)),
)
_REFERRERS = sa.select(_LINKS.c.source_id).where(
    _LINKS.c.board_id == sa.bindparam("board"), _LINKS.c.target_id == sa.bindparam("target")
)
_LIVE_OF_TYPES = sa.select(_ITEMS).where(
    _ITEMS.c.board_id == sa.bindparam("board"),
    _ITEMS.c.type.in_(sa.bindparam("types", expanding=True)),
    _ITEMS.c.deleted_seq.is_(None),
)
_INSERT_ITEMS = sa.insert(_ITEMS)
_UPDATE_ITEMS = (
    sa.update(_ITEMS)
    .where(
        _ITEMS.c.board_id == sa.bindparam("b_board_id"),
        _ITEMS.c.item_id == sa.bindparam("b_item_id"),
    )
    .values(
        fields=sa.bindparam("fields"),
        updated_seq=sa.bindparam("updated_seq"),
        deleted_seq=sa.bindparam("deleted_seq"),
    )
)
_UNLINK = sa.delete(_LINKS).where(
    _LINKS.c.board_id == sa.bindparam("board"),
    _LINKS.c.source_id.in_(sa.bindparam("ids", expanding=True)),
)
_INSERT_LINKS = sa.insert(_LINKS)
_INSERT_CHANGE = sa.insert(_CHANGES)
_COUNT_LIVE = (
    sa.update(_BOARDS)
    .where(_BOARDS.c.id == sa.bindparam("board"))
    .values(live_items=_BOARDS.c.live_items + sa.bindparam("delta"))
)


def _apply_in_transaction(
    session: Session,
    change: Change,
    actor: Actor,
    plan: Callable[[BoardView], ActionResult] | None,
    give_back: Callable[[], None],
    known_new: bool = False,
    ledger: BatchLedger | None = None,
) -> AppliedChange:
    """One change, or with `plan` one action: the plan reads the whole board under the lock and
    its ops become the change's ops. A change that writes nothing (a retry, an action with
    nothing to do) calls `give_back` to undo its seq bump: the transaction's rollback, or in a
    sequencer's batch the change's savepoint. `known_new`: the caller does not look for the
    change's id among the board's changes (a sequencer's ledger finds a retry when it inserts
    its batch's changes). `ledger`: a batch written without savepoints keeps its seq, items
    and rows there."""
    conn = session.connection()
    board_id = change.board_id
    if ledger is not None and ledger.board is not None:
        # A batch's later change: its board's row is locked and its seq counted in memory.
        last_seq, kind, locked, live_count, project_id = ledger.board
        seq = last_seq + 1
    else:
        # The seq bump comes first: it takes the board's write lock before anything is read.
        bumped = conn.execute(_BUMP_SEQ, {"board": board_id}).one_or_none()
        if bumped is None:
            raise NotFound("no such board", field="board_id")
        seq, kind, locked, live_count, project_id, compacted_seq, created_at = bumped
        if ledger is not None:
            ledger.bumped(seq, (compacted_seq, created_at))

    seen = {"board": board_id, "change_id": change.change_id}
    earlier = None if known_new else conn.execute(_SEEN_CHANGE, seen).one_or_none()
    if earlier is not None:
        give_back()  # give the seq back: a retry adds nothing
        return AppliedChange(
            board_id,
            earlier.seq,
            earlier.change_id,
            earlier.client_id,
            earlier.author,
            earlier.author_name,
            earlier.ops,
            duplicate=True,
        )
    # After the duplicate check: a retry of a change that went through before the lock is
    # acknowledged as what it was, not refused as if it had never been applied.
    if locked and not actor.may_conduct:
        raise BoardLocked("a conductor locked this board")

    stored: set[str] = set()

    def load(ids: Iterable[str]) -> dict[str, Item]:
        if ledger is not None:
            found = ledger.load(conn, ids)
        else:
            rows = conn.execute(_LOAD_ITEMS, {"board": board_id, "ids": list(ids)})
            found = {row.item_id: _item_from_row(row) for row in rows}
        stored.update(found)
        return found

    def referrers(target_id: str) -> list[str]:
        return list(conn.scalars(_REFERRERS, {"board": board_id, "target": target_id}))

    def find_type(types: Iterable[str]) -> list[Item]:
        rows = conn.execute(_LIVE_OF_TYPES, {"board": board_id, "types": list(types)})
        return [_item_from_row(row) for row in rows]

    def resolve_external(board_kind: str, ids: list[str]) -> dict[str, str]:
        return _live_types_on_project_board(conn, project_id, board_kind, ids)

    ops = change.ops
    result: dict[str, Any] = {}
    if plan is not None:
        view = BoardView(
            board_id,
            str(kind),
            project_id,
            _live_items_by_id(conn, board_id),
            lambda other_kind: _live_items_on_project_board(conn, project_id, other_kind),
            lambda: _project_record(conn, project_id),
        )
        planned = plan(view)
        result = planned.result
        if not planned.ops:
            give_back()  # nothing to change: give the seq back
            return AppliedChange(
                board_id,
                0,
                change.change_id,
                change.client_id,
                actor.identity,
                actor.name,
                [],
                result=result,
            )
        if len(planned.ops) > P.MAX_OPS_PER_ACTION:
            raise InvalidOp(
                f"this action would make more than {P.MAX_OPS_PER_ACTION} changes at once"
            )
        ops = tuple(parse_op(op) for op in planned.ops)

    outcome = Applier(
        str(kind),
        actor,
        seq,
        load,
        referrers,
        resolve_external=resolve_external,
        rules=canvases.rules.get(str(kind), ()),
        find_type=find_type,
    ).apply(ops)
    if outcome.live_delta > 0 and live_count + outcome.live_delta > P.MAX_LIVE_ITEMS_PER_BOARD:
        raise LimitReached(f"a board holds at most {P.MAX_LIVE_ITEMS_PER_BOARD} items")

    relink_ids = _relinked_ids(outcome.applied, outcome.changed)
    _write_items(conn, board_id, outcome.changed.values(), stored, relink_ids)
    change_row = {
        "board_id": board_id,
        "seq": seq,
        "change_id": change.change_id,
        "client_id": change.client_id,
        "author": actor.identity,
        "author_name": actor.name,
        "ops": outcome.applied,
        "created_at": utcnow(),
    }
    if ledger is not None:
        board_after = (seq, kind, locked, live_count + outcome.live_delta, project_id)
        ledger.applied(board_after, outcome.changed, outcome.live_delta, change_row)
    else:
        conn.execute(_INSERT_CHANGE, change_row)
        if outcome.live_delta:
            conn.execute(_COUNT_LIVE, {"board": board_id, "delta": outcome.live_delta})
    for effect in canvases.effects.get(str(kind), ()):
        effect(conn, board_id, project_id, seq, outcome.changed, actor)
    return AppliedChange(
        board_id,
        seq,
        change.change_id,
        change.client_id,
        actor.identity,
        actor.name,
        outcome.applied,
        result=result,
    )


def run_action(
    session: Session,
    change: Change,
    action_name: str,
    args: dict[str, Any],
    actor: Actor,
    *,
    may_edit: bool,
    locks: WriteLocks | None = None,
    after_commit: Callable[[AppliedChange], None] | None = None,
    check: Callable[[], None] | None = None,
    sequencer: Sequencing | None = None,
) -> AppliedChange:
    """Run a canvas action on a board: its ops are applied as one change with the change's id
    (a retry applies once), its result goes back to the asking client. An action that changes
    nothing returns seq 0 and no ops. Raises a BoardError, with nothing changed."""
    board = session.get(Board, change.board_id)
    if board is None:
        session.rollback()
        raise NotFound("no such board", field="board_id")
    kind = str(board.kind)
    session.rollback()  # the read above must not hold a snapshot across the lock
    action = canvases.action(kind, action_name)
    if action is None:
        raise InvalidOp("this board has no such action", field="action")
    if action.conductor_only and not actor.may_conduct:
        raise Forbidden("only a conductor may run this action", field="action")
    if action.changes_board and not may_edit:
        raise Forbidden("you may look at this board but not change it")
    return apply_change(
        session,
        change,
        actor,
        locks,
        after_commit,
        plan=lambda view: action.run(view, args, actor),
        check=check,
        sequencer=sequencer,
    )


def _live_items_by_id(conn: sa.Connection, board_id: int) -> dict[str, Item]:
    rows = conn.execute(
        sa.select(_ITEMS).where(_ITEMS.c.board_id == board_id, _ITEMS.c.deleted_seq.is_(None))
    )
    return {row.item_id: _item_from_row(row) for row in rows}


def _project_board_id(conn: sa.Connection, project_id: int, board_kind: str) -> int | None:
    """The project's session board of that kind (each session kind has one board)."""
    return conn.scalar(
        sa.select(_BOARDS.c.id)
        .where(_BOARDS.c.project_id == project_id, _BOARDS.c.kind == board_kind)
        .order_by(_BOARDS.c.position, _BOARDS.c.id)
        .limit(1)
    )


def _project_record(conn: sa.Connection, project_id: int) -> dict[str, Any]:
    from workshop.projects.record import record_for_report  # the projects package reads boards

    return record_for_report(conn, project_id)


def _live_items_on_project_board(
    conn: sa.Connection, project_id: int, board_kind: str
) -> dict[str, Item]:
    other = _project_board_id(conn, project_id, board_kind)
    return {} if other is None else _live_items_by_id(conn, other)


def _live_types_on_project_board(
    conn: sa.Connection, project_id: int, board_kind: str, ids: list[str]
) -> dict[str, str]:
    other = _project_board_id(conn, project_id, board_kind)
    if other is None:
        return {}
    rows = conn.execute(
        sa.select(_ITEMS.c.item_id, _ITEMS.c.type).where(
            _ITEMS.c.board_id == other, _ITEMS.c.item_id.in_(ids), _ITEMS.c.deleted_seq.is_(None)
        )
    )
    return {item_id: type_ for item_id, type_ in rows}


def board_items(session: Session, board_id: int) -> dict[str, Item]:
    """The live items of one board, by id: for views, exports and reports."""
    return _live_items_by_id(session.connection(), board_id)


def project_board_id(session: Session, project_id: int, board_kind: str) -> int | None:
    """The project's board of that kind (the one project_board_items reads)."""
    return _project_board_id(session.connection(), project_id, board_kind)


def project_board_items(session: Session, project_id: int, board_kind: str) -> dict[str, Item]:
    """The live items of the project's board of that kind: for views and reports."""
    return _live_items_on_project_board(session.connection(), project_id, board_kind)


def _relinked_ids(applied: list[dict[str, Any]], changed: dict[str, Item]) -> set[str]:
    """Items whose links may have changed: created, deleted, restored, or a reference field set.
    Most changes are moves and text edits, which leave links alone."""
    ids = set()
    for op in applied:
        if op["op"] != "update":
            ids.add(op["id"])
            continue
        ref_names = registry.get(changed[op["id"]].type).ref_fields()
        if ref_names.keys() & op["fields"].keys():
            ids.add(op["id"])
    return ids


def _write_items(
    conn: sa.Connection,
    board_id: int,
    items: Iterable[Item],
    stored: set[str],
    relink_ids: set[str],
) -> None:
    items = list(items)
    if not items:
        return
    rows = [
        {
            "board_id": board_id,
            "item_id": it.id,
            "type": it.type,
            "fields": it.fields,
            "created_seq": it.created_seq,
            "updated_seq": it.updated_seq,
            "deleted_seq": it.deleted_seq,
            "created_by": it.created_by,
        }
        for it in items
    ]
    new_rows = [r for r in rows if r["item_id"] not in stored]
    old_rows = [
        {
            "b_board_id": board_id,
            "b_item_id": r["item_id"],
            **{k: r[k] for k in ("fields", "updated_seq", "deleted_seq")},
        }
        for r in rows
        if r["item_id"] in stored
    ]
    if new_rows:
        conn.execute(_INSERT_ITEMS, new_rows)
    if old_rows:
        conn.execute(_UPDATE_ITEMS, old_rows)
    relinked = [it for it in items if it.id in relink_ids]
    if relinked:
        conn.execute(_UNLINK, {"board": board_id, "ids": [it.id for it in relinked]})
        links = [
            {"board_id": board_id, "source_id": it.id, "target_id": target}
            for it in relinked
            if it.alive
            for target in ref_targets(it)
        ]
        if links:
            conn.execute(_INSERT_LINKS, links)


# --- reading: snapshots and deltas -----------------------------------------------------------------


def live_items(session: Session, board_id: int) -> list[dict[str, Any]]:
    """Every live item of the board, in wire form."""
    rows = session.execute(
        sa.select(
            BoardItem.item_id,
            BoardItem.type,
            BoardItem.fields,
            BoardItem.created_by,
            BoardItem.updated_seq,
        )
        .where(BoardItem.board_id == board_id, BoardItem.deleted_seq.is_(None))
        .order_by(BoardItem.created_seq, BoardItem.item_id)
    )
    return [
        {"id": item_id, "type": type_, "fields": fields, "created_by": created_by, "seq": seq}
        for item_id, type_, fields, created_by, seq in rows
    ]
