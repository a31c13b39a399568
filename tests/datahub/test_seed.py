"""`yijianshi datahub seed`: synthetic records that are valid and consistent across sources, deterministic
for a seed, idempotent, and holding the demo family and the demo enterprise (issue 4, point 1)."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from tests.support.catalogue import load_newborn
from yijianshi.accounts.demo import ENTERPRISE_USCC, FATHER_ID, MOTHER_ID
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import credit_code, resident_id
from yijianshi.datahub.demo import SOURCES, demo_data_seed
from yijianshi.datahub.models import SourceLink, SourceRecord

pytestmark = pytest.mark.django_db


def held() -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for code, subject, data in SourceRecord.objects.values_list("source__code", "subject_id", "data"):
        out.setdefault(code, {})[subject] = data
    return out


@pytest.fixture
def sources(db):
    load_newborn()


def test_the_records_are_valid_and_consistent_across_sources(sources):
    summary = demo_data_seed(persons=400, enterprises=30, seed=7)
    assert summary.persons >= 400 and summary.enterprises == 30
    db = held()
    assert set(db) == set(SOURCES)
    population = db["population"]
    for number, person in population.items():
        assert resident_id(number) == number == person["person.id_number"]
        assert person["person.gender"] == ("男" if int(number[16]) % 2 else "女")
        assert person["person.birth_date"].replace("-", "") == number[6:14]
    for uscc, enterprise in db["enterprise"].items():
        assert credit_code(uscc) == uscc == enterprise["enterprise.uscc"]
        assert enterprise["legal_rep.name"] == population[enterprise["legal_rep.id_number"]]["person.name"]
    # a couple name each other, and both are in the population register and in one household
    married = {k: v for k, v in db["marriage"].items() if "spouse.id_number" in v}
    assert len(married) > 50
    for number, m in married.items():
        spouse = married[m["spouse.id_number"]]
        assert (
            spouse["spouse.id_number"] == number
            and spouse["marriage.certificate_number"] == m["marriage.certificate_number"]
        )
        assert population[m["spouse.id_number"]]["person.name"] == m["spouse.name"]
        assert (
            db["household"][number]["household.number"]
            == db["household"][m["spouse.id_number"]]["household.number"]
        )
    # a birth record names parents who are married to each other, and a registered child is a person
    for cert, birth in db["birth"].items():
        assert cert == birth["child.birth_certificate_number"]
        assert population[birth["mother.id_number"]]["person.name"] == birth["mother.name"]
        assert married[birth["mother.id_number"]]["spouse.id_number"] == birth["father.id_number"]
        if "child.id_number" in birth:
            child = population[birth["child.id_number"]]
            assert child["person.birth_date"] == birth["child.birth_date"]
            assert (
                db["household"][birth["child.id_number"]]["household.number"]
                == db["household"][birth["mother.id_number"]]["household.number"]
            )
    # the insured headcount of each enterprise is the number of persons it insures
    employers = Counter(
        v["person.employer"] for v in db["social_insurance"].values() if "person.employer" in v
    )
    for uscc, enterprise in db["enterprise"].items():
        assert (
            db["social_insurance"][uscc]["enterprise.employee_count"]
            == employers[enterprise["enterprise.name"]]
        )
    for number, d in db["disability"].items():
        assert d["disability.certificate_number"].startswith(number)
    # every key is a key of the shared vocabulary
    from yijianshi.catalog.models import FieldKey

    vocabulary = set(FieldKey.objects.values_list("key", flat=True))
    assert {k for records in db.values() for data in records.values() for k in data} <= vocabulary


def test_the_demo_family_and_enterprise_are_there(sources):
    demo_data_seed(persons=50, enterprises=3, seed=1)
    db = held()
    assert db["population"][MOTHER_ID]["person.name"] == "王芳"
    assert db["population"][FATHER_ID]["person.name"] == "李强"
    assert db["marriage"][MOTHER_ID]["spouse.id_number"] == FATHER_ID
    assert db["household"][MOTHER_ID]["household.number"] == db["household"][FATHER_ID]["household.number"]
    births = [b for b in db["birth"].values() if b["mother.id_number"] == MOTHER_ID]
    assert len(births) == 2 and all(b["father.id_number"] == FATHER_ID for b in births)
    assert db["enterprise"][ENTERPRISE_USCC]["enterprise.name"] == "陵川县示例餐饮有限公司"
    assert SourceLink.objects.filter(role="mother", party_id=MOTHER_ID).count() == 2


def test_the_same_seed_gives_the_same_records_and_seeding_again_changes_nothing(sources):
    demo_data_seed(persons=200, enterprises=10, seed=5)
    first = held()
    links = sorted(SourceLink.objects.values_list("role", "party_id", "record__subject_id"))
    demo_data_seed(persons=200, enterprises=10, seed=5)
    assert held() == first
    assert sorted(SourceLink.objects.values_list("role", "party_id", "record__subject_id")) == links
    demo_data_seed(persons=200, enterprises=10, seed=6)
    assert held()["population"].keys() != first["population"].keys()


def test_records_loaded_from_a_file_win_over_generated_ones(sources):
    demo_data_seed(persons=50, enterprises=3, seed=1)
    SourceRecord.objects.filter(source__code="population", subject_id=MOTHER_ID).update(
        batch="file:population.jsonl", data={"person.name": "王芳（文件）"}
    )
    demo_data_seed(persons=50, enterprises=3, seed=1)
    assert held()["population"][MOTHER_ID] == {"person.name": "王芳（文件）"}


def test_the_command_seeds_and_reports(sources):
    out = io.StringIO()
    call_command("datahub", "seed", "--persons", "60", "--enterprises", "4", "--seed", "2", stdout=out)
    assert "seeded" in out.getvalue() and "population" in out.getvalue()
    status = io.StringIO()
    call_command("datahub", "status", stdout=status)
    assert "population" in status.getvalue() and "tax" in status.getvalue()


def test_seeding_needs_the_data_sources(db):
    with pytest.raises(DomainError) as missing:
        demo_data_seed(persons=50, enterprises=3)
    assert missing.value.code == "seed_sources_missing"
