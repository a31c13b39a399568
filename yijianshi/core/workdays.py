"""The working-day calendar (工作日): pure, no Django.

004 annex 3: an online application is checked within 2 working hours (`add_work_hours`); each department
accepts or rejects within 1 working day, and each item is decided within its promised limit in working days
from acceptance (`add_workdays`); a correction request stops the clock (`workdays_between`, `extend_deadline`).

Working days are the State Council's: Monday to Friday, minus the statutory holidays, plus the make-up working
days (调休上班) on weekends, as published each year in the notice of the General Office of the State Council
(国务院办公厅关于XXXX年部分节假日安排的通知), usually between October and December for the year after.
Whether a date is a working day is answered, in this order, by:

1. an administrator's entry for that date (`overrides`; core.models.HolidayDate, through core.calendar);
2. the chinesecalendar package, for the years it knows (2004-2026 in version 1.11);
3. otherwise Monday to Friday. Such a year is *not covered* unless an administrator declared its entries
   complete (`covered_years`), and `coverage_note` says so in Chinese and English, so that a deadline counted
   over weekends only is shown with a warning instead of silently being wrong. No date ever raises.

Days are the local dates of Asia/Shanghai; every datetime taken must be aware and every datetime returned is
aware, in UTC. The conventions, the same in every function:

- "within N working days" from an instant `start` ends at the end of the N-th working day after start's local
  date (the day of `start` itself is not counted). The end of a day is the local midnight that closes it or,
  given business hours, the end of its last business period.
- `workdays_between(start, end)` counts the working days after start's local date that have begun before
  `end`: an `end` at exactly local midnight belongs to the day it closes. So
  `workdays_between(start, add_workdays(start, n)) == n`, and a deadline's overrun counts from the day after it.
- a deadline is moved later with `extend_deadline`, which counts from the day the deadline closes (a deadline
  at local midnight closes the day before it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar

from .clock import SHANGHAI
from .errors import DomainError

ONE_DAY = timedelta(days=1)
_INSTANT = timedelta(microseconds=1)
_WEEKDAYS = (
    ("周一", "Monday"),
    ("周二", "Tuesday"),
    ("周三", "Wednesday"),
    ("周四", "Thursday"),
    ("周五", "Friday"),
    ("周六", "Saturday"),
    ("周日", "Sunday"),
)

# --- the chinesecalendar package -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def package_years() -> range:
    """The years the chinesecalendar package knows (2004-2026 in version 1.11), found by asking it."""
    known = [year for year in range(1949, 2151) if _package_knows(year)]
    return range(known[0], known[-1] + 1) if known else range(0)


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=65536)
def _package_is_workday(day: date) -> bool | None:
    """The package's answer, or None for a year it does not know."""
    if day.year not in package_years():
        return None
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # pragma: no cover - package_years() says it knows the year
        return None


# --- business hours ------------------------------------------------------------------------------------------

EXAMPLE_HOURS = "09:00-12:00,13:00-17:30"
_NORMALISE = str.maketrans(
    {
        "：": ":",
        "，": ",",
        "；": ",",
        ";": ",",
        "、": ",",
        "–": "-",
        "—": "-",
        "－": "-",
        "~": "-",
        "～": "-",
        "至": "-",
        "到": "-",
    }
)
_PERIOD = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def _bad_hours(text: str, zh: str, en: str) -> DomainError:
    return DomainError(
        "bad_business_hours",
        f"办公时间“{text}”有误：{zh}（应写作如“{EXAMPLE_HOURS}”）",
        f"The business hours '{text}' are not valid: {en} (write e.g. '{EXAMPLE_HOURS}')",
        field="hours",
    )


def _periods_problem(periods: tuple[tuple[time, time], ...]) -> tuple[str, str] | None:
    if not periods:
        return "没有办公时段", "there is no period"
    previous_end: time | None = None
    for period in periods:
        if len(period) != 2 or not all(isinstance(t, time) and t.tzinfo is None for t in period):
            return "时段应为两个不带时区的时间", "a period is two times of day without a time zone"
        opens, closes = period
        if opens >= closes:
            return (
                f"{opens:%H:%M}-{closes:%H:%M} 结束时间不晚于开始时间",
                f"{opens:%H:%M}-{closes:%H:%M} does not end after it starts",
            )
        if previous_end is not None and opens < previous_end:
            return "时段重叠或未按时间先后排列", "the periods overlap or are out of order"
        previous_end = closes
    return None


