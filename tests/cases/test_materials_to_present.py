"""A material the applicant lists without a file is to hand in at the window (待窗口核验), never provided: the
clerk confirms at intake which were handed in and checked; a supplement must bring what was asked (issue 17
point 4, issue 18 point 5)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import ApiClients as Clients
from tests.support.newborn import guide, to_hand_in
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases.models import Application, CaseEvent, EventType
from yijianshi.cases.samples import sample_form

pytestmark = pytest.mark.django_db


def _listed(as_user: Clients, **extra: Any) -> tuple[str, list[str]]:
    """The mother's application listing every material to hand in without a file: (number, those codes)."""
    mother = as_user("mother")
    g = guide(mother)
    needed = to_hand_in(g)
    form = sample_form(g["form"], overrides={"mother.id_number": MOTHER_ID})
    created = mother.post(
        "/api/applications/",
        {"bundle": "140524-09", "form": form, "materials": needed, **extra},
        format="json",
    )
    assert created.status_code == 201, created.content
    return str(created.json()["number"]), needed


def _states(client: Any, number: str) -> dict[str, str]:
    return {m["code"]: m["state"] for m in client.get(f"/api/applications/{number}/").json()["materials"]}


def test_a_material_listed_without_a_file_is_to_present_not_provided(newborn: None, as_user: Clients) -> None:
    # given / when
    number, needed = _listed(as_user)
    # then: every face of the API says the same
    answer = as_user("mother").get(f"/api/applications/{number}/").json()
    assert answer["materials_provided"] == []
    assert sorted(answer["materials_to_present"]) == sorted(needed)
    rows = {m["code"]: m for m in answer["materials"]}
    for code in needed:
        assert rows[code]["state"] == "to_present"
        assert rows[code]["state_zh"] == "待窗口核验"
        assert rows[code]["state_en"] == "to hand in at the window"
    assert _states(as_user("clerk"), number) == _states(as_user("mother"), number)


def test_intake_without_confirming_is_refused_naming_the_material(newborn: None, as_user: Clients) -> None:
    number, needed = _listed(as_user)
    before = Application.objects.get(number=number)
    # when: the clerk accepts confirming all but one
    refused = as_user("clerk").post(
        f"/api/applications/{number}/intake/", {"confirmed": needed[1:]}, format="json"
    )
    # then
    assert refused.status_code == 400, refused.content
    body = refused.json()
    assert body["code"] == "materials_not_confirmed"
    assert body["field"] == "confirmed"
    assert needed[0] in body["message"]["zh-hans"] and needed[0] in body["message"]["en"]
    assert needed[1] not in body["message"]["en"]
    after = Application.objects.get(number=number)  # nothing written
    assert (after.status, after.version, after.materials_provided) == ("submitted", before.version, [])
    assert not after.events.filter(type=EventType.MATERIAL_PROVIDED).exists()


def test_intake_confirming_makes_them_provided_with_a_history_row(newborn: None, as_user: Clients) -> None:
    number, needed = _listed(as_user)
    taken = as_user("clerk").post(f"/api/applications/{number}/intake/", {"confirmed": needed}, format="json")
    assert taken.status_code == 200, taken.content
    answer = taken.json()
    assert answer["status"] == "received"
    assert sorted(answer["materials_provided"]) == sorted(needed)
    assert answer["materials_to_present"] == []
    assert {m["state"] for m in answer["materials"] if m["code"] in needed} == {"provided"}
    row = CaseEvent.objects.get(application__number=number, type=EventType.MATERIAL_PROVIDED)
    assert row.actor is not None and row.actor.username == "clerk"
    assert row.data["confirmed"] is True and sorted(row.data["materials"]) == sorted(needed)
    # the receipt lists the materials received, not the items
    receipt = Application.objects.get(number=number).documents.get(kind="receipt")
    names = {m["code"]: m["name"] for m in Application.objects.get(number=number).snapshot["materials"]}
    assert sorted(receipt.content["items"]) == sorted(names[c] for c in needed)


