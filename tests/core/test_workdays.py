"""The working-day calendar (pure): 004 annex 3's limits counted in Chinese working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from yijianshi.core.clock import SHANGHAI
from yijianshi.core.errors import DomainError
from yijianshi.core.workdays import (
    BusinessHours,
    WorkCalendar,
    day_closed_by,
    holiday_entry_problem,
    package_years,
)

HOURS = BusinessHours()  # 09:00-12:00, 13:00-17:30
CAL = WorkCalendar()


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def end_of(day: date) -> datetime:
    """The local midnight closing `day`."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)


# --- days -------------------------------------------------------------------------------------------------------


def test_the_2025_national_day_holiday_comes_from_the_package() -> None:
    for day in range(1, 9):
        assert not CAL.is_workday(date(2025, 10, day)), day
    assert CAL.is_workday(date(2025, 9, 28))  # Sunday, make-up working day
    assert CAL.is_workday(date(2025, 10, 11))  # Saturday, make-up working day
    assert not CAL.is_workday(date(2025, 10, 12))  # an ordinary Sunday
    assert CAL.is_workday(date(2025, 10, 9))
    assert CAL.next_workday(date(2025, 9, 30)) == date(2025, 10, 9)
    assert CAL.next_workday(date(2025, 9, 27)) == date(2025, 9, 28)


def test_the_package_covers_2004_to_2026_and_nothing_raises_outside() -> None:
    assert package_years() == range(2004, 2027)
    for day in [date(1, 1, 1), date(1990, 5, 1), date(2003, 12, 31), date(2027, 1, 1), date(2100, 2, 3)]:
        assert CAL.is_workday(day) == (day.weekday() < 5)
        assert not CAL.is_covered(day)
    assert CAL.is_covered(date(2004, 1, 1)) and CAL.is_covered(date(2026, 12, 31))
    assert CAL.coverage_note(date(2026, 6, 1)) is None
    assert CAL.coverage_note(date(2027, 3, 1)) == (
        "2027年节假日安排尚未公布：暂按周末计算",
        "holidays for 2027 not published yet: counting weekends only",
    )
    assert CAL.coverage_note(date(2003, 3, 1)) == (
        "无2003年节假日数据：仅按周末计算",
        "no holiday data for 2003: counting weekends only",
    )


def test_an_administrators_entries_come_before_the_package() -> None:
    calendar = WorkCalendar({date(2025, 10, 9): False, date(2025, 10, 12): True})
    assert not calendar.is_workday(date(2025, 10, 9))
    assert calendar.is_workday(date(2025, 10, 12))
    assert calendar.next_workday(date(2025, 9, 30)) == date(2025, 10, 10)


def test_a_datetime_is_not_taken_for_a_date() -> None:
    with pytest.raises(TypeError):
        CAL.is_workday(sh(2025, 10, 1, 23))


# --- add_workdays ------------------------------------------------------------------------------------------------


def test_acceptance_within_1_working_day_skips_the_national_day_holiday() -> None:
    start = sh(2025, 9, 30, 16)
    assert CAL.add_workdays(start, 1) == end_of(date(2025, 10, 9))
    assert CAL.add_workdays(start, 1, HOURS) == sh(2025, 10, 9, 17, 30)
    assert CAL.add_workdays(start, 3) == end_of(date(2025, 10, 11))  # 9, 10 and the make-up Saturday 11
    assert CAL.add_workdays(start, 1).tzinfo is UTC


def test_a_make_up_saturday_counts_as_a_working_day() -> None:
    assert CAL.add_workdays(sh(2025, 10, 10, 10), 1) == end_of(date(2025, 10, 11))
    assert CAL.add_workdays(sh(2025, 9, 27, 10), 1) == end_of(date(2025, 9, 28))  # the make-up Sunday


def test_the_day_of_start_is_not_counted_and_weekends_are_skipped() -> None:
    # Friday 2025-11-14 -> Monday 2025-11-17
    assert CAL.add_workdays(sh(2025, 11, 14, 8), 1) == end_of(date(2025, 11, 17))
    # a start late in the evening, in UTC already the next day, counts by its Shanghai date
    assert CAL.add_workdays(datetime(2025, 11, 13, 17, tzinfo=UTC), 1) == end_of(
        date(2025, 11, 17)
    )  # Fri 01:00


