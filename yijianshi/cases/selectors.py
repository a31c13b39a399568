"""Reads of cases, always scoped to the actor (permissions.py). Lists are paginated by the API and their
query counts are bounded (tested)."""

from __future__ import annotations

from django.db.models import QuerySet

from yijianshi.accounts.roles import Actor

from .models import Application, CaseEvent, ItemCase
from .permissions import visible_applications, visible_item_cases
from .transitions import AppStatus, CaseStatus


def applications_for(actor: Actor, *, status: str | None = None) -> QuerySet[Application]:
    qs = visible_applications(actor).select_related("bundle", "service_point").order_by("-submitted_at", "-pk")
    return qs.filter(status=status) if status else qs


def intake_queue(actor: Actor) -> QuerySet[Application]:
    """Applications awaiting intake at the clerk's service point, by their 2-working-hour deadline."""
    return (visible_applications(actor).filter(status=AppStatus.SUBMITTED)
            .select_related("bundle", "service_point").order_by("intake_deadline", "pk"))


def item_cases_for(actor: Actor, *, overdue: bool | None = None, status: str | None = None) -> QuerySet[ItemCase]:
    """A department's queue: open item cases first, by deadline (acceptance, then decision)."""
    qs = visible_item_cases(actor).select_related("application", "department")
    if overdue is not None:
        qs = qs.filter(overdue=overdue)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("decide_deadline", "accept_deadline", "pk")


def application_history(application: Application) -> QuerySet[CaseEvent]:
    return application.events.select_related("item_case", "actor", "document").order_by("at", "pk")


OPEN = [CaseStatus.PENDING_ACCEPTANCE, CaseStatus.ACCEPTED, CaseStatus.PRE_REVIEW, CaseStatus.CORRECTION]
