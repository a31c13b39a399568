"""Writes to the mandate register (see the package docstring for the rule). One command, one transaction: the
mandate row is locked, the version the caller saw is checked (409 on a stale write), the transition is taken from
transitions.py, a history row with the old and new values is written, and notices go out after the commit
(`_tell`, the one place that sends).

Who may do what: the principal, signed in, grants, confirms, refuses and revokes (derived from their account,
never from the request); an agent, signed in, requests; a clerk records at their window after checking the
principal in person (the clerk and the place come from the clerk's account). Validity is given in whole days,
Beijing time: from the start of the first day to the end of the last one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from yijianshi.accounts.models import PartyType, Profile, Role
from yijianshi.accounts.roles import profile_of
from yijianshi.catalog.models import Item, ServicePoint
from yijianshi.catalog.selectors import published_version
from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.clock import SHANGHAI
from yijianshi.core.errors import Conflict, DomainError
from yijianshi.core.identifiers import credit_code, mask, resident_id
from yijianshi.core.notices import notice_send_on_commit
from yijianshi.core.notify import Notice
from yijianshi.core.statemachine import check_version
from yijianshi.core.text import hidden_controls

from .models import Mandate, MandateEvent
from .permissions import MandateForbidden, MandateRequired, party_of, require_principal
from .rules import gap_of
from .transitions import (
    INITIAL_STATUS,
    OPEN_STATES,
    Ability,
    AgentKind,
    Establishment,
    MandateAction,
    MandateEventType,
    MandateStatus,
    Scope,
    Verification,
    label,
    next_mandate_status,
)

MAX_DAYS = 3 * 366  # a mandate lasts at most about three years; a longer one is given again
MAX_CODES = 50
MAX_ITEMS = 200
MAX_EVIDENCE = 1000
PERSON_AGENTS = (AgentKind.PERSON, AgentKind.ENTERPRISE_STAFF, AgentKind.VILLAGE_ASSISTANT)


@dataclass(frozen=True)
class Party:
    type: str
    id: str
    name: str
    user: User | None


@dataclass(frozen=True)
class Agent:
    kind: str
    user: User | None
    service_point: ServicePoint | None
    name: str


@dataclass(frozen=True)
class Terms:
    scope: str
    bundle_codes: list[str]
    item_refs: list[str]
    abilities: list[str]
    valid_from: datetime
    valid_to: datetime


# ------------------------------------------------------------------------------------------------ helpers


def _bad(code: str, zh: str, en: str, field: str) -> DomainError:
    return DomainError(code, zh, en, field=field)


def _text(value: Any, *, field: str, zh: str, en: str, max_length: int, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise _bad("invalid", f"{zh}应为文本", f"The {en} must be text", field)
    if required and not text:
        raise _bad("required", f"请填写{zh}", f"The {en} is required", field)
    if len(text) > max_length:
        raise _bad(
            "max_length",
            f"{zh}不能超过 {max_length} 个字",
            f"The {en} is longer than {max_length} characters",
            field,
        )
    if hidden_controls(text):
        raise _bad(
            "invalid_characters",
            f"{zh}含有不可见的控制字符或文字方向控制符",
            f"The {en} contains control or bidirectional characters",
            field,
        )
    return text


def _one_of(value: Any, enum: type[StrEnum]) -> bool:
    return isinstance(value, str) and value in {m.value for m in enum}


def _day_start(day: date) -> datetime:
    """The start of a day in Beijing time, in UTC."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI).astimezone(UTC)


