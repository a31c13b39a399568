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

# The title of a decision follows the item's type (行政许可法 art. 38: 准予/不予行政许可; the confirmation and
# benefit items decide 确认 / 给付): the codes are catalog.models.ItemType's (01 许可, 05 给付, 07 确认, 08 奖励).
_DECISION_TITLES: dict[tuple[DocumentKind, str], tuple[str, str]] = {
    (DocumentKind.APPROVAL_DECISION, "01"): ("准予许可决定书", "Decision to Grant the Licence"),
    (DocumentKind.APPROVAL_DECISION, "05"): ("准予给付决定书", "Decision to Grant the Benefit"),
    (DocumentKind.APPROVAL_DECISION, "07"): ("准予确认决定书", "Decision to Confirm"),
    (DocumentKind.APPROVAL_DECISION, "08"): ("准予奖励决定书", "Decision to Grant the Award"),
    (DocumentKind.DENIAL_DECISION, "01"): ("不予许可决定书", "Decision Not to Grant the Licence"),
    (DocumentKind.DENIAL_DECISION, "05"): ("不予给付决定书", "Decision Not to Grant the Benefit"),
    (DocumentKind.DENIAL_DECISION, "07"): ("不予确认决定书", "Decision Not to Confirm"),
    (DocumentKind.DENIAL_DECISION, "08"): ("不予奖励决定书", "Decision Not to Grant the Award"),
}
_DECISION_DEFAULTS = {
    DocumentKind.APPROVAL_DECISION: ("准予批准决定书", "Decision to Approve"),
    DocumentKind.DENIAL_DECISION: ("不予批准决定书", "Decision Not to Approve"),
}


def document_title(kind: DocumentKind | str, item_type: str = "") -> tuple[str, str]:
    """The title (zh, en) printed on a document of `kind` about an item of `item_type` (ItemType code): a
    decision is titled by the item's type (不予许可 / 不予确认 / 不予给付 / 不予批准 …); other kinds by their label."""
    kind = DocumentKind(kind)
    if kind in _DECISION_DEFAULTS:
        return _DECISION_TITLES.get((kind, item_type), _DECISION_DEFAULTS[kind])
    return DocumentKind.of(kind)
