"""The officer's reasons reach the applicant (issue 18 point 5): the reason typed for 不予受理, 不予批准 and 补正
is printed in the notice or decision PDF and shown on the applicant's page, and each item that ends with a
refused prerequisite says why."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from tests.support.api import WebClients as Clients
from tests.support.factories import received_application
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import Application, Document, ItemCase

pytestmark = pytest.mark.django_db


def _text(doc: Document) -> str:
    reader = PdfReader(BytesIO(bytes(doc.pdf)))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")


def _case(app: Application, ref: str = "birth_medical_certificate") -> ItemCase:
    return app.item_cases.get(ref=ref)


def _act(case: ItemCase, action: str, **extra: object) -> ItemCase:
    case.refresh_from_db()
    return services.item_case_transition(
        item_case=case,
        actor=actor_of(User.objects.get(username="officer_health")),
        action=action,
        expected_version=case.version,
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("steps", "kind"), [(["reject"], "rejection_decision"), (["accept", "deny"], "denial_decision")]
)
def test_a_refusal_prints_the_reason_and_the_applicant_sees_it(
    newborn: None, signed_in: Clients, steps: list[str], kind: str
) -> None:
    app = received_application()
    case = _case(app)
    reason = "出生医学证明信息与医院分娩记录不符"
    for step in steps:
        _act(case, step, reason=reason if step != "accept" else "")
    doc = case.documents.get(kind=kind)
    assert reason in _text(doc)
    page = signed_in("mother").get(f"/me/applications/{app.number}/").content.decode()
    assert reason in page
    # the items that end with it say why, on the applicant's page too
    ended = [c for c in app.item_cases.all() if c.status == "terminated"]
    assert ended and all(
        case.name in e.reason for c in ended for e in c.events.all() if e.type == "terminated"
    )


def test_a_correction_notice_prints_the_reason_and_each_thing_to_correct(newborn: None) -> None:
    app = received_application()
    case = _case(app)
    _act(case, "accept")
    reason = "分娩记录页不清晰"
    _act(case, "request_correction", reason=reason, corrections=["重新上传分娩记录（清晰完整）"])
    text = _text(case.documents.get(kind="correction_notice"))
    assert reason in text and "重新上传分娩记录（清晰完整）" in text
