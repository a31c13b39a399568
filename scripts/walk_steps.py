"""The steps a walk through the running demo is made of, shared by scripts/newcomer_walk.py and
scripts/region_walk.py: a browser page per person, signing in (staff with their demo TOTP code), the window
clerk's intake and each department officer's decisions, every step printed as a person would see it.

They use only what the pages show (real pages and forms, CSRF and all), never the code behind them."""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """The options every walk takes: the demo's address, where screenshots go, the browser."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--shots", type=Path, help="write a screenshot of each page here")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    return parser


@contextmanager
def chromium(path: str) -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (which never downloads a browser); exit 2 when it is missing."""
    if not Path(path).exists():
        print(f"Chromium is missing at {path}: run scripts/ensure_chromium.sh (or `make test`)")
        raise SystemExit(2)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class StepFailed(Exception):
    """A step a person could not do: which step, and what the page said."""


def otp_code(username: str) -> str:
    """The demo staff member's current TOTP code, as README tells a newcomer to get it."""
    tool = Path(sys.executable).with_name("yijianshi")
    done = subprocess.run([str(tool), "otp-code", username], capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0 or not done.stdout.strip():
        detail = " ".join((done.stderr or done.stdout).split())[-300:]
        raise StepFailed(f"the staff code of {username} could not be read (yijianshi otp-code): {detail}")
    return done.stdout.strip().split()[-1]


def errors(page: Page) -> str:
    """The error summary (or alert) the page shows, on one line."""
    for where in ("#error-summary", "[role=alert]", ".field-error"):
        box = page.locator(where)
        if box.count():
            return " ".join(" ".join(t.split()) for t in box.all_inner_texts())
    return ""


def page_error(page: Page) -> str:
    """What the page says when a step could not be done: its errors, else its heading and the start of its text."""
    try:
        said = errors(page)
        if said:
            return said
        main = page.locator("main")
        text = main.first.inner_text() if main.count() else page.content()
        return f"{page.url} “{page.title()}”: " + " ".join(text.split())[:300]
    except Exception as exc:  # noqa: BLE001 - the page itself may be gone; say so rather than hide the failure
        return f"(the page could not be read: {exc})"


class Walk:
    def __init__(self, browser: Browser, url: str, shots: Path | None, label: str = "") -> None:
        self.browser, self.url, self.shots, self.label = browser, url.rstrip("/"), shots, label
        self.n, self.started, self.last = 0, time.monotonic(), ""

    def step(self, text: str) -> None:
        self.n += 1
        self.last = text
        label = f"{self.label} " if self.label else ""
        print(f"[{time.monotonic() - self.started:6.1f}s] {label}{self.n:2}. {text}", flush=True)

    def fail(self, page: Page, text: str) -> StepFailed:
        return StepFailed(f"step {self.n + 1} ({text}): {page_error(page)}")

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
        response = page.goto(self.url + path)
        if response is not None and response.status >= 500:
            raise self.fail(page, f"open {path}: HTTP {response.status}")

    def sign_in(self, page: Page, username: str, *, acting_as: str = "") -> None:
        """The sign-in page as a newcomer uses it; a staff member's code from `yijianshi otp-code` (demo only).
        An applicant may choose to act as a person or as their enterprise's representative."""
        if "/accounts/login/" not in page.url:
            self.go(page, "/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        if acting_as:
            page.locator(f"input[name=acting_as][value={acting_as}]").check()
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()
        page.wait_for_load_state("domcontentloaded")
        for attempt in range(2):
            if "/accounts/otp/verify/" not in page.url:
                break
            if attempt:  # a code is good once (README): wait for the next one, as a person would
                time.sleep(31 - time.time() % 30)
            page.locator("#id_otp_token").fill(otp_code(username))  # staff: the demo's second factor (README)
            page.get_by_role("button", name=re.compile("验证|Verify")).click()
            page.wait_for_load_state("domcontentloaded")
        if "/accounts/login/" in page.url or "/accounts/otp/" in page.url:
            raise self.fail(page, f"sign in as {username}")

    def click(self, page: Page, role: str, name: str | re.Pattern[str]) -> None:
        page.get_by_role(role, name=name).first.click()  # type: ignore[arg-type]
        page.wait_for_load_state("domcontentloaded")


def pdf_bytes(
    text: str = "Hepatitis B and BCG vaccination record - Lingchuan County People's Hospital",
) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawString(72, 760, text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 210, 220)).save(out, format="PNG")
    return out.getvalue()


def sign_and_submit(w: Walk, page: Page) -> str:
    """The applicant signs each commitment and the declaration, reviews and submits; the application's number."""
    boxes = page.locator("input[type=checkbox][name=sign]")
    signed = boxes.count()  # each commitment chosen, and the applicant's declaration
    for i in range(signed):
        boxes.nth(i).check()
    w.click(page, "button", "下一步：确认提交")
    if "step=review" not in page.url:
        raise w.fail(page, "the commitments were refused")
    w.step(
        f"read and sign {signed - 1} commitments and the declaration; review: {page.locator('main p').first.inner_text()}"
    )
    w.shot(page, "review")
    w.click(page, "button", "提交申请")
    if "/receipt/" not in page.url:
        raise w.fail(page, "no receipt after submitting")
    number = page.locator("#application-number").inner_text().strip()
    w.step(f"submitted: application {number}")
    w.shot(page, "receipt")
    return number


def window_takes_in(w: Walk, number: str, clerk_username: str = "clerk") -> None:
    """The region's window clerk finds the application in the intake queue and receives it (材料齐全)."""
    clerk = w.new_page()
    try:
        w.sign_in(clerk, clerk_username)
        w.go(clerk, "/workbench/window/")
        queued = clerk.locator(f"#intake-queue tr[data-number={number!r}]").count() == 1
        w.step(f"the window clerk {clerk_username} sees {number} in the intake queue: {queued}")
        if not queued:
            raise w.fail(clerk, f"{clerk_username}'s intake queue lacks {number}")
        w.click(clerk, "link", number)
        clerk.get_by_label(re.compile("材料齐全")).check()
        w.click(clerk, "button", "提交决定")
        status = clerk.locator("#app-status")
        if not status.count():
            raise w.fail(clerk, f"{clerk_username} receives {number}")
        w.step(f"the clerk receives it: {status.inner_text()}")
    finally:
        clerk.context.close()


def departments_decide(w: Walk, number: str, officers: Iterable[tuple[str, str]]) -> None:
    """Each officer (department, username) opens their department's queue and decides the parts of this
    application it holds; a part waiting for another department's result is left for the next round."""
    pages: dict[str, Page] = {}  # each officer signs in once (a TOTP code is good once)
    try:
        for _ in range(5):
            undecided = 0
            for department, username in officers:
                if username not in pages:
                    pages[username] = w.new_page()
                    w.sign_in(pages[username], username)
                undecided += _officer_decides(w, pages[username], number, department, username)
            if not undecided:
                return
    finally:
        for page in pages.values():
            page.context.close()
    raise StepFailed(f"step {w.n + 1}: the departments could not finish: a case of {number} stays undecided")


def _officer_decides(w: Walk, officer: Page, number: str, department: str, username: str) -> int:
    """Accept and approve (confirming 准予) every case of `number` in the officer's queue; how many stay open."""
    w.go(officer, "/workbench/department/")
    rows = officer.locator("#case-queue tbody tr").filter(has_text=number)
    links = [a.get_attribute("href") or "" for a in rows.get_by_role("link", name=number).all()]
    undecided = 0
    for href in links:
        w.go(officer, href)
        for action in ("accept", "approve"):
            form = officer.locator(f"form[data-action={action}]")
            if form.count():
                form.locator("button[type=submit]").click()
                officer.wait_for_load_state("domcontentloaded")
                if officer.locator("#confirm-form").count():  # 准予 is irreversible: read, then confirm
                    w.step(f"{username} is asked to confirm: {officer.locator('h1').inner_text()}")
                    officer.locator("#confirm-submit").click()
                    officer.wait_for_load_state("domcontentloaded")
        status = officer.locator("#case-status")
        if not status.count():
            raise w.fail(officer, f"{username} decides {href}")
        w.step(f"{username} ({department}): {officer.locator('h1').inner_text()} → {status.inner_text()}")
        undecided += status.get_attribute("data-status") != "approved"
    return undecided
