"""mandate_grant: the signed-in principal lets an agent act for them; active at once; the agent is told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.mandates.conftest import BUNDLE, days, today
from yijianshi.accounts.demo import ENTERPRISE_USCC, FATHER_ID, MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.core import clock
from yijianshi.core.errors import DomainError
from yijianshi.mandates.models import Mandate, MandateEvent
from yijianshi.mandates.permissions import MandateForbidden
from yijianshi.mandates.services import mandate_grant

pytestmark = pytest.mark.django_db
Users = Callable[[str], User]


def test_the_principal_comes_from_the_account_and_the_agent_is_told(
    granted: Callable[..., Mandate], user: Users, notices: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        m = granted()
    assert m.status == "active" and m.version == 1 and m.method == "granted" and m.number.startswith("WT")
    assert (m.principal_type, m.principal_id, m.principal_name, m.principal_user) == (
        "person",
        MOTHER_ID,
        "王芳",
        user("mother"),
    )
    assert m.agent_user == user("father") and m.agent_kind == "person" and m.agent_name == "李强"
    assert m.bundle_codes == [BUNDLE] and m.abilities == ["apply", "follow"] and m.item_refs == []
    assert m.evidence == {"granted_by": {"user_id": user("mother").pk, "username": "mother"}}
    event = MandateEvent.objects.get(mandate=m)
    assert (event.type, event.actor, event.to_status) == ("created", user("mother"), "active")
    assert event.new["bundle_codes"] == [BUNDLE] and event.new["method"] == "granted"
    told = notices()
    assert [(n["event"], n["name"], n["reference"]) for n in told] == [("mandate.granted", "李强", m.number)]


def test_validity_is_whole_days_in_beijing_time(granted: Callable[..., Mandate]) -> None:
    with clock.frozen(datetime(2026, 11, 16, 2, 0, tzinfo=UTC)):  # Monday 10:00 in Beijing
        m = granted(valid_to=days(2))
    assert m.valid_from == datetime(2026, 11, 15, 16, 0, tzinfo=UTC)  # 16 November, 00:00 Beijing
    assert m.valid_to == datetime(2026, 11, 18, 16, 0, tzinfo=UTC)  # the end of 18 November
    assert m.valid_until == "2026-11-18"


def test_an_enterprise_grants_for_itself(granted: Callable[..., Mandate]) -> None:
    m = granted(principal="enterprise")
    assert (m.principal_type, m.principal_id, m.principal_name) == (
        "enterprise",
        ENTERPRISE_USCC,
        "陵川县示例餐饮有限公司",
    )


def test_a_service_point_can_be_the_agent(granted: Callable[..., Mandate], user: Users) -> None:
    from yijianshi.accounts.models import Profile

    hall = Profile.objects.get(user__username="clerk").service_point
    assert hall is not None
    m = granted(agent_kind="service_point", agent_service_point=hall.code, agent_id_number="", agent_name="")
    assert m.agent_user is None and m.agent_service_point == hall and m.agent_name == hall.name


class InDays(int):
    """A date given as days from today, resolved when the test runs."""


@pytest.mark.parametrize(
    ("terms", "code", "field"),
    [
        ({"agent_name": "李四"}, "agent_unknown", "agent.id_number"),  # the number and the name must match
        ({"agent_id_number": MOTHER_ID, "agent_name": "王芳"}, "agent_is_principal", "agent"),
        ({"agent_id_number": "123"}, "id_number_bad_length", "agent.id_number"),
        ({"agent_kind": "robot"}, "invalid_choice", "agent.kind"),
        ({"scope": "some"}, "invalid_choice", "scope"),
        ({"bundle_codes": []}, "bundles_required", "bundles"),
        ({"bundle_codes": ["140524-99"]}, "unknown_bundle", "bundles"),
        ({"scope": "items", "item_refs": []}, "items_required", "items"),
        ({"scope": "items", "item_refs": ["no_such_item"]}, "unknown_item", "items"),
        ({"abilities": []}, "invalid_abilities", "abilities"),
        ({"abilities": ["apply", "sign"]}, "invalid_abilities", "abilities"),
        ({"valid_to": None}, "required", "valid_to"),
        ({"valid_from": InDays(-1)}, "valid_from_past", "valid_from"),
        ({"valid_from": InDays(5), "valid_to": InDays(4)}, "valid_to_before_valid_from", "valid_to"),
        ({"valid_to": InDays(3 * 366)}, "too_long", "valid_to"),
    ],
)
def test_bad_terms_are_refused_naming_the_field_and_nothing_is_written(
    granted: Callable[..., Mandate], terms: dict[str, Any], code: str, field: str
) -> None:
    # Dates are resolved when the test runs, not when it is collected: a run that crosses local midnight
    # between the two would otherwise shift "today" under the parameters.
    terms = {name: days(v) if isinstance(v, InDays) else v for name, v in terms.items()}
    with pytest.raises(DomainError) as caught:
        granted(**terms)
    assert (caught.value.code, caught.value.detail.field) == (code, field)
    assert caught.value.detail.zh and caught.value.detail.en
    assert not Mandate.objects.exists() and not MandateEvent.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "officer_health", "admin", "auditor"])
def test_only_an_applicant_grants(newborn: None, user: Users, who: str) -> None:
    with pytest.raises(MandateForbidden) as caught:
        mandate_grant(
            actor=actor_of(user(who)),
            agent_id_number=FATHER_ID,
            agent_name="李强",
            scope="all",
            abilities=["apply"],
            valid_to=today(),
        )
    assert caught.value.status == 403 and caught.value.code == "forbidden_role"
