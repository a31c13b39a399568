"""Reads of cases, always scoped to the actor (permissions.py). Lists are paginated by the API and their
query counts are bounded (tested)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from yijianshi.core.actor import Actor

from .models import OPEN_STATES, Application, CaseEvent, ItemCase, queue_order
from .permissions import WHOLE, ApplicationScope, visible_applications, visible_item_cases
from .transitions import AppStatus


def applications_for(actor: Actor, *, status: str | None = None) -> QuerySet[Application]:
    qs = (
        visible_applications(actor).select_related("bundle", "service_point").order_by("-submitted_at", "-pk")
    )
    return qs.filter(status=status) if status else qs


def case_statuses() -> Prefetch:
    """The item cases' statuses of a page of applications, in one query: what `progress.application_progress`
    reads to word each one's status."""
    return Prefetch("item_cases", queryset=ItemCase.objects.only("id", "application_id", "status"))


def intake_queue(actor: Actor) -> QuerySet[Application]:
    """Applications awaiting intake at the clerk's service point, by their 2-working-hour deadline."""
    return (
        visible_applications(actor)
        .filter(status=AppStatus.SUBMITTED)
        .select_related("bundle", "service_point")
        .order_by("intake_deadline", "pk")
    )


ALL = "all"


def item_cases_for(
    actor: Actor, *, overdue: bool | None = None, status: str | None = None
) -> QuerySet[ItemCase]:
    """The item cases in the actor's scope (a department's, for an officer), three ways:

    - no `status`: the queue, i.e. the open item cases (pending acceptance, accepted, pre-review, correction):
      overdue first, then by the clock that is running (acceptance while pending, decision once accepted),
      soonest first. The open cases are bounded by the workload, not by the history, so the page costs the
      same with ten thousand or a million applications behind it (bench/scaling.py, docs/performance.md);
    - a `status`: the item cases in that state, decided ones too, by decision deadline (the index
      case_dept_queue_idx gives that order);
    - `status="all"`: every item case in scope, newest first (the history; its count grows with it)."""
    qs = visible_item_cases(actor).select_related("application", "department")
    if overdue is not None:
        qs = qs.filter(overdue=overdue)
    if status == ALL:
        return qs.order_by("-pk")
    if status:
        return qs.filter(status=status).order_by("decide_deadline", "accept_deadline", "pk")
    return qs.filter(status__in=OPEN_STATES).order_by(*queue_order())


def application_history(application: Application, *, scope: ApplicationScope = WHOLE) -> QuerySet[CaseEvent]:
    """The application's history as the actor may see it (`scope`: an officer, the application-level rows and
    their own items')."""
    return scope.events(application).select_related("item_case", "actor", "document").order_by("at", "pk")
