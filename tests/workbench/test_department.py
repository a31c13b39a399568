"""The department workbench: the queue by deadline with overdue ones flagged, the item case page with only the
actions the transition table allows, accept → approve (issuing the licence), the stale write (409) and scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.support.api import WebClients as Clients
from tests.support.factories import received_application, submitted_application
from tests.support.newborn import to_hand_in
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import Application, ItemCase
from yijianshi.catalog.models import Department
from yijianshi.core import clock
from yijianshi.core.identifiers import mask
from yijianshi.integrations.models import DepartmentIntegration

pytestmark = pytest.mark.django_db


def health_case(app: Application) -> ItemCase:
    return app.item_cases.get(ref="birth_medical_certificate")


def test_queue_by_deadline_overdue_first_and_flagged(newborn: None, signed_in: Clients) -> None:
    older = received_application(
        at=datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
    )  # Monday: acceptance due Tuesday
    newer = received_application(at=datetime(2026, 11, 18, 2, 0, tzinfo=UTC))  # Wednesday: due Thursday
    with clock.frozen(datetime(2026, 11, 18, 3, 0, tzinfo=UTC)):  # Wednesday 11:00
        services.deadlines_sweep()
        page = signed_in("officer_health").get("/workbench/department/")
    html = page.content.decode()
    assert page.status_code == 200
    first, second = health_case(older), health_case(newer)
    assert first.overdue and not second.overdue
    assert html.index(f'data-case="{first.pk}"') < html.index(f'data-case="{second.pk}"')
    assert (
        f'data-case="{first.pk}" data-overdue="1"' in html
        and f'data-case="{second.pk}" data-overdue="0"' in html
    )
    assert "wb-row-overdue" in html and "督办" in html
    assert MOTHER_ID not in html and mask(MOTHER_ID) in html
    # only the health department's cases
    police = older.item_cases.filter(department__code="public_security").first()
    assert police is not None
    assert f'data-case="{police.pk}"' not in html
    # filter by state, and overdue only
    with clock.frozen(datetime(2026, 11, 18, 3, 0, tzinfo=UTC)):
        only = signed_in("officer_health").get("/workbench/department/?overdue=1").content.decode()
        accepted = signed_in("officer_health").get("/workbench/department/?status=accepted").content.decode()
    assert f'data-case="{first.pk}"' in only and f'data-case="{second.pk}"' not in only
    assert f'data-case="{first.pk}"' not in accepted


def test_accept_then_approve_through_the_pages(newborn: None, signed_in: Clients) -> None:
    app = received_application(at=clock.now())
    case = health_case(app)
    officer = signed_in("officer_health")
    url = f"/workbench/department/cases/{case.pk}/"
    page = officer.get(url).content.decode()
    # only the actions the table allows while pending acceptance
    assert 'data-action="accept"' in page and 'data-action="reject"' in page
    assert 'data-action="approve"' not in page and 'data-action="progress"' not in page
    assert (
        officer.post(url + "act/", {"action": "accept", "expected_version": case.version}).status_code == 302
    )
    case.refresh_from_db()
    assert case.status == "accepted"
    page = officer.get(url).content.decode()
    assert 'data-action="approve"' in page and 'data-action="accept"' not in page
    # refusing without a reason: the error next to the field, the typed values kept
    deny = officer.post(url + "act/", {"action": "deny", "expected_version": case.version, "reason": ""})
    assert deny.status_code == 400 and "请说明理由" in deny.content.decode()
    correction = officer.post(
        url + "act/",
        {
            "action": "request_correction",
            "expected_version": case.version,
            "reason": "请补正",
            "corrections": "",
        },
    )
    assert correction.status_code == 400 and "请列出需补正的内容" in correction.content.decode()
    assert 'value="请补正"' in correction.content.decode() or ">请补正<" in correction.content.decode()
    case.refresh_from_db()
    assert case.status == "accepted"
    approve = {
        "action": "approve",
        "expected_version": case.version,
        "result_summary": "出生医学证明已签发",
        "result_number": "Q140524001",
    }
    asked = officer.post(url + "act/", approve)  # one click: what it will do, nothing done
    assert asked.status_code == 200 and 'id="confirm-form"' in asked.content.decode()
    case.refresh_from_db()
    assert case.status == "accepted"
    done = officer.post(url + "act/", {**approve, "confirm": "yes"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == "approved" and case.result["summary"] == "出生医学证明已签发"
    if case.item.issues_licence_id:
        assert case.result.get("licence")  # issued through the existing path
    page = officer.get(url).content.decode()
    assert "准予" in page and "受理通知书" in page and "准予决定书" in page  # the kinds in words
    # the window delivers the approved result: by post needs a tracking number (error at the field)
    clerk = signed_in("clerk")
    app.refresh_from_db()
    window = f"/workbench/window/applications/{app.number}/"
    assert 'id="deliver-form"' in clerk.get(window).content.decode()
    by_post = clerk.post(
        window + "deliver/",
        {"method": "post", "address": "陵川县崇文镇示例路1号", "expected_version": app.version},
    )
    assert by_post.status_code == 400 and "邮寄送达须填写快递单号" in by_post.content.decode()
    assert by_post.context["deliver_form"]["tracking_number"].errors
    assert "陵川县崇文镇示例路1号" in by_post.content.decode()  # the typed address kept
    assert (
        clerk.post(window + "deliver/", {"method": "pickup", "expected_version": app.version}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.status == "delivered"


def test_stale_version_is_a_409_with_a_plain_message(newborn: None, signed_in: Clients) -> None:
    case = health_case(received_application(at=clock.now()))
    url = f"/workbench/department/cases/{case.pk}/act/"
    stale_version = case.version
    assert (
        signed_in("officer_health")
        .post(url, {"action": "accept", "expected_version": stale_version})
        .status_code
        == 302
    )
    again = signed_in("officer_health").post(
        url, {"action": "reject", "expected_version": stale_version, "reason": "不符合条件"}
    )
    assert again.status_code == 409
    assert "已被他人处理，请刷新" in again.content.decode()
    case.refresh_from_db()
    assert case.status == "accepted"


def test_manual_progress_for_a_department_with_its_own_system(newborn: None, signed_in: Clients) -> None:
    police = Department.objects.get(region__code="140524", code="public_security")
    DepartmentIntegration.objects.create(department=police, mode="manual")
    app = received_application(at=clock.now())
    case = app.item_cases.filter(department=police).order_by("position").first()
    assert case is not None
    officer = signed_in("officer_police")
    url = f"/workbench/department/cases/{case.pk}/"
    assert (
        officer.post(url + "act/", {"action": "accept", "expected_version": case.version}).status_code == 302
    )
    case.refresh_from_db()
    page = officer.get(url).content.decode()
    assert 'data-action="progress"' in page and "无对接系统，人工更新进度" in page
    done = officer.post(
        url + "act/",
        {"action": "progress", "expected_version": case.version, "reason": "户籍系统已录入，待审核"},
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.progress_note == "户籍系统已录入，待审核" and case.status in ("accepted", "pre_review")


def test_scope_other_departments_and_roles_get_404(newborn: None, signed_in: Clients) -> None:
    case = health_case(received_application(at=clock.now()))
    url = f"/workbench/department/cases/{case.pk}/"
    for user in ("officer_police", "clerk", "mother", "father"):
        assert signed_in(user).get(url).status_code == 404, user
        assert (
            signed_in(user)
            .post(url + "act/", {"action": "accept", "expected_version": case.version})
            .status_code
            == 404
        ), user
    case.refresh_from_db()
    assert case.status == "pending_acceptance"
    assert signed_in("mother").get("/workbench/department/").status_code == 403
    # the auditor reads but may not act
    auditor = signed_in("auditor")
    assert (
        auditor.get(url).status_code == 200
        and 'data-action="accept"' not in auditor.get(url).content.decode()
    )
    assert (
        auditor.post(url + "act/", {"action": "accept", "expected_version": case.version}).status_code == 403
    )
    case.refresh_from_db()
    assert case.status == "pending_acceptance"


def test_commitment_post_check_from_the_case_page(newborn: None, signed_in: Clients) -> None:
    with clock.frozen(datetime(2026, 11, 16, 2, 0, tzinfo=UTC)):
        snap_app = submitted_application(complete=False)
    materials = to_hand_in(snap_app.snapshot, skip=["birth.first_issue_form"])
    mother = User.objects.get(username="mother")
    app = services.application_submit(
        actor=actor_of(mother),
        bundle_code="140524-09",
        form=snap_app.form_data,
        materials=materials,
        commitments=["birth.first_issue_form"],
    ).application
    app = services.application_intake(
        application=app, actor=actor_of(User.objects.get(username="clerk")), confirmed=materials
    )
    case = app.item_cases.get(commitments__code="birth.first_issue_form")
    commitment = case.commitments.get()
    officer_user = User.objects.filter(profile__department=case.department).first()
    assert officer_user is not None
    officer = signed_in(officer_user.username)
    url = f"/workbench/department/cases/{case.pk}/"
    page = officer.get(url).content.decode()
    assert f"/workbench/department/commitments/{commitment.pk}/check/" in page
    check = f"/workbench/department/commitments/{commitment.pk}/check/"
    no_reason = officer.post(check, {"outcome": "false", "note": ""})
    assert no_reason.status_code == 400 and "认定承诺不实须说明理由" in no_reason.content.decode()
    commitment.refresh_from_db()
    assert commitment.outcome == "pending"
    assert (
        signed_in("officer_police" if case.department.code != "public_security" else "officer_health")
        .post(check, {"outcome": "kept"})
        .status_code
        == 404
    )
    assert officer.post(check, {"outcome": "false", "note": "登记表系伪造"}).status_code == 302
    commitment.refresh_from_db()
    case.refresh_from_db()
    assert commitment.outcome == "false" and case.status == "terminated"


def test_queues_do_not_grow_queries_with_rows(newborn: None, signed_in: Clients) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    received_application(at=clock.now())
    submitted_application()

    def count(client: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    officer, clerk = signed_in("officer_health"), signed_in("clerk")
    before = (count(officer, "/workbench/department/"), count(clerk, "/workbench/window/"))
    for _ in range(3):
        received_application(at=clock.now())
        submitted_application()
    after = (count(officer, "/workbench/department/"), count(clerk, "/workbench/window/"))
    assert after == before


def test_near_the_deadline_is_flagged_and_english_is_available(newborn: None, signed_in: Clients) -> None:
    monday = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
    case = health_case(received_application(at=monday))
    with clock.frozen(monday):
        case = services.item_case_transition(
            item_case=case,
            actor=actor_of(User.objects.get(username="officer_health")),
            action="accept",
            expected_version=case.version,
        )
    assert case.decide_deadline is not None
    officer = signed_in("officer_health")
    with clock.frozen(case.decide_deadline - timedelta(hours=3)):
        near = officer.get("/workbench/department/").content.decode()
    with clock.frozen(monday):
        far = officer.get("/workbench/department/").content.decode()
    row = f'data-case="{case.pk}"'
    assert row in near and "wb-row-near" in near[near.index("<tbody>") :] and "临近" in near
    assert row in far and "wb-row-near" not in far[far.index("<tbody>") :]
    officer.post("/i18n/setlang/", {"language": "en", "next": "/workbench/department/"})
    with clock.frozen(case.decide_deadline - timedelta(hours=3)):
        english = officer.get("/workbench/department/").content.decode()
    # working time, in working days: three hours before the end of its last day, it is due today
    assert "This department's cases, by deadline" in english and "Due soon" in english
    assert "due today" in english and "h 0 min" not in english


def test_a_refusal_is_confirmed_first_saying_what_it_does(newborn: None, signed_in: Clients) -> None:
    """不予受理 / 不予批准 are irreversible (issue 18 point 6): the first post shows what will happen — the
    decision document with the reason printed, the items that end with it — and does nothing; the post from
    that page does it."""
    app = received_application(at=clock.now())
    case = health_case(app)
    officer = signed_in("officer_health")
    url = f"/workbench/department/cases/{case.pk}/"
    assert "不予受理…" in officer.get(url).content.decode()  # the button says a step follows
    reason = "出生医学证明信息与医院记录不符"
    asked = officer.post(
        url + "act/", {"action": "reject", "expected_version": case.version, "reason": reason}
    )
    html = asked.content.decode()
    assert asked.status_code == 200 and 'id="confirm-effects" data-action="reject"' in html
    assert "不予受理决定书" in html and reason in html and "不能撤回" in html
    dependants = services.dependants_to_end(case, {c.ref: c for c in app.item_cases.all()})
    assert dependants  # the birth certificate is a prerequisite of the others
    for other in dependants:
        assert other.name in html  # the items that end with it are named
    assert f'name="reason" value="{reason}"' in html and 'name="confirm" value="yes"' in html
    case.refresh_from_db()
    assert case.status == "pending_acceptance" and not case.documents.exists()
    # a stale page is told so before any confirmation
    stale = officer.post(
        url + "act/", {"action": "reject", "expected_version": case.version - 1 or 99, "reason": reason}
    )
    assert stale.status_code == 409
    done = officer.post(
        url + "act/",
        {"action": "reject", "expected_version": case.version, "reason": reason, "confirm": "yes"},
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == "rejected"
    for other in dependants:
        other.refresh_from_db()
        assert other.status == "terminated"
