#!/usr/bin/env python3
"""One personal and one enterprise bundle in each of the three regions (陵川县, 十堰市, 新乡县), walked from search
to delivery by the region's demo accounts in a real browser against a running demo, one line per step, then a
table. Like scripts/newcomer_walk.py it reads no code and uses only what the pages and the README show.

    .venv/bin/yijianshi demo && .venv/bin/yijianshi runserver 127.0.0.1:8000 --noreload &
    .venv/bin/python scripts/region_walk.py --url http://127.0.0.1:8000            # all six walks
    .venv/bin/python scripts/region_walk.py --only 420300 --shots artifacts/region  # 十堰市's two

Each walk: search the phrase with the region chosen on the search page, open the guide, sign in, answer the
situation questions, complete the (largely prefilled) form, provide the materials, sign the commitments, submit;
the region's window clerk receives it; every department's officer accepts and approves (confirming each 准予);
the applicant finds it 已办结 with its documents and licences. Meant for a fresh demo (a draft left by an earlier,
failed run is taken up again as it was). Staff sign in with `yijianshi otp-code`, run with this environment: give
it the server's YIJIANSHI_DATA_DIR / DATABASE_URL. Exits non-zero, naming the step and what the page said, when
any walk fails.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError
from walk_steps import (
    StepFailed,
    Walk,
    arguments,
    chromium,
    departments_decide,
    page_error,
    pdf_bytes,
    png_bytes,
    sign_and_submit,
    window_takes_in,
)


@dataclass(frozen=True)
class Route:
    """Who walks which bundle where, and what they answer that the pages cannot know."""

    region: str
    region_name: str
    kind: str  # 个人 / 企业
    username: str
    phrase: str  # what a person types in the search box
    bundle: str
    clerk: str
    officers: tuple[tuple[str, str], ...]  # (department, username) as the README lists them
    acting_as: str = ""  # the sign-in page's 办事身份
    answers: dict[str, str] = field(default_factory=dict)  # situation question -> option value
    typed: dict[str, str] = field(default_factory=dict)  # form field -> text, when the form leaves it empty
    chosen: dict[str, str] = field(default_factory=dict)  # form field -> option label


def restaurant(address: str, sign: str, manager: str) -> dict[str, str]:
    """What a restaurant's owner types about the premises (开饭店)."""
    return {
        "store.address": address,
        "store.area_m2": "120",
        "store.business_items": "热食类食品制售；冷食类食品制售",
        "store.food_safety_manager": manager,
        "store.signboard_text": sign,
        "store.signboard_size": "6×1.2",
        "store.signboard_location": "临街正门上方",
        "store.fire_safety_manager": manager,
        "contact.name": manager,
    }


