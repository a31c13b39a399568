"""Who sees a mandate, who decides on it, and the one guard for acting for someone (`mandate_require`).

- An applicant sees the mandates they gave (as the person, or as the enterprise they represent) and those they
  hold as agent; a clerk those held by or recorded at their service point; administrators and auditors every
  one; anyone else none. Outside that scope a mandate answers 404, as if it did not exist.
- Only the principal confirms, refuses or revokes (403 for anyone else who sees it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from yijianshi.accounts.models import Profile, Role
from yijianshi.accounts.roles import Actor, actor_of, profile_of
from yijianshi.accounts.roles import party_of as profile_party
from yijianshi.core import clock
from yijianshi.core.errors import DomainError, ErrorDetail, NotFound

from .models import Mandate
from .rules import Gap


class MandateForbidden(DomainError):
    status = 403


class MandateRequired(DomainError):
    """403 `mandate_required`: acting for someone without an active mandate covering the act. The message names
    what is missing; `errors[0].code` says it for machines (`mandate_none`, `mandate_expired`, …)."""

    status = 403

    def __init__(self, gap: Gap, *, field: str = "on_behalf_of") -> None:
        reason = ErrorDetail(code=f"mandate_{gap.reason}", zh=gap.zh, en=gap.en, field=field)
        super().__init__(
            "mandate_required",
            f"须有委托人的有效授权：{gap.zh}",
            f"An active mandate from the principal is needed: {gap.en}",
            field=field,
            details=[reason],
        )
        self.gap = gap


def party_of(profile: Profile | None) -> tuple[str, str, str] | None:
    """(party type, party id, name) an applicant's account speaks for, or None (no profile, no identifier):
    accounts.roles.party_of, the one place a profile's party is worked out, as a tuple."""
    if profile is None or profile.role != Role.APPLICANT:
        return None
    party = profile_party(profile)
    return (party.type, party.id, party.name) if party else None


def visible_mandates(actor: Actor) -> QuerySet[Mandate]:
    qs = Mandate.objects.all()
    if actor.role in (Role.ADMIN, Role.AUDITOR):
        return qs
    if actor.role == Role.APPLICANT:
        party = party_of(profile_of(actor.user_id))
        mine = Q(agent_user_id=actor.user_id)
        if party is not None:
            mine |= Q(principal_type=party[0], principal_id=party[1])
        return qs.filter(mine)
    if actor.role == Role.CLERK and actor.service_point_id:
        return qs.filter(
            Q(agent_service_point_id=actor.service_point_id) | Q(recorded_at_point_id=actor.service_point_id)
        )
    return qs.none()


def is_principal(user: User, mandate: Mandate) -> bool:
    party = party_of(profile_of(user.pk))
    return party is not None and (party[0], party[1]) == (mandate.principal_type, mandate.principal_id)


def require_principal(user: User, mandate: Mandate) -> None:
    if is_principal(user, mandate):
        return
    if not visible_mandates(actor_of(user)).filter(pk=mandate.pk).exists():
        raise NotFound("not_found", "对象不存在", "Not found")
    raise MandateForbidden(
        "forbidden",
        "只有委托人本人可以确认、拒绝或撤销授权",
        "Only the principal can confirm, refuse or revoke a mandate",
    )


def mandate_require(
    *,
    agent_user: User,
    party_type: str,
    party_id: str,
    bundle_code: str,
    ability: str,
    at: datetime | None = None,
    item_refs: Any = (),
    field: str = "on_behalf_of",
) -> Mandate:
    """The mandate that lets `agent_user` do `ability` for the party on `bundle_code` now; else
    `MandateRequired` (403) naming what is missing. Reads the register only: call it before anything else is
    read or written for the party."""
    from .selectors import mandate_gap

    mandate, gap = mandate_gap(
        agent_user=agent_user,
        party_type=party_type,
        party_id=party_id,
        bundle_code=bundle_code,
        ability=ability,
        at=at or clock.now(),
        item_refs=tuple(item_refs),
    )
    if mandate is None:
        assert gap is not None  # noqa: S101 - mandate_gap returns one of the two
        raise MandateRequired(gap, field=field)
    return mandate
