"""Where an application stands, in one wording on every face, and the dates by which the applicant must answer.

The applicant-facing status (`Progress`) is derived from the application's own status and its item cases'
(`progress_of`, pure; `application_progress` for a row): the portal's list and page, the workbench, the API
(`progress`, next to the raw `status`) and the completion notice all read it here. The raw statuses stay what the
state machines say (transitions.py); this is what a person is told:

    submitted                                   → 待收件审查      (the window checks it within 2 working hours)
    deficient, or any item case in correction  → 需补正          (the applicant must act: the date is on the page)
    withdrawn                                   → 已撤回
    received, no item decided                   → 办理中
    some items decided, others open             → 部分办结
    every item decided and granted              → 已办结
    every item decided, some granted            → 已办结（部分不予）
    every item decided, none granted            → 不予办理        (denied, not accepted, terminated, revoked …)

The response dates (`respond_by`): a notice that asks the applicant for something says by when, counted in
working days from the notice (settings YIJIANSHI_SUPPLEMENT_DAYS for the window's 一次告知,
YIJIANSHI_CORRECTION_DAYS for a department's 补正) and what happens after it; a decision against the applicant
says by when it may be contested (行政复议法 2023 art. 20: 60 days; 行政诉讼法 art. 46: 6 months, both from
receipt; a period whose last day is a holiday ends on the next working day, 行政诉讼法 art. 83 / 民事诉讼法
art. 85). Dates are shown with `deadline_words` (core/workdays.py, docs/adr/0012-deadlines-as-days.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings

from yijianshi.core.clock import SHANGHAI, local
from yijianshi.core.labels import Labelled, labels_set
from yijianshi.core.workdays import WorkCalendar

from .models import Application, CaseEvent, EventType
from .transitions import OPEN_CASE_STATES, AppStatus, CaseStatus


class Progress(Labelled):
    """What the applicant is told about their application, derived from the statuses (module docstring)."""

    AWAITING_INTAKE = "awaiting_intake"
    NEEDS_CORRECTION = "needs_correction"
    IN_PROGRESS = "in_progress"
    PARTLY_CONCLUDED = "partly_concluded"
    CONCLUDED = "concluded"
    CONCLUDED_PARTLY_REFUSED = "concluded_partly_refused"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


labels_set(
    Progress,
    {
        "awaiting_intake": ("待收件审查", "awaiting the intake check"),
        "needs_correction": ("需补正", "correction needed"),
        "in_progress": ("办理中", "in progress"),
        "partly_concluded": ("部分办结", "partly concluded"),
        "concluded": ("已办结", "concluded"),
        "concluded_partly_refused": ("已办结（部分不予）", "concluded, partly refused"),
        "refused": ("不予办理", "refused"),
        "withdrawn": ("已撤回", "withdrawn"),
    },
)

GRANTED = frozenset({CaseStatus.APPROVED, CaseStatus.DELIVERED})


def progress_of(status: str, case_statuses: Iterable[str]) -> Progress:
    """The applicant-facing status of an application in `status` whose item cases are in `case_statuses`."""
    cases = [CaseStatus(s) for s in case_statuses]
    if status == AppStatus.WITHDRAWN:
        return Progress.WITHDRAWN
    if status == AppStatus.SUBMITTED:
        return Progress.AWAITING_INTAKE
    if status == AppStatus.DEFICIENT or CaseStatus.CORRECTION in cases:
        return Progress.NEEDS_CORRECTION
    open_ = [c for c in cases if c in OPEN_CASE_STATES]
    decided = [c for c in cases if c not in OPEN_CASE_STATES]
    if not decided:
        return Progress.IN_PROGRESS
    if open_:
        return Progress.PARTLY_CONCLUDED
    granted = sum(1 for c in decided if c in GRANTED)
    if granted == len(decided):
        return Progress.CONCLUDED
    return Progress.CONCLUDED_PARTLY_REFUSED if granted else Progress.REFUSED


def application_progress(application: Application) -> Progress:
    """`progress_of` an application row (its item cases read through `item_cases.all()`, so a prefetch serves)."""
    if application.status in (AppStatus.WITHDRAWN, AppStatus.SUBMITTED, AppStatus.DEFICIENT):
        return progress_of(application.status, ())  # no item case decides it: none is read
    return progress_of(application.status, [c.status for c in application.item_cases.all()])


# --- the dates by which the applicant must answer ------------------------------------------------------------

AFTER_SUPPLEMENT = (
    "逾期未补正的，视为撤回申请。",
    "If nothing is supplied by then, the application is treated as withdrawn.",
)
AFTER_CORRECTION = (
    "逾期未补正的，本事项终止办理。",
    "If the correction is not made by then, this item is closed.",
)
ACCEPT_DAYS = 1  # 004 annex 3: each department accepts or rejects within 1 working day (the fan-out's clock)
REVIEW_DAYS = 60  # 行政复议法 (2023) art. 20
LAWSUIT_MONTHS = 6  # 行政诉讼法 art. 46


def supplement_days() -> int:
    return int(settings.YIJIANSHI_SUPPLEMENT_DAYS)


def correction_days() -> int:
    return int(settings.YIJIANSHI_CORRECTION_DAYS)


def respond_by(calendar: WorkCalendar, notice_at: datetime, days: int) -> datetime:
    """The end of the `days`-th working day after the notice's day: by when the applicant must answer it."""
    return calendar.add_workdays(notice_at, days)


