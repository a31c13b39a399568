"""licence_verify: every field of the canonical document tampered with is caught, and each bad state is named."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from yijianshi.catalog.models import Department
from yijianshi.licenses import crypto
from yijianshi.licenses.identifiers import licence_identifier
from yijianshi.licenses.models import CANONICAL_KEYS, License, SigningKey
from yijianshi.licenses.services import (
    licence_issue,
    licence_revoke,
    licence_supersede,
    licence_verify,
    offline_document,
)

from .conftest import TODAY

pytestmark = pytest.mark.django_db

# a changed value for every field of the canonical encoding
TAMPER: dict[str, Callable[[Any], Any]] = {
    "identifier": lambda v: v[:-3] + ("2" if v[-3] != "2" else "3") + v[-2:],  # version, check left alone
    "type": lambda v: "11100000000013338W001",
    "type_name": lambda v: "离婚证",
    "holder": lambda v: "王芬",
    "holder_id_type": lambda v: "001",
    "holder_id": lambda v: v[:-4] + "0000",
    "issuer": lambda v: "111405240000000000"[:17] + "0",
    "issuer_name": lambda v: "某某局",
    "issue_date": lambda v: "2020-01-01",
    "valid_from": lambda v: "2010-01-01",
    "valid_to": lambda v: "2099-12-31",
    "surface": lambda v: {**v, "结婚证字号": "J140524-2019-999999"},
    "version": lambda v: v + 1,
}


def test_every_canonical_field_is_covered() -> None:
    assert set(TAMPER) == set(CANONICAL_KEYS)


def test_offline_document_verifies(issue: Callable[..., License]) -> None:
    licence = issue()
    result = licence_verify(document=offline_document(licence), today=TODAY)
    assert result.ok, result.problems
    assert result.identifier == licence.identifier and result.licence == licence


@pytest.mark.parametrize("name", sorted(TAMPER))
def test_a_tampered_offline_document_fails(issue: Callable[..., License], name: str) -> None:
    document = offline_document(issue())
    document["licence"][name] = TAMPER[name](document["licence"][name])
    # when
    result = licence_verify(document=document, today=TODAY)
    # then
    assert not result.ok
    assert "surface_altered" in result.codes
    # and re-digesting the altered content does not help: the signature no longer matches
    document["digest"] = crypto.digest_of(document["licence"])
    again = licence_verify(document=document, today=TODAY)
    assert "signature_invalid" in again.codes


@pytest.mark.parametrize(
    "column",
    [
        "holder_name",
        "holder_id",
        "type_code",
        "type_name",
        "issuer_code",
        "issuer_name",
        "issue_date",
        "valid_from",
        "valid_to",
        "surface",
        "version",
        "identifier",
    ],
)
def test_a_row_altered_in_the_database_fails(issue: Callable[..., License], column: str) -> None:
    licence = issue()
    value = licence.canonical_fields()[
        {"holder_name": "holder", "type_code": "type", "issuer_code": "issuer"}.get(column, column)
    ]
    changed = TAMPER[
        {"holder_name": "holder", "type_code": "type", "issuer_code": "issuer"}.get(column, column)
    ](value)
    if column in ("issue_date", "valid_from", "valid_to"):
        changed = date.fromisoformat(changed)
    License.objects.filter(pk=licence.pk).update(**{column: changed})
    identifier = changed if column == "identifier" else licence.identifier
    result = licence_verify(identifier=identifier, today=TODAY)
    assert not result.ok
    assert {"surface_altered", "bad_check_character"} & set(result.codes), result.codes


def test_an_altered_signature_or_digest_is_named(issue: Callable[..., License]) -> None:
    licence = issue()
    sig = licence.signature
    License.objects.filter(pk=licence.pk).update(signature=sig[:-1] + ("0" if sig[-1] != "0" else "1"))
    assert licence_verify(identifier=licence.identifier, today=TODAY).codes == ["signature_invalid"]
    document = offline_document(licence)
    document["signature"] = "00" * 64
    assert licence_verify(document=document, today=TODAY).codes == ["signature_invalid"]


def test_a_licence_signed_by_a_revoked_key_is_refused(issue: Callable[..., License]) -> None:
    licence = issue()
    assert licence_verify(identifier=licence.identifier, today=TODAY).ok
    SigningKey.objects.filter(pk=licence.key_id).update(
        revoked_at=licence.issued_at, revoked_reason="私钥泄露"
    )
    result = licence_verify(identifier=licence.identifier, today=TODAY)
    assert result.codes == ["key_revoked"]
    assert licence_verify(document=offline_document(licence), today=TODAY).codes == ["key_revoked"]


def test_a_signature_by_another_departments_key_is_refused(
    issue: Callable[..., License], police: Department, types: dict[str, Any]
) -> None:
    licence = issue()
    card = licence_issue(
        licence_type="id_card",
        holder_name="王芳",
        holder_id=licence.holder_id,
        holder_id_type="111",
        issuer=police,
        surface={},
        valid_from=date(2020, 1, 1),
        valid_to=None,
        actor=None,
    )
    # the police's key signs the civil-affairs licence's digest: a valid SM2 signature, by the wrong issuer
    pair = crypto.load_private_key(card.key.key_id)
    assert pair is not None
    document = offline_document(licence)
    document["signature"] = crypto.sign(
        licence.digest, private_key=pair.private_key, public_key=pair.public_key
    )
    document["key_id"] = card.key.key_id
    assert licence_verify(document=document, today=TODAY).codes == ["signature_invalid"]
    # and a document that carries a key of its own is not trusted for it
    document = offline_document(licence)
    document["public_key"] = crypto.generate_keypair().public_key
    assert licence_verify(document=document, today=TODAY).codes == ["signature_invalid"]
    assert SigningKey.objects.count() == 2


def test_wrong_check_character_is_named(issue: Callable[..., License]) -> None:
    licence = issue()
    wrong = licence.identifier[:-1] + ("A" if licence.identifier[-1] != "A" else "B")
    result = licence_verify(identifier=wrong, today=TODAY)
    assert result.codes == ["bad_check_character"]
    assert "check character" in result.problems[0]["en"]


def test_unknown_and_malformed(issue: Callable[..., License]) -> None:
    licence = issue()
    assert licence_verify(identifier="hello", today=TODAY).codes == ["bad_identifier"]
    unknown = licence_identifier(type_code=licence.type_code, issuer_code=licence.issuer_code, serial=99)
    assert licence_verify(identifier=unknown, today=TODAY).codes == ["unknown_licence"]
    assert licence_verify(document={"licence": {}}, today=TODAY).codes == ["bad_document"]
    assert licence_verify(document="nonsense", today=TODAY).codes == ["bad_document"]  # type: ignore[arg-type]


def test_revoked_expired_superseded_and_not_yet_valid_are_named(issue: Callable[..., License]) -> None:
    revoked = issue()
    licence_revoke(licence=revoked, reason="登记错误", actor=None)
    result = licence_verify(identifier=revoked.identifier, today=TODAY)
    assert result.codes == ["revoked"] and "登记错误" in result.problems[0]["zh"]
    # the offline document of a revoked licence still carries a valid signature: the registry says revoked
    assert licence_verify(document=offline_document(revoked), today=TODAY).codes == ["revoked"]

    expired = issue(valid_from=date(2010, 1, 1), valid_to=date(2020, 1, 1))
    assert licence_verify(identifier=expired.identifier, today=TODAY).codes == ["expired"]
    assert licence_verify(identifier=expired.identifier, today=date(2019, 12, 31)).ok

    future = issue(valid_from=date(2030, 1, 1))
    assert licence_verify(identifier=future.identifier, today=TODAY).codes == ["not_yet_valid"]

    old = issue()
    new = licence_supersede(licence=old, surface={"备注": "换证"}, actor=None)
    result = licence_verify(identifier=old.identifier, today=TODAY)
    assert result.codes == ["superseded"] and new.identifier in result.problems[0]["en"]
    assert licence_verify(document=offline_document(old), today=TODAY).codes == ["superseded"]


def test_an_offline_document_of_an_unknown_licence_is_named_unknown(issue: Callable[..., License]) -> None:
    licence = issue()
    document = copy.deepcopy(offline_document(licence))
    License.objects.filter(pk=licence.pk).update(identifier=licence.identifier.replace("D001.", "D009."))
    result = licence_verify(document=document, today=TODAY)
    assert result.codes == ["unknown_licence"]  # signed by the issuer, but not in our registry
