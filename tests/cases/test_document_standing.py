"""The rule of whether an issued document is still in force (cases/verification.py `document_standing`), for
every kind of document against every application and item-case status and every later kind."""

from __future__ import annotations

import pytest

from yijianshi.cases.transitions import AppStatus, CaseStatus
from yijianshi.cases.verification import STEP, DocumentStanding, document_standing
from yijianshi.documents.kinds import DocumentKind as K

KINDS = list(K)


def standing(kind: str, app: str = "received", case: str | None = None, later: tuple[str, ...] = ()) -> str:
    return document_standing(
        kind=kind, application_status=app, case_status=case, later_kinds=frozenset(later)
    )


@pytest.mark.parametrize("kind", KINDS)
def test_alone_and_untouched_every_document_is_in_force(kind: K) -> None:
    for app in AppStatus:
        if app == AppStatus.WITHDRAWN:
            continue
        for case in [None, *[c for c in CaseStatus if c not in (CaseStatus.WITHDRAWN, CaseStatus.REVOKED)]]:
            assert standing(kind, app, case) == DocumentStanding.VALID, (kind, app, case)


@pytest.mark.parametrize("kind", KINDS)
def test_withdrawal_ends_every_document_but_the_withdrawal_notice(kind: K) -> None:
    expected = DocumentStanding.VALID if kind == K.WITHDRAWAL_NOTICE else DocumentStanding.WITHDRAWN
    assert standing(kind, AppStatus.WITHDRAWN) == expected
    assert standing(kind, AppStatus.RECEIVED, CaseStatus.WITHDRAWN) == expected


@pytest.mark.parametrize("kind", KINDS)
def test_only_a_decision_to_approve_is_revoked_with_its_item_case(kind: K) -> None:
    got = standing(kind, AppStatus.COMPLETED, CaseStatus.REVOKED)
    assert (got == DocumentStanding.REVOKED) == (kind == K.APPROVAL_DECISION)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("later", KINDS)
def test_a_later_document_of_the_same_step_supersedes(kind: K, later: K) -> None:
    same_step = STEP.get(kind) is not None and STEP.get(kind) == STEP.get(later)
    expected = DocumentStanding.SUPERSEDED if same_step else DocumentStanding.VALID
    assert standing(kind, later=(later,)) == expected


def test_the_steps_named() -> None:
    assert standing(K.DEFICIENCY_NOTICE, later=(K.RECEIPT,)) == DocumentStanding.SUPERSEDED
    assert standing(K.APPROVAL_DECISION, later=(K.DENIAL_DECISION,)) == DocumentStanding.SUPERSEDED
    assert standing(K.CORRECTION_NOTICE, later=(K.APPROVAL_DECISION,)) == DocumentStanding.VALID
    assert standing(K.ACCEPTANCE_NOTICE, later=(K.APPROVAL_DECISION,)) == DocumentStanding.VALID
    assert standing(K.DELIVERY_RECEIPT, later=(K.DELIVERY_RECEIPT,)) == DocumentStanding.VALID
    assert standing("an_old_kind", later=("an_old_kind",)) == DocumentStanding.VALID  # unknown: no step
