"""Every notice that asks the applicant for something gives the date to answer by and what happens after it, the
applicant's page shows the same date, and decisions against the applicant give the last dates to contest them
(cases/progress.py). The PDFs are read back with pypdf. Dates across the 2025 National Day holiday."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from tests.support.api import web_client
from tests.support.factories import received_application, submitted_application
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import Application, Document, ItemCase
from yijianshi.core import clock

pytestmark = pytest.mark.django_db
TUESDAY_30_SEPT = datetime(2025, 9, 30, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai, before 1–8 October


def pdf_text(document: Document) -> str:
    """The PDF's text without the line breaks and spaces a table cell wraps it with."""
    reader = PdfReader(BytesIO(bytes(document.pdf)))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def page_text(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def _act(case: ItemCase, action: str, username: str, **extra: object) -> None:
    case.refresh_from_db()
    services.item_case_transition(
        item_case=case,
        actor=actor_of(User.objects.get(username=username)),
        action=action,
        expected_version=case.version,
        **extra,  # type: ignore[arg-type]
    )


def test_the_deficiency_notice_gives_the_date_and_the_page_the_same(newborn: None) -> None:
    with clock.frozen(TUESDAY_30_SEPT):
        app = submitted_application(complete=False)
        app = services.application_intake(application=app, actor=actor_of(User.objects.get(username="clerk")))
    assert app.status == "deficient"
    notice = Document.objects.get(application=app, kind="deficiency_notice")
    text = pdf_text(notice)
    # 10 working days: 9, 10, 11 (the make-up Saturday), 13–17, 20 and 21 October
    assert "补正期限" in text and "请于2025年10月21日（星期二）前一次补齐" in text
    assert "逾期未补正的，视为撤回申请。" in text
    with clock.frozen(TUESDAY_30_SEPT):
        page = web_client("mother").get(f"/me/applications/{app.number}/").content.decode()
    shown = page_text(page[page.index('id="respond-by"') :].partition(">")[2])
    assert shown.startswith("请于10月21日（星期二）前一次补齐。逾期未补正的，视为撤回申请。")


def test_the_correction_notice_gives_the_date_and_what_follows(newborn: None) -> None:
    app = received_application(at=TUESDAY_30_SEPT)
    case = app.item_cases.get(ref="vaccination_certificate")
    with clock.frozen(TUESDAY_30_SEPT):
        _act(case, "accept", "officer_health")
        _act(
            case,
            "request_correction",
            "officer_health",
            reason="接种记录缺少签章",
            corrections=["补盖出生医院公章"],
        )
    notice = Document.objects.get(item_case=case, kind="correction_notice")
    text = pdf_text(notice)
    assert "请于2025年10月21日（星期二）前补正" in text and "逾期未补正的，本事项终止办理。" in text
    with clock.frozen(TUESDAY_30_SEPT):
        page = web_client("mother").get(f"/me/applications/{app.number}/").content.decode()
    assert "请于10月21日（星期二）前补正。逾期未补正的，本事项终止办理。" in page_text(page)
    assert "需补正" in page_text(page[page.index('class="progress"') :][:200])


def test_acceptance_gives_the_expected_date_and_a_denial_the_last_dates_to_contest(newborn: None) -> None:
    app = received_application(at=TUESDAY_30_SEPT)
    case = app.item_cases.get(ref="vaccination_certificate")
    with clock.frozen(TUESDAY_30_SEPT):
        _act(case, "accept", "officer_health")
        _act(case, "deny", "officer_health", reason="接种记录不全")
    case.refresh_from_db()
    accepted = pdf_text(Document.objects.get(item_case=case, kind="acceptance_notice"))
    assert (
        f"{case.promised_limit_days}个工作日，" in accepted and "（星期" in accepted and "前办结" in accepted
    )
    assert "00:00前" not in accepted
    denied = pdf_text(Document.objects.get(item_case=case, kind="denial_decision"))
    # 60 days from 30 September 2025: Saturday 29 November, a rest day → Monday 1 December
    assert "申请行政复议" in denied and "至迟2025年12月1日（星期一）前" in denied
    # 6 months: Monday 30 March 2026
    assert "提起行政诉讼" in denied and "至迟2026年3月30日（星期一）前" in denied


def test_the_portal_shows_each_items_expected_date_never_midnight(newborn: None) -> None:
    app = received_application(at=TUESDAY_30_SEPT)
    with clock.frozen(TUESDAY_30_SEPT):
        page = page_text(web_client("mother").get(f"/me/applications/{app.number}/").content.decode())
    assert "受理时限10月9日（星期四）前" in page  # 1 working day, after the eight days of holiday
    assert "00:00" not in page
    assert Application.objects.get(pk=app.pk).status == "received"


def test_an_unanswered_deficiency_notice_is_treated_as_withdrawn_after_its_date(newborn: None) -> None:
    with clock.frozen(TUESDAY_30_SEPT):
        app = submitted_application(complete=False)
        app = services.application_intake(application=app, actor=actor_of(User.objects.get(username="clerk")))
    on_the_day = datetime(2025, 10, 21, 15, 59, tzinfo=UTC)  # 23:59 on Tuesday 21 October in Shanghai
    assert services.deadlines_sweep(now=on_the_day)["lapsed"] == 0
    app.refresh_from_db()
    assert app.status == "deficient"
    stats = services.deadlines_sweep(now=datetime(2025, 10, 21, 16, 1, tzinfo=UTC))  # 00:01 on the 22nd
    app.refresh_from_db()
    assert stats["lapsed"] == 1 and app.status == "withdrawn"
    event = app.events.get(type="withdrawn")
    assert event.actor_role == "system" and event.reason == "逾期未补正，视为撤回申请"
    assert "视为撤回申请" in pdf_text(Document.objects.get(application=app, kind="withdrawal_notice"))
    assert services.deadlines_sweep(now=datetime(2025, 10, 22, 2, 0, tzinfo=UTC))["lapsed"] == 0  # once


def test_an_unanswered_correction_ends_the_item_after_its_date(newborn: None) -> None:
    app = received_application(at=TUESDAY_30_SEPT)
    case = app.item_cases.get(ref="vaccination_certificate")
    with clock.frozen(TUESDAY_30_SEPT):
        _act(case, "accept", "officer_health")
        _act(case, "request_correction", "officer_health", reason="接种记录缺少签章")
    assert services.deadlines_sweep(now=datetime(2025, 10, 21, 15, 0, tzinfo=UTC))["lapsed"] == 0
    services.deadlines_sweep(now=datetime(2025, 10, 22, 1, 0, tzinfo=UTC))
    case.refresh_from_db()
    assert case.status == "terminated"
    assert case.events.get(type="terminated").reason.endswith("逾期未补正，本事项终止办理")


def test_the_guide_gives_its_time_limit_as_a_date(newborn: None) -> None:
    with clock.frozen(TUESDAY_30_SEPT):
        page = web_client("mother").get("/bundles/140524-09/")
    assert page.status_code == 200
    text = page_text(page.content.decode())
    # acceptance by Thursday 9 October, then the bundle's working days: a date after the holiday, never a time
    match = re.search(r"今天提交的，预计(\d+)月(\d+)日（星期.）前办结", text)
    assert match and (int(match.group(1)), int(match.group(2))) >= (10, 10)