def test_zero_days_is_the_end_of_the_day_or_of_the_next_working_day() -> None:
    assert CAL.add_workdays(sh(2025, 11, 14, 10), 0) == end_of(date(2025, 11, 14))
    assert CAL.add_workdays(sh(2025, 10, 3, 10), 0) == end_of(date(2025, 10, 9))
    assert CAL.add_workdays(sh(2025, 11, 14, 10), 0, HOURS) == sh(2025, 11, 14, 17, 30)
    # with business hours, a day already closed is over: the deadline is never before the start
    assert CAL.add_workdays(sh(2025, 11, 14, 18), 0, HOURS) == sh(2025, 11, 17, 17, 30)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CAL.add_workdays(sh(2025, 11, 14, 10), -1)
    with pytest.raises(ValueError, match="aware"):
        CAL.add_workdays(datetime(2025, 11, 14, 10), 1)
    with pytest.raises(ValueError, match="aware"):
        CAL.workdays_between(datetime(2025, 11, 14, 10), sh(2025, 11, 17))


def test_across_the_end_of_coverage_weekends_only_with_a_note_until_2027_is_entered() -> None:
    start = sh(2026, 12, 31, 10)  # Thursday, a working day
    # given 2027 not published: Friday 2027-01-01 is counted as a working day, and the deadline says so
    deadline = CAL.add_workdays(start, 1)
    assert deadline == end_of(date(2027, 1, 1))
    assert CAL.coverage_note(day_closed_by(deadline)) == (
        "2027年节假日安排尚未公布：暂按周末计算",
        "holidays for 2027 not published yet: counting weekends only",
    )
    # when an administrator enters 2027's New Year's Day and declares the year complete
    entered = WorkCalendar({date(2027, 1, 1): False}, covered_years=[2027])
    # then the same computation skips it, without a note
    deadline = entered.add_workdays(start, 1)
    assert deadline == end_of(date(2027, 1, 4))
    assert entered.coverage_note(day_closed_by(deadline)) is None
    # entries of a year not declared complete are used, but the year is still flagged
    partial = WorkCalendar({date(2027, 1, 1): False})
    assert partial.add_workdays(start, 1) == end_of(date(2027, 1, 4))
    assert partial.coverage_note(date(2027, 1, 4)) is not None


# --- workdays_between and extend_deadline ------------------------------------------------------------------------


def test_workdays_between_counts_the_days_a_clock_stood_still() -> None:
    # paused Tuesday 2025-09-30, resumed Friday 2025-10-10: the holiday does not count, the 9th and 10th do
    assert CAL.workdays_between(sh(2025, 9, 30, 10), sh(2025, 10, 10, 10)) == 2
    assert CAL.workdays_between(sh(2025, 11, 14, 10), sh(2025, 11, 14, 16)) == 0
    assert CAL.workdays_between(sh(2025, 11, 14, 10), sh(2025, 11, 17, 0)) == 0  # Monday has not begun
    assert CAL.workdays_between(sh(2025, 11, 14, 10), sh(2025, 11, 17, 0, 1)) == 1
    assert CAL.workdays_between(sh(2025, 11, 17, 10), sh(2025, 11, 14, 10)) == 0


def test_an_overrun_counts_from_the_day_after_the_deadline() -> None:
    deadline = CAL.add_workdays(sh(2025, 11, 14, 10), 1)  # the end of Monday 2025-11-17
    assert CAL.workdays_between(deadline, sh(2025, 11, 18, 10)) == 0
    assert CAL.workdays_between(deadline, sh(2025, 11, 19, 10)) == 1


def test_a_deadline_is_extended_from_the_day_it_closes() -> None:
    deadline = CAL.add_workdays(sh(2025, 11, 14, 10), 1)  # the end of Monday 2025-11-17
    assert CAL.extend_deadline(deadline, 2) == end_of(date(2025, 11, 19))
    assert CAL.extend_deadline(deadline, 0) == deadline
    with_hours = CAL.add_workdays(sh(2025, 11, 14, 10), 1, HOURS)
    assert CAL.extend_deadline(with_hours, 2, HOURS) == sh(2025, 11, 19, 17, 30)
    # over the National Day holiday
    assert CAL.extend_deadline(end_of(date(2025, 9, 30)), 1) == end_of(date(2025, 10, 9))


