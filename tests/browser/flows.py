"""Steps people take in the browser, shared by the flows: the resident's online application, the window
clerk's intake, an officer's decision. Each step works the page as a person does (labels, buttons, links)."""

from __future__ import annotations

import io
import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from .conftest import Portal, new_context, shot, sign_in

NEWBORN = "140524-09"
# what the demo mother types into the fields the shared data does not fill (keys of the merged form)
TYPED = {
    "child.name": "李小宝",
    "child.residence_address": "山西省晋城市陵川县崇文镇城南社区和平街12号",
    "mother.phone": "13800138000",
    "child.ethnicity": "汉族",
    "household.relation_to_head": "子",
    "medical_enrolment.contribution_year": "2026",
}
CHOSEN = {  # choice fields: the option she picks
    "child.guardian_relationship": "母亲",
    "delivery.method": "电子送达",
    "medical_enrolment.category": "新生儿",
}


def field_id(key: str) -> str:
    return "f_" + key.replace(".", "__")


def small_pdf(text: str = "Hepatitis B and BCG vaccination record") -> bytes:
    """A small real PDF (one page, made by reportlab), as a scan from the hospital would be."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawString(72, 760, text)
    pdf.drawString(72, 740, "Lingchuan County People's Hospital - 2026-10-20")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def person(browser: Browser, portal: Portal, username: str, **context: Any) -> Page:
    """A new browser (own cookies) with this demo user signed in."""
    page = new_context(browser, **context).new_page()
    sign_in(page, portal, username)
    return page


def error_summary(page: Page) -> str:
    box = page.locator("#error-summary, .error[role=alert], .wb-error[role=alert]")
    return box.first.inner_text() if box.count() else ""


def submit_step(page: Page, button: str | re.Pattern[str]) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("domcontentloaded")


# --- the resident -----------------------------------------------------------------------------------------


def answer_situations(page: Page, answers: dict[str, str] | None = None) -> None:
    expect(page.locator("ol.steps li[aria-current=step]")).to_contain_text("情形")
    for code, value in (
        answers or {"under_one": "yes", "in_wedlock": "yes", "local_household": "yes"}
    ).items():
        page.locator(f"input[type=radio][name='{code}'][value='{value}']").check()
    submit_step(page, "下一步：填写表单")


def fill_form(page: Page) -> None:
    expect(page.locator("ol.steps li[aria-current=step]")).to_contain_text("填表")
    for key, value in TYPED.items():
        box = page.locator(f"#{field_id(key)}")
        if not box.input_value():
            box.fill(value)
    for key, label in CHOSEN.items():
        page.locator(f"#{field_id(key)}").select_option(label=label)
    submit_step(page, "下一步：材料")
    assert "step=materials" in page.url, f"the form was refused: {error_summary(page)}"


def provide_materials(page: Page, *, upload: bool = True) -> None:
    """The one document still needed is uploaded (or left out); the registration form is replaced by a
    commitment (告知承诺), as the catalogue allows."""
    expect(page.locator("ol.steps li[aria-current=step]")).to_contain_text("材料")
    page.locator("input[type=radio][name='choice:birth.first_issue_form'][value=commitment]").check()
    if upload:
        page.locator("#m_child__birth_vaccination_record_file").set_input_files(
            {"name": "接种记录.pdf", "mimeType": "application/pdf", "buffer": small_pdf()}
        )
    submit_step(page, "保存并继续")
    assert "step=commitments" in page.url, f"the materials were refused: {error_summary(page)}"


def sign_commitments(page: Page) -> None:
    expect(page.locator("ol.steps li[aria-current=step]")).to_contain_text("承诺")
    boxes = page.locator("input[type=checkbox][name=sign]")
    assert boxes.count() >= 2, "a commitment for the registration form and the declaration are to be signed"
    for i in range(boxes.count()):
        boxes.nth(i).check()
    submit_step(page, "下一步：确认提交")
    assert "step=review" in page.url, f"the commitments were refused: {error_summary(page)}"


def submit_application(page: Page) -> str:
    expect(page.locator("ol.steps li[aria-current=step]")).to_contain_text("确认提交")
    submit_step(page, "提交申请")
    assert re.search(r"/me/applications/[^/]+/receipt/$", page.url), (
        f"no receipt: {page.url} {error_summary(page)}"
    )
    return page.locator("#application-number").inner_text().strip()


def apply_online(page: Page, portal: Portal, *, upload: bool = True, shots: str = "") -> str:
    """From the guide's 在线申请 to the receipt; the page must be signed in as the applicant. Returns the number."""
    page.goto(portal(f"/bundles/{NEWBORN}/apply/"))
    answer_situations(page)
    if shots:
        shot(page, f"{shots}-form")
    fill_form(page)
    provide_materials(page, upload=upload)
    sign_commitments(page)
    return submit_application(page)


# --- the window clerk ---------------------------------------------------------------------------------------


def intake(page: Page, portal: Portal, number: str, *, deficient: str = "", shots: str = "") -> None:
    """The clerk finds the application in the queue, checks it and receives it or issues the one notice."""
    page.goto(portal("/workbench/window/"))
    row = page.locator(f"#intake-queue tr[data-number='{number}']")
    expect(row).to_be_visible()
    if shots:
        shot(page, f"{shots}-window-queue")
    row.get_by_role("link", name=number).click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("#app-status")).to_have_attribute("data-status", "submitted")
    form = page.locator("#intake-form")
    if deficient:
        form.get_by_label(re.compile("出具一次告知书")).check()
        form.locator("textarea[name=problems]").fill(deficient)
    else:
        form.get_by_label(re.compile("材料齐全")).check()
    if shots:
        shot(page, f"{shots}-window-intake")
    form.get_by_role("button", name="提交决定").click()
    page.wait_for_load_state("domcontentloaded")
    expected = "deficient" if deficient else "received"
    expect(page.locator("#app-status")).to_have_attribute("data-status", expected)


# --- an officer ---------------------------------------------------------------------------------------------


def open_case(page: Page, portal: Portal, number: str, item_name: str) -> None:
    page.goto(portal("/workbench/department/"))
    row = page.locator("#case-queue tbody tr").filter(has_text=number).filter(has_text=item_name)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=number).click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("h1")).to_have_text(item_name)


def act(page: Page, action: str, *, result: str = "") -> str:
    """Press the action's button on the case page; returns the case's status after it."""
    form = page.locator(f"form[data-action='{action}']")
    expect(form).to_have_count(1)
    if result:
        form.locator("input[name=result_summary]").fill(result)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    if page.locator("#confirm-form").count():  # an irreversible decision: what it does, then confirm
        expect(page.locator("#confirm-effects")).to_have_attribute("data-action", action)
        page.locator("#confirm-submit").click()
        page.wait_for_load_state("domcontentloaded")
    assert page.locator("#page-error").count() == 0, page.locator("#page-error").inner_text()
    return page.locator("#case-status").get_attribute("data-status") or ""
