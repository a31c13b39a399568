"""The window workbench: the intake queue with its 2-working-hour clock, the intake page (accept → receipt,
or the one deficiency notice), and a walk-in applied for at the counter on their behalf."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from tests.support.api import WebClients as Clients
from tests.support.factories import submitted_application
from tests.support.newborn import to_hand_in
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases.models import Application, CaseEvent, Document
from yijianshi.cases.samples import sample_form
from yijianshi.core import clock
from yijianshi.core.identifiers import mask
from yijianshi.datahub.demo import demo_data_seed
from yijianshi.ledger.models import LedgerEntry
from yijianshi.licenses.demo import seed_demo_licences

pytestmark = pytest.mark.django_db
MONDAY_10 = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


def test_queue_shows_only_the_clerks_service_point_with_the_clock(newborn: None, signed_in: Clients) -> None:
    with clock.frozen(MONDAY_10):
        hall = submitted_application(service_point="hall")
        town = submitted_application(service_point="chongwen")
    with clock.frozen(datetime(2026, 11, 16, 3, 30, tzinfo=UTC)):  # 11:30: due 14:30, after the noon break
        noon = submitted_application(service_point="hall")
    with clock.frozen(datetime(2026, 11, 16, 3, 45, tzinfo=UTC)):
        across = signed_in("clerk").get("/workbench/window/").content.decode()
    assert noon.number in across and "剩余 1 小时 45 分" in across  # working time, not wall time (2 h 45)
    with clock.frozen(datetime(2026, 11, 16, 3, 0, tzinfo=UTC)):  # 11:00: one working hour left
        page = signed_in("clerk").get("/workbench/window/")
        town_page = signed_in("clerk_town").get("/workbench/window/")
    with clock.frozen(datetime(2026, 11, 16, 4, 30, tzinfo=UTC)):  # 12:30: 10:00 + 2 working hours = 12:00
        late = signed_in("clerk").get("/workbench/window/").content.decode()
    text = page.content.decode()
    assert page.status_code == 200
    assert hall.number in text and town.number not in text
    assert town.number in town_page.content.decode() and hall.number not in town_page.content.decode()
    assert "剩余 1 小时 0 分" in text  # working time left, counted by the working calendar
    assert MOTHER_ID not in text and mask(MOTHER_ID) in text  # identity numbers masked in lists
    # overdue in working time too: nothing more during the noon break, 30 minutes once the afternoon has begun
    assert "已超期" in late and "已超期 30" not in late and "wb-row-overdue" in late
    with clock.frozen(datetime(2026, 11, 16, 5, 30, tzinfo=UTC)):  # 13:30
        afternoon = signed_in("clerk").get("/workbench/window/").content.decode()
    assert "已超期 30 分钟（工作时间）" in afternoon


def test_queue_is_for_clerks_and_needs_sign_in(newborn: None, signed_in: Clients) -> None:
    assert Client().get("/workbench/window/").status_code == 302  # to the sign-in page
    assert signed_in("mother").get("/workbench/window/").status_code == 403
    assert signed_in("officer_health").get("/workbench/window/").status_code == 403


def test_intake_accept_prints_the_receipt(newborn: None, signed_in: Clients) -> None:
    app = submitted_application()  # the mother listed the required materials without files
    listed = {
        m["code"]: m["name"] for m in app.snapshot["materials"] if m["code"] in app.materials_to_present
    }
    assert listed
    clerk = signed_in("clerk")
    page = clerk.get(f"/workbench/window/applications/{app.number}/").content.decode()
    assert "待窗口核验" in page and 'name="csrfmiddlewaretoken"' in page and "必需材料齐全" not in page
    for code, name in listed.items():  # one checkbox each, labelled with the material's name
        assert f'type="checkbox" name="confirmed" value="{code}"' in page
        assert f"{name}（{code}）</label>" in page
    # accepting without ticking one is refused next to the checkboxes, naming it; nothing changes
    first, *rest = listed
    refused = clerk.post(
        f"/workbench/window/applications/{app.number}/intake/",
        {"decision": "accept", "expected_version": app.version, "confirmed": rest},
    )
    assert refused.status_code == 400
    assert "尚未确认已收取核验" in refused.content.decode() and first in refused.content.decode()
    app.refresh_from_db()
    assert app.status == "submitted" and app.materials_provided == []
    response = clerk.post(
        f"/workbench/window/applications/{app.number}/intake/",
        {"decision": "accept", "expected_version": app.version, "confirmed": list(listed)},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "received" and app.item_cases.count() >= 3
    assert sorted(app.materials_provided) == sorted(listed) and app.materials_to_present == []
    confirmed = CaseEvent.objects.get(application=app, type="material_provided")
    assert confirmed.actor is not None and confirmed.actor.username == "clerk" and confirmed.data["confirmed"]
    receipt = Document.objects.get(application=app, kind="receipt")
    pdf = clerk.get(f"/workbench/documents/{receipt.number}.pdf")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and bytes(pdf.content)[:4] == b"%PDF"
    )


def test_deficiency_notice_lists_what_is_missing(newborn: None, signed_in: Clients) -> None:
    app = submitted_application(complete=False)
    clerk = signed_in("clerk")
    url = f"/workbench/window/applications/{app.number}/"
    page = clerk.get(url).content.decode()
    assert "材料不齐全，缺少" in page
    missing = [m for m in app.snapshot["materials"] if m["required"] and not m["waiver"]]
    assert missing and all(m["name"] in page for m in missing)
    # accepting an incomplete application is refused next to the field, nothing changes
    refused = clerk.post(url + "intake/", {"decision": "accept", "expected_version": app.version})
    assert refused.status_code == 400 and "材料不齐全，不能收件" in refused.content.decode()
    # no decision chosen: the error is next to the field, the typed text kept
    empty = clerk.post(
        url + "intake/", {"problems": "出生医学证明复印件不清晰", "expected_version": app.version}
    )
    assert empty.status_code == 400 and "必填 / Required" in empty.content.decode()
    assert "出生医学证明复印件不清晰" in empty.content.decode()
    app.refresh_from_db()
    assert app.status == "submitted"
    done = clerk.post(
        url + "intake/",
        {"decision": "deficient", "problems": "出生医学证明复印件不清晰", "expected_version": app.version},
    )
    assert done.status_code == 302
    app.refresh_from_db()
    assert app.status == "deficient"
    notice = Document.objects.get(application=app, kind="deficiency_notice")
    assert "出生医学证明复印件不清晰" in notice.content["items"]
    assert all(any(m["name"] in item for item in notice.content["items"]) for m in missing)
    assert clerk.get(f"/workbench/documents/{notice.number}.pdf")["Content-Type"] == "application/pdf"
    # a second decision on the same version is a stale write: 409 with the plain message
    stale = clerk.post(url + "intake/", {"decision": "deficient", "problems": "x", "expected_version": 1})
    assert stale.status_code == 409 and "已被他人处理，请刷新" in stale.content.decode()
    # the applicant comes back with everything: supplemented at the counter, then received
    page = clerk.get(url).content.decode()
    assert 'id="supplement-form"' in page and 'id="intake-form"' not in page
    back = clerk.post(
        url + "supplement/", {"materials": [m["code"] for m in missing], "expected_version": app.version}
    )
    assert back.status_code == 302
    app.refresh_from_db()
    assert app.status == "submitted" and set(app.materials_provided) >= {m["code"] for m in missing}
    assert (
        clerk.post(url + "intake/", {"decision": "accept", "expected_version": app.version}).status_code
        == 302
    )
    app.refresh_from_db()
    assert app.status == "received"


def test_other_service_points_and_roles_get_404(newborn: None, signed_in: Clients) -> None:
    app = submitted_application(service_point="hall")
    url = f"/workbench/window/applications/{app.number}/"
    assert signed_in("clerk").get(url).status_code == 200
    for user in ("clerk_town", "officer_health", "mother", "father"):
        assert signed_in(user).get(url).status_code == 404, user
    assert (
        signed_in("clerk_town")
        .post(url + "intake/", {"decision": "accept", "expected_version": 1})
        .status_code
        == 404
    )
    app.refresh_from_db()
    assert app.status == "submitted"
    assert signed_in("clerk").get("/workbench/window/applications/NOPE/").status_code == 404


def test_counter_intake_on_behalf_of_the_demo_mother(newborn: None, signed_in: Clients) -> None:
    demo_data_seed(persons=40, enterprises=5)
    seed_demo_licences()
    clerk = signed_in("clerk")
    # a bad identity number: the error next to the field, the values kept
    bad = clerk.post(
        "/workbench/window/counter/",
        {"id_number": "140524199403150000", "name": "王芳", "bundle": "140524-09"},
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and "公民身份号码" in body and 'value="王芳"' in body
    # nothing is read before the clerk records how the walk-in was verified (issue 17, finding 6)
    unverified = clerk.post(
        "/workbench/window/counter/", {"id_number": MOTHER_ID, "name": "王芳", "bundle": "140524-09"}
    )
    assert unverified.status_code == 400 and "verified" in unverified.context["form"].errors
    assert clerk.get("/workbench/window/counter/form/").status_code == 302  # no walk-in: back to the start
    assert not LedgerEntry.objects.filter(subject_id=MOTHER_ID, purpose_kind="intake").exists()
    start = clerk.post(
        "/workbench/window/counter/",
        {
            "id_number": MOTHER_ID,
            "name": "王芳",
            "phone": "13800138000",
            "bundle": "140524-09",
            "verified": "id_card_read",
        },
    )
    assert start.status_code == 302 and start["Location"].endswith("/workbench/window/counter/form/")
    form_page = clerk.get("/workbench/window/counter/form/")
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert "来源 / source: population" in html and 'value="王芳"' in html  # the same prefill, with its source
    reads = LedgerEntry.objects.filter(subject_id=MOTHER_ID, purpose_kind="intake")
    assert reads.exists() and reads.first().purpose_reference.startswith("counter-")  # type: ignore[union-attr]
    form = form_page.context["form"]
    fields = form.snapshot["form"]
    prefilled = {k: v["value"] for k, v in form_page.context["provenance"].items()}
    values = sample_form(fields, overrides=prefilled)
    needed = to_hand_in(form.snapshot)
    waived = [m for m in form.snapshot["materials"] if m["waiver"]]
    assert any(m["waiver"]["kind"] == "licence" for m in waived)  # the marriage certificate, from the wallet
    post = {f"f.{k}": ("true" if v is True else "false" if v is False else v) for k, v in values.items()}
    # a letter of authorisation without its reference: the error next to that field, nothing submitted
    missing_ref = clerk.post(
        "/workbench/window/counter/form/", {**post, "materials": needed, "authorisation": "letter"}
    )
    assert missing_ref.status_code == 400 and "请填写授权委托书编号" in missing_ref.content.decode()
    assert Application.objects.count() == 0
    # a field the service refuses comes back next to that field, with the other values kept
    wrong = clerk.post(
        "/workbench/window/counter/form/",
        {**post, "f.mother.phone": "12", "materials": needed, "authorisation": "in_person"},
    )
    assert wrong.status_code == 400 and "电话号码格式不正确" in wrong.content.decode()
    assert wrong.context["form"]["f.mother.phone"].errors and Application.objects.count() == 0
    # a check before submission (the pack's rules): a child "under one" born two years ago, named at the field
    # and in the summary at the top
    old = clerk.post(
        "/workbench/window/counter/form/",
        {**post, "f.child.birth_date": "2020-01-01", "materials": needed, "authorisation": "in_person"},
    )
    html = old.content.decode()
    assert old.status_code == 400 and old.context["form"]["f.child.birth_date"].errors
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert (
        'role="alert"' in html
        and "已回答新生儿未满 1 周岁" in summary
        and "#id_f.child.birth_date" in summary
    )
    assert Application.objects.count() == 0
    done = clerk.post(
        "/workbench/window/counter/form/",
        {**post, "materials": needed, "authorisation": "letter", "authorisation_ref": "WT-2026-001"},
    )
    assert done.status_code == 302, done.content.decode()[:3000]
    app = Application.objects.get()
    assert app.channel == "window" and app.agent is not None and app.agent.username == "clerk"
    assert app.party_id == MOTHER_ID and app.applicant.username == "mother"
    assert app.authorisation["text"] == "授权委托书：WT-2026-001（本人到场，身份证读卡核验）"
    assert reads.first().purpose_reference.endswith("id_card_read")  # type: ignore[union-attr]
    assert done["Location"].endswith(f"/workbench/window/applications/{app.number}/")
    accepted = clerk.post(
        f"/workbench/window/applications/{app.number}/intake/",
        {"decision": "accept", "expected_version": app.version},
    )
    assert accepted.status_code == 302
    app.refresh_from_db()
    assert app.status == "received"
    page = clerk.get(accepted["Location"]).content.decode()
    receipt = Document.objects.get(application=app, kind="receipt")
    assert receipt.number in page and "已收件" in page
    assert clerk.get(f"/workbench/documents/{receipt.number}.pdf").status_code == 200
    # the receipt is not for another service point's clerk, nor for another applicant
    assert signed_in("clerk_town").get(f"/workbench/documents/{receipt.number}.pdf").status_code == 404
    assert signed_in("father").get(f"/workbench/documents/{receipt.number}.pdf").status_code == 404


def test_posts_need_the_csrf_token(newborn: None) -> None:
    from django.contrib.auth.models import User

    app = submitted_application()
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="clerk"))
    url = f"/workbench/window/applications/{app.number}/"
    refused = client.post(url + "intake/", {"decision": "accept", "expected_version": app.version})
    assert refused.status_code == 403
    app.refresh_from_db()
    assert app.status == "submitted"
    page = client.get(url)
    token = page.cookies["csrftoken"].value
    ok = client.post(
        url + "intake/",
        {
            "decision": "accept",
            "expected_version": app.version,
            "confirmed": app.materials_to_present,
            "csrfmiddlewaretoken": token,
        },
    )
    assert ok.status_code == 302
    app.refresh_from_db()
    assert app.status == "received"


def test_a_supplement_that_changes_who_the_child_is_goes_back_to_the_clerk_highlighted(
    newborn: None, signed_in: Clients, as_user: Any
) -> None:
    """Issue 17 point 5: a supplement that changes a subject's identity fields goes back to the clerk's intake
    with the changes highlighted (the history row names them)."""
    mother, clerk = as_user("mother"), signed_in("clerk")
    app = submitted_application("mother", complete=False)
    api_clerk = as_user("clerk")
    assert (
        api_clerk.post(f"/api/applications/{app.number}/intake/", {}, format="json").json()["status"]
        == "deficient"
    )
    changed = {"child.name": "李大宝"}
    listed = [m["code"] for m in app.snapshot["materials"] if m["required"] and not m["waiver"]]
    back = mother.post(
        f"/api/applications/{app.number}/supplement/", {"form": changed, "materials": listed}, format="json"
    ).json()
    assert back["status"] == "submitted"
    event = CaseEvent.objects.filter(application=app, type="supplemented").get()
    assert event.data["changed"] == ["child.name"] and event.data["identity_changed"] == ["child.name"]
    page = clerk.get(f"/workbench/window/applications/{app.number}/").content.decode()
    assert "补正时修改了身份信息，请核对" in page and "李大宝" in page
