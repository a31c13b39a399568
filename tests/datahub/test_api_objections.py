"""/api/objections/ (数据异议): the applicant disputes a prefilled value of her application; the provider
department's officer lists and resolves it; the application detail flags the disputed field meanwhile, with the
applicant's value. Out of scope is 404, bad input a bilingual 4xx naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import api_client, results
from tests.support.newborn import submit_with_prefill
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.datahub.models import Objection, SourceRecord

pytestmark = pytest.mark.django_db

MOVED = "山西省晋城市陵川县崇文镇城南社区建设路18号2单元301室"


def household_key(guide: dict[str, Any]) -> str:
    """A field of the newborn form prefilled from the household register about the mother herself."""
    return next(
        k
        for k, p in guide["prefill"].items()
        if p["source"] == "household"
        and p["record_key"].startswith("person.")
        and isinstance(p["value"], str)
    )


@pytest.fixture
def disputed(hub: None) -> dict[str, Any]:
    mother = api_client("mother")
    guide = mother.get("/api/bundles/140524-09/").json()
    key = household_key(guide)
    submitted = submit_with_prefill(mother, changes={key: MOVED})  # she types the value she believes is right
    number = submitted["application"]["number"]
    raised = mother.post(
        "/api/objections/",
        {"application": number, "key": key, "claimed_value": MOVED, "reason": "已搬家，门牌已变更"},
        format="json",
    )
    assert raised.status_code == 201, raised.content
    return {"number": number, "key": key, "objection": raised.json(), "guide": guide}


def test_raised_from_the_application_and_flagged_in_its_detail(disputed: dict[str, Any]) -> None:
    objection, key = disputed["objection"], disputed["key"]
    assert (
        objection["status"] == "open" and objection["form_key"] == key and objection["source"] == "household"
    )
    assert objection["application_number"] == disputed["number"] and objection["department"]
    assert objection["held_value"] == disputed["guide"]["prefill"][key]["value"] != MOVED
    assert objection["subject"] != MOTHER_ID
    detail = api_client("mother").get(f"/api/applications/{disputed['number']}/").json()
    assert detail["disputed"] == [
        {
            "key": key,
            "objection": objection["number"],
            "status": "open",
            "source": "household",
            "applicant_value": MOVED,
            "held_value": objection["held_value"],
        }
    ]
    assert detail["form_data"][key] == MOVED  # the application goes on with her value
    # the clerk handling the application sees the flag too
    assert (
        api_client("clerk").get(f"/api/applications/{disputed['number']}/").json()["disputed"][0]["key"]
        == key
    )


def test_the_provider_officer_resolves_and_the_flag_goes(disputed: dict[str, Any]) -> None:
    pk, police = disputed["objection"]["id"], api_client("officer_police")
    queue = results(police.get("/api/objections/?status=open").json())
    assert [o["id"] for o in queue] == [pk]
    no_reason = police.post(f"/api/objections/{pk}/resolve/", {"outcome": "confirmed"}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "note"
    assert set(no_reason.json()["message"]) == {"zh-hans", "en"}
    done = police.post(
        f"/api/objections/{pk}/resolve/", {"outcome": "corrected", "note": "已核实"}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "corrected" and done.json()["source_updated"] is True
    record = SourceRecord.objects.get(source__code="household", subject_id=MOTHER_ID)
    assert record.data[Objection.objects.get(pk=pk).key] == MOVED
    assert api_client("mother").get(f"/api/applications/{disputed['number']}/").json()["disputed"] == []
    twice = police.post(
        f"/api/objections/{pk}/resolve/", {"outcome": "corrected", "note": "x"}, format="json"
    )
    assert twice.status_code == 409
    assert results(api_client("mother").get("/api/objections/").json())[0]["status"] == "corrected"


def test_out_of_scope_is_404_and_the_wrong_role_403(disputed: dict[str, Any]) -> None:
    pk = disputed["objection"]["id"]
    for outsider in ("father", "officer_health", "clerk_town"):
        api = api_client(outsider)
        assert api.get(f"/api/objections/{pk}/").status_code == 404
        assert pk not in {o["id"] for o in results(api.get("/api/objections/").json())}
        resolved = api.post(
            f"/api/objections/{pk}/resolve/", {"outcome": "corrected", "note": "x"}, format="json"
        )
        assert resolved.status_code == 404
    # the father cannot dispute a value of the mother's application: he cannot see it
    foreign = api_client("father").post(
        "/api/objections/",
        {"application": disputed["number"], "key": disputed["key"], "claimed_value": "x", "reason": "y"},
        format="json",
    )
    assert foreign.status_code == 404
    # the mother sees her objection but does not decide it
    own = api_client("mother").post(
        f"/api/objections/{pk}/resolve/", {"outcome": "corrected", "note": "x"}, format="json"
    )
    assert own.status_code == 403 and own.json()["code"] == "objection_not_provider"
    assert api_client("auditor").get(f"/api/objections/{pk}/").status_code == 200


def test_bad_input_is_a_4xx_naming_the_field(disputed: dict[str, Any]) -> None:
    mother, number = api_client("mother"), disputed["number"]
    cases = [
        ({"application": number, "key": disputed["key"], "claimed_value": "x"}, 400, "reason"),
        (
            {"application": number, "key": "mother.phone_typed", "claimed_value": "x", "reason": "r"},
            400,
            "key",
        ),
        ({"key": "person.residence_address", "claimed_value": "x", "reason": "r"}, 400, "source"),
        (
            {"key": "person.residence_address", "source": "nowhere", "claimed_value": "x", "reason": "r"},
            404,
            "source",
        ),
        (
            {"application": number, "key": disputed["key"], "claimed_value": "x", "reason": "again"},
            409,
            "key",
        ),
    ]
    for body, code, field in cases:
        answer = mother.post("/api/objections/", body, format="json")
        assert answer.status_code == code, (body, answer.content)
        assert field in str(answer.json()), (body, answer.json())
    assert mother.get("/api/objections/?status=whatever").status_code == 400
    resolve = api_client("officer_police").post(
        f"/api/objections/{disputed['objection']['id']}/resolve/", {"outcome": "maybe"}, format="json"
    )
    assert resolve.status_code == 400 and "outcome" in str(resolve.json())


def test_raised_from_the_party_file_flags_the_application_too(hub: None) -> None:
    mother = api_client("mother")
    guide = mother.get("/api/bundles/140524-09/").json()
    key = household_key(guide)
    number = submit_with_prefill(mother)["application"]["number"]
    record_key = guide["prefill"][key]["record_key"]
    raised = mother.post(
        "/api/objections/",
        {"source": "household", "key": record_key, "claimed_value": MOVED, "reason": "门牌已变更"},
        format="json",
    )
    assert raised.status_code == 201, raised.content
    assert raised.json()["application_number"] == "" and raised.json()["form_key"] == ""
    flagged = mother.get(f"/api/applications/{number}/").json()["disputed"]
    assert key in {d["key"] for d in flagged}
