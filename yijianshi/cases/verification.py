"""What the public verification page of a document reads (issue 17 point 6, issue 18 point 7).

A document (收件回执, notices, decisions) is found by its verification code only, the one its QR code and
printed link carry (`Document.verification_code`, core/verification.py); its number alone finds nothing, so the
page cannot be walked through sequential numbers. Anything that is not the code of an issued document gets the
same answer: not found.

A found document is **in force** (真实有效) only when nothing later took its place:

- **revoked**: a decision to approve whose item case was revoked (撤销) afterwards;
- **withdrawn**: the application (or the document's item case) was withdrawn; the withdrawal notice itself stays
  in force;
- **superseded**: a later document of the same step for the same application and item case exists: a deficiency
  notice followed by a receipt or a newer notice (intake), an acceptance notice and a decision not to accept
  (acceptance), correction notices (correction), decisions to approve or deny (decision).

It is **genuine** only when its stored original carries an intact seal of the issuing department, by a key the
register still trusts (cases/seals.py, ADR 0011): the page says 真实有效 only when both hold. A file someone holds
can be checked against the document the code names (`document_seal_check(..., number=...)`).

The rule itself (`document_standing`) is pure; `document_for_verification` reads what it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse

from yijianshi.core.labels import Labelled, labels_set
from yijianshi.core.verification import looks_like_code, public_url
from yijianshi.documents.kinds import DocumentKind as K
from yijianshi.documents.seal import SealCheck

from .models import Document
from .seals import document_seal_check
from .transitions import AppStatus, CaseStatus


class DocumentStanding(Labelled):
    VALID = "valid"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"


labels_set(
    DocumentStanding,
    {
        "valid": ("在效（未被撤销、撤回或取代）", "in force (not revoked, withdrawn or superseded)"),
        "superseded": ("已被后续文书取代", "superseded by a later document"),
        "withdrawn": ("申请已撤回，所涉事项已终止办理", "the application was withdrawn and its items closed"),
        "revoked": ("该决定已被撤销", "the decision was revoked"),
    },
)

# the step of the procedure a kind of document belongs to: a later document of the same step replaces it
STEP: dict[str, str] = {
    K.RECEIPT: "intake",
    K.DEFICIENCY_NOTICE: "intake",
    K.ACCEPTANCE_NOTICE: "acceptance",
    K.REJECTION_DECISION: "acceptance",
    K.CORRECTION_NOTICE: "correction",
    K.APPROVAL_DECISION: "decision",
    K.DENIAL_DECISION: "decision",
}


def document_standing(
    *,
    kind: str,
    application_status: str,
    case_status: str | None,
    later_kinds: frozenset[str],
) -> DocumentStanding:
    """Whether a document is still in force, from its kind, its application's and item case's statuses and the
    kinds of the later documents of the same application and item case."""
    if kind == K.APPROVAL_DECISION and case_status == CaseStatus.REVOKED:
        return DocumentStanding.REVOKED
    if kind != K.WITHDRAWAL_NOTICE and (
        application_status == AppStatus.WITHDRAWN or case_status == CaseStatus.WITHDRAWN
    ):
        return DocumentStanding.WITHDRAWN
    step = STEP.get(kind)
    if step is not None and any(STEP.get(k) == step for k in later_kinds):
        return DocumentStanding.SUPERSEDED
    return DocumentStanding.VALID


def document_verify_url(code: str) -> str:
    """The address a document's QR code and printed link carry: YIJIANSHI_PUBLIC_URL/verify/<code>."""
    return public_url(reverse("verify-document", args=[code]))


@dataclass(frozen=True)
class DocumentCheck:
    document: Document
    standing: DocumentStanding
    seal: SealCheck  # the stored original's seal (documents/seal.py), checked against the key register

    @property
    def in_force(self) -> bool:
        """真实有效: nothing later took its place, and its seal is intact and by a key still trusted."""
        return self.standing == DocumentStanding.VALID and self.seal.ok


SEAL_CHECK_SECONDS = 300  # a key revoked is seen on the page within this time


def stored_seal_check(doc: Document) -> SealCheck:
    """The seal of the stored original, checked once per few minutes (an SM2 verification is tens of
    milliseconds in pure Python; the file does not change, a key may be revoked)."""
    key = f"seal-check:{doc.pk}:{doc.digest}"
    found = cache.get(key)
    if isinstance(found, SealCheck):
        return found
    check = document_seal_check(bytes(doc.pdf), number=doc.number)
    cache.set(key, check, SEAL_CHECK_SECONDS)
    return check


def document_for_verification(code: str) -> DocumentCheck | None:
    """The document a verification code names, and whether it is in force; None for anything else."""
    if not looks_like_code(code):
        return None
    doc = Document.objects.select_related("application", "item_case").filter(verification_code=code).first()
    if doc is None:
        return None
    later = frozenset(
        Document.objects.filter(application_id=doc.application_id, item_case_id=doc.item_case_id)
        .filter(pk__gt=doc.pk)  # issued after it (documents are numbered and stored in order)
        .values_list("kind", flat=True)
    )
    standing = document_standing(
        kind=doc.kind,
        application_status=doc.application.status,
        case_status=doc.item_case.status if doc.item_case else None,
        later_kinds=later,
    )
    return DocumentCheck(document=doc, standing=standing, seal=stored_seal_check(doc))
