"""The guide for people (issue 18 point 1): time limits as dates on the working-day calendar, waivers written
as conditions for anyone and shown as granted only for the applicant they hold for (the same wording in the
guide, its print and the application), the answers carried from the guide to its simple view, print and the
application, and where to go with the lead department's telephone numbers."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.test import Client

from tests.support.api import WebClients as Clients
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.guide import guide_compute
from yijianshi.catalog.selectors import published_version
from yijianshi.core import clock
from yijianshi.web.templatetags.guide import deadline_text, workdays_ahead_of

pytestmark = pytest.mark.django_db
GUIDE = "/bundles/140524-09/"
FRIDAY = datetime.fromisoformat("2026-12-11T10:00:00+08:00")
MONDAY = datetime.fromisoformat("2026-12-07T10:00:00+08:00")


def test_a_time_limit_is_a_date_with_its_weekday() -> None:
    with clock.frozen(FRIDAY):
        assert workdays_ahead_of(2) == date(2026, 12, 15)  # over the weekend
        assert deadline_text(date(2026, 12, 15), english=False) == "12月15日（星期二）"
        assert deadline_text(date(2026, 12, 15), english=True) == "Tue 15 Dec"
        assert deadline_text(date(2027, 1, 4), english=False) == "2027年1月4日（星期一）"


def test_the_guide_gives_the_day_it_should_be_done(newborn: None, client: Client) -> None:
    with clock.frozen(MONDAY):
        page = client.get(GUIDE).content.decode()
    # the day of acceptance (004 annex 3), then seven working days, from Monday 7 December (over a weekend): the
    # same count as the application's own expected date (cases/progress.py expected_conclusion); each item's too
    assert "预计 12月17日（星期四）前办结" in page
    assert "第3个工作日开始，第7个工作日内完成" in page and "预计 12月9日（星期三）前办结" in page
    assert "法定 20个工作日" in page and "承诺 1个工作日" in page


def test_a_waiver_is_a_condition_for_anyone(newborn: None, client: Client) -> None:
    page = client.get(GUIDE).content.decode()
    assert "已有电子居民身份证的，免提交" in page and "能通过人口基础信息库核验的，免提交" in page
    assert "您已有" not in page
    # what holds for anyone is granted: the result of an earlier item of the same application
    assert "由本件“《出生医学证明》办理(首签)”的办理结果代替，无需提交" in page
    simple = client.get(GUIDE + "?view=simple").content.decode()
    assert "已有电子居民身份证的，免提交" in simple and "您已有" not in simple


def test_the_catalogue_view_assumes_waivers_that_the_guide_does_not_promise(newborn: None) -> None:
    version = published_version("140524-09")
    assert version is not None
    guide = guide_compute(version=version, answers={}, actor=actor_of(None))
    optimistic = {m.code for m in guide.result.materials.entries if m.waiver}
    needs = {n.code: n for n in guide.needs()}
    assert optimistic, "the figures count every stand-in"
    by_licence = [c for c in optimistic if needs[c].entry.waiver.kind == "licence"]  # type: ignore[union-attr]
    assert by_licence
    for code in by_licence:  # promised to anyone only when an earlier item's result stands in for it
        need = needs[code]
        assert (need.granted is None and need.conditions) or (need.granted or ("",))[0].startswith("由本件")


def test_a_waiver_is_granted_for_the_applicant_who_holds_the_licence(
    family: None, signed_in: Clients
) -> None:
    mother = signed_in("mother")
    page = mother.get(GUIDE).content.decode()
    assert "您已有电子居民身份证，无需提交" in page
    # the application's materials step says it the same way
    mother.post(
        "/bundles/140524-09/apply/",
        {"step": "situation", "under_one": "yes", "in_wedlock": "yes", "local_household": "yes"},
    )
    mother.get("/bundles/140524-09/apply/?step=form")
    materials = mother.get("/bundles/140524-09/apply/?step=materials").content.decode()
    assert "您已有电子居民身份证，无需提交" in materials


def test_the_answers_go_with_the_reader(newborn: None, client: Client, signed_in: Clients) -> None:
    answers = "under_one=no&in_wedlock=yes&local_household=yes"
    page = client.get(f"{GUIDE}?{answers}").content.decode()
    assert f'href="/bundles/140524-09/apply/?{answers.replace("&", "&amp;")}"' in page
    assert f'href="?view=simple&amp;{answers.replace("&", "&amp;")}"' in page
    simple = client.get(f"{GUIDE}?view=simple&{answers}").content.decode()
    assert (
        "本县户口登记" not in simple.split("要准备的材料")[0]
    )  # excluded by the answer, in the simple view too
    assert f'href="?view=full&amp;{answers.replace("&", "&amp;")}"' in simple
    # the application starts from the answers given on the guide
    wizard = signed_in("mother").get(f"/bundles/140524-09/apply/?{answers}").content.decode()
    assert 'name="under_one" value="no" checked' in wizard


def test_where_to_go_gives_the_lead_department_and_its_telephones(newborn: None, client: Client) -> None:
    page = client.get(GUIDE).content.decode()
    where = page.split("办理地点和咨询电话")[1]
    assert "卫生健康部门" in where  # the lead department, by name
    assert "咨询电话：" in where and "0356-62" in where and "示例号码" in where  # invented: said so
    assert '监督投诉电话：<a href="tel:12345">12345</a>' in where
    assert "陵川县政务服务中心" in where and "办公时间：" in where and "地址：" in where
    assert "设定依据：《中华人民共和国母婴保健法》" in page and "收费：首次申领不收费" in page


def test_the_draft_is_kept_across_sign_ins_for_the_same_applicant_only(
    family: None, signed_in: Clients
) -> None:
    first = signed_in("mother")
    first.post(
        "/bundles/140524-09/apply/",
        {"step": "situation", "under_one": "no", "in_wedlock": "yes", "local_household": "yes"},
    )
    first.logout()  # the session is gone
    again = signed_in("mother").get("/bundles/140524-09/apply/").content.decode()
    assert 'name="under_one" value="no" checked' in again  # her answer, from the kept draft
    other = signed_in("father").get("/bundles/140524-09/apply/").content.decode()
    assert 'name="under_one" value="yes" checked' in other  # nobody else's draft


def test_the_pinned_waiver_reason_names_the_licence_not_its_code(family: None) -> None:
    from django.contrib.auth.models import User

    from yijianshi.ledger.services import Purpose

    version = published_version("140524-09")
    assert version is not None
    actor = actor_of(User.objects.get(username="mother"))
    guide = guide_compute(
        version=version, answers={}, actor=actor, party=actor.party, purpose=Purpose("prefill", "140524-09")
    )
    reasons = [m["waiver"]["reason_zh"] for m in guide.snapshot()["materials"] if m["waiver"]]
    assert "以电子居民身份证替代，无需提交" in reasons  # what the window and the officers read
    assert not [r for r in reasons if "（" in r or "_" in r], reasons


def test_the_wizards_pages_are_not_kept_for_back(newborn: None, signed_in: Clients) -> None:
    page = signed_in("mother").get("/bundles/140524-09/apply/")
    assert "no-store" in page["Cache-Control"]


def test_the_guide_in_english(newborn: None, client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": GUIDE})
    with clock.frozen(MONDAY):
        page = client.get(GUIDE).content.decode()
    assert "Expected to be done by Thu 17 Dec" in page
    assert "If you already have the e-licence “Resident identity card”, you need not hand it in" in page
    assert "starts on working day 3, done within working day 7" in page and "1 working day" in page
