"""Many officers on the same item cases at the same moment (issue 6 item 4), on PostgreSQL with one database
connection per thread: each race has exactly one winner; every loser gets 409 with the structured body
(stale_version, or transition_not_allowed when it read the new state first); the history replays cleanly.

Rounds: 1) every officer of a department (three per department, plus the administrator) tries to accept each
of its item cases with the version they read; 2) on every accepted case they race approve / deny /
request_correction; 3) on the cases in correction, resume against a second correction request."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from tests.support.api import ApiClients as Clients
from tests.support.factories import OfficerFactory
from tests.support.newborn import received
from yijianshi.accounts.models import Profile, Role
from yijianshi.cases.models import CaseEvent, ItemCase

from .history import history_violations

APPLICATIONS = 4
OFFICERS_PER_DEPARTMENT = 3


def more_officers() -> dict[int, list[User]]:
    """Three officers in each department of the demo (the demo has one), by department id."""
    by_department: dict[int, list[User]] = {}
    for profile in Profile.objects.filter(role=Role.OFFICER).select_related("user", "department"):
        dept = profile.department_id
        assert dept is not None
        by_department[dept] = [profile.user]
        for n in range(1, OFFICERS_PER_DEPARTMENT):
            user = OfficerFactory(
                username=f"{profile.user.username}_{n}", profile__department=profile.department
            )
            by_department[dept].append(user)
    return by_department


def race(
    case: ItemCase, contenders: list[tuple[User, str]], version: int
) -> list[tuple[str, int, dict[str, Any]]]:
    """All contenders post their transition with the same expected version at once, each on its own connection."""
    barrier = threading.Barrier(len(contenders))
    results: list[tuple[str, int, dict[str, Any]]] = []
    lock = threading.Lock()

    def go(user: User, action: str) -> None:
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=30)
            body = {"action": action, "expected_version": version, "reason": f"{user.username} 并发"}
            response = client.post(f"/api/item-cases/{case.pk}/transitions/", body, format="json")
            with lock:
                results.append((action, response.status_code, response.json()))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=go, args=c) for c in contenders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == len(contenders), "a contender never answered"
    return results


def check_one_winner(case: ItemCase, results: list[tuple[str, int, dict[str, Any]]]) -> str:
    codes = Counter(status for _, status, _ in results)
    assert codes[200] == 1, (case.pk, results)
    assert codes[409] == len(results) - 1, (case.pk, results)
    for _, status, body in results:
        if status == 409:
            assert body["code"] in ("stale_version", "transition_not_allowed"), body
            assert body["message"]["zh-hans"] and body["message"]["en"]
    [(action, _, winner)] = [r for r in results if r[1] == 200]
    fresh = ItemCase.objects.get(pk=case.pk)
    assert fresh.status == winner["status"] and fresh.version == winner["version"]
    return action


@pytest.mark.django_db(transaction=True)
def test_officers_racing_on_the_same_item_cases_one_wins_each_race(
    postgres_only: None, newborn: None, as_user: Clients
) -> None:
    numbers = [received(as_user("mother"), as_user("clerk")) for _ in range(APPLICATIONS)]
    officers = more_officers()
    admin = User.objects.get(username="admin")
    cases = list(ItemCase.objects.filter(application__number__in=numbers).order_by("pk"))
    events_before = CaseEvent.objects.filter(item_case__in=cases).count()
    assert events_before == 0

    winners: Counter[str] = Counter()
    for case in cases:  # round 1: everyone accepts (one of them rejects) what they all read as version 1
        case.refresh_from_db()
        if case.status != "pending_acceptance":  # ended by a rejected prerequisite in an earlier race
            continue
        team = officers[case.department_id]
        contenders = [(u, "accept") for u in team] + [(admin, "accept"), (team[0], "reject")]
        winners[check_one_winner(case, race(case, contenders, version=1))] += 1
    assert winners["accept"] >= 1 and sum(winners.values()) >= len(cases) // 2

    decided = Counter[str]()
    for case in ItemCase.objects.filter(pk__in=[c.pk for c in cases], status="accepted"):
        team = officers[case.department_id]
        contenders = [
            (team[0], "approve"),
            (team[1], "deny"),
            (team[2], "request_correction"),
            (admin, "approve"),
        ]
        decided[check_one_winner(case, race(case, contenders, version=case.version))] += 1
    assert sum(decided.values()) >= 1

    for case in ItemCase.objects.filter(pk__in=[c.pk for c in cases], status="correction"):
        team = officers[case.department_id]
        contenders = [(team[0], "resume"), (team[1], "resume"), (team[2], "request_correction")]
        check_one_winner(case, race(case, contenders, version=case.version))

    # each won race wrote exactly one history row for its case (plus system cascades, which are checked below)
    by_officers = CaseEvent.objects.filter(item_case__in=cases).exclude(actor_role="system").count()
    assert (
        by_officers
        == sum(winners.values())
        + sum(decided.values())
        + ItemCase.objects.filter(pk__in=[c.pk for c in cases], events__type="resumed").count()
    )
    assert history_violations() == []
