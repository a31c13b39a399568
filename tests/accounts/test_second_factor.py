"""The staff's second factor (accounts/otp.py): after the password a clerk, an officer, the administrator and the
auditor give a TOTP code; until then no staff page, no admin page and no staff API answers them. On here, as in
production (`staff_otp`); tests elsewhere sign staff in without it."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.support.catalogue import load_bundles
from yijianshi.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from yijianshi.accounts.models import Profile, Role
from yijianshi.accounts.otp import DEMO_DEVICE
from yijianshi.catalog.models import ServicePoint

pytestmark = [pytest.mark.django_db, pytest.mark.staff_otp]

STAFF_PAGES = {
    "clerk": "/workbench/window/",
    "officer_health": "/workbench/department/",
    "admin": "/workbench/admin/",
    "auditor": "/workbench/admin/",
}


@pytest.fixture
def demo(db: Any) -> None:
    load_bundles("140524-09")
    create_demo_accounts()


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def device_of(username: str) -> TOTPDevice:
    return TOTPDevice.objects.get(user__username=username, confirmed=True)


def password_sign_in(client: Client, username: str, next_path: str = "") -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD, "next": next_path}
    )


def verified_client(username: str) -> Client:
    client = Client()
    password_sign_in(client, username)
    assert (
        client.post("/accounts/otp/verify/", {"otp_token": code_for(device_of(username))}).status_code == 302
    )
    return client


@pytest.mark.parametrize("username", list(STAFF_PAGES))
def test_after_the_password_staff_are_asked_for_the_code(demo: None, username: str) -> None:
    client = Client()
    answer = password_sign_in(client, username)
    assert answer.status_code == 302 and answer["Location"] == "/accounts/otp/verify/"
    page = client.get("/accounts/otp/verify/").content.decode()
    assert 'name="otp_token"' in page and f"yijianshi otp-code {username}" in page  # the demo's hint


def test_applicants_are_not_asked_for_a_code(demo: None) -> None:
    answer = password_sign_in(Client(), "mother")
    assert answer.status_code == 302 and answer["Location"] == "/me/"


@pytest.mark.parametrize("username", list(STAFF_PAGES))
@pytest.mark.parametrize("how", ["password", "force_login"])
def test_without_the_second_factor_no_staff_page_admin_page_or_staff_api_answers(
    demo: None, username: str, how: str
) -> None:
    client = Client()
    if how == "password":
        password_sign_in(client, username)
    else:
        client.force_login(User.objects.get(username=username))
    for path in ("/workbench/", STAFF_PAGES[username], "/workbench/documents/YJS-0.pdf"):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer["Location"].startswith("/accounts/otp/verify/?next="), (path, answer["Location"])
    admin = client.get("/admin/", follow=True)
    assert admin.redirect_chain[-1][0] == "/accounts/otp/verify/?next=%2Fadmin%2F"
    assert client.get("/admin/auth/user/").status_code == 302
    assert client.get("/api/figures/applications/").status_code == 403  # a staff-only API with this session


@pytest.mark.parametrize("username", list(STAFF_PAGES))
def test_the_code_opens_the_workbench_and_changes_the_session_key(demo: None, username: str) -> None:
    client = Client()
    password_sign_in(client, username, next_path=STAFF_PAGES[username])
    before = client.session.session_key
    answer = client.post(
        "/accounts/otp/verify/", {"otp_token": code_for(device_of(username)), "next": STAFF_PAGES[username]}
    )
    assert answer.status_code == 302 and answer["Location"] == STAFF_PAGES[username]
    assert client.session.session_key != before
    assert client.get(STAFF_PAGES[username]).status_code == 200
    assert client.get("/api/figures/applications/").status_code == 200


def test_the_administrator_reaches_the_admin_site_after_the_code(demo: None) -> None:
    client = verified_client("admin")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/accounts/enterprisestaff/").status_code == 200  # the naming records, read-only
    assert client.get("/admin/accounts/enterprisestaff/add/").status_code == 403


def test_a_wrong_code_is_refused_and_a_code_is_good_once(demo: None) -> None:
    client = Client()
    password_sign_in(client, "clerk")
    wrong = client.post("/accounts/otp/verify/", {"otp_token": "12345"})
    assert wrong.status_code == 400 and "6 位数字" in wrong.content.decode()
    code = code_for(device_of("clerk"))
    wrong = client.post("/accounts/otp/verify/", {"otp_token": f"{(int(code) + 1) % 1_000_000:06d}"})
    assert wrong.status_code in (400, 429)
    device = device_of("clerk")
    device.throttle_reset()
    assert client.post("/accounts/otp/verify/", {"otp_token": code}).status_code == 302
    # the same code in another session (someone who watched it typed) is refused
    other = Client()
    password_sign_in(other, "clerk")
    again = other.post("/accounts/otp/verify/", {"otp_token": code})
    assert again.status_code == 400 and "已使用" in again.content.decode()
    assert other.get("/workbench/window/").status_code == 302


def test_wrong_codes_are_throttled(demo: None, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after the first failure, then two …
    client = Client()
    password_sign_in(client, "clerk")
    code = code_for(device_of("clerk"))
    wrong = f"{(int(code) + 500_000) % 1_000_000:06d}"
    assert client.post("/accounts/otp/verify/", {"otp_token": wrong}).status_code == 400
    throttled = client.post("/accounts/otp/verify/", {"otp_token": code})  # even the right code, for now
    assert throttled.status_code == 429 and "次数过多" in throttled.content.decode()
    assert client.get("/workbench/window/").status_code == 302


def test_a_staff_member_without_a_device_enrols_with_a_qr_code(demo: None) -> None:
    user = User.objects.create_user("clerk_new", password=DEMO_PASSWORD)
    Profile.objects.create(user=user, role=Role.CLERK, service_point=ServicePoint.objects.first())
    client = Client()
    answer = password_sign_in(client, "clerk_new", next_path="/workbench/window/")
    assert answer["Location"] == "/accounts/otp/setup/?next=%2Fworkbench%2Fwindow%2F"
    assert client.get("/accounts/otp/verify/")["Location"] == "/accounts/otp/setup/"
    page = client.get(answer["Location"]).content.decode()
    assert "<svg" in page and "otp-secret" in page
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed and device.bin_key == key
    assert client.get("/workbench/window/")["Location"].startswith("/accounts/otp/setup/")

    done = client.post("/accounts/otp/setup/", {"otp_token": code_for(device), "next": "/workbench/window/"})

    assert done.status_code == 302 and done["Location"] == "/workbench/window/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/workbench/window/").status_code == 200
    # a password alone never adds another device: the next sign-in asks for the code of this one
    later = Client()
    assert password_sign_in(later, "clerk_new")["Location"] == "/accounts/otp/verify/"
    assert later.get("/accounts/otp/setup/")["Location"] == "/accounts/otp/verify/"
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_wrong_enrolment_code_leaves_the_device_unconfirmed(demo: None) -> None:
    user = User.objects.create_user("officer_new", password=DEMO_PASSWORD)
    Profile.objects.create(user=user, role=Role.AUDITOR)
    client = Client()
    password_sign_in(client, "officer_new")
    client.get("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(device)) + 3) % 1_000_000:06d}"
    assert client.post("/accounts/otp/setup/", {"otp_token": wrong}).status_code == 400
    device.refresh_from_db()
    assert not device.confirmed and client.get("/workbench/admin/").status_code == 302


def test_an_api_token_for_staff_needs_the_code(demo: None) -> None:
    client = Client()
    bare = client.post("/api/auth/token/", {"username": "clerk", "password": DEMO_PASSWORD})
    assert bare.status_code == 400 and bare.json()["field"] == "otp_token"
    wrong = client.post(
        "/api/auth/token/", {"username": "clerk", "password": DEMO_PASSWORD, "otp_token": "000000"}
    )
    assert wrong.status_code in (400, 429) and "token" not in wrong.json()
    device_of("clerk").throttle_reset()
    ok = client.post(
        "/api/auth/token/",
        {"username": "clerk", "password": DEMO_PASSWORD, "otp_token": code_for(device_of("clerk"))},
    )
    assert ok.status_code == 200 and ok.json()["token"]
    assert (
        client.get("/api/figures/applications/", HTTP_AUTHORIZATION=f"Token {ok.json()['token']}").status_code
        == 200
    )
    # applicants give no code
    assert (
        client.post("/api/auth/token/", {"username": "mother", "password": DEMO_PASSWORD}).status_code == 200
    )


def test_with_the_second_factor_switched_off_the_password_is_enough(demo: None, settings: Any) -> None:
    settings.YIJIANSHI_STAFF_OTP = False
    client = Client()
    assert password_sign_in(client, "clerk")["Location"] == "/workbench/window/"
    assert client.get("/workbench/window/").status_code == 200


def test_demo_staff_have_a_demo_device_and_otp_code_prints_its_code(demo: None) -> None:
    assert set(TOTPDevice.objects.filter(name=DEMO_DEVICE).values_list("user__username", flat=True)) >= set(
        STAFF_PAGES
    )
    assert not TOTPDevice.objects.filter(user__username__in=["mother", "father", "enterprise"]).exists()
    out = StringIO()
    call_command("otp-code", "clerk", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    client = Client()
    password_sign_in(client, "clerk")
    assert client.post("/accounts/otp/verify/", {"otp_token": code}).status_code == 302
    create_demo_accounts()  # again (make run twice): still one device each
    assert TOTPDevice.objects.filter(user__username="clerk").count() == 1


def test_otp_code_reads_only_demo_devices_and_never_in_production(demo: None, monkeypatch: Any) -> None:
    device = device_of("clerk")
    device.name = "phone"
    device.save()
    with pytest.raises(CommandError, match="no demo authenticator"):
        call_command("otp-code", "clerk", stdout=StringIO())
    monkeypatch.setenv("YIJIANSHI_ENV", "production")
    with pytest.raises(CommandError, match="demo only"):
        call_command("otp-code", "officer_health", stdout=StringIO())
