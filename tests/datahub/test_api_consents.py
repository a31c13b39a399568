"""/api/me/consents/: the party grants, lists and withdraws consent to reuse what they entered before."""

from __future__ import annotations

import pytest

from tests.support.api import api_client
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.datahub.selectors import consent_active

pytestmark = pytest.mark.django_db


def test_grant_list_revoke(hub: None) -> None:
    mother = api_client("mother")
    assert mother.get("/api/me/consents/").json() == []
    granted = mother.post("/api/me/consents/", {}, format="json")
    assert granted.status_code == 201 and granted.json()["active"] is True
    assert granted.json()["party"] != MOTHER_ID  # masked
    again = mother.post("/api/me/consents/", {"party": "person"}, format="json")
    assert again.json()["id"] == granted.json()["id"]  # idempotent while it stands
    assert consent_active(party_id=MOTHER_ID) and not consent_active(party_id=FATHER_ID)
    revoked = mother.post("/api/me/consents/revoke/", {}, format="json")
    assert revoked.status_code == 200 and revoked.json()["active"] is False and revoked.json()["revoked_at"]
    assert not consent_active(party_id=MOTHER_ID)
    assert mother.post("/api/me/consents/revoke/", {}, format="json").json()["active"] is False
    assert [c["active"] for c in mother.get("/api/me/consents/").json()] == [False]
    assert api_client("father").get("/api/me/consents/").json() == []


def test_consents_are_the_partys_own(hub: None) -> None:
    assert api_client("father").post("/api/me/consents/revoke/", {}, format="json").status_code == 404
    assert api_client("clerk").post("/api/me/consents/", {}, format="json").status_code == 404
    bad = api_client("mother").post("/api/me/consents/", {"party": "enterprise"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "party"
    bad = api_client("mother").post("/api/me/consents/", {"party": "nobody"}, format="json")
    assert bad.status_code == 400
