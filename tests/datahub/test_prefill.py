"""Prefilling the newborn form (新生儿出生一件事, 陵川县) for the demo family from the local sources, with the
provenance of every value and one ledger row per read (issue 4, points 3 and 4)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.accounts import user
from tests.support.factories import SourceConnectionFactory
from yijianshi.accounts.demo import ENTERPRISE_USCC, FATHER_ID, MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import mask
from yijianshi.datahub.models import SourceRecord
from yijianshi.datahub.services import prefill, source_check, source_query, source_verify
from yijianshi.ledger.models import LedgerEntry
from yijianshi.ledger.services import Purpose, ledger_verify

pytestmark = pytest.mark.django_db

NEWBORN_BORN = date(2026, 10, 20)  # demo TODAY - 12 days
HOUSEHOLD_ADDRESS = "山西省晋城市陵川县崇文镇城南社区建设路18号"


def test_the_newborn_form_is_prefilled_for_the_mother_with_provenance(hub, newborn_keys, purpose):
    # when the mother opens the merged form
    result = prefill(
        form_keys=newborn_keys, applicant_id=MOTHER_ID, purpose=purpose, actor=actor_of(user("mother"))
    )
    # then what the government holds is filled in, each value with its source and (masked) subject
    got = {k: v.value for k, v in result.values.items()}
    assert got["mother.name"] == "王芳" and got["mother.id_number"] == MOTHER_ID
    assert got["father.name"] == "李强" and got["father.id_number"] == FATHER_ID
    assert (
        got["child.birth_date"] == NEWBORN_BORN.isoformat()
    )  # the newest birth record, not her son's (2021)
    assert got["child.gender"] == "女" and got["child.birth_hospital"] == "陵川县人民医院"
    assert got["child.birth_time"] == "08:26" and got["child.birth_weight_g"] == 3350
    assert got["child.gestational_weeks"] == 39 and got["child.birth_place"].startswith("山西省晋城市陵川县")
    assert got["child.household_address"] == HOUSEHOLD_ADDRESS
    assert got["household.head_name"] == "李强" and got["household.number"].startswith("140524")
    sources = {k: v.source for k, v in result.values.items()}
    assert sources["mother.name"] == "population" and sources["father.name"] == "marriage"
    assert sources["child.birth_date"] == "birth" and sources["household.number"] == "household"
    mother_name = result.values["mother.name"]
    assert mother_name.subject == mask(MOTHER_ID) != MOTHER_ID and mother_name.record_key == "person.name"
    assert result.values["father.id_number"].record_key == "spouse.id_number"
    assert (
        result.values["child.gender"].subject_id.startswith("A14") is False
    )  # a certificate number, not hers
    assert result.values["mother.name"].as_dict()["subject"] == mask(MOTHER_ID)
    # what no source holds is left to type; the newborn has no identity number yet
    assert "child.name" not in result.values and "mother.phone" not in result.values
    assert "child.id_number" in result.empty and not result.failures
    # every source with a value for the form was read (and each read has a ledger row)
    assert {v.source for v in result.values.values()} == {"population", "marriage", "birth", "household"}


def test_every_read_is_in_the_ledger_with_purpose_and_actor(hub, newborn_keys, purpose):
    prefill(form_keys=newborn_keys, applicant_id=MOTHER_ID, purpose=purpose, actor=actor_of(user("mother")))
    rows = list(LedgerEntry.objects.order_by("seq"))
    assert {(r.source, r.mode, r.outcome) for r in rows} == {
        ("population", "query", "ok"),
        ("marriage", "query", "ok"),
        ("household", "query", "ok"),
        ("birth", "query", "ok"),
    }
    assert len(rows) == 5  # population, marriage, household, the birth lookup, the birth record
    assert all(r.purpose_kind == "application" and r.purpose_reference == "YJS-TEST-0001" for r in rows)
    assert all(r.actor_name == "mother" and r.actor_role == "applicant" for r in rows)
    about_her = [r for r in rows if r.subject_id == MOTHER_ID]
    assert {r.source for r in about_her} == {"population", "marriage", "household", "birth"}
    lookup = next(r for r in about_her if r.source == "birth")
    assert lookup.fields == ["@mother"]
    population = next(r for r in rows if r.source == "population")
    assert population.fields == ["person.id_number", "person.name"]
    assert ledger_verify().ok


def _record_reads(queries: list[dict[str, str]]) -> int:
    return sum(
        1
        for q in queries
        if 'FROM "datahub_sourcerecord"' in q["sql"] and "datahub_sourcelink" not in q["sql"]
    )


def test_one_persons_local_records_are_read_in_one_query_each_read_keeping_its_ledger_row(
    hub, newborn_keys, purpose
):
    with CaptureQueriesContext(connection) as ctx:
        result = prefill(
            form_keys=newborn_keys, applicant_id=MOTHER_ID, purpose=purpose, actor=actor_of(user("mother"))
        )
    # the mother's population, marriage and household records and the child's birth record, together: the child
    # is found by the lookup of the birth records naming her, before any record is read
    assert _record_reads(ctx.captured_queries) == 1
    assert {v.source for v in result.values.values()} == {"population", "marriage", "birth", "household"}
    assert (
        LedgerEntry.objects.filter(
            subject_id=MOTHER_ID, source__in=["population", "marriage", "household"]
        ).count()
        == 3
    )

    # a switched-off source is not read ahead with the others: it fails as switched off, the others fill
    SourceConnectionFactory(source__code="household", active=False)
    with CaptureQueriesContext(connection) as ctx:
        again = prefill(
            form_keys=newborn_keys, applicant_id=MOTHER_ID, purpose=purpose, actor=actor_of(user("mother"))
        )
    assert again.failures == {"household": "inactive"}
    assert "household.number" not in again.values and again.values["mother.name"].value == "王芳"
    assert _record_reads(ctx.captured_queries) == 1  # population, marriage and the birth record together
    assert LedgerEntry.objects.filter(source="household", outcome="error").count() == 1


def test_the_spouse_and_the_child_found_through_records_are_read_together(hub, purpose):
    # given: the child on the mother's newest birth record has an identity number and is a registered person
    birth = (
        SourceRecord.objects.filter(source__code="birth", links__role="mother", links__party_id=MOTHER_ID)
        .order_by("-effective_date", "-id")
        .first()
    )
    child = (
        SourceRecord.objects.filter(source__code="population")
        .exclude(subject_id__in=[MOTHER_ID, FATHER_ID])
        .order_by("id")
        .first()
    )
    birth.data = {**birth.data, "child.id_number": child.subject_id}
    birth.save(update_fields=["data"])
    keys = [
        ("father.name", "population"),
        ("child.name", "population"),
    ]  # the spouse's and the child's records
    # when the mother's form is prefilled
    with CaptureQueriesContext(connection) as ctx:
        result = prefill(
            form_keys=keys, applicant_id=MOTHER_ID, purpose=purpose, actor=actor_of(user("mother"))
        )
    # then: her marriage record and the birth record in one query, the spouse's and the child's population
    # records in one more (they were 4 queries)
    assert {k: v.value for k, v in result.values.items()} == {
        "father.name": "李强",
        "child.name": child.data["person.name"],
    }
    assert result.values["child.name"].subject_id == child.subject_id and not result.failures
    assert _record_reads(ctx.captured_queries) == 2
    # and each read has its own ledger row, about its own subject
    assert sorted((r.source, r.subject_id) for r in LedgerEntry.objects.filter(mode="query")) == sorted(
        [
            ("marriage", MOTHER_ID),
            ("birth", MOTHER_ID),
            ("birth", birth.subject_id),
            ("population", FATHER_ID),
            ("population", child.subject_id),
        ]
    )


def test_the_father_as_applicant_gets_the_mother_through_the_marriage(hub, newborn_keys, purpose):
    result = prefill(
        form_keys=newborn_keys, applicant_id=FATHER_ID, purpose=purpose, actor=actor_of(user("father"))
    )
    got = {k: v.value for k, v in result.values.items()}
    assert got["father.id_number"] == FATHER_ID and got["father.name"] == "李强"
    assert got["mother.id_number"] == MOTHER_ID and got["mother.name"] == "王芳"
    assert result.values["mother.name"].source == "population"
    assert result.values["mother.name"].subject == mask(MOTHER_ID)
    assert got["child.birth_date"] == NEWBORN_BORN.isoformat()


def test_a_read_without_a_purpose_is_refused_and_recorded(hub, newborn_keys):
    with pytest.raises(DomainError) as refused:
        source_query(
            source="population",
            subject_id=MOTHER_ID,
            fields=["person.name"],
            purpose=None,
            actor=actor_of(user("clerk")),
        )
    assert refused.value.code == "purpose_required"
    row = LedgerEntry.objects.get()
    assert (row.outcome, row.source, row.subject_id, row.actor_name) == (
        "refused",
        "population",
        MOTHER_ID,
        "clerk",
    )
    # a purpose-less prefill reads nothing at all
    with pytest.raises(DomainError) as again:
        prefill(form_keys=newborn_keys, applicant_id=MOTHER_ID, purpose=None, actor=actor_of(user("mother")))
    assert again.value.code == "purpose_required"
    assert not LedgerEntry.objects.exclude(outcome="refused").exists()


def test_a_purpose_of_an_unknown_kind_is_refused_before_reading(hub):
    with pytest.raises(DomainError) as refused:
        source_query(
            source="population",
            subject_id=MOTHER_ID,
            fields=["person.name"],
            purpose=Purpose(kind="curiosity", reference="x"),
            actor=actor_of(user("clerk")),
        )
    assert refused.value.code == "purpose_invalid"
    assert list(LedgerEntry.objects.values_list("outcome", flat=True)) == ["refused"]


def test_verify_only_answers_yes_or_no(hub, purpose):
    clerk = user("clerk")
    check = dict(
        source="marriage",
        subject_id=MOTHER_ID,
        key="spouse.id_number",
        purpose=purpose,
        actor=actor_of(clerk),
    )
    assert source_verify(value=FATHER_ID, **check) is True
    assert source_verify(value=FATHER_ID.lower(), **check) is True  # an x is an X
    assert source_verify(value=MOTHER_ID, **check) is False
    assert source_verify(**{**check, "subject_id": "110101199001011234"}, value=FATHER_ID) is None
    rows = LedgerEntry.objects.filter(mode="verify")
    assert rows.count() == 4 and set(rows.values_list("outcome", flat=True)) == {"ok"}
    assert "FATHER" not in str(list(rows.values_list("detail", flat=True)))


def test_a_data_check_says_whether_the_source_holds_a_record(hub, purpose):
    clerk = user("clerk")
    assert (
        source_check(source="marriage", subject_id=MOTHER_ID, purpose=purpose, actor=actor_of(clerk)) is True
    )
    assert (
        source_check(
            source="disability", subject_id="110101199001011234", purpose=purpose, actor=actor_of(clerk)
        )
        is False
    )
    rows = LedgerEntry.objects.order_by("seq")
    assert [(r.source, r.mode, r.fields) for r in rows] == [
        ("marriage", "verify", ["*"]),
        ("disability", "verify", ["*"]),
    ]


def test_a_verify_only_source_is_never_queried(hub, purpose):
    with pytest.raises(DomainError) as refused:
        source_query(
            source="tax",
            subject_id=MOTHER_ID,
            fields=["enterprise.tax_authority"],
            purpose=purpose,
            actor=actor_of(user("clerk")),
        )
    assert refused.value.code == "source_verify_only"
    assert not LedgerEntry.objects.exists()


def test_a_subject_the_source_does_not_hold_is_an_empty_answer_not_a_failure(hub, purpose):
    result = source_query(
        source="population",
        subject_id="110101199001011234",
        fields=["person.name"],
        purpose=purpose,
        actor=actor_of(user("clerk")),
    )
    assert result.ok and not result.found and result.values == {}
    assert LedgerEntry.objects.get().outcome == "ok"


def test_an_enterprise_form_is_prefilled_from_the_enterprise_register(hub, purpose):
    record = (
        SourceRecord.objects.filter(source__code="enterprise")
        .exclude(subject_id=ENTERPRISE_USCC)
        .order_by("subject_id")
        .last()
    )
    uscc, rep = record.subject_id, record.data["legal_rep.id_number"]
    keys = [
        ("enterprise.name", "enterprise"),
        ("enterprise.uscc", "enterprise"),
        ("legal_rep.name", "enterprise"),
        ("enterprise.employee_count", "social_insurance"),
        ("applicant.name", "population"),
        ("enterprise.tax_authority", "tax"),
        ("contact.phone", None),
    ]
    by_code = prefill(form_keys=keys, enterprise_uscc=uscc, purpose=purpose, actor=actor_of(user("clerk")))
    assert by_code.values["enterprise.name"].value == record.data["enterprise.name"]
    assert by_code.values["enterprise.uscc"].value == uscc
    assert isinstance(by_code.values["enterprise.employee_count"].value, int)
    assert "applicant.name" not in by_code.values  # no applicant given
    assert "enterprise.tax_authority" not in by_code.values  # tax is verify-only: never prefilled
    # the representative alone: the enterprise they represent is found through the register
    by_rep = prefill(form_keys=keys, applicant_id=rep, purpose=purpose, actor=actor_of(user("clerk")))
    assert by_rep.values["enterprise.uscc"].value == uscc
    assert by_rep.values["legal_rep.name"].value == by_rep.values["applicant.name"].value


def test_prefill_needs_a_party_and_valid_numbers(hub, purpose):
    with pytest.raises(DomainError) as none:
        prefill(form_keys=[("person.name", "population")], purpose=purpose, actor=actor_of(user("clerk")))
    assert none.value.code == "prefill_no_party"
    wrong = MOTHER_ID[:-1] + ("1" if MOTHER_ID[-1] != "1" else "2")
    with pytest.raises(DomainError) as bad:
        prefill(
            form_keys=[("person.name", "population")],
            applicant_id=wrong,
            purpose=purpose,
            actor=actor_of(user("clerk")),
        )
    assert bad.value.code == "id_number_bad_check_digit" and bad.value.detail.field == "applicant_id"
    assert wrong not in str(bad.value)
