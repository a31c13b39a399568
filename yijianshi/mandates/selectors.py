"""Reads of the mandate register."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from yijianshi.accounts.models import Role
from yijianshi.accounts.roles import profile_of
from yijianshi.core import clock
from yijianshi.core.identifiers import mask

from .models import Mandate, MandateEvent
from .rules import Gap, covering, gap_of
from .transitions import MandateStatus


def mandates_of_principal(*, party_type: str, party_id: str) -> QuerySet[Mandate]:
    """Every mandate the person or enterprise gave, newest first."""
    return Mandate.objects.filter(principal_type=party_type, principal_id=party_id).select_related(
        "agent_user", "agent_service_point"
    )


def _as_agent(user: User) -> Q:
    """The mandates `user` holds: as a person, or through the service point where they are a clerk."""
    held = Q(agent_user_id=user.pk)
    profile = profile_of(user.pk)
    if profile is not None and profile.role == Role.CLERK and profile.service_point_id:
        held |= Q(agent_service_point_id=profile.service_point_id)
    return held


def mandates_of_agent(*, user: User) -> QuerySet[Mandate]:
    """Every mandate `user` holds as agent, newest first."""
    return Mandate.objects.filter(_as_agent(user)).select_related("agent_service_point")


def mandate_gap(
    *,
    agent_user: User,
    party_type: str,
    party_id: str,
    bundle_code: str,
    ability: str,
    at: datetime,
    item_refs: Sequence[str] = (),
) -> tuple[Mandate | None, Gap | None]:
    """(the mandate covering the act, None) or (None, what is missing) — see rules.py."""
    rows = {
        m.number: m
        for m in Mandate.objects.filter(
            _as_agent(agent_user), principal_type=party_type, principal_id=party_id
        ).order_by("-valid_to", "pk")
    }
    terms, gap = covering(
        (m.terms() for m in rows.values()),
        bundle_code=bundle_code,
        ability=ability,
        at=at,
        item_refs=item_refs,
        principal_masked=mask(party_id),
    )
    return (rows[terms.number], None) if terms is not None else (None, gap)


def mandate_covering(
    *,
    agent_user: User,
    party_type: str,
    party_id: str,
    bundle_code: str,
    ability: str,
    at: datetime,
    item_refs: Sequence[str] = (),
) -> Mandate | None:
    """The active mandate that lets `agent_user` do `ability` for the party on `bundle_code` at `at`, or None."""
    return mandate_gap(
        agent_user=agent_user,
        party_type=party_type,
        party_id=party_id,
        bundle_code=bundle_code,
        ability=ability,
        at=at,
        item_refs=item_refs,
    )[0]


def mandate_history(mandate: Mandate) -> QuerySet[MandateEvent]:
    return mandate.events.select_related("actor").order_by("at", "pk")


class MandatesInForce:
    """The mandates one agent holds that are in force at one moment (active, within their validity), read in
    one query; each question is then answered in memory by the one rule (rules.gap_of), so a list of a
    hundred applications costs no more queries than one."""

    def __init__(self, rows: Sequence[Mandate], at: datetime) -> None:
        self.at = at
        self._by_principal: dict[tuple[str, str], list[Mandate]] = {}
        for m in rows:
            self._by_principal.setdefault((m.principal_type, m.principal_id), []).append(m)

    def __bool__(self) -> bool:
        return bool(self._by_principal)

    @property
    def principals(self) -> set[tuple[str, str]]:
        """(party type, party id) of everyone the agent may act for now, for some act."""
        return set(self._by_principal)

    def allows(
        self,
        *,
        principal_type: str,
        principal_id: str,
        ability: str,
        bundle_code: str,
        item_refs: Sequence[str] = (),
    ) -> Mandate | None:
        """The mandate that lets the agent do `ability` for the principal on this bundle (these items), or None."""
        for m in self._by_principal.get((principal_type, principal_id), ()):
            if (
                gap_of(m.terms(), bundle_code=bundle_code, ability=ability, at=self.at, item_refs=item_refs)
                is None
            ):
                return m
        return None


def mandates_in_force(*, agent_user_id: int | None, at: datetime | None = None) -> MandatesInForce:
    """The mandates held by the person with this account (not through a service point) in force at `at`
    (now by default): one query."""
    at = at or clock.now()
    if agent_user_id is None:
        return MandatesInForce((), at)
    rows = Mandate.objects.filter(
        agent_user_id=agent_user_id, status=MandateStatus.ACTIVE, valid_from__lte=at, valid_to__gt=at
    ).order_by("-valid_to", "pk")
    return MandatesInForce(list(rows), at)


def mandate_allows(
    *,
    agent_user_id: int | None,
    principal_type: str,
    principal_id: str,
    ability: str,
    bundle_code: str,
    item_refs: Sequence[str] = (),
    at: datetime | None = None,
) -> Mandate | None:
    """The one question every face asks of the register when someone reads or acts for another: does a
    mandate in force at `at` let this agent do `ability` (apply, follow, receive) for the principal on this
    bundle (and all these items)? The covering mandate, or None. (`mandate_require` asks the same question
    and, when the answer is no, names what is missing.)"""
    return mandates_in_force(agent_user_id=agent_user_id, at=at).allows(
        principal_type=principal_type,
        principal_id=principal_id,
        ability=ability,
        bundle_code=bundle_code,
        item_refs=item_refs,
    )


def mandate_agents(*, numbers: Sequence[str], principal_ids: Sequence[str]) -> dict[str, str]:
    """Mandate number → the agent's name, for those of `numbers` given by one of `principal_ids` (the reads an
    agent made for the principal, on their "who read my data"): one query."""
    wanted = [n for n in set(numbers) if n]
    if not wanted:
        return {}
    return dict(
        Mandate.objects.filter(number__in=wanted, principal_id__in=list(principal_ids)).values_list(
            "number", "agent_name"
        )
    )
