"""The window clerk takes in a walk-in applicant at the counter (look up by identity number, the same prefill,
paper materials, authorisation), and the remaining key pages pass axe-core: my applications, who read my data,
the administration's overdue view, the reform figures."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Browser, Page, expect

from .conftest import Portal, axe_check, shot, sign_in
from .flows import NEWBORN, apply_online, intake, person


def test_a_walk_in_applicant_is_taken_in_at_the_counter(page: Page, portal: Portal) -> None:
    from yijianshi.accounts.demo import MOTHER_ID
    from yijianshi.cases.models import Application

    started = time.monotonic()
    sign_in(page, portal, "clerk")
    page.goto(portal("/workbench/window/"))
    page.get_by_role("link", name="现场申请：为来窗群众办理").click()
    page.wait_for_load_state("domcontentloaded")
    # a wrong identity number is refused next to its field, the other values kept
    page.get_by_label(re.compile("公民身份号码")).fill(
        MOTHER_ID[:-1] + ("0" if MOTHER_ID[-1] != "0" else "1")
    )
    page.get_by_label(re.compile("姓名")).fill("王芳")
    page.get_by_label(re.compile("一件事")).select_option(NEWBORN)
    page.get_by_role("button", name="查询并预填").click()
    page.wait_for_load_state("domcontentloaded")
    id_field = page.locator(".field.has-error").filter(has=page.get_by_label(re.compile("公民身份号码")))
    expect(id_field.locator(".errorlist")).not_to_be_empty()
    expect(page.get_by_label(re.compile("姓名"))).to_have_value("王芳")
    shot(page, "60-counter-start-error")
    axe_check(page, "counter start (error)")
    page.get_by_label(re.compile("公民身份号码")).fill(MOTHER_ID)
    page.get_by_label(re.compile("身份证读卡核验")).check()  # how she was verified, before anything is read
    page.get_by_role("button", name="查询并预填").click()
    page.wait_for_load_state("domcontentloaded")
    # the same prefill as online, each prefilled field with its source
    form = page.locator("#apply-form")
    expect(form.locator("[name='f.mother.name']")).to_have_value("王芳")
    expect(
        form.locator(".field").filter(has=page.locator("[name='f.child.birth_hospital']")).locator(".src")
    ).to_contain_text("birth")
    for key, value in (
        ("child.name", "李小宝"),
        ("child.residence_address", "山西省晋城市陵川县崇文镇和平街12号"),
        ("mother.phone", "13800138000"),
        ("child.ethnicity", "汉族"),
        ("household.relation_to_head", "子"),
        ("medical_enrolment.contribution_year", "2026"),
    ):
        form.locator(f"[name='f.{key}']").fill(value)
    for key, value in (
        ("child.guardian_relationship", "母亲"),
        ("delivery.method", "窗口领取"),
        ("medical_enrolment.category", "新生儿"),
    ):
        form.locator(f"[name='f.{key}']").select_option(value)
    # the paper record handed in, the registration form replaced by her signed commitment, identity seen
    form.locator("input[name=materials][value='child.birth_vaccination_record']").check()
    form.locator("input[name=commitments][value='birth.first_issue_form']").check()
    form.get_by_label(re.compile("当面核验身份")).check()
    shot(page, "61-counter-form")
    axe_check(page, "counter form")
    form.get_by_role("button", name="代为提交申请").click()
    page.wait_for_load_state("domcontentloaded")
    assert "/workbench/window/applications/" in page.url, page.locator("main").inner_text()[:500]
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    app = Application.objects.get(number=number)
    assert app.channel == "window" and app.party_id == MOTHER_ID and app.agent_id is not None
    expect(page.locator("#completeness")).to_have_class(re.compile("ok"))
    intake(page, portal, number)
    expect(page.locator("#documents a[data-kind='receipt']")).to_have_count(1)
    shot(page, "62-counter-received")
    elapsed = time.monotonic() - started
    print(f"counter intake, from the queue to the receipt: {elapsed:.1f}s")
    assert elapsed < 180, "a walk-in applicant's bundle is taken in within a few minutes"


def test_the_other_key_pages_pass_axe(page: Page, browser: Browser, portal: Portal) -> None:
    sign_in(page, portal, "mother")
    number = apply_online(page, portal)
    page.goto(portal("/me/"))
    expect(page.get_by_role("link", name=re.compile(number))).to_be_visible()
    shot(page, "70-my-applications")
    axe_check(page, "my applications")
    page.goto(portal("/me/data-reads/"))
    expect(page.locator("main")).to_contain_text(re.compile("人口基础信息库|population"))
    shot(page, "71-who-read-my-data")
    axe_check(page, "who read my data")
    page.goto(portal("/figures/"))
    shot(page, "72-figures")
    axe_check(page, "reform figures")
    # the pages an applicant may not see answer 404, never another person's data
    father = person(browser, portal, "father")
    assert father.goto(portal(f"/me/applications/{number}/")).status == 404  # type: ignore[union-attr]
    assert father.goto(portal("/workbench/window/")).status in (403, 404)  # type: ignore[union-attr]
    father.context.close()
    clerk = person(browser, portal, "clerk")
    intake(clerk, portal, number)
    clerk.context.close()
    admin = person(browser, portal, "admin")
    admin.goto(portal("/workbench/admin/"))
    expect(admin.get_by_role("heading", level=1)).to_be_visible()
    shot(admin, "73-admin-overdue")
    axe_check(admin, "administration: overdue and escalated")
    admin.context.close()
