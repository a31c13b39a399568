"""Electronic licence identifiers (电子证照标识, after GB/T 36902 as far as public descriptions go).

    1.2.156.3005.2.{type code}.{issuer code}.{serial}.{version}.{check}

- ``1.2.156.3005.2`` is the object-identifier arc for electronic licences;
- the **type code** (电子证照类型代码) is the defining body's unified social credit code (18 characters) plus a
  3-digit sequence, 21 characters (``catalog.LicenceType.type_code``);
- the **issuer code** (颁发机构代码) is the issuing department's unified social credit code, 18 characters
  (`licenses.models.IssuerIdentity`; derived deterministically when a department has none, see
  `derived_issuer_code`);
- the **serial** is the decimal sequence number of the licence of that type by that issuer, zero-padded to
  at least ``SERIAL_DIGITS`` digits; a new version of a licence keeps its serial;
- the **version** is a decimal number from 1, without padding;
- the **check** character is ISO 7064 MOD 37,36 (python-stdnum's ``mod_37_36``) computed over every preceding
  character with the dots removed, upper-case: for ``1.2.156.3005.2.T.I.00000001.1`` it is computed over
  ``"121563005" + "2" + T + I + "00000001" + "1"``.

Both unified social credit codes are checked with their own check character (`core.identifiers.credit_code`),
so a typo in a type or issuer code is named as such, not only as a wrong check character of the whole.
Nothing outside this module computes the check character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.iso7064 import mod_37_36

from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import credit_code, make_credit_code, make_organisation_code

PREFIX = "1.2.156.3005.2"
SERIAL_DIGITS = 8
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TYPE_CODE = re.compile(r"^[0-9A-Z]{18}[0-9]{3}$")
_DIGITS = re.compile(r"^[0-9]{1,18}$")


@dataclass(frozen=True)
class ParsedIdentifier:
    text: str
    type_code: str
    issuer_code: str
    serial: int
    version: int
    check: str


def _check_character(body: str) -> str:
    """The MOD 37,36 check character over `body` (the identifier without its check, dots removed)."""
    compact = body.replace(".", "").upper()
    result: str = mod_37_36.calc_check_digit(compact, alphabet=_ALPHABET)
    return result


def validate_type_code(type_code: str, *, field: str = "type_code") -> str:
    """A licence type code: a valid unified social credit code followed by a 3-digit sequence."""
    code = (type_code or "").strip().upper()
    if not _TYPE_CODE.match(code):
        raise DomainError(
            "licence_type_code_bad_format",
            f"证照类型代码“{code}”格式不正确：应为18位统一社会信用代码加3位顺序码",
            f"The licence type code '{code}' is malformed: it is the defining body's 18-character "
            "unified social credit code followed by a 3-digit sequence",
            field=field,
        )
    try:
        credit_code(code[:18], field=field)
    except DomainError as exc:
        raise DomainError(
            "licence_type_code_bad_uscc",
            f"证照类型代码“{code}”中的统一社会信用代码无效：{exc.detail.zh}",
            f"The unified social credit code in the licence type code '{code}' is not valid: {exc.detail.en}",
            field=field,
        ) from None
    return code


def validate_issuer_code(issuer_code: str, *, field: str = "issuer_code") -> str:
    code = (issuer_code or "").strip().upper()
    try:
        return credit_code(code, field=field)
    except DomainError as exc:
        raise DomainError(
            "licence_issuer_code_bad",
            f"颁发机构代码无效：{exc.detail.zh}",
            f"The issuer code is not valid: {exc.detail.en}",
            field=field,
        ) from None


def licence_identifier(*, type_code: str, issuer_code: str, serial: int, version: int = 1) -> str:
    """The identifier of version `version` of licence number `serial` of this type by this issuer."""
    tcode = validate_type_code(type_code)
    icode = validate_issuer_code(issuer_code)
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 1 or serial >= 10**18:
        raise DomainError(
            "licence_serial_bad",
            "证照流水号应为1至18位的正整数",
            "The licence serial number must be a positive integer of at most 18 digits",
            field="serial",
        )
    if isinstance(version, bool) or not isinstance(version, int) or version < 1 or version >= 10**6:
        raise DomainError(
            "licence_version_bad",
            "证照版本号应为正整数",
            "The licence version must be a positive integer",
            field="version",
        )
    body = f"{PREFIX}.{tcode}.{icode}.{serial:0{SERIAL_DIGITS}d}.{version}"
    return f"{body}.{_check_character(body)}"


def parse_identifier(text: str) -> ParsedIdentifier:
    """Read an identifier typed or scanned by anyone: normalised (trimmed, upper-case), every part checked.

    Error codes: ``licence_id_empty``, ``licence_id_bad_prefix``, ``licence_id_bad_format`` (wrong number of
    parts), ``licence_type_code_*``, ``licence_issuer_code_bad``, ``licence_id_bad_serial``,
    ``licence_id_bad_version``, ``licence_id_bad_check`` (the check character does not match).
    """
    raw = (text or "").strip().upper()
    field = "identifier"
    if not raw:
        raise DomainError(
            "licence_id_empty", "请填写电子证照标识", "The licence identifier is empty", field=field
        )
    if not raw.startswith(PREFIX + "."):
        raise DomainError(
            "licence_id_bad_prefix",
            f"电子证照标识应以 {PREFIX}. 开头",
            f"A licence identifier starts with {PREFIX}.",
            field=field,
        )
    parts = raw[len(PREFIX) + 1 :].split(".")
    if len(parts) != 5:
        raise DomainError(
            "licence_id_bad_format",
            "电子证照标识格式不正确：应为 1.2.156.3005.2.类型代码.颁发机构代码.流水号.版本号.校验位",
            "The licence identifier is malformed: expected "
            "1.2.156.3005.2.{type code}.{issuer code}.{serial}.{version}.{check}",
            field=field,
        )
    tcode, icode, serial, version, check = parts
    validate_type_code(tcode, field=field)
    validate_issuer_code(icode, field=field)
    if not _DIGITS.match(serial):
        raise DomainError(
            "licence_id_bad_serial",
            "电子证照标识中的流水号应为数字",
            "The serial number in the licence identifier must be digits",
            field=field,
        )
    if not _DIGITS.match(version) or version.startswith("0"):
        raise DomainError(
            "licence_id_bad_version",
            "电子证照标识中的版本号应为不以0开头的数字",
            "The version in the licence identifier must be a number without leading zeros",
            field=field,
        )
    if len(check) != 1 or check not in _ALPHABET:
        raise DomainError(
            "licence_id_bad_check",
            "电子证照标识的校验位应为一位数字或字母",
            "The check character of the licence identifier must be one letter or digit",
            field=field,
        )
    body = raw[: -len(check) - 1]
    if _check_character(body) != check:
        raise DomainError(
            "licence_id_bad_check",
            f"电子证照标识 {raw} 的校验位错误，请核对是否录入有误",
            f"The check character of the licence identifier {raw} is wrong: the identifier was "
            "mistyped or altered",
            field=field,
        )
    return ParsedIdentifier(
        text=raw, type_code=tcode, issuer_code=icode, serial=int(serial), version=int(version), check=check
    )


# --- issuer codes for departments without a registered one ------------------------------------------------------


def _organisation_code(seed: bytes) -> str:
    """A 9-character organisation code (GB 11714: 8 digits and a check character) derived from `seed`."""
    from .crypto import sm3_hex

    return make_organisation_code(f"{int(sm3_hex(seed), 16) % 10**8:08d}")


def derived_issuer_code(*, region_code: str, department_code: str) -> str:
    """A deterministic, valid unified social credit code for a department that has no registered one.

    Registration authority ``1`` (机构编制), organisation category ``1`` (机关), the first six digits of the
    region code (the county), a 9-character organisation code derived from SM3 of ``"{region}/{department}"``
    with its GB 11714 check character, and the GB 32100 check character. The same department always gets the
    same code; a real code can be entered in the admin (`IssuerIdentity`) and is then used instead.
    """
    county = (region_code + "000000")[:6]
    seed = f"{region_code}/{department_code}".encode()
    return make_credit_code("1", "1" + county, _organisation_code(seed))
