"""`licence expire` and `licence remind` run daily: on Celery beat (licenses.daily) in the scale-out shape and in
the in-process runner in the embedded default, once per Beijing calendar day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from celery.schedules import crontab

from yijianshi.celery import app
from yijianshi.core import clock
from yijianshi.integrations.runner import _daily_if_due
from yijianshi.licenses.models import LicenceEvent, LicenceStatus, License
from yijianshi.licenses.tasks import licences_daily_task

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def at(day: Any, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=clock.SHANGHAI).astimezone(UTC)


def reminders() -> int:
    return LicenceEvent.objects.filter(event_type="renewal_reminder").count()


def test_beat_runs_the_daily_task() -> None:
    entry = app.conf.beat_schedule["licences-daily"]
    assert entry["task"] == "licenses.daily" == licences_daily_task.name
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].hour == {8}
    assert app.conf.timezone == "Asia/Shanghai" or str(app.conf.timezone) == "Asia/Shanghai"


def test_the_task_expires_and_reminds(issue: Callable[..., License], users: dict[str, Any], settings: Any) -> None:
    settings.RENEWAL_REMINDER_DAYS = 30
    old = issue(valid_from=TODAY - timedelta(days=400), valid_to=TODAY - timedelta(days=1))
    soon = issue(valid_to=TODAY + timedelta(days=10))
    with clock.frozen(at(TODAY)):
        assert licences_daily_task.apply().get() == {"expired": 1, "reminded": 1}
        assert licences_daily_task.apply().get() == {"expired": 0, "reminded": 0}  # idempotent
    old.refresh_from_db()
    assert old.status == LicenceStatus.EXPIRED
    assert LicenceEvent.objects.get(event_type="renewal_reminder").licence == soon


def test_the_runner_runs_it_once_a_day(issue: Callable[..., License], users: dict[str, Any], settings: Any) -> None:
    settings.RENEWAL_REMINDER_DAYS = 30
    issue(valid_to=TODAY + timedelta(days=10))
    with clock.frozen(at(TODAY)):
        day = _daily_if_due(None)  # the first poll after the process starts
    assert day == TODAY and reminders() == 1
    later = issue(valid_to=TODAY + timedelta(days=12))
    with clock.frozen(at(TODAY, 22)):
        assert _daily_if_due(day) == TODAY  # the same day: not again
    assert reminders() == 1
    with clock.frozen(at(TODAY + timedelta(days=1), 0)):  # just after midnight in Beijing
        assert _daily_if_due(day) == TODAY + timedelta(days=1)
    assert reminders() == 2 and LicenceEvent.objects.filter(licence=later, event_type="renewal_reminder").exists()
