"""The holder rule (docs/adr/0006): a licence issued on an application goes to the holder its type names — the
newborn for a birth medical certificate, with the parent who applied signed on it as 申领人 — and still shows in
the parent's wallet and stands in for the parent's materials; other types go to the party."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.support.api import api_client
from tests.support.newborn import act, cases_by_ref, take_in, to_hand_in
from yijianshi.accounts.demo import ENTERPRISE_USCC, FATHER_ID, MOTHER_ID
from yijianshi.cases.samples import sample_form
from yijianshi.catalog.models import Department
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import make_resident_id
from yijianshi.licenses.holders import CHILD, PARTY, holder_rule, resolve_holder
from yijianshi.licenses.models import HolderIdType, License
from yijianshi.licenses.selectors import local_today, wallet
from yijianshi.licenses.services import licence_for_waiver, licence_issue, licence_verify, offline_document

CHILD_ID = make_resident_id("140524", date(2026, 10, 20), 12)


def test_the_rule_of_each_type() -> None:
    assert holder_rule("birth_medical_certificate") == CHILD and holder_rule("marriage_certificate") == PARTY
    assert holder_rule("death_certificate").name_key == "deceased.name"


@pytest.mark.parametrize(
    ("rule", "form", "expected"),
    [
        # a newborn without an identity number yet: held by the child, type 999, the mother as applicant
        (CHILD, {"child.name": "李小宝"}, ("李小宝", "", "999", "王芳", MOTHER_ID, "111")),
        # the child's number, once the household registration gave one
        (
            CHILD,
            {"child.name": "李小宝", "child.id_number": CHILD_ID},
            ("李小宝", CHILD_ID, "111", "王芳", MOTHER_ID, "111"),
        ),
        # a number with a wrong check digit is not a number: none yet
        (
            CHILD,
            {
                "child.name": "李小宝",
                "child.id_number": CHILD_ID[:-1] + ("0" if CHILD_ID[-1] != "0" else "1"),
            },
            ("李小宝", "", "999", "王芳", MOTHER_ID, "111"),
        ),
        # a form that names no child: the party holds it (a social security card for oneself)
        (CHILD, {"mother.name": "王芳"}, ("王芳", MOTHER_ID, "111", "", "", "")),
        # a party-rule type ignores the child on the form
        (PARTY, {"child.name": "李小宝"}, ("王芳", MOTHER_ID, "111", "", "", "")),
        # the subject is the party: no applicant
        (CHILD, {"child.name": "王芳", "child.id_number": MOTHER_ID}, ("王芳", MOTHER_ID, "111", "", "", "")),
    ],
)
def test_resolve_holder(rule: Any, form: dict[str, str], expected: Any) -> None:
    holder = resolve_holder(rule, form=form, party_name="王芳", party_id=MOTHER_ID, party_type="person")
    got = (
        holder.name,
        holder.id,
        holder.id_type,
        holder.applicant_name,
        holder.applicant_id,
        holder.applicant_id_type,
    )
    assert got == expected


def test_an_enterprise_applies_for_someone_else() -> None:
    holder = resolve_holder(
        CHILD,
        form={"child.name": "李小宝"},
        party_name="示例公司",
        party_id=ENTERPRISE_USCC,
        party_type="enterprise",
    )
    assert (holder.applicant_id, holder.applicant_id_type) == (ENTERPRISE_USCC, "001")


def test_a_holder_without_a_number_needs_an_applicant(civil: Department, types: Any) -> None:
    base = {
        "licence_type": "marriage_certificate",
        "holder_name": "李小宝",
        "issuer": civil,
        "surface": {},
        "valid_from": local_today(),
        "valid_to": None,
        "actor": Actor.system(),
    }
    with pytest.raises(DomainError) as none:
        licence_issue(holder_id="", holder_id_type=HolderIdType.NONE_YET, **base)
    assert none.value.code == "licence_applicant_required" and none.value.detail.field == "applicant_id"
    with pytest.raises(DomainError) as numbered:
        licence_issue(holder_id=FATHER_ID, holder_id_type=HolderIdType.NONE_YET, **base)
    assert numbered.value.code == "licence_holder_id_type_bad"
    with pytest.raises(DomainError) as bad_applicant:
        licence_issue(
            holder_id="",
            holder_id_type="999",
            applicant_name="王芳",
            applicant_id=MOTHER_ID[:-1] + "0",
            applicant_id_type="111",
            **base,
        )
    assert bad_applicant.value.detail.field == "applicant_id"


@pytest.fixture
def born(newborn: None) -> dict[str, Any]:
    """The newborn application approved by the hospital: its birth certificate issued."""
    mother = api_client("mother")
    guide = mother.get("/api/bundles/140524-09/").json()
    form = sample_form(guide["form"], overrides={"child.name": "李小宝"})
    form.pop("child.id_number", None)  # the newborn has no number before the household registration
    created = mother.post(
        "/api/applications/",
        {"bundle": "140524-09", "form": form, "materials": to_hand_in(guide)},
        format="json",
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert take_in(api_client("clerk"), number).json()["status"] == "received"
    health = api_client("officer_health")
    case = act(health, cases_by_ref(mother, number)["birth_medical_certificate"], "accept").json()
    approved = act(health, case, "approve", result={"summary": "出生医学证明已签发"}).json()
    return {"identifier": approved["result"]["licence"], "client": api_client, "number": number}


def test_the_birth_certificate_is_the_childs_and_in_the_mothers_wallet(born: dict[str, Any]) -> None:
    licence = License.objects.get(identifier=born["identifier"])
    assert (licence.holder_name, licence.holder_id, licence.holder_id_type) == ("李小宝", "", "999")
    assert (licence.applicant_name, licence.applicant_id, licence.applicant_id_type) == (
        "王芳",
        MOTHER_ID,
        "111",
    )
    # the 申领人 is signed with the licence: it verifies, online and offline
    assert licence_verify(identifier=licence.identifier).ok
    document = offline_document(licence)
    assert document["licence"]["applicant_id"] == MOTHER_ID and licence_verify(document=document).ok
    moved = {**document, "licence": {**document["licence"], "applicant_id": FATHER_ID}}
    assert "surface_altered" in licence_verify(document=moved).codes
    # the mother's wallet shows it, the father's does not
    listed = born["client"]("mother").get("/api/licences/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    mine = next(r for r in rows if r["identifier"] == born["identifier"])
    assert mine["holder_name"] == "李小宝" and mine["applicant_id"] not in ("", MOTHER_ID)
    fathers = born["client"]("father").get("/api/licences/").json()
    assert born["identifier"] not in {
        r["identifier"] for r in (fathers["results"] if isinstance(fathers, dict) else fathers)
    }
    assert born["identifier"] in {w.identifier for w in wallet(holder_id=MOTHER_ID)}
    # and it stands in for the birth certificate in the mother's next application
    assert (
        licence_for_waiver(holder_id=MOTHER_ID, licence_type="birth_medical_certificate", today=local_today())
        == licence
    )
    assert (
        licence_for_waiver(holder_id=FATHER_ID, licence_type="birth_medical_certificate", today=local_today())
        is None
    )


def test_a_childs_licence_is_not_signed_to_an_adults_number() -> None:
    """Issue 17, finding 2: a mother who types an adult's identity number as the child's does not get a licence
    issued to that adult (it would waive materials in the adult's own applications)."""
    form = {"child.name": "李小宝", "child.id_number": FATHER_ID, "child.birth_date": "1992-07-08"}
    with pytest.raises(DomainError) as adult:
        resolve_holder(
            CHILD,
            form=form,
            party_name="王芳",
            party_id=MOTHER_ID,
            party_type="person",
            today=date(2026, 12, 7),
        )
    assert adult.value.code == "holder_not_a_minor" and adult.value.detail.field == "child.id_number"
    form = {"child.name": "李小宝", "child.id_number": CHILD_ID, "child.birth_date": "2026-10-21"}
    with pytest.raises(DomainError) as mismatch:
        resolve_holder(
            CHILD,
            form=form,
            party_name="王芳",
            party_id=MOTHER_ID,
            party_type="person",
            today=date(2026, 12, 7),
        )
    assert mismatch.value.code == "holder_birth_date_mismatch"
    form["child.birth_date"] = "2026-10-20"
    holder = resolve_holder(
        CHILD, form=form, party_name="王芳", party_id=MOTHER_ID, party_type="person", today=date(2026, 12, 7)
    )
    assert (holder.id, holder.applicant_id) == (CHILD_ID, MOTHER_ID)
