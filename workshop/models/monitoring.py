"""The monitoring calendar (issue 17): one collection task per indicator and due date.

Tasks are derived from the theory of change's indicator cards (frequency, owner, timeline) by
workshop.monitoring.calendar; a task with a value is the record of a measurement entered by its
owner through a personal link, and is never deleted when the indicator changes.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from workshop.models.base import Base, utcnow

ITEM_ID_CHARS = 40  # as BoardItem.item_id
MAX_SOURCE_CHARS = 300  # as the measurement card's source (boards.schema.MAX_LABEL_CHARS)
MAX_EVIDENCE_CHARS = 2000  # a link to the evidence


class MonitoringTask(Base):
    __tablename__ = "monitoring_tasks"
    __table_args__ = (sa.UniqueConstraint("project_id", "indicator_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[str] = mapped_column(sa.String(ITEM_ID_CHARS))  # on the ToC board
    due_on: Mapped[date] = mapped_column(sa.Date)
    # The registry actor who collects it (the indicator's owner when the task was last synced).
    owner_actor_id: Mapped[str | None] = mapped_column(sa.String(ITEM_ID_CHARS))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The measurement, once entered: the card it became on the social-reporting board.
    value: Mapped[float | None] = mapped_column(sa.Float)
    measured_on: Mapped[date | None] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(MAX_SOURCE_CHARS), default="")
    evidence: Mapped[str] = mapped_column(sa.String(MAX_EVIDENCE_CHARS), default="")
    measurement_item_id: Mapped[str | None] = mapped_column(sa.String(ITEM_ID_CHARS))
    entered_at: Mapped[datetime | None]
    # When the owner was reminded of this late task: once per task, not at every run.
    reminded_at: Mapped[datetime | None]

    @property
    def has_value(self) -> bool:
        return self.value is not None

    def is_late(self, today: date) -> bool:
        return self.value is None and self.due_on < today
