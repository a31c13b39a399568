"""Issue 17 point 6 and issue 18 point 7: a document's public verification page is reached by the unguessable
code its QR code and printed link carry, never by its sequential number; it shows what the holder would show
(title, number, issuer, date, the applicant masked) and says 真实有效 only while the document is in force."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
import segno
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from tests.support.factories import item_cases_approved, received_application, submitted_application
from tests.support.pdf import qr_modules
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import Application, Document, ItemCase
from yijianshi.core.identifiers import mask
from yijianshi.documents.render import QR_MASK

pytestmark = pytest.mark.django_db


def acting(username: str) -> Any:
    return actor_of(User.objects.get(username=username))


def doc_of(app: Application, kind: str) -> Document:
    return Document.objects.filter(application=app, kind=kind).order_by("pk").first()  # type: ignore[return-value]


def main_of(response: Any) -> str:
    """The page's own content, without the site's frame (which links back to the address asked)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def test_the_code_finds_the_document_and_shows_the_holder_masked(newborn: None) -> None:
    # given
    app = received_application()
    receipt = doc_of(app, "receipt")
    # when
    page = Client().get(f"/verify/{receipt.verification_code}")
    # then
    assert page.status_code == 200
    text = main_of(page)
    assert "真实有效" in text and "收件回执" in text and receipt.number in text and receipt.issuer in text
    assert mask(MOTHER_ID) in text and "王*" in text
    assert MOTHER_ID not in text and "王芳" not in text
    assert receipt.verification_code not in text  # the page never repeats the code
    assert ">receipt<" not in text  # the kind's label, never its code
    text = main_of(english().get(f"/verify/{receipt.verification_code}"))
    assert "genuine and in force" in text and "Receipt" in text


def test_a_number_or_a_guessed_code_finds_nothing_and_gets_the_same_answer(newborn: None) -> None:
    app = received_application()
    receipt = doc_of(app, "receipt")
    code = receipt.verification_code
    guessed = code[::-1] if code[::-1] != code else "A" * len(code)
    asked = [
        f"/verify/{receipt.number}",  # the sequential number, on the new address
        f"/verify/{guessed}",  # a code of the right shape that was never issued
        f"/verify/{code[:-1]}",  # a near miss
        f"/verify/{code.upper()}" if code.upper() != code else f"/verify/{code.lower()}",
        "/verify/?code=" + receipt.number,  # typed into the form
    ]
    pages = [Client().get(path) for path in asked]
    assert [p.status_code for p in pages] == [404] * len(asked)
    bodies = {main_of(p) for p in pages}
    assert len(bodies) == 1, "the answer must not tell a number from a wrong code"
    [body] = bodies
    assert "未找到该核验码对应的文书" in body and receipt.number not in body and receipt.issuer not in body
    # the old address by number is gone altogether
    assert Client().get(f"/verify/documents/{receipt.number}").status_code == 404
    # the form takes the code, or the whole link printed on the paper
    form = Client().get("/verify/", {"code": f"http://anything.example/verify/{code}"})
    assert form.status_code == 302 and form["Location"] == f"/verify/{code}"
    assert Client().get("/verify/").status_code == 200


def test_codes_are_unguessable_and_unique(newborn: None) -> None:
    app = received_application()
    codes = list(Document.objects.filter(application=app).values_list("verification_code", flat=True))
    assert len(codes) == len(set(codes)) >= 1
    for code in codes:
        assert len(code) >= 16 and app.number not in code  # 128 random bits as 22 URL-safe characters


def test_a_withdrawn_application_s_documents_are_not_in_force(newborn: None) -> None:
    app = received_application()
    receipt = doc_of(app, "receipt")
    services.application_withdraw(application=app, actor=acting("mother"), reason="不再需要")
    notice = doc_of(app, "withdrawal_notice")
    text = main_of(Client().get(f"/verify/{receipt.verification_code}"))
    assert "真实有效" not in text and "申请已撤回" in text and "不再有效" in text
    assert "withdrawn" in main_of(english().get(f"/verify/{receipt.verification_code}"))
    # the withdrawal notice itself is in force
    assert "真实有效" in main_of(Client().get(f"/verify/{notice.verification_code}"))


def test_a_deficiency_notice_followed_by_a_receipt_is_superseded(newborn: None) -> None:
    app = submitted_application()
    clerk = acting("clerk")
    listed = app.materials_to_present  # handed in at the window, one of them illegible
    app = services.application_intake(
        application=app, actor=clerk, problems=["出生医学证明字迹不清"], confirmed=listed
    )
    notice = doc_of(app, "deficiency_notice")
    assert "真实有效" in main_of(Client().get(f"/verify/{notice.verification_code}"))
    app = services.application_supplement(application=app, actor=acting("mother"), materials=listed[:1])
    services.application_intake(application=app, actor=clerk)
    # when
    text = main_of(Client().get(f"/verify/{notice.verification_code}"))
    # then
    assert "真实有效" not in text and "已被后续文书取代" in text and "一次告知通知书" in text
    assert "deficiency_notice" not in text
    assert "真实有效" in main_of(Client().get(f"/verify/{doc_of(app, 'receipt').verification_code}"))


