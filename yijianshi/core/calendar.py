"""The one working-day calendar service (STYLE.md, time): chinesecalendar plus the holidays an administrator
entered (core.models), as a pure `WorkCalendar` (core.workdays).

`work_calendar()` is built once per process and kept (core/remembered.py) until holiday data is saved or
deleted in this process, or for at most `YIJIANSHI_CALENDAR_CACHE_SECONDS` (settings: 300 s unless set) — the safety net
for the other processes (web workers, task workers) and for writes that send no signals.

`calendar_status(today)` tells the admin health page which years are covered and how: this year and the next
must be, or deadlines reaching into them are counted over weekends only.
"""

from __future__ import annotations

from datetime import date
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from .models import HolidayDate, HolidayKind, HolidayYear
from .remembered import Remembered
from .workdays import WorkCalendar, package_years

_calendar: Remembered[WorkCalendar] = Remembered(
    "core.calendar",
    sources=(HolidayYear, HolidayDate),
    ttl=lambda: float(settings.YIJIANSHI_CALENDAR_CACHE_SECONDS),
)


def build_work_calendar() -> WorkCalendar:
    """A calendar from the database as it is now (two queries); most callers want `work_calendar()`."""
    overrides = {
        day: kind == HolidayKind.WORKDAY for day, kind in HolidayDate.objects.values_list("date", "kind")
    }
    covered = HolidayYear.objects.filter(complete=True).values_list("year", flat=True)
    return WorkCalendar(overrides, covered_years=list(covered))


def work_calendar() -> WorkCalendar:
    """The working-day calendar, kept per process (module docstring)."""
    return _calendar.get("calendar", build_work_calendar)


def work_calendar_clear() -> None:
    """Forget the kept calendar (done on every change of holiday data; tests do it between tests, since
    a rolled-back test transaction sends no signal)."""
    _calendar.clear()


def _package_version() -> str:
    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - it is a dependency
        return ""


def calendar_status(today: date) -> dict[str, Any]:
    """Which years are covered and how, for the admin health page. `ok` is false, with a bilingual warning,
    while this year or the next is counted over weekends only (or entered but not declared complete)."""
    calendar = build_work_calendar()
    known = package_years()
    rows = {
        row.year: row
        for row in HolidayYear.objects.select_related("entered_by").annotate(
            holiday_count=Count("dates", filter=Q(dates__kind=HolidayKind.HOLIDAY)),
            workday_count=Count("dates", filter=Q(dates__kind=HolidayKind.WORKDAY)),
        )
    }
    entries: dict[int, list[HolidayDate]] = {}
    for entry in HolidayDate.objects.filter(year__year__in=[y for y in rows if y in known]).select_related(
        "year"
    ):
        entries.setdefault(entry.year.year, []).append(entry)

    years: list[dict[str, Any]] = []
    warnings: list[dict[str, str]] = []
    for year in sorted({today.year, today.year + 1} | set(rows)):
        row = rows.get(year)
        in_package = year in known
        admin_complete = row is not None and row.complete
        source = (
            "package+admin"
            if in_package and row is not None
            else "package"
            if in_package
            else "admin"
            if admin_complete
            else "admin_partial"
            if row is not None
            else "weekends_only"
        )
        note = calendar.coverage_note(date(year, 1, 1))
        years.append(
            {
                "year": year,
                "covered": note is None,
                "source": source,
                "complete": row.complete if row is not None else None,
                "notice": row.source if row is not None else "",
                "entered_by": row.entered_by.get_username() if row is not None and row.entered_by else "",
                "entered_at": row.entered_at.isoformat() if row is not None else "",
                "holidays": getattr(row, "holiday_count", 0),
                "workdays": getattr(row, "workday_count", 0),
                # admin entries that differ from the package (e.g. after upgrading it to a release that knows the year)
                "differs_from_package": sorted(
                    e.date.isoformat()
                    for e in entries.get(year, [])
                    if (e.kind == HolidayKind.WORKDAY) != WorkCalendar().is_workday(e.date)
                ),
                "note": {"zh": note[0], "en": note[1]} if note else None,
            }
        )
        if note is not None and year in (today.year, today.year + 1):
            if row is None:
                zh = (
                    f"{year}年节假日安排尚未录入：跨入{year}年的期限暂仅按周末计算。国务院办公厅通知发布后，"
                    f"请在“节假日年度”中录入并勾选“已完整录入”。"
                )
                en = (
                    f"Holidays for {year} are not entered: deadlines reaching into {year} count weekends only. "
                    f"Once the State Council's notice is out, enter them under Holiday years and mark the year "
                    f"complete."
                )
            else:
                zh = f"{year}年节假日已录入一部分，但尚未勾选“已完整录入”：其余日期仍仅按周末计算。"
                en = (
                    f"Holidays for {year} are partly entered but not marked complete: the other dates still count "
                    f"weekends only."
                )
            warnings.append({"code": "year_not_covered", "year": str(year), "zh": zh, "en": en})
    return {
        "today": today.isoformat(),
        "ok": not warnings,
        "package": {
            "name": "chinesecalendar",
            "version": _package_version(),
            "first_year": known.start if known else None,
            "last_year": known[-1] if known else None,
        },
        "years": years,
        "warnings": warnings,
    }
