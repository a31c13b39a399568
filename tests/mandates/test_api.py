"""The mandate API: the same services, the structured bilingual errors, the scope of who sees what."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.mandates.conftest import BUNDLE, days
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID

pytestmark = pytest.mark.django_db
Clients = Callable[[str], APIClient]
UNTIL = days(30).isoformat()


def grant(client: APIClient, **extra: Any) -> Any:
    return client.post(
        "/api/mandates/",
        {
            "agent": {"id_number": FATHER_ID, "name": "李强"},
            "scope": "bundles",
            "bundles": [BUNDLE],
            "abilities": ["apply"],
            "valid_to": UNTIL,
            **extra,
        },
        format="json",
    )


def test_grant_list_detail_and_revoke(newborn: None, as_user: Clients) -> None:
    mother, father = as_user("mother"), as_user("father")
    created = grant(mother)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "active" and body["status_label"] == {
        "code": "active",
        "zh": "有效",
        "en": "active",
    }
    assert body["principal"] == {
        "party_type": "person",
        "id": MOTHER_ID[:3] + "*" * 13 + MOTHER_ID[-2:],
        "name": "王芳",
    }
    assert MOTHER_ID not in created.content.decode() and FATHER_ID not in created.content.decode()
    assert body["agent"] == {"kind": "person", "name": "李强", "service_point": None}
    assert body["valid_until"] == UNTIL and [e["type"] for e in body["events"]] == ["created"]
    number = body["number"]
    for client in (mother, father, as_user("admin"), as_user("auditor")):
        assert [m["number"] for m in client.get("/api/mandates/").json()["results"]] == [number]
    for username in ("enterprise", "clerk", "officer_health"):
        assert as_user(username).get("/api/mandates/").json()["results"] == []
        assert as_user(username).get(f"/api/mandates/{number}/").status_code == 404
    assert father.get(f"/api/mandates/{number}/").json()["evidence"]["granted_by"]["username"] == "mother"
    forbidden = father.post(f"/api/mandates/{number}/revoke/", {}, format="json")
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    stale = mother.post(f"/api/mandates/{number}/revoke/", {"expected_version": 5}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    revoked = mother.post(
        f"/api/mandates/{number}/revoke/", {"expected_version": 1, "reason": "不再需要"}, format="json"
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert revoked.json()["events"][-1]["reason"] == "不再需要"


def test_request_then_refuse(newborn: None, as_user: Clients) -> None:
    asked = as_user("father").post(
        "/api/mandates/requests/",
        {
            "principal": {"id_number": MOTHER_ID, "name": "王芳"},
            "scope": "all",
            "abilities": ["follow"],
            "valid_to": UNTIL,
        },
        format="json",
    )
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    number = asked.json()["number"]
    refused = as_user("mother").post(f"/api/mandates/{number}/refuse/", {"reason": "不同意"}, format="json")
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    again = as_user("mother").post(f"/api/mandates/{number}/confirm/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"


def test_record_at_the_window(newborn: None, as_user: Clients) -> None:
    body = {
        "principal": {"id_number": MOTHER_ID, "name": "王芳"},
        "agent": {"id_number": FATHER_ID, "name": "李强"},
        "verification": "paper_authorisation",
        "evidence": "委托书扫描件 WT-001",
        "scope": "bundles",
        "bundles": [BUNDLE],
        "abilities": ["apply"],
        "valid_to": UNTIL,
    }
    done = as_user("clerk").post("/api/mandates/window/", body, format="json")
    assert done.status_code == 201, done.content
    assert done.json()["method"] == "window" and done.json()["evidence"]["clerk"]["username"] == "clerk"
    assert as_user("mother").post("/api/mandates/window/", body, format="json").status_code == 403


def test_errors_are_structured_and_bilingual(newborn: None, as_user: Clients) -> None:
    mother = as_user("mother")
    bad = grant(mother, abilities=["sign"])
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "abilities.0"
    unknown = grant(mother, agent={"id_number": FATHER_ID, "name": "李四"})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "agent_unknown" and unknown.json()["field"] == "agent.id_number"
    assert unknown.json()["message"]["zh-hans"] and unknown.json()["message"]["en"]
    assert as_user("clerk").post("/api/mandates/", {}, format="json").status_code == 403  # before the body
    assert APIClient().get("/api/mandates/").status_code in (401, 403)


def test_the_openapi_schema_documents_them(newborn: None, client: Client) -> None:
    doc = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    for path in (
        "/api/mandates/",
        "/api/mandates/requests/",
        "/api/mandates/window/",
        "/api/mandates/{number}/",
        "/api/mandates/{number}/confirm/",
        "/api/mandates/{number}/refuse/",
        "/api/mandates/{number}/revoke/",
    ):
        assert path in doc["paths"], path
