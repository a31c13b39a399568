"""Checking the submitted form against the merged form an application was made with (one form, validated at
the edge: every problem named by its field, all at once)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from yijianshi.catalog.packs import date_bound
from yijianshi.core import clock
from yijianshi.core.errors import DomainError, ErrorDetail
from yijianshi.core.identifiers import credit_code, resident_id
from yijianshi.core.text import MAX_TEXT, clipped, hidden_controls

from .crosscheck import crosscheck

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTCODE = re.compile(r"^\d{6}$")
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)  # any date the platform takes (ADR 0007)


def _err(key: str, code: str, zh: str, en: str) -> ErrorDetail:
    return ErrorDetail(code=code, zh=f"{zh}", en=en, field=f"form.{key}")


def check_form(
    fields: Sequence[Mapping[str, Any]],
    data: Any,
    *,
    checks: Sequence[Mapping[str, Any]] = (),
    answers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return the cleaned values (normalised identifiers, ISO dates) or raise with every problem listed: each
    field's own rules, then the bundle's cross-field `checks` against the situation `answers`
    (`cases/crosscheck.py`) over the values that passed their own."""
    if not isinstance(data, dict):
        raise DomainError("invalid_form", "表单应为对象", "The form must be an object", field="form")
    known = {f["key"]: f for f in fields}
    problems: list[ErrorDetail] = []
    clean: dict[str, Any] = {}
    for key in data:
        if key not in known:
            name = clipped(str(key))
            problems.append(
                _err(name, "unknown_field", f"表单中没有字段“{name}”", f"The form has no field '{name}'")
            )
    for key, spec in known.items():
        value = data.get(key)
        label_zh, label_en = spec["label_zh"], spec["label_en"]
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec["required"]:
                problems.append(_err(key, "required", f"请填写“{label_zh}”", f"'{label_en}' is required"))
            continue
        try:
            clean[key] = _check_value(key, spec, value)
        except DomainError as exc:
            problems.append(
                ErrorDetail(
                    code=exc.code,
                    zh=f"“{label_zh}”：{exc.detail.zh}",
                    en=f"'{label_en}': {exc.detail.en}",
                    field=f"form.{key}",
                )
            )
    if checks:
        problems.extend(crosscheck(checks, answers or {}, clean, clock.local(clock.now()).date()))
    if problems:
        first = problems[0]
        raise DomainError(
            first.code if len(problems) == 1 else "invalid_form",
            f"表单有 {len(problems)} 处需要修改：{first.zh}",
            f"{len(problems)} problem(s) in the form: {first.en}",
            field=first.field,
            details=problems,
        )
    return clean


def _bad(code: str, zh: str, en: str) -> DomainError:
    return DomainError(code, zh, en)


def _check_value(key: str, spec: Mapping[str, Any], value: Any) -> Any:
    kind = spec["type"]
    rules = dict(spec.get("validation") or {})
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _bad("invalid_boolean", "应为是或否", "must be true or false")
        return value
    if kind in ("number", "money"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _bad("invalid_number", "应为数字", "must be a number")
        try:
            number = float(value)
        except ValueError:
            raise _bad("invalid_number", "应为数字", "must be a number") from None
        except OverflowError:  # an integer beyond any float (JSON allows 10**400)
            if isinstance(value, int) and value < 0:
                raise _bad("too_small", "数值过小", "is far too small") from None
            raise _bad("too_large", "数值过大", "is far too large") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise _bad("invalid_number", "应为数字", "must be a number")
        if "min" in rules and number < float(rules["min"]):
            raise _bad("too_small", f"不能小于 {rules['min']}", f"must be at least {rules['min']}")
        if "max" in rules and number > float(rules["max"]):
            raise _bad("too_large", f"不能大于 {rules['max']}", f"must be at most {rules['max']}")
        return int(number) if number.is_integer() else number
    if not isinstance(value, str):
        raise _bad("invalid_text", "应为文本", "must be text")
    text = value.strip()
    if len(text) > int(rules.get("max_length", MAX_TEXT)):
        raise _bad(
            "too_long",
            f"不能超过 {rules.get('max_length', MAX_TEXT)} 个字符",
            f"must be at most {rules.get('max_length', MAX_TEXT)} characters",
        )
    if hidden_controls(text):  # docs/adr/0007-hostile-input-limits.md
        raise _bad(
            "invalid_characters",
            "含有不可见的控制字符或文字方向控制符",
            "contains control characters or bidirectional controls",
        )
    if kind == "id_number":
        return resident_id(text, field=f"form.{key}")
    if kind == "uscc":
        return credit_code(text, field=f"form.{key}")
    if kind == "date":
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise _bad("invalid_date", "日期格式应为 YYYY-MM-DD", "must be a date YYYY-MM-DD") from None
        if not EARLIEST <= day <= LATEST:
            raise _bad("date_out_of_range", "日期超出合理范围（1900–2100）", "is outside 1900–2100")
        latest, earliest = date_bound(rules.get("max")), date_bound(rules.get("min"))
        if latest is not None and day > latest:
            zh, en = ("今天", "today") if rules["max"] == "today" else (str(latest), str(latest))
            raise _bad("date_too_late", f"不能晚于{zh}", f"must not be after {en}")
        if earliest is not None and day < earliest:
            zh, en = ("今天", "today") if rules["min"] == "today" else (str(earliest), str(earliest))
            raise _bad("date_too_early", f"不能早于{zh}", f"must not be before {en}")
        return day.isoformat()
    if kind == "phone" and not PHONE.match(text):
        raise _bad("invalid_phone", "电话号码格式不正确", "is not a valid phone number")
    if kind == "email" and not EMAIL.match(text):
        raise _bad("invalid_email", "电子邮箱格式不正确", "is not a valid email address")
    if kind == "postcode" and not POSTCODE.match(text):
        raise _bad("invalid_postcode", "邮政编码应为 6 位数字", "must be 6 digits")
    if kind == "choice" and rules.get("choices") and text not in rules["choices"]:
        raise _bad(
            "invalid_choice",
            f"应为以下之一：{'、'.join(rules['choices'])}",
            f"must be one of: {', '.join(rules['choices'])}",
        )
    if rules.get("pattern") and not re.fullmatch(str(rules["pattern"]), text):
        raise _bad("invalid_format", "格式不正确", "has the wrong format")
    return text
