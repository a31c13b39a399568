"""A department that works in its own system (004 annex 3 三(三)): it receives a signed webhook for each item
case and reports back through our API with a department token; a department without a connected system
updates progress by hand."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.integrations.receiver import Receiver
from tests.support.newborn import cases_by_ref, received
from yijianshi.accounts.services import api_token_issue
from yijianshi.catalog.models import Department
from yijianshi.integrations.models import DepartmentIntegration
from yijianshi.integrations.outbox import outbox_deliver_due

pytestmark = pytest.mark.django_db


def test_webhook_out_and_token_report_back(newborn: None, as_user: Callable[[str], APIClient]) -> None:
    with Receiver(secret="police-system-secret") as receiver:
        police = Department.objects.get(region__code="140524", code="public_security")
        DepartmentIntegration.objects.create(
            department=police, mode="webhook", url=receiver.url, secret="police-system-secret"
        )
        number = received(as_user("mother"), as_user("clerk"))
        stats = outbox_deliver_due()
        assert stats["delivered"] == 5  # four to our workbench, one to the police system
        assert len(receiver.messages) == 1
        envelope = next(iter(receiver.messages.values()))
        assert envelope["topic"] == "item_case.created"
        payload = envelope["payload"]
        assert payload["application"] == number and payload["item"] == "household_birth_registration"
        assert payload["requires"] == ["birth_medical_certificate"]
        # the police system reports back through the API with its token
        token = api_token_issue(user=User.objects.get(username="officer_police"))
        system = APIClient()
        system.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        case = system.get(f"/api/item-cases/{payload['item_case']}/").json()
        accepted = system.post(
            f"/api/item-cases/{case['id']}/transitions/",
            {"action": "accept", "expected_version": case["version"]},
            format="json",
        )
        assert accepted.status_code == 200 and accepted.json()["status"] == "pre_review"
        stale = system.post(
            f"/api/item-cases/{case['id']}/transitions/",
            {"action": "progress", "expected_version": case["version"], "reason": "x"},
            format="json",
        )
        assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
        assert outbox_deliver_due()["delivered"] == 0  # nothing new to send; each message went exactly once
        assert sum(receiver.duplicates.values()) == 0


def test_a_department_without_a_system_updates_progress_by_hand(
    newborn: None, as_user: Callable[[str], APIClient]
) -> None:
    mother, medical = as_user("mother"), as_user("officer_medical")
    number = received(mother, as_user("clerk"))
    case = cases_by_ref(mother, number)["newborn_medical_insurance_enrolment"]
    accepted = medical.post(
        f"/api/item-cases/{case['id']}/transitions/",
        {"action": "accept", "expected_version": case["version"]},
        format="json",
    ).json()
    noted = medical.post(
        f"/api/item-cases/{case['id']}/transitions/",
        {"action": "progress", "expected_version": accepted["version"], "reason": "已在医保系统录入，待审核"},
        format="json",
    )
    assert noted.status_code == 200 and noted.json()["progress_note"] == "已在医保系统录入，待审核"
    history = mother.get(f"/api/applications/{number}/history/").json()
    assert any(e["type"] == "progress" and e["reason"] == "已在医保系统录入，待审核" for e in history)
    assert json.dumps(history, ensure_ascii=False).count("progress") >= 1
