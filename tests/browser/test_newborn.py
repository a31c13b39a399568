"""The newborn bundle (新生儿出生, 陵川县 140524-09) in a real browser, from the resident's first click on the home
page, through the window clerk and the officers of every department involved, to the licences in her wallet."""

from __future__ import annotations

import re
from graphlib import TopologicalSorter

from playwright.sync_api import Browser, Page, expect

from .conftest import Portal, axe_check, shot, sign_in
from .flows import (
    NEWBORN,
    act,
    answer_situations,
    field_id,
    fill_form,
    intake,
    open_case,
    person,
    provide_materials,
    sign_commitments,
    submit_application,
)


def search(page: Page, words: str) -> None:
    box = page.get_by_role("searchbox", name="搜索办事指南")
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")
    expect(page).to_have_title(re.compile(words))
    expect(page.locator("ol.hits")).to_be_visible()


def test_newborn_from_the_first_click_to_the_wallet(page: Page, browser: Browser, portal: Portal) -> None:
    from django.contrib.auth.models import User

    from yijianshi.cases.models import Application

    # the home page: a resident who has never used the platform
    page.goto(portal("/"))
    expect(page.locator("main")).to_contain_text("新生儿出生")
    shot(page, "01-home")
    axe_check(page, "home")
    # 上户口 (a common word for 户口登记) finds the bundle too
    search(page, "上户口")
    expect(page.locator("ol.hits").get_by_role("link", name="新生儿出生")).to_be_visible()
    # she types 生孩子 (having a baby), not the official name
    search(page, "生孩子")
    hit = page.locator("ol.hits").get_by_role("link", name="新生儿出生")
    expect(hit).to_be_visible()
    shot(page, "02-search-results")
    axe_check(page, "search results")
    hit.click()
    page.wait_for_load_state("domcontentloaded")
    # one guide
    assert page.url.endswith(f"/bundles/{NEWBORN}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("新生儿出生")
    main = page.locator("main")
    for heading in ("受理条件", "一张表单", "一套材料", "办理地点"):
        expect(main.get_by_role("heading", name=re.compile(heading))).to_be_visible()
    assert page.locator("figure.qr svg").count() == 1, "the guide has its QR code, to open it on a phone"
    shot(page, "03-guide")
    axe_check(page, "guide")
    # 在线申请 asks her to sign in first, then brings her back to the application
    page.get_by_role("link", name="在线申请").click()
    page.wait_for_load_state("domcontentloaded")
    assert "/accounts/login/" in page.url
    shot(page, "04-sign-in")
    axe_check(page, "sign-in")
    page.get_by_label("用户名").fill("mother")
    page.get_by_label("密码").fill("yijianshi-demo")
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_load_state("domcontentloaded")
    assert f"/bundles/{NEWBORN}/apply/" in page.url, page.url
    # the situation questions
    answer_situations(page)
    # the merged form, mostly filled in already, each value marked with its source
    assert page.locator(f"#{field_id('mother.name')}").input_value() == "王芳"
    mother_source = (
        page.locator(".field").filter(has=page.locator(f"#{field_id('mother.name')}")).locator(".source")
    )
    expect(mother_source).to_contain_text("来自 人口基础信息库")
    birth = page.locator(".field").filter(has=page.locator(f"#{field_id('child.birth_hospital')}"))
    assert birth.locator("input").input_value() == "陵川县人民医院"
    expect(birth.locator(".source")).to_contain_text("出生医学证明信息库")
    assert page.locator(f"#{field_id('household.number')}").input_value(), "the household number is prefilled"
    prefilled = page.locator("p.source").count()
    blank = [k for k in ("child.name", "mother.phone") if not page.locator(f"#{field_id(k)}").input_value()]
    assert prefilled >= 10 and blank == ["child.name", "mother.phone"], (prefilled, blank)
    shot(page, "05-apply-form")
    axe_check(page, "apply form")
    fill_form(page)
    # materials: those replaced by e-licences or data checks are shown with why; the one still needed is uploaded
    waived = page.locator("fieldset.card").filter(has=page.locator(".waiver-granted"))
    assert waived.count() >= 4, (
        "the identity cards, the marriage certificate and the household register are waived"
    )
    expect(
        page.locator("fieldset.card").filter(has_text="结婚证").locator(".waiver-granted")
    ).to_contain_text(
        "您已有"  # granted for her: the condition holds (cases/guide.py Guide.needs)
    )
    shot(page, "06-apply-materials")
    axe_check(page, "apply materials")
    provide_materials(page)
    shot(page, "07-apply-commitments")
    sign_commitments(page)
    expect(page.locator("main")).to_contain_text("接种记录.pdf")
    shot(page, "08-apply-review")
    number = submit_application(page)
    shot(page, "09-receipt")
    axe_check(page, "receipt")
    app = Application.objects.get(number=number)
    assert app.party_id == User.objects.get(username="mother").profile.id_number

    # the window clerk takes it in (an online application waits in the intake queue)
    assert app.status == "submitted"
    clerk = person(browser, portal, "clerk")
    intake(clerk, portal, number, shots="10")
    axe_check(clerk, "window intake")
    clerk.goto(portal("/workbench/window/"))
    axe_check(clerk, "window queue")
    clerk.context.close()

    # the officers of every department involved decide their parts, prerequisites first
    cases = {c.ref: c for c in app.item_cases.select_related("department")}
    assert len(cases) == 5
    officers = {
        dept: User.objects.get(profile__role="officer", profile__department=dept).username
        for dept in {c.department for c in cases.values()}
    }
    assert sorted(officers.values()) == [
        "officer_health",
        "officer_hrss",
        "officer_medical",
        "officer_police",
    ]
    order = list(TopologicalSorter({ref: set(c.requires) for ref, c in cases.items()}).static_order())
    pages: dict[str, Page] = {}
    shown_queue = False
    for ref in order:
        case = cases[ref]
        username = officers[case.department]
        if username not in pages:
            pages[username] = person(browser, portal, username)
        officer = pages[username]
        if not shown_queue:  # an officer starts the day with the department's queue, by deadline
            officer.goto(portal("/workbench/department/"))
            shot(officer, "11-department-queue")
            axe_check(officer, "department queue")
            shown_queue = True
        open_case(officer, portal, number, case.name)
        assert act(officer, "accept") == "accepted", ref
        if ref == order[0]:
            shot(officer, "12-department-case")
            axe_check(officer, "department case")
        assert act(officer, "approve", result=f"{case.name} 已办结") == "approved", ref
    for officer in pages.values():
        officer.context.close()
    app.refresh_from_db()
    assert app.status == "completed"

    # the mother follows each department's part on the timeline and finds the licences in her wallet
    page.goto(portal(f"/me/applications/{number}/"))
    for case in cases.values():
        card = page.locator(".case").filter(has=page.get_by_role("heading", name=case.name, exact=True))
        expect(card).to_contain_text(case.department.name)
        expect(card.locator("ol.timeline li")).not_to_have_count(0)
    # the documents: the receipt, and each department's acceptance notice and decision, as PDFs
    receipt = page.get_by_role("link", name=re.compile("收件回执"))
    expect(receipt).to_have_count(1)
    pdf = page.request.get(portal(receipt.get_attribute("href") or ""))
    assert pdf.ok and pdf.body().startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    expect(page.get_by_role("link", name=re.compile("准予决定书"))).to_have_count(
        5
    )  # the printed title (was 准予许可决定书: drift)
    shot(page, "13-my-application")
    axe_check(page, "my application")
    page.get_by_role("link", name="证照夹").click()
    page.wait_for_load_state("domcontentloaded")
    licences = page.locator(".card.lic")
    for name in ("出生医学证明", "预防接种证", "社会保障卡"):  # issued by this application, held by the child
        card = licences.filter(has=page.get_by_role("heading", name=name, exact=True))
        expect(card).to_have_count(1)
        expect(card).to_contain_text("李小宝")
        assert card.locator(".qr svg").count() == 1, f"{name} has no QR code"
    expect(licences.filter(has_text="结婚证")).to_have_count(1)  # the family's own, seeded
    shot(page, "14-wallet")
    axe_check(page, "wallet")
    # the QR code's page says the birth certificate is genuine
    licences.filter(has=page.get_by_role("heading", name="出生医学证明", exact=True)).get_by_role(
        "link", name="核验此证照"
    ).click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("p.ok[role=status]")).to_contain_text("核验通过")
    expect(page.locator("main table").first).to_contain_text("出生医学证明")
    shot(page, "15-licence-verified")


def test_the_guide_and_the_apply_link_need_no_account_until_applying(page: Page, portal: Portal) -> None:
    """A visitor reads the guide anonymously; a staff account cannot apply online (the window applies for them)."""
    page.goto(portal(f"/bundles/{NEWBORN}/"))
    expect(page.get_by_role("link", name="在线申请")).to_be_visible()
    sign_in(page, portal, "clerk")
    page.goto(portal(f"/bundles/{NEWBORN}/apply/"))
    expect(page.locator("main")).to_contain_text("只有申请人账户可以在线申请")
