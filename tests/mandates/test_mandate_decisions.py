"""mandate_confirm, mandate_refuse, mandate_revoke: only the principal decides, on the version they saw; each
decision is a history row with the old and new status, and the agent is told."""

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
from yijianshi.core.errors import Conflict, NotFound
from yijianshi.mandates.models import Mandate
from yijianshi.mandates.permissions import MandateForbidden
from yijianshi.mandates.services import mandate_confirm, mandate_refuse, mandate_request, mandate_revoke

pytestmark = pytest.mark.django_db
Users = Callable[[str], User]


@pytest.fixture
def asked(newborn: None, user: Users) -> Mandate:
    return mandate_request(
        actor=actor_of(user("father")),
        principal_type="person",
        principal_id_number=MOTHER_ID,
        principal_name="王芳",
        scope="bundles",
        bundle_codes=[BUNDLE],
        abilities=["apply"],
        valid_to=days(10),
    )


def test_confirm_makes_it_active_and_tells_the_agent(
    asked: Mandate, user: Users, notices: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        m = mandate_confirm(mandate=asked, actor=actor_of(user("mother")), expected_version=1)
    assert (m.status, m.version) == ("active", 2) and m.decided_at is not None and m.ended_at is None
    event = m.events.order_by("pk").last()
    assert event is not None and (event.type, event.actor, event.old, event.new) == (
        "confirmed",
        user("mother"),
        {"status": "requested"},
        {"status": "active"},
    )
    assert [(n["event"], n["name"]) for n in notices()] == [("mandate.confirmed", "李强")]


def test_refuse_ends_the_request_with_the_reason(asked: Mandate, user: Users) -> None:
    m = mandate_refuse(mandate=asked, actor=actor_of(user("mother")), reason="不认识此人")
    assert m.status == "refused" and m.events.order_by("pk").last().reason == "不认识此人"  # type: ignore[union-attr]
    with pytest.raises(Conflict) as caught:
        mandate_confirm(mandate=m, actor=actor_of(user("mother")))
    assert caught.value.code == "transition_not_allowed"


def test_revoke_ends_an_active_mandate_and_tells_the_agent(
    granted: Callable[..., Mandate], user: Users, notices: Any, django_capture_on_commit_callbacks: Any
) -> None:
    m = granted()
    with django_capture_on_commit_callbacks(execute=True):
        revoked = mandate_revoke(
            mandate=m, actor=actor_of(user("mother")), reason="已自行办理", expected_version=1
        )
    assert (revoked.status, revoked.version) == ("revoked", 2) and revoked.ended_at is not None
    assert revoked.events.order_by("pk").last().reason == "已自行办理"  # type: ignore[union-attr]
    assert [n["event"] for n in notices()] == ["mandate.revoked"]
    with pytest.raises(Conflict) as again:
        mandate_revoke(mandate=revoked, actor=actor_of(user("mother")))
    assert again.value.code == "transition_not_allowed"


def test_a_request_is_refused_not_revoked(asked: Mandate, user: Users) -> None:
    with pytest.raises(Conflict):
        mandate_revoke(mandate=asked, actor=actor_of(user("mother")))


@pytest.mark.parametrize("decide", [mandate_confirm, mandate_refuse, mandate_revoke])
def test_only_the_principal_decides(
    asked: Mandate, granted: Callable[..., Mandate], user: Users, decide: Callable[..., Mandate]
) -> None:
    target = granted() if decide is mandate_revoke else asked
    with pytest.raises(MandateForbidden):  # the agent sees it: 403
        decide(mandate=target, actor=actor_of(user("father")))
    with pytest.raises(MandateForbidden):  # the administrator sees everything but decides nothing for her
        decide(mandate=target, actor=actor_of(user("admin")))
    with pytest.raises(NotFound):  # a stranger does not learn it exists
        decide(mandate=target, actor=actor_of(user("enterprise")))
    target.refresh_from_db()
    assert target.version == 1


def test_a_stale_version_is_a_conflict(asked: Mandate, user: Users) -> None:
    with pytest.raises(Conflict) as caught:
        mandate_confirm(mandate=asked, actor=actor_of(user("mother")), expected_version=7)
    assert caught.value.code == "stale_version" and caught.value.detail.field == "expected_version"


def test_a_request_past_its_period_cannot_be_confirmed(asked: Mandate, user: Users) -> None:
    with clock.frozen(clock.now() + timedelta(days=20)), pytest.raises(Conflict) as caught:
        mandate_confirm(mandate=asked, actor=actor_of(user("mother")))
    assert caught.value.code == "mandate_lapsed"
