"""收件审查 of each provided material (issue 18 point 5): the clerk marks a material 合格 or 需补正 with a
reason; the 需补正 ones go into the one deficiency notice (一次告知) with the reason printed, and the applicant
sees it; accepting while a material needs correction, or 需补正 without a reason, is refused at the field."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from tests.support.api import WebClients as Clients
from tests.support.factories import submitted_application
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.material_states import MaterialState, material_reviews, material_states
from yijianshi.cases.services import application_intake
from yijianshi.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_a_material_needing_correction_feeds_the_deficiency_notice(
    newborn: None, media: Path, signed_in: Clients
) -> None:
    app = submitted_application()  # every required material listed
    clerk = signed_in("clerk")
    url = f"/workbench/window/applications/{app.number}/"
    page = clerk.get(url).content.decode()
    assert 'id="material-review"' in page
    in_hand = (MaterialState.PROVIDED, MaterialState.TO_PRESENT)  # uploaded, or listed to hand in
    first, second = [r.code for r in material_states(app) if r.state in in_hand][:2]
    reason = "扫描件缺第二页，请补交完整的医学证明"
    # 需补正 without a reason: refused next to the reason, nothing done
    no_reason = clerk.post(
        url + "intake/",
        {"decision": "deficient", "expected_version": app.version, f"review:{first}": "needs_correction"},
    )
    assert no_reason.status_code == 400
    assert no_reason.context["review_form"][f"reason:{first}"].errors
    # accepting while a material needs correction: refused
    accept = clerk.post(
        url + "intake/",
        {
            "decision": "accept",
            "expected_version": app.version,
            f"review:{first}": "needs_correction",
            f"reason:{first}": reason,
        },
    )
    assert accept.status_code == 400 and "有材料需补正" in accept.content.decode()
    app.refresh_from_db()
    assert app.status == "submitted"
    # the notice, with nothing missing and no other problem: the material and its reason
    done = clerk.post(
        url + "intake/",
        {
            "decision": "deficient",
            "expected_version": app.version,
            f"review:{first}": "needs_correction",
            f"reason:{first}": reason,
            f"review:{second}": "accepted",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    app.refresh_from_db()
    assert app.status == "deficient"
    notice = app.documents.get(kind="deficiency_notice")
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(bytes(notice.pdf))).pages)
    assert reason in text.replace("\n", "").replace(" ", "")
    reviews = material_reviews(app)
    assert reviews[first]["verdict"] == "needs_correction" and reviews[first]["reason"] == reason
    assert reviews[second]["verdict"] == "accepted"
    page = clerk.get(url).content.decode()
    assert f'data-code="{first}" data-verdict="needs_correction"' in page
    # the applicant reads it on their page
    assert reason in signed_in("mother").get(f"/me/applications/{app.number}/").content.decode()


def test_the_service_judges_only_provided_materials(newborn: None) -> None:
    app = submitted_application(complete=False)
    clerk = actor_of(User.objects.get(username="clerk"))
    missing = next(r.code for r in material_states(app) if r.state == MaterialState.MISSING)
    with pytest.raises(DomainError) as refused:
        application_intake(application=app, actor=clerk, reviews={missing: ("accepted", "")})
    assert (
        refused.value.code == "not_a_provided_material" and refused.value.detail.field == f"review:{missing}"
    )
    app.refresh_from_db()
    assert app.status == "submitted"
