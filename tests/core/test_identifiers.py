from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import credit_code, is_resident_id, mask, resident_id


def test_valid_numbers_are_normalised() -> None:
    assert resident_id(" 11010519491231002x ") == "11010519491231002X"
    assert credit_code("91110000600037341L") == "91110000600037341L"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "id_number_bad_check_digit"),
        ("1101051949123100", "id_number_bad_length"),
        ("110105194913310021", "id_number_bad_component"),  # month 13, right check digit
        ("990105194912310023", "id_number_bad_component"),  # unknown area code, right check digit
        ("abc", "id_number_bad_length"),
    ],
)
def test_bad_identity_numbers_are_clear_errors(value: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        resident_id(value, field="mother.id_number")
    assert caught.value.code == code
    assert caught.value.detail.field == "mother.id_number"
    assert value not in caught.value.detail.zh  # masked, never the whole number
    assert caught.value.detail.en and caught.value.detail.zh


def test_bad_credit_code() -> None:
    with pytest.raises(DomainError) as caught:
        credit_code("91110000600037341A")
    assert caught.value.code.startswith("uscc_")


@given(st.text(max_size=30))
def test_no_input_escapes_as_anything_but_a_domain_error(text: str) -> None:
    try:
        resident_id(text)
    except DomainError:
        pass
    assert is_resident_id(text) in (True, False)


def test_mask() -> None:
    assert mask("11010519491231002X") == "110*************2X"
    assert mask("123") == "***"
