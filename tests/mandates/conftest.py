from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from yijianshi.accounts.demo import FATHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.core import clock
from yijianshi.mandates.models import Mandate
from yijianshi.mandates.services import mandate_grant

BUNDLE = "140524-09"


def today() -> date:
    return clock.local(clock.now()).date()


def days(n: int) -> date:
    return today() + timedelta(days=n)


@pytest.fixture
def user() -> Callable[[str], User]:
    return lambda username: User.objects.get(username=username)


@pytest.fixture
def granted(newborn: None, user: Callable[[str], User]) -> Callable[..., Mandate]:  # noqa: F811 - imported above
    """mother → father, the newborn bundle, apply and follow, 30 days (override any term)."""

    def make(principal: str = "mother", **terms: Any) -> Mandate:
        args: dict[str, Any] = {
            "agent_id_number": FATHER_ID,
            "agent_name": "李强",
            "scope": "bundles",
            "bundle_codes": [BUNDLE],
            "abilities": ["apply", "follow"],
            "valid_to": days(30),
            **terms,
        }
        return mandate_grant(actor=actor_of(user(principal)), **args)

    return make


@pytest.fixture
def notices(settings: Any, tmp_path: Any) -> Callable[[], list[dict[str, Any]]]:
    """Notices go to a file; call the result to read what was sent (run the work inside
    `django_capture_on_commit_callbacks(execute=True)`: notices leave after the commit)."""
    import json

    settings.NOTIFY_CHANNELS = ["file"]
    settings.NOTIFY_FILE = tmp_path / "notices.jsonl"

    def read() -> list[dict[str, Any]]:
        if not settings.NOTIFY_FILE.exists():
            return []
        return [json.loads(x) for x in settings.NOTIFY_FILE.read_text(encoding="utf-8").splitlines()]

    return read
