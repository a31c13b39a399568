"""Reads of the mandate register."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from yijianshi.accounts.models import Role
from yijianshi.accounts.roles import profile_of
from yijianshi.core.identifiers import mask

from .models import Mandate, MandateEvent
from .rules import Gap, covering


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