def _terms(
    *,
    scope: str,
    bundle_codes: Iterable[str],
    item_refs: Iterable[str],
    abilities: Iterable[str],
    valid_from: date | None,
    valid_to: date | None,
) -> Terms:
    if not _one_of(scope, Scope):
        raise _bad(
            "invalid_choice",
            "授权范围应为全部、指定“一件事”或指定事项",
            "scope must be all, bundles or items",
            "scope",
        )
    codes = sorted({str(c).strip() for c in bundle_codes if str(c).strip()})
    refs = sorted({str(r).strip() for r in item_refs if str(r).strip()})
    if scope == Scope.BUNDLES:
        if not codes or len(codes) > MAX_CODES:
            raise _bad(
                "bundles_required",
                f"请选择授权的“一件事”（1–{MAX_CODES} 个）",
                f"Name the bundles the mandate covers (1–{MAX_CODES})",
                "bundles",
            )
        unknown = [c for c in codes if published_version(c) is None]
        if unknown:
            raise _bad(
                "unknown_bundle",
                f"“一件事” {'、'.join(unknown)} 不存在或未发布",
                f"No published bundle {', '.join(unknown)}",
                "bundles",
            )
    if scope == Scope.ITEMS:
        if not refs or len(refs) > MAX_ITEMS:
            raise _bad(
                "items_required",
                f"请填写授权的事项（1–{MAX_ITEMS} 个）",
                f"Name the items the mandate covers (1–{MAX_ITEMS})",
                "items",
            )
        known = set(Item.objects.filter(ref__in=refs).values_list("ref", flat=True))
        unknown = [r for r in refs if r not in known]
        if unknown:
            raise _bad(
                "unknown_item", f"事项 {'、'.join(unknown)} 不存在", f"No item {', '.join(unknown)}", "items"
            )
    chosen = sorted({str(a) for a in abilities})
    if not chosen or not all(_one_of(a, Ability) for a in chosen):
        raise _bad(
            "invalid_abilities",
            "请选择授权权限：申请、查看进度、领取结果",
            "Choose the abilities: apply, follow, receive",
            "abilities",
        )
    today = clock.local(clock.now()).date()
    first = valid_from or today
    if valid_to is None:
        raise _bad("required", "请填写授权的截止日期", "The last valid day is required", "valid_to")
    if first < today:
        raise _bad(
            "valid_from_past", "授权生效日期不能早于今天", "A mandate cannot start before today", "valid_from"
        )
    if valid_to < first:
        raise _bad(
            "valid_to_before_valid_from",
            "截止日期不能早于生效日期",
            "The last day is before the first",
            "valid_to",
        )
    if (valid_to - first).days >= MAX_DAYS:
        raise _bad(
            "too_long", f"授权期限最长 {MAX_DAYS} 天", f"A mandate lasts at most {MAX_DAYS} days", "valid_to"
        )
    return Terms(
        scope=scope,
        bundle_codes=codes if scope == Scope.BUNDLES else [],
        item_refs=refs if scope == Scope.ITEMS else [],
        abilities=chosen,
        valid_from=_day_start(first),
        valid_to=_day_start(valid_to + timedelta(days=1)),
    )


def _party_id(party_type: str, *, id_number: str = "", uscc: str = "", field: str) -> str:
    if party_type == PartyType.ENTERPRISE:
        return credit_code(str(uscc or ""), field=f"{field}.uscc")
    if party_type == PartyType.PERSON:
        return resident_id(str(id_number or ""), field=f"{field}.id_number")
    raise _bad(
        "invalid_choice",
        "委托人类型应为个人或企业",
        "party_type must be person or enterprise",
        f"{field}.party_type",
    )


def _user_of(actor: Actor, *, as_what: str) -> User:
    """The account behind the actor: these acts are a person's, never a task's."""
    if actor.user is None:
        raise MandateForbidden(
            "forbidden_role", f"只有登录的用户可以{as_what}", f"Only a signed-in user can {as_what}"
        )
    user: User = actor.user
    return user


def _applicant_party(actor: Actor, *, as_what: str) -> Party:
    """The party a signed-in applicant speaks for (from their account, never from the request)."""
    party = party_of(profile_of(actor.user_id))
    if party is None:
        raise MandateForbidden(
            "forbidden_role", f"只有实名申请人可以{as_what}", f"Only a signed-in applicant can {as_what}"
        )
    return Party(type=party[0], id=party[1], name=party[2], user=_user_of(actor, as_what=as_what))


def _account_of(party_type: str, party_id: str) -> User | None:
    match = (
        {"enterprise_uscc": party_id, "party_type": PartyType.ENTERPRISE}
        if party_type == PartyType.ENTERPRISE
        else {"id_number": party_id, "party_type": PartyType.PERSON}
    )
    profile = (
        Profile.objects.filter(role=Role.APPLICANT, **match).select_related("user").order_by("pk").first()
    )
    return profile.user if profile else None


