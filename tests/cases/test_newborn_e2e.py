"""The newborn bundle (新生儿出生, 陵川县) through the API, across every role (004 annex 3 end to end)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.support.api import ApiClients as Clients
from tests.support.newborn import act, cases_by_ref, guide, take_in, to_hand_in
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases.models import Application, CaseEvent, Document
from yijianshi.cases.samples import sample_form
from yijianshi.integrations.models import OutboxMessage

pytestmark = pytest.mark.django_db


def submit(client: APIClient, key: str | None = None, **extra: Any) -> Any:
    g = guide(client)
    form = sample_form(g["form"], overrides={"mother.id_number": MOTHER_ID, "mother.name": "王芳"})
    body = {"bundle": "140524-09", "form": form, "materials": to_hand_in(g), **extra}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/applications/", body, format="json", **headers)


def test_the_newborn_bundle_end_to_end(newborn: None, as_user: Clients) -> None:
    mother, clerk = as_user("mother"), as_user("clerk")
    health, police, hrss, medical = (
        as_user(u) for u in ("officer_health", "officer_police", "officer_hrss", "officer_medical")
    )
    # one application, idempotent
    first = submit(mother, key="k-1")
    assert first.status_code == 201, first.content
    number = first.json()["number"]
    again = submit(mother, key="k-1")
    assert (
        again.status_code == 201
        and again.json()["number"] == number
        and again["Idempotent-Replayed"] == "true"
    )
    assert Application.objects.count() == 1
    assert (
        mother.post(
            "/api/applications/",
            {"bundle": "140524-09", "form": {}},
            format="json",
            HTTP_IDEMPOTENCY_KEY="k-1",
        ).status_code
        == 409
    )
    # the clerk's queue shows it with its 2-working-hour clock; intake fans out one item case per item
    queue = clerk.get("/api/intake-queue/").json()["results"]
    assert [a["number"] for a in queue] == [number]
    assert queue[0]["party_id"] != MOTHER_ID and queue[0]["party_id"].startswith(MOTHER_ID[:3])
    received = take_in(clerk, number)  # each material the mother listed, confirmed as handed in and checked
    assert received.status_code == 200, received.content
    assert received.json()["status"] == "received"
    cases = cases_by_ref(mother, number)
    assert set(cases) == {
        "birth_medical_certificate",
        "vaccination_certificate",
        "household_birth_registration",
        "newborn_social_security_card",
        "newborn_medical_insurance_enrolment",
    }
    assert OutboxMessage.objects.filter(topic="item_case.created").count() == 5
    # an officer sees only their department's parts
    assert {c["ref"] for c in police.get("/api/item-cases/").json()["results"]} == {
        "household_birth_registration"
    }
    assert police.get(f"/api/item-cases/{cases['birth_medical_certificate']['id']}/").status_code == 404
    assert act(police, cases["birth_medical_certificate"], "accept").status_code == 404
    # the registration waits for the birth certificate: pre-review, no decision yet
    hukou = act(police, cases["household_birth_registration"], "accept")
    assert hukou.json()["status"] == "pre_review"
    refused = act(police, hukou.json(), "approve")
    assert refused.status_code == 409 and refused.json()["code"] == "prerequisite_not_approved"
    assert refused.json()["message"]["zh-hans"] and refused.json()["message"]["en"]
    # the hospital decides; the registration can be decided the moment the result exists
    for ref in ("birth_medical_certificate", "vaccination_certificate"):
        accepted = act(health, cases[ref], "accept")
        assert accepted.json()["status"] == "accepted", accepted.content
        assert (
            act(health, accepted.json(), "approve", result={"summary": "已签发"}).json()["status"]
            == "approved"
        )
    hukou = police.get(f"/api/item-cases/{cases['household_birth_registration']['id']}/").json()
    assert hukou["status"] == "accepted"
    assert act(police, hukou, "approve").json()["status"] == "approved"
    for client, ref in (
        (hrss, "newborn_social_security_card"),
        (medical, "newborn_medical_insurance_enrolment"),
    ):
        accepted = act(client, cases[ref], "accept").json()
        assert accepted["status"] == "accepted"
        assert act(client, accepted, "approve").json()["status"] == "approved"
    app = mother.get(f"/api/applications/{number}/").json()
    assert app["status"] == "completed"
    # one delivery, then the archive
    delivered = clerk.post(f"/api/applications/{number}/deliver/", {"method": "post"}, format="json")
    assert delivered.status_code == 400 and delivered.json()["field"] == "tracking_number"
    delivered = clerk.post(
        f"/api/applications/{number}/deliver/",
        {"method": "post", "tracking_number": "SF1234567"},
        format="json",
    )
    assert delivered.json()["status"] == "delivered"
    assert clerk.post(f"/api/applications/{number}/archive/").json()["status"] == "archived"
    # the history tells it all, in order, with documents
    types = [e["type"] for e in mother.get(f"/api/applications/{number}/history/").json()]
    assert types[:4] == ["submitted", "material_provided", "received", "fanned_out"]  # confirmed at intake
    assert types.count("approved") == 5 and "pre_review" in types and "prerequisite_ready" in types
    assert types[-3:] == ["delivered", "delivered", "archived"][-3:] or types[-1] == "archived"
    kinds = sorted(Document.objects.filter(application__number=number).values_list("kind", flat=True))
    assert kinds.count("acceptance_notice") == 5 and kinds.count("approval_decision") == 5
    assert "receipt" in kinds and "delivery_receipt" in kinds
    pdf = mother.get(f"/api/documents/{number}-SJ01.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert as_user("father").get(f"/api/documents/{number}-SJ01.pdf").status_code == 404
    # the QR code's page verifies it, without revealing the identity number
    code = Document.objects.get(number=f"{number}-SJ01").verification_code
    page = APIClient().get(f"/verify/{code}").content.decode()
    assert number in page and "真实有效" in page and MOTHER_ID not in page


def test_bad_submissions_get_clear_errors_and_change_nothing(newborn: None, as_user: Clients) -> None:
    mother = as_user("mother")
    unknown = mother.post("/api/applications/", {"bundle": "999999-99", "form": {}}, format="json")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_bundle"
    missing = mother.post(
        "/api/applications/", {"bundle": "140524-09", "form": {"child.name": "李小宝"}}, format="json"
    )
    body = missing.json()
    assert missing.status_code == 400 and body["code"] == "invalid_form"
    assert {e["field"] for e in body["errors"]} >= {"form.mother.id_number", "form.child.birth_date"}
    g = guide(mother)
    form = sample_form(g["form"], overrides={"mother.id_number": "110105194912310021"})
    bad_id = mother.post("/api/applications/", {"bundle": "140524-09", "form": form}, format="json")
    assert bad_id.status_code == 400
    assert any(
        e["field"] == "form.mother.id_number" and e["code"] == "id_number_bad_check_digit"
        for e in bad_id.json()["errors"]
    )
    assert "110105194912310021" not in json.dumps(bad_id.json(), ensure_ascii=False)
    officer = as_user("officer_health").post(
        "/api/applications/", {"bundle": "140524-09", "form": form}, format="json"
    )
    assert officer.status_code == 403 and officer.json()["code"] == "forbidden_role"  # refused by role first
    assert APIClient().post(
        "/api/applications/", {"bundle": "140524-09", "form": form}, format="json"
    ).status_code in (401, 403)
    assert Application.objects.count() == 0 and CaseEvent.objects.count() == 0
