"""A department's item cases (selectors.item_cases_for, GET /api/item-cases/): the queue is the open work, overdue
first and then by the clock that is running; a state lists the cases in it, decided ones too; `all` is the whole
history, newest first. The queue does not grow with the history (bench/scaling.py measures it at 1 M)."""

from __future__ import annotations

from datetime import timedelta

from rest_framework.test import APIClient

from tests.support.api import ApiClients as Clients
from tests.support.newborn import act, cases_by_ref, received
from yijianshi.cases.models import ItemCase


def ids(client: APIClient, query: str = "") -> list[int]:
    response = client.get(f"/api/item-cases/{query}")
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["results"]]


def test_the_queue_is_the_open_work_overdue_first_then_by_the_running_clock(
    newborn: None, as_user: Clients
) -> None:
    mother, clerk, health = as_user("mother"), as_user("clerk"), as_user("officer_health")
    numbers = [received(mother, clerk) for _ in range(3)]
    first, second, third = (cases_by_ref(health, n)["birth_medical_certificate"] for n in numbers)
    # the first is decided (approved), the second accepted (its decision clock runs), the third still pending
    assert act(health, first, "accept").status_code == 200
    assert (
        act(
            health,
            cases_by_ref(health, numbers[0])["birth_medical_certificate"],
            "approve",
            result={"summary": "已签发"},
        ).status_code
        == 200
    )
    assert act(health, second, "accept").status_code == 200
    # make the third's acceptance deadline the soonest of all, and one case of the second application overdue
    ItemCase.objects.filter(pk=third["id"]).update(
        accept_deadline=ItemCase.objects.get(pk=second["id"]).decide_deadline - timedelta(days=30)
    )
    vaccination = cases_by_ref(health, numbers[1])["vaccination_certificate"]
    ItemCase.objects.filter(pk=vaccination["id"]).update(overdue=True)

    queue = ids(health)
    open_cases = set(
        ItemCase.objects.filter(department__code="health")
        .exclude(status="approved")
        .values_list("pk", flat=True)
    )
    assert set(queue) == open_cases and first["id"] not in queue  # the decided one is not work to do
    assert queue[0] == vaccination["id"]  # overdue first
    assert queue.index(third["id"]) < queue.index(second["id"])  # then the soonest running clock

    assert ids(health, "?status=approved") == [first["id"]]  # a state: decided ones too
    assert ids(health, "?status=all") == sorted(
        open_cases | {first["id"]}, reverse=True
    )  # history, newest first
    assert ids(as_user("officer_civil"), "?status=all") == []  # still the department's only
