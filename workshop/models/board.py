"""Boards: the four lab-session boards every project gets, and free boards."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.base import Base, TimestampMixin, utcnow

MAX_BOARD_TITLE_CHARS = 200


class BoardKind(enum.StrEnum):
    """The lab session a board serves; FREE boards follow no method."""

    CONTEXT = "context"  # 1. context and problem analysis
    STAKEHOLDERS = "stakeholders"  # 2. stakeholder mapping
    THEORY_OF_CHANGE = "theory_of_change"  # 3. Theory of Change canvas
    SOCIAL_REPORTING = "social_reporting"  # 4. social reporting
    FREE = "free"


SESSION_BOARD_KINDS = (
    BoardKind.CONTEXT,
    BoardKind.STAKEHOLDERS,
    BoardKind.THEORY_OF_CHANGE,
    BoardKind.SOCIAL_REPORTING,
)


class Board(TimestampMixin, Base):
    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[BoardKind] = mapped_column(
        sa.Enum(
            BoardKind, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
        )
    )
    title: Mapped[str] = mapped_column(sa.String(MAX_BOARD_TITLE_CHARS))
    position: Mapped[int] = mapped_column(default=0)  # order on the project page
    # The board's sequencer: the seq of the last accepted change (0 for a new board).
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # Changes at or below this seq were compacted away: older clients get a snapshot.
    compacted_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    live_items: Mapped[int] = mapped_column(default=0)
    # A conductor's lock: only conductors and organizers may change a locked board.
    locked: Mapped[bool] = mapped_column(default=False)

    project: Mapped[Project] = relationship(back_populates="boards")  # noqa: F821

    def __repr__(self) -> str:
        return f"<Board {self.id} {self.kind} of project {self.project_id}>"


class BoardItem(Base):
    """The current state of one item: the materialised result of every change so far.

    Deleted items stay as tombstones (deleted_seq set) so a client that reconnects learns of the
    delete; compaction removes tombstones older than the board's compacted_seq.
    """

    __tablename__ = "board_items"

    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(40))
    fields: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_seq: Mapped[int] = mapped_column(sa.BigInteger)
    updated_seq: Mapped[int] = mapped_column(sa.BigInteger)
    deleted_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_by: Mapped[str] = mapped_column(sa.String(32))  # principal identity, "u:7" / "p:42"

    __table_args__ = (sa.Index("ix_board_items_board_updated", "board_id", "updated_seq"),)


class BoardItemLink(Base):
    """A reference from one item's field to another item (a connector's ends, a card's actor),
    indexed by target so a delete finds what depends on it without reading the whole board."""

    __tablename__ = "board_item_links"

    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    target_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)

    __table_args__ = (sa.Index("ix_board_item_links_target", "board_id", "target_id"),)


class BoardChange(Base):
    """The op log: one accepted change (a batch of item ops) with its per-board seq."""

    __tablename__ = "board_changes"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("boards.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    change_id: Mapped[str] = mapped_column(sa.String(80))  # the client's id: a retry applies once
    client_id: Mapped[str] = mapped_column(sa.String(40))
    author: Mapped[str] = mapped_column(sa.String(32))
    author_name: Mapped[str] = mapped_column(sa.String(120))
    ops: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)  # as applied, cascades included
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("board_id", "seq", name="uq_board_changes_board_seq"),
        sa.UniqueConstraint("board_id", "change_id", name="uq_board_changes_board_change_id"),
    )


class SnapshotKind(enum.StrEnum):
    CHECKPOINT = "checkpoint"  # taken automatically, so compaction keeps a replayable history
    NAMED = "named"  # taken on demand, with a name
    PHASE = "phase"  # at the end of a facilitation phase
    SESSION = "session"  # at the end of a live session


class BoardSnapshot(Base):
    """The whole board at one seq: for review, replay and compaction."""

    __tablename__ = "board_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[SnapshotKind] = mapped_column(
        sa.Enum(
            SnapshotKind,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    items: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(sa.String(32))
