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

from yijianshi.core.labels import Labelled, labels_set
from yijianshi.core.statemachine import Machine, TransitionNotAllowed

__all__ = [
    "APPLICATION",
    "APPLICATION_TRANSITIONS",
    "CASE",
    "CASE_TRANSITIONS",
    "FINAL_CASE_STATES",
    "OPEN_CASE_STATES",
    "AppAction",
    "AppStatus",
    "CaseAction",
    "CaseStatus",
    "TransitionNotAllowed",
    "next_application_status",
    "next_case_status",
]


class AppStatus(Labelled):
    SUBMITTED = "submitted"
    DEFICIENT = "deficient"
    RECEIVED = "received"
    COMPLETED = "completed"
    DELIVERED = "delivered"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"


labels_set(
    AppStatus,
    {
        "submitted": ("已提交，待收件", "submitted, awaiting intake"),
        "deficient": ("材料需补正（一次告知）", "materials to complete"),
        "received": ("已收件，各部门办理中", "received; departments at work"),
        "completed": ("已办结", "completed"),
        "delivered": ("已送达", "delivered"),
        "archived": ("已归档", "archived"),
        "withdrawn": ("已撤回", "withdrawn"),
    },
)


class AppAction(Labelled):
    INTAKE_COMPLETE = "intake_complete"
    INTAKE_DEFICIENT = "intake_deficient"
    SUPPLEMENT = "supplement"
    WITHDRAW = "withdraw"
    COMPLETE = "complete"
    DELIVER_PARTIAL = "deliver_partial"
    DELIVER = "deliver"
    ARCHIVE = "archive"


labels_set(
    AppAction,
    {
        "intake_complete": ("收件", "Receive"),
        "intake_deficient": ("一次告知", "Deficiency notice"),
        "supplement": ("补齐补正", "Supplement"),
        "withdraw": ("撤回申请", "Withdraw"),
        "complete": ("办结", "Complete"),
        "deliver_partial": ("部分送达", "Deliver in part"),
        "deliver": ("送达", "Deliver"),
        "archive": ("归档", "Archive"),
    },
)


class CaseStatus(Labelled):
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


labels_set(
    CaseStatus,
    {
        "pending_acceptance": ("待受理", "pending acceptance"),
        "accepted": ("已受理，办理中", "accepted"),
        "pre_review": ("容缺预审", "pre-review"),
        "correction": ("待补正", "correction requested"),
        "approved": ("准予", "approved"),
        "denied": ("不予批准", "denied"),
        "rejected": ("不予受理", "rejected"),
        "withdrawn": ("已撤回", "withdrawn"),
        "terminated": ("已终止", "terminated"),
        "delivered": ("已送达", "delivered"),
        "revoked": ("已撤销", "revoked"),
    },
)


class CaseAction(Labelled):
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


labels_set(
    CaseAction,
    {
        "accept": ("受理", "Accept"),
        "reject": ("不予受理", "Reject"),
        "request_correction": ("告知补正", "Request correction"),
        "resume": ("补正完成，恢复计时", "Resume"),
        "prerequisite_ready": ("前置结果已到", "Prerequisite ready"),
        "approve": ("准予（办结）", "Approve"),
        "deny": ("不予批准", "Deny"),
        "withdraw": ("撤回", "Withdraw"),
        "terminate": ("终止", "Terminate"),
        "deliver": ("送达", "Deliver"),
        "revoke": ("撤销", "Revoke"),
        "progress": ("更新办理进度", "Update progress"),
    },
)


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
FINAL_CASE_STATES = frozenset(
    {C.APPROVED, C.DENIED, C.REJECTED, C.WITHDRAWN, C.TERMINATED, C.DELIVERED, C.REVOKED}
)
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


APPLICATION: Machine[AppStatus, AppAction] = Machine("application", AppStatus, APPLICATION_TRANSITIONS)
CASE: Machine[CaseStatus, CaseAction] = Machine("item case", CaseStatus, CASE_TRANSITIONS)


def next_application_status(
    state: AppStatus, action: AppAction, target: AppStatus | None = None
) -> AppStatus:
    return APPLICATION.next(state, action, target)


def next_case_status(state: CaseStatus, action: CaseAction, target: CaseStatus | None = None) -> CaseStatus:
    return CASE.next(state, action, target)
