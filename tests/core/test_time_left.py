"""Deadlines in words and the working time left before them (core/workdays.py `deadline_words`, `time_left`):
the end of the last working day reads as that day, never "00:00"; the 2025 National Day holiday and its make-up
Saturday are counted as the calendar says."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from yijianshi.core.clock import SHANGHAI
from yijianshi.core.workdays import BusinessHours, WorkCalendar, day_words, deadline_words

CALENDAR = WorkCalendar()
TUESDAY_30_SEPT = datetime(2025, 9, 30, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai, before 1–8 October


def test_a_deadline_in_working_days_reads_as_its_last_day_across_the_holiday() -> None:
    due = CALENDAR.add_workdays(TUESDAY_30_SEPT, 1)  # the first working day after the holiday
    assert due == datetime(
        2025, 10, 10, 0, 0, tzinfo=SHANGHAI
    )  # stored as the midnight that closes 9 October
    assert deadline_words(due) == "2025年10月9日（星期四）前"
    assert deadline_words(due, today=date(2025, 9, 30)) == "10月9日（星期四）前"
    assert deadline_words(due, "en", today=date(2025, 9, 30)) == "by Thu 9 Oct"
    assert deadline_words(due, "en") == "by Thu 9 Oct 2025"


def test_a_deadline_in_working_hours_keeps_its_time() -> None:
    due = datetime(2025, 10, 9, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
    assert deadline_words(due, today=date(2025, 10, 1)) == "10月9日（星期四）10:30前"
    assert deadline_words(due, "en", today=date(2025, 10, 1)) == "by Thu 9 Oct, 10:30"


@given(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 1)), st.integers(0, 30))
def test_no_deadline_in_working_days_reads_midnight(start: datetime, days: int) -> None:
    due = CALENDAR.add_workdays(start.replace(tzinfo=UTC), days)
    words = deadline_words(due)
    assert "00:00" not in words and words.endswith("）前")
    last = due.astimezone(SHANGHAI).date() - timedelta(days=1)
    assert CALENDAR.is_workday(last) and words == day_words(last) + "前"


def test_working_days_left_and_over_across_the_holiday() -> None:
    due = CALENDAR.add_workdays(TUESDAY_30_SEPT, 1)
    left = CALENDAR.time_left(TUESDAY_30_SEPT, due)
    assert not left.overdue and left.workdays == 1  # eight days of holiday count for nothing
    on_the_day = CALENDAR.time_left(datetime(2025, 10, 9, 1, 0, tzinfo=UTC), due)
    assert not on_the_day.overdue and on_the_day.workdays == 0  # due today
    # Friday 10 October and the make-up working Saturday 11 October have begun since it closed
    over = CALENDAR.time_left(datetime(2025, 10, 11, 2, 0, tzinfo=UTC), due)
    assert over.overdue and over.workdays == 2
    sunday = CALENDAR.time_left(datetime(2025, 10, 12, 2, 0, tzinfo=UTC), due)
    assert sunday.workdays == 2


def test_working_minutes_left_skip_the_noon_break_and_the_holiday() -> None:
    hours = BusinessHours.parse("09:00-12:00,13:00-17:30")
    now = TUESDAY_30_SEPT  # 16:00
    due = CALENDAR.add_work_hours(now, 2, hours)  # 1.5 h on Tuesday, 0.5 h on Thursday 9 October
    assert due == datetime(2025, 10, 9, 9, 30, tzinfo=SHANGHAI)
    assert CALENDAR.time_left(now, due, hours).minutes == 120
    later = CALENDAR.time_left(datetime(2025, 10, 9, 13, 30, tzinfo=SHANGHAI), due, hours)
    assert later.overdue and later.minutes == 150 + 30  # 09:30-12:00, then 13:00-13:30


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 11, 1)), st.floats(0, 40))
def test_minutes_left_are_the_working_hours_added(start: datetime, hours_count: float) -> None:
    hours = BusinessHours()
    now = start.replace(tzinfo=UTC)
    due = CALENDAR.add_work_hours(now, hours_count, hours)
    left = CALENDAR.time_left(now, due, hours)
    if due > now:
        assert abs(left.minutes - hours_count * 60) <= 1
