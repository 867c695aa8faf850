"""A project: one co-design initiative, with the case-history record public bodies keep."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.base import Base, TimestampMixin

MAX_TITLE_CHARS = 200
MAX_SHORT_TEXT_CHARS = 300
MAX_LONG_TEXT_CHARS = 20_000
MONEY = sa.Numeric(14, 2)  # euros, two decimals
CUP_CHARS = 15  # the CUP is 15 characters
# How the public body involves the Third Sector (D.Lgs. 117/2017 artt. 55-56).
INSTRUMENTS = ("co_programming", "co_design", "co_programming_and_design", "agreement_art56")


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class Project(TimestampMixin, Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(MAX_TITLE_CHARS))
    status: Mapped[ProjectStatus] = mapped_column(
        sa.Enum(
            ProjectStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ProjectStatus.ACTIVE,
    )
    # The public notice (avviso) and the act that approved it (e.g. "Determina n. 12/2025").
    notice_name: Mapped[str] = mapped_column(sa.String(MAX_SHORT_TEXT_CHARS), default="")
    notice_act: Mapped[str] = mapped_column(sa.String(MAX_SHORT_TEXT_CHARS), default="")
    proposing_body: Mapped[str] = mapped_column(sa.String(MAX_SHORT_TEXT_CHARS), default="")
    territory: Mapped[str] = mapped_column(sa.String(MAX_SHORT_TEXT_CHARS), default="")
    # Codes from workshop.projects.catalogue.THIRD_SECTOR_TYPES.
    third_sector_types: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    requested_activities: Mapped[str] = mapped_column(sa.Text, default="")
    public_resources_eur: Mapped[Decimal | None] = mapped_column(MONEY)
    public_resources_monetary: Mapped[str] = mapped_column(sa.Text, default="")
    public_resources_in_kind: Mapped[str] = mapped_column(sa.Text, default="")
    third_sector_cofunding_eur: Mapped[Decimal | None] = mapped_column(MONEY)
    third_sector_cofunding: Mapped[str] = mapped_column(sa.Text, default="")
    procedure_steps: Mapped[str] = mapped_column(sa.Text, default="")
    table_coordination: Mapped[str] = mapped_column(sa.Text, default="")
    participant_selection: Mapped[str] = mapped_column(sa.Text, default="")
    conflict_handling: Mapped[str] = mapped_column(sa.Text, default="")
    strengths: Mapped[str] = mapped_column(sa.Text, default="")
    weaknesses: Mapped[str] = mapped_column(sa.Text, default="")
    # The rest of the seed-004 record (issue 16): the public body's own project scheme, the
    # procedure's acts, the agreement signed, and tags that let cases be compared later.
    rup: Mapped[str] = mapped_column(
        sa.String(MAX_SHORT_TEXT_CHARS), default=""
    )  # Responsabile del procedimento
    political_act: Mapped[str] = mapped_column(
        sa.String(MAX_SHORT_TEXT_CHARS), default=""
    )  # e.g. a delibera di Giunta
    cup: Mapped[str] = mapped_column(sa.String(CUP_CHARS), default="")  # Codice Unico di Progetto
    instrument: Mapped[str] = mapped_column(sa.String(32), default="")  # a key of INSTRUMENTS
    scheme_general_objective: Mapped[str] = mapped_column(sa.Text, default="")
    scheme_specific_objectives: Mapped[str] = mapped_column(sa.Text, default="")
    public_in_kind_eur: Mapped[Decimal | None] = mapped_column(
        MONEY
    )  # non-monetary resources, valued
    agreement_date: Mapped[date | None] = mapped_column(sa.Date)
    agreement_number: Mapped[str] = mapped_column(sa.String(MAX_SHORT_TEXT_CHARS), default="")
    agreement_duration: Mapped[str] = mapped_column(sa.String(MAX_SHORT_TEXT_CHARS), default="")
    strength_tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    weakness_tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    boards: Mapped[list[Board]] = relationship(  # noqa: F821
        back_populates="project", order_by="Board.position", cascade="all, delete-orphan"
    )
    conductors: Mapped[list[ProjectConductor]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.title!r}>"


class ProjectConductor(Base):
    """A conductor given a project: they see it, run its boards and invite its participants."""

    __tablename__ = "project_conductors"

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )

    project: Mapped[Project] = relationship(back_populates="conductors")
    user: Mapped[User] = relationship()  # noqa: F821
