"""Electronic seals (issue 18 point 7): a sealed document verifies; one changed byte, an appended update, an
unknown or revoked key do not; the command's exit codes; the title per item type; the full name on the PDF."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.support.factories import _actor, received_application
from yijianshi.__main__ import main
from yijianshi.cases import services
from yijianshi.cases.models import Document, ItemCase
from yijianshi.cases.seals import document_seal_check
from yijianshi.catalog.models import ItemType
from yijianshi.core import clock
from yijianshi.documents.kinds import DocumentKind, document_title
from yijianshi.documents.render import DocumentData, render_pdf
from yijianshi.documents.seal import Sealer, SealKey, seal_verify
from yijianshi.licenses import crypto
from yijianshi.licenses.models import SigningKey

AT = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
NAME = "陵川县人力资源和社会保障局"


@pytest.fixture(scope="module")
def pair() -> crypto.KeyPair:
    return crypto.generate_keypair()


def sealer_of(pair: crypto.KeyPair, name: str = NAME) -> Sealer:
    return Sealer(
        name=name,
        key_id=pair.key_id,
        public_key=pair.public_key,
        key_created_at=AT - timedelta(days=1),
        sign=partial(crypto.sign, private_key=pair.private_key, public_key=pair.public_key),
    )


def notice(pair: crypto.KeyPair, **changes: Any) -> bytes:
    data = DocumentData(
        kind="denial_decision",
        number="YJS-20261207-000001-BY01",
        application_number="YJS-20261207-000001",
        issued_at=AT,
        issuer=NAME,
        applicant_name="张*",
        bundle_name="退休一件事",
        items=("未达到法定退休年龄",),
        verify_url="https://zwfw.example.gov.cn/verify/documents/YJS-20261207-000001-BY01",
        title=("不予确认决定书", "Decision Not to Confirm"),
        seal=sealer_of(pair),
    )
    return render_pdf(dataclasses.replace(data, **changes))


def check(pdf: bytes, *keys: SealKey) -> Any:
    known = {k.key_id: k for k in keys}
    return seal_verify(pdf, key_of=known.get, verify=crypto.verify)


def key_of(pair: crypto.KeyPair, **changes: Any) -> SealKey:
    return dataclasses.replace(SealKey(pair.key_id, pair.public_key, NAME), **changes)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_a_sealed_notice_verifies_and_names_its_seal(pair: crypto.KeyPair) -> None:
    pdf = notice(pair)
    result = check(pdf, key_of(pair))
    assert result.ok, result
    assert (result.name, result.key_id, result.sealed_at) == (NAME, pair.key_id, AT)
    assert result.number == "YJS-20261207-000001-BY01"
    PdfReader(BytesIO(pdf)).pages[0].extract_text()  # still a PDF a reader opens


def test_one_changed_byte_anywhere_outside_the_signature_fails(pair: crypto.KeyPair) -> None:
    pdf = notice(pair)
    for offset in (0, 200, len(pdf) // 2, len(pdf) - 5):
        changed = bytearray(pdf)
        changed[offset] ^= 0x01
        assert check(bytes(changed), key_of(pair)).status == "tampered", offset


def test_a_changed_signature_fails(pair: crypto.KeyPair) -> None:
    pdf = notice(pair)
    at = pdf.index(b"/Contents <") + len(b"/Contents <") + 400  # inside the DER: the seal's info
    changed = pdf[:at] + (b"1" if pdf[at : at + 1] == b"0" else b"0") + pdf[at + 1 :]
    assert check(changed, key_of(pair)).status in {"tampered", "malformed"}


def test_bytes_written_into_the_reserved_room_after_the_seal_fail(pair: crypto.KeyPair) -> None:
    pdf = notice(pair)
    at = pdf.index(b" >>\nendobj", pdf.index(b"/Contents <")) - 3  # in the zeros that end /Contents
    assert pdf[at : at + 1] == b"0"
    assert check(pdf[:at] + b"7" + pdf[at + 1 :], key_of(pair)).status == "malformed"


def test_content_added_after_sealing_fails(pair: crypto.KeyPair) -> None:
    pdf = notice(pair)
    assert check(pdf + b"1 0 obj\n(added)\nendobj\n", key_of(pair)).status == "tampered"


def test_a_seal_by_an_unknown_key_fails(pair: crypto.KeyPair) -> None:
    stranger = crypto.generate_keypair()
    pdf = notice(pair, seal=sealer_of(stranger))
    assert check(pdf, key_of(pair)).status == "unknown_key"
    # a key the register holds under the same id but with another public key is unknown too
    assert check(pdf, SealKey(stranger.key_id, pair.public_key, NAME)).status == "unknown_key"


def test_a_revoked_key_fails_and_a_retired_one_only_after_retirement(pair: crypto.KeyPair) -> None:
    pdf = notice(pair)
    revoked = check(pdf, key_of(pair, revoked_at=AT + timedelta(days=3), revoked_reason="私钥泄露"))
    assert revoked.status == "revoked_key" and "私钥泄露" in revoked.zh
    assert check(pdf, key_of(pair, retired_at=AT + timedelta(hours=1))).ok
    assert check(pdf, key_of(pair, retired_at=AT - timedelta(hours=1))).status == "revoked_key"


def test_an_unsealed_pdf_is_said_to_be_unsealed(pair: crypto.KeyPair) -> None:
    assert check(notice(pair, seal=None), key_of(pair)).status == "unsealed"


def test_the_full_name_and_the_title_are_on_the_pdf(pair: crypto.KeyPair) -> None:
    text = text_of(notice(pair))
    assert NAME in text
    assert "不予确认决定书" in text


@pytest.mark.parametrize(
    ("kind", "item_type", "title"),
    [
        (DocumentKind.DENIAL_DECISION, ItemType.LICENSING, "不予许可决定书"),
        (DocumentKind.DENIAL_DECISION, ItemType.CONFIRMATION, "不予确认决定书"),
        (DocumentKind.DENIAL_DECISION, ItemType.BENEFIT, "不予给付决定书"),
        (DocumentKind.DENIAL_DECISION, ItemType.PUBLIC_SERVICE, "不予批准决定书"),
        (DocumentKind.DENIAL_DECISION, "", "不予批准决定书"),
        (DocumentKind.APPROVAL_DECISION, ItemType.LICENSING, "准予许可决定书"),
        (DocumentKind.APPROVAL_DECISION, ItemType.CONFIRMATION, "准予确认决定书"),
        (DocumentKind.REJECTION_DECISION, ItemType.LICENSING, "不予受理决定书"),
        (DocumentKind.RECEIPT, "", "收件回执"),
    ],
)
def test_the_title_follows_the_item_type(kind: DocumentKind, item_type: str, title: str) -> None:
    assert document_title(kind, item_type)[0] == title


# --- through the case services, with the platform's keys ---------------------------------------------------


def denied(app_number: str) -> tuple[ItemCase, Document]:
    case = ItemCase.objects.filter(application__number=app_number).order_by("position").first()
    assert case is not None
    services.item_case_transition(
        item_case=case, actor=_actor("admin"), action="accept", expected_version=case.version
    )
    case.refresh_from_db()
    services.item_case_transition(
        item_case=case, actor=_actor("admin"), action="deny", expected_version=case.version, reason="条件不符"
    )
    case.refresh_from_db()
    doc = Document.objects.get(item_case=case, kind=DocumentKind.DENIAL_DECISION)
    return case, doc


def test_case_documents_carry_the_departments_seal(newborn: None) -> None:
    with clock.frozen(AT):
        app = received_application()
    receipt = Document.objects.get(application=app, kind=DocumentKind.RECEIPT)
    operator = app.service_point.operator
    assert operator is not None and operator.full_name  # from the packs: 陵川县行政审批服务管理局
    result = document_seal_check(bytes(receipt.pdf), number=receipt.number)
    assert result.ok, result
    assert document_seal_check(bytes(receipt.pdf), number=receipt.number + "9").status == "wrong_document"
    assert result.name == operator.full_name
    assert operator.full_name in text_of(bytes(receipt.pdf))

    case, decision = denied(app.number)
    pdf = bytes(decision.pdf)
    result = document_seal_check(pdf)
    assert result.ok, result
    assert result.name == case.department.full_name and result.name.startswith("陵川县")
    assert result.key_id == SigningKey.objects.get(department=case.department, retired_at=None).key_id
    assert document_title(DocumentKind.DENIAL_DECISION, case.item.item_type)[0] in text_of(pdf)
    assert decision.content["title"] == document_title(DocumentKind.DENIAL_DECISION, case.item.item_type)[0]

    SigningKey.objects.filter(department=case.department).update(
        revoked_at=clock.now(), revoked_reason="私钥泄露"
    )
    assert document_seal_check(pdf).status == "revoked_key"
    SigningKey.objects.filter(department=case.department).delete()
    assert document_seal_check(pdf).status == "unknown_key"


def test_the_command_exits_0_on_a_valid_seal_and_1_otherwise(
    newborn: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = received_application()
    pdf = bytes(Document.objects.get(application=app, kind=DocumentKind.RECEIPT).pdf)
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf)
    main(["seal-verify", str(good)])  # returns: exit code 0
    assert "valid" in capsys.readouterr().out

    bad = tmp_path / "bad.pdf"
    changed = bytearray(pdf)
    changed[300] ^= 0x01
    bad.write_bytes(bytes(changed))
    with pytest.raises(SystemExit) as exit_info:
        main(["seal-verify", str(bad)])
    assert exit_info.value.code == 1
    assert "tampered" in capsys.readouterr().err

    with pytest.raises(SystemExit) as exit_info:
        main(["seal-verify", str(tmp_path / "missing.pdf")])
    assert exit_info.value.code == 2
