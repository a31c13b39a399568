"""Withdrawal, correction (the clock stops), a tolerated material that never arrives, a false commitment,
two officers deciding at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import close_old_connections

from tests.support.api import ApiClients as Clients
from tests.support.newborn import act, cases_by_ref, guide, received, take_in, to_hand_in
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import (
    Application,
    CaseEvent,
    Commitment,
    CreditRecord,
    ItemCase,
    ToleratedMaterial,
)
from yijianshi.cases.samples import sample_form
from yijianshi.core import clock
from yijianshi.core.calendar import work_calendar
from yijianshi.core.errors import Conflict
from yijianshi.integrations.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_deficiency_notice_lists_everything_at_once_then_supplement(newborn: None, as_user: Clients) -> None:
    mother, clerk = as_user("mother"), as_user("clerk")
    g = guide(mother)
    form = sample_form(g["form"], overrides={"mother.id_number": MOTHER_ID})
    number = mother.post("/api/applications/", {"bundle": "140524-09", "form": form}, format="json").json()[
        "number"
    ]
    deficient = clerk.post(
        f"/api/applications/{number}/intake/", {"problems": ["出生证明登记表字迹不清"]}, format="json"
    ).json()
    assert deficient["status"] == "deficient"
    notice = Application.objects.get(number=number).documents.get(kind="deficiency_notice")
    needed = to_hand_in(g)
    assert len(notice.content["items"]) == len(needed) + 1  # every missing material and the clerk's finding
    back = mother.post(f"/api/applications/{number}/supplement/", {"materials": needed}, format="json").json()
    assert back["status"] == "submitted"
    assert sorted(back["materials_to_present"]) == sorted(needed)  # listed, not yet handed in
    assert take_in(clerk, number).json()["status"] == "received"


def test_withdrawal_ends_every_open_item_case_and_tells_every_department(
    newborn: None, as_user: Clients
) -> None:
    mother, clerk, health = as_user("mother"), as_user("clerk"), as_user("officer_health")
    number = received(mother, clerk)
    cases = cases_by_ref(mother, number)
    accepted = act(health, cases["birth_medical_certificate"], "accept").json()
    act(health, accepted, "approve")
    out = mother.post(f"/api/applications/{number}/withdraw/", {"reason": "不办了"}, format="json").json()
    assert out["status"] == "withdrawn"
    statuses = {c["ref"]: c["status"] for c in out["item_cases"]}
    assert statuses["birth_medical_certificate"] == "approved"
    assert {s for r, s in statuses.items() if r != "birth_medical_certificate"} == {"withdrawn"}
    told = set(
        OutboxMessage.objects.filter(topic="application.withdrawn").values_list("department__code", flat=True)
    )
    assert told == {"health", "public_security", "hrss", "medical_security"}
    assert (
        as_user("father").post(f"/api/applications/{number}/withdraw/", {}, format="json").status_code == 404
    )
    again = mother.post(f"/api/applications/{number}/withdraw/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"


def test_a_correction_stops_the_clock_and_resuming_extends_the_deadline(
    newborn: None, as_user: Clients
) -> None:
    mother, clerk, health = as_user("mother"), as_user("clerk"), as_user("officer_health")
    start = datetime(
        2025, 9, 29, 2, 0, tzinfo=UTC
    )  # Monday 10:00 in Shanghai, before the National Day holiday
    with clock.frozen(start):
        number = received(mother, clerk)
        case = act(health, cases_by_ref(mother, number)["vaccination_certificate"], "accept").json()
    deadline = datetime.fromisoformat(case["decide_deadline"])
    with clock.frozen(start + timedelta(hours=1)):
        paused = act(
            health, case, "request_correction", reason="接种记录缺少签章", corrections=["补盖出生医院公章"]
        ).json()
        assert paused["status"] == "correction"
    with clock.frozen(datetime(2025, 10, 10, 2, 0, tzinfo=UTC)):  # resumed after the holiday
        resumed = act(health, paused, "resume").json()
    # paused Monday 29 September, resumed Friday 10 October: working days in between are 30 Sept and 9–10 Oct
    assert resumed["status"] == "accepted" and resumed["paused_workdays"] == 3
    extended = datetime.fromisoformat(resumed["decide_deadline"])
    assert extended == work_calendar().extend_deadline(deadline, 3)
    events = [e.type for e in CaseEvent.objects.filter(item_case_id=case["id"])]
    assert events == ["accepted", "correction_requested", "resumed"]


def test_a_tolerated_material_that_never_arrives_ends_the_item(newborn: None, as_user: Clients) -> None:
    mother, clerk = as_user("mother"), as_user("clerk")
    number = received(mother, clerk, tolerated=["child.birth_vaccination_record"])
    row = ToleratedMaterial.objects.get(item_case__application__number=number)
    assert row.item_case.ref == "vaccination_certificate"
    assert row.due_at <= work_calendar().add_workdays(clock.now(), row.item_case.promised_limit_days + 1)
    stats = services.deadlines_sweep(now=row.due_at + timedelta(minutes=1))
    assert stats["expired"] == 1
    case = ItemCase.objects.get(pk=row.item_case_id)
    assert case.status == "terminated"
    assert case.events.filter(type="terminated").exists()
    assert services.deadlines_sweep(now=row.due_at + timedelta(minutes=2))["expired"] == 0


def test_a_false_commitment_revokes_the_result_and_bars_commitments(newborn: None, as_user: Clients) -> None:
    mother, clerk, health = as_user("mother"), as_user("clerk"), as_user("officer_health")
    number = received(mother, clerk, commitments=["birth.first_issue_form"])
    commitment = Commitment.objects.get(item_case__application__number=number)
    assert "真实" in commitment.text and commitment.check_due_at > clock.now()
    case = act(health, cases_by_ref(mother, number)["birth_medical_certificate"], "accept").json()
    act(health, case, "approve")
    assert (
        health.post(
            f"/api/commitments/{commitment.pk}/post-check/", {"kept": False}, format="json"
        ).status_code
        == 400
    )
    checked = health.post(
        f"/api/commitments/{commitment.pk}/post-check/",
        {"kept": False, "note": "父亲信息与户籍不符"},
        format="json",
    )
    assert checked.status_code == 200 and checked.json()["status"] == "revoked"
    assert CreditRecord.objects.filter(party_id=MOTHER_ID, item_ref="birth_medical_certificate").exists()
    g = guide(mother)
    again = mother.post(
        "/api/applications/",
        {
            "bundle": "140524-09",
            "commitments": ["birth.first_issue_form"],
            "form": sample_form(g["form"], overrides={"mother.id_number": MOTHER_ID}),
        },
        format="json",
    )
    assert again.status_code == 400 and again.json()["code"] == "commitment_barred"


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_the_same_item_at_once_one_wins_one_gets_409(
    newborn: None, as_user: Clients
) -> None:
    mother, clerk = as_user("mother"), as_user("clerk")
    number = received(mother, clerk)
    case = ItemCase.objects.get(application__number=number, ref="vaccination_certificate")
    officer = User.objects.get(username="officer_health")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(action: str) -> None:
        try:
            barrier.wait()
            services.item_case_transition(
                item_case=case,
                actor=actor_of(officer),
                action=action,
                expected_version=case.version,
                reason="并发测试",
            )
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=decide, args=(a,)) for a in ("accept", "reject")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "stale_version"]
    case.refresh_from_db()
    assert case.version == 2 and case.status in ("accepted", "rejected")
    assert CaseEvent.objects.filter(item_case=case).count() == 1
