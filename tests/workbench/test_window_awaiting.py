"""The clerk's list of applications awaiting the applicant (issue 18 point 4): each with the day its deficiency
notice was sent, the date by which the applicant must answer it — the one the notice printed
(cases/progress.py `respond_by`) — and what happens after that date; past it, flagged."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from tests.support.api import WebClients as Clients
from tests.support.factories import submitted_application
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.services import application_intake
from yijianshi.core import clock

pytestmark = pytest.mark.django_db
MONDAY_10 = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


def row_of(html: str, number: str) -> str:
    match = re.search(rf'<tr data-number="{number}"[^>]*>.*?</tr>', html, flags=re.S)
    assert match is not None, "no row for the application"
    return match.group(0)


def test_the_awaiting_list_shows_the_notice_dates_and_what_follows(newborn: None, signed_in: Clients) -> None:
    with clock.frozen(MONDAY_10):
        app = submitted_application(complete=False)
        application_intake(application=app, actor=actor_of(User.objects.get(username="clerk")))
    app.refresh_from_db()
    assert app.status == "deficient"
    clerk = signed_in("clerk")
    with clock.frozen(MONDAY_10):
        page = clerk.get("/workbench/window/").content.decode()
    deficient = page[page.index('id="deficient"') :]
    row = row_of(deficient, app.number)
    # sent on Monday 16 Nov; 10 working days from then: the end of Monday 30 Nov, as the notice printed
    assert "11月16日（星期一）" in row and "10:00" in row
    assert "11月30日（星期一）前" in row
    assert "逾期未补正的，视为撤回申请。" in row
    assert "wb-row-overdue" not in row and "已逾期" not in row
    with clock.frozen(datetime(2026, 12, 1, 2, 0, tzinfo=UTC)):  # the day after: past due, flagged
        late = row_of(clerk.get("/workbench/window/").content.decode(), app.number)
    assert "wb-row-overdue" in late and "已逾期" in late
    clerk.post("/i18n/setlang/", {"language": "en", "next": "/workbench/window/"})
    with clock.frozen(MONDAY_10):
        english = row_of(clerk.get("/workbench/window/").content.decode(), app.number)
    assert "Mon 16 Nov" in english and "by Mon 30 Nov" in english
    assert "treated as withdrawn" in english