def _person_agent(*, kind: str, id_number: Any, name: Any, field: str = "agent") -> Agent:
    """An agent who is a person: their applicant account, found by identity number and name together."""
    number = resident_id(str(id_number or ""), field=f"{field}.id_number")
    typed = _text(name, field=f"{field}.name", zh="代理人姓名", en="agent's name", max_length=50)
    profile = (
        Profile.objects.filter(role=Role.APPLICANT, id_number=number, name=typed)
        .select_related("user")
        .order_by("-party_type", "pk")
        .first()
    )  # the person's own account before an enterprise's
    if profile is None:
        raise _bad(
            "agent_unknown",
            f"没有身份号码 {mask(number)} 与姓名相符的实名账号；代理人须先实名注册",
            f"No signed-up person with the identity number {mask(number)} and this name; the agent signs "
            "up first",
            f"{field}.id_number",
        )
    return Agent(kind=kind, user=profile.user, service_point=None, name=profile.name)


def _agent(
    *,
    kind: str,
    id_number: Any = "",
    name: Any = "",
    service_point: Any = "",
    default_point: ServicePoint | None = None,
) -> Agent:
    if kind in PERSON_AGENTS:
        return _person_agent(kind=kind, id_number=id_number, name=name)
    if kind == AgentKind.SERVICE_POINT:
        code = str(service_point or "").strip()
        point = ServicePoint.objects.filter(code=code).order_by("pk").first() if code else default_point
        if point is None:
            raise _bad(
                "unknown_service_point",
                f"服务场所“{code}”不存在",
                f"No service point '{code}'",
                "agent.service_point",
            )
        return Agent(kind=kind, user=None, service_point=point, name=point.name)
    raise _bad("invalid_choice", "代理人类型无效", f"Unknown agent kind '{kind}'", "agent.kind")


def _not_self(principal: Party, agent: Agent) -> None:
    if agent.user is None:
        return
    profile = profile_of(agent.user.pk)
    if (principal.user is not None and agent.user.pk == principal.user.pk) or (
        principal.type == PartyType.PERSON and profile is not None and profile.id_number == principal.id
    ):
        raise _bad("agent_is_principal", "不能授权给自己", "A principal cannot be their own agent", "agent")


