"""Collection tasks in the database: drawn from the indicator cards, entered through a personal
link, reminded when late.

`sync_tasks` redraws a project's calendar from its theory-of-change board, idempotently: it adds
the dates the cards ask for, follows a change of owner, and removes a task only while it has no
value (a measurement once entered is never lost, even when its indicator is deleted). A value
entered becomes a measurement card on the social-reporting board through the board engine, with
a change id of its own per task, so a form sent twice is one card and one entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.access import personal_links
from workshop.boards import service as boards
from workshop.boards.canvas import ActionResult, BoardView
from workshop.boards.errors import BoardError
from workshop.boards.ops import Change
from workshop.boards.state import Actor, Item
from workshop.canvases.common import create
from workshop.models import LinkPurpose, MonitoringTask, PersonalLink, Project, ProjectStatus
from workshop.models.board import BoardKind
from workshop.monitoring.calendar import collection_dates, on_calendar

THEORY = BoardKind.THEORY_OF_CHANGE.value
STAKEHOLDERS = BoardKind.STAKEHOLDERS.value
REPORTING = BoardKind.SOCIAL_REPORTING.value
LOCAL_ZONE = ZoneInfo("Europe/Rome")  # a due date is a day on an Italian office's calendar
CLIENT_ID = "monitoring"  # client_id of the measurement cards' changes
# A link stays open this long after the task's due date (a late owner still gets in), and at
# least this long from the day it is sent.
LINK_GRACE = timedelta(days=90)
MIN_LINK_LIFETIME = timedelta(days=14)
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
# Where the measurement cards go on the board: the "Rilevazioni" zone of the template.
MEASUREMENTS_FRAME_TITLE = "Rilevazioni"
CARD_W, CARD_H, CARD_GAP = 260.0, 140.0, 20.0  # board units
CARDS_PER_ROW = 3


class MonitoringError(Exception):
    """`code`: "not_found" (no such task), "no_board" (the project has no social-reporting
    board), "refused" (the board refused the card: a field out of bounds)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


def local_day(now: datetime) -> date:
    return now.astimezone(LOCAL_ZONE).date()


@dataclass(frozen=True)
class SyncResult:
    created: int
    removed: int
    reassigned: int


# A change to one of these on an indicator card moves its dates or its owner.
SCHEDULE_FIELDS = frozenset({"timeline", "frequency", "owner", "baseline_date"})


def moves_calendar(ops: Iterable[dict]) -> bool:
    """Whether a board change may move a monitoring calendar: an indicator made or restored,
    or a schedule field changed. Deletions are picked up by the next redraw (the daily job or
    the calendar page's button): telling an indicator's deletion from a sticky note's would
    cost the hot path a read."""
    return any(
        op.get("type") == "indicator" or SCHEDULE_FIELDS & set(op.get("fields") or ()) for op in ops
    )


def indicators_of(session: Session, project_id: int) -> dict[str, Item]:
    items = boards.project_board_items(session, project_id, THEORY)
    return {i: it for i, it in items.items() if it.type == "indicator"}


def tasks_of(session: Session, project_id: int) -> list[MonitoringTask]:
    return list(
        session.scalars(
            sa.select(MonitoringTask)
            .where(MonitoringTask.project_id == project_id)
            .order_by(MonitoringTask.due_on, MonitoringTask.indicator_id, MonitoringTask.id)
        )
    )


def sync_tasks(session: Session, project_id: int, now: datetime) -> SyncResult:
    """Redraw the project's calendar from its indicator cards (module docstring). Flushes; the
    caller commits."""
    today = local_day(now)
    indicators = indicators_of(session, project_id)
    existing = tasks_of(session, project_id)
    held = {(t.indicator_id, t.due_on) for t in existing}
    created = removed = reassigned = 0
    for task in existing:
        indicator = indicators.get(task.indicator_id)
        if task.has_value:
            continue
        if indicator is None or not on_calendar(indicator.fields, task.due_on):
            for link in personal_links.links_for(session, LinkPurpose.MEASUREMENT, task.id):
                personal_links.revoke_link(session, link, now)  # its page says so, clearly
            session.delete(task)
            removed += 1
        elif task.owner_actor_id != (indicator.fields.get("owner") or None):
            task.owner_actor_id = indicator.fields.get("owner") or None
            reassigned += 1
    for indicator_id, indicator in sorted(indicators.items()):
        for due in collection_dates(indicator.fields, today):
            if (indicator_id, due) not in held:
                session.add(
                    MonitoringTask(
                        project_id=project_id,
                        indicator_id=indicator_id,
                        due_on=due,
                        owner_actor_id=indicator.fields.get("owner") or None,
                        created_at=now,
                    )
                )
                created += 1
    session.flush()
    return SyncResult(created, removed, reassigned)


