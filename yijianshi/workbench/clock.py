"""The clocks a workbench shows: the 2-working-hour intake clock of an application (004 annex 3: 收件 within 2
hours) and the acceptance / decision deadline of an item case, as "time left" or "overdue by".

The deadlines themselves are computed and stored by the case services (`add_work_hours`, `add_workdays`); both
queues say how much working time is left until them with the one function of the working-day calendar
(`WorkCalendar.time_left`): the clerk's in working minutes inside the service point's business hours, the
officers' in working days (a deadline in working days is the end of its last working day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from yijianshi.cases.models import Application, ItemCase
from yijianshi.cases.transitions import CaseStatus
from yijianshi.catalog.models import ServicePoint
from yijianshi.core.calendar import work_calendar
from yijianshi.core.workdays import BusinessHours

NEAR_INTAKE_MINUTES = 30  # an intake due within half a working hour is flagged
NEAR_DECISION_WORKDAYS = 0  # an item case due by the end of today is flagged


@dataclass(frozen=True)
class Clock:
    deadline: datetime | None
    overdue: bool
    near: bool
    minutes: int  # working minutes left or over (intake; 0 for an item case)
    workdays: int = 0  # working days left or over (an item case)
    in_days: bool = False  # counted in working days (an item case), else in working minutes (intake)

    def _span_minutes(self, *, hour: str, minute: str, alone: str) -> str:
        h, m = divmod(abs(self.minutes), 60)
        return f"{h}{hour}{m}{minute}" if h else f"{m}{alone}"

    @property
    def text_zh(self) -> str:
        if self.deadline is None:
            return "—"
        if self.in_days:
            if self.overdue:
                return f"已超期 {self.workdays} 个工作日" if self.workdays else "已超期"
            return f"剩余 {self.workdays} 个工作日" if self.workdays else "今日到期"
        span = self._span_minutes(hour=" 小时 ", minute=" 分", alone=" 分钟").strip()
        if self.overdue:
            return f"已超期 {span}（工作时间）" if self.minutes else "已超期"
        return f"剩余 {span}（工作时间）"

    @property
    def text_en(self) -> str:
        if self.deadline is None:
            return "—"
        if self.in_days:
            plural = "" if self.workdays == 1 else "s"
            if self.overdue:
                return f"overdue by {self.workdays} working day{plural}" if self.workdays else "overdue"
            return f"{self.workdays} working day{plural} left" if self.workdays else "due today"
        span = self._span_minutes(hour=" h ", minute=" min", alone=" min").strip()
        if self.overdue:
            return f"overdue by {span} of working time" if self.minutes else "overdue"
        return f"{span} of working time left"


def business_hours(point: ServicePoint) -> BusinessHours:
    """The service point's business hours as the intake clock counts them (its first listed period set)."""
    return BusinessHours.parse(point.hours.split(";")[0] if point.hours else "")


def intake_clock(app: Application, now: datetime) -> Clock:
    left = work_calendar().time_left(now, app.intake_deadline, business_hours(app.service_point))
    minutes = -left.minutes if left.overdue else left.minutes
    near = not left.overdue and left.minutes <= NEAR_INTAKE_MINUTES
    return Clock(app.intake_deadline, left.overdue, near, minutes)


def case_deadline(case: ItemCase) -> datetime | None:
    if case.status == CaseStatus.PENDING_ACCEPTANCE:
        return case.accept_deadline
    if case.status in (CaseStatus.ACCEPTED, CaseStatus.PRE_REVIEW):
        return case.decide_deadline
    return None  # paused (correction) or decided: no clock running


def case_clock(case: ItemCase, now: datetime) -> Clock:
    deadline = case_deadline(case)
    if deadline is None:
        return Clock(None, case.overdue, False, 0, in_days=True)
    left = work_calendar().time_left(now, deadline)
    overdue = case.overdue or left.overdue
    near = not overdue and left.workdays <= NEAR_DECISION_WORKDAYS
    return Clock(
        deadline,
        overdue,
        near,
        0,
        workdays=0 if overdue and not left.overdue else left.workdays,
        in_days=True,
    )