def test_confirming_a_material_not_listed_is_refused_naming_it(newborn: None, as_user: Clients) -> None:
    number, needed = _listed(as_user)
    app = Application.objects.get(number=number)
    unlisted = next(  # a material the mother did not list (optional, not waived)
        m["code"] for m in app.snapshot["materials"] if m["code"] not in needed and not m["waiver"]
    )
    refused = as_user("clerk").post(
        f"/api/applications/{number}/intake/", {"confirmed": [*needed, unlisted]}, format="json"
    )
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "material_not_listed"
    assert refused.json()["field"] == "confirmed"
    assert unlisted in refused.json()["message"]["en"]
    assert Application.objects.get(number=number).status == "submitted"


def test_the_clerk_may_choose_the_deficiency_notice_for_those_not_handed_in(
    newborn: None, as_user: Clients
) -> None:
    number, needed = _listed(as_user)
    answer = as_user("clerk").post(
        f"/api/applications/{number}/intake/", {"confirmed": needed[1:], "deficient": True}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "deficient"
    app = Application.objects.get(number=number)
    notice = app.documents.get(kind="deficiency_notice")
    name = next(m["name"] for m in app.snapshot["materials"] if m["code"] == needed[0])
    assert f"缺少材料：{name}" in notice.content["items"]  # the one not handed in is listed, by its name
    assert not [i for i in notice.content["items"] if needed[0] in i]  # never by its code
    assert sorted(answer.json()["materials_provided"]) == sorted(needed[1:])
    assert _states(as_user("mother"), number)[needed[0]] == "missing"


def test_a_supplement_that_brings_nothing_asked_is_refused(newborn: None, as_user: Clients) -> None:
    mother, clerk = as_user("mother"), as_user("clerk")
    g = guide(mother)
    form = sample_form(g["form"], overrides={"mother.id_number": MOTHER_ID})
    number = mother.post("/api/applications/", {"bundle": "140524-09", "form": form}, format="json").json()[
        "number"
    ]
    assert (
        clerk.post(f"/api/applications/{number}/intake/", {}, format="json").json()["status"] == "deficient"
    )
    version = Application.objects.get(number=number).version
    refused = mother.post(f"/api/applications/{number}/supplement/", {}, format="json")
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "supplement_empty"
    assert refused.json()["field"] == "materials"
    assert all(code in refused.json()["message"]["en"] for code in to_hand_in(g))
    assert Application.objects.get(number=number).version == version  # nothing written
    # a supplement listing them without files leaves them to hand in at the window
    back = mother.post(
        f"/api/applications/{number}/supplement/", {"materials": to_hand_in(g)[:1]}, format="json"
    )
    assert back.status_code == 200, back.content
    assert back.json()["status"] == "submitted"
    assert _states(mother, number)[to_hand_in(g)[0]] == "to_present"
    assert back.json()["materials_provided"] == []


def test_paper_a_clerk_lists_at_the_counter_is_received_with_their_name(
    newborn: None, as_user: Clients
) -> None:
    clerk = as_user("clerk")
    g = guide(as_user("mother"))
    needed = to_hand_in(g)
    form = sample_form(g["form"], overrides={"mother.id_number": MOTHER_ID})
    created = clerk.post(
        "/api/applications/",
        {
            "bundle": "140524-09",
            "form": form,
            "materials": needed,
            "on_behalf_of": {"name": "王芳", "id_number": MOTHER_ID, "authorisation": "本人到场"},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    answer = created.json()
    assert answer["materials_to_present"] == [] and set(needed) <= set(answer["materials_provided"])
    row = CaseEvent.objects.get(application__number=answer["number"], type=EventType.MATERIAL_PROVIDED)
    assert row.actor is not None and row.actor.username == "clerk" and row.data["confirmed"] is True
