"""The mandate's state machine, as data (STYLE.md: transitions are data), and the words it uses, with zh/en
labels. Pure: nothing here knows Django.

    (granted by the principal | recorded at a window) → active
    (requested by the agent) → requested
    requested ─confirm→ active        (the principal confirms in their account)
    requested ─refuse→ refused        (the principal says no)
    requested | active ─expire→ expired   (its last day has passed: the sweep)
    active ─revoke→ revoked           (the principal withdraws it)

revoked, expired and refused are final. Only services change a status, and only through
`next_mandate_status`, which raises `MandateTransitionNotAllowed` (409, `transition_not_allowed`) for any pair
of state and action not in the table.
"""

from __future__ import annotations

from enum import StrEnum
from typing import cast

from yijianshi.core.errors import Conflict
from yijianshi.core.labels import Labelled, labels_set
from yijianshi.core.statemachine import Machine, TransitionNotAllowed


class MandateStatus(Labelled):
    REQUESTED = "requested"
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"
    REFUSED = "refused"


class MandateAction(Labelled):
    CONFIRM = "confirm"
    REFUSE = "refuse"
    REVOKE = "revoke"
    EXPIRE = "expire"


class Establishment(Labelled):
    """How the mandate came about."""

    GRANTED = "granted"  # by the principal, signed in
    REQUESTED = "requested"  # by the agent, then confirmed by the principal in their account
    WINDOW = "window"  # recorded by a clerk after verifying the principal in person


class Scope(Labelled):
    ALL = "all"
    BUNDLES = "bundles"
    ITEMS = "items"


class Ability(Labelled):
    APPLY = "apply"
    FOLLOW = "follow"
    RECEIVE = "receive"


class AgentKind(Labelled):
    PERSON = "person"  # a relative, a friend
    ENTERPRISE_STAFF = "enterprise_staff"  # an enterprise's staff member (经办人)
    VILLAGE_ASSISTANT = "village_assistant"  # 代办员 of a village or community
    SERVICE_POINT = "service_point"  # the hall or a town/village point itself (帮办代办)


class Verification(Labelled):
    """How the clerk verified the principal in person."""

    ID_CARD_READ = "id_card_read"
    FACE_CHECK = "face_check"
    PAPER_AUTHORISATION = "paper_authorisation"


class MandateEventType(Labelled):
    CREATED = "created"
    CONFIRMED = "confirmed"
    REFUSED = "refused"
    REVOKED = "revoked"
    EXPIRED = "expired"
    USED = "used"


