"""The demo reaches beyond 陵川县 (issue 18 point 9): an applicant, an enterprise, a clerk and officers in 十堰市
and 新乡县, whose forms shared data prefills, as a newcomer finds them after `yijianshi demo`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import web_client
from tests.support.catalogue import load_bundles, shipped
from yijianshi.accounts.demo import REGIONAL_DEMO, create_demo_accounts
from yijianshi.accounts.models import Profile, Role
from yijianshi.cases.models import ItemCase
from yijianshi.datahub.demo import demo_data_seed
from yijianshi.web.demo_cases import seed_overdue_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions() -> None:
    load_bundles("410721-13", region="410721")  # 退休, 新乡县
    load_bundles("420300-03", region="420300")  # 开办餐饮店, 十堰市
    create_demo_accounts()
    demo_data_seed(persons=30, enterprises=4)


def test_each_region_has_its_applicants_clerk_and_officers(regions: None) -> None:
    profiles = {p.user.username: p for p in Profile.objects.select_related("user", "service_point__region")}
    for username, region in (("clerk_sy", "420300"), ("clerk_xx", "410721")):
        assert (
            profiles[username].role == Role.CLERK and profiles[username].service_point.region.code == region
        )
    for username, region in (
        ("officer_sy_market_regulation", "420300"),
        ("officer_sy_fire", "420300"),
        ("officer_xx_hrss", "410721"),
    ):
        assert profiles[username].role == Role.OFFICER and profiles[username].department.region.code == region
    for person in REGIONAL_DEMO:
        assert profiles[person.username].role == Role.APPLICANT
        assert profiles[person.username].id_number == person.id_number


def form_step(username: str, region: str, bundle: str) -> str:
    """The wizard's form step after answering the situation questions with their defaults."""
    [definition] = [b for b in shipped().regions[region]["bundles"] if b["code"] == bundle]
    answers = {
        s["code"]: s.get("default", s["options"][0]["value"]) for s in definition.get("situations", [])
    }
    client = web_client(username)
    step = client.post(f"/bundles/{bundle}/apply/", {"step": "situation", **answers})
    assert step.status_code == 302 and step["Location"].endswith("?step=form"), step.content.decode()[-2000:]
    page = client.get(f"/bundles/{bundle}/apply/?step=form")
    assert page.status_code == 200
    return page.content.decode()


def test_the_retiree_of_xinxiang_finds_his_form_prefilled(regions: None) -> None:
    html = form_step("applicant_xx", "410721", "410721-13")
    assert "新乡县示例运输有限公司" in html  # his employer, from social insurance


def test_the_shiyan_restaurant_applies_as_its_enterprise(regions: None) -> None:
    html = form_step("enterprise_sy", "420300", "420300-03")
    assert (
        "湖北省十堰市张湾区车城路118号" in html
    )  # the enterprise register (the header names it from the profile)


def test_the_demo_has_overdue_and_escalated_cases(db: None, signed_in: Any) -> None:
    load_bundles("140524-21", "140524-15")
    create_demo_accounts()
    demo_data_seed(persons=80, enterprises=4)
    numbers = seed_overdue_cases()
    assert len(numbers) == 2 and seed_overdue_cases() == []  # once
    cases = ItemCase.objects.filter(application__number__in=numbers)
    assert cases.exists() and all(c.overdue and c.escalation_level >= 1 for c in cases)
    page = signed_in("admin").get("/workbench/admin/").content.decode()
    assert all(number in page for number in numbers)
