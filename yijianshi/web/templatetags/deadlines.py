"""`{{ moment|deadline }}`: a deadline as people read it, in the request's language — "12月15日（星期二）前" / "by
Tue 15 Dec" for one counted in working days (the end of its last working day, never "00:00"), with its time of
day for one counted in working hours (the intake clock). The one filter every page uses for a deadline (portal
and workbench); the words are `core.workdays.deadline_words`, which the notices print too."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template

from yijianshi.cases.progress import expected_conclusion
from yijianshi.core import clock
from yijianshi.core.calendar import work_calendar
from yijianshi.core.workdays import day_words, deadline_words

from .bilingual import is_english

register = template.Library()


def _language() -> str:
    return "en" if is_english() else "zh-hans"


@register.filter
def deadline(moment: Any) -> str:
    if not isinstance(moment, datetime):
        return "—"
    return deadline_words(moment, _language(), today=clock.local(clock.now()).date())


@register.filter
def weekday_date(day: Any) -> str:
    """A date with its weekday: "12月15日（星期二）" / "Tue 15 Dec"."""
    if isinstance(day, datetime):
        day = clock.local(day).date()
    if not isinstance(day, date):
        return "—"
    return day_words(day, _language(), today=clock.local(clock.now()).date())


@register.filter
def expected_by(limit_days: Any) -> str:
    """A time limit in working days as the date an application made now is expected to be decided:
    "12月15日（星期二）前" / "by Tue 15 Dec" (cases/progress.py `expected_conclusion`)."""
    try:
        days = int(limit_days)
    except (TypeError, ValueError):
        return "—"
    return deadline(expected_conclusion(work_calendar(), clock.now(), days))
