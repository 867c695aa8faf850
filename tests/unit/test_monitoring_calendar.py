"""The monitoring calendar's dates, from an indicator card alone: counted back from the timeline,
stable from one day to the next, clamped to short months."""

from __future__ import annotations

from datetime import date

from workshop.monitoring.calendar import collection_dates, months_before, on_calendar
from workshop.monitoring.service import email_in, moves_calendar

QUARTERLY = {"frequency": "quarterly", "timeline": "2027-12-31", "baseline_date": "2026-12-31"}


def test_quarterly_dates_count_back_from_the_timeline_to_the_baseline():
    dates = collection_dates(QUARTERLY, today=date(2027, 6, 1))
    assert dates == [date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30), date(2027, 12, 31)]
    assert all(on_calendar(QUARTERLY, d) for d in dates)
    assert not on_calendar(QUARTERLY, date(2027, 4, 30))
    assert not on_calendar(QUARTERLY, date(2026, 12, 31))  # the baseline is not a collection


def test_without_a_baseline_the_calendar_starts_today_and_keeps_its_dates_day_after_day():
    fields = {"frequency": "monthly", "timeline": "2027-05-31"}
    first = collection_dates(fields, today=date(2027, 1, 15))
    assert first == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]
    later = collection_dates(fields, today=date(2027, 3, 1))
    assert later == first[2:] and on_calendar(fields, date(2027, 1, 31))  # a past task stays


def test_once_no_timeline_and_a_bad_date_give_what_a_card_means():
    assert collection_dates({"frequency": "once", "timeline": "2027-09-01"}, date(2027, 1, 1)) == [
        date(2027, 9, 1)
    ]
    assert collection_dates({"frequency": "yearly"}, date(2027, 1, 1)) == []
    assert collection_dates({"frequency": "yearly", "timeline": "non so"}, date(2027, 1, 1)) == []
    assert not on_calendar({"frequency": "once", "timeline": "2027-09-01"}, date(2026, 9, 1))


def test_months_before_clamps_to_the_last_day_of_a_short_month():
    assert months_before(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert months_before(date(2027, 1, 31), 2) == date(2026, 11, 30)


def test_the_owner_address_is_read_from_the_registry_contact():
    assert email_in("Anna Neri, tel. 333 1234567, anna.neri@larete.it") == "anna.neri@larete.it"
    assert email_in("solo telefono 333 1234567") == ""


def test_only_changes_to_an_indicator_or_its_schedule_redraw_the_calendar():
    assert moves_calendar([{"op": "create", "id": "i", "type": "indicator", "fields": {}}])
    assert moves_calendar([{"op": "update", "id": "i", "fields": {"timeline": "2027-01-01"}}])
    assert not moves_calendar([{"op": "update", "id": "s", "fields": {"x": 10}}])
    assert not moves_calendar([{"op": "create", "id": "s", "type": "sticky", "fields": {}}])
