"""数据异议: the applicant disputes a prefilled value; the provider department corrects the source or confirms
the value with a reason (issue 4, point 5)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.accounts import user
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.catalog.models import Department
from yijianshi.core.errors import DomainError
from yijianshi.datahub.models import ObjectionStatus, SourceRecord
from yijianshi.datahub.results import ApplicationRef
from yijianshi.datahub.selectors import objections_for_application, objections_for_department
from yijianshi.datahub.services import objection_raise, objection_resolve, prefill
from yijianshi.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

OLD = "山西省晋城市陵川县崇文镇城南社区建设路18号"
NEW = "山西省晋城市陵川县崇文镇城南社区建设路18号2单元301室"


def raise_one(**extra):
    args = dict(
        subject_id=MOTHER_ID,
        source="household",
        key="person.residence_address",
        claimed_value=NEW,
        reason="门牌已变更",
        actor=actor_of(user("mother")),
        application=ApplicationRef(
            number="YJS-TEST-0001",
            party_id=MOTHER_ID,
            party_kind="person",
            region_code=None,
            applicant_user_id=None,
        ),
    )
    return objection_raise(**{**args, **extra})


def residence() -> str:
    return SourceRecord.objects.get(source__code="household", subject_id=MOTHER_ID).data[
        "person.residence_address"
    ]


def test_an_objection_goes_to_the_provider_department_with_the_value_held(hub):
    objection = raise_one()
    police = Department.objects.get(region__code="140524", code="public_security")
    assert objection.department == police and objection.status == ObjectionStatus.OPEN
    assert objection.held_value == OLD and objection.claimed_value == NEW
    assert list(objections_for_department(department=police)) == [objection]
    assert list(objections_for_application(application_number="YJS-TEST-0001", open_only=True)) == [objection]
    # reading the value held was a read like any other: recorded, with the objection as its purpose
    row = LedgerEntry.objects.get()
    assert (row.source, row.purpose_kind, row.purpose_reference) == (
        "household",
        "objection",
        objection.number,
    )
    # a second objection to the same value while the first is open is refused
    with pytest.raises(DomainError) as twice:
        raise_one()
    assert twice.value.code == "objection_already_open" and twice.value.status == 409


def test_corrected_updates_the_source_and_the_next_prefill(hub, purpose):
    objection = raise_one()
    done = objection_resolve(
        objection=objection,
        actor=actor_of(user("officer_police")),
        outcome="corrected",
        note="已核实，更正门牌",
    )
    assert done.status == ObjectionStatus.CORRECTED and done.source_updated and done.corrected_value == NEW
    assert residence() == NEW
    filled = prefill(
        form_keys=[("applicant.address", "household")],
        applicant_id=MOTHER_ID,
        purpose=purpose,
        actor=actor_of(user("mother")),
    )
    assert filled.values["applicant.address"].value == NEW
    with pytest.raises(DomainError) as again:
        objection_resolve(
            objection=objection, actor=actor_of(user("officer_police")), outcome="confirmed", note="x"
        )
    assert again.value.code == "objection_already_resolved"


def test_confirmed_keeps_the_value_and_needs_a_reason(hub):
    objection = raise_one()
    with pytest.raises(DomainError) as no_reason:
        objection_resolve(
            objection=objection, actor=actor_of(user("officer_police")), outcome="confirmed", note=" "
        )
    assert no_reason.value.code == "objection_reason_required"
    done = objection_resolve(
        objection=objection,
        actor=actor_of(user("officer_police")),
        outcome="confirmed",
        note="经核查户籍档案，地址无误",
    )
    assert done.status == ObjectionStatus.CONFIRMED and done.resolution_note == "经核查户籍档案，地址无误"
    assert residence() == OLD and not done.source_updated
    assert list(objections_for_department(department=done.department)) == []


def test_resolving_locks_the_objection_row_only(hub):
    """Not the data source's row as well (FOR UPDATE on it would block every write that references it)."""
    objection = raise_one()
    with CaptureQueriesContext(connection) as done:
        objection_resolve(
            objection=objection, actor=actor_of(user("officer_police")), outcome="confirmed", note="无误"
        )
    locks = [q["sql"] for q in done.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.vendor == "postgresql":  # SQLite has no row locks
        assert any('FROM "datahub_objection"' in s for s in locks), locks
        assert all(
            'FOR UPDATE OF "datahub_objection"' in s for s in locks if 'FROM "datahub_objection"' in s
        ), locks


def test_a_correction_to_another_value_than_claimed(hub):
    objection = raise_one()
    objection_resolve(
        objection=objection,
        actor=actor_of(user("officer_police")),
        outcome="corrected",
        note="按档案更正",
        corrected_value=OLD + "（东）",
    )
    assert residence() == OLD + "（东）"


def test_only_the_provider_department_resolves(hub):
    objection = raise_one()
    with pytest.raises(DomainError) as other:
        objection_resolve(
            objection=objection, actor=actor_of(user("officer_health")), outcome="corrected", note=""
        )
    assert other.value.code == "objection_not_provider" and other.value.status == 403
    with pytest.raises(DomainError) as bad:
        objection_resolve(
            objection=objection, actor=actor_of(user("officer_police")), outcome="ignored", note="x"
        )
    assert bad.value.code == "objection_bad_outcome"
    assert residence() == OLD


def test_a_bad_objection_names_every_problem(hub):
    with pytest.raises(DomainError) as bad:
        raise_one(key="person.shoe_size", claimed_value=" ", reason="")
    assert {d.field for d in bad.value.details} == {"key", "claimed_value", "reason"}
    with pytest.raises(DomainError) as stranger:
        raise_one(actor=actor_of(user("father")), application=None)
    assert stranger.value.code == "objection_not_allowed"