def late_tasks(session: Session, project_ids: Iterable[int], today: date) -> list[MonitoringTask]:
    """Tasks past their due date without a value, oldest first."""
    ids = list(project_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            sa.select(MonitoringTask)
            .where(
                MonitoringTask.project_id.in_(ids),
                MonitoringTask.value.is_(None),
                MonitoringTask.due_on < today,
            )
            .order_by(MonitoringTask.due_on, MonitoringTask.id)
        )
    )


# --- the owner and their link ------------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    actor_id: str | None
    name: str
    email: str  # from the actor's contact; "" when it holds no address


def email_in(contact: str) -> str:
    """The first e-mail address in a registry actor's contact ("Anna, anna@aps.it, 333...")."""
    found = EMAIL.search(contact or "")
    return found.group(0) if found else ""


def owner_of(session: Session, task: MonitoringTask) -> Owner:
    actors = boards.project_board_items(session, task.project_id, STAKEHOLDERS)
    actor = actors.get(task.owner_actor_id or "")
    if actor is None or actor.type != "actor":
        return Owner(None, "", "")
    fields = actor.fields
    return Owner(actor.id, str(fields.get("name", "")), email_in(str(fields.get("contact", ""))))


def live_link(session: Session, task: MonitoringTask, now: datetime) -> PersonalLink | None:
    for link in personal_links.links_for(session, LinkPurpose.MEASUREMENT, task.id):
        if link.state(now) == "usable":
            return link
    return None


def send_link(
    session: Session,
    task: MonitoringTask,
    *,
    email: str,
    name: str = "",
    organisation: str = "",
    created_by_id: int | None = None,
    now: datetime,
) -> PersonalLink:
    """A personal link for the task's owner; an earlier live one is revoked (one person, one
    working link). Raises PersonalLinkError("invalid") for a bad address."""
    due = datetime.combine(task.due_on, datetime.min.time(), LOCAL_ZONE)
    expires = min(
        max(due + LINK_GRACE, now + MIN_LINK_LIFETIME), now + personal_links.MAX_LINK_LIFETIME
    )
    earlier = live_link(session, task, now)
    link = personal_links.issue_link(
        session,
        project_id=task.project_id,
        purpose=LinkPurpose.MEASUREMENT,
        subject_id=task.id,
        recipient_name=name,
        recipient_email=email,
        recipient_organisation=organisation,
        created_by_id=created_by_id,
        expires_at=expires,
        now=now,
    )
    if earlier is not None:
        personal_links.revoke_link(session, earlier, now)
    return link


def task_of_link(session: Session, link: PersonalLink) -> MonitoringTask:
    task = session.get(MonitoringTask, link.subject_id)
    if task is None or task.project_id != link.project_id:
        raise MonitoringError("not_found")
    return task


# --- a measurement entered -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    value: float
    measured_on: date
    source: str
    evidence: str  # a link (http, https or mailto), or ""


def card_id(task: MonitoringTask) -> str:
    """The measurement card's id: one per task, whatever happens to the form."""
    return f"ms-task-{task.id}"


def _place(view: BoardView) -> tuple[float, float]:
    """The next free place in the "Rilevazioni" zone, else below the board's cards."""
    frame = next(
        (
            it
            for it in view.of_type("frame")
            if str(it.fields.get("title", "")).strip() == MEASUREMENTS_FRAME_TITLE
        ),
        None,
    )
    count = len(view.of_type("measurement"))
    if frame is None:
        bottom = max(
            (
                float(it.fields["y"]) + float(it.fields.get("h", 0))
                for it in view.values()
                if "y" in it.fields
            ),
            default=0.0,
        )
        return (count % CARDS_PER_ROW) * (CARD_W + CARD_GAP), bottom + CARD_GAP
    row, column = divmod(count, CARDS_PER_ROW)
    return (
        float(frame.fields["x"]) + CARD_GAP + column * (CARD_W + CARD_GAP),
        float(frame.fields["y"]) + 100.0 + row * (CARD_H + CARD_GAP),
    )


