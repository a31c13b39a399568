"""The party file (一人一档 / 一企一档) and the reuse of earlier entries with consent (一次申报、多次复用,
004 §4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.accounts import user
from yijianshi.accounts.demo import ENTERPRISE_USCC, FATHER_ID, MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.models import Application
from yijianshi.cases.shared import earlier_entries
from yijianshi.catalog.models import BundleVersion, ServicePoint
from yijianshi.core import clock
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import credit_code
from yijianshi.datahub.models import SourceRecord
from yijianshi.datahub.services import consent_grant, consent_revoke, party_file, prefill
from yijianshi.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def earlier_application(
    number: str, form: dict, *, days_ago: int, username: str = "mother", party_id: str = MOTHER_ID
) -> Application:
    version = BundleVersion.objects.select_related("bundle__region").get(
        bundle__code="140524-09", status="published"
    )
    at = clock.now() - timedelta(days=days_ago)
    return Application.objects.create(
        number=number,
        bundle_version=version,
        bundle=version.bundle,
        region=version.bundle.region,
        snapshot={},
        form_data=form,
        applicant=user(username),
        party_id=party_id,
        party_name="王芳",
        channel="online",
        service_point=ServicePoint.objects.filter(kind="hall").first(),
        submitted_at=at,
        intake_deadline=at,
    )


def test_the_file_of_a_person_holds_every_source_with_provenance(hub, purpose):
    pf = party_file(subject_id=MOTHER_ID, purpose=purpose, actor=actor_of(user("mother")))
    held = pf.by_source()
    assert pf.kind == "person" and pf.subject != MOTHER_ID
    assert held["population"]["person.name"] == "王芳"
    assert held["marriage"]["spouse.id_number"] == FATHER_ID
    assert held["household"]["household.head_name"] == "李强"
    assert held["social_insurance"]["person.employer"] == "陵川县示例餐饮有限公司"
    assert "medical_insurance" in pf.sources and "tax" not in pf.sources  # verify-only: never shown
    assert all(v.fetched_at is not None for v in pf.values)
    # her children's birth records (the 2021 son and the newborn, newest first)
    children = [r for r in pf.related if r.role == "child"]
    assert len(children) == 2 and all(r.source == "birth" for r in children)
    newest = SourceRecord.objects.get(source__code="birth", subject_id=children[0].subject_id)
    assert "child.id_number" not in newest.data  # the newborn, not yet registered
    assert not pf.failures and pf.consent is False and pf.earlier == []
    # one ledger row per source read, and one per lookup, all about her
    rows = LedgerEntry.objects.filter(subject_id=MOTHER_ID)
    assert set(rows.values_list("source", flat=True)) == set(pf.sources)
    assert rows.count() == len(pf.sources) + 2  # the birth lookup and the enterprise lookup
    assert set(rows.values_list("purpose_kind", flat=True)) == {"application"}


def test_the_file_of_an_enterprise(hub, purpose):
    record = (
        SourceRecord.objects.filter(source__code="enterprise")
        .exclude(subject_id=ENTERPRISE_USCC)
        .order_by("subject_id")
        .first()
    )
    pf = party_file(subject_id=record.subject_id, purpose=purpose, actor=actor_of(user("clerk")))
    held = pf.by_source()
    assert pf.kind == "enterprise"
    assert held["enterprise"]["enterprise.name"] == record.data["enterprise.name"]
    assert held["social_insurance"]["enterprise.employee_count"] >= 0
    assert pf.related == []


def test_the_demo_enterprise_has_a_valid_credit_code_and_a_file(hub, purpose):
    # accounts.demo.ENTERPRISE_USCC must be a valid unified social credit code (GB 32100: 18 characters)
    assert credit_code(ENTERPRISE_USCC) == ENTERPRISE_USCC
    pf = party_file(subject_id=ENTERPRISE_USCC, purpose=purpose, actor=actor_of(user("enterprise")))
    assert pf.by_source()["enterprise"]["legal_rep.name"] == "赵敏"


def test_an_invalid_party_number_is_refused_with_the_reason(hub, purpose):
    with pytest.raises(DomainError) as bad:
        party_file(
            subject_id=MOTHER_ID[:-1] + "0" if MOTHER_ID[-1] != "0" else MOTHER_ID[:-1] + "1",
            purpose=purpose,
            actor=actor_of(user("clerk")),
        )
    assert bad.value.code == "party_id_invalid" and "check digit" in bad.value.detail.en
    assert not LedgerEntry.objects.exists()


def test_a_party_file_without_a_purpose_is_refused(hub):
    with pytest.raises(DomainError) as refused:
        party_file(subject_id=MOTHER_ID, purpose=None, actor=actor_of(user("clerk")))
    assert refused.value.code == "purpose_required"
    assert list(LedgerEntry.objects.values_list("outcome", flat=True)) == ["refused"]


def test_earlier_entries_are_reused_only_while_consent_stands(hub, purpose):
    # given she typed her phone and a delivery address in two earlier applications
    earlier_application(
        "YJS-OLD-1",
        {
            "mother.phone": "13800000001",
            "delivery.address": "旧地址",
            "father.phone": "13900000009",
            "child.name": "李明轩",
        },
        days_ago=400,
    )
    earlier_application("YJS-OLD-2", {"mother.phone": "13800138000", "child.name": "李小花"}, days_ago=30)
    keys = [
        ("mother.phone", None),
        ("applicant.phone", None),
        ("delivery.address", None),
        ("child.name", None),
        ("father.phone", None),
        ("mother.name", "population"),
    ]
    mother = user("mother")
    # without consent nothing she typed is reused
    before = prefill(
        form_keys=keys,
        applicant_id=MOTHER_ID,
        purpose=purpose,
        actor=actor_of(mother),
        earlier=earlier_entries,
    )
    assert set(before.values) == {"mother.name"}
    # with consent her own entries are, the newest of each, with the application they come from
    consent_grant(party_id=MOTHER_ID, actor=actor_of(mother))
    after = prefill(
        form_keys=keys,
        applicant_id=MOTHER_ID,
        purpose=purpose,
        actor=actor_of(mother),
        earlier=earlier_entries,
    )
    assert (
        after.values["mother.phone"].value == "13800138000"
        and after.values["mother.phone"].reference == "YJS-OLD-2"
    )
    assert after.values["applicant.phone"].value == "13800138000"  # the same fact, asked another way
    assert (
        after.values["delivery.address"].value == "旧地址"
        and after.values["delivery.address"].source == "application"
    )
    assert "child.name" not in after.values and "father.phone" not in after.values  # not about her
    assert after.values["mother.name"].source == "population"  # a source wins over what was typed
    assert LedgerEntry.objects.filter(source="application", subject_id=MOTHER_ID).count() == 1
    pf = party_file(subject_id=MOTHER_ID, purpose=purpose, actor=actor_of(mother), earlier=earlier_entries)
    assert pf.consent and {h.key: h.value for h in pf.earlier} == {
        "person.phone": "13800138000",
        "delivery.address": "旧地址",
    }
    # the father's file does not show what she typed about him
    consent_grant(party_id=FATHER_ID, actor=actor_of(user("father")))
    assert (
        party_file(
            subject_id=FATHER_ID, purpose=purpose, actor=actor_of(user("father")), earlier=earlier_entries
        ).earlier
        == []
    )
    # once she withdraws, nothing is reused again
    consent_revoke(party_id=MOTHER_ID, actor=actor_of(mother))
    again = prefill(
        form_keys=keys,
        applicant_id=MOTHER_ID,
        purpose=purpose,
        actor=actor_of(mother),
        earlier=earlier_entries,
    )
    assert set(again.values) == {"mother.name"}
    assert (
        party_file(
            subject_id=MOTHER_ID, purpose=purpose, actor=actor_of(mother), earlier=earlier_entries
        ).earlier
        == []
    )


def test_only_the_party_consents(hub):
    with pytest.raises(DomainError) as refused:
        consent_grant(party_id=MOTHER_ID, actor=actor_of(user("father")))
    assert refused.value.code == "consent_not_party" and refused.value.status == 403
    first = consent_grant(party_id=MOTHER_ID, actor=actor_of(user("mother")))
    assert consent_grant(party_id=MOTHER_ID, actor=actor_of(user("mother"))).pk == first.pk  # idempotent
    assert consent_revoke(party_id=MOTHER_ID, actor=actor_of(user("mother"))).revoked_at is not None
    assert consent_revoke(party_id=MOTHER_ID, actor=actor_of(user("mother"))) is None
