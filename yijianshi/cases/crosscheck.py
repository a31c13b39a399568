"""Checks before submission: the cross-field rules a bundle declares in its pack (`checks:`,
docs/catalog-packs.md), evaluated against the situation answers and the cleaned form (issue 18 point 3: a
34-year-old must not be able to apply for 正常退休, nor choose another category in the form than in the situation
questions, and learn it days later from a denial).

Pure: rules (plain data from the bundle version's snapshot), answers, clean values (`check_form`'s output: ISO
dates, normalised identity numbers) and today in, a list of problems out, each naming its field
(`form.<key>`) with the pack's message in Chinese and English. A rule whose values are not all there (a field
left out of the form for these answers, an optional field left empty, a field that failed its own check) is not
evaluated: the per-field check names what is missing or wrong.

Age in completed years (周岁): a person reaches N years on the N-th anniversary of the birth date; someone born on
29 February reaches it on 1 March in a common year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from yijianshi.core.errors import ErrorDetail
from yijianshi.core.identifiers import resident_id_birth_date

CODES = {
    "min_age_at": "age_below_minimum",
    "date_range": "date_out_of_bounds",
    "matches_answer": "answer_mismatch",
}


def age_on(birth: date, day: date) -> int:
    """Completed years on `day` (周岁)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _applies(rule: Mapping[str, Any], answers: Mapping[str, str]) -> bool:
    when = rule.get("when")
    return when is None or str(answers.get(when["situation"], "")) in {str(v) for v in when["in"]}


def _problem(rule: Mapping[str, Any], field: str, **values: Any) -> ErrorDetail:
    return ErrorDetail(
        code=CODES[rule["kind"]],
        zh=rule["zh"].format(**values),
        en=rule["en"].format(**values),
        field=f"form.{field}",
    )


def _min_age_at(rule: Mapping[str, Any], clean: Mapping[str, Any]) -> ErrorDetail | None:
    at = _date(clean.get(rule["at"]))
    if rule.get("birth"):
        birth = _date(clean.get(rule["birth"]))
    elif clean.get(rule["id_number"]):
        try:
            birth = resident_id_birth_date(str(clean[rule["id_number"]]))
        except ValueError:  # a number check_form did not accept names itself
            birth = None
    else:
        birth = None
    if at is None or birth is None:
        return None
    if rule.get("years_by_sex") is not None:
        sex = clean.get(rule["sex"])
        if sex is None or str(sex) not in rule["years_by_sex"]:
            return None
        years = int(rule["years_by_sex"][str(sex)])
    else:
        years = int(rule["years"])
    age = age_on(birth, at)
    if age >= years:
        return None
    return _problem(rule, rule["at"], years=years, age=age)


def _date_range(rule: Mapping[str, Any], clean: Mapping[str, Any], today: date) -> ErrorDetail | None:
    day = _date(clean.get(rule["field"]))
    if day is None:
        return None
    lows: list[date] = []
    highs: list[date] = []
    if rule.get("past_days") is not None:
        lows.append(today - timedelta(days=int(rule["past_days"])))
    if rule.get("future_days") is not None:
        highs.append(today + timedelta(days=int(rule["future_days"])))
    for key, bounds in (("not_before", lows), ("not_after", highs)):
        if rule.get(key):
            other = _date(clean.get(rule[key]))
            if other is not None:
                bounds.append(other)
    earliest, latest = max(lows, default=None), min(highs, default=None)
    if (earliest is None or day >= earliest) and (latest is None or day <= latest):
        return None
    return _problem(
        rule,
        rule["field"],
        earliest=earliest.isoformat() if earliest else "",
        latest=latest.isoformat() if latest else "",
    )


def _matches_answer(
    rule: Mapping[str, Any], answers: Mapping[str, str], clean: Mapping[str, Any]
) -> ErrorDetail | None:
    value = clean.get(rule["field"])
    answer = answers.get(rule["situation"])
    if value is None or answer is None or str(answer) not in rule["values"]:
        return None
    allowed = [str(v) for v in rule["values"][str(answer)]]
    if str(value) in allowed:
        return None
    return _problem(rule, rule["field"], allowed="、".join(allowed))


def crosscheck(
    rules: Sequence[Mapping[str, Any]],
    answers: Mapping[str, str],
    clean: Mapping[str, Any],
    today: date,
) -> list[ErrorDetail]:
    """Every problem the rules find, in the rules' order (at most one per field: the first rule that names it)."""
    problems: list[ErrorDetail] = []
    for rule in rules:
        if not _applies(rule, answers):
            continue
        kind = rule["kind"]
        if kind == "min_age_at":
            found = _min_age_at(rule, clean)
        elif kind == "date_range":
            found = _date_range(rule, clean, today)
        elif kind == "matches_answer":
            found = _matches_answer(rule, answers, clean)
        else:  # the pack schema refuses any other kind at load
            raise ValueError(f"unknown check kind {kind!r}")
        if found is not None and all(p.field != found.field for p in problems):
            problems.append(found)
    return problems
