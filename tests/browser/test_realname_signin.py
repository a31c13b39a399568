"""Real-name sign-in in Chromium: the sign-in page's button, the test identity provider's own log-in page
(tests/support/oidc_provider, a real OpenID Connect provider in its own process), and back, signed in with the
name the provider vouched for. Then a staff member's second factor: the password, the code page, the workbench."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.oidc_provider.provider import Provider
from tests.support.realname import PASSWORD as PROVIDER_PASSWORD
from tests.support.realname import USERS

from .conftest import PASSWORD, Portal, axe_check, shot


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    started = Provider(users={"sunli": USERS["sunli"]}).start(
        tmp_path_factory.mktemp("oidc-provider-browser")
    )
    try:
        yield started
    finally:
        started.stop()


def test_a_person_signs_in_through_the_identity_service(
    page: Page, live_server: Any, transactional_db: Any, settings: Any, provider: Provider
) -> None:
    settings.YIJIANSHI_OIDC = provider.rp_settings()
    page.goto(live_server.url + "/accounts/login/?next=/me/")
    button = page.get_by_role("link", name="个人实名登录")
    expect(button).to_be_visible()
    shot(page, "60-login-with-realname")
    axe_check(page, "sign-in page with real-name sign-in")

    button.click()
    page.wait_for_url(re.compile(re.escape(provider.url) + r"/login/"))
    expect(page.get_by_role("heading", name=re.compile("测试统一身份认证"))).to_be_visible()
    page.get_by_label("账号").fill("sunli")
    page.get_by_label("密码").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(live_server.url + "/me/")
    expect(page.locator("header")).to_contain_text("孙丽")
    shot(page, "61-signed-in-through-the-identity-service")


@pytest.mark.staff_otp
def test_a_clerk_gives_the_code_after_the_password(page: Page, portal: Portal) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(portal("/accounts/login/"))
    page.get_by_label(re.compile("用户名|Username")).fill("clerk")
    page.get_by_label(re.compile("密码|Password")).fill(PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/otp/verify/"))
    expect(page.locator("main")).to_contain_text("yijianshi otp-code clerk")
    axe_check(page, "the staff code page")
    shot(page, "62-staff-code")

    device = TOTPDevice.objects.get(user__username="clerk", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    page.get_by_label(re.compile("动态验证码|Code")).fill(f"{totp.token():06d}")
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/workbench/window/$"))
    expect(page.locator("main")).to_be_visible()
