"""The clocks a workbench shows: the 2-working-hour intake clock of an application (004 annex 3: 收件 within 2
hours) and the acceptance / decision deadline of an item case, as "time left" or "overdue by".

The deadlines themselves are computed and stored by the case services (`add_work_hours`, `add_workdays`); here
we only say how much working time is left until them, with the same working-day calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from yijianshi.cases.models import Application, ItemCase
from yijianshi.cases.transitions import CaseStatus
from yijianshi.catalog.models import ServicePoint
from yijianshi.core.calendar import work_calendar
from yijianshi.core.workdays import BusinessHours

NEAR_INTAKE_MINUTES = 30  # an intake due within half a working hour is flagged
NEAR_DECISION = timedelta(days=1)  # an item case due within a day is flagged


@dataclass(frozen=True)
class Clock:
    deadline: datetime | None
    overdue: bool
    near: bool
    minutes: int  # working minutes left (intake) or wall-clock minutes left / over

    def _text(self, *, day: str, hour: str, minute: str, alone: str, overdue: str, left: str) -> str:
        if self.deadline is None:
            return "—"
        total = abs(self.minutes)
        h, m = divmod(total, 60)
        if total >= 24 * 60:
            span = f"{total // (24 * 60)}{day}{h % 24}{hour}"
        else:
            span = f"{h}{hour}{m}{minute}" if h else f"{m}{alone}"
        return (overdue if self.overdue else left).format(span.strip())

    @property
    def text_zh(self) -> str:
        return self._text(
            day=" 天 ", hour=" 小时 ", minute=" 分", alone=" 分钟", overdue="已超期 {}", left="剩余 {}"
        )

    @property
    def text_en(self) -> str:
        return self._text(
            day=" d ", hour=" h ", minute=" min", alone=" min", overdue="overdue by {}", left="{} left"
        )


def business_hours(point: ServicePoint) -> BusinessHours:
    """The service point's business hours as the intake clock counts them (its first listed period set)."""
    return BusinessHours.parse(point.hours.split(";")[0] if point.hours else "")


def working_minutes_until(now: datetime, deadline: datetime, hours: BusinessHours) -> int:
    """Working minutes between now and a later deadline: the smallest m with add_work_hours(now, m) >= deadline
    (add_work_hours is monotonic in its hours, so a bisection finds it)."""
    calendar = work_calendar()
    if deadline <= now:
        return 0
    low, high = 0, 120
    while calendar.add_work_hours(now, high / 60, hours) < deadline and high < 60 * 24 * 30:
        low, high = high, high * 2
    while low < high:
        mid = (low + high) // 2
        if calendar.add_work_hours(now, mid / 60, hours) >= deadline:
            high = mid
        else:
            low = mid + 1
    return low


def intake_clock(app: Application, now: datetime) -> Clock:
    deadline = app.intake_deadline
    if deadline <= now:
        return Clock(deadline, True, False, -int((now - deadline).total_seconds() // 60))
    left = working_minutes_until(now, deadline, business_hours(app.service_point))
    return Clock(deadline, False, left <= NEAR_INTAKE_MINUTES, left)


def case_deadline(case: ItemCase) -> datetime | None:
    if case.status == CaseStatus.PENDING_ACCEPTANCE:
        return case.accept_deadline
    if case.status in (CaseStatus.ACCEPTED, CaseStatus.PRE_REVIEW):
        return case.decide_deadline
    return None  # paused (correction) or decided: no clock running


def case_clock(case: ItemCase, now: datetime) -> Clock:
    deadline = case_deadline(case)
    if deadline is None:
        return Clock(None, case.overdue, False, 0)
    minutes = int((deadline - now).total_seconds() // 60)
    overdue = case.overdue or deadline < now
    return Clock(deadline, overdue, not overdue and deadline - now <= NEAR_DECISION, minutes)
