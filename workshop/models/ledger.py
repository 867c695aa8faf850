"""The project's one budget: a co-funding ledger, one line per partner contribution.

Partners are actors of the project's stakeholder registry (items of the session-2 board, not
rows), so a line keeps the actor's id and, beside it, the name and type it had when the line was
last written: a line stays readable if the actor is later renamed or removed. The source class
(public / Third Sector / private) is derived from the actor's type by workshop.ledger, never typed.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from workshop.models.base import Base, TimestampMixin
from workshop.models.project import MONEY

MAX_LINE_DESCRIPTION_CHARS = 500
MAX_VALUATION_BASIS_CHARS = 1000
MAX_ACTOR_NAME_CHARS = 200


class LedgerLine(TimestampMixin, Base):
    __tablename__ = "ledger_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    # The partner: the actor item's id on the project's stakeholder board, and its name then.
    actor_id: Mapped[str] = mapped_column(sa.String(40))
    actor_name: Mapped[str] = mapped_column(sa.String(MAX_ACTOR_NAME_CHARS))
    actor_macro_type: Mapped[str] = mapped_column(sa.String(40), default="")
    actor_sub_type: Mapped[str] = mapped_column(sa.String(40), default="")
    # Derived from the actor's type (workshop.ledger.source_class): public, third_sector, private.
    source_class: Mapped[str] = mapped_column(sa.String(20))
    runts: Mapped[bool] = mapped_column(default=False)  # iscritto al RUNTS, as the registry says
    # personale, spese generali, beni e servizi, strutture, altro (workshop.ledger.CATEGORIES).
    category: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str] = mapped_column(sa.String(MAX_LINE_DESCRIPTION_CHARS), default="")
    in_kind: Mapped[bool] = mapped_column(default=False)  # valorizzato, not money
    # How an in-kind contribution was valued ("3.000 ore x 15 €/h"); required when in_kind.
    valuation_basis: Mapped[str] = mapped_column(sa.String(MAX_VALUATION_BASIS_CHARS), default="")
    planned_eur: Mapped[Decimal] = mapped_column(MONEY)
    reported_eur: Mapped[Decimal | None] = mapped_column(MONEY)  # rendicontato, filled later
    # Where the line came from when it was not typed here: "budget_line:<item id>" for a line of
    # the proposal's budget on the board, so it is not shown again beside the ledger.
    origin: Mapped[str] = mapped_column(sa.String(80), default="")
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<LedgerLine {self.id} {self.actor_name!r} {self.category} {self.planned_eur}>"
