"""Touch targets on a phone (issue 18 point 10; WCAG 2.2 2.5.5 at 44 px, GB/T 37668): on a 390×844 screen, in
the normal mode and in large type, every visible control of the public pages and of the clerk's and the
officer's workbench is at least 44×44 CSS px, and every page passes axe-core (no serious or critical violation).
And every form page answers a bad submission with an error summary at the top (point 10: "an error summary on
every form").

What is measured (getBoundingClientRect, in CSS px): every visible `a[href]`, `button`, `summary`, `select`,
`textarea` and `input` (not hidden). A checkbox or a radio button is measured by the `label` that wraps it: the
whole label is what a finger presses (a checkbox outside its label is measured itself, and so fails). "Visible":
a box with a width and a height, not `visibility:hidden`, not scrolled out of the document to the left or above
(the skip link waits off-screen until it gets the focus), not inside a `.visually-hidden` element.

The one exception, WCAG's "inline" one ("the target is in a sentence or block of text"), decided precisely: a
link (`a`, nothing else) whose computed `display` is `inline` and whose nearest non-inline ancestor (the
paragraph, list item, table cell … the line belongs to) holds at least two letters or digits of its own text,
that is text outside any control (links, buttons, labels, fields). So a link in the middle of a sentence is
exempt; a link alone in a list item, a table cell or a navigation bar is not, nor links set side by side with
only separators between them ("查看办理进度 · 我的办件").
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import Portal, axe_check, new_context, shot, sign_in
from .flows import NEWBORN, answer_situations, fill_form, person

# sizes of targets and axe findings do not depend on the database engine: make test runs this module in its
# SQLite pass only (rule 8; tests/support/passes.py)
pytestmark = pytest.mark.one_database

PHONE_390 = {"width": 390, "height": 844}
MIN_PX = 44

MEASURE = """
(minPx) => {
  const CONTROLS = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'
      && r.right + window.scrollX > 0 && r.bottom + window.scrollY > 0 && !el.closest('.visually-hidden');
  };
  const ownText = (block) => {
    const copy = block.cloneNode(true);
    copy.querySelectorAll('a, button, input, select, textarea, summary, label').forEach((c) => c.remove());
    return (copy.textContent.match(/[\\p{L}\\p{N}]/gu) || []).length;
  };
  const inline = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    return !!block && ownText(block) >= 2;
  };
  const describe = (el) => {
    const r = el.getBoundingClientRect();
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim();
    return {tag: el.tagName.toLowerCase() + (el.type ? '[' + el.type + ']' : '') + (el.id ? '#' + el.id : ''),
            text: text.slice(0, 40), width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10};
  };
  const small = [];
  let measured = 0;
  const targets = new Set();
  for (const el of document.querySelectorAll(CONTROLS)) {
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const wrapping = el.closest('label');
      targets.add(wrapping || el);
    } else {
      targets.add(el);
    }
  }
  const exempt = [];
  for (const el of targets) {
    if (!shown(el)) continue;
    if (inline(el)) { exempt.push(describe(el)); continue; }
    measured += 1;
    const r = el.getBoundingClientRect();
    if (r.width < minPx - 0.01 || r.height < minPx - 0.01) small.push(describe(el));
  }
  return {measured, small, exempt};
}
"""


def small_targets(page: Page, name: str) -> list[str]:
    """The page's controls smaller than 44×44 (as lines to print); fails when the page has no control at all."""
    found: dict[str, Any] = page.evaluate(MEASURE, MIN_PX)
    assert found["measured"] > 0, f"{name}: no control measured on {page.url}"
    for t in found["exempt"]:  # shown with -s: the links taken as inline, to review the exception
        print(f"{name}: inline {t['tag']} “{t['text']}” {t['width']}×{t['height']}")
    return [f"{name}: {t['tag']} “{t['text']}” {t['width']}×{t['height']}" for t in found["small"]]


