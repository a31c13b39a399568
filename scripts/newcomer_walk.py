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

import argparse
import io
import re
import sys
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "yijianshi-demo"  # noqa: S105 - the README's published demo password
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


def otp_code(username: str) -> str:
    """The demo staff member's current TOTP code, as README tells a newcomer to get it."""
    import subprocess

    tool = Path(sys.executable).with_name("yijianshi")
    done = subprocess.run([str(tool), "otp-code", username], capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout.strip().split()[-1]


class Walk:
    def __init__(self, browser: Browser, url: str, shots: Path | None) -> None:
        self.browser, self.url, self.shots, self.n, self.started = (
            browser,
            url.rstrip("/"),
            shots,
            0,
            time.monotonic(),
        )

    def step(self, text: str) -> None:
        self.n += 1
        print(f"[{time.monotonic() - self.started:6.1f}s] {self.n:2}. {text}", flush=True)

    def shot(self, page: Page, name: str) -> None:
        if self.shots:
            self.shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(self.shots / f"{self.n:02}-{name}.png"), full_page=True)

    def new_page(self) -> Page:
        context = self.browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(20_000)
        return context.new_page()

    def go(self, page: Page, path: str) -> None:
        page.goto(self.url + path)

    def sign_in(self, page: Page, username: str) -> None:
        """The sign-in page as a newcomer uses it; a staff member's code from `yijianshi otp-code` (demo only)."""
        if "/accounts/login/" not in page.url:
            self.go(page, "/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()
        page.wait_for_load_state("domcontentloaded")
        if "/accounts/otp/verify/" in page.url:  # staff: the second factor, as a demo user gets it (README)
            page.locator("#id_otp_token").fill(otp_code(username))
            page.get_by_role("button", name=re.compile("验证|Verify")).click()
            page.wait_for_load_state("domcontentloaded")
        if "/accounts/login/" in page.url or "/accounts/otp/" in page.url:
            raise SystemExit(f"sign-in as {username} failed: {page.locator('main').inner_text()[:200]}")

    def click(self, page: Page, role: str, name: str | re.Pattern[str]) -> None:
        page.get_by_role(role, name=name).first.click()  # type: ignore[arg-type]
        page.wait_for_load_state("domcontentloaded")


def pdf_bytes() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawString(72, 760, "Hepatitis B and BCG vaccination record - Lingchuan County People's Hospital")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def errors(page: Page) -> str:
    box = page.locator("#error-summary, [role=alert]")
    return box.first.inner_text().replace("\n", " ") if box.count() else ""


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
        raise SystemExit(f"the form was refused: {errors(page)}")
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
        raise SystemExit(f"the materials were refused: {errors(page)}")
    boxes = page.locator("input[type=checkbox][name=sign]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    w.step(f"read and sign {boxes.count()} commitments")
    w.click(page, "button", "下一步：确认提交")
    w.shot(page, "review")
    w.click(page, "button", "提交申请")
    if "/receipt/" not in page.url:
        raise SystemExit(f"no receipt after submitting: {page.url} {errors(page)}")
    number = page.locator("#application-number").inner_text().strip()
    w.step(f"submitted: application {number}")
    w.shot(page, "receipt")
    return page, number


def window_takes_in(w: Walk, number: str) -> None:
    clerk = w.new_page()
    w.sign_in(clerk, "clerk")
    w.go(clerk, "/workbench/window/")
    w.step(
        f"the window clerk sees {number} in the intake queue: "
        f"{clerk.locator(f'#intake-queue tr[data-number={number!r}]').count() == 1}"
    )
    w.click(clerk, "link", number)
    clerk.get_by_label(re.compile("材料齐全")).check()
    w.click(clerk, "button", "提交决定")
    w.step(f"the clerk receives it: {clerk.locator('#app-status').inner_text()}")
    clerk.context.close()


def departments_decide(w: Walk, number: str) -> None:
    """Each officer opens their department's queue and decides the parts of this application it holds; a part
    waiting for another department's result is left for the next round."""
    for _ in range(5):
        undecided = 0
        for department, username in OFFICERS.items():
            officer = w.new_page()
            w.sign_in(officer, username)
            w.go(officer, "/workbench/department/")
            rows = officer.locator("#case-queue tbody tr").filter(has_text=number)
            links = [a.get_attribute("href") or "" for a in rows.get_by_role("link", name=number).all()]
            for href in links:
                w.go(officer, href)
                for action in ("accept", "approve"):
                    form = officer.locator(f"form[data-action={action}]")
                    if form.count():
                        form.locator("button[type=submit]").click()
                        officer.wait_for_load_state("domcontentloaded")
                        if officer.locator(
                            "#confirm-form"
                        ).count():  # 准予 is irreversible: read, then confirm
                            w.step(f"{username} is asked to confirm: {officer.locator('h1').inner_text()}")
                            officer.locator("#confirm-submit").click()
                            officer.wait_for_load_state("domcontentloaded")
                status = officer.locator("#case-status")
                w.step(
                    f"{username} ({department}): {officer.locator('h1').inner_text()} → {status.inner_text()}"
                )
                undecided += status.get_attribute("data-status") != "approved"
            officer.context.close()
        if not undecided:
            return
    raise SystemExit("the departments could not finish: a case stays undecided")


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--complete", action="store_true", help="go on as the clerk and the officers")
    parser.add_argument("--shots", type=Path, help="write a screenshot of each page here")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not Path(args.chromium).exists():
        print(f"Chromium is missing at {args.chromium}: run scripts/ensure_chromium.sh (or `make test`)")
        return 2
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True)
        walk = Walk(browser, args.url, args.shots)
        try:
            page, number = mother_applies(walk)
            if args.complete:
                window_takes_in(walk, number)
                departments_decide(walk, number)
                mother_follows(walk, page, number)
            else:
                walk.go(page, f"/me/applications/{number}/")
                walk.step(f"my application: {page.locator('main p').first.inner_text()}")
        finally:
            browser.close()
    print(f"done in {time.monotonic() - walk.started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
