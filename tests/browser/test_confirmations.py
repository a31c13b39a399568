"""Irreversible acts are confirmed first, saying what will happen (issue 18 point 6), in a real browser (the
pages use no script: a plain form post, then a page with the confirming form): an officer's 不予受理 and 准予, an applicant's 撤回申请. One click shows what the act does and
changes nothing; the confirmation does it. The confirmation pages pass axe-core and their buttons are at least
44 px tall. And a clerk opens an uploaded file from the intake page (issue 18 point 5)."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from .conftest import Portal, axe_check, shot
from .flows import open_case, person


def _received() -> tuple[str, dict[str, str]]:
    from tests.support.factories import received_application
    from yijianshi.cases.models import ItemCase

    app = received_application()
    names = {c.ref: c.name for c in ItemCase.objects.filter(application=app)}
    return app.number, names


def _tall_enough(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44, (selector, box)


def test_an_officer_confirms_a_refusal_and_an_approval(browser: Browser, portal: Portal) -> None:
    from yijianshi.cases.models import ItemCase

    number, names = _received()
    officer = person(browser, portal, "officer_health")
    open_case(officer, portal, number, names["birth_medical_certificate"])
    case = ItemCase.objects.get(application__number=number, ref="birth_medical_certificate")
    # 不予受理: one click shows what it does
    form = officer.locator("form[data-action='reject']")
    reason = "出生医学证明信息与医院分娩记录不符"
    form.locator("textarea[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    officer.wait_for_load_state("domcontentloaded")
    effects = officer.locator("#confirm-effects")
    expect(effects).to_have_attribute("data-action", "reject")
    expect(effects).to_contain_text("不予受理决定书")
    expect(officer.locator("#confirm-reason")).to_contain_text(reason)
    expect(officer.locator("#confirm-ending")).to_be_visible()  # the items that need it end with it
    expect(effects).to_contain_text("不能撤回")
    case.refresh_from_db()
    assert case.status == "pending_acceptance"
    _tall_enough(officer, "#confirm-submit")
    _tall_enough(officer, "#confirm-cancel")
    shot(officer, "60-officer-confirm-reject")
    axe_check(officer, "officer confirm reject")
    # going back changes nothing
    officer.locator("#confirm-cancel").click()
    officer.wait_for_load_state("domcontentloaded")
    expect(officer.locator("#case-status")).to_have_attribute("data-status", "pending_acceptance")
    # accept (not irreversible: one click), then 准予 through its confirmation
    officer.locator("form[data-action='accept'] button[type=submit]").click()
    officer.wait_for_load_state("domcontentloaded")
    expect(officer.locator("#case-status")).to_have_attribute("data-status", "accepted")
    officer.locator("form[data-action='approve'] button[type=submit]").click()
    officer.wait_for_load_state("domcontentloaded")
    expect(officer.locator("#confirm-effects")).to_contain_text("准予决定书")
    case.refresh_from_db()
    assert case.status == "accepted"
    officer.locator("#confirm-submit").click()
    officer.wait_for_load_state("domcontentloaded")
    expect(officer.locator("#case-status")).to_have_attribute("data-status", "approved")


def test_an_applicant_confirms_withdrawing(browser: Browser, portal: Portal) -> None:
    from yijianshi.cases.models import Application

    number, _ = _received()
    mother = person(browser, portal, "mother")
    mother.goto(portal(f"/me/applications/{number}/"))
    mother.locator("#withdraw-start").click()  # one click: the page that says what will happen
    mother.wait_for_load_state("domcontentloaded")
    expect(mother.locator("#withdraw-effects")).to_contain_text("不能恢复")
    assert Application.objects.get(number=number).status == "received"
    _tall_enough(mother, "#confirm-withdraw")
    _tall_enough(mother, "#cancel-withdraw")
    shot(mother, "61-applicant-confirm-withdraw")
    axe_check(mother, "applicant confirm withdraw")
    mother.get_by_label("撤回原因（可选）").fill("信息填错，重新申请")
    mother.locator("#confirm-withdraw").click()
    mother.wait_for_load_state("domcontentloaded")
    assert Application.objects.get(number=number).status == "withdrawn"


def test_a_clerk_opens_an_uploaded_file(browser: Browser, portal: Portal) -> None:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.factories import submitted_application
    from tests.support.files import pdf_bytes
    from tests.support.newborn import to_hand_in
    from yijianshi.accounts.roles import actor_of
    from yijianshi.cases.materials import application_material_receive
    from yijianshi.ledger.models import LedgerEntry

    app = submitted_application(complete=False)
    code = to_hand_in(app.snapshot)[0]
    application_material_receive(
        actor=actor_of(User.objects.get(username="mother")),
        application=app,
        bundle_code=app.bundle.code,
        material_key=code,
        file=SimpleUploadedFile("医学证明.pdf", pdf_bytes(), "application/pdf"),
    )
    clerk = person(browser, portal, "clerk")
    clerk.goto(portal(f"/workbench/window/applications/{app.number}/"))
    link = clerk.locator(f"#uploads li[data-material='{code}'] a.wb-file")
    expect(link).to_have_text("医学证明.pdf")
    before = LedgerEntry.objects.filter(source="uploads").count()
    answer = clerk.request.get(portal(link.get_attribute("href") or ""))  # with the clerk's session
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("inline")
    assert answer.body().startswith(b"%PDF")
    assert LedgerEntry.objects.filter(source="uploads").count() == before + 1
    # the officer of another department, whose items do not need it: 404
    other = person(browser, portal, "officer_civil")
    assert other.request.get(portal(link.get_attribute("href") or "")).status == 404
