"""The auditor's page of unusual access (issue 17 point 3; cases/audit.py): a clerk who reads many people's
files without filing applications for them, and reads outside office hours, each found from the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.contrib.auth.models import User

from tests.support.api import WebClients as Clients
from yijianshi.accounts.roles import actor_of
from yijianshi.core import clock
from yijianshi.core.identifiers import make_resident_id, mask
from yijianshi.ledger.services import Purpose, ledger_append


def _opened(clerk: User, people: int, at: datetime) -> list[str]:
    subjects = [make_resident_id("140524", date(1980, 1, 1 + i), 7) for i in range(people)]
    with clock.frozen(at):
        for subject in subjects:
            ledger_append(
                actor=actor_of(clerk),
                subject_id=subject,
                source="population",
                purpose=Purpose("intake", "counter-20261205-abcd-id_card_read"),
                fields=["person.name"],
                mode="query",
                outcome="ok",
            )
    return subjects


def test_files_opened_without_applications_and_reads_at_night_are_listed(
    newborn: None, signed_in: Clients, settings: object
) -> None:
    clerk = User.objects.get(username="clerk")
    # Saturday 5 December 2026, 23:30 Beijing time: a non-working day, outside office hours
    subjects = _opened(clerk, 7, datetime(2026, 12, 5, 15, 30, tzinfo=UTC))
    with clock.frozen(datetime(2026, 12, 7, 4, 0, tzinfo=UTC)):
        page = signed_in("auditor").get("/workbench/audit/")
        assert page.status_code == 200
        body = page.content.decode()
        assert "查询个人数据而未提交申请" in body and "工作时间以外查询" in body
        assert mask(subjects[0]) in body and subjects[0] not in body  # identifiers masked
        assert (
            signed_in("clerk").get("/workbench/audit/").status_code == 403
        )  # auditors and administrators only


def test_a_quiet_week_shows_nothing(newborn: None, signed_in: Clients) -> None:
    clerk = User.objects.get(username="clerk")
    _opened(clerk, 2, datetime(2026, 12, 7, 2, 0, tzinfo=UTC))  # Monday 10:00 Beijing time, two files
    with clock.frozen(datetime(2026, 12, 7, 4, 0, tzinfo=UTC)):
        body = signed_in("auditor").get("/workbench/audit/").content.decode()
    assert "没有发现异常" in body
