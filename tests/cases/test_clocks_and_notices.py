"""Deadlines assigned on real cases across the 2025 National Day holiday; notices through the registry; the
OpenAPI schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.support.newborn import act, cases_by_ref, received
from yijianshi.cases.models import Application
from yijianshi.core import clock

pytestmark = pytest.mark.django_db
SHANGHAI = clock.SHANGHAI


def test_acceptance_deadline_skips_the_national_day_holiday(
    newborn: None, as_user: Callable[[str], APIClient]
) -> None:
    mother, clerk, health = as_user("mother"), as_user("clerk"), as_user("officer_health")
    with clock.frozen(
        datetime(2025, 9, 30, 8, 0, tzinfo=UTC)
    ):  # Tuesday 16:00 in Shanghai, before 1–8 October
        number = received(mother, clerk)
    cases = cases_by_ref(mother, number)
    deadline = datetime.fromisoformat(cases["vaccination_certificate"]["accept_deadline"]).astimezone(
        SHANGHAI
    )
    # 1 working day: by the end of the first working day after the holiday (deadlines are the end of a day)
    assert deadline == datetime(2025, 10, 10, 0, 0, tzinfo=SHANGHAI)
    with clock.frozen(datetime(2025, 10, 10, 2, 0, tzinfo=UTC)):  # Friday 10 October
        accepted = act(health, cases["vaccination_certificate"], "accept").json()
    decide = datetime.fromisoformat(accepted["decide_deadline"]).astimezone(SHANGHAI)
    # the promised limit of 1 working day from Friday 10 October: Saturday 11 October 2025 is a make-up working day
    assert decide == datetime(2025, 10, 12, 0, 0, tzinfo=SHANGHAI)


def test_the_intake_clock_is_two_working_hours(newborn: None, as_user: Callable[[str], APIClient]) -> None:
    from yijianshi.cases.samples import sample_form

    mother = as_user("mother")
    with clock.frozen(datetime(2026, 11, 20, 8, 45, tzinfo=UTC)):  # Friday 16:45 in Shanghai
        guide = mother.get("/api/bundles/140524-09/").json()
        from yijianshi.accounts.demo import MOTHER_ID

        response = mother.post(
            "/api/applications/",
            {
                "bundle": "140524-09",
                "form": sample_form(guide["form"], overrides={"mother.id_number": MOTHER_ID}),
            },
            format="json",
        )
    deadline = datetime.fromisoformat(response.json()["intake_deadline"]).astimezone(SHANGHAI)
    assert deadline.date().isoformat() == "2026-11-23"  # Monday: 45 minutes on Friday, the rest on Monday
    assert deadline.hour in (10, 11)


def test_each_step_notifies_the_applicant(
    newborn: None,
    as_user: Callable[[str], APIClient],
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.NOTIFY_CHANNELS = ["file"]
    settings.NOTIFY_FILE = tmp_path / "notices.jsonl"
    mother, clerk, health = as_user("mother"), as_user("clerk"), as_user("officer_health")
    with django_capture_on_commit_callbacks(execute=True):
        number = received(mother, clerk)
        accepted = act(health, cases_by_ref(mother, number)["vaccination_certificate"], "accept")
    assert accepted.status_code == 200
    lines = [json.loads(x) for x in settings.NOTIFY_FILE.read_text(encoding="utf-8").splitlines()]
    events = [line.get("event") for line in lines]
    assert events[:3] == ["application.submitted", "application.received", "item_case.accepted"]
    assert all(line.get("reference") == number for line in lines)
    assert Application.objects.get(number=number).events.filter(type="accepted").count() == 1


def test_openapi_schema_and_docs(client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    doc = json.loads(schema.content)
    assert doc["openapi"].startswith("3.")
    for path in ("/api/applications/", "/api/item-cases/{id}/transitions/", "/api/bundles/{code}/"):
        assert path in doc["paths"], path
    assert client.get("/api/docs/").status_code == 200


def test_the_sweep_marks_overdue_and_escalates_in_the_history(
    newborn: None, as_user: Callable[[str], APIClient]
) -> None:
    from yijianshi.cases import services
    from yijianshi.cases.models import CaseEvent, ItemCase

    with clock.frozen(datetime(2026, 11, 16, 2, 0, tzinfo=UTC)):  # Monday 10:00 in Shanghai
        number = received(as_user("mother"), as_user("clerk"))
    case = ItemCase.objects.get(application__number=number, ref="vaccination_certificate")
    # acceptance was due by the end of Tuesday 17 November; on Wednesday: overdue, escalated to the department head
    services.deadlines_sweep(now=datetime(2026, 11, 18, 2, 0, tzinfo=UTC))
    case.refresh_from_db()
    assert case.overdue and case.escalation_level == 1
    escalations = CaseEvent.objects.filter(item_case=case, type="escalated").order_by("pk")
    assert [e.data["level"] for e in escalations] == [1] and "负责人" in escalations[0].data["to"]
    # a working day later: the supervising bureau
    services.deadlines_sweep(now=datetime(2026, 11, 19, 2, 0, tzinfo=UTC))
    escalations = CaseEvent.objects.filter(item_case=case, type="escalated").order_by("pk")
    assert [e.data["level"] for e in escalations] == [1, 2]
    assert escalations[1].data["to"] == "行政审批部门"
    history = as_user("mother").get(f"/api/applications/{number}/history/").json()
    assert [e["type"] for e in history].count("escalated") >= 2
    # sweeping again changes nothing
    services.deadlines_sweep(now=datetime(2026, 11, 19, 3, 0, tzinfo=UTC))
    assert CaseEvent.objects.filter(item_case=case, type="escalated").count() == 2