@dataclass(frozen=True)
class BusinessHours:
    """The business periods of a working day at a service point (local times), e.g. 09:00-12:00, 13:00-17:30."""

    periods: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(13), time(17, 30)))

    def __post_init__(self) -> None:
        problem = _periods_problem(self.periods)
        if problem is not None:
            raise _bad_hours(repr(self.periods), *problem)

    @classmethod
    def parse(cls, text: str) -> BusinessHours:
        """ "09:00-12:00,13:00-17:30" (full-width punctuation, "~" or "至" and 9:00 are accepted too); an empty
        text gives the default hours; anything else raises DomainError "bad_business_hours"."""
        cleaned = re.sub(r"\s+", "", (text or "").translate(_NORMALISE))
        cleaned = re.sub(r"-+", "-", cleaned)
        if not cleaned:
            return cls()
        periods: list[tuple[time, time]] = []
        for part in cleaned.split(","):
            if not part:
                continue
            match = _PERIOD.match(part)
            if match is None:
                raise _bad_hours(text, f"“{part}”不是“时:分-时:分”", f"'{part}' is not 'HH:MM-HH:MM'")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if max(h1, h2) > 23 or max(m1, m2) > 59:
                raise _bad_hours(text, f"“{part}”不是有效的时间", f"'{part}' is not a time of day")
            periods.append((time(h1, m1), time(h2, m2)))
        if not periods:
            return cls()
        periods.sort()
        problem = _periods_problem(tuple(periods))
        if problem is not None:
            raise _bad_hours(text, *problem)
        return cls(tuple(periods))

    @property
    def closing(self) -> time:
        """The end of the day's last period."""
        return self.periods[-1][1]

    def __str__(self) -> str:
        return ",".join(f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in self.periods)


# --- the calendar ---------------------------------------------------------------------------------------------


def _plain(day: date) -> date:
    if isinstance(day, datetime):
        raise TypeError(
            "a date is needed, not a datetime: take the local date with clock.local(moment).date()"
        )
    return day


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the working-day calendar needs an aware datetime")
    return moment.astimezone(SHANGHAI)


def _at(day: date, moment: time) -> datetime:
    """The local time `moment` on `day`, as an aware UTC datetime."""
    return datetime.combine(day, moment, tzinfo=SHANGHAI).astimezone(UTC)


def day_closed_by(moment: datetime) -> date:
    """The local date of `moment`, except that a local midnight closes (belongs to) the day before it."""
    local = _local(moment)
    return local.date() - ONE_DAY if local.time() == time(0) else local.date()


def weekday_names(day: date) -> tuple[str, str]:
    return _WEEKDAYS[day.weekday()]


