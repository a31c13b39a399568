"""The administration view: overdue and escalated item cases across departments, counts per department; the
auditor reads only; links to the reform figures and the catalogue administration."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.support.api import WebClients as Clients
from tests.support.factories import received_application
from yijianshi.cases import services
from yijianshi.core import clock

pytestmark = pytest.mark.django_db


def test_overdue_and_escalated_across_departments(newborn: None, signed_in: Clients) -> None:
    late = received_application(at=datetime(2026, 11, 16, 2, 0, tzinfo=UTC))  # Monday; acceptance due Tuesday
    on_time = received_application(at=datetime(2026, 11, 18, 2, 0, tzinfo=UTC))
    with clock.frozen(datetime(2026, 11, 18, 3, 0, tzinfo=UTC)):  # Wednesday: one working day past
        services.deadlines_sweep()
        admin = signed_in("admin").get("/workbench/admin/")
        auditor = signed_in("auditor").get("/workbench/admin/")
    html = admin.content.decode()
    assert admin.status_code == 200 and auditor.status_code == 200
    overdue = list(late.item_cases.all())
    assert overdue and all(
        c.overdue and c.escalation_level >= 1 for c in (type(c).objects.get(pk=c.pk) for c in overdue)
    )
    for case in overdue:
        assert f"/workbench/department/cases/{case.pk}/" in html
    for case in on_time.item_cases.all():
        assert f"/workbench/department/cases/{case.pk}/" not in html
    departments = {c.department.name for c in overdue}
    table = html[html.index('id="per-department"') : html.index('id="overdue-cases"')]
    assert all(name in table for name in departments)
    for name in departments:
        count = sum(1 for c in overdue if c.department.name == name)
        row = re.search(rf"<tr><td>{re.escape(name)}</td><td>[^<]*</td><td class=\"num\">(\d+)</td>", table)
        assert row is not None and int(row.group(1)) == count, name
    assert 'href="/figures/"' in html and 'href="/admin/"' in html
    assert "只读" in auditor.content.decode()


def test_admin_view_is_for_admin_and_auditor(newborn: None, signed_in: Clients) -> None:
    for user in ("clerk", "officer_health", "mother"):
        assert signed_in(user).get("/workbench/admin/").status_code == 403, user


def test_the_holiday_gap_is_warned_on_both_administration_landings(newborn: None, signed_in: Clients) -> None:
    """2027's holidays are not in the package (chinesecalendar knows up to 2026): deadlines computed in December
    2026 that reach into 2027 count weekends only, so both landings say so until an administrator enters them."""
    with clock.frozen(datetime(2026, 12, 7, 2, 0, tzinfo=UTC)):
        workbench = signed_in("admin").get("/workbench/admin/").content.decode()
        landing = signed_in("admin").get("/admin/").content.decode()
    assert 'id="calendar-warnings"' in workbench and "2027年节假日安排尚未录入" in workbench
    assert 'href="/admin/core/holidayyear/"' in workbench
    assert "2027年节假日安排尚未录入" in landing and "Holidays for 2027 are not entered" in landing
    with clock.frozen(datetime(2025, 6, 2, 2, 0, tzinfo=UTC)):  # 2025 and 2026 are both known
        assert 'id="calendar-warnings"' not in signed_in("admin").get("/workbench/admin/").content.decode()
