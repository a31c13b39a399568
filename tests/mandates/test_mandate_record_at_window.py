"""mandate_record_at_window: a clerk, after checking the principal in person, records a mandate with the way they
checked and the evidence; the clerk and the place come from the clerk's account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.mandates.conftest import BUNDLE, days
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.accounts.models import Profile, Role
from yijianshi.accounts.roles import actor_of
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import make_resident_id
from yijianshi.mandates.models import Mandate
from yijianshi.mandates.permissions import MandateForbidden, visible_mandates
from yijianshi.mandates.services import mandate_record_at_window

pytestmark = pytest.mark.django_db
Users = Callable[[str], User]


def record(actor: User, **terms: Any) -> Mandate:
    args: dict[str, Any] = {
        "principal_type": "person",
        "principal_id_number": MOTHER_ID,
        "principal_name": "王芳",
        "verification": "id_card_read",
        "evidence": "读卡器核验通过，流水号 R-0001",
        "agent_id_number": FATHER_ID,
        "agent_name": "李强",
        "scope": "bundles",
        "bundle_codes": [BUNDLE],
        "abilities": ["apply", "receive"],
        "valid_to": days(60),
        **terms,
    }
    return mandate_record_at_window(actor=actor_of(actor), **args)


def test_recorded_with_the_clerk_the_place_and_the_evidence(
    newborn: None, user: Users, notices: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clerk = user("clerk")
    hall = Profile.objects.get(user=clerk).service_point
    with django_capture_on_commit_callbacks(execute=True):
        m = record(clerk, verification="face_check", evidence="人脸比对通过，相似度 0.97")
    assert (m.status, m.method, m.recorded_at_point, m.created_by) == ("active", "window", hall, clerk)
    assert m.principal_user == user("mother") and m.agent_user == user("father")
    assert m.evidence["verification"] == "face_check" and m.evidence["detail"] == "人脸比对通过，相似度 0.97"
    assert m.evidence["clerk"] == {"user_id": clerk.pk, "username": "clerk", "name": "张敏"}
    assert hall is not None and m.evidence["service_point"] == {"code": hall.code, "name": hall.name}
    assert m.events.get().new["evidence"]["verification"] == "face_check"
    told = {n["event"]: n for n in notices()}
    assert set(told) == {"mandate.recorded", "mandate.granted"}
    assert told["mandate.recorded"]["name"] == "王芳" and "撤销" in told["mandate.recorded"]["body_zh"]
    # the clerk's point sees what it recorded; the other town's clerk does not
    assert visible_mandates(actor_of(clerk)).filter(pk=m.pk).exists()
    assert not visible_mandates(actor_of(user("clerk_town"))).filter(pk=m.pk).exists()


def test_a_principal_without_an_account_finds_it_once_signed_up(newborn: None, user: Users) -> None:
    elder = make_resident_id("140524", date(1986, 6, 1), 27)
    m = record(
        user("clerk_town"),
        principal_id_number=elder,
        principal_name="李秀兰",
        verification="paper_authorisation",
        evidence="授权委托书扫描件 WT-2026-0042",
    )
    assert m.principal_user is None
    newcomer = User.objects.create(username="lixiulan")
    Profile.objects.create(user=newcomer, role=Role.APPLICANT, name="李秀兰", id_number=elder)
    assert list(visible_mandates(actor_of(newcomer))) == [m]


def test_the_service_point_as_agent_defaults_to_the_clerk_s_own(newborn: None, user: Users) -> None:
    m = record(user("clerk_town"), agent_kind="service_point", agent_id_number="", agent_name="")
    assert m.agent_service_point == Profile.objects.get(user__username="clerk_town").service_point


@pytest.mark.parametrize(
    ("terms", "code", "field"),
    [
        ({"verification": "phone_call"}, "invalid_choice", "verification"),
        ({"evidence": "  "}, "required", "evidence"),
        ({"evidence": "x" * 1001}, "max_length", "evidence"),
        ({"evidence": "ok\u202e"}, "invalid_characters", "evidence"),
        ({"principal_id_number": MOTHER_ID[:-1] + "0"}, "id_number_bad_check_digit", "principal.id_number"),
        ({"principal_name": ""}, "required", "principal.name"),
        ({"agent_name": "张三"}, "agent_unknown", "agent.id_number"),
    ],
)
def test_bad_records_are_refused(
    newborn: None, user: Users, terms: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        record(user("clerk"), **terms)
    assert (caught.value.code, caught.value.detail.field) == (code, field)
    assert not Mandate.objects.exists()


@pytest.mark.parametrize("who", ["mother", "officer_health", "admin"])
def test_only_a_clerk_records(newborn: None, user: Users, who: str) -> None:
    with pytest.raises(MandateForbidden):
        record(user(who))
