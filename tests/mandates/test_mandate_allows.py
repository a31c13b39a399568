"""`mandate_allows` and `mandates_in_force`: the one question every face asks of the register when someone reads
or acts for another (cases/permissions.py asks it for each application an agent filed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.mandates.conftest import BUNDLE, days
from tests.support.catalogue import load_bundles
from tests.support.factories import catalogue_snapshot
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.core import clock
from yijianshi.mandates.models import Mandate
from yijianshi.mandates.selectors import mandate_allows, mandates_in_force
from yijianshi.mandates.services import mandate_revoke

pytestmark = pytest.mark.django_db
Users = Callable[[str], User]


def allows(agent: User, ability: str, **what: Any) -> Mandate | None:
    args: dict[str, Any] = {
        "principal_type": "person",
        "principal_id": MOTHER_ID,
        "bundle_code": BUNDLE,
        "ability": ability,
        **what,
    }
    return mandate_allows(agent_user_id=agent.pk, **args)


def test_each_ability_is_granted_on_its_own(granted: Callable[..., Mandate], user: Users) -> None:
    father = user("father")
    assert allows(father, "follow") is None  # nothing yet
    m = granted(abilities=["apply"])
    assert allows(father, "apply") == m
    assert allows(father, "follow") is None and allows(father, "receive") is None
    both = granted(abilities=["follow", "receive"])
    assert allows(father, "follow") == both and allows(father, "receive") == both


def test_revoked_expired_and_not_yet_valid_mandates_allow_nothing(
    granted: Callable[..., Mandate], user: Users
) -> None:
    father = user("father")
    m = granted()
    assert allows(father, "follow") == m
    assert allows(father, "follow", at=clock.now() + timedelta(days=31)) is None  # expired by its dates
    mandate_revoke(mandate=m, actor=user("mother"))
    assert allows(father, "follow") is None
    later = granted(valid_from=days(5), valid_to=days(10))
    assert allows(father, "follow") is None
    assert allows(father, "follow", at=clock.now() + timedelta(days=6)) == later


def test_the_scope_by_bundle_and_by_items(granted: Callable[..., Mandate], user: Users) -> None:
    load_bundles("140524-01")
    father = user("father")
    granted(bundle_codes=["140524-01"])
    assert allows(father, "follow") is None  # another bundle
    a, b, c = [it["ref"] for it in catalogue_snapshot()["items"]][:3]
    some = granted(scope="items", bundle_codes=[], item_refs=[a, b])
    assert allows(father, "follow", item_refs=[a, b]) == some
    assert allows(father, "follow", item_refs=[a, c]) is None  # not every item
    everything = granted(scope="all", bundle_codes=[])
    assert allows(father, "follow", item_refs=[a, c]) == everything


def test_only_the_agent_and_only_for_that_principal(granted: Callable[..., Mandate], user: Users) -> None:
    granted()
    assert allows(user("enterprise"), "follow") is None
    assert allows(user("father"), "follow", principal_id=MOTHER_ID[:-2] + "00") is None


def test_the_register_is_read_once_however_many_questions(
    granted: Callable[..., Mandate], user: Users
) -> None:
    granted()
    granted(abilities=["receive"], scope="all", bundle_codes=[])
    father = user("father")
    with CaptureQueriesContext(connection) as ctx:
        held = mandates_in_force(agent_user_id=father.pk)
        answers = [
            held.allows(principal_type="person", principal_id=MOTHER_ID, ability=a, bundle_code=b)
            for a in ("apply", "follow", "receive")
            for b in (BUNDLE, "140524-01")
        ]
    assert len(ctx.captured_queries) == 1
    assert [a is not None for a in answers] == [True, False, True, False, True, True]
    assert held.principals == {("person", MOTHER_ID)}
