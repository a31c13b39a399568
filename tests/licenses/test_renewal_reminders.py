"""renewal_reminders (无感续证): holders of licences about to expire are told once per licence version."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.core.actor import Actor
from yijianshi.licenses.models import LicenceEvent, License
from yijianshi.licenses.services import licence_revoke, licence_supersede, renewal_reminders

from .conftest import TODAY

pytestmark = pytest.mark.django_db(transaction=True)  # notices go out on commit


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Path:
    settings.NOTIFY_CHANNELS = ["file"]
    settings.NOTIFY_FILE = tmp_path / "notices.jsonl"
    settings.RENEWAL_REMINDER_DAYS = 30
    return Path(settings.NOTIFY_FILE)


def sent(outbox: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in outbox.read_text().splitlines()] if outbox.exists() else []


def test_reminded_once_within_the_window(
    issue: Callable[..., License], users: dict[str, Any], outbox: Path
) -> None:
    soon = issue(valid_to=TODAY + timedelta(days=20))
    issue(valid_to=TODAY + timedelta(days=40))  # outside the 30 days
    issue(valid_to=None)  # long-term
    issue(valid_from=date(2010, 1, 1), valid_to=TODAY - timedelta(days=1))  # already expired
    licence_revoke(licence=issue(valid_to=TODAY + timedelta(days=5)), reason="注销", actor=Actor.system())
    # when
    assert renewal_reminders(today=TODAY) == 1
    assert renewal_reminders(today=TODAY) == 0  # once
    # then
    [notice] = sent(outbox)
    assert notice["event"] == "licence.renewal_reminder" and notice["reference"] == soon.identifier
    assert (
        notice["phone"] == "13800138000" and notice["name"] == "王芳"
    )  # the holder's contact from their profile
    assert "结婚证" in notice["body_zh"] and str(soon.valid_to) in notice["body_en"]
    assert MOTHER_ID not in notice["body_zh"]  # masked
    assert LicenceEvent.objects.filter(licence=soon, event_type="renewal_reminder").count() == 1


def test_days_can_be_given_and_a_new_version_is_reminded_again(
    issue: Callable[..., License], outbox: Path
) -> None:
    licence = issue(valid_to=TODAY + timedelta(days=40))
    assert renewal_reminders(today=TODAY, days=10) == 0
    assert renewal_reminders(today=TODAY, days=45) == 1
    new = licence_supersede(licence=licence, surface={"备注": "更正"}, actor=Actor.system())
    assert renewal_reminders(today=TODAY, days=45) == 1  # the new version expires on the same day
    assert [n["reference"] for n in sent(outbox)] == [licence.identifier, new.identifier]
