"""Which subject and record key fill each form key (pure: datahub/prefill.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yijianshi.datahub.prefill import Role, Route, canonical_key, plan, route, sex_of

MAN, WOMAN = "140524199207080317", "140524199403150224"


def test_sex_from_the_17th_digit():
    assert (
        sex_of(MAN) == "male" and sex_of(WOMAN) == "female" and sex_of(None) is None and sex_of("12") is None
    )


def test_mother_and_father_are_the_applicant_or_the_spouse_by_sex():
    assert route("mother.name", "population", applicant_sex="female") == Route(
        "mother.name", Role.APPLICANT, "population", "person.name"
    )
    assert route("mother.name", "population", applicant_sex="male") == Route(
        "mother.name", Role.SPOUSE, "population", "person.name"
    )
    # what the marriage registry holds about the spouse is on the applicant's own marriage record
    assert route("father.id_number", "marriage", applicant_sex="female") == Route(
        "father.id_number", Role.APPLICANT, "marriage", "spouse.id_number"
    )
    assert route("father.id_number", "marriage", applicant_sex="male") == Route(
        "father.id_number", Role.APPLICANT, "marriage", "person.id_number"
    )
    assert route("mother.name", "population", applicant_sex=None) is None


def test_other_roles():
    assert route("child.birth_date", "birth", applicant_sex="female").role is Role.CHILD
    assert route("child.id_number", "population", applicant_sex="female") == Route(
        "child.id_number", Role.CHILD_PERSON, "population", "person.id_number"
    )
    assert route("child.household_address", "household", applicant_sex="female") == Route(
        "child.household_address", Role.APPLICANT, "household", "person.household_address"
    )
    assert (
        route("applicant.address", "household", applicant_sex="male").record_key == "person.residence_address"
    )
    assert route("enterprise.name", "enterprise", applicant_sex=None).role is Role.ENTERPRISE
    assert route("household.number", "household", applicant_sex=None).role is Role.PARTY
    assert route("agent.name", "population", applicant_sex="male") is None
    assert route("child.name", None, applicant_sex="male") is None


def test_the_plan_adds_the_keys_that_find_other_subjects():
    routes = [
        route("spouse.education", "population", applicant_sex="male"),
        route("child.id_number", "population", applicant_sex="male"),
    ]
    groups = plan([r for r in routes if r])
    assert groups[(Role.APPLICANT, "marriage")] == ["spouse.id_number"]
    assert groups[(Role.CHILD, "birth")] == ["child.id_number"]


def test_earlier_entries_are_reused_only_about_the_party():
    assert canonical_key("mother.phone", party_kind="person", party_sex="female") == "person.phone"
    assert canonical_key("applicant.phone", party_kind="person", party_sex="female") == "person.phone"
    assert canonical_key("father.phone", party_kind="person", party_sex="female") is None
    assert canonical_key("child.name", party_kind="person", party_sex="female") is None
    assert (
        canonical_key("enterprise.bank_account", party_kind="enterprise", party_sex=None)
        == "enterprise.bank_account"
    )


KEYS = st.from_regex(r"[a-z]{1,8}\.[a-z_]{1,12}", fullmatch=True)


@given(
    KEYS,
    st.sampled_from(["population", "marriage", "birth", "household", "enterprise", None]),
    st.sampled_from(["male", "female", None]),
)
def test_a_route_is_never_spouse_for_the_marriage_source_and_keeps_its_key(key, source, sex):
    r = route(key, source, applicant_sex=sex)
    if r is None:
        return
    assert r.key == key and r.source == source
    assert not (r.role is Role.SPOUSE and source == "marriage")
    assert "." in r.record_key
