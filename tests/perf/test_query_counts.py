"""Every list endpoint is paginated and costs the same number of queries for 1 row as for 30 (issue 6, point 2):
no query per row (an N+1 would show here as 29 more)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.support.api import api_client
from tests.support.catalogue import load_newborn
from tests.support.factories import submitted_application
from tests.support.newborn import to_hand_in
from yijianshi.accounts.demo import MOTHER_ID, create_demo_accounts
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import Application, ItemCase
from yijianshi.cases.samples import sample_form

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12  # a list page: session/token, profile, count, page, prefetches — never per row


@pytest.fixture
def submitted(newborn: None) -> Application:
    """One newborn application submitted by the demo mother through the service (prefill and all), with every
    material handed in: intake finds it complete."""
    return submitted_application(every_material=True)


def copies(app: Application, n: int) -> None:
    """n more rows like `app` (and like its item cases), written directly: the rows, not the workflow, matter."""
    cases = list(ItemCase.objects.filter(application=app))
    for i in range(n):
        clone = Application.objects.get(pk=app.pk)
        clone.pk = None
        clone.number = f"{app.number}-{i:03d}"
        clone.idempotency_key = None
        clone.save(force_insert=True)
        for case in cases:
            case.pk = None
            case.application = clone
            case.save(force_insert=True)


def flat(client: APIClient, path: str, grow: Callable[[], None], expect_after: int) -> tuple[int, int]:
    """Queries for one page with the rows there are now, and after `grow()`; the second must not exceed the
    first. Returns both counts (for the message)."""
    with CaptureQueriesContext(connection) as one:
        first = client.get(path)
    assert first.status_code == 200, first.content
    body = first.json()
    assert {"count", "next", "previous", "results"} <= set(body), "the list must be paginated"
    grow()
    with CaptureQueriesContext(connection) as many:
        second = client.get(path)
    assert second.status_code == 200
    assert len(second.json()["results"]) == expect_after
    return len(one.captured_queries), len(many.captured_queries)


def test_my_applications_cost_the_same_for_1_and_30(
    submitted: Application, django_assert_max_num_queries: Any
) -> None:
    mother = api_client("mother")
    with CaptureQueriesContext(connection) as one:
        assert len(mother.get("/api/applications/").json()["results"]) == 1
    copies(submitted, 29)
    with django_assert_max_num_queries(min(len(one.captured_queries), MAX_QUERIES)):
        page = mother.get("/api/applications/").json()
    assert len(page["results"]) == 30 and page["count"] == 30


def test_the_intake_queue_costs_the_same_for_1_and_30(
    submitted: Application, django_assert_max_num_queries: Any
) -> None:
    clerk = api_client("clerk")
    with CaptureQueriesContext(connection) as one:
        assert len(clerk.get("/api/intake-queue/").json()["results"]) == 1
    copies(submitted, 29)
    with django_assert_max_num_queries(min(len(one.captured_queries), MAX_QUERIES)):
        page = clerk.get("/api/intake-queue/").json()
    assert len(page["results"]) == 30 and page["count"] == 30


def test_a_department_queue_costs_the_same_for_1_and_30_applications(
    submitted: Application, django_assert_max_num_queries: Any
) -> None:
    received = services.application_intake(
        application=submitted,
        actor=actor_of(User.objects.get(username="clerk")),
        confirmed=submitted.materials_to_present,
    )
    assert received.status == "received", received.status
    assert ItemCase.objects.filter(application=submitted).count() == 5
    police = api_client("officer_police")  # one item per newborn application: household registration
    with CaptureQueriesContext(connection) as one:
        assert len(police.get("/api/item-cases/").json()["results"]) == 1
    copies(submitted, 29)
    with django_assert_max_num_queries(min(len(one.captured_queries), MAX_QUERIES)):
        page = police.get("/api/item-cases/").json()
    assert len(page["results"]) == 30 and page["count"] == 30


def test_lists_are_paginated_with_limit_and_offset(submitted: Application) -> None:
    copies(submitted, 29)
    mother = api_client("mother")
    first = mother.get("/api/applications/", {"limit": 10}).json()
    assert first["count"] == 30 and len(first["results"]) == 10 and first["next"]
    rest = mother.get("/api/applications/", {"limit": 10, "offset": 20}).json()
    assert len(rest["results"]) == 10 and rest["next"] is None
    assert not {a["number"] for a in first["results"]} & {a["number"] for a in rest["results"]}


SUBMIT_BUDGET = (
    22  # measured 22 on SQLite and on PostgreSQL (2026-12-06, fourth session: the child found before any
)
# record is read, so her records and the birth record come in one query); 23 before, 30 before the records read
# ahead, 55 before the ledger batch, the actor scope and the licence query (bench/profile_submit.py counts every
# connection)


def test_a_submission_over_http_has_a_query_budget(django_assert_max_num_queries: Any) -> None:
    """The newborn submission of the demo mother with her shared data and licences (5 sources, 6 reads, the
    marriage-certificate waiver): the ledger rows of its prefill go in one INSERT, the licences of every type
    she might be waived by are read together (which she holds, then those rows)."""
    from yijianshi.datahub.demo import demo_data_seed
    from yijianshi.licenses.demo import seed_demo_licences

    load_newborn()
    create_demo_accounts()
    demo_data_seed(persons=20, enterprises=2, seed=5)
    seed_demo_licences()
    mother = api_client("mother")
    guide = mother.get("/api/bundles/140524-09/").json()
    needed = to_hand_in(guide)
    body = {
        "bundle": "140524-09",
        "materials": needed,
        "answers": {},
        "form": sample_form(guide["form"], overrides={"mother.id_number": MOTHER_ID, "mother.name": "王芳"}),
    }
    with django_assert_max_num_queries(SUBMIT_BUDGET), CaptureQueriesContext(connection) as done:
        response = mother.post("/api/applications/", body, format="json", HTTP_IDEMPOTENCY_KEY="budget-1")
    assert response.status_code == 201, response.content
    app = Application.objects.get(number=response.json()["number"])
    assert "marriage_certificate" in app.snapshot["evidence"]["licences"]
    sql = [q["sql"] for q in done.captured_queries]
    assert sum(s.startswith('INSERT INTO "ledger_ledgerentry"') for s in sql) == 1, sql
    assert sum('FROM "licenses_license"' in s for s in sql) == 2, sql  # which she holds, then those rows
    # her records in the sources and the child's birth record together (the child found by the lookup first)
    assert sum('FROM "datahub_sourcerecord"' in s and "datahub_sourcelink" not in s for s in sql) == 1, sql
    # the 201: a fresh application has no item cases yet and this request attached no uploads
    assert not [s for s in sql if 'FROM "cases_itemcase"' in s or 'FROM "uploads_upload"' in s], sql
    assert response.json()["item_cases"] == [] and response.json()["uploads"] == []


def test_an_api_token_brings_its_user_and_profile_in_one_query() -> None:
    """A token-authenticated request reads the token, its user and the user's profile together; the view's
    actor (role, department) comes from that row — no second query for the profile."""
    from yijianshi.accounts.services import api_token_issue

    create_demo_accounts()
    token = api_token_issue(user=User.objects.get(username="mother"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as done:
        response = client.get("/api/applications/")
    assert response.status_code == 200, response.content
    sql = [q["sql"] for q in done.captured_queries]
    assert sum('FROM "accounts_apitoken"' in s and '"accounts_profile"' in s for s in sql) == 1, sql
    assert not [s for s in sql if s.startswith("SELECT") and 'FROM "accounts_profile"' in s], sql


def test_an_unknown_token_or_an_inactive_user_is_refused() -> None:
    from yijianshi.accounts.services import api_token_issue

    create_demo_accounts()
    user = User.objects.get(username="mother")
    token = api_token_issue(user=user)
    client = APIClient()
    assert client.get("/api/applications/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    unknown = client.get("/api/applications/", HTTP_AUTHORIZATION="Token " + "0" * 40)
    user.is_active = False
    user.save(update_fields=["is_active"])
    inactive = client.get("/api/applications/", HTTP_AUTHORIZATION=f"Token {token}")
    for response in (unknown, inactive):  # 403, not 401: the session scheme is listed first (no challenge)
        assert response.status_code == 403, response.content
        assert "authentication_failed" in response.content.decode(), response.content


def test_an_answers_fields_are_worked_out_once_per_class_and_copied_for_each_instance(
    submitted: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    """core.serializers.FieldsBuiltOnce: DRF's ModelSerializer introspects the model for every instance; the
    answers' serializers do it once per class. Each instance still gets fields of its own (bound to it)."""
    from rest_framework import serializers as drf

    from yijianshi.cases import serializers as s

    calls: list[str] = []
    original = drf.ModelSerializer.get_fields

    def counted(self: Any) -> Any:
        calls.append(type(self).__name__)
        return original(self)

    monkeypatch.setattr(drf.ModelSerializer, "get_fields", counted)
    monkeypatch.delattr(s.ApplicationOut, "_fields_built", raising=False)
    first, second = s.ApplicationOut(submitted), s.ApplicationOut(submitted)
    assert first.data == second.data and first.data["number"] == submitted.number
    assert calls.count("ApplicationOut") == 1
    assert first.fields["status"] is not second.fields["status"]
    assert first.fields["status"].parent is first and second.fields["party_id"].parent is second
