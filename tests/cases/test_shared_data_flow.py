"""The newborn bundle with shared data (issue 4): the form prefilled for the demo family with provenance, the
marriage certificate waived by the e-licence in the wallet, every read in the ledger, the birth certificate
issued as a signed licence into the wallet and verifiable by anyone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from tests.support.newborn import act, cases_by_ref, take_in, to_hand_in
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.cases.models import Application
from yijianshi.cases.samples import sample_form
from yijianshi.ledger.selectors import ledger_entries_for_subject
from yijianshi.licenses.models import License

pytestmark = pytest.mark.django_db


def test_prefill_waiver_ledger_and_licence(family: None, as_user: Callable[[str], APIClient]) -> None:
    mother, clerk, health = as_user("mother"), as_user("clerk"), as_user("officer_health")
    guide = mother.get("/api/bundles/140524-09/").json()
    prefill = guide["prefill"]
    assert prefill["mother.name"]["value"] == "王芳" and prefill["mother.name"]["source"] == "population"
    assert prefill["father.id_number"]["value"] == FATHER_ID
    assert MOTHER_ID not in str(prefill["mother.name"]["subject"])  # provenance shows the subject masked
    materials = {m["code"]: m for m in guide["materials"]}
    assert materials["marriage.certificate"]["waiver"]["kind"] == "licence"
    assert materials["marriage.certificate"]["waiver"]["ref"] == "marriage_certificate"
    # anonymous: the catalogue view, nothing prefilled
    assert APIClient().get("/api/bundles/140524-09/").json()["prefill"] == {}
    form = sample_form(guide["form"], overrides={k: v["value"] for k, v in prefill.items()})
    form["mother.phone"] = "13912345678"  # the applicant changes a value she was offered
    needed = to_hand_in(guide)
    created = mother.post(
        "/api/applications/", {"bundle": "140524-09", "form": form, "materials": needed}, format="json"
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    snapshot = Application.objects.get(number=number).snapshot
    assert snapshot["prefill"]["mother.name"]["source"] == "population"
    assert "marriage_certificate" in snapshot["evidence"]["licences"]
    if "mother.phone" in snapshot["prefill"]:
        assert "mother.phone" in snapshot["prefill_changed"]
    reads = ledger_entries_for_subject(MOTHER_ID)
    assert reads.filter(purpose_kind="application", purpose_reference=number).exists()
    assert take_in(clerk, number).json()["status"] == "received"
    # the hospital's result arrives in the wallet as a signed licence anyone can verify
    case = act(health, cases_by_ref(mother, number)["birth_medical_certificate"], "accept").json()
    approved = act(health, case, "approve", result={"summary": "出生医学证明已签发"}).json()
    identifier = approved["result"]["licence"]
    assert identifier.startswith("1.2.156.3005.2.")
    wallet = mother.get("/api/licences/").json()
    listed = wallet["results"] if isinstance(wallet, dict) else wallet
    assert identifier in {w["identifier"] for w in listed}
    code = License.objects.get(identifier=identifier).verification_code
    verified = APIClient().get(f"/api/licences/verify/{code}")
    assert verified.status_code == 200 and verified.json()["ok"] is True
    father_wallet = as_user("father").get("/api/licences/").json()
    father_listed = father_wallet["results"] if isinstance(father_wallet, dict) else father_wallet
    assert identifier not in {w["identifier"] for w in father_listed}


def test_who_read_my_data(family: None, as_user: Callable[[str], APIClient]) -> None:
    mother = as_user("mother")
    mother.get("/api/bundles/140524-09/")  # reads her data to prefill the form
    reads = mother.get("/api/me/data-reads/").json()["results"]
    assert reads and all(r["purpose"]["kind"] for r in reads)
    assert {r["source"] for r in reads} >= {"population"}
    assert "subject_id" not in reads[0]
    father_reads = as_user("father").get("/api/me/data-reads/").json()["results"]
    assert all(r["seq"] not in {x["seq"] for x in reads} for r in father_reads)
    assert as_user("clerk").get("/api/me/data-reads/").status_code == 404
