"""The deficiency-notice path (一次性告知): the resident uploads a scan of the hospital's vaccination record that
the window finds unusable; the clerk issues the one notice listing everything to correct, the resident reads it
on her application's page and uploads the record again, and the clerk receives the application."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from .conftest import Portal, axe_check, shot, sign_in
from .flows import (
    NEWBORN,
    answer_situations,
    fill_form,
    intake,
    person,
    provide_materials,
    sign_commitments,
    small_pdf,
    submit_application,
)


def test_one_notice_then_the_applicant_supplies_what_it_lists(
    page: Page, browser: Browser, portal: Portal
) -> None:
    from yijianshi.cases.models import Application

    sign_in(page, portal, "mother")
    page.goto(portal(f"/bundles/{NEWBORN}/apply/"))
    answer_situations(page)
    fill_form(page)
    # without the record the materials step says so next to the material, and keeps her choices
    page.locator("input[type=radio][name='choice:birth.first_issue_form'][value=commitment]").check()
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_load_state("domcontentloaded")
    record = page.locator("fieldset#m_child__birth_vaccination_record")
    expect(record).to_have_class(re.compile("has-error"))
    expect(record.locator(".field-error")).to_contain_text("请上传该材料")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("input[name='choice:birth.first_issue_form'][value=commitment]")).to_be_checked()
    shot(page, "20-apply-materials-error")
    axe_check(page, "apply materials (error)")
    provide_materials(page)  # a phone photo of the record, blurred
    sign_commitments(page)
    number = submit_application(page)

    # the clerk finds the scan unusable and issues the one notice
    clerk = person(browser, portal, "clerk")
    problem = "接种记录扫描件模糊不清，请重新上传出生医院盖章的接种记录"
    intake(clerk, portal, number, deficient=problem, shots="21")
    expect(clerk.locator("#documents a[data-kind='deficiency_notice']")).to_have_count(1)
    shot(clerk, "22-window-deficiency-issued")
    clerk.goto(portal("/workbench/window/"))
    expect(clerk.locator(f"#intake-queue tr[data-number='{number}']")).to_have_count(
        0
    )  # it waits for her now
    expect(clerk.locator("main")).to_contain_text(number)  # listed as awaiting the applicant

    # the resident reads the notice on her application's page: everything listed at once
    page.goto(portal(f"/me/applications/{number}/"))
    notice = page.locator("section").filter(has=page.get_by_role("heading", name="补齐材料（一次性告知）"))
    expect(notice).to_contain_text(problem)
    notice_pdf = notice.get_by_role("link", name=re.compile("一次告知通知书"))
    expect(notice_pdf).to_have_count(1)
    pdf = page.request.get(portal(notice_pdf.get_attribute("href") or ""))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    shot(page, "23-my-application-deficient")
    axe_check(page, "my application (deficient)")
    # she supplies the record
    notice.get_by_label("新生儿出生时乙肝疫苗、卡介苗接种记录(出生医院出具)").set_input_files(
        {"name": "接种记录.pdf", "mimeType": "application/pdf", "buffer": small_pdf()}
    )
    notice.get_by_role("button", name="提交补正材料").click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_role("heading", name="补齐材料（一次性告知）")).to_have_count(0)
    app = Application.objects.get(number=number)
    assert app.status == "submitted" and "child.birth_vaccination_record" in app.materials_provided
    assert app.uploads.count() == 2, "the first scan and the one supplied after the notice"

    # back in the window's queue with a fresh clock; now complete, it is received
    clerk.goto(portal(f"/workbench/window/applications/{number}/"))
    expect(clerk.locator("#materials tr[data-code='child.birth_vaccination_record']")).to_have_attribute(
        "data-state", "provided"
    )
    intake(clerk, portal, number)
    expect(clerk.locator("#documents a[data-kind='receipt']")).to_have_count(1)
    page.goto(portal(f"/me/applications/{number}/"))
    expect(page.locator("main")).to_contain_text("收件回执")
