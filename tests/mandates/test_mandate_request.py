"""mandate_request: the signed-in agent asks; nothing is granted until the principal confirms; she is told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.mandates.conftest import BUNDLE, days
from yijianshi.accounts.demo import ENTERPRISE_USCC, FATHER_ID, MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import make_resident_id
from yijianshi.mandates.models import Mandate
from yijianshi.mandates.services import mandate_request

pytestmark = pytest.mark.django_db
Users = Callable[[str], User]


def ask(actor: User, **terms: Any) -> Mandate:
    args: dict[str, Any] = {
        "principal_type": "person",
        "principal_id_number": MOTHER_ID,
        "principal_name": "王芳",
        "scope": "bundles",
        "bundle_codes": [BUNDLE],
        "abilities": ["apply"],
        "valid_to": days(10),
        **terms,
    }
    return mandate_request(actor=actor_of(actor), **args)


def test_a_request_awaits_the_principal_who_is_told(
    newborn: None, user: Users, notices: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        m = ask(user("father"), agent_kind="village_assistant")
    assert (m.status, m.method, m.decided_at) == ("requested", "requested", None)
    assert m.principal_user == user("mother") and m.agent_user == user("father") and m.agent_name == "李强"
    assert m.agent_kind == "village_assistant"
    [told] = notices()
    assert told["event"] == "mandate.requested" and told["name"] == "王芳" and "李强" in told["body_zh"]
    assert "确认" in told["body_zh"] and "confirm" in told["body_en"].lower()


def test_an_enterprise_can_be_asked(newborn: None, user: Users) -> None:
    m = ask(
        user("father"),
        principal_type="enterprise",
        principal_id_number="",
        principal_uscc=ENTERPRISE_USCC,
        principal_name="陵川县示例餐饮有限公司",
        agent_kind="enterprise_staff",
    )
    assert (m.principal_type, m.principal_id, m.principal_user) == (
        "enterprise",
        ENTERPRISE_USCC,
        user("enterprise"),
    )


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        ({"principal_name": "王芳芳"}, "principal_unknown"),  # the number and the name must belong together
        (
            {"principal_id_number": make_resident_id("140524", date(1986, 4, 5), 33)},
            "principal_unknown",
        ),  # no account
        ({"principal_id_number": FATHER_ID, "principal_name": "李强"}, "agent_is_principal"),
        ({"principal_type": "alien"}, "invalid_choice"),
        ({"agent_kind": "service_point"}, "invalid_choice"),
        ({"abilities": []}, "invalid_abilities"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_written(
    newborn: None, user: Users, terms: dict[str, Any], code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        ask(user("father"), **terms)
    assert caught.value.code == code
    assert not Mandate.objects.exists()


def test_the_same_answer_whether_the_number_or_the_name_is_wrong(newborn: None, user: Users) -> None:
    stranger = make_resident_id("140524", date(1986, 4, 5), 33)
    with pytest.raises(DomainError) as wrong_name:
        ask(user("father"), principal_name="王芳芳")
    with pytest.raises(DomainError) as no_account:
        ask(user("father"), principal_id_number=stranger)
    assert wrong_name.value.detail.zh.replace(MOTHER_ID[:3], "").count("实名账号") == 1
    assert (wrong_name.value.code, wrong_name.value.detail.field) == (
        no_account.value.code,
        no_account.value.detail.field,
    )
