#!/usr/bin/env python3
"""A newcomer's first application, walked in a real browser against a running demo (`make run`), printing each
step as a person would see it. It reads no code and uses only what the pages and the README show.

    make run                                            # or: yijianshi demo && yijianshi runserver 127.0.0.1:8000
    .venv/bin/python scripts/newcomer_walk.py           # the demo mother applies for the newborn bundle
    .venv/bin/python scripts/newcomer_walk.py --url http://127.0.0.1:8401 --complete --shots artifacts/newcomer

--complete goes on as the window clerk and the officers of each department until the licences are in the wallet.
Needs Debian's Chromium (/usr/bin/chromium; `make test` installs it) and Playwright (in .venv). Exits non-zero,
saying which step failed, when a step cannot be done.
"""

from __future__ import annotations

import sys
import time

from playwright.sync_api import Page
from walk_steps import (
    PASSWORD,
    StepFailed,
    Walk,
    arguments,
    chromium,
    departments_decide,
    pdf_bytes,
    sign_and_submit,
    window_takes_in,
)

TYPED = {
    "child.name": "李小宝",
    "child.residence_address": "山西省晋城市陵川县崇文镇城南社区和平街12号",
    "mother.phone": "13800138000",
    "child.ethnicity": "汉族",
    "household.relation_to_head": "子",
    "medical_enrolment.contribution_year": "2026",
}
CHOSEN = {
    "child.guardian_relationship": "母亲",
    "delivery.method": "电子送达",
    "medical_enrolment.category": "新生儿",
}
# who decides which part (README's demo accounts), by the department named on the case
OFFICERS = {
    "卫生健康": "officer_health",
    "公安": "officer_police",
    "人力资源和社会保障": "officer_hrss",
    "医疗保障": "officer_medical",
    "民政": "officer_civil",
}


def mother_applies(w: Walk) -> tuple[Page, str]:
    page = w.new_page()
    w.go(page, "/")
    w.step(f"open the home page {w.url}/ : “{page.title()}”")
    w.shot(page, "home")
    box = page.get_by_role("searchbox", name="搜索办事指南")
    box.fill("生孩子")
    with page.expect_navigation():
        box.press("Enter")
    hits = page.locator("ol.hits > li a")
    w.step(f"search “生孩子”: {hits.count()} result(s): {', '.join(hits.all_inner_texts()[:3])}")
    w.shot(page, "search")
    w.click(page, "link", "新生儿出生")
    w.step(
        f"read the guide “{page.locator('h1').inner_text()}”: "
        f"{len(page.locator('main table').first.locator('tbody tr').all())} items handled in parallel"
    )
    w.shot(page, "guide")
    w.click(page, "link", "在线申请")
    w.step(
        "press 在线申请: the sign-in page asks who I am"
        if "/accounts/login/" in page.url
        else f"press 在线申请: {page.url}"
    )
    w.sign_in(page, "mother")
    w.step(
        f"sign in as mother (password {PASSWORD}), signed in as “{page.locator('header .who').inner_text()}”"
    )
    for radio in page.locator("fieldset input[type=radio][value=yes]").all():
        radio.check()
    questions = page.locator("fieldset legend").all_inner_texts()
    w.step(f"answer {len(questions)} situation questions: " + " / ".join(q.strip() for q in questions))
    w.click(page, "button", "下一步：填写表单")
    prefilled = page.locator("p.source").count()
    w.step(
        f"the form: {prefilled} of {page.locator('main .field').count()} fields already filled in, each "
        "marked with its source (e.g. "
        + page.locator("p.source").first.inner_text().split("·")[0].strip()
        + ")"
    )
    w.shot(page, "form")
    typed = 0
    for key, value in TYPED.items():
        field = page.locator("#f_" + key.replace(".", "__"))
        if not field.input_value():
            field.fill(value)
            typed += 1
    for key, label in CHOSEN.items():
        page.locator("#f_" + key.replace(".", "__")).select_option(label=label)
    w.step(f"type {typed} fields and choose {len(CHOSEN)} options")
    w.click(page, "button", "下一步：材料")
    if "step=materials" not in page.url:
        raise w.fail(page, "the form was refused")
    waived = page.locator("fieldset .waiver-granted").count()
    w.step(
        f"materials: {waived} not needed (e-licences, data checks); the registration form by a commitment; "
        "upload the hospital's vaccination record (PDF)"
    )
    page.locator("input[name='choice:birth.first_issue_form'][value=commitment]").check()
    page.locator("#m_child__birth_vaccination_record_file").set_input_files(
        {"name": "接种记录.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    w.shot(page, "materials")
    w.click(page, "button", "保存并继续")
    if "step=commitments" not in page.url:
        raise w.fail(page, "the materials were refused")
    return page, sign_and_submit(w, page)


def mother_follows(w: Walk, page: Page, number: str) -> None:
    w.go(page, f"/me/applications/{number}/")
    status = page.locator("main p").first.inner_text()
    w.step(f"my application: {status}; {page.locator('.case').count()} departments' parts on the timeline")
    w.shot(page, "my-application")
    w.go(page, "/me/licences/")
    names = page.locator(".card.lic h2").all_inner_texts()
    w.step(f"the wallet holds {len(names)} licences, each with a QR code: {', '.join(names)}")
    w.shot(page, "wallet")


def main() -> int:
    parser = arguments(__doc__)
    parser.add_argument("--complete", action="store_true", help="go on as the clerk and the officers")
    args = parser.parse_args()
    with chromium(args.chromium) as browser:
        walk = Walk(browser, args.url, args.shots)
        try:
            page, number = mother_applies(walk)
            if args.complete:
                window_takes_in(walk, number)
                departments_decide(walk, number, OFFICERS.items())
                mother_follows(walk, page, number)
            else:
                walk.go(page, f"/me/applications/{number}/")
                walk.step(f"my application: {page.locator('main p').first.inner_text()}")
        except StepFailed as failed:
            print(f"FAILED at {failed}", file=sys.stderr)
            return 1
    print(f"done in {time.monotonic() - walk.started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
