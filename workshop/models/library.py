"""The practice library of the community of practice: catalogued materials, attached to
projects and labs, and finished projects published as case histories with frozen boards."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.base import Base, TimestampMixin, utcnow

MAX_MATERIAL_TITLE_CHARS = 200
MAX_MATERIAL_DESCRIPTION_CHARS = 5_000
MAX_ISSUER_CHARS = 300
MAX_URL_CHARS = 2_000
MAX_TAG_CHARS = 40
MAX_FILE_NAME_CHARS = 200
STORED_NAME_CHARS = 43  # secrets.token_urlsafe(32)
MAX_CASE_TEXT_CHARS = 20_000


class MaterialKind(enum.StrEnum):
    NORMATIVE = "normative"  # a law, a regulation, a ruling
    ADMINISTRATIVE = "administrative"  # a call (avviso), a convention or minutes template
    METHODOLOGICAL = "methodological"  # a method guide, a toolkit


class Material(TimestampMixin, Base):
    """One catalogued material: an uploaded file (stored under a random name) or a link."""

    __tablename__ = "library_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(MAX_MATERIAL_TITLE_CHARS))
    kind: Mapped[MaterialKind] = mapped_column(
        sa.Enum(
            MaterialKind,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    description: Mapped[str] = mapped_column(sa.Text, default="")
    issuer: Mapped[str] = mapped_column(sa.String(MAX_ISSUER_CHARS), default="")
    issued_year: Mapped[int | None]
    issued_on: Mapped[date | None] = mapped_column(sa.Date)  # when the full date is known
    language: Mapped[str] = mapped_column(sa.String(8), default="it")
    url: Mapped[str | None] = mapped_column(sa.String(MAX_URL_CHARS))
    # An uploaded file: its name as the uploader had it, our random name, the checked type.
    file_name: Mapped[str | None] = mapped_column(sa.String(MAX_FILE_NAME_CHARS))
    stored_name: Mapped[str | None] = mapped_column(sa.String(STORED_NAME_CHARS), unique=True)
    file_type: Mapped[str | None] = mapped_column(sa.String(8))  # workshop.library.files.FILE_TYPES
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    tags: Mapped[list[MaterialTag]] = relationship(
        cascade="all, delete-orphan", order_by="MaterialTag.tag"
    )

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]

    @property
    def is_file(self) -> bool:
        return self.stored_name is not None


class MaterialTag(Base):
    __tablename__ = "library_material_tags"

    material_id: Mapped[int] = mapped_column(
        sa.ForeignKey("library_materials.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(sa.String(MAX_TAG_CHARS), primary_key=True, index=True)


class MaterialProject(Base):
    """A material attached to a project."""

    __tablename__ = "library_material_projects"

    material_id: Mapped[int] = mapped_column(
        sa.ForeignKey("library_materials.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)


class MaterialLab(Base):
    """A material attached to a lab."""

    __tablename__ = "library_material_labs"

    material_id: Mapped[int] = mapped_column(
        sa.ForeignKey("library_materials.id", ondelete="CASCADE"), primary_key=True
    )
    lab_id: Mapped[int] = mapped_column(
        sa.ForeignKey("labs.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseHistory(Base):
    """A finished project shared with the other members: a summary, the record and the boards
    its manager chose, all frozen at publication. Unpublished (published_at None), nobody reads it."""

    __tablename__ = "library_case_histories"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(sa.String(MAX_MATERIAL_TITLE_CHARS))
    context: Mapped[str] = mapped_column(sa.Text, default="")
    what_was_done: Mapped[str] = mapped_column(sa.Text, default="")
    results: Mapped[str] = mapped_column(sa.Text, default="")
    lessons: Mapped[str] = mapped_column(sa.Text, default="")
    # The project's record fields as they were at publication (JSON-safe values).
    record: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    boards: Mapped[list[CaseBoard]] = relationship(
        cascade="all, delete-orphan", order_by="CaseBoard.position"
    )


class CaseBoard(Base):
    """One chosen board of a case history, frozen: its live items at the seq of publication."""

    __tablename__ = "library_case_boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("library_case_histories.id", ondelete="CASCADE"), index=True
    )
    # The board it was taken from; the frozen copy outlives it.
    board_id: Mapped[int | None] = mapped_column(sa.ForeignKey("boards.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    items: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
