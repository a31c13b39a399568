"""The sweep (004 annex 3; 003 督办): what is overdue is marked and escalated — first to the department head,
one working day later to the supervising bureau —, online applications not checked within their 2 working
hours are flagged, tolerated materials that never came end their item case, and a notice the applicant did not
answer by the date it printed has the consequence it printed (cases/progress.py): an application left deficient
is treated as withdrawn (视为撤回), an item left in correction ends (终止). Run every minute by the job registry
(Celery beat or the embedded runner)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from yijianshi.catalog.models import Department
from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.calendar import work_calendar
from yijianshi.core.workdays import deadline_words
from yijianshi.documents.kinds import DocumentKind

from .. import progress
from ..models import Application, EventType, ItemCase, ToleratedMaterial
from ..transitions import OPEN_CASE_STATES, AppAction, AppStatus, CaseAction, CaseStatus
from .base import document_issue, event_write, lock_application, notify_applicant, set_app_status
from .item_cases import complete_if_done, end_case, terminate_dependants

LAST_ESCALATION_LEVEL = 2  # 1: the department head; 2, a working day later: the supervising bureau


def deadlines_sweep(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Mark what is overdue and escalate it: first to the department head, one working day later to the
    supervising bureau (the region's approval / data bureau); expire tolerated materials that never came.
    Each row is handled in its own short transaction, with SKIP LOCKED so two sweepers never double work; a row
    another transaction holds (another sweeper, an officer acting on the case) is left for the next sweep and
    counted as `skipped`."""
    now = now or clock.now()
    calendar = work_calendar()
    stats = {"overdue": 0, "escalated": 0, "expired": 0, "lapsed": 0, "skipped": 0}
    for pk in _cases_to_sweep(
        [CaseStatus.PENDING_ACCEPTANCE], "accept_deadline", now, batch
    ) + _cases_to_sweep([CaseStatus.ACCEPTED, CaseStatus.PRE_REVIEW], "decide_deadline", now, batch):
        with transaction.atomic():
            case = _case_to_sweep(pk)
            if case is None:
                stats["skipped"] += 1
                continue
            deadline = (
                case.accept_deadline if case.status == CaseStatus.PENDING_ACCEPTANCE else case.decide_deadline
            )
            if deadline is None or deadline >= now:
                continue
            level = LAST_ESCALATION_LEVEL if calendar.workdays_between(deadline, now) >= 1 else 1
            changed = False
            if not case.overdue:
                case.overdue, changed = True, True
                stats["overdue"] += 1
                event_write(
                    case.application,
                    EventType.OVERDUE,
                    actor=Actor.system(),
                    item_case=case,
                    data={"deadline": deadline.isoformat()},
                )
            if level > case.escalation_level:
                to = case.department.name + "负责人" if level == 1 else _supervisor(case.department)
                case.escalation_level, changed = level, True
                stats["escalated"] += 1
                event_write(
                    case.application,
                    EventType.ESCALATED,
                    actor=Actor.system(),
                    item_case=case,
                    data={"level": level, "to": to, "deadline": deadline.isoformat()},
                )
            if changed:  # a case at level 1 waits for its working day: nothing to write until then
                case.save(update_fields=["overdue", "escalation_level"])
    for pk in Application.objects.filter(
        status=AppStatus.SUBMITTED, overdue=False, intake_deadline__lt=now
    ).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            app = Application.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if app is None:
                stats["skipped"] += 1
                continue
            if app.overdue or app.status != AppStatus.SUBMITTED:
                continue
            app.overdue = True
            app.escalation_level = 1
            app.save(update_fields=["overdue", "escalation_level"])
            stats["overdue"] += 1
            event_write(
                app,
                EventType.OVERDUE,
                actor=Actor.system(),
                data={"deadline": app.intake_deadline.isoformat(), "stage": "intake"},
            )
    for pk in ToleratedMaterial.objects.filter(
        received_at__isnull=True, expired=False, due_at__lt=now, item_case__status__in=list(OPEN_CASE_STATES)
    ).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            row = ToleratedMaterial.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                stats["skipped"] += 1
                continue
            if row.expired or row.received_at:
                continue
            app = lock_application(row.item_case.application_id)
            siblings = {c.ref: c for c in ItemCase.objects.select_for_update().filter(application=app)}
            case = next(c for c in siblings.values() if c.pk == row.item_case_id)
            row.expired = True
            row.save(update_fields=["expired"])
            if case.status in OPEN_CASE_STATES:
                text = f"容缺材料“{row.name}”逾期未补交，本事项终止"
                end_case(app, case, CaseAction.TERMINATE, text)
                terminate_dependants(app, case, siblings, f"前置事项“{case.name}”终止，本事项终止")
                complete_if_done(app, siblings)
                notify_applicant(
                    app,
                    "item_case.terminated",
                    text,
                    f"'{case.name}' ended: the tolerated material never came.",
                )
            stats["expired"] += 1
    _unanswered_deficiencies(now, stats)
    _unanswered_corrections(now, stats)
    return stats


