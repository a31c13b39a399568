"""Replays the whole CaseEvent history table through the transition tables (yijianshi/cases/transitions.py)
and names every impossible sequence. Used by the invariant tests after a concurrency storm and after a
realistic mix of flows, and by bench/faults.py after a fault run.

Item case: the status-changing events of one item case, in (at, id) order, must form a chain that starts at
pending_acceptance, each step an allowed (state, action) → state of CASE_TRANSITIONS, ending at the case's
current status, with the case's version = 1 + the number of steps (every change bumps it exactly once).
Application: the same for its own status events against APPLICATION_TRANSITIONS, starting with `submitted`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from yijianshi.cases.models import Application, CaseEvent, EventType, ItemCase
from yijianshi.cases.transitions import (
    APPLICATION_TRANSITIONS,
    CASE_TRANSITIONS,
    AppAction,
    AppStatus,
    CaseAction,
    CaseStatus,
)

CASE_ACTION_OF: dict[str, CaseAction] = {
    EventType.ACCEPTED: CaseAction.ACCEPT,
    EventType.PRE_REVIEW: CaseAction.ACCEPT,
    EventType.REJECTED: CaseAction.REJECT,
    EventType.CORRECTION_REQUESTED: CaseAction.REQUEST_CORRECTION,
    EventType.RESUMED: CaseAction.RESUME,
    EventType.PREREQUISITE_READY: CaseAction.PREREQUISITE_READY,
    EventType.APPROVED: CaseAction.APPROVE,
    EventType.DENIED: CaseAction.DENY,
    EventType.WITHDRAWN: CaseAction.WITHDRAW,
    EventType.TERMINATED: CaseAction.TERMINATE,
    EventType.DELIVERED: CaseAction.DELIVER,
    EventType.REVOKED: CaseAction.REVOKE,
    EventType.PROGRESS: CaseAction.PROGRESS,
}
APP_ACTIONS_OF: dict[str, tuple[AppAction, ...]] = {
    EventType.RECEIVED: (AppAction.INTAKE_COMPLETE,),
    EventType.DEFICIENT: (AppAction.INTAKE_DEFICIENT,),
    EventType.SUPPLEMENTED: (AppAction.SUPPLEMENT,),
    EventType.WITHDRAWN: (AppAction.WITHDRAW,),
    EventType.COMPLETED: (AppAction.COMPLETE,),
    EventType.ARCHIVED: (AppAction.ARCHIVE,),
    EventType.DELIVERED: (AppAction.DELIVER, AppAction.DELIVER_PARTIAL),
}


def history_violations() -> list[str]:
    """Every impossible sequence in the history table, as readable lines (empty: the history is sound)."""
    problems: list[str] = []
    case_steps: dict[int, list[Any]] = defaultdict(list)
    app_steps: dict[int, list[Any]] = defaultdict(list)
    rows = (
        CaseEvent.objects.exclude(to_status="")
        .order_by("at", "pk")
        .values_list("pk", "application_id", "item_case_id", "type", "from_status", "to_status")
    )
    for pk, app_id, case_id, type_, old, new in rows.iterator(chunk_size=5000):
        (case_steps[case_id] if case_id else app_steps[app_id]).append((pk, type_, old, new))

    for case_id, status, version in ItemCase.objects.values_list("pk", "status", "version").iterator(
        chunk_size=5000
    ):
        state = CaseStatus.PENDING_ACCEPTANCE.value
        steps = case_steps.pop(case_id, [])
        for pk, type_, old, new in steps:
            action = CASE_ACTION_OF.get(type_)
            if old != state:
                problems.append(
                    f"item case {case_id}: event {pk} ({type_}) starts from {old!r}, but it was {state!r}"
                )
            elif action is None:
                problems.append(f"item case {case_id}: event {pk} of type {type_!r} changes the status")
            elif new not in CASE_TRANSITIONS.get((CaseStatus(old), action), frozenset()):
                problems.append(
                    f"item case {case_id}: event {pk}: {old} --{action}--> {new} is not in the table"
                )
            state = new
        if state != status:
            problems.append(f"item case {case_id}: history ends at {state!r} but the case is {status!r}")
        if version != 1 + len(steps):
            problems.append(f"item case {case_id}: version {version} after {len(steps)} recorded changes")
    problems += [f"events {[s[0] for s in v]} belong to no item case" for v in case_steps.values()]

    for app_id, status in Application.objects.values_list("pk", "status").iterator(chunk_size=5000):
        steps = app_steps.pop(app_id, [])
        if not steps or steps[0][1] != EventType.SUBMITTED or steps[0][3] != AppStatus.SUBMITTED:
            problems.append(f"application {app_id}: its history does not begin with the submission")
            continue
        state = AppStatus.SUBMITTED.value
        for pk, type_, old, new in steps[1:]:
            actions = APP_ACTIONS_OF.get(type_, ())
            if old != state:
                problems.append(
                    f"application {app_id}: event {pk} ({type_}) starts from {old!r}, but it was {state!r}"
                )
            elif old == new and type_ == EventType.DELIVERED and old == AppStatus.RECEIVED:
                pass  # some items delivered before the rest are decided: the application's status does not move
            elif not any(
                new in APPLICATION_TRANSITIONS.get((AppStatus(old), a), frozenset()) for a in actions
            ):
                problems.append(
                    f"application {app_id}: event {pk}: {old} --{type_}--> {new} is not in the table"
                )
            state = new
        if state != status:
            problems.append(
                f"application {app_id}: history ends at {state!r} but the application is {status!r}"
            )
    return problems