def printed_respond_by(event: CaseEvent | None) -> datetime | None:
    """The date a notice asking for something printed (`respond_by` when it was issued, kept in its history row);
    None for a notice older than the printed dates: it is never computed again."""
    value = (event.data or {}).get("respond_by") if event else None
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class NoticeDates:
    """When the window's deficiency notice (一次告知) was sent, by when the applicant must answer it (as printed)
    and what happens after that date."""

    sent_at: datetime
    respond_by: datetime | None
    after: tuple[str, str] = AFTER_SUPPLEMENT


def deficiency_notices(applications: Iterable[Application]) -> dict[int, NoticeDates]:
    """The latest deficiency notice of each application (pk -> its dates), in one query: the clerk's list of
    applications awaiting the applicant."""
    pks = [a.pk for a in applications]
    events = CaseEvent.objects.filter(
        application_id__in=pks, type=EventType.DEFICIENT, item_case__isnull=True
    ).order_by("at", "pk")
    return {e.application_id: NoticeDates(sent_at=e.at, respond_by=printed_respond_by(e)) for e in events}


def _end_of_period(calendar: WorkCalendar, last: date) -> datetime:
    """A period counted in days ends with its last day, or with the first working day after it when that day is
    a holiday (行政诉讼法 art. 83 / 民事诉讼法 art. 85)."""
    if not calendar.is_workday(last):
        last = calendar.next_workday(last)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=SHANGHAI).astimezone(UTC)


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def remedy_deadlines(calendar: WorkCalendar, issued_at: datetime) -> tuple[datetime, datetime]:
    """(administrative reconsideration, lawsuit): the last moments, counted from the day of issue (the law counts
    from receipt, which is never earlier: the dates printed are the safe ones)."""
    day = local(issued_at).date()
    review = _end_of_period(calendar, day + timedelta(days=REVIEW_DAYS))
    lawsuit = _end_of_period(calendar, _months_later(day, LAWSUIT_MONTHS))
    return review, lawsuit


def expected_conclusion(calendar: WorkCalendar, now: datetime, limit_days: int) -> datetime:
    """When an application made `now` is expected to be decided: acceptance within its working day (004 annex 3),
    then the bundle's time limit in working days (the guide's "预计 12月15日（星期二）前办结")."""
    return calendar.add_workdays(now, ACCEPT_DAYS + max(0, limit_days))