ROUTES: tuple[Route, ...] = (
    Route(
        "140524",
        "陵川县",
        "个人",
        "mother",
        "生孩子",
        "140524-09",
        "clerk",
        (
            ("卫生健康", "officer_health"),
            ("公安", "officer_police"),
            ("人力资源和社会保障", "officer_hrss"),
            ("医疗保障", "officer_medical"),
        ),
        typed={
            "child.name": "李小宝",
            "child.residence_address": "山西省晋城市陵川县崇文镇城南社区和平街12号",
            "child.ethnicity": "汉族",
            "household.relation_to_head": "子",
            "medical_enrolment.contribution_year": "2026",
        },
        chosen={
            "child.guardian_relationship": "母亲",
            "delivery.method": "电子送达",
            "medical_enrolment.category": "新生儿",
        },
    ),
    Route(
        "140524",
        "陵川县",
        "企业",
        "enterprise",
        "开饭店",
        "140524-02",
        "clerk",
        (("行政审批", "officer_approval"), ("消防救援", "officer_lc_fire")),
        acting_as="enterprise",
        typed=restaurant("山西省晋城市陵川县崇文镇太行路18号", "陵川家常菜馆", "赵敏"),
    ),
    Route(
        "420300",
        "十堰市",
        "个人",
        "applicant_sy",
        "社保卡",
        "420300-12",
        "clerk_sy",
        (
            ("市人社局", "officer_sy_hrss"),
            ("市医保局", "officer_sy_medical_security"),
            ("市交通运输局", "officer_sy_transport"),
            ("市文旅局", "officer_sy_culture_tourism"),
        ),
        acting_as="person",
    ),
    Route(
        "420300",
        "十堰市",
        "企业",
        "enterprise_sy",
        "开餐馆",
        "420300-03",
        "clerk_sy",
        (
            ("市市场监管局", "officer_sy_market_regulation"),
            ("市城管执法委", "officer_sy_urban_management"),
            ("市消防救援局", "officer_sy_fire"),
        ),
        acting_as="enterprise",
        typed=restaurant("湖北省十堰市张湾区车城路118号", "孙记武当山菜馆", "孙丽"),
    ),
    Route(
        "410721",
        "新乡县",
        "个人",
        "applicant_xx",
        "退休",
        "410721-13",
        "clerk_xx",
        (
            ("县人社局", "officer_xx_hrss"),
            ("县医保局", "officer_xx_medical_security"),
            ("住房公积金新乡县管理部", "officer_xx_housing_fund"),
            ("县卫健委", "officer_xx_health"),
            ("县公安局", "officer_xx_public_security"),
        ),
        acting_as="person",
        answers={"retirement_type": "normal"},
        typed={
            "retirement.date": "2026-12-01",
            "payout.bank_name": "中国工商银行新乡县支行",
            "payout.bank_account": "6222021707000123456",
            "retirement.only_child_certificate_number": "豫新字第0012345号",
            "child.name": "陈晓",
            "child.id_number": "410721199205100038",
        },
    ),
    Route(
        "410721",
        "新乡县",
        "企业",
        "enterprise_xx",
        "企业变更",
        "410721-01",
        "clerk_xx",
        (
            ("县市场监管局", "officer_xx_market_regulation"),
            ("县公安局", "officer_xx_public_security"),
            ("新乡金融监管支局", "officer_xx_bank_regulator"),
            ("县税务局", "officer_xx_tax"),
            ("县人社局", "officer_xx_hrss"),
            ("住房公积金新乡县管理部", "officer_xx_housing_fund"),
        ),
        acting_as="enterprise",
        typed={
            "enterprise.change_items": "住所",
            "enterprise.change_before": "河南省新乡市新乡县小冀镇工业路66号",
            "enterprise.change_after": "河南省新乡市新乡县七里营镇物流园8号",
            "enterprise.new_address": "河南省新乡市新乡县七里营镇物流园8号",
            "contact.name": "吴刚",
            "enterprise.seal_types": "公章、财务专用章",
            "enterprise.seal_maker": "新乡县诚信印章有限公司",
            "delivery.address": "河南省新乡市新乡县七里营镇物流园8号",
            "enterprise.bank_name": "中国建设银行新乡县支行",
            "enterprise.bank_account": "41050166880800001234",
        },
    ),
)
# what a person types into a field the form leaves empty and the route does not name, by the input's type
FALLBACK = {"date": "2026-12-01", "number": "120", "tel": "13800138000", "email": "demo@example.cn"}


@dataclass
class Outcome:
    route: Route
    bundle_name: str = ""
    number: str = ""
    steps: int = 0
    status: str = ""
    documents: str = ""
    failure: str = ""


def search(w: Walk, page: Page, route: Route) -> None:
    w.go(page, "/")
    box = page.get_by_role("searchbox", name="搜索办事指南")
    box.fill(route.phrase)
    with page.expect_navigation():
        box.press("Enter")
    page.locator("#search-region").select_option(route.region)
    w.click(page, "button", "搜索")
    hits = page.locator("ol.hits > li a")
    w.step(
        f"search “{route.phrase}” in {page.locator('#scope strong').inner_text()}: {hits.count()} result(s): "
        + ", ".join(hits.all_inner_texts()[:4])
    )
    w.shot(page, "search")
    target = page.locator(f"ol.hits > li a[href='/bundles/{route.bundle}/']")
    if not target.count():
        raise w.fail(page, f"find {route.bundle} among the results")
    target.click()
    page.wait_for_load_state("domcontentloaded")
    items = (
        page.locator("main table").first.locator("tbody tr").count()
        if page.locator("main table").count()
        else 0
    )
    w.step(f"read the guide “{page.locator('h1').inner_text()}”: {items} items")
    w.shot(page, "guide")