def phone(browser: Browser, portal: Portal, username: str = "", *, large: bool) -> Page:
    """A phone-sized browser (with touch), signed in as `username` (or a visitor), in large type if asked: for a
    user the preference is on the profile, for a visitor it is switched from the header, as a person does."""
    context: BrowserContext = new_context(
        browser, viewport=PHONE_390, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    if username:
        from yijianshi.accounts.models import Profile

        Profile.objects.filter(user__username=username).update(large_type=large)
        sign_in(page, portal, username)
    elif large:
        page.goto(portal("/"))
        page.locator("header").get_by_role("button", name="大字版").click()
        page.wait_for_load_state("domcontentloaded")
    return page


class Tour:
    """Visits pages in one browser, measures their targets, runs axe-core, keeps one screenshot per mode."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.problems: list[str] = []
        self.axe: list[str] = []

    def check(self, page: Page, name: str, *, screenshot: bool = False) -> None:
        expect(page.locator("html")).to_have_class(
            re.compile(r"\blarge-type\b") if self.mode == "large" else re.compile(r"^(?!.*large-type)")
        )
        self.problems += small_targets(page, name)
        try:
            axe_check(page, f"{name} ({self.mode}, phone)")
        except AssertionError as failed:
            self.axe.append(str(failed))
        if screenshot:
            shot(page, f"80-phone-targets-{self.mode}-{name}")

    def visit(self, page: Page, url: str, name: str, *, status: int = 200, screenshot: bool = False) -> None:
        answer = page.goto(url)
        assert answer is not None and answer.status == status, (url, answer and answer.status)
        self.check(page, name, screenshot=screenshot)


@pytest.mark.parametrize("mode", ["normal", "large"])
def test_every_target_is_44_px_on_a_phone_and_axe_passes(browser: Browser, portal: Portal, mode: str) -> None:
    from tests.support.factories import received_application, submitted_application
    from yijianshi.cases.models import ItemCase

    large = mode == "large"
    received = received_application()
    waiting = submitted_application()
    case = ItemCase.objects.get(application=received, ref="birth_medical_certificate")
    tour = Tour(mode)

    visitor = phone(browser, portal, large=large)
    tour.visit(visitor, portal("/"), "home", screenshot=True)
    tour.visit(visitor, portal("/search/?q=生孩子"), "search")
    tour.visit(visitor, portal(f"/bundles/{NEWBORN}/"), "guide")
    tour.visit(visitor, portal(f"/bundles/{NEWBORN}/?view=simple"), "simple-guide")
    tour.visit(visitor, portal("/verify/"), "verify")
    tour.visit(visitor, portal("/verify/?code=no-such-code"), "verify-unknown", status=404)
    tour.visit(visitor, portal("/no-such-page/"), "404", status=404)
    tour.visit(visitor, portal("/accounts/login/"), "sign-in")
    visitor.context.close()

    mother = phone(browser, portal, "mother", large=large)
    tour.visit(mother, portal(f"/bundles/{NEWBORN}/apply/"), "apply-situation")
    answer_situations(mother)
    tour.check(mother, "apply-form", screenshot=True)
    fill_form(mother)
    tour.check(mother, "apply-materials")
    tour.visit(mother, portal("/me/"), "my-applications")
    tour.visit(mother, portal(f"/me/applications/{received.number}/"), "my-application")
    tour.visit(mother, portal(f"/me/applications/{received.number}/withdraw/"), "withdraw-confirm")
    mother.context.close()

    clerk = phone(browser, portal, "clerk", large=large)
    tour.visit(clerk, portal("/workbench/window/"), "window-queue")
    tour.visit(clerk, portal(f"/workbench/window/applications/{waiting.number}/"), "window-application")
    tour.visit(clerk, portal("/workbench/window/counter/"), "counter-start")
    clerk.context.close()

    officer = phone(browser, portal, "officer_health", large=large)
    tour.visit(officer, portal("/workbench/department/"), "department-queue")
    tour.visit(officer, portal(f"/workbench/department/cases/{case.pk}/"), "department-case", screenshot=True)
    form = officer.locator("form[data-action='reject']")
    form.locator("textarea[name=reason]").fill("出生医学证明信息与医院分娩记录不符")
    form.locator("button[type=submit]").click()
    officer.wait_for_load_state("domcontentloaded")
    expect(officer.locator("#confirm-effects")).to_have_attribute("data-action", "reject")
    tour.check(officer, "department-confirm")
    officer.context.close()

    assert not tour.problems, "targets smaller than 44×44 CSS px on a 390 px phone:\n" + "\n".join(
        tour.problems
    )
    assert not tour.axe, "\n\n".join(tour.axe)


def summary_before(page: Page, form: str, summary: str = "#error-summary") -> str:
    """The error summary is shown, announced (role=alert), comes before every field of the form (above the form or
    first in it), and each of its links leads to an element of the page (the field); returns its text."""
    box = page.locator(summary)
    expect(box).to_be_visible()
    expect(box).to_have_attribute("role", "alert")
    assert page.locator(form).count() == 1, form
    first = page.evaluate(
        """([s, f]) => {
          const summary = document.querySelector(s);
          const fields = document.querySelector(f).querySelectorAll('input:not([type=hidden]), select, textarea, button');
          return fields.length > 0 && [...fields].every(
            (el) => summary.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
        }""",
        [summary, form],
    )
    assert first, f"the error summary {summary} does not come before the fields of {form} on {page.url}"
    for href in box.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert href.startswith("#") and page.locator(href).count() == 1, (
            f"{summary} links to {href}: no such field"
        )
    text = box.inner_text()
    assert "请修改" in text, text
    return text


def send(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("domcontentloaded")


def test_every_form_answers_a_bad_submission_with_a_summary_at_the_top(
    page: Page, browser: Browser, portal: Portal
) -> None:
    """A form sent with a mistake comes back with a summary of what to correct before the form (role=alert, each
    field's error linked to the field), so a screen reader hears it at once and a person on a phone sees it
    without looking for the marked field. The forms of the portal and of the window clerk, each page also
    passing axe-core in its error state."""
    # sign-in, nothing typed
    page.goto(portal("/accounts/login/"))
    send(page, "登录")
    assert "用户名" in summary_before(page, "form[action='/accounts/login/']")
    assert page.locator("#error-summary a[href='#id_username']").count() == 1
    axe_check(page, "sign-in (error)")
    # the apply form, the child's name left empty
    sign_in(page, portal, "mother")
    page.goto(portal(f"/bundles/{NEWBORN}/apply/"))
    answer_situations(page)
    send(page, "下一步：材料")
    summary_before(page, "main form[method=post]")
    assert page.locator("#error-summary a[href='#f_child__name']").count() == 1
    # a dispute of a prefilled value, sent empty
    page.locator("main").get_by_role("link", name=re.compile("有异议")).first.click()
    page.wait_for_load_state("domcontentloaded")
    send(page, "提交异议")
    summary_before(page, "main form[method=post]")
    axe_check(page, "dispute (error)")
    # a mandate granted to nobody
    page.goto(portal("/me/mandates/"))
    send(page, "授权")
    summary_before(page, "#grant-form", "#grant-errors")
    axe_check(page, "my mandates (error)")

    clerk = person(browser, portal, "clerk")
    # the counter: an identity number that cannot be one
    clerk.goto(portal("/workbench/window/counter/"))
    clerk.get_by_label(re.compile("公民身份号码")).fill("140524199403150220")
    clerk.get_by_label(re.compile("姓名")).fill("王芳")
    send(clerk, "查询并预填")
    assert "公民身份号码" in summary_before(clerk, "main form.wb-form")
    axe_check(clerk, "counter start (error)")
    # a mandate recorded at the window with nothing filled in
    clerk.goto(portal("/workbench/window/mandates/"))
    send(clerk, "登记授权")
    summary_before(clerk, "#mandate-form")
    axe_check(clerk, "mandate record (error)")
    clerk.context.close()