# --- add_work_hours ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (sh(2025, 11, 14, 16, 45), 2, sh(2025, 11, 17, 10, 15)),  # Friday evening -> Monday: 45 min + 75 min
        (sh(2025, 11, 12, 11), 2, sh(2025, 11, 12, 14)),  # across lunch
        (sh(2025, 11, 12, 12, 30), 2, sh(2025, 11, 12, 15)),  # submitted during lunch
        (sh(2025, 11, 12, 18), 2, sh(2025, 11, 13, 11)),  # submitted in the evening
        (sh(2025, 11, 12, 7), 2, sh(2025, 11, 12, 11)),  # before opening
        (sh(2025, 11, 15, 10), 2, sh(2025, 11, 17, 11)),  # on a Saturday
        (sh(2025, 9, 30, 16, 45), 2, sh(2025, 10, 9, 10, 15)),  # into the National Day holiday
        (sh(2025, 9, 27, 20), 2, sh(2025, 9, 28, 11)),  # a Saturday evening before the make-up Sunday
        (sh(2025, 11, 12, 15, 30), 2, sh(2025, 11, 12, 17, 30)),  # ends with the day, not the next morning
        (sh(2025, 11, 12, 10), 0.5, sh(2025, 11, 12, 10, 30)),
        (sh(2025, 11, 12, 12, 15), 0, sh(2025, 11, 12, 13)),
        (sh(2025, 11, 12, 10), 15, sh(2025, 11, 14, 10)),  # 6.5 + 7.5 + 1 hours
    ],
)
def test_add_work_hours(start: datetime, count: float, expected: datetime) -> None:
    result = CAL.add_work_hours(start, count, HOURS)
    assert result == expected
    assert result.tzinfo is UTC


def test_add_work_hours_with_other_hours_and_bad_counts() -> None:
    town = BusinessHours.parse("08:30-12:00,14:30-17:30")
    assert CAL.add_work_hours(sh(2025, 11, 12, 11), 2, town) == sh(2025, 11, 12, 15, 30)
    for bad in [-1, float("nan"), float("inf")]:
        with pytest.raises(ValueError):
            CAL.add_work_hours(sh(2025, 11, 12, 11), bad, town)


# --- business hours ----------------------------------------------------------------------------------------------


def test_business_hours_parse() -> None:
    assert BusinessHours.parse("") == BusinessHours()
    assert BusinessHours.parse("09:00-12:00,13:00-17:30") == BusinessHours()
    assert BusinessHours.parse(" 9:00～12:00，13:00 - 17:30 ") == BusinessHours()
    assert BusinessHours.parse("13:00-17:30,09:00-12:00") == BusinessHours()
    assert BusinessHours.parse("09:00-12:00").periods == ((time(9), time(12)),)
    assert str(BusinessHours.parse("08:30-12:00；14:30-17:30")) == "08:30-12:00,14:30-17:30"


