"""The guide's answers in a real browser (issue 18 point 1): "按当前回答需办理" follows each answer without the page
being loaded again (the list comes from the server's guide computation, web/guide.py); and Back after a refused
step shows the step as it is now, never a stale error nor a prompt to send the form again."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import Portal, new_context, shot, sign_in
from .flows import NEWBORN, TYPED, error_summary, field_id, fill_form, submit_step

REGISTRATION = "本县户口登记"  # the household birth registration: only for a child under one


@pytest.fixture
def browser_no_script(browser: Browser) -> Iterator[Page]:
    context = new_context(browser, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_the_items_follow_the_answers_without_a_reload(page: Page, portal: Portal) -> None:
    sign_in(page, portal, "mother")
    page.goto(portal(f"/bundles/{NEWBORN}/apply/"))
    expect(page.locator("[data-included] .included-now")).to_contain_text(REGISTRATION)
    # with script the list follows the answers: the button that updates it without script is not shown
    expect(page.get_by_role("button", name="按回答更新需办理的事项")).to_be_hidden()
    page.evaluate("window.sameDocument = true")
    # when
    page.locator("input[type=radio][name='under_one'][value='no']").check()
    # then
    expect(page.locator("[data-included] .included-now")).not_to_contain_text(REGISTRATION)
    expect(page.locator("[data-included]")).to_contain_text("按当前回答不需办理")
    assert page.evaluate("window.sameDocument === true"), "the page was loaded again"
    page.locator("input[type=radio][name='under_one'][value='yes']").check()
    expect(page.locator("[data-included] .included-now")).to_contain_text(REGISTRATION)
    shot(page, "40-apply-items-follow-the-answers")
    # the guide's own situation form does the same
    page.goto(portal(f"/bundles/{NEWBORN}/"))
    page.evaluate("window.sameDocument = true")
    page.locator("input[type=radio][name='under_one'][value='no']").check()
    expect(page.locator("[data-included] .included-now")).not_to_contain_text(REGISTRATION)
    assert page.evaluate("window.sameDocument === true")


def test_without_script_the_items_are_updated_by_submitting(browser_no_script: Page, portal: Portal) -> None:
    page = browser_no_script
    sign_in(page, portal, "mother")
    page.goto(portal(f"/bundles/{NEWBORN}/apply/"))
    page.locator("input[type=radio][name='under_one'][value='no']").check()
    expect(page.locator("[data-included] .included-now")).to_contain_text(REGISTRATION)  # nothing runs
    submit_step(page, "按回答更新需办理的事项")
    assert "step=situation" in page.url
    expect(page.locator("[data-included] .included-now")).not_to_contain_text(REGISTRATION)
    expect(page.locator("input[type=radio][name='under_one'][value='no']")).to_be_checked()


def test_back_after_a_refused_step_shows_the_step_as_it_is_now(page: Page, portal: Portal) -> None:
    sign_in(page, portal, "mother")
    page.goto(portal(f"/bundles/{NEWBORN}/apply/"))
    submit_step(page, "下一步：填写表单")
    # a refused step: the child's name left empty
    page.locator(f"#{field_id('child.name')}").fill("")
    submit_step(page, "下一步：材料")
    assert "step=materials" not in page.url
    assert error_summary(page), "the empty name is refused"
    # fixed, and on to the next step
    page.locator(f"#{field_id('child.name')}").fill(TYPED["child.name"])
    fill_form(page)
    # when
    page.go_back()
    page.wait_for_load_state("domcontentloaded")
    # then: the form step again, as the draft is now — no stale error, no resubmission prompt
    shot(page, "41-apply-back-after-a-refused-step")
    expect(page.locator("h1")).to_contain_text("在线申请")
    expect(page.locator("ol.steps li[aria-current=step]")).to_contain_text("填表")
    assert error_summary(page) == "", f"a stale error after Back: {error_summary(page)}"
    expect(page.locator(f"#{field_id('child.name')}")).to_have_value(TYPED["child.name"])
    assert re.search(r"/bundles/[^/]+/apply/", page.url)