def test_a_decision_whose_item_case_was_revoked_is_not_in_force(newborn: None) -> None:
    app = received_application()
    item_cases_approved(app)
    decision = doc_of(app, "approval_decision")
    assert "真实有效" in main_of(Client().get(f"/verify/{decision.verification_code}"))
    ItemCase.objects.filter(pk=decision.item_case_id).update(status="revoked")  # 事后核查 found it false
    text = main_of(Client().get(f"/verify/{decision.verification_code}"))
    assert "真实有效" not in text and "该决定已被撤销" in text


def test_the_pdf_carries_the_code_and_the_public_url(newborn: None, settings: Any) -> None:
    settings.PUBLIC_URL = "https://yjs.example.gov.cn"
    app = received_application()
    receipt = doc_of(app, "receipt")
    url = f"https://yjs.example.gov.cn/verify/{receipt.verification_code}"
    reader = PdfReader(BytesIO(bytes(receipt.pdf)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # the printed link
    assert url in text and "127.0.0.1" not in text
    # the QR code: its modules are those of exactly that URL
    expected = tuple(tuple(row) for row in segno.make(url, micro=False, error="m", mask=QR_MASK).matrix)
    assert qr_modules(reader.pages[0]) == expected
    # and the address it names opens the page
    assert "真实有效" in main_of(Client().get(url.removeprefix("https://yjs.example.gov.cn")))


def test_the_holder_finds_the_verify_link_in_the_portal_and_the_api(
    newborn: None, settings: Any, as_user: Any, signed_in: Any
) -> None:
    settings.PUBLIC_URL = "https://yjs.example.gov.cn"
    app = received_application()
    receipt = doc_of(app, "receipt")
    [row] = as_user("mother").get(f"/api/applications/{app.number}/documents/").json()
    assert row["verify_url"] == f"https://yjs.example.gov.cn/verify/{receipt.verification_code}"
    page = signed_in("mother").get(f"/me/applications/{app.number}/").content.decode()
    assert f'href="/verify/{receipt.verification_code}"' in page


@pytest.mark.parametrize(
    ("env", "refused"),
    [
        ({"YIJIANSHI_ENV": "production"}, True),  # production without its address: every paper would be wrong
        ({"YIJIANSHI_ENV": "production", "YIJIANSHI_PUBLIC_URL": "https://yjs.example.gov.cn/"}, False),
        ({"YIJIANSHI_PUBLIC_URL": "yjs.example.gov.cn"}, True),  # no scheme: not an address a phone can open
        ({}, False),  # the local demo keeps its default
    ],
)
def test_the_public_url_is_required_in_production(env: dict[str, str], refused: bool) -> None:
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if not k.startswith("YIJIANSHI_")}
    base.update({"YIJIANSHI_SECRET_KEY": "x" * 50, "YIJIANSHI_DEBUG": "false", **env})
    code = "import yijianshi.settings as s; print(s.PUBLIC_URL)"
    run = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, check=False, timeout=60
    )
    assert (run.returncode != 0) == refused, run.stderr[-500:]
    if refused:
        assert "YIJIANSHI_PUBLIC_URL" in run.stderr
    else:
        assert run.stdout.strip() == env.get("YIJIANSHI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


def test_the_page_checks_the_seal_of_the_stored_original(newborn: None) -> None:
    """Issue 18 point 7: the verify page checks the seal, not just the number."""
    app = received_application()
    receipt = doc_of(app, "receipt")
    text = main_of(Client().get(f"/verify/{receipt.verification_code}"))
    assert (
        "电子印章完好" in text and "电子印章有效：陵川县" in text
    )  # the seal's own answer, naming the department
    altered = bytearray(receipt.pdf)
    altered[len(altered) // 3] ^= (
        0x01  # a byte of the stored original changed (say, by someone with the database)
    )
    Document.objects.filter(pk=receipt.pk).update(pdf=bytes(altered))
    cache.clear()  # the check is kept a few minutes
    text = main_of(Client().get(f"/verify/{receipt.verification_code}"))
    assert "真实有效" not in text and "电子印章未通过核验" in text


def test_a_file_someone_holds_is_checked_against_the_document(newborn: None) -> None:
    app = received_application()
    receipt = doc_of(app, "receipt")
    other = doc_of(received_application(applicant="father"), "receipt")
    url = f"/verify/{receipt.verification_code}"

    def check(data: bytes) -> str:
        page = Client().post(url, {"pdf": SimpleUploadedFile("r.pdf", data, "application/pdf")})
        assert page.status_code == 200
        text = main_of(page)
        return text[text.index('id="held-result"') :]

    assert check(bytes(receipt.pdf)).startswith('id="held-result">电子印章有效')
    tampered = bytearray(receipt.pdf)
    tampered[len(tampered) // 2] ^= 0x01
    assert "电子印章有效" not in check(bytes(tampered))[:40]
    assert f"属于文书 {other.number}" in check(bytes(other.pdf))  # a genuine seal, of another document
    assert Client().post(url, {}).status_code == 400
