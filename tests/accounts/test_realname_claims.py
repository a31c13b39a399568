"""The claims of a real-name sign-in, checked at the edge (accounts/realname.py): our names, mapped from the
service's by settings; nothing unknown or invalid gets through."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.realname import ENTERPRISE_USCC, PERSON_ID
from yijianshi.accounts.models import AssuranceLevel
from yijianshi.accounts.realname import SignInRefused, realname_claims_parse

PERSON = {"sub": "u-1", "id_number": PERSON_ID, "name": "孙丽", "acr": "realname:document"}


def parse(raw: dict[str, Any], acting_as: str = "person", **config: Any) -> Any:
    return realname_claims_parse(raw, acting_as=acting_as, config=config)


def refused(raw: dict[str, Any], acting_as: str = "person", **config: Any) -> SignInRefused:
    with pytest.raises(SignInRefused) as exc:
        parse(raw, acting_as, **config)
    assert exc.value.status == 403 and exc.value.detail.zh and exc.value.detail.en
    return exc.value


def test_a_person_in_our_claim_names() -> None:
    claims = parse(PERSON)
    assert (claims.subject, claims.id_number, claims.name, claims.assurance, claims.enterprise) == (
        "u-1",
        PERSON_ID,
        "孙丽",
        AssuranceLevel.DOCUMENT,
        None,
    )


def test_the_service_s_own_names_and_levels_are_mapped_by_settings() -> None:
    raw = {"sub": "u-1", "sfzh": PERSON_ID.lower(), "xm": " 孙丽 ", "auth_level": ["L3"]}
    claims = parse(
        raw,
        claims={"id_number": "sfzh", "name": "xm", "assurance": "auth_level", "unknown": "x"},
        assurance={"L3": "face", "L9": "password"},
    )
    assert (claims.id_number, claims.name, claims.assurance) == (
        PERSON_ID.upper(),
        "孙丽",
        AssuranceLevel.FACE,
    )
    # a level mapped to "password" is no real-name level: refused, as an unknown one
    assert (
        refused(
            {**raw, "auth_level": "L9"},
            claims={"id_number": "sfzh", "name": "xm", "assurance": "auth_level"},
            assurance={"L9": "password"},
        ).code
        == "realname_assurance_unknown"
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"id_number": ""}, "realname_claim_missing"),
        ({"id_number": "140524199104120218"}, "realname_id_number_invalid"),
        ({"id_number": 12345}, "realname_id_number_invalid"),
        ({"name": ""}, "realname_claim_missing"),
        ({"name": "名" * 51}, "realname_name_invalid"),
        ({"acr": None}, "realname_assurance_unknown"),
        ({"acr": "realname:FACE"}, "realname_assurance_unknown"),
        ({"sub": ""}, "realname_claim_missing"),
    ],
)
def test_claims_that_do_not_check_out_are_refused(change: dict[str, Any], code: str) -> None:
    assert refused({**PERSON, **change}).code == code


def test_enterprise_claims_are_read_only_when_signing_in_for_an_enterprise() -> None:
    raw = {
        **PERSON,
        "enterprise_uscc": ENTERPRISE_USCC,
        "enterprise_name": "测试公司",
        "enterprise_role": "legal_representative",
    }
    assert parse(raw).enterprise is None
    enterprise = parse(raw, "enterprise").enterprise
    assert enterprise is not None
    assert (enterprise.uscc, enterprise.name, enterprise.legal_representative) == (
        ENTERPRISE_USCC,
        "测试公司",
        True,
    )
    assert parse({**raw, "enterprise_role": "agent"}, "enterprise").enterprise.legal_representative is False
    assert parse({**raw, "enterprise_role": None}, "enterprise").enterprise.legal_representative is False
    assert refused(PERSON, "enterprise").code == "not_a_representative"
    assert (
        refused({**raw, "enterprise_uscc": "91140524MA0T000019"}, "enterprise").code
        == "realname_uscc_invalid"
    )