def _unanswered_deficiencies(now: datetime, stats: dict[str, int]) -> None:
    """一次告知 not answered by its date: 逾期未补正的，视为撤回申请 (as the notice says). An answer at least
    `supplement_days()` calendar days old is the least a candidate can be; the printed date decides."""
    oldest = now - timedelta(days=progress.supplement_days())
    candidates = (
        Application.objects.filter(
            status=AppStatus.DEFICIENT, events__type=EventType.DEFICIENT, events__at__lt=oldest
        )
        .values_list("pk", flat=True)
        .distinct()[:500]
    )
    for pk in candidates:
        with transaction.atomic():
            app = Application.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if app is None:
                stats["skipped"] += 1
                continue
            last = app.events.filter(type=EventType.DEFICIENT).order_by("-at", "-pk").first()
            due = progress.printed_respond_by(last)
            if app.status != AppStatus.DEFICIENT or due is None or due >= now:
                continue
            old = set_app_status(app, AppAction.WITHDRAW)
            app.withdrawn_at = now
            app.save(update_fields=["status", "version", "withdrawn_at"])
            text = "逾期未补正，视为撤回申请"
            doc = document_issue(
                app,
                DocumentKind.WITHDRAWAL_NOTICE,
                issued_by=app.service_point,
                items=[text],
                lines=[("办件编号", app.number), ("补正期限", deadline_words(due))],
            )
            event_write(
                app,
                EventType.WITHDRAWN,
                actor=Actor.system(),
                from_status=old,
                to_status=app.status,
                reason=text,
                data={"lapsed": "supplement", "respond_by": due.isoformat()},
                document=doc,
            )
            notify_applicant(
                app,
                "application.withdrawn",
                f"{text}（补正期限{deadline_words(due)}）。",
                "nothing was supplied by the date on the notice: the application is treated as withdrawn.",
            )
            stats["lapsed"] += 1


def _unanswered_corrections(now: datetime, stats: dict[str, int]) -> None:
    """补正 not answered by its date: 逾期未补正的，本事项终止办理 (and the items that need it end with it)."""
    oldest = now - timedelta(days=progress.correction_days())
    for pk in ItemCase.objects.filter(status=CaseStatus.CORRECTION, paused_at__lt=oldest).values_list(
        "pk", flat=True
    )[:500]:
        with transaction.atomic():
            row = _case_to_sweep(pk)
            if row is None:
                stats["skipped"] += 1
                continue
            last = row.events.filter(type=EventType.CORRECTION_REQUESTED).order_by("-at", "-pk").first()
            due = progress.printed_respond_by(last)
            if row.status != CaseStatus.CORRECTION or due is None or due >= now:
                continue
            app = lock_application(row.application_id)
            siblings = {c.ref: c for c in ItemCase.objects.select_for_update().filter(application=app)}
            case = siblings[row.ref]
            text = f"“{case.name}”逾期未补正，本事项终止办理"
            end_case(app, case, CaseAction.TERMINATE, text)
            terminate_dependants(app, case, siblings, f"前置事项“{case.name}”终止，本事项终止")
            complete_if_done(app, siblings)
            notify_applicant(
                app,
                "item_case.terminated",
                f"{text}（补正期限{deadline_words(due)}）。",
                f"'{case.name}' ended: the correction was not made by the date on the notice.",
            )
            stats["lapsed"] += 1


def _cases_to_sweep(statuses: list[str], deadline: str, now: datetime, batch: int) -> list[int]:
    """The first `batch` overdue item cases the sweep still has something to do for: not marked overdue yet
    (first), or below the last escalation level (oldest deadline first: when it is not due for the next level,
    no later one is). Cases escalated as far as they go never fill the batch and hide the others."""
    return list(
        ItemCase.objects.filter(status__in=statuses, **{f"{deadline}__lt": now})
        .exclude(overdue=True, escalation_level__gte=LAST_ESCALATION_LEVEL)
        .order_by("overdue", deadline, "pk")
        .values_list("pk", flat=True)[:batch]
    )


def _case_to_sweep(pk: int) -> ItemCase | None:
    """Item case `pk`, locked for the rest of the transaction; None when another transaction holds it. Only its
    own row is locked, not its application's nor its department's (`of`), so that a sweeper on another worker
    skips this case alone, not every case of the department and of the application."""
    return (
        ItemCase.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=pk)
        .select_related("application", "department")
        .first()
    )


def _supervisor(department: Department) -> str:
    bureau = Department.objects.filter(
        region_id=department.region_id, kind__in=["approval", "data_bureau"]
    ).first()
    return bureau.name if bureau else "本级政务服务管理机构"
