"""Dates people read on the guide and the application: "12月15日（星期二）", counted on the working-day
calendar (core/calendar.py) from today."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template

from yijianshi.core import clock
from yijianshi.core.calendar import work_calendar
from yijianshi.core.workdays import day_closed_by, day_words

from .bilingual import is_english
from .deadlines import expected_by

register = template.Library()


def workdays_ahead_of(days: int, start: datetime | None = None) -> date:
    """The day by which something that takes `days` working days from now is done (the end of that day)."""
    moment = start or clock.now()
    return day_closed_by(work_calendar().add_workdays(moment, max(int(days), 0)))


def deadline_text(day: date | datetime, english: bool) -> str:
    """12月15日（星期二） / Tue 15 Dec; with the year when it is not this year's (core.workdays.day_words, the
    words every notice and page uses)."""
    if isinstance(day, datetime):
        day = day_closed_by(day)
    return day_words(day, "en" if english else "zh-hans", today=clock.local(clock.now()).date())


@register.filter
def workdays_ahead(days: int) -> date:
    """`{{ 3|workdays_ahead|weekday_date }}`: the date 3 working days from today."""
    return workdays_ahead_of(days)


@register.filter
def expected_done(days: int) -> str:
    """预计 12月15日（星期二）前办结 / Expected to be done by Tue 15 Dec: an application made now, accepted
    within its working day, then `days` working days (cases/progress.py `expected_conclusion`, as the
    `expected_by` filter of deadlines.py)."""
    by = expected_by(days)
    return f"Expected to be done {by}" if is_english() else f"预计 {by}办结"


@register.filter
def schedule_words(plan: Any) -> str:
    """An item's place in the bundle's schedule in words: 第2个工作日开始，第3个工作日内完成."""
    start, finish = int(plan.start_day), int(plan.finish_day)
    if is_english():
        begins = f"starts on working day {start + 1}" if start else "starts as soon as you apply"
        ends = f"done within working day {finish}" if finish else "done the same day"
        return f"{begins}, {ends}"
    begins = f"第{start + 1}个工作日开始" if start else "提交后即开始"
    ends = f"第{finish}个工作日内完成" if finish else "当天完成"
    return f"{begins}，{ends}"


@register.filter
def working_days(days: int) -> str:
    """3 个工作日 / 3 working days / 1 working day; 0 → 即办 / on the spot."""
    n = int(days)
    if is_english():
        return "on the spot" if n == 0 else f"{n} working day{'s' if n != 1 else ''}"
    return "即办" if n == 0 else f"{n}个工作日"
