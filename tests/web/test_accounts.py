"""Sign-in: landing by role, errors next to the field, the rate limit (page and API token), display preferences."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.api import WebClients as Clients
from yijianshi.accounts.demo import DEMO_PASSWORD
from yijianshi.accounts.models import Profile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("mother", "/me/"),
        ("enterprise", "/me/"),
        ("clerk", "/workbench/window/"),
        ("officer_health", "/workbench/department/"),
        ("admin", "/workbench/admin/"),
        ("auditor", "/workbench/admin/"),
    ],
)
def test_sign_in_lands_by_role(newborn: None, username: str, landing: str) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    answer = client.post(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 302 and answer["Location"] == landing


def test_sign_in_without_csrf_token_is_refused(newborn: None) -> None:
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post("/accounts/login/", {"username": "mother", "password": DEMO_PASSWORD}).status_code == 403
    )


def test_enterprise_representative_shows_the_enterprise_in_the_header(newborn: None, client: Client) -> None:
    wrong = client.post(
        "/accounts/login/", {"username": "mother", "password": DEMO_PASSWORD, "acting_as": "enterprise"}
    )
    body = wrong.content.decode()
    assert wrong.status_code == 400 and "未登记为企业经办人" in body and 'value="mother"' in body
    ok = client.post(
        "/accounts/login/", {"username": "enterprise", "password": DEMO_PASSWORD, "acting_as": "enterprise"}
    )
    assert ok.status_code == 302
    assert "陵川县示例餐饮有限公司" in client.get("/").content.decode()


def test_wrong_password_error_is_next_to_the_field_and_keeps_the_username(
    newborn: None, client: Client
) -> None:
    answer = client.post("/accounts/login/", {"username": "mother", "password": "nope"})
    body = answer.content.decode()
    assert answer.status_code == 400 and 'id="err_password"' in body and "用户名或密码不正确" in body
    assert 'value="mother"' in body


def test_sixth_attempt_is_429_even_with_the_right_password(newborn: None, client: Client) -> None:
    for _ in range(5):
        assert client.post("/accounts/login/", {"username": "mother", "password": "wrong"}).status_code == 400
    blocked = client.post("/accounts/login/", {"username": "mother", "password": DEMO_PASSWORD})
    assert blocked.status_code == 429 and "登录失败次数过多" in blocked.content.decode()
    # another account from another address is not affected
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        other.post("/accounts/login/", {"username": "father", "password": DEMO_PASSWORD}).status_code == 302
    )


def test_a_success_clears_the_account_counter(newborn: None, client: Client) -> None:
    for _ in range(4):
        client.post("/accounts/login/", {"username": "mother", "password": "wrong"})
    assert (
        client.post("/accounts/login/", {"username": "mother", "password": DEMO_PASSWORD}).status_code == 302
    )
    fresh = Client()
    for _ in range(4):
        assert fresh.post("/accounts/login/", {"username": "mother", "password": "wrong"}).status_code == 400


def test_api_token_endpoint_shares_the_limit(newborn: None) -> None:
    client = Client()
    for _ in range(5):
        assert client.post("/api/auth/token/", {"username": "father", "password": "wrong"}).status_code == 400
    blocked = client.post("/api/auth/token/", {"username": "father", "password": DEMO_PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["message"]["en"].startswith("Too many failed sign-in attempts")
    ok = Client(REMOTE_ADDR="10.0.0.7").post(
        "/api/auth/token/", {"username": "mother", "password": DEMO_PASSWORD}
    )
    assert ok.status_code == 200 and ok.json()["token"]


def test_sign_out_needs_a_post(newborn: None, signed_in: Clients) -> None:
    client = signed_in("mother")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/me/").status_code == 302  # signed out: to the sign-in page


def test_large_type_is_remembered_per_user_and_for_visitors(newborn: None, signed_in: Clients) -> None:
    client = signed_in("mother")
    assert 'class=""' in client.get("/").content.decode()
    client.post("/prefs/display/", {"toggle": "large_type", "next": "/"})
    assert Profile.objects.get(user__username="mother").large_type is True
    # a new session of the same user still has it
    again = signed_in("mother")
    assert 'class="large-type"' in again.get("/").content.decode()
    # a visitor: in the session, carried onto the profile at sign-in
    visitor = Client()
    visitor.post("/prefs/display/", {"toggle": "high_contrast", "next": "/"})
    assert 'class="high-contrast"' in visitor.get("/").content.decode()
    visitor.post("/accounts/login/", {"username": "father", "password": DEMO_PASSWORD})
    assert Profile.objects.get(user__username="father").high_contrast is True
    assert visitor.post("/prefs/display/", {"toggle": "nonsense"}).status_code == 400