def record_measurement(
    session: Session,
    link: PersonalLink,
    entry: Entry,
    now: datetime,
    *,
    locks: boards.WriteLocks | None = None,
    after_commit: Callable[[boards.AppliedChange], None] | None = None,
) -> tuple[MonitoringTask, bool]:
    """Enter the owner's value: a measurement card on the project's social-reporting board and
    the task's record. Returns (task, already): `already` when the task had its value (a form
    sent twice), nothing changed then. Commits. Raises MonitoringError with nothing stored."""
    task = task_of_link(session, link)
    if task.has_value:
        return task, True
    board_id = boards.project_board_id(session, task.project_id, REPORTING)
    if board_id is None:
        raise MonitoringError("no_board")
    task_id, indicator_id, item_id = task.id, task.indicator_id, card_id(task)
    note = f"{link.recipient_name} ({link.recipient_organisation})".replace(" ()", "")
    actor = Actor(f"l:{link.id}", link.recipient_name or "Link personale")
    session.commit()  # no transaction across the board's lock (boards.service.apply_change)

    def plan(view: BoardView) -> ActionResult:
        x, y = _place(view)
        fields = {
            "indicator": indicator_id,
            "date": entry.measured_on.isoformat(),
            "value": entry.value,
            "source": entry.source,
            "evidence": entry.evidence,
            "note": note,
        }
        return ActionResult(
            ops=[create(item_id, "measurement", x=x, y=y, w=CARD_W, h=CARD_H, **fields)]
        )

    change = Change(board_id, f"measurement-task-{task_id}", CLIENT_ID, ())
    try:
        boards.apply_change(session, change, actor, locks, after_commit, plan=plan)
    except BoardError as error:
        raise MonitoringError("refused", str(error)) from None
    task = session.get(MonitoringTask, task_id)
    task.value = entry.value
    task.measured_on = entry.measured_on
    task.source = entry.source
    task.evidence = entry.evidence
    task.measurement_item_id = item_id
    task.entered_at = now
    personal_links.record_use(session, session.get(PersonalLink, link.id), now)
    session.commit()
    return task, False


# --- reminders -------------------------------------------------------------------------------------


def reminders_due(session: Session, today: date) -> list[MonitoringTask]:
    """Late tasks whose owner was not reminded yet: each is reminded once."""
    return list(
        session.scalars(
            sa.select(MonitoringTask)
            .where(
                MonitoringTask.value.is_(None),
                MonitoringTask.due_on < today,
                MonitoringTask.reminded_at.is_(None),
            )
            .order_by(MonitoringTask.project_id, MonitoringTask.due_on, MonitoringTask.id)
        )
    )


def link_for_reminder(session: Session, task: MonitoringTask, now: datetime) -> PersonalLink | None:
    """The link a reminder carries: the live one; else, when the last one expired, a new one to
    the same person; else one to the registry's address. None when the organizers revoked the
    last link or nobody can be written to (the dashboard still flags the task)."""
    sent = personal_links.links_for(session, LinkPurpose.MEASUREMENT, task.id)
    last = sent[0] if sent else None
    if last is not None and last.state(now) == "usable" and last.recipient_email:
        return last
    if last is not None and last.revoked_at is not None:
        return None
    owner = owner_of(session, task)
    email = (last.recipient_email if last else "") or owner.email
    if not email:
        return None
    name = (last.recipient_name if last else "") or owner.name
    return send_link(session, task, email=email, name=name, now=now)


@dataclass(frozen=True)
class ReminderRun:
    synced: int  # projects whose calendar was redrawn
    sent: int  # reminders sent
    unreachable: int  # late tasks nobody can be written to: flagged on the dashboard only


def remind_late(
    session: Session,
    now: datetime,
    tell: Callable[[MonitoringTask, PersonalLink], bool],
) -> ReminderRun:
    """The periodic job: redraw every open project's calendar, then remind the owner of each
    late task once (`tell` sends the e-mail after the commit and says whether it went; a task
    whose e-mail failed is tried again at the next run)."""
    project_ids = list(
        session.scalars(
            sa.select(Project.id).where(Project.status != ProjectStatus.CLOSED).order_by(Project.id)
        )
    )
    for project_id in project_ids:
        sync_tasks(session, project_id, now)
        session.commit()
    sent = unreachable = 0
    for task in reminders_due(session, local_day(now)):
        link = link_for_reminder(session, task, now)
        session.commit()
        if link is None:
            unreachable += 1
            continue
        if tell(task, link):
            task.reminded_at = now
            session.commit()
            sent += 1
    return ReminderRun(len(project_ids), sent, unreachable)
