"""适老化: large type and high contrast, switched from any page, remembered for the user (after a reload, after
signing out and in again, on another browser); the phone-sized viewport; the English switch."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from .conftest import PHONE, Portal, axe_check, new_context, no_horizontal_scroll, shot, sign_in, sign_out
from .flows import NEWBORN, answer_situations


def font_px(page: Page, selector: str) -> float:
    return float(page.eval_on_selector(selector, "el => parseFloat(getComputedStyle(el).fontSize)"))


def background(page: Page) -> str:
    return str(page.eval_on_selector("body", "el => getComputedStyle(el).backgroundColor"))


def toggle(page: Page, name: str) -> None:
    page.locator("header").get_by_role("button", name=name).click()
    page.wait_for_load_state("domcontentloaded")


def test_large_type_and_high_contrast_are_remembered_for_the_user(
    page: Page, browser: Browser, portal: Portal
) -> None:
    sign_in(page, portal, "mother")
    page.goto(portal(f"/bundles/{NEWBORN}/"))
    normal_text, normal_heading = font_px(page, "main p"), font_px(page, "main h1")
    assert background(page) == "rgb(255, 255, 255)"
    large = page.locator("header").get_by_role("button", name="大字版")
    expect(large).to_have_attribute("aria-pressed", "false")
    toggle(page, "大字版")
    assert page.url.endswith(f"/bundles/{NEWBORN}/"), "the toggle brings her back to the page she was on"
    expect(large).to_have_attribute("aria-pressed", "true")
    assert font_px(page, "main p") >= normal_text * 1.25, (normal_text, font_px(page, "main p"))
    assert font_px(page, "main h1") >= normal_heading * 1.25
    toggle(page, "高对比")
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-type\b.*\bhigh-contrast\b"))
    assert background(page) == "rgb(0, 0, 0)"
    shot(page, "30-guide-large-type-high-contrast")
    axe_check(page, "guide in large type and high contrast")
    # a reload keeps both
    page.reload()
    assert font_px(page, "main p") >= normal_text * 1.25 and background(page) == "rgb(0, 0, 0)"
    # the form in large type
    page.goto(portal(f"/bundles/{NEWBORN}/apply/"))
    answer_situations(page)
    assert font_px(page, "main label") >= 1.25 * 16
    shot(page, "31-apply-form-large-type")
    axe_check(page, "apply form in large type and high contrast")
    # signed out, the page is as anyone sees it; signed in again, her choice is back
    sign_out(page)
    page.goto(portal("/"))
    assert font_px(page, "main p") < normal_text * 1.1 and background(page) == "rgb(255, 255, 255)"
    sign_in(page, portal, "mother")
    page.goto(portal("/"))
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-type\b"))
    assert font_px(page, "main p") >= normal_text * 1.25
    # and on another device
    other = new_context(browser).new_page()
    sign_in(other, portal, "mother")
    other.goto(portal("/"))
    expect(other.locator("html")).to_have_class(re.compile(r"\blarge-type\b.*\bhigh-contrast\b"))
    # switched off again
    toggle(other, "大字版")
    expect(other.locator("html")).not_to_have_class(re.compile(r"\blarge-type\b"))
    assert font_px(other, "main p") < normal_text * 1.1
    other.context.close()


def test_a_visitor_can_switch_too_and_keeps_it_on_signing_in(page: Page, portal: Portal) -> None:
    page.goto(portal("/"))
    toggle(page, "大字版")
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-type\b"))
    page.goto(portal("/search/?q=生孩子"))
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-type\b"))
    sign_in(page, portal, "father")
    page.goto(portal("/"))
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-type\b"))
    # a keyboard user reaches the switch from the top of the page
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()


def test_phone_sized_screen(browser: Browser, portal: Portal) -> None:
    """375×812: home, search, guide, sign-in and the form are usable without sideways scrolling."""
    context = new_context(browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(portal("/"))
        no_horizontal_scroll(page, PHONE["width"])
        expect(page.get_by_role("searchbox", name="搜索办事指南")).to_be_visible()
        shot(page, "40-phone-home")
        page.get_by_role("searchbox", name="搜索办事指南").fill("生孩子")
        page.get_by_role("button", name="搜索", exact=True).click()
        page.wait_for_load_state("domcontentloaded")
        no_horizontal_scroll(page, PHONE["width"])
        page.locator("ol.hits").get_by_role("link", name="新生儿出生").click()
        page.wait_for_load_state("domcontentloaded")
        no_horizontal_scroll(page, PHONE["width"])
        expect(page.locator("figure.qr")).to_be_hidden()  # the guide's QR code is for a desk, not a phone
        shot(page, "41-phone-guide")
        page.get_by_role("link", name="在线申请").click()
        page.wait_for_load_state("domcontentloaded")
        no_horizontal_scroll(page, PHONE["width"])
        page.get_by_label("用户名").fill("mother")
        page.get_by_label("密码").fill("yijianshi-demo")
        page.get_by_role("button", name="登录").last.click()
        page.wait_for_load_state("domcontentloaded")
        answer_situations(page)
        no_horizontal_scroll(page, PHONE["width"])
        name = page.locator("#f_child__name")
        box = name.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        name.fill("李小宝")
        shot(page, "42-phone-apply-form")
        # large type on a phone still fits the screen
        toggle(page, "大字版")
        no_horizontal_scroll(page, PHONE["width"])
        shot(page, "43-phone-apply-form-large-type")
        page.goto(portal("/me/"))
        no_horizontal_scroll(page, PHONE["width"])
    finally:
        context.close()


def test_english_switch(page: Page, portal: Portal) -> None:
    page.goto(portal(f"/bundles/{NEWBORN}/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.locator("header").get_by_role("button", name="English").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith(f"/bundles/{NEWBORN}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Apply online")).to_be_visible()
    expect(page.get_by_role("heading", name="Where to go")).to_be_visible()
    shot(page, "50-guide-english")
    axe_check(page, "guide in English")
    page.goto(portal("/accounts/login/"))
    expect(page.get_by_label("Username")).to_be_visible()
    # and back to Chinese
    page.locator("header").get_by_role("button", name="中文").click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_label("用户名")).to_be_visible()


def test_keyboard_only(page: Page, portal: Portal) -> None:
    """Search, open the guide and sign in without a mouse; the focused control shows a visible outline."""
    page.goto(portal("/"))
    page.keyboard.press("Tab")
    skip = page.locator(".skip")
    expect(skip).to_be_focused()
    assert page.eval_on_selector(".skip", "el => el.getBoundingClientRect().left") >= 0, "the skip link shows"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    search = page.get_by_role("searchbox", name="搜索办事指南")
    for _ in range(10):
        page.keyboard.press("Tab")
        if search.evaluate("el => el === document.activeElement"):
            break
    expect(search).to_be_focused()
    outline = search.evaluate(
        "el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth"
    )
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    page.keyboard.type("上户口")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    link = page.locator("ol.hits").get_by_role("link", name="新生儿出生")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/bundles/{NEWBORN}/")
    page.get_by_role("link", name="在线申请").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_label("用户名")).to_be_focused()  # the sign-in page puts the cursor in the first field
    page.keyboard.type("mother")
    page.keyboard.press("Tab")
    expect(page.get_by_label("密码")).to_be_focused()
    page.keyboard.type("yijianshi-demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/bundles/{NEWBORN}/apply/" in page.url, page.url
    # the situation questions by keyboard: radio groups take the arrow keys
    first = page.locator("input[type=radio]").first
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked()


def test_the_workbench_in_large_type_and_high_contrast(page: Page, browser: Browser, portal: Portal) -> None:
    from .flows import apply_online, person

    sign_in(page, portal, "mother")
    number = apply_online(page, portal)
    clerk = person(browser, portal, "clerk")
    clerk.goto(portal("/workbench/window/"))
    toggle(clerk, "大字版")
    toggle(clerk, "高对比")
    assert background(clerk) == "rgb(0, 0, 0)"
    axe_check(clerk, "window queue in large type and high contrast")
    clerk.goto(portal(f"/workbench/window/applications/{number}/"))
    shot(clerk, "32-window-intake-high-contrast")
    axe_check(clerk, "window intake in large type and high contrast")
    clerk.context.close()
