"""`licence expire` and `licence remind` run daily at 08:30 Beijing time: on Celery beat (licenses.daily) in the
scale-out shape and in the in-process runner in the embedded default, both from the one job registry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from celery.schedules import crontab

from yijianshi.celery import beat_schedule
from yijianshi.core import clock
from yijianshi.core.jobs import JobRegistry
from yijianshi.core.jobs import registry as jobs
from yijianshi.licenses.models import LicenceEvent, LicenceStatus, License
from yijianshi.licenses.tasks import licences_daily_task
from yijianshi.runner import JobRunner

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def at(day: Any, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=clock.SHANGHAI).astimezone(UTC)


def reminders() -> int:
    return LicenceEvent.objects.filter(event_type="renewal_reminder").count()


def test_beat_runs_the_daily_task() -> None:
    from yijianshi.celery import app

    entry = beat_schedule()["licences-daily"]
    assert entry["task"] == "licenses.daily" == licences_daily_task.name
    assert isinstance(entry["schedule"], crontab)
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {30})
    assert app.conf.timezone == "Asia/Shanghai" or str(app.conf.timezone) == "Asia/Shanghai"


def test_the_task_expires_and_reminds(
    issue: Callable[..., License], users: dict[str, Any], settings: Any
) -> None:
    settings.RENEWAL_REMINDER_DAYS = 30
    old = issue(valid_from=TODAY - timedelta(days=400), valid_to=TODAY - timedelta(days=1))
    soon = issue(valid_to=TODAY + timedelta(days=10))
    with clock.frozen(at(TODAY)):
        assert licences_daily_task.apply().get() == {"expired": 1, "reminded": 1}
        assert licences_daily_task.apply().get() == {"expired": 0, "reminded": 0}  # idempotent
    old.refresh_from_db()
    assert old.status == LicenceStatus.EXPIRED
    assert LicenceEvent.objects.get(event_type="renewal_reminder").licence == soon


def test_the_runner_runs_it_once_a_day(
    issue: Callable[..., License], users: dict[str, Any], settings: Any
) -> None:
    settings.RENEWAL_REMINDER_DAYS = 30
    only_daily = JobRegistry()
    only_daily.register(jobs.get("licences-daily"))
    runner = JobRunner(only_daily)  # the process has just started
    issue(valid_to=TODAY + timedelta(days=10))
    with clock.frozen(at(TODAY, 8) + timedelta(minutes=29)):
        assert runner.run_due() == {}  # 08:29: not yet
    assert reminders() == 0
    with clock.frozen(at(TODAY, 10)):
        assert runner.run_due() == {"licences-daily": True}  # started after 08:30: at once
    assert reminders() == 1
    later = issue(valid_to=TODAY + timedelta(days=12))
    with clock.frozen(at(TODAY, 22)):
        assert runner.run_due() == {}  # the same day: not again
    with clock.frozen(at(TODAY + timedelta(days=1), 0)):  # just after midnight in Beijing: not yet either
        assert runner.run_due() == {}
    assert reminders() == 1
    with clock.frozen(at(TODAY + timedelta(days=1), 8) + timedelta(minutes=30)):
        assert runner.run_due() == {"licences-daily": True}
    assert (
        reminders() == 2
        and LicenceEvent.objects.filter(licence=later, event_type="renewal_reminder").exists()
    )
