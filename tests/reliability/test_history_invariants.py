"""The invariant over the whole history table (issue 6 item 4): replaying every item case's and application's
status events through the transition tables finds no impossible sequence — after a realistic mix of flows
here, after the concurrency storm in test_concurrency.py and after the fault run (bench/faults.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from tests.support.api import ApiClients as Clients
from tests.support.newborn import act, cases_by_ref, guide, received, take_in, to_hand_in
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases import services
from yijianshi.cases.models import Application, CaseEvent, Commitment, EventType, ItemCase, ToleratedMaterial
from yijianshi.cases.samples import sample_form
from yijianshi.core import clock

from .history import history_violations

pytestmark = pytest.mark.django_db


def realistic_mix(as_user: Clients) -> dict[str, str]:
    """Every flow of the case engine once, through the API: the numbers by flow."""
    mother, father, clerk = as_user("mother"), as_user("father"), as_user("clerk")
    health, police, hrss, medical = (
        as_user(u) for u in ("officer_health", "officer_police", "officer_hrss", "officer_medical")
    )
    numbers: dict[str, str] = {}
    # the whole way: pre-review, decisions, a correction and its resumption, progress, delivery, archive
    number = numbers["complete"] = received(mother, clerk)
    cases = cases_by_ref(mother, number)
    hukou = act(police, cases["household_birth_registration"], "accept").json()
    assert hukou["status"] == "pre_review"
    act(police, hukou, "progress", reason="已核对户籍信息")
    for ref in ("birth_medical_certificate", "vaccination_certificate"):
        accepted = act(health, cases[ref], "accept").json()
        if ref == "vaccination_certificate":
            paused = act(health, accepted, "request_correction", reason="缺少签章").json()
            accepted = act(health, paused, "resume").json()
        assert act(health, accepted, "approve").json()["status"] == "approved"
    hukou = police.get(f"/api/item-cases/{cases['household_birth_registration']['id']}/").json()
    act(police, hukou, "approve")
    for client, ref in (
        (hrss, "newborn_social_security_card"),
        (medical, "newborn_medical_insurance_enrolment"),
    ):
        act(client, act(client, cases[ref], "accept").json(), "approve")
    some = [cases["vaccination_certificate"]["id"]]
    clerk.post(
        f"/api/applications/{number}/deliver/", {"method": "pickup", "item_cases": some}, format="json"
    )
    assert (
        clerk.post(f"/api/applications/{number}/deliver/", {"method": "pickup"}, format="json").json()[
            "status"
        ]
        == "delivered"
    )
    assert clerk.post(f"/api/applications/{number}/archive/").json()["status"] == "archived"
    # a deficiency notice, then the supplement and intake; one item denied ends its dependant
    g = guide(mother)
    form = sample_form(g["form"], overrides={"mother.id_number": MOTHER_ID})
    number = numbers["deficient"] = mother.post(
        "/api/applications/", {"bundle": "140524-09", "form": form}, format="json"
    ).json()["number"]
    assert take_in(clerk, number).json()["status"] == "deficient"
    needed = to_hand_in(g)
    mother.post(f"/api/applications/{number}/supplement/", {"materials": needed}, format="json")
    assert take_in(clerk, number).json()["status"] == "received"
    cases = cases_by_ref(mother, number)
    act(police, cases["household_birth_registration"], "accept")
    birth = act(health, cases["birth_medical_certificate"], "accept").json()
    assert act(health, birth, "deny", reason="出生信息不符").json()["status"] == "denied"
    assert ItemCase.objects.get(pk=cases["household_birth_registration"]["id"]).status == "terminated"
    assert (
        act(health, cases["vaccination_certificate"], "reject", reason="材料不符").json()["status"]
        == "rejected"
    )
    # withdrawn after one approval; withdrawn while still waiting for intake
    number = numbers["withdrawn"] = received(mother, clerk)
    cases = cases_by_ref(mother, number)
    act(health, act(health, cases["birth_medical_certificate"], "accept").json(), "approve")
    assert (
        mother.post(f"/api/applications/{number}/withdraw/", {"reason": "不办了"}, format="json").json()[
            "status"
        ]
        == "withdrawn"
    )
    number = numbers["withdrawn_early"] = mother.post(
        "/api/applications/", {"bundle": "140524-09", "form": form, "materials": needed}, format="json"
    ).json()["number"]
    mother.post(f"/api/applications/{number}/withdraw/", {}, format="json")
    # a tolerated material that never came (the sweep ends the item) and a false commitment (revoked)
    number = numbers["tolerated"] = received(mother, clerk, tolerated=["child.birth_vaccination_record"])
    row = ToleratedMaterial.objects.get(item_case__application__number=number)
    services.deadlines_sweep(now=row.due_at + timedelta(minutes=1))
    number = numbers["commitment"] = received(mother, clerk, commitments=["birth.first_issue_form"])
    cases = cases_by_ref(mother, number)
    act(health, act(health, cases["birth_medical_certificate"], "accept").json(), "approve")
    commitment = Commitment.objects.get(item_case__application__number=number)
    health.post(
        f"/api/commitments/{commitment.pk}/post-check/", {"kept": False, "note": "信息不符"}, format="json"
    )
    # overdue and escalated by the sweep, days later
    numbers["overdue"] = received(mother, clerk)
    services.deadlines_sweep(now=clock.now() + timedelta(days=30))
    assert father.get("/api/applications/").json()["results"] == []
    return numbers


def test_the_history_of_every_flow_replays_through_the_transition_tables(
    newborn: None, as_user: Clients
) -> None:
    numbers = realistic_mix(as_user)
    statuses = dict(Application.objects.filter(number__in=numbers.values()).values_list("number", "status"))
    assert {flow: statuses[n] for flow, n in numbers.items()} == {
        "complete": "archived",
        "deficient": "completed",
        "withdrawn": "withdrawn",
        "withdrawn_early": "withdrawn",
        "tolerated": "received",
        "commitment": "received",
        "overdue": "received",
    }
    types = set(CaseEvent.objects.values_list("type", flat=True))
    assert {
        "pre_review",
        "prerequisite_ready",
        "correction_requested",
        "resumed",
        "progress",
        "denied",
        "rejected",
        "terminated",
        "withdrawn",
        "revoked",
        "delivered",
        "archived",
        "overdue",
        "escalated",
    } <= types
    assert history_violations() == []


def test_the_checker_names_an_impossible_sequence(newborn: None, as_user: Clients) -> None:
    # given: a sound history
    number = received(as_user("mother"), as_user("clerk"))
    assert history_violations() == []
    case = ItemCase.objects.get(application__number=number, ref="vaccination_certificate")
    # when: a decision without acceptance is written behind the services' back
    CaseEvent.objects.create(
        application=case.application,
        item_case=case,
        type=EventType.APPROVED,
        actor=User.objects.get(username="officer_health"),
        at=clock.now(),
        from_status="pending_acceptance",
        to_status="approved",
    )
    ItemCase.objects.filter(pk=case.pk).update(status="approved", version=2)
    # then
    [problem] = history_violations()
    assert f"item case {case.pk}" in problem and "not in the table" in problem
    # and a status changed without any event is caught too
    ItemCase.objects.filter(pk=case.pk).update(status="denied")
    assert any("history ends at 'approved' but the case is 'denied'" in p for p in history_violations())