def _event(
    mandate: Mandate,
    type: MandateEventType,
    *,
    actor: Actor,
    from_status: str = "",
    to_status: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> MandateEvent:
    return MandateEvent.objects.create(
        mandate=mandate,
        type=type,
        actor=actor.user,
        actor_role=actor.history_role,
        at=clock.now(),
        from_status=from_status,
        to_status=to_status,
        old=old or {},
        new=new or {},
        reason=reason[:500],
    )


def _tell(notice: Notice) -> None:
    """The one place a mandate notice leaves: after the commit, never for work that was rolled back."""
    notice_send_on_commit(notice)


def _notice(mandate: Mandate, user: User | None, event: str, zh: str, en: str, *, name: str = "") -> None:
    profile = profile_of(user.pk) if user is not None else None
    _tell(
        Notice(
            event=event,
            reference=mandate.number,
            subject_zh=f"【一件事】授权委托 {mandate.number}",
            subject_en=f"[yijianshi] Mandate {mandate.number}",
            body_zh=zh,
            body_en=en,
            phone=profile.phone if profile else "",
            email=profile.email if profile else "",
            name=name or (profile.name if profile else ""),
        )
    )


def _tell_principal(mandate: Mandate, event: str, zh: str, en: str) -> None:
    user = mandate.principal_user or _account_of(mandate.principal_type, mandate.principal_id)
    _notice(mandate, user, event, zh, en, name=mandate.principal_name)


def _tell_agent(mandate: Mandate, event: str, zh: str, en: str) -> None:
    if mandate.agent_user is not None:
        _notice(mandate, mandate.agent_user, event, zh, en)


def _summary(mandate: Mandate) -> tuple[str, str]:
    scope_zh, scope_en = label(Scope(mandate.scope))
    what = mandate.bundle_codes or mandate.item_refs
    abilities = [label(Ability(a)) for a in mandate.abilities]
    return (
        f"{scope_zh}{('：' + '、'.join(what)) if what else ''}；权限：{'、'.join(a[0] for a in abilities)}；"
        f"有效期至 {mandate.valid_until}",
        f"{scope_en}{(': ' + ', '.join(what)) if what else ''}; abilities: {', '.join(a[1] for a in abilities)}; "
        f"valid until {mandate.valid_until}",
    )


def _snapshot(mandate: Mandate) -> dict[str, Any]:
    return {
        "status": mandate.status,
        "scope": mandate.scope,
        "bundle_codes": list(mandate.bundle_codes),
        "item_refs": list(mandate.item_refs),
        "abilities": list(mandate.abilities),
        "valid_from": mandate.valid_from.isoformat(),
        "valid_to": mandate.valid_to.isoformat(),
        "agent": {
            "kind": mandate.agent_kind,
            "user": mandate.agent_user_id,
            "service_point": mandate.agent_service_point_id,
        },
    }


def _create(
    *,
    principal: Party,
    agent: Agent,
    terms: Terms,
    method: Establishment,
    actor: Actor,
    evidence: dict[str, Any] | None = None,
    recorded_at: ServicePoint | None = None,
) -> Mandate:
    _not_self(principal, agent)
    now = clock.now()
    mandate = Mandate.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:20]}",
        status=INITIAL_STATUS[method],
        principal_type=principal.type,
        principal_id=principal.id,
        principal_name=principal.name,
        principal_user=principal.user,
        agent_kind=agent.kind,
        agent_user=agent.user,
        agent_service_point=agent.service_point,
        agent_name=agent.name,
        scope=terms.scope,
        bundle_codes=terms.bundle_codes,
        item_refs=terms.item_refs,
        abilities=terms.abilities,
        valid_from=terms.valid_from,
        valid_to=terms.valid_to,
        method=method,
        evidence=evidence or {},
        recorded_at_point=recorded_at,
        created_by=actor.user,
        created_at=now,
        decided_at=now if INITIAL_STATUS[method] == MandateStatus.ACTIVE else None,
    )
    mandate.number = f"WT{clock.local(now):%Y%m%d}{mandate.pk:07d}"
    mandate.save(update_fields=["number"])
    _event(
        mandate,
        MandateEventType.CREATED,
        actor=actor,
        to_status=mandate.status,
        new={
            **_snapshot(mandate),
            "method": method,
            **({"evidence": mandate.evidence} if mandate.evidence else {}),
        },
    )
    return mandate


def _lock(mandate: Mandate) -> Mandate:
    return (
        Mandate.objects.select_for_update(of=("self",))
        .select_related("agent_user", "principal_user")
        .get(pk=mandate.pk)
    )


def _move(
    mandate: Mandate, action: MandateAction, *, actor: Actor, event: MandateEventType, reason: str = ""
) -> str:
    old = mandate.status
    mandate.status = next_mandate_status(MandateStatus(old), action)
    mandate.version += 1
    now = clock.now()
    if action in (MandateAction.CONFIRM, MandateAction.REFUSE):
        mandate.decided_at = now
    else:
        mandate.ended_at = now
    mandate.save(update_fields=["status", "version", "decided_at", "ended_at"])
    _event(
        mandate,
        event,
        actor=actor,
        from_status=old,
        to_status=mandate.status,
        old={"status": old},
        new={"status": mandate.status},
        reason=reason,
    )
    return old


# ------------------------------------------------------------------------------------------------ establish


