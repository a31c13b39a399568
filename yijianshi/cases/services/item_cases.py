"""The departments' work on their item cases (004 annex 3 §4–5): accept within 1 working day (or reject with
reasons), pre-review an item whose prerequisite's result is pending and decide it the moment that result
arrives, request a correction (the clock stops) and resume, approve (an e-licence is signed when the item
issues one) or deny, note progress by hand for a department without a connected system.

One service per officer verb (`item_case_accept`, `item_case_reject`, …), each on `_decide`: lock the
application and its item cases (always in that order), check the department, the version and the table, apply
the verb's own change, then its effects — the history row, the document and the notice — as the data in
`VERBS` says, and what follows for the other items (release the dependants, end them, complete the
application). `item_case_transition` routes a verb named by a face (the API's and the workbench's form) to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.calendar import work_calendar
from yijianshi.core.errors import Conflict, DomainError
from yijianshi.documents.kinds import DocumentKind
from yijianshi.integrations.outbox import outbox_enqueue

from .. import permissions
from ..models import Application, Document, EventType, ItemCase
from ..transitions import (
    CASE,
    FINAL_CASE_STATES,
    OPEN_CASE_STATES,
    AppAction,
    AppStatus,
    CaseAction,
    CaseStatus,
)
from .base import (
    DONE_FOR_DEPENDANTS,
    check_version,
    document_issue,
    event_write,
    lock_application,
    notify_applicant,
    set_app_status,
)

MAX_REASON = 2000


@dataclass(frozen=True)
class Verb:
    """An officer's verb as data: its history row, the document it issues, the notice the applicant gets
    ({name} is the item's name, {reason} the officer's reason), whether a reason is required."""

    event: EventType
    document: DocumentKind | None
    notice: tuple[str, str, str] | None  # (event, zh, en)
    reason_required: bool = False


VERBS: dict[CaseAction, Verb] = {
    CaseAction.ACCEPT: Verb(
        EventType.ACCEPTED,
        DocumentKind.ACCEPTANCE_NOTICE,
        (
            "item_case.accepted",
            "“{name}”已受理，办理时限开始计算。",
            "'{name}' accepted; its clock has started.",
        ),
    ),
    CaseAction.REJECT: Verb(
        EventType.REJECTED,
        DocumentKind.REJECTION_DECISION,
        ("item_case.rejected", "“{name}”不予受理：{reason}", "'{name}' was not accepted."),
        reason_required=True,
    ),
    CaseAction.REQUEST_CORRECTION: Verb(
        EventType.CORRECTION_REQUESTED,
        DocumentKind.CORRECTION_NOTICE,
        ("item_case.correction", "“{name}”需补正：{reason}", "'{name}' needs a correction."),
        reason_required=True,
    ),
    CaseAction.RESUME: Verb(EventType.RESUMED, None, None),
    CaseAction.APPROVE: Verb(
        EventType.APPROVED,
        DocumentKind.APPROVAL_DECISION,
        ("item_case.approved", "“{name}”已办结（准予）。", "'{name}' approved."),
    ),
    CaseAction.DENY: Verb(
        EventType.DENIED,
        DocumentKind.DENIAL_DECISION,
        ("item_case.denied", "“{name}”不予批准：{reason}", "'{name}' denied."),
        reason_required=True,
    ),
    CaseAction.PROGRESS: Verb(EventType.PROGRESS, None, None, reason_required=True),
}


@dataclass
class _Decision:
    """What a verb's own step hands back to `_decide`."""

    lines: list[tuple[str, str]]
    items: list[str]
    event: EventType | None = None  # another history row than the verb's (accept into pre-review)
    data: dict[str, Any] | None = None


def _prerequisites_done(case: ItemCase, siblings: dict[str, ItemCase]) -> bool:
    return all(siblings[r].status in DONE_FOR_DEPENDANTS for r in case.requires if r in siblings)


