"""Licence identifiers: the documented layout, ISO 7064 MOD 37,36 over the compact text, clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.iso7064 import mod_37_36

from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import credit_code
from yijianshi.licenses.identifiers import (
    PREFIX,
    derived_issuer_code,
    licence_identifier,
    parse_identifier,
)

TYPE = "11100000000013127D001"
ISSUER = derived_issuer_code(region_code="140524", department_code="civil_affairs")
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_layout_and_check_character() -> None:
    ident = licence_identifier(type_code=TYPE, issuer_code=ISSUER, serial=7, version=2)
    body, check = ident[:-2], ident[-1]
    assert body == f"{PREFIX}.{TYPE}.{ISSUER}.00000007.2"
    # the check character is MOD 37,36 over every preceding character, dots removed
    assert check == mod_37_36.calc_check_digit(body.replace(".", ""))
    assert mod_37_36.is_valid(ident.replace(".", ""))


def test_parse_round_trip_and_normalises() -> None:
    ident = licence_identifier(type_code=TYPE, issuer_code=ISSUER, serial=123, version=1)
    parsed = parse_identifier("  " + ident.lower() + " ")
    assert (parsed.text, parsed.type_code, parsed.issuer_code, parsed.serial, parsed.version) == (
        ident,
        TYPE,
        ISSUER,
        123,
        1,
    )


def test_wrong_check_character_is_named() -> None:
    ident = licence_identifier(type_code=TYPE, issuer_code=ISSUER, serial=1)
    wrong = ident[:-1] + ("A" if ident[-1] != "A" else "B")
    with pytest.raises(DomainError) as exc:
        parse_identifier(wrong)
    assert exc.value.code == "licence_id_bad_check"
    assert "check character" in exc.value.detail.en and "校验位" in exc.value.detail.zh
    assert exc.value.detail.field == "identifier"


@given(position=st.integers(min_value=0, max_value=200), replacement=st.sampled_from("0123456789"))
def test_any_single_substitution_in_serial_or_version_is_caught(position: int, replacement: str) -> None:
    ident = licence_identifier(type_code=TYPE, issuer_code=ISSUER, serial=4567, version=3)
    start = len(f"{PREFIX}.{TYPE}.{ISSUER}.")
    editable = [i for i in range(start, len(ident) - 2) if ident[i].isdigit()]
    i = editable[position % len(editable)]
    if ident[i] == replacement:
        return
    changed = ident[:i] + replacement + ident[i + 1 :]
    with pytest.raises(DomainError) as exc:
        parse_identifier(changed)
    assert exc.value.code in ("licence_id_bad_check", "licence_id_bad_version")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "licence_id_empty"),
        ("1.2.156.9999.2.X", "licence_id_bad_prefix"),
        (f"{PREFIX}.{TYPE}.{ISSUER}.1", "licence_id_bad_format"),
        (f"{PREFIX}.11100000000013127X001.{ISSUER}.00000001.1.A", "licence_type_code_bad_uscc"),
        (f"{PREFIX}.111000000000131.{ISSUER}.00000001.1.A", "licence_type_code_bad_format"),
        (f"{PREFIX}.{TYPE}.12345.00000001.1.A", "licence_issuer_code_bad"),
        (f"{PREFIX}.{TYPE}.{ISSUER}.0000000X.1.A", "licence_id_bad_serial"),
        (f"{PREFIX}.{TYPE}.{ISSUER}.00000001.01.A", "licence_id_bad_version"),
        (f"{PREFIX}.{TYPE}.{ISSUER}.00000001.1.AB", "licence_id_bad_check"),
    ],
)
def test_malformed_identifiers_are_refused_clearly(text: str, code: str) -> None:
    with pytest.raises(DomainError) as exc:
        parse_identifier(text)
    assert exc.value.code == code
    assert exc.value.detail.zh and exc.value.detail.en


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"serial": 0}, "licence_serial_bad"),
        ({"version": 0}, "licence_version_bad"),
        ({"type_code": "11100000000013127D"}, "licence_type_code_bad_format"),
        ({"type_code": "11100000MB0135458E001"}, "licence_type_code_bad_uscc"),  # wrong USCC check character
        ({"issuer_code": "91140524MA0K1234W"}, "licence_issuer_code_bad"),  # 17 characters
    ],
)
def test_identifier_refuses_bad_parts(kwargs: dict[str, object], code: str) -> None:
    values: dict[str, object] = {
        "type_code": TYPE,
        "issuer_code": ISSUER,
        "serial": 1,
        "version": 1,
        **kwargs,
    }
    with pytest.raises(DomainError) as exc:
        licence_identifier(**values)  # type: ignore[arg-type]
    assert exc.value.code == code


def test_derived_issuer_codes_are_valid_deterministic_and_distinct() -> None:
    a = derived_issuer_code(region_code="140524", department_code="civil_affairs")
    b = derived_issuer_code(region_code="140524", department_code="public_security")
    c = derived_issuer_code(region_code="410721", department_code="civil_affairs")
    assert a == derived_issuer_code(region_code="140524", department_code="civil_affairs")
    assert len({a, b, c}) == 3
    for code in (a, b, c):
        assert credit_code(code) == code
    assert a.startswith("11140524") and c.startswith("11410721")  # 机构编制 · 机关 · county
    # the organisation code (characters 9–17) carries its GB 11714 check character
    org = a[8:17]
    value = 11 - sum(int(ch) * w for ch, w in zip(org[:8], (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    assert org[8] == {10: "X", 11: "0"}.get(value, str(value))