# keyed by enum first: members of different enums share values ("requested", "revoked") and StrEnum members
# hash and compare as their values
LABELS: dict[type[StrEnum], dict[str, tuple[str, str]]] = {
    MandateStatus: {
        MandateStatus.REQUESTED: ("待委托人确认", "awaiting the principal's confirmation"),
        MandateStatus.ACTIVE: ("有效", "active"),
        MandateStatus.REVOKED: ("已撤销", "revoked"),
        MandateStatus.EXPIRED: ("已过期", "expired"),
        MandateStatus.REFUSED: ("已拒绝", "refused"),
    },
    MandateAction: {
        MandateAction.CONFIRM: ("确认授权", "confirm"),
        MandateAction.REFUSE: ("拒绝授权", "refuse"),
        MandateAction.REVOKE: ("撤销授权", "revoke"),
        MandateAction.EXPIRE: ("到期失效", "expire"),
    },
    Establishment: {
        Establishment.GRANTED: ("委托人在线授权", "granted online by the principal"),
        Establishment.REQUESTED: (
            "代理人申请、委托人确认",
            "requested by the agent, confirmed by the principal",
        ),
        Establishment.WINDOW: ("窗口当面核验后登记", "recorded at a window after an in-person check"),
    },
    Scope: {
        Scope.ALL: ("全部事项", "everything"),
        Scope.BUNDLES: ("指定“一件事”", "some bundles"),
        Scope.ITEMS: ("指定事项", "some items"),
    },
    Ability: {
        Ability.APPLY: ("申请", "apply"),
        Ability.FOLLOW: ("查看进度", "follow"),
        Ability.RECEIVE: ("领取结果", "receive results"),
    },
    AgentKind: {
        AgentKind.PERSON: ("个人（亲友）", "a person"),
        AgentKind.ENTERPRISE_STAFF: ("企业经办人", "an enterprise's staff member"),
        AgentKind.VILLAGE_ASSISTANT: ("村（社区）代办员", "a village assistant"),
        AgentKind.SERVICE_POINT: ("服务场所（帮办代办）", "a service point"),
    },
    Verification: {
        Verification.ID_CARD_READ: ("身份证读卡核验", "ID card read"),
        Verification.FACE_CHECK: ("人脸识别核验", "face check"),
        Verification.PAPER_AUTHORISATION: (
            "纸质授权委托书（已扫描）",
            "paper letter of authorisation, scanned",
        ),
    },
    MandateEventType: {
        MandateEventType.CREATED: ("建立授权", "created"),
        MandateEventType.CONFIRMED: ("委托人确认", "confirmed"),
        MandateEventType.REFUSED: ("委托人拒绝", "refused"),
        MandateEventType.REVOKED: ("委托人撤销", "revoked"),
        MandateEventType.EXPIRED: ("到期失效", "expired"),
        MandateEventType.USED: ("代理人使用授权", "used by the agent"),
    },
}


for _enum, _labels in LABELS.items():
    labels_set(cast(type[Labelled], _enum), {str(member): words for member, words in _labels.items()})


def label(value: StrEnum) -> tuple[str, str]:
    """(zh, en) of a state, action or term (the labels on its enum: core/labels.py)."""
    return LABELS[type(value)][value.value]


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """Model and form choices: value, "中文 / English"."""
    return [(m.value, " / ".join(LABELS[enum][m.value])) for m in enum]


S, A = MandateStatus, MandateAction
INITIAL_STATUS: dict[Establishment, MandateStatus] = {
    Establishment.GRANTED: S.ACTIVE,
    Establishment.REQUESTED: S.REQUESTED,
    Establishment.WINDOW: S.ACTIVE,
}
MANDATE_TRANSITIONS: dict[tuple[MandateStatus, MandateAction], MandateStatus] = {
    (S.REQUESTED, A.CONFIRM): S.ACTIVE,
    (S.REQUESTED, A.REFUSE): S.REFUSED,
    (S.REQUESTED, A.EXPIRE): S.EXPIRED,
    (S.ACTIVE, A.REVOKE): S.REVOKED,
    (S.ACTIVE, A.EXPIRE): S.EXPIRED,
}
FINAL_STATES = frozenset({S.REVOKED, S.EXPIRED, S.REFUSED})
OPEN_STATES = frozenset(set(MandateStatus) - FINAL_STATES)


class MandateTransitionNotAllowed(Conflict):
    def __init__(self, state: MandateStatus, action: MandateAction) -> None:
        state_zh, state_en = label(state)
        action_zh, action_en = label(action)
        super().__init__(
            "transition_not_allowed",
            f"授权当前为“{state_zh}”，不能{action_zh}",
            f"Cannot {action_en} a mandate that is {state_en} ('{action}' while '{state}')",
            field="action",
        )
        self.state = state
        self.action = action


MANDATE: Machine[MandateStatus, MandateAction] = Machine(
    "mandate", MandateStatus, {pair: frozenset({to}) for pair, to in MANDATE_TRANSITIONS.items()}
)


def next_mandate_status(state: MandateStatus, action: MandateAction) -> MandateStatus:
    """The table (core.statemachine.Machine), with the mandate's own words when a pair is not in it."""
    try:
        return MANDATE.next(state, action)
    except TransitionNotAllowed:
        raise MandateTransitionNotAllowed(state, action) from None
