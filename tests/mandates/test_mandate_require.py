"""The guard (`mandate_require`), the selectors it stands on, and `mandate_use` (the use in the history, the
principal told; a revocation committed meanwhile wins)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.mandates.conftest import BUNDLE, days
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.accounts.models import Profile
from yijianshi.accounts.roles import actor_of
from yijianshi.core import clock
from yijianshi.mandates.models import Mandate
from yijianshi.mandates.permissions import MandateRequired, mandate_require
from yijianshi.mandates.selectors import mandate_covering, mandates_of_agent, mandates_of_principal
from yijianshi.mandates.services import mandate_revoke, mandate_use

pytestmark = pytest.mark.django_db
Users = Callable[[str], User]


def require(agent: User, **what: Any) -> Mandate:
    args: dict[str, Any] = {
        "party_type": "person",
        "party_id": MOTHER_ID,
        "bundle_code": BUNDLE,
        "ability": "apply",
        **what,
    }
    return mandate_require(agent_user=agent, **args)


def reason(agent: User, **what: Any) -> str:
    with pytest.raises(MandateRequired) as caught:
        require(agent, **what)
    assert caught.value.status == 403 and caught.value.code == "mandate_required"
    assert caught.value.detail.field == "on_behalf_of"
    return str(caught.value.details[0].code)


def test_the_covering_mandate_is_found_and_every_gap_is_named(
    granted: Callable[..., Mandate], user: Users
) -> None:
    father = user("father")
    assert reason(father) == "mandate_none"
    m = granted()
    assert require(father) == m
    assert (
        mandate_covering(
            agent_user=father,
            party_type="person",
            party_id=MOTHER_ID,
            bundle_code=BUNDLE,
            ability="apply",
            at=clock.now(),
        )
        == m
    )
    assert reason(father, ability="receive") == "mandate_ability"
    assert reason(father, bundle_code="140524-01") == "mandate_out_of_scope"
    assert reason(user("enterprise")) == "mandate_none"  # someone else's mandate is no one else's
    assert reason(father, party_id=MOTHER_ID[:-2] + "00") == "mandate_none"
    assert reason(father, at=clock.now() + timedelta(days=31)) == "mandate_expired"
    mandate_revoke(mandate=m, actor=actor_of(user("mother")))
    assert reason(father) == "mandate_revoked"
    later = granted(valid_from=days(5), valid_to=days(10))
    assert later.status == "active"
    assert reason(father) == "mandate_not_yet"  # closer than the revoked one


def test_the_closest_gap_is_reported_among_several(granted: Callable[..., Mandate], user: Users) -> None:
    old = granted()
    mandate_revoke(mandate=old, actor=actor_of(user("mother")))
    assert reason(user("father")) == "mandate_revoked"
    granted(abilities=["follow"])
    assert reason(user("father")) == "mandate_ability"  # closer than the revoked one


def test_a_service_point_s_mandate_covers_its_clerks(granted: Callable[..., Mandate], user: Users) -> None:
    hall = Profile.objects.get(user__username="clerk").service_point
    assert hall is not None
    m = granted(agent_kind="service_point", agent_service_point=hall.code)
    assert require(user("clerk")) == m
    assert reason(user("clerk_town")) == "mandate_none"
    assert list(mandates_of_agent(user=user("clerk"))) == [m] and not mandates_of_agent(
        user=user("clerk_town")
    )


def test_the_selectors_list_each_side(
    granted: Callable[..., Mandate], user: Users, django_assert_max_num_queries: Any
) -> None:
    ms = [granted(), granted(abilities=["follow"])]
    with django_assert_max_num_queries(1):
        assert [m.agent_name for m in mandates_of_principal(party_type="person", party_id=MOTHER_ID)] == [
            "李强"
        ] * 2
    assert set(mandates_of_agent(user=user("father"))) == set(ms)
    assert not mandates_of_agent(user=user("mother"))
    father = user("father")
    with django_assert_max_num_queries(2):  # the agent's profile, the candidates
        require(father)


def test_a_use_is_recorded_and_the_principal_told(
    granted: Callable[..., Mandate], user: Users, notices: Any, django_capture_on_commit_callbacks: Any
) -> None:
    m = granted()
    with django_capture_on_commit_callbacks(execute=True):
        mandate_use(
            mandate=m,
            actor=actor_of(user("father")),
            ability="apply",
            bundle_code=BUNDLE,
            item_refs=["b", "a"],
        )
    event = m.events.order_by("pk").last()
    assert event is not None and (event.type, event.actor, event.new) == (
        "used",
        user("father"),
        {"ability": "apply", "bundle": BUNDLE, "items": ["a", "b"]},
    )
    [told] = notices()
    assert (told["event"], told["name"], told["reference"]) == ("mandate.used", "王芳", m.number)
    assert "李强" in told["body_zh"] and "谁查看了我的数据" in told["body_zh"]


def test_a_revocation_between_the_check_and_the_use_wins(
    granted: Callable[..., Mandate], user: Users
) -> None:
    m = granted()
    found = require(user("father"))
    mandate_revoke(mandate=m, actor=actor_of(user("mother")))
    with pytest.raises(MandateRequired) as caught:
        mandate_use(mandate=found, actor=actor_of(user("father")), ability="apply", bundle_code=BUNDLE)
    assert caught.value.details[0].code == "mandate_revoked"
    assert not m.events.filter(type="used").exists()