def _decide(
    *,
    item_case: ItemCase,
    actor: Actor,
    action: CaseAction,
    expected_version: int | None,
    reason: str,
    step: Callable[[Application, ItemCase, dict[str, ItemCase], str], _Decision],
) -> ItemCase:
    verb = VERBS[action]
    app = lock_application(item_case.application_id)
    siblings = {c.ref: c for c in ItemCase.objects.select_for_update().filter(application=app)}
    case = next(c for c in siblings.values() if c.pk == item_case.pk)
    permissions.require_department(actor, case)
    check_version(case, expected_version)
    reason = (reason or "").strip()
    if verb.reason_required and not reason:
        raise DomainError("reason_required", "请说明理由", "A reason is required", field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(
            "too_long", "理由不能超过 2000 字", "The reason must be at most 2000 characters", field="reason"
        )
    old = case.status
    decision = step(app, case, siblings, reason)
    document: Document | None = None
    if verb.document is not None:
        document = document_issue(
            app,
            verb.document,
            issued_by=case.department,
            item_case=case,
            lines=decision.lines,
            items=decision.items,
        )
    if verb.notice is not None:
        event, zh, en = verb.notice
        shown = "；".join(decision.items) if decision.items else reason
        notify_applicant(
            app, event, zh.format(name=case.name, reason=shown), en.format(name=case.name, reason=shown)
        )
    case.version += 1
    case.save()
    event_write(
        app,
        decision.event or verb.event,
        actor=actor,
        item_case=case,
        from_status=old,
        to_status=case.status,
        reason=reason,
        data=decision.data or {},
        document=document,
    )
    if case.status == CaseStatus.APPROVED:
        _release_dependants(app, case, siblings)
    if case.status in (CaseStatus.DENIED, CaseStatus.REJECTED):
        terminate_dependants(app, case, siblings, f"前置事项“{case.name}”未获准予，本事项终止")
    complete_if_done(app, siblings)
    return case


@transaction.atomic
def item_case_accept(*, item_case: ItemCase, actor: Actor, expected_version: int | None) -> ItemCase:
    """受理: the item's clock starts; an item whose prerequisite's result is pending goes to pre-review."""

    def step(app: Application, case: ItemCase, siblings: dict[str, ItemCase], reason: str) -> _Decision:
        now = clock.now()
        target = CaseStatus.ACCEPTED if _prerequisites_done(case, siblings) else CaseStatus.PRE_REVIEW
        case.status = CASE.next(case.status, CaseAction.ACCEPT, target)
        case.accepted_at = now
        case.decide_deadline = work_calendar().add_workdays(now, case.promised_limit_days)
        case.overdue = False
        return _Decision(
            lines=[("事项", case.name), ("承诺办结时限", f"{case.promised_limit_days} 个工作日")],
            items=[],
            event=EventType.PRE_REVIEW if target == CaseStatus.PRE_REVIEW else None,
        )

    return _decide(
        item_case=item_case,
        actor=actor,
        action=CaseAction.ACCEPT,
        expected_version=expected_version,
        reason="",
        step=step,
    )


@transaction.atomic
def item_case_reject(
    *, item_case: ItemCase, actor: Actor, expected_version: int | None, reason: str
) -> ItemCase:
    """不予受理, with the reasons (printed in the decision)."""

    def step(app: Application, case: ItemCase, siblings: dict[str, ItemCase], reason: str) -> _Decision:
        case.status = CASE.next(case.status, CaseAction.REJECT)
        case.decided_at = clock.now()
        return _Decision(lines=[("事项", case.name)], items=[reason])

    return _decide(
        item_case=item_case,
        actor=actor,
        action=CaseAction.REJECT,
        expected_version=expected_version,
        reason=reason,
        step=step,
    )


@transaction.atomic
def item_case_request_correction(
    *,
    item_case: ItemCase,
    actor: Actor,
    expected_version: int | None,
    reason: str,
    corrections: Sequence[str] = (),
) -> ItemCase:
    """补正: the clock stops until the applicant's correction is in."""

    def step(app: Application, case: ItemCase, siblings: dict[str, ItemCase], reason: str) -> _Decision:
        case.resume_status = case.status
        case.status = CASE.next(case.status, CaseAction.REQUEST_CORRECTION)
        case.paused_at = clock.now()
        return _Decision(
            lines=[("事项", case.name)], items=[c for c in corrections if str(c).strip()] or [reason]
        )

    return _decide(
        item_case=item_case,
        actor=actor,
        action=CaseAction.REQUEST_CORRECTION,
        expected_version=expected_version,
        reason=reason,
        step=step,
    )


@transaction.atomic
def item_case_resume(
    *, item_case: ItemCase, actor: Actor, expected_version: int | None, reason: str = ""
) -> ItemCase:
    """The correction is in: the clock runs again, the deadline extended by the pause."""

    def step(app: Application, case: ItemCase, siblings: dict[str, ItemCase], reason: str) -> _Decision:
        now, calendar = clock.now(), work_calendar()
        back = CaseStatus(case.resume_status or CaseStatus.ACCEPTED)
        if back == CaseStatus.PRE_REVIEW and _prerequisites_done(case, siblings):
            back = CaseStatus.ACCEPTED
        case.status = CASE.next(case.status, CaseAction.RESUME, back)
        paused = calendar.workdays_between(case.paused_at, now) if case.paused_at else 0
        case.paused_workdays += paused
        if case.decide_deadline is not None and paused:
            case.decide_deadline = calendar.extend_deadline(case.decide_deadline, paused)
        case.paused_at = None
        case.resume_status = ""
        return _Decision(lines=[], items=[])

    return _decide(
        item_case=item_case,
        actor=actor,
        action=CaseAction.RESUME,
        expected_version=expected_version,
        reason=reason,
        step=step,
    )


@transaction.atomic
def item_case_approve(
    *,
    item_case: ItemCase,
    actor: Actor,
    expected_version: int | None,
    reason: str = "",
    result: dict[str, Any] | None = None,
) -> ItemCase:
    """准予: the result, and the e-licence signed into the wallet when the item issues one."""

    def step(app: Application, case: ItemCase, siblings: dict[str, ItemCase], reason: str) -> _Decision:
        if case.status == CaseStatus.PRE_REVIEW:
            pending = [
                siblings[r].name
                for r in case.requires
                if r in siblings and siblings[r].status not in DONE_FOR_DEPENDANTS
            ]
            raise Conflict(
                "prerequisite_not_approved",
                f"前置事项尚未办结：{'、'.join(pending)}，暂不能作出决定",
                f"The prerequisite result is not there yet ({', '.join(pending)}); cannot decide",
                field="action",
            )
        case.status = CASE.next(case.status, CaseAction.APPROVE)
        case.decided_at = clock.now()
        case.result = {
            "summary": str((result or {}).get("summary") or case.item.result or case.name)[:300],
            "licence_type": case.item.issues_licence.code if case.item.issues_licence else None,
            "number": str((result or {}).get("number") or "")[:60],
        }
        from ..shared import issue_result_licence

        licence = issue_result_licence(case=case, application=app, actor=actor.user)
        if licence:
            case.result["licence"] = licence
        return _Decision(
            lines=[("事项", case.name), ("办理结果", case.result["summary"]), ("电子证照", licence or "—")],
            items=[],
            data={"result": case.result},
        )

    return _decide(
        item_case=item_case,
        actor=actor,
        action=CaseAction.APPROVE,
        expected_version=expected_version,
        reason=reason,
        step=step,
    )


@transaction.atomic
def item_case_deny(
    *, item_case: ItemCase, actor: Actor, expected_version: int | None, reason: str
) -> ItemCase:
    """不予批准, with the reasons (printed in the decision, with the remedies)."""

    def step(app: Application, case: ItemCase, siblings: dict[str, ItemCase], reason: str) -> _Decision:
        case.status = CASE.next(case.status, CaseAction.DENY)
        case.decided_at = clock.now()
        return _Decision(lines=[("事项", case.name)], items=[reason])

    return _decide(
        item_case=item_case,
        actor=actor,
        action=CaseAction.DENY,
        expected_version=expected_version,
        reason=reason,
        step=step,
    )


@transaction.atomic
def item_case_progress(
    *, item_case: ItemCase, actor: Actor, expected_version: int | None, reason: str
) -> ItemCase:
    """办理进度, noted by hand for a department without a connected system."""

    def step(app: Application, case: ItemCase, siblings: dict[str, ItemCase], reason: str) -> _Decision:
        CASE.next(case.status, CaseAction.PROGRESS, CaseStatus(case.status))
        case.progress_note = reason[:300]
        return _Decision(lines=[], items=[])

    return _decide(
        item_case=item_case,
        actor=actor,
        action=CaseAction.PROGRESS,
        expected_version=expected_version,
        reason=reason,
        step=step,
    )


def item_case_transition(
    *,
    item_case: ItemCase,
    actor: Actor,
    action: str,
    expected_version: int | None,
    reason: str = "",
    result: dict[str, Any] | None = None,
    corrections: Sequence[str] = (),
) -> ItemCase:
    """An officer's verb named by a face (accept, reject, request_correction, resume, approve, deny, progress),
    routed to its service. Stale `expected_version` → 409 with the current state."""
    try:
        act = CaseAction(action)
    except ValueError:
        raise DomainError(
            "unknown_action", f"未知操作“{action}”", f"Unknown action '{action}'", field="action"
        ) from None
    case, version = item_case, expected_version
    if act == CaseAction.ACCEPT:
        return item_case_accept(item_case=case, actor=actor, expected_version=version)
    if act == CaseAction.REJECT:
        return item_case_reject(item_case=case, actor=actor, expected_version=version, reason=reason)
    if act == CaseAction.REQUEST_CORRECTION:
        return item_case_request_correction(
            item_case=case, actor=actor, expected_version=version, reason=reason, corrections=corrections
        )
    if act == CaseAction.RESUME:
        return item_case_resume(item_case=case, actor=actor, expected_version=version, reason=reason)
    if act == CaseAction.APPROVE:
        return item_case_approve(
            item_case=case, actor=actor, expected_version=version, reason=reason, result=result
        )
    if act == CaseAction.DENY:
        return item_case_deny(item_case=case, actor=actor, expected_version=version, reason=reason)
    if act == CaseAction.PROGRESS:
        return item_case_progress(item_case=case, actor=actor, expected_version=version, reason=reason)
    raise DomainError(
        "action_not_for_officers",
        f"操作“{action}”由系统执行",
        f"'{action}' is done by the system",
        field="action",
    )


# ------------------------------------------------------------------------------------------------ what follows


def _release_dependants(app: Application, done: ItemCase, siblings: dict[str, ItemCase]) -> None:
    """容缺预审 → decide at once: dependants in pre-review whose prerequisites are now all there."""
    for case in siblings.values():
        if (
            done.ref in case.requires
            and case.status == CaseStatus.PRE_REVIEW
            and _prerequisites_done(case, siblings)
        ):
            old = case.status
            case.status = CASE.next(old, CaseAction.PREREQUISITE_READY)
            case.version += 1
            case.save(update_fields=["status", "version"])
            event_write(
                app,
                EventType.PREREQUISITE_READY,
                actor=Actor.system(),
                item_case=case,
                from_status=old,
                to_status=case.status,
                data={"prerequisite": done.ref},
            )


def terminate_dependants(
    app: Application, failed: ItemCase, siblings: dict[str, ItemCase], reason: str
) -> None:
    """A prerequisite that will never have a result ends every open item that needs it, transitively."""
    queue = [failed.ref]
    while queue:
        ref = queue.pop()
        for case in siblings.values():
            if ref in case.requires and case.status in OPEN_CASE_STATES:
                end_case(app, case, CaseAction.TERMINATE, reason)
                queue.append(case.ref)


def end_case(app: Application, case: ItemCase, action: CaseAction, reason: str) -> None:
    """An open item case ends without a decision (withdrawn, terminated); its department is told."""
    old = case.status
    case.status = CASE.next(old, action)
    case.decided_at = clock.now()
    case.version += 1
    case.save(update_fields=["status", "decided_at", "version"])
    event_write(
        app,
        EventType.TERMINATED if action == CaseAction.TERMINATE else EventType.WITHDRAWN,
        actor=Actor.system(),
        item_case=case,
        from_status=old,
        to_status=case.status,
        reason=reason,
    )
    topic = "item_case.terminated" if action == CaseAction.TERMINATE else "application.withdrawn"
    outbox_enqueue(
        topic=topic,
        department=case.department,
        payload={"application": app.number, "item_case": case.pk, "item": case.ref, "reason": reason},
        idempotency_key=f"{app.number}:{case.ref}:{action.value}",
    )


def complete_if_done(app: Application, siblings: dict[str, ItemCase]) -> None:
    """Every item decided: the application is complete (办结) and the applicant told to collect."""
    if (
        app.status == AppStatus.RECEIVED
        and siblings
        and all(c.status in FINAL_CASE_STATES for c in siblings.values())
    ):
        old = set_app_status(app, AppAction.COMPLETE)
        app.completed_at = clock.now()
        app.save(update_fields=["status", "version", "completed_at"])
        event_write(app, EventType.COMPLETED, actor=Actor.system(), from_status=old, to_status=app.status)
        notify_applicant(
            app,
            "application.completed",
            "全部事项已办结，请按所选方式领取结果。",
            "every item is decided; collect the results as chosen.",
        )
