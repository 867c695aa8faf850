"""When an indicator is to be measured: its collection dates, from its card alone.

Pure functions (no database): the indicator's frequency, timeline (the date by which the target
is due) and baseline date give its dates. The last collection falls on the timeline itself, the
earlier ones a whole period before it, back to the baseline; without a baseline, from the day
the calendar is drawn. Counting back from the timeline keeps every date stable while the
calendar is redrawn day after day: what moves a date is only a change of the card.
"""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Mapping
from datetime import date
from typing import Any

# Months between two collections, by the indicator card's frequency (theory_of_change.INDICATOR).
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
ONCE = "once"
MAX_TASKS_PER_INDICATOR = 120  # ten years of monthly collections: a longer calendar is a typo


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, clamped to that month's last day."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = gregorian.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _day(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def collection_dates(fields: Mapping[str, Any], today: date) -> list[date]:
    """The dates an indicator card asks to be measured on, oldest first: none without a
    timeline; for "una tantum" the timeline alone; otherwise every period back from the
    timeline, after the baseline date (or from `today` when the card has none)."""
    timeline = _day(fields.get("timeline"))
    if timeline is None:
        return []
    baseline = _day(fields.get("baseline_date"))
    frequency = fields.get("frequency") or "yearly"
    if frequency == ONCE or frequency not in PERIOD_MONTHS:
        return [timeline] if baseline is None or timeline > baseline else []
    start_after = baseline
    dates = []
    for n in range(MAX_TASKS_PER_INDICATOR):
        day = months_before(timeline, n * PERIOD_MONTHS[frequency])
        if (start_after is not None and day <= start_after) or (
            start_after is None and day < today
        ):
            break
        dates.append(day)
    return sorted(dates)


def on_calendar(fields: Mapping[str, Any], day: date) -> bool:
    """Whether `day` is one of the card's collection dates, whenever the calendar was drawn: a
    task drawn earlier stays while the card still asks for that date."""
    timeline = _day(fields.get("timeline"))
    if timeline is None or day > timeline:
        return False
    baseline = _day(fields.get("baseline_date"))
    if baseline is not None and day <= baseline:
        return False
    frequency = fields.get("frequency") or "yearly"
    if frequency == ONCE or frequency not in PERIOD_MONTHS:
        return day == timeline
    months = (timeline.year - day.year) * 12 + (timeline.month - day.month)
    return months % PERIOD_MONTHS[frequency] == 0 and months_before(timeline, months) == day