class WorkCalendar:
    """Chinese working days: an administrator's entries, else chinesecalendar, else Monday to Friday."""

    def __init__(
        self, overrides: Mapping[date, bool] | None = None, covered_years: Iterable[int] = ()
    ) -> None:
        # overrides: date -> True (a working day, e.g. a make-up Saturday) / False (a holiday);
        # covered_years: the years whose overrides an administrator declared complete (the State Council's notice)
        self._overrides: dict[date, bool] = {_plain(d): bool(v) for d, v in (overrides or {}).items()}
        self._covered_years: frozenset[int] = frozenset(covered_years)

    def __repr__(self) -> str:
        years = ",".join(str(y) for y in sorted(self._covered_years))
        return f"<WorkCalendar overrides={len(self._overrides)} covered_years=[{years}]>"

    @property
    def covered_years(self) -> frozenset[int]:
        return self._covered_years

    # -- days

    def is_workday(self, d: date) -> bool:
        day = _plain(d)
        override = self._overrides.get(day)
        if override is not None:
            return override
        known = _package_is_workday(day)
        if known is not None:
            return known
        return day.weekday() < 5

    def is_covered(self, d: date) -> bool:
        """Whether this year's holidays are known: by the package, or declared complete by an administrator."""
        year = _plain(d).year
        return year in self._covered_years or year in package_years()

    def coverage_note(self, d: date) -> tuple[str, str] | None:
        """(zh, en) when `d`'s year is counted over weekends only, else None."""
        if self.is_covered(d):
            return None
        year = d.year
        known = package_years()
        if known and year < known.start:
            return (
                f"无{year}年节假日数据：仅按周末计算",
                f"no holiday data for {year}: counting weekends only",
            )
        return (
            f"{year}年节假日安排尚未公布：暂按周末计算",
            f"holidays for {year} not published yet: counting weekends only",
        )

    def next_workday(self, d: date) -> date:
        """The first working day strictly after `d`."""
        day = _plain(d) + ONE_DAY
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    # -- deadlines

    def _end_of(self, day: date, hours: BusinessHours | None) -> datetime:
        if hours is None:
            return _at(day + ONE_DAY, time(0))
        return _at(day, hours.closing)

    def add_workdays(self, start: datetime, days: int, hours: BusinessHours | None = None) -> datetime:
        """The deadline of "within `days` working days" from `start`: the end of the days-th working day after
        start's local date (local midnight, or the end of the last business period given `hours`). With
        days=0: the end of start's own day if it is a working day (and, given `hours`, still open), else the
        end of the next working day. An aware UTC datetime."""
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        local_start = _local(start)
        day = local_start.date()
        if days == 0:
            if not self.is_workday(day) or (hours is not None and local_start >= _at(day, hours.closing)):
                day = self.next_workday(day)
        else:
            for _ in range(days):
                day = self.next_workday(day)
        return self._end_of(day, hours)

    def extend_deadline(self, deadline: datetime, days: int, hours: BusinessHours | None = None) -> datetime:
        """`deadline` moved later by `days` working days, counted from the day it closes: a deadline at the end of
        Monday extended by 2 ends with Wednesday (used when a paused clock resumes). An aware UTC datetime."""
        return self.add_workdays(deadline - _INSTANT, days, hours)

    def add_work_hours(self, start: datetime, hours_count: float, hours: BusinessHours) -> datetime:
        """The deadline of "within `hours_count` working hours" from `start`, counting only the time inside the
        business periods of working days. A deadline that falls at the end of a period stays there (a
        submission at 15:30 due within 2 hours of a day closing at 17:30 is due at 17:30). Aware, UTC."""
        if not math.isfinite(hours_count) or hours_count < 0:
            raise ValueError(f"hours_count must be a finite non-negative number, got {hours_count}")
        remaining = timedelta(hours=hours_count)
        cursor = _local(start).astimezone(UTC)
        day = _local(start).date()
        if not self.is_workday(day):
            day = self.next_workday(day)
        while True:
            for opens, closes in hours.periods:
                period_end = _at(day, closes)
                if cursor >= period_end:
                    continue
                begin = max(cursor, _at(day, opens))
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
                cursor = period_end
            day = self.next_workday(day)

    def time_left(self, now: datetime, deadline: datetime, hours: BusinessHours | None = None) -> TimeLeft:
        """Working time left before `deadline` or past it (`time_left` below): what every queue shows."""
        return time_left(self, now, deadline, hours)

    def workdays_between(self, start: datetime, end: datetime) -> int:
        """The working days after start's local date that have begun before `end` (an end at local midnight
        belongs to the day it closes): the working days a paused clock stood still; 0 when end <= start."""
        day = _local(start).date() + ONE_DAY
        last = day_closed_by(end)
        count = 0
        while day <= last:
            count += self.is_workday(day)
            day += ONE_DAY
        return count


# --- administrators' entries -----------------------------------------------------------------------------------


