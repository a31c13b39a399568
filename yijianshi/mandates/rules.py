"""Does a mandate cover this act? A pure check: the mandate's terms as a dataclass in, the gap (what is
missing, in both languages) or nothing out.

A mandate covers an act at a moment when it is active, the moment lies within its validity, the ability is one
it grants, and its scope takes in the bundle: everything; the bundle by code; or — for a mandate for some items —
every item of the application (a bundle whose items it does not all name is out of scope).

Among several mandates between the same agent and principal the one that covers wins; when none does, the
reason reported is the one closest to covering (an active, current mandate that lacks the bundle or the ability
before one not yet valid, before a request awaiting confirmation, before an expired, revoked or refused one), so
the agent learns what to ask the principal for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from yijianshi.core import clock

from .transitions import Ability, MandateStatus, Scope, label


@dataclass(frozen=True)
class Terms:
    number: str
    status: str
    scope: str
    bundle_codes: frozenset[str]
    item_refs: frozenset[str]
    abilities: frozenset[str]
    valid_from: datetime
    valid_to: datetime  # exclusive: the start of the day after the last valid day


@dataclass(frozen=True)
class Gap:
    reason: str  # none | ability | out_of_scope | not_yet | requested | expired | revoked | refused
    number: str
    zh: str
    en: str


# the closer to covering, the earlier
ORDER = ("ability", "out_of_scope", "not_yet", "requested", "expired", "revoked", "refused")


def last_day(terms_valid_to: datetime) -> str:
    """The last valid day, in Beijing time (valid_to is the start of the next day)."""
    return (clock.local(terms_valid_to) - timedelta(seconds=1)).date().isoformat()


def gap_of(
    terms: Terms, *, bundle_code: str, ability: str, at: datetime, item_refs: Sequence[str] = ()
) -> Gap | None:
    """What stops `terms` from covering this act, or None when it covers it."""
    n = terms.number
    status = MandateStatus(terms.status)
    if status == MandateStatus.REVOKED:
        return Gap("revoked", n, f"授权 {n} 已被委托人撤销", f"Mandate {n} was revoked by the principal")
    if status == MandateStatus.REFUSED:
        return Gap(
            "refused",
            n,
            f"授权申请 {n} 已被委托人拒绝",
            f"The mandate request {n} was refused by the principal",
        )
    if status == MandateStatus.EXPIRED or at >= terms.valid_to:
        day = last_day(terms.valid_to)
        return Gap(
            "expired", n, f"授权 {n} 已过期（有效期至 {day}）", f"Mandate {n} expired (valid until {day})"
        )
    if status == MandateStatus.REQUESTED:
        return Gap(
            "requested",
            n,
            f"授权申请 {n} 尚待委托人确认",
            f"The mandate request {n} is waiting for the principal to confirm it",
        )
    if at < terms.valid_from:
        day = clock.local(terms.valid_from).date().isoformat()
        return Gap("not_yet", n, f"授权 {n} 自 {day} 起生效", f"Mandate {n} takes effect on {day}")
    if terms.scope == Scope.BUNDLES and bundle_code not in terms.bundle_codes:
        return Gap(
            "out_of_scope",
            n,
            f"授权 {n} 的范围不含“一件事” {bundle_code}",
            f"Mandate {n} does not cover the bundle {bundle_code}",
        )
    if terms.scope == Scope.ITEMS:
        missing = sorted(set(item_refs) - terms.item_refs) if item_refs else [bundle_code]
        if missing:
            shown = "、".join(missing)
            return Gap(
                "out_of_scope",
                n,
                f"授权 {n} 的范围不含“一件事” {bundle_code} 的事项：{shown}",
                f"Mandate {n} does not cover these items of the bundle {bundle_code}: {', '.join(missing)}",
            )
    if ability not in terms.abilities:
        zh, en = label(Ability(ability))
        return Gap(
            "ability", n, f"授权 {n} 不含“{zh}”权限", f"Mandate {n} does not include the ability to {en}"
        )
    return None


def no_mandate(principal_masked: str) -> Gap:
    return Gap(
        "none",
        "",
        f"您没有 {principal_masked} 的有效授权委托，不能代其办理；请委托人在“我的授权”中授权，或到窗口登记授权",
        f"You hold no mandate from {principal_masked}: you cannot act for them. Ask them to grant one under "
        "'My mandates', or to have one recorded at a service window",
    )


def covering(
    candidates: Iterable[Terms],
    *,
    bundle_code: str,
    ability: str,
    at: datetime,
    item_refs: Sequence[str] = (),
    principal_masked: str = "",
) -> tuple[Terms | None, Gap | None]:
    """(the covering mandate, None) or (None, the gap closest to covering; `none` when there is no candidate)."""
    best: Gap | None = None
    for terms in candidates:
        gap = gap_of(terms, bundle_code=bundle_code, ability=ability, at=at, item_refs=item_refs)
        if gap is None:
            return terms, None
        if best is None or ORDER.index(gap.reason) < ORDER.index(best.reason):
            best = gap
    return None, best or no_mandate(principal_masked)