@transaction.atomic
def mandate_grant(
    *,
    actor: Actor,
    agent_kind: str = AgentKind.PERSON,
    agent_id_number: str = "",
    agent_name: str = "",
    agent_service_point: str = "",
    scope: str,
    bundle_codes: Iterable[str] = (),
    item_refs: Iterable[str] = (),
    abilities: Iterable[str],
    valid_from: date | None = None,
    valid_to: date | None,
) -> Mandate:
    """委托人在线授权: the signed-in principal lets an agent act for them; active at once."""
    principal = _applicant_party(actor, as_what="授权他人代办")
    agent = _agent(
        kind=agent_kind, id_number=agent_id_number, name=agent_name, service_point=agent_service_point
    )
    terms = _terms(
        scope=scope,
        bundle_codes=bundle_codes,
        item_refs=item_refs,
        abilities=abilities,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    mandate = _create(
        principal=principal,
        agent=agent,
        terms=terms,
        method=Establishment.GRANTED,
        actor=actor,
        evidence={
            "granted_by": {
                "user_id": actor.user_id,
                "username": _user_of(actor, as_what="授权他人代办").get_username(),
            }
        },
    )
    zh, en = _summary(mandate)
    _tell_agent(
        mandate,
        "mandate.granted",
        f"{principal.name} 授权您代为办理（{zh}），授权编号 {mandate.number}。",
        f"{principal.name} has given you a mandate ({en}), number {mandate.number}.",
    )
    return mandate


@transaction.atomic
def mandate_request(
    *,
    actor: Actor,
    principal_type: str,
    principal_id_number: str = "",
    principal_uscc: str = "",
    principal_name: str,
    agent_kind: str = AgentKind.PERSON,
    scope: str,
    bundle_codes: Iterable[str] = (),
    item_refs: Iterable[str] = (),
    abilities: Iterable[str],
    valid_from: date | None = None,
    valid_to: date | None,
) -> Mandate:
    """代理人申请授权: the signed-in agent asks; nothing is granted until the principal confirms it in their
    account. The principal must have one (otherwise the mandate is recorded at a window)."""
    if agent_kind not in PERSON_AGENTS:
        raise _bad(
            "invalid_choice",
            "代理人类型应为个人、企业经办人或代办员",
            "agent_kind must be person, enterprise_staff or village_assistant",
            "agent_kind",
        )
    agent_party = _applicant_party(actor, as_what="申请代办授权")
    profile = profile_of(actor.user_id)
    assert profile is not None  # noqa: S101 - _applicant_party found it
    agent = Agent(
        kind=agent_kind, user=agent_party.user, service_point=None, name=profile.name or agent_party.name
    )
    party_id = _party_id(
        principal_type, id_number=principal_id_number, uscc=principal_uscc, field="principal"
    )
    name = _text(
        principal_name, field="principal.name", zh="委托人名称", en="principal's name", max_length=100
    )
    user = _account_of(principal_type, party_id)
    profile = profile_of(user.pk) if user is not None else None
    known = profile is not None and name == (
        profile.enterprise_name if principal_type == PartyType.ENTERPRISE else profile.name
    )
    if user is None or not known:
        raise _bad(
            "principal_unknown",
            f"没有证件号码 {mask(party_id)} 与名称相符的实名账号；请委托人本人在线授权或到窗口登记授权",
            f"No signed-up party with the number {mask(party_id)} and this name; the principal grants the "
            "mandate themselves, or has it recorded at a window",
            "principal.id_number",
        )
    terms = _terms(
        scope=scope,
        bundle_codes=bundle_codes,
        item_refs=item_refs,
        abilities=abilities,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    mandate = _create(
        principal=Party(type=principal_type, id=party_id, name=name, user=user),
        agent=agent,
        terms=terms,
        method=Establishment.REQUESTED,
        actor=actor,
    )
    zh, en = _summary(mandate)
    _tell_principal(
        mandate,
        "mandate.requested",
        f"{agent.name} 请求代您办理（{zh}），授权编号 {mandate.number}。请在“我的授权”中确认或拒绝；未经确认不生效。",
        f"{agent.name} asks to act for you ({en}), number {mandate.number}. Confirm or refuse it under "
        "'My mandates'; it has no effect until you confirm it.",
    )
    return mandate


@transaction.atomic
def mandate_record_at_window(
    *,
    actor: Actor,
    principal_type: str,
    principal_id_number: str = "",
    principal_uscc: str = "",
    principal_name: str,
    verification: str,
    evidence: str,
    agent_kind: str = AgentKind.PERSON,
    agent_id_number: str = "",
    agent_name: str = "",
    agent_service_point: str = "",
    scope: str,
    bundle_codes: Iterable[str] = (),
    item_refs: Iterable[str] = (),
    abilities: Iterable[str],
    valid_from: date | None = None,
    valid_to: date | None,
) -> Mandate:
    """窗口登记授权: a clerk, having verified the principal in person (`verification`, with `evidence`: the card
    reader's result, the face check's result, the scanned letter's reference), records the mandate; active at
    once. The clerk and the service point are the clerk's own."""
    info = actor
    if info.role != Role.CLERK or not info.service_point_id:
        raise MandateForbidden(
            "forbidden_role", "只有窗口工作人员可以登记授权", "Only a window clerk can record a mandate"
        )
    point = ServicePoint.objects.get(pk=info.service_point_id)
    if not _one_of(verification, Verification):
        raise _bad(
            "invalid_choice",
            "请选择核验方式：身份证读卡、人脸识别或纸质授权委托书",
            "verification must be id_card_read, face_check or paper_authorisation",
            "verification",
        )
    detail = _text(evidence, field="evidence", zh="核验依据", en="evidence", max_length=MAX_EVIDENCE)
    party_id = _party_id(
        principal_type, id_number=principal_id_number, uscc=principal_uscc, field="principal"
    )
    name = _text(
        principal_name, field="principal.name", zh="委托人名称", en="principal's name", max_length=100
    )
    principal = Party(type=principal_type, id=party_id, name=name, user=_account_of(principal_type, party_id))
    agent = _agent(
        kind=agent_kind,
        id_number=agent_id_number,
        name=agent_name,
        service_point=agent_service_point,
        default_point=point,
    )
    terms = _terms(
        scope=scope,
        bundle_codes=bundle_codes,
        item_refs=item_refs,
        abilities=abilities,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    clerk = _user_of(actor, as_what="登记授权")
    profile = profile_of(actor.user_id)
    how_zh, how_en = label(Verification(verification))
    mandate = _create(
        principal=principal,
        agent=agent,
        terms=terms,
        method=Establishment.WINDOW,
        actor=actor,
        recorded_at=point,
        evidence={
            "verification": verification,
            "verification_label": f"{how_zh} / {how_en}",
            "detail": detail,
            "clerk": {
                "user_id": clerk.pk,
                "username": clerk.get_username(),
                "name": profile.name if profile else "",
            },
            "service_point": {"code": point.code, "name": point.name},
            "recorded_at": clock.now().isoformat(),
        },
    )
    zh, en = _summary(mandate)
    _tell_principal(
        mandate,
        "mandate.recorded",
        f"{point.name}已为您登记授权委托：{agent.name} 可代您办理（{zh}），授权编号 {mandate.number}。"
        "如非本人意愿，请在“我的授权”中撤销。",
        f"{point.name} recorded your mandate: {agent.name} may act for you ({en}), number "
        f"{mandate.number}. If you did not want this, revoke it under 'My mandates'.",
    )
    _tell_agent(
        mandate,
        "mandate.granted",
        f"{name} 授权您代为办理（{zh}），授权编号 {mandate.number}。",
        f"{name} has given you a mandate ({en}), number {mandate.number}.",
    )
    return mandate


# ------------------------------------------------------------------------------------------------ decide


@transaction.atomic
def mandate_confirm(*, mandate: Mandate, actor: Actor, expected_version: int | None = None) -> Mandate:
    """委托人确认: the principal confirms an agent's request in their account; it is active from then on."""
    row = _lock(mandate)
    user = _user_of(actor, as_what="确认授权")
    require_principal(user, row)
    check_version(row, expected_version)
    if row.status == MandateStatus.REQUESTED and clock.now() >= row.valid_to:
        raise Conflict(
            "mandate_lapsed",
            f"该授权申请的期限已过（至 {row.valid_until}），请代理人重新申请",
            f"The request's period has passed (until {row.valid_until}); the agent asks again",
            field="action",
        )
    _move(row, MandateAction.CONFIRM, actor=actor, event=MandateEventType.CONFIRMED)
    if row.principal_user_id is None:
        row.principal_user = user
        row.save(update_fields=["principal_user"])
    _tell_agent(
        row,
        "mandate.confirmed",
        f"{row.principal_name} 已确认您的授权申请 {row.number}，即日起生效。",
        f"{row.principal_name} confirmed your mandate request {row.number}; it is in effect.",
    )
    return row


@transaction.atomic
def mandate_refuse(
    *, mandate: Mandate, actor: Actor, reason: str = "", expected_version: int | None = None
) -> Mandate:
    """委托人拒绝: the principal says no to an agent's request."""
    row = _lock(mandate)
    require_principal(_user_of(actor, as_what="拒绝授权"), row)
    check_version(row, expected_version)
    text = _text(reason, field="reason", zh="理由", en="reason", max_length=500, required=False)
    _move(row, MandateAction.REFUSE, actor=actor, event=MandateEventType.REFUSED, reason=text)
    _tell_agent(
        row,
        "mandate.refused",
        f"{row.principal_name} 拒绝了您的授权申请 {row.number}。",
        f"{row.principal_name} refused your mandate request {row.number}.",
    )
    return row


@transaction.atomic
def mandate_revoke(
    *, mandate: Mandate, actor: Actor, reason: str = "", expected_version: int | None = None
) -> Mandate:
    """委托人撤销: from now on the agent can no longer act for the principal under this mandate."""
    row = _lock(mandate)
    require_principal(_user_of(actor, as_what="撤销授权"), row)
    check_version(row, expected_version)
    text = _text(reason, field="reason", zh="理由", en="reason", max_length=500, required=False)
    _move(row, MandateAction.REVOKE, actor=actor, event=MandateEventType.REVOKED, reason=text)
    _tell_agent(
        row,
        "mandate.revoked",
        f"{row.principal_name} 已撤销授权 {row.number}，您不能再代其办理。",
        f"{row.principal_name} revoked the mandate {row.number}; you can no longer act for them.",
    )
    return row


def mandate_expire(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """到期失效: mark requested and active mandates past their last day as expired (each in its own short
    transaction, SKIP LOCKED so two sweepers never double the work). The guard does not wait for this: a
    mandate past its last day covers nothing whatever its stored status."""
    now = now or clock.now()
    stats = {"expired": 0, "skipped": 0}
    due = list(
        Mandate.objects.filter(status__in=list(OPEN_STATES), valid_to__lte=now)
        .order_by("valid_to", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    for pk in due:
        with transaction.atomic():
            row = (
                Mandate.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk)
                .select_related("agent_user", "principal_user")
                .first()
            )
            if row is None:
                stats["skipped"] += 1
                continue
            if row.status not in OPEN_STATES or row.valid_to > now:
                continue
            _move(row, MandateAction.EXPIRE, actor=Actor.system(), event=MandateEventType.EXPIRED)
            stats["expired"] += 1
            _tell_principal(
                row,
                "mandate.expired",
                f"授权 {row.number}（代理人 {row.agent_name}）已到期失效。",
                f"The mandate {row.number} (agent {row.agent_name}) has expired.",
            )
    return stats


# ------------------------------------------------------------------------------------------------ use


@transaction.atomic
def mandate_use(
    *, mandate: Mandate, actor: Actor, ability: str, bundle_code: str, item_refs: Iterable[str] = ()
) -> Mandate:
    """The agent acts under the mandate (after `mandate_require` found it): the row is locked and checked again
    (a revocation committed meanwhile wins), the use goes into its history, and the principal is told. Call it
    in the transaction of the act, so a failed act leaves no trace and no notice."""
    row = _lock(mandate)
    refs = tuple(item_refs)
    gap = gap_of(row.terms(), bundle_code=bundle_code, ability=ability, at=clock.now(), item_refs=refs)
    if gap is not None:
        raise MandateRequired(gap)
    user = _user_of(actor, as_what="代办")
    profile = profile_of(user.pk)
    agent = (
        row.agent_name if row.agent_user_id == user.pk else (profile.name if profile else "") or user.username
    )
    _event(
        row,
        MandateEventType.USED,
        actor=actor,
        new={"ability": ability, "bundle": bundle_code, "items": sorted(refs)},
    )
    what_zh, what_en = label(Ability(ability))
    _tell_principal(
        row,
        "mandate.used",
        f"{agent} 依据授权 {row.number} 为您办理“一件事” {bundle_code}（{what_zh}），并为此读取了政府部门共享的您的数据；"
        "每次读取都记录在“谁查看了我的数据”中。如非本人授权，请在“我的授权”中撤销。",
        f"{agent} acted for you under the mandate {row.number} on the bundle {bundle_code} ({what_en}) and "
        "read your shared data for it; every read is listed under 'Who read my data'. If you did not "
        "authorise this, revoke the mandate under 'My mandates'.",
    )
    return row
