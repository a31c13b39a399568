"""The harness itself: the live site opens in Chromium in Chinese, screenshots are written, axe-core runs."""

from __future__ import annotations

from playwright.sync_api import Page

from .conftest import SCREENSHOTS, Portal, axe_violations, shot


def test_home_opens_in_chinese_with_a_screenshot_and_axe(page: Page, portal: Portal) -> None:
    page.goto(portal("/"))
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "新生儿出生" in page.locator("main").inner_text()
    target = shot(page, "smoke-home")
    assert target.parent == SCREENSHOTS and target.stat().st_size > 5_000
    # axe-core really runs in the page: it finds the violation of a page made bad on purpose
    page.evaluate("document.documentElement.removeAttribute('lang')")
    assert "html-has-lang" in {v["id"] for v in axe_violations(page)}
