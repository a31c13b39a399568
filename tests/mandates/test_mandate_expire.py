"""mandate_expire: mandates past their last day are marked expired, once; the principal is told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.mandates.conftest import BUNDLE, days
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.core import clock
from yijianshi.mandates.models import Mandate
from yijianshi.mandates.services import mandate_expire, mandate_request, mandate_revoke

pytestmark = pytest.mark.django_db


def test_past_their_last_day_active_and_requested_ones_expire(
    granted: Callable[..., Mandate],
    user: Callable[[str], User],
    notices: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    short, long_, revoked = granted(valid_to=days(1)), granted(valid_to=days(30)), granted(valid_to=days(1))
    mandate_revoke(mandate=revoked, actor=actor_of(user("mother")))
    asked = mandate_request(
        actor=actor_of(user("father")),
        principal_type="person",
        principal_id_number=MOTHER_ID,
        principal_name="王芳",
        scope="bundles",
        bundle_codes=[BUNDLE],
        abilities=["apply"],
        valid_to=days(1),
    )
    assert mandate_expire() == {"expired": 0, "skipped": 0}  # nothing is due yet
    later = clock.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert mandate_expire(now=later) == {"expired": 2, "skipped": 0}
    statuses = {m.pk: m.status for m in Mandate.objects.all()}
    assert statuses == {short.pk: "expired", long_.pk: "active", revoked.pk: "revoked", asked.pk: "expired"}
    event = Mandate.objects.get(pk=short.pk).events.order_by("pk").last()
    assert event is not None and (event.type, event.actor, event.actor_role) == ("expired", None, "system")
    assert [n["event"] for n in notices()] == ["mandate.expired", "mandate.expired"]
    assert mandate_expire(now=later) == {"expired": 0, "skipped": 0}  # once