@pytest.mark.parametrize(
    "text",
    [
        "9-12",
        "abc",
        "12:00-09:00",
        "09:00-09:00",
        "09:00-12:00,11:00-13:00",
        "25:00-26:00",
        "09:60-10:00",
        "00:00-24:00",
        "工作日 9:00-17:00",
    ],
)
def test_bad_business_hours_are_refused(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        BusinessHours.parse(text)
    assert caught.value.code == "bad_business_hours"
    assert text in caught.value.detail.zh and text in caught.value.detail.en


def test_business_hours_built_directly_are_checked_too() -> None:
    with pytest.raises(DomainError) as caught:
        BusinessHours(((time(13), time(12)),))
    assert caught.value.code == "bad_business_hours"
    with pytest.raises(DomainError):
        BusinessHours(())


# --- administrators' entries ---------------------------------------------------------------------------------------


def test_holiday_entry_problems() -> None:
    assert holiday_entry_problem(2027, date(2027, 1, 1), workday=False) is None
    assert (
        holiday_entry_problem(2027, date(2027, 2, 6), workday=False) is None
    )  # a holiday on a Saturday is fine
    assert holiday_entry_problem(2027, date(2027, 2, 6), workday=True) is None  # a make-up Saturday
    problem = holiday_entry_problem(2027, date(2026, 12, 31), workday=False)
    assert problem is not None and problem[0] == "date_outside_year"
    problem = holiday_entry_problem(2027, date(2027, 1, 4), workday=True)
    assert problem is not None and problem[0] == "pointless_workday"
    assert "周一" in problem[1] and "Monday" in problem[2]


# --- properties ---------------------------------------------------------------------------------------------------

_DAYS = st.dates(min_value=date(2024, 9, 1), max_value=date(2028, 3, 31))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    """The package's calendar with random administrators' entries, around the end of the package's coverage."""
    overrides = draw(st.dictionaries(_DAYS, st.booleans(), max_size=40))
    covered = draw(st.sets(st.sampled_from([2026, 2027, 2028])))
    return WorkCalendar(overrides, covered_years=covered)


instants = st.datetimes(
    min_value=datetime(2024, 10, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from([SHANGHAI, UTC]),
)
hours_or_none = st.sampled_from([None, HOURS, BusinessHours.parse("08:30-12:00,14:30-17:30")])
day_counts = st.integers(min_value=0, max_value=45)


@settings(max_examples=300)
@given(calendars(), instants, instants, day_counts, hours_or_none)
def test_adding_working_days_is_monotonic_in_start(
    calendar: WorkCalendar, a: datetime, b: datetime, n: int, hours: BusinessHours | None
) -> None:
    early, late = sorted([a, b])
    assert calendar.add_workdays(early, n, hours) <= calendar.add_workdays(late, n, hours)


@settings(max_examples=300)
@given(calendars(), instants, day_counts, st.integers(min_value=1, max_value=20), hours_or_none)
def test_adding_working_days_is_monotonic_in_days(
    calendar: WorkCalendar, start: datetime, n: int, more: int, hours: BusinessHours | None
) -> None:
    fewer, more_days = calendar.add_workdays(start, n, hours), calendar.add_workdays(start, n + more, hours)
    assert start <= fewer <= more_days
    if n >= 1:
        assert fewer < more_days


@settings(max_examples=300)
@given(calendars(), instants, day_counts, hours_or_none)
def test_the_deadline_ends_a_working_day(
    calendar: WorkCalendar, start: datetime, n: int, hours: BusinessHours | None
) -> None:
    deadline = calendar.add_workdays(start, n, hours).astimezone(SHANGHAI)
    if hours is None:
        assert deadline.time() == time(0)
        assert calendar.is_workday(deadline.date() - timedelta(days=1))
    else:
        assert deadline.time() == hours.closing
        assert calendar.is_workday(deadline.date())
    assert calendar.is_workday(day_closed_by(deadline))


@settings(max_examples=300)
@given(calendars(), instants, st.integers(min_value=1, max_value=45), hours_or_none)
def test_workdays_between_undoes_add_workdays(
    calendar: WorkCalendar, start: datetime, n: int, hours: BusinessHours | None
) -> None:
    assert calendar.workdays_between(start, calendar.add_workdays(start, n, hours)) == n


@settings(max_examples=200)
@given(
    calendars(),
    instants,
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=0, max_value=15),
    hours_or_none,
)
def test_extending_a_deadline_adds_to_its_days(
    calendar: WorkCalendar, start: datetime, n: int, more: int, hours: BusinessHours | None
) -> None:
    deadline = calendar.add_workdays(start, n, hours)
    assert calendar.extend_deadline(deadline, more, hours) == calendar.add_workdays(start, n + more, hours)


@settings(max_examples=200)
@given(calendars(), st.dates(min_value=date(2024, 9, 1), max_value=date(2028, 3, 31)))
def test_next_workday_is_the_first_working_day_after(calendar: WorkCalendar, day: date) -> None:
    following = calendar.next_workday(day)
    assert following > day and calendar.is_workday(following)
    assert not any(calendar.is_workday(day + timedelta(days=k)) for k in range(1, (following - day).days))


def _business_time(calendar: WorkCalendar, start: datetime, end: datetime, hours: BusinessHours) -> timedelta:
    """Business time between two instants, summed day by day (an independent count)."""
    total = timedelta()
    day = start.astimezone(SHANGHAI).date()
    while day <= end.astimezone(SHANGHAI).date():
        if calendar.is_workday(day):
            for opens, closes in hours.periods:
                begin = max(start, datetime.combine(day, opens, tzinfo=SHANGHAI))
                finish = min(end, datetime.combine(day, closes, tzinfo=SHANGHAI))
                total += max(finish - begin, timedelta())
        day += timedelta(days=1)
    return total


@settings(max_examples=300)
@given(
    calendars(),
    instants,
    st.integers(min_value=0, max_value=60 * 40),
    st.integers(min_value=0, max_value=600),
    st.sampled_from(
        [HOURS, BusinessHours.parse("08:30-12:00,14:30-17:30"), BusinessHours.parse("09:00-12:00")]
    ),
)
def test_add_work_hours_counts_business_time_only(
    calendar: WorkCalendar, start: datetime, minutes: int, more_minutes: int, hours: BusinessHours
) -> None:
    count = minutes / 60
    deadline = calendar.add_work_hours(start, count, hours)
    assert deadline >= start
    assert _business_time(calendar, start, deadline, hours) == timedelta(minutes=minutes)
    assert calendar.add_work_hours(start, (minutes + more_minutes) / 60, hours) >= deadline
    local = deadline.astimezone(SHANGHAI)
    assert calendar.is_workday(local.date())
    assume(minutes > 0)
    assert any(opens < local.time() <= closes for opens, closes in hours.periods)
