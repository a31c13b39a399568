"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, installed by `make test` through
scripts/ensure_chromium.sh) against pytest-django's live server.

- one browser for the whole package (scope "package": Playwright's sync API keeps an event loop running in the
  main thread while it is started, so it is stopped again before the rest of the suite runs; while it runs,
  DJANGO_ALLOW_ASYNC_UNSAFE lets the test thread use the ORM next to that loop), a fresh context per test;
- the live server runs in a thread of this process on the test database (SQLite: a per-process file; PostgreSQL
  with DATABASE_URL: the test database), emptied after each test (transactional);
- `portal` loads only the newborn bundle of 陵川县, the demo accounts, a small seeded population around the demo
  family and the family's licences;
- `shot(page, name)` writes a full-page screenshot to artifacts/screenshots/ (kept by the test run, gitignored);
- `axe_check(page, name)` runs axe-core (bundled by axe-playwright-python) and fails on serious/critical
  violations, printing every violation readably.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

CHROMIUM = os.environ.get("YIJIANSHI_CHROMIUM", "/usr/bin/chromium")
# without the background-networking flags Chromium stalls on a machine without outside network
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
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("YIJIANSHI_ARTIFACTS", ROOT / "artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"
PASSWORD = "yijianshi-demo"
TIMEOUT_MS = 15_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
expect.set_options(timeout=TIMEOUT_MS)  # a loaded 2-core machine: assertions wait as long as actions do


# --- the browser ------------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def _playwright() -> Iterator[Playwright]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package", autouse=True)
def _fresh_failure_shots() -> None:
    """Screenshots of failures are of this run only (the key pages' screenshots are overwritten anyway)."""
    for old in SCREENSHOTS.glob("FAILED-*.png"):
        old.unlink()


@pytest.fixture(scope="package")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: the browser tests need Debian's Chromium. "
            "`make test` installs it (scripts/ensure_chromium.sh); or run "
            "`sudo apt-get install -y --no-install-recommends chromium fonts-noto-cjk`.",
            pytrace=False,
        )
    launched = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        yield launched
    finally:
        launched.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A context as a resident's browser has it: Chinese locale, Beijing time, a desktop window."""
    settings: dict[str, Any] = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", "viewport": DESKTOP}
    settings.update(options)
    context = browser.new_context(**settings)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    ctx = new_context(browser)
    yield ctx
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:  # the pages as they were when the test failed
        for i, open_page in enumerate(ctx.pages):
            shot(open_page, f"FAILED-{request.node.name}-{i}")
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# --- the site -----------------------------------------------------------------------------------------------


@dataclass
class Portal:
    url: str

    def __call__(self, path: str) -> str:
        return self.url.rstrip("/") + path


@pytest.fixture
def portal(live_server: Any, transactional_db: Any, settings: Any) -> Portal:
    """The live site with the newborn bundle of 陵川县, the demo accounts, a small population around the demo
    family (shared data for the prefill) and the family's licences (the marriage certificate waiver)."""
    from tests.support.catalogue import load_newborn
    from yijianshi.accounts.demo import create_demo_accounts
    from yijianshi.datahub.demo import demo_data_seed
    from yijianshi.licenses.demo import seed_demo_licences
    from yijianshi.web.catalogue import synonyms_seed

    load_newborn()
    synonyms_seed()  # the data migration's rows are flushed away between live-server tests
    create_demo_accounts()
    demo_data_seed(persons=20, enterprises=2, seed=5)
    seed_demo_licences()
    return Portal(url=live_server.url)


def sign_in(
    page: Page, portal: Portal, username: str, *, password: str = PASSWORD, next_path: str = ""
) -> None:
    """Sign in through the sign-in page, as a person would."""
    page.goto(portal("/accounts/login/" + (f"?next={next_path}" if next_path else "")))
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill(password)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    assert "/accounts/login/" not in page.url or page.locator(".field-error, [role=alert]").count() == 0, (
        f"sign-in as {username} failed: {page.locator('main').inner_text()[:300]}"
    )


def sign_out(page: Page) -> None:
    page.locator("form[action='/accounts/logout/'] button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")


def no_horizontal_scroll(page: Page, width: int, tolerance: int = 2) -> None:
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width + tolerance, (
        f"{page.url} scrolls sideways: {scroll_width}px wide on a {width}px screen"
    )


# --- screenshots and axe-core -------------------------------------------------------------------------------


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot at artifacts/screenshots/<name>.png (the folder the test run keeps)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    page.screenshot(path=str(target), full_page=True)
    return target


FAILING_IMPACTS = ("serious", "critical")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def axe_report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:240]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def axe_check(page: Page, name: str = "") -> list[dict[str, Any]]:
    """Run axe-core on the page as it is; fail on any serious or critical violation (all are printed)."""
    violations = axe_violations(page)
    label = name or page.url
    if violations:
        print(f"\naxe-core on {label}:\n{axe_report(violations)}")
    bad = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not bad, f"axe-core: serious/critical violations on {label}:\n{axe_report(bad)}"
    return violations
