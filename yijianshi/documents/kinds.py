"""The kinds of document a case issues (004 annex 3: 收件回执, 一次告知, 受理, 不予受理, 补正, 决定, 撤回, 送达), with
the title printed on each and the two letters of its number: one home for every face (PDF, portal, workbench,
verification page, API)."""

from __future__ import annotations

from yijianshi.core.labels import Labelled, labels_set


class DocumentKind(Labelled):
    RECEIPT = "receipt"
    DEFICIENCY_NOTICE = "deficiency_notice"
    ACCEPTANCE_NOTICE = "acceptance_notice"
    REJECTION_DECISION = "rejection_decision"
    CORRECTION_NOTICE = "correction_notice"
    APPROVAL_DECISION = "approval_decision"
    DENIAL_DECISION = "denial_decision"
    WITHDRAWAL_NOTICE = "withdrawal_notice"
    DELIVERY_RECEIPT = "delivery_receipt"

    @property
    def code(self) -> str:
        """The letters of the kind in a document's number (…-SJ01)."""
        return CODES[self]


labels_set(
    DocumentKind,
    {
        "receipt": ("收件回执", "Receipt"),
        "deficiency_notice": ("一次告知通知书", "Notice of Missing Materials"),
        "acceptance_notice": ("受理通知书", "Notice of Acceptance"),
        "rejection_decision": ("不予受理决定书", "Decision Not to Accept"),
        "correction_notice": ("补正通知书", "Notice to Correct"),
        "approval_decision": ("准予决定书", "Decision to Approve"),
        "denial_decision": ("不予决定书", "Decision to Deny"),
        "withdrawal_notice": ("撤回申请通知书", "Notice of Withdrawal"),
        "delivery_receipt": ("送达回证", "Proof of Service"),
    },
)

CODES = {
    DocumentKind.RECEIPT: "SJ",
    DocumentKind.DEFICIENCY_NOTICE: "GZ",
    DocumentKind.ACCEPTANCE_NOTICE: "SL",
    DocumentKind.REJECTION_DECISION: "BSL",
    DocumentKind.CORRECTION_NOTICE: "BZ",
    DocumentKind.APPROVAL_DECISION: "ZY",
    DocumentKind.DENIAL_DECISION: "BY",
    DocumentKind.WITHDRAWAL_NOTICE: "CH",
    DocumentKind.DELIVERY_RECEIPT: "SD",
}
