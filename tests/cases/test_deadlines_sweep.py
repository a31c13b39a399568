"""The deadline sweep (`deadlines_sweep`) when there is more to sweep than one batch, and while other
transactions are at work — two faults the scale-out run (bench/scale_out.py, docs/scale-out.md) revealed:

- candidates were the first `batch` overdue cases in no particular order, including those already escalated
  to the last level: once a batch's worth of cases stayed overdue, the cases behind them were never reached;
- the row lock also took the application's and the department's rows (FOR UPDATE over the whole join), so while
  one sweeper held a case, a sweeper on another worker skipped every case of that department and of that
  application (and a commit writing an item case or outbox message for the department waited for it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.support.newborn import received
from yijianshi.cases import services
from yijianshi.cases.models import CaseEvent, ItemCase
from yijianshi.core import clock

TAKEN_IN = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
LATER = TAKEN_IN + timedelta(days=10)  # every acceptance deadline long past: the second level at once


def escalations(case: ItemCase) -> list[int]:
    return [
        e.data["level"] for e in CaseEvent.objects.filter(item_case=case, type="escalated").order_by("pk")
    ]


@pytest.mark.django_db
def test_the_sweep_reaches_cases_behind_a_batch_already_escalated(
    newborn: None, as_user: Callable[[str], APIClient]
) -> None:
    # given: five item cases; four already escalated to the last level and still not accepted, then the fifth
    # overdue too — the last row in the table's order, behind the four
    with clock.frozen(TAKEN_IN):
        number = received(as_user("mother"), as_user("clerk"))
    *done, fresh = ItemCase.objects.filter(application__number=number).order_by("pk")
    ItemCase.objects.filter(pk=fresh.pk).update(accept_deadline=LATER + timedelta(days=30))
    services.deadlines_sweep(now=LATER)
    assert [escalations(c) for c in done] == [[2]] * 4
    ItemCase.objects.filter(pk=fresh.pk).update(accept_deadline=TAKEN_IN + timedelta(days=1))
    # when: sweeps of two cases at a time, as many as there are cases to escalate
    services.deadlines_sweep(now=LATER, batch=2)
    # then: the fifth is escalated; the four are not escalated again
    assert escalations(fresh) == [2]
    assert [escalations(c) for c in done] == [[2]] * 4


@pytest.mark.django_db
def test_a_case_waiting_for_its_next_level_is_not_written_again(
    newborn: None, as_user: Callable[[str], APIClient]
) -> None:
    with clock.frozen(TAKEN_IN):
        number = received(as_user("mother"), as_user("clerk"))
    overdue_at = max(
        ItemCase.objects.filter(application__number=number).values_list("accept_deadline", flat=True)
    )
    soon = overdue_at + timedelta(minutes=5)  # past every acceptance deadline, not yet a working day past
    assert services.deadlines_sweep(now=soon)["escalated"] == 5
    with CaptureQueriesContext(connection) as again:
        stats = services.deadlines_sweep(now=soon + timedelta(minutes=1))
    assert stats == {"overdue": 0, "escalated": 0, "expired": 0, "lapsed": 0, "skipped": 0}
    assert not [q["sql"] for q in again.captured_queries if q["sql"].startswith("UPDATE")]
    assert [escalations(c) for c in ItemCase.objects.filter(application__number=number)] == [[1]] * 5


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_skip_only_the_case_the_other_holds(
    newborn: None, as_user: Callable[[str], APIClient]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent connections: PostgreSQL (the CI's PostgreSQL run executes it)")
    with clock.frozen(TAKEN_IN):
        first = received(as_user("mother"), as_user("clerk"))
        second = received(as_user("mother"), as_user("clerk"))
    held = ItemCase.objects.get(application__number=first, ref="vaccination_certificate")
    holding, done = threading.Event(), threading.Event()

    def other_sweeper() -> None:  # another worker's sweep, in the middle of its transaction on one case
        try:
            with transaction.atomic():
                assert services._case_to_sweep(held.pk) is not None
                holding.set()
                done.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_sweeper)
    thread.start()
    try:
        assert holding.wait(30)
        # when: this sweep runs while the other holds one case of the health department
        stats = services.deadlines_sweep(now=LATER)
    finally:
        done.set()
        thread.join(30)
    # then: it skips that case only — not the department's other cases, not its application's other cases
    assert stats["escalated"] == 9 and stats["skipped"] == 1
    assert escalations(held) == []
    assert all(
        escalations(c) == [2]
        for c in ItemCase.objects.filter(application__number__in=[first, second]).exclude(pk=held.pk)
    )
