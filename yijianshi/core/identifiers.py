"""Identity numbers, checked with python-stdnum behind our own wrapper (standing rule 3).

python-stdnum raises its own exceptions (and, for some numbers, errors from looking up area codes it does not
know); every failure is turned into a `DomainError` with a stable code, a bilingual message naming the field,
and the number masked. Nothing outside this module imports stdnum.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from . import clock
from .errors import DomainError


def mask(value: str) -> str:
    """Mask an identifier for lists, logs and error messages: the first 3 and last 2 characters stay."""
    value = value or ""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def mask_name(name: str) -> str:
    """Mask a person's or an enterprise's name for public pages: the first character stays (张** for 张伟伟)."""
    name = name or ""
    return name[:1] + "*" * max(0, len(name) - 1)


def _problem(exc: Exception) -> tuple[str, str, str]:
    if isinstance(exc, InvalidChecksum):
        return "bad_check_digit", "校验位错误", "the check digit is wrong"
    if isinstance(exc, InvalidLength):
        return "bad_length", "位数不正确", "the length is wrong"
    if isinstance(exc, InvalidFormat):
        return "bad_format", "格式不正确", "the format is wrong"
    if isinstance(exc, InvalidComponent):
        return "bad_component", "地区码或出生日期无效", "the area code or date of birth is invalid"
    return "invalid", "无效", "it is invalid"


def _validate(module: Any, value: str, *, field: str, code: str, zh_name: str, en_name: str) -> str:
    raw = (value or "").strip()
    try:
        number: str = module.validate(raw)
        # stdnum refuses impossible birth dates (30 February, month 13); one after today is impossible too
        if module is ric and ric.get_birth_date(number) > clock.local(clock.now()).date():
            raise InvalidComponent()
    except (ValidationError, ValueError, KeyError, LookupError) as exc:
        problem, zh, en = _problem(exc)
        raise DomainError(
            f"{code}_{problem}",
            f"{zh_name} {mask(raw)} {zh}",
            f"The {en_name} {mask(raw)} is not valid: {en}",
            field=field,
        ) from None
    return number


def resident_id(value: str, *, field: str = "id_number") -> str:
    """A valid 18-character resident identity number (公民身份号码), normalised (ASCII digits — full-width ones are
    taken — and an upper-case X), born no later than today."""
    return _validate(
        ric, value, field=field, code="id_number", zh_name="公民身份号码", en_name="identity number"
    )


def resident_id_birth_date(number: str) -> date:
    result: date = ric.get_birth_date(number)
    return result


def credit_code(value: str, *, field: str = "uscc") -> str:
    """A valid 18-character unified social credit code (统一社会信用代码), normalised."""
    return _validate(
        uscc,
        value,
        field=field,
        code="uscc",
        zh_name="统一社会信用代码",
        en_name="unified social credit code",
    )


def is_resident_id(value: str) -> bool:
    try:
        resident_id(value)
    except DomainError:
        return False
    return True


def make_resident_id(area: str, birth: date, sequence: int) -> str:
    """A valid resident identity number for demo and synthetic data (area code + birth date + sequence +
    check digit). `sequence` odd for men, even for women (GB 11643)."""
    base = f"{area}{birth:%Y%m%d}{sequence % 1000:03d}"
    check: str = ric.calc_check_digit(base + "0")
    return base + check


def make_organisation_code(body: str) -> str:
    """A GB 11714 organisation code for demo and synthetic data: 8 characters (digits or capital letters) and
    their check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    value = 11 - sum(int(c, 36) * w for c, w in zip(body, weights, strict=True)) % 11
    return body + ("0" if value == 11 else "X" if value == 10 else str(value))


def make_credit_code(registration_authority: str, region: str, body: str) -> str:
    """A valid unified social credit code for demo and synthetic data (GB 32100): 1 + 1 + 6 + 9 characters
    and the check character."""
    base = f"{registration_authority}{region}{body}"
    if len(base) != 17:
        raise ValueError(f"a credit code has 17 characters before its check character, not {len(base)}")
    check: str = uscc.calc_check_digit(base)
    return base + check
