"""The electronic seal on a case's documents (issue 18 point 7; docs/adr/0011-electronic-seals.md).

Who seals: a decision or notice of an item case carries the seal of the item's department; what the window
issues (receipt, 一次告知, withdrawal, proof of service) carries the seal of the department that runs the service
point (`ServicePoint.operator`, from the packs). The seal key is the department's signing key — the one that
signs its electronic licences (licenses/crypto.py: one SM2 key per department, the private key in a 0600 file) —
so a department has one key to guard, retire or revoke. A service point without an operator issues unsealed
documents (an old catalogue not yet reloaded), named by the service point.

`document_seal_check(pdf)` is the one check of a sealed PDF, for the verify page, the `seal-verify` command
and the API.
"""

from __future__ import annotations

import dataclasses
from functools import partial

from yijianshi.catalog.models import Department, ServicePoint
from yijianshi.documents.seal import SealCheck, Sealer, SealKey, seal_verify
from yijianshi.licenses import crypto
from yijianshi.licenses.selectors import signing_key_by_id
from yijianshi.licenses.services import department_signing_pair

__all__ = ["department_sealer", "document_issuer", "document_seal_check"]


def department_sealer(department: Department) -> Sealer:
    """The department's seal: its full name and its signing key (made on first use)."""
    key, pair = department_signing_pair(department=department)
    return Sealer(
        name=department.official_name,
        key_id=key.key_id,
        public_key=key.public_key,
        key_created_at=key.created_at,
        sign=partial(crypto.sign, private_key=pair.private_key, public_key=pair.public_key),
    )


def document_issuer(by: Department | ServicePoint) -> tuple[str, Department | None]:
    """The issuer printed on a document issued by `by`, and the department whose seal it carries (or None)."""
    if isinstance(by, Department):
        return by.official_name, by
    operator = by.operator
    if operator is None:
        return by.name, None
    return f"{operator.official_name}（{by.name}）", operator


def _key_of(key_id: str) -> SealKey | None:
    key = signing_key_by_id(key_id)
    if key is None:
        return None
    return SealKey(
        key_id=key.key_id,
        public_key=key.public_key,
        holder=key.department.official_name,
        retired_at=key.retired_at,
        revoked_at=key.revoked_at,
        revoked_reason=key.revoked_reason,
    )


def document_seal_check(pdf: bytes, *, number: str = "") -> SealCheck:
    """Whether `pdf` carries a valid seal of a department of this platform, and why not (see SealCheck).

    With `number` (a verify page checking a file against the document it names), a valid seal of another
    document is `wrong_document`."""
    check = seal_verify(pdf, key_of=_key_of, verify=crypto.verify)
    if number and check.ok and check.number != number:
        return dataclasses.replace(
            check,
            status="wrong_document",
            zh=f"印章有效，但属于文书 {check.number}，不是 {number}",
            en=f"The seal is valid but belongs to document {check.number}, not {number}",
        )
    return check
