"""The checks before submission, evaluated purely: ages (leap-day birthdays, by sex), date bounds, answers
against the form."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from yijianshi.cases.crosscheck import age_on, crosscheck

TODAY = date(2026, 12, 7)
AGE = {
    "kind": "min_age_at",
    "code": "statutory_age",
    "when": {"situation": "retirement_type", "in": ["normal"]},
    "birth": "person.birth_date",
    "at": "retirement.date",
    "sex": "person.gender",
    "years_by_sex": {"男": 60, "女": 50},
    "zh": "须年满 {years} 周岁，届时 {age} 周岁",
    "en": "must be {years}, will be {age}",
}
RANGE = {
    "kind": "date_range",
    "code": "near",
    "field": "retirement.date",
    "past_days": 365,
    "future_days": 183,
    "zh": "应在 {earliest} 至 {latest} 之间",
    "en": "between {earliest} and {latest}",
}
MATCH = {
    "kind": "matches_answer",
    "code": "type",
    "field": "retirement.type",
    "situation": "retirement_type",
    "values": {"normal": ["正常退休"], "special_job": ["特殊工种提前退休"]},
    "zh": "应为 {allowed}",
    "en": "must be {allowed}",
}
NORMAL = {"retirement_type": "normal"}


def test_age_in_completed_years_and_leap_day_birthdays() -> None:
    assert age_on(date(1966, 12, 7), date(2026, 12, 7)) == 60
    assert age_on(date(1966, 12, 8), date(2026, 12, 7)) == 59
    # born on 29 February: a year older on 1 March of a common year, on 29 February of a leap year
    assert age_on(date(1964, 2, 29), date(2026, 2, 28)) == 61
    assert age_on(date(1964, 2, 29), date(2026, 3, 1)) == 62
    assert age_on(date(1964, 2, 29), date(2024, 2, 29)) == 60


def test_a_34_year_old_is_refused_normal_retirement_naming_the_date() -> None:
    form = {"person.birth_date": "1992-05-01", "person.gender": "男", "retirement.date": "2026-12-01"}
    (problem,) = crosscheck([AGE], NORMAL, form, TODAY)
    assert problem.field == "form.retirement.date"
    assert problem.code == "age_below_minimum"
    assert problem.zh == "须年满 60 周岁，届时 34 周岁"
    assert problem.en == "must be 60, will be 34"


def test_the_minimum_age_depends_on_sex() -> None:
    woman = {"person.birth_date": "1976-03-01", "person.gender": "女", "retirement.date": "2026-03-01"}
    assert crosscheck([AGE], NORMAL, woman, TODAY) == []
    man = {**woman, "person.gender": "男"}
    assert [p.zh for p in crosscheck([AGE], NORMAL, man, TODAY)] == ["须年满 60 周岁，届时 50 周岁"]


def test_a_leap_day_birth_reaches_the_age_on_1_march() -> None:
    form = {"person.birth_date": "1976-02-29", "person.gender": "女", "retirement.date": "2026-02-28"}
    assert len(crosscheck([AGE], NORMAL, form, TODAY)) == 1
    assert crosscheck([AGE], NORMAL, {**form, "retirement.date": "2026-03-01"}, TODAY) == []


def test_the_rule_applies_only_for_its_answer() -> None:
    form = {"person.birth_date": "1992-05-01", "person.gender": "男", "retirement.date": "2026-12-01"}
    assert crosscheck([AGE], {"retirement_type": "illness"}, form, TODAY) == []


def test_the_birth_date_may_come_from_an_identity_number() -> None:
    rule = {
        "kind": "min_age_at",
        "code": "mother",
        "id_number": "mother.id_number",
        "at": "child.birth_date",
        "years": 12,
        "zh": "{age}",
        "en": "{age}",
    }
    form = {"mother.id_number": "11010520200101001X", "child.birth_date": "2026-11-01"}
    (problem,) = crosscheck([rule], {}, form, TODAY)
    assert (problem.field, problem.zh) == ("form.child.birth_date", "6")
    form["mother.id_number"] = "110105199001010015"
    assert crosscheck([rule], {}, form, TODAY) == []


def test_a_missing_value_leaves_the_rule_to_the_field_check() -> None:
    assert crosscheck([AGE], NORMAL, {"retirement.date": "2026-12-01"}, TODAY) == []
    assert crosscheck([RANGE, MATCH], NORMAL, {}, TODAY) == []


def test_a_retirement_date_in_2020_is_out_of_bounds() -> None:
    (problem,) = crosscheck([RANGE], {}, {"retirement.date": "2020-06-01"}, TODAY)
    assert problem.field == "form.retirement.date" and problem.code == "date_out_of_bounds"
    assert problem.en == "between 2025-12-07 and 2027-06-08"
    assert crosscheck([RANGE], {}, {"retirement.date": "2025-12-07"}, TODAY) == []
    assert crosscheck([RANGE], {}, {"retirement.date": "2027-06-08"}, TODAY) == []
    assert len(crosscheck([RANGE], {}, {"retirement.date": "2027-06-09"}, TODAY)) == 1


def test_a_date_relative_to_another_field() -> None:
    rule = {
        "kind": "date_range",
        "code": "order",
        "field": "retirement.deemed_end_date",
        "not_before": "retirement.deemed_start_date",
        "zh": "不早于 {earliest}",
        "en": "not before {earliest}",
    }
    form = {"retirement.deemed_start_date": "1990-01-01", "retirement.deemed_end_date": "1989-12-31"}
    (problem,) = crosscheck([rule], {}, form, TODAY)
    assert (problem.field, problem.zh) == ("form.retirement.deemed_end_date", "不早于 1990-01-01")
    assert crosscheck([rule], {}, {**form, "retirement.deemed_end_date": "1990-01-01"}, TODAY) == []


def test_the_form_must_match_the_situation_answer() -> None:
    form = {"retirement.type": "特殊工种提前退休"}
    (problem,) = crosscheck([MATCH], NORMAL, form, TODAY)
    assert (problem.field, problem.code, problem.zh) == (
        "form.retirement.type",
        "answer_mismatch",
        "应为 正常退休",
    )
    assert crosscheck([MATCH], {"retirement_type": "special_job"}, form, TODAY) == []


def test_one_problem_per_field_and_every_field_at_once() -> None:
    form = {
        "person.birth_date": "1992-05-01",
        "person.gender": "男",
        "retirement.date": "2020-06-01",
        "retirement.type": "特殊工种提前退休",
    }
    found = crosscheck([AGE, RANGE, MATCH], NORMAL, form, TODAY)
    assert [p.field for p in found] == ["form.retirement.date", "form.retirement.type"]


@given(birth=st.dates(date(1900, 1, 1), date(2100, 12, 31)), years=st.integers(0, 120))
def test_the_anniversary_is_the_first_day_of_the_age(birth: date, years: int) -> None:
    year = birth.year + years
    if year > 9999:
        return
    day = date(year, birth.month, birth.day) if (birth.month, birth.day) != (2, 29) else date(year, 3, 1)
    if (birth.month, birth.day) == (2, 29) and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        day = date(year, 2, 29)
    assert age_on(birth, day) == years
    assert age_on(birth, day.fromordinal(day.toordinal() - 1)) == years - 1
