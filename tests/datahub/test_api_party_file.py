"""GET /api/me/file/ (一人一档): the signed-in applicant's file, each value with its source, provider department and
time of reading, every read in the access ledger; with consent, what they entered before. Only the party."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.support.api import api_client
from tests.support.newborn import submit_with_prefill
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_the_mother_reads_her_file_with_provenance(hub: None) -> None:
    body = api_client("mother").get("/api/me/file/")
    assert body.status_code == 200, body.content
    file = body.json()
    assert (
        file["kind"] == "person"
        and file["subject"] != MOTHER_ID
        and file["subject"].startswith(MOTHER_ID[:3])
    )
    name = next(v for v in file["values"] if v["key"] == "person.name" and v["source"] == "population")
    assert name["value"] == "王芳" and name["label_zh"] and name["source_name"] and name["fetched_at"]
    assert name["provider"] == {"code": "public_security", "name": name["provider"]["name"]}
    assert {"population", "household"} <= {v["source"] for v in file["values"]}
    assert file["consent"] is False and file["earlier"] == []
    # every source read for the file is in the ledger, under the purpose party_file, about her
    rows = LedgerEntry.objects.filter(subject_id=MOTHER_ID, purpose_kind="party_file")
    assert {"population", "household"} <= set(rows.values_list("source", flat=True))


def test_earlier_entries_only_with_consent(hub: None) -> None:
    mother = api_client("mother")
    submitted = submit_with_prefill(mother, changes={"mother.phone": "13912345678"})
    assert mother.get("/api/me/file/").json()["earlier"] == []
    assert mother.post("/api/me/consents/", {}, format="json").status_code == 201
    earlier = {v["key"]: v for v in mother.get("/api/me/file/").json()["earlier"]}
    assert earlier["person.phone"]["value"] == "13912345678"
    assert earlier["person.phone"]["source"] == "application"
    assert earlier["person.phone"]["reference"] == submitted["application"]["number"]


def test_only_the_party_reads_their_file(hub: None) -> None:
    for staff in ("clerk", "officer_police", "auditor"):
        answer = api_client(staff).get("/api/me/file/")
        assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    assert APIClient().get("/api/me/file/").status_code in (401, 403)
    assert not LedgerEntry.objects.filter(purpose_kind="party_file").exists()


def test_bad_party_kind_is_a_4xx_naming_the_field(hub: None) -> None:
    wrong = api_client("mother").get("/api/me/file/?party=household")
    assert wrong.status_code == 400 and "party" in str(wrong.json())
    none = api_client("mother").get("/api/me/file/?party=enterprise")  # she represents no enterprise
    assert none.status_code == 400
    assert none.json()["field"] == "party" and set(none.json()["message"]) == {"zh-hans", "en"}


def test_the_shared_data_endpoints_are_in_the_openapi_schema(db: None) -> None:
    import json

    from django.test import Client

    doc = json.loads(Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    for path in (
        "/api/me/file/",
        "/api/me/consents/",
        "/api/me/consents/revoke/",
        "/api/objections/",
        "/api/objections/{id}/",
        "/api/objections/{id}/resolve/",
        "/api/figures/applications/",
    ):
        assert path in doc["paths"], path
    detail = doc["components"]["schemas"]["ApplicationOut"]["properties"]
    assert "disputed" in detail
