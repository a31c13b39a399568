"""The two state machines of a case, as data (STYLE.md: transitions are data; 004 annex 3 is the source).

Only services change a status, and only through `next_status`, which raises `TransitionNotAllowed` (a domain
error with a stable code) for any pair of state and action not in the table — never a silent no-op. The tables
are pure and tested exhaustively (every state × every action).

Application (办件):
    submitted ─intake_complete→ received ─complete→ completed ─deliver→ delivered ─archive→ archived
    submitted ─intake_deficient→ deficient ─supplement→ submitted          (一次告知, 补齐补正)
    submitted | deficient | received ─withdraw→ withdrawn                   (撤回: before any decision)
    completed ─deliver_partial→ completed                                   (item-by-item delivery)

Item case (子件), one per item, handled by one department:
    pending_acceptance ─accept→ accepted | pre_review     (受理; pre_review while a prerequisite's result is pending)
    pending_acceptance ─reject→ rejected                  (不予受理, with reasons)
    accepted | pre_review ─request_correction→ correction (补正: the clock stops)
    correction ─resume→ accepted | pre_review             (the clock runs again, extended by the pause)
    pre_review ─prerequisite_ready→ accepted              (the prerequisite's result arrived: decide at once)
    accepted ─approve→ approved ; accepted | pre_review ─deny→ denied
    open ─withdraw→ withdrawn ; open ─terminate→ terminated   (prerequisite denied, tolerated material never came)
    approved ─deliver→ delivered ; approved | delivered ─revoke→ revoked   (a false commitment)
    accepted | pre_review | correction ─progress→ same    (progress noted by hand for a department without a system)
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from yijianshi.core.errors import DomainError


class AppStatus(StrEnum):
    SUBMITTED = "submitted"
    DEFICIENT = "deficient"
    RECEIVED = "received"
    COMPLETED = "completed"
    DELIVERED = "delivered"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"


class AppAction(StrEnum):
    INTAKE_COMPLETE = "intake_complete"
    INTAKE_DEFICIENT = "intake_deficient"
    SUPPLEMENT = "supplement"
    WITHDRAW = "withdraw"
    COMPLETE = "complete"
    DELIVER_PARTIAL = "deliver_partial"
    DELIVER = "deliver"
    ARCHIVE = "archive"


class CaseStatus(StrEnum):
    PENDING_ACCEPTANCE = "pending_acceptance"
    ACCEPTED = "accepted"
    PRE_REVIEW = "pre_review"
    CORRECTION = "correction"
    APPROVED = "approved"
    DENIED = "denied"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    TERMINATED = "terminated"
    DELIVERED = "delivered"
    REVOKED = "revoked"


class CaseAction(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    REQUEST_CORRECTION = "request_correction"
    RESUME = "resume"
    PREREQUISITE_READY = "prerequisite_ready"
    APPROVE = "approve"
    DENY = "deny"
    WITHDRAW = "withdraw"
    TERMINATE = "terminate"
    DELIVER = "deliver"
    REVOKE = "revoke"
    PROGRESS = "progress"


A, AA = AppStatus, AppAction
APPLICATION_TRANSITIONS: dict[tuple[AppStatus, AppAction], frozenset[AppStatus]] = {
    (A.SUBMITTED, AA.INTAKE_COMPLETE): frozenset({A.RECEIVED}),
    (A.SUBMITTED, AA.INTAKE_DEFICIENT): frozenset({A.DEFICIENT}),
    (A.DEFICIENT, AA.SUPPLEMENT): frozenset({A.SUBMITTED}),
    (A.SUBMITTED, AA.WITHDRAW): frozenset({A.WITHDRAWN}),
    (A.DEFICIENT, AA.WITHDRAW): frozenset({A.WITHDRAWN}),
    (A.RECEIVED, AA.WITHDRAW): frozenset({A.WITHDRAWN}),
    (A.RECEIVED, AA.COMPLETE): frozenset({A.COMPLETED}),
    (A.COMPLETED, AA.DELIVER_PARTIAL): frozenset({A.COMPLETED}),
    (A.COMPLETED, AA.DELIVER): frozenset({A.DELIVERED}),
    (A.DELIVERED, AA.ARCHIVE): frozenset({A.ARCHIVED}),
}

C, CA = CaseStatus, CaseAction
OPEN_CASE_STATES = frozenset({C.PENDING_ACCEPTANCE, C.ACCEPTED, C.PRE_REVIEW, C.CORRECTION})
FINAL_CASE_STATES = frozenset({C.APPROVED, C.DENIED, C.REJECTED, C.WITHDRAWN, C.TERMINATED, C.DELIVERED, C.REVOKED})
CASE_TRANSITIONS: dict[tuple[CaseStatus, CaseAction], frozenset[CaseStatus]] = {
    (C.PENDING_ACCEPTANCE, CA.ACCEPT): frozenset({C.ACCEPTED, C.PRE_REVIEW}),
    (C.PENDING_ACCEPTANCE, CA.REJECT): frozenset({C.REJECTED}),
    (C.ACCEPTED, CA.REQUEST_CORRECTION): frozenset({C.CORRECTION}),
    (C.PRE_REVIEW, CA.REQUEST_CORRECTION): frozenset({C.CORRECTION}),
    (C.CORRECTION, CA.RESUME): frozenset({C.ACCEPTED, C.PRE_REVIEW}),
    (C.PRE_REVIEW, CA.PREREQUISITE_READY): frozenset({C.ACCEPTED}),
    (C.ACCEPTED, CA.APPROVE): frozenset({C.APPROVED}),
    (C.ACCEPTED, CA.DENY): frozenset({C.DENIED}),
    (C.PRE_REVIEW, CA.DENY): frozenset({C.DENIED}),
    (C.APPROVED, CA.DELIVER): frozenset({C.DELIVERED}),
    (C.APPROVED, CA.REVOKE): frozenset({C.REVOKED}),
    (C.DELIVERED, CA.REVOKE): frozenset({C.REVOKED}),
    **{(s, CA.WITHDRAW): frozenset({C.WITHDRAWN}) for s in OPEN_CASE_STATES},
    **{(s, CA.TERMINATE): frozenset({C.TERMINATED}) for s in OPEN_CASE_STATES},
    **{(s, CA.PROGRESS): frozenset({s}) for s in (C.ACCEPTED, C.PRE_REVIEW, C.CORRECTION)},
}


class TransitionNotAllowed(DomainError):
    status = 409

    def __init__(self, machine: str, state: str, action: str) -> None:
        super().__init__(
            "transition_not_allowed",
            f"当前状态“{state}”下不允许执行“{action}”",
            f"'{action}' is not allowed while the {machine} is '{state}'",
            field="action",
        )
        self.state = state
        self.action = action


def next_application_status(state: AppStatus, action: AppAction, target: AppStatus | None = None) -> AppStatus:
    return _next("application", APPLICATION_TRANSITIONS, state, action, target)


def next_case_status(state: CaseStatus, action: CaseAction, target: CaseStatus | None = None) -> CaseStatus:
    return _next("item case", CASE_TRANSITIONS, state, action, target)


S = TypeVar("S", AppStatus, CaseStatus)
T = TypeVar("T", AppAction, CaseAction)


def _next(machine: str, table: dict[tuple[S, T], frozenset[S]], state: S, action: T, target: S | None) -> S:
    allowed = table.get((state, action))
    if not allowed:
        raise TransitionNotAllowed(machine, str(state), str(action))
    if target is None:
        if len(allowed) != 1:
            raise ValueError(f"{machine} {state} --{action}--> needs a target among {sorted(allowed)}")
        return next(iter(allowed))
    if target not in allowed:
        raise TransitionNotAllowed(machine, str(state), str(action))
    return target
