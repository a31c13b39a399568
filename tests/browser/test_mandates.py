"""Mandates in the browser (issue 17 point 2): a principal grants one under 我的授权, the agent applies for her and
follows the application, she revokes it and the agent no longer sees it; a window clerk records one after
checking the principal in person."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from tests.support.mandates import BUNDLE
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.cases.samples import sample_form
from yijianshi.core import clock

from .conftest import Portal, new_context, shot, sign_in


def in_a_month() -> str:
    return (clock.local(clock.now()) + timedelta(days=30)).date().isoformat()


def apply_for_her(agent: Page, portal: Portal) -> str:
    """The agent files the newborn application for 王芳 through the API, with their browser's session (the
    portal has no on-behalf wizard): the same request an agent's app sends."""
    guide = agent.request.get(portal(f"/api/bundles/{BUNDLE}/")).json()
    form = sample_form(guide["form"], overrides={"mother.id_number": MOTHER_ID, "mother.name": "王芳"})
    needed = [m["code"] for m in guide["materials"] if m["required"] and not m["waiver"]]
    token = next(c["value"] for c in agent.context.cookies() if c["name"] == "csrftoken")
    response = agent.request.post(
        portal("/api/applications/"),
        data=json.dumps(
            {
                "bundle": BUNDLE,
                "form": form,
                "materials": needed,
                "on_behalf_of": {"name": "王芳", "id_number": MOTHER_ID},
            }
        ),
        headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": portal("/")},
    )
    assert response.status == 201, response.text()
    return str(response.json()["number"])


def test_a_principal_grants_the_agent_applies_she_revokes_and_the_agent_sees_nothing(
    browser: Browser, portal: Portal
) -> None:
    # 王芳 lets 李强 apply for her and follow the newborn bundle
    mother = new_context(browser).new_page()
    sign_in(mother, portal, "mother", next_path="/me/mandates/")
    mother.goto(portal("/me/mandates/"))
    grant = mother.locator("#grant-form")
    grant.get_by_label("代理人公民身份号码").fill(FATHER_ID)
    grant.get_by_label("代理人姓名").fill("李强")
    grant.locator("#g_bundles").select_option(BUNDLE)
    grant.locator("#g_to").fill(in_a_month())
    grant.get_by_role("button", name="授权").click()
    expect(mother.locator("#mandate-done")).to_be_visible()
    row = mother.locator("#mandates-given tbody tr[data-status=active]")
    expect(row).to_have_count(1)
    number = row.get_attribute("data-number")
    assert number

    # 李强 applies for her and follows the application in his /me/
    father = new_context(browser).new_page()
    sign_in(father, portal, "father")
    app = apply_for_her(father, portal)
    father.goto(portal("/me/"))
    expect(father.locator("main")).to_contain_text(app)
    father.goto(portal(f"/me/applications/{app}/"))
    expect(father.locator("main h1")).to_be_visible()
    expect(father.locator("main")).to_contain_text(app)

    # she sees that he read her data for it, under her mandate
    mother.goto(portal("/me/data-reads/"))
    expect(mother.locator(".on-behalf").first).to_contain_text(f"由代理人 李强 依据授权 #{number} 查询")

    # she revokes it
    mother.goto(portal("/me/mandates/"))
    mother.locator(f"#mandates-given tr[data-number='{number}']").get_by_role("link", name="撤销").click()
    mother.locator("#revoke-form").get_by_role("button", name="确认撤销").click()
    expect(mother.locator(f"#mandates-given tr[data-number='{number}']")).to_have_attribute(
        "data-status", "revoked"
    )

    # and he no longer sees the application; she still does
    gone = father.goto(portal(f"/me/applications/{app}/"))
    assert gone is not None and gone.status == 404
    father.goto(portal("/me/"))
    expect(father.locator("main")).not_to_contain_text(app)
    shot(father, "mandate-agent-after-revocation")
    kept = mother.goto(portal(f"/me/applications/{app}/"))
    assert kept is not None and kept.status == 200


def test_a_window_clerk_records_a_mandate_after_checking_the_principal(
    page: Page, browser: Browser, portal: Portal
) -> None:
    sign_in(page, portal, "clerk")
    page.goto(portal("/workbench/window/mandates/"))
    form = page.locator("#mandate-form")
    form.locator("input[name=principal_type][value=person]").check()
    form.locator("input[name=principal_id_number]").fill(MOTHER_ID)
    form.locator("input[name=principal_name]").fill("王芳")
    form.locator("input[name=verification][value=id_card_read]").check()  # the ID card read at the counter
    form.locator("textarea[name=evidence]").fill("身份证读卡核验通过")
    form.locator("input[name=agent_kind][value=person]").check()
    form.locator("input[name=agent_id_number]").fill(FATHER_ID)
    form.locator("input[name=agent_name]").fill("李强")
    form.locator("input[name=scope][value=bundles]").check()
    form.locator("select[name=bundles]").select_option(BUNDLE)
    form.locator("input[name=valid_to]").fill(in_a_month())
    form.get_by_role("button", name=re.compile("登记授权")).click()
    recorded = page.locator("#mandate-recorded")
    expect(recorded).to_contain_text("王芳")
    expect(recorded).to_contain_text("李强")
    number = recorded.get_attribute("data-number")
    assert number
    shot(page, "mandate-recorded-at-window")

    # 王芳 finds it among the mandates she gave, in force, and may revoke it
    mother = new_context(browser).new_page()
    sign_in(mother, portal, "mother")
    mother.goto(portal("/me/mandates/"))
    row = mother.locator(f"#mandates-given tr[data-number='{number}']")
    expect(row).to_have_attribute("data-status", "active")
    expect(row.get_by_role("link", name="撤销")).to_be_visible()