def answer_situations(w: Walk, page: Page, route: Route) -> None:
    answered = []
    for fieldset in page.locator("form fieldset").all():
        radios = fieldset.locator("input[type=radio]")
        if not radios.count():
            continue
        name = radios.first.get_attribute("name") or ""
        if name in route.answers:
            fieldset.locator(f"input[type=radio][value={route.answers[name]!r}]").check()
        elif not fieldset.locator("input[type=radio]:checked").count():
            radios.first.check()
        chosen = fieldset.locator("input[type=radio]:checked").locator("xpath=..").inner_text().strip()
        answered.append(f"{fieldset.locator('legend').inner_text().strip()} {chosen}")
    w.step(f"answer {len(answered)} situation questions: " + " / ".join(answered))
    w.click(page, "button", "下一步：填写表单")
    if "step=form" not in page.url:
        raise w.fail(page, "the situation answers were refused")


def fill_form(w: Walk, page: Page, route: Route) -> None:
    fields = page.locator("main form .field")
    prefilled = page.locator("main form p.source").count()
    typed: list[str] = []
    chosen = 0
    for key, label in route.chosen.items():
        select = page.locator("#f_" + key.replace(".", "__"))
        if select.count() and not select.input_value():
            select.select_option(label=label)
            chosen += 1
    for box in fields.all():
        control = box.locator("input:not([type=hidden]), select").first
        key = control.get_attribute("name") or ""
        required = "必填" in box.locator("label").first.inner_text()
        # a value from the departments' data stays; one this person left (a draft kept from before) is redone;
        # what the form does not require is left empty unless the route names it
        kept = control.input_value() and control.get_attribute("aria-invalid") != "true"
        if (kept and (key not in route.typed or box.locator("p.source").count())) or not (
            required or key in route.typed
        ):
            continue
        if control.evaluate("e => e.tagName") == "SELECT":
            values = [v for v in control.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
            if values:
                control.select_option(values[0])
                chosen += 1
        else:
            kind = (
                "number" if control.get_attribute("inputmode") == "decimal" else control.get_attribute("type")
            )
            control.fill(route.typed.get(key) or FALLBACK.get(kind or "text") or "示例")
            typed.append(key)
    w.step(
        f"the form: {prefilled} of {fields.count()} fields already filled in from the departments' data; "
        f"type {len(typed)} ({', '.join(typed)}) and choose {chosen}"
    )
    w.shot(page, "form")
    w.click(page, "button", "下一步：材料")
    if "step=materials" not in page.url:
        raise w.fail(page, "the form was refused")


def provide_materials(w: Walk, page: Page) -> None:
    uploaded, committed, needless, optional = [], [], 0, 0
    for card in page.locator("main form fieldset.card").all():
        name = card.locator("legend").inner_text().strip()
        upload = card.locator("input[type=file]")
        if not upload.count():
            needless += 1
            continue
        if "按需提供" in name:
            optional += 1
            continue
        code = (upload.get_attribute("name") or "file:").split(":", 1)[1]
        commitment = card.locator(f"input[name='choice:{code}'][value=commitment]")
        if commitment.count():
            commitment.check()
            committed.append(name)
            continue
        choose_upload = card.locator(f"input[name='choice:{code}'][value=upload]")
        if choose_upload.count():
            choose_upload.check()
        accept = upload.get_attribute("accept") or ""
        if "pdf" in accept:
            upload.set_input_files(
                {"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(code)}
            )
        else:
            upload.set_input_files({"name": f"{code}.png", "mimeType": "image/png", "buffer": png_bytes()})
        uploaded.append(name)
    w.step(
        f"materials: {needless} not needed (e-licences, data checks), {optional} only if they apply; "
        f"{len(committed)} by a commitment; upload {len(uploaded)}"
        + (f" ({', '.join(uploaded)})" if uploaded else "")
    )
    w.shot(page, "materials")
    w.click(page, "button", "保存并继续")


def applicant_applies(w: Walk, page: Page, route: Route, outcome: Outcome) -> tuple[str, int]:
    search(w, page, route)
    outcome.bundle_name = page.locator("h1").inner_text().strip()
    w.click(page, "link", "在线申请")
    w.sign_in(page, route.username, acting_as=route.acting_as)
    w.step(
        f"在线申请, sign in as {route.username}: signed in as “{page.locator('header .who').inner_text()}”"
    )
    if "/apply/" not in page.url:
        raise w.fail(page, "back to the application after signing in")
    answer_situations(w, page, route)
    fill_form(w, page, route)
    provide_materials(w, page)
    if "step=commitments" not in page.url:
        raise w.fail(page, "the materials were refused")
    number = sign_and_submit(w, page)
    w.go(page, "/me/licences/")
    return number, page.locator(".card.lic").count()


def applicant_follows(w: Walk, page: Page, number: str, licences_before: int, outcome: Outcome) -> None:
    w.go(page, f"/me/applications/{number}/")
    progress = page.locator(".progress").first
    outcome.status = progress.inner_text().strip()
    documents = page.locator(
        "xpath=//h2[contains(., '文书下载')]/following-sibling::ul[1]//a[starts-with(@href, '/me/documents/')]"
    ).all_inner_texts()
    w.step(f"my application {number}: {outcome.status}; documents: {', '.join(documents) or 'none'}")
    w.shot(page, "my-application")
    if progress.get_attribute("data-progress") != "completed" and "已办结" not in outcome.status:
        raise w.fail(page, f"{number} is not delivered (已办结)")
    w.go(page, "/me/licences/")
    names = page.locator(".card.lic h2").all_inner_texts()
    new = names[: len(names) - licences_before]  # the newest first
    w.step(f"the wallet holds {len(names)} licences, {len(new)} new: {', '.join(new) or 'none'}")
    w.shot(page, "wallet")
    outcome.documents = f"{len(documents)} documents; licences: {', '.join(new) or 'none'}"


def walk_route(browser: Browser, url: str, shots: Path | None, route: Route) -> Outcome:
    outcome = Outcome(route)
    label = f"{route.region_name} {route.kind}"
    w = Walk(browser, url, shots / f"{route.region}-{route.bundle}" if shots else None, label)
    page = w.new_page()
    try:
        number, licences_before = applicant_applies(w, page, route, outcome)
        outcome.number = number
        window_takes_in(w, number, route.clerk)
        departments_decide(w, number, route.officers)
        applicant_follows(w, page, number, licences_before, outcome)
    except StepFailed as failed:
        outcome.failure = str(failed)
    except PlaywrightError as failed:  # a control a person looks for is not there: say where
        outcome.failure = (
            f"step {w.n + 1} (after “{w.last}”): {failed.message.splitlines()[0]}; {page_error(page)}"
        )
    finally:
        page.context.close()
    outcome.steps = w.n
    if outcome.failure:
        print(f"FAILED {label} {route.bundle}: {outcome.failure}", flush=True)
    return outcome


def table(outcomes: list[Outcome]) -> str:
    head = ("region", "bundle", "applicant", "application", "steps", "final status", "documents")
    rows = [
        (
            f"{o.route.region_name} {o.route.region}",
            f"{o.route.bundle} {o.bundle_name}",
            f"{o.route.username} ({o.route.kind})",
            o.number or "—",
            str(o.steps),
            o.status if not o.failure else "FAILED",
            o.documents or "—",
        )
        for o in outcomes
    ]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def main() -> int:
    parser = arguments(__doc__)
    parser.add_argument("--only", action="append", help="a region code or bundle code (repeatable)")
    args = parser.parse_args()
    routes = [r for r in ROUTES if not args.only or r.region in args.only or r.bundle in args.only]
    started = time.monotonic()
    with chromium(args.chromium) as browser:
        outcomes = [walk_route(browser, args.url, args.shots, route) for route in routes]
    print()
    print(table(outcomes))
    failed = [o for o in outcomes if o.failure]
    for o in failed:
        print(f"FAILED {o.route.region_name} {o.route.bundle}: {o.failure}")
    print(
        f"{len(outcomes) - len(failed)} of {len(outcomes)} walks delivered in {time.monotonic() - started:.1f}s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
