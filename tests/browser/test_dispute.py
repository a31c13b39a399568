"""A prefilled value the resident believes wrong: she disputes it (the objection goes to the providing
department), errors are shown next to their fields with her values kept, and she goes on with the right value."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import Portal, axe_check, shot, sign_in
from .flows import NEWBORN, answer_situations, field_id


def test_dispute_a_prefilled_value_and_go_on(page: Page, portal: Portal) -> None:
    from yijianshi.datahub.models import Objection

    sign_in(page, portal, "mother")
    page.goto(portal(f"/bundles/{NEWBORN}/apply/"))
    answer_situations(page)
    father = page.locator(".field").filter(has=page.locator(f"#{field_id('father.name')}"))
    assert father.locator("input").input_value() == "李强"
    father.get_by_role("link", name=re.compile("有异议")).click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_role("heading", level=1)).to_have_text("对预填数据提出异议")
    expect(page.locator("main")).to_contain_text("婚姻登记信息库")
    # nothing typed: each error next to its field
    page.get_by_label("您认为正确的值").fill("李志强")
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("#err_reason")).to_be_visible()
    expect(page.get_by_label("您认为正确的值")).to_have_value("李志强")  # kept
    shot(page, "80-dispute-error")
    axe_check(page, "dispute (error)")
    page.get_by_label("异议理由").fill("孩子父亲已于2024年依法变更姓名为李志强")
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_load_state("domcontentloaded")
    assert "step=form" in page.url, page.url
    father = page.locator(".field").filter(has=page.locator(f"#{field_id('father.name')}"))
    expect(father.locator(".source")).to_contain_text("已提出异议")
    objection = Objection.objects.get(form_key="father.name")
    assert objection.claimed_value == "李志强" and objection.department is not None
    # she types the right value and goes on; the form marks it as changed by her
    father.locator("input").fill("李志强")
    page.locator(f"#{field_id('child.name')}").fill("")
    page.get_by_role("button", name="下一步：材料").click()
    page.wait_for_load_state("domcontentloaded")
    # a required field left empty: the error is next to it, her other values kept
    name_field = page.locator(".field.has-error").filter(has=page.locator(f"#{field_id('child.name')}"))
    expect(name_field.locator(".field-error")).to_be_visible()
    expect(page.locator(f"#{field_id('father.name')}")).to_have_value("李志强")
    expect(page.locator("#error-summary a").first).to_have_attribute("href", re.compile("#f_"))
    expect(father.locator(".source")).to_contain_text("已修改")
    shot(page, "81-apply-form-errors")
    axe_check(page, "apply form (errors)")


def test_an_upload_of_the_wrong_kind_is_refused_with_the_reason(page: Page, portal: Portal) -> None:
    from yijianshi.uploads.models import Upload

    from .flows import fill_form

    sign_in(page, portal, "mother")
    page.goto(portal(f"/bundles/{NEWBORN}/apply/"))
    answer_situations(page)
    fill_form(page)
    page.locator("input[type=radio][name='choice:birth.first_issue_form'][value=commitment]").check()
    # a text file named .pdf: refused by its content, before anything is stored
    page.locator("#m_child__birth_vaccination_record_file").set_input_files(
        {"name": "接种记录.pdf", "mimeType": "application/pdf", "buffer": "这不是PDF文件".encode() * 50}
    )
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_load_state("domcontentloaded")
    record = page.locator("fieldset#m_child__birth_vaccination_record")
    expect(record.locator(".field-error")).to_contain_text("按文件内容判断")
    assert "step=commitments" not in page.url
    assert Upload.objects.count() == 0
    shot(page, "82-apply-upload-refused")
    axe_check(page, "apply materials (upload refused)")