def holiday_entry_problem(year: int, day: date, *, workday: bool) -> tuple[str, str, str] | None:
    """(code, zh, en) when an administrator's entry for `year` makes no sense, else None. A holiday may fall on a
    weekend (it is then simply confirmed) and a make-up working day must: a weekday is a working day anyway."""
    if day.year != year:
        return (
            "date_outside_year",
            f"{day.isoformat()} 不在 {year} 年内（通知中上一年的调休日请录入上一年度）",
            f"{day.isoformat()} is not in {year} (enter a date of another year under that year)",
        )
    if workday and day.weekday() < 5:
        zh_day, en_day = weekday_names(day)
        return (
            "pointless_workday",
            f"{day.isoformat()} 是{zh_day}，本来就是工作日：只有周六、周日才能登记为调休上班日",
            f"{day.isoformat()} is a {en_day}, a working day anyway: only a Saturday or Sunday can be a "
            f"make-up working day",
        )
    return None


# --- time left, and deadlines in words -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeLeft:
    """How much working time is left before a deadline, or how far past it we are: the one measure every queue
    shows (the clerk's intake clock in working minutes, the officers' clocks in working days)."""

    overdue: bool
    workdays: int  # left: working days after today up to the deadline's day (0: due today); over: working
    # days begun since the deadline's day closed (0: past it, but no working day has begun since)
    minutes: int  # working minutes inside the business hours left or over (0 when no hours were given)


def _day_words(day: date, language: str, today: date | None) -> str:
    zh_week = "一二三四五六日"[day.weekday()]
    en_week = _WEEKDAYS[day.weekday()][1][:3]
    month_en = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    same_year = today is not None and today.year == day.year
    if language.startswith("en"):
        return f"{en_week} {day.day} {month_en[day.month - 1]}" + ("" if same_year else f" {day.year}")
    return ("" if same_year else f"{day.year}年") + f"{day.month}月{day.day}日（星期{zh_week}）"


def day_words(day: date, language: str = "zh-hans", *, today: date | None = None) -> str:
    """A date as people read it: "12月15日（星期二）" / "Tue 15 Dec", with the year when it is not `today`'s."""
    return _day_words(_plain(day), language, today)


def deadline_words(deadline: datetime, language: str = "zh-hans", *, today: date | None = None) -> str:
    """A deadline as people read it (docs/adr/0012-deadlines-as-days.md): one counted in working days is the end
    of its last working day (stored as the local midnight that closes it) and reads "12月15日（星期二）前" /
    "by Tue 15 Dec" — the day it closes, never "00:00"; one counted in working hours keeps its time of day,
    "12月15日（星期二）10:30前" / "by Tue 15 Dec, 10:30"."""
    local = _local(deadline)
    day = day_closed_by(deadline)
    words = _day_words(day, language, today)
    english = language.startswith("en")
    if local.time() == time(0):
        return f"by {words}" if english else f"{words}前"
    return f"by {words}, {local:%H:%M}" if english else f"{words}{local:%H:%M}前"


def _work_minutes(calendar: WorkCalendar, start: datetime, end: datetime, hours: BusinessHours) -> int:
    """Working minutes inside the business periods of working days between start and end (0 if end <= start)."""
    if end <= start:
        return 0
    total = timedelta(0)
    day, last = _local(start).date(), _local(end).date()
    while day <= last:
        if calendar.is_workday(day):
            for opens, closes in hours.periods:
                begin, finish = max(start, _at(day, opens)), min(end, _at(day, closes))
                if finish > begin:
                    total += finish - begin
        day += ONE_DAY
    return int(total.total_seconds() // 60)


def time_left(
    calendar: WorkCalendar, now: datetime, deadline: datetime, hours: BusinessHours | None = None
) -> TimeLeft:
    """The working time between `now` and `deadline` (module docstring's conventions): the working days left
    after today up to and including the deadline's day, or, once it is past, the working days begun since that
    day closed; and, given business hours, the working minutes inside them left or over."""
    today, due = _local(now).date(), day_closed_by(deadline)
    if deadline > now:
        days = sum(1 for n in range(1, (due - today).days + 1) if calendar.is_workday(today + n * ONE_DAY))
        minutes = _work_minutes(calendar, now, deadline, hours) if hours is not None else 0
        return TimeLeft(False, days, minutes)
    days = sum(1 for n in range(1, (today - due).days + 1) if calendar.is_workday(due + n * ONE_DAY))
    minutes = _work_minutes(calendar, deadline, now, hours) if hours is not None else 0
    return TimeLeft(True, days, minutes)
