"""Finding 6 (issue 17, lows): API tokens were stored as they are sent, and the admin listed them: anyone who could
read the admin or a database backup could act as any applicant or officer for 12 hours. A token is now stored as
its SHA-256 digest (accounts.ApiToken), shown once in the answer that creates it; the admin shows its first
characters and its dates; authentication looks the digest up (with the user and profile, one query)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from yijianshi.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def obtain(username: str = "mother") -> str:
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def everything_stored() -> str:
    """The text of every row of every table the project's models map."""
    rows = []
    for model in apps.get_models(include_auto_created=True):
        rows.extend(repr(r) for r in model._default_manager.values_list())
    return "\n".join(rows)


def test_the_database_never_holds_the_raw_token(newborn: None) -> None:
    token = obtain()
    assert len(token) >= 40
    assert token not in everything_stored()
    assert token[:20] not in everything_stored()


def test_the_admin_lists_tokens_by_prefix_and_dates_never_the_token(newborn: None) -> None:
    token = obtain()
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    assert admin.get("/admin/authtoken/tokenproxy/").status_code == 404  # DRF's admin of raw keys is gone
    listing = admin.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert token not in page and token[:8] in page and "mother" in page
    from yijianshi.accounts.models import ApiToken

    row = ApiToken.objects.get(user__username="mother")
    detail = admin.get(f"/admin/accounts/apitoken/{row.pk}/change/").content.decode()
    assert token not in detail and row.digest not in detail
    assert admin.get("/admin/accounts/apitoken/add/").status_code == 403  # a token is made by signing in


def test_token_authentication_still_works_and_each_sign_in_gives_a_new_token(newborn: None) -> None:
    first, second = obtain(), obtain()
    assert first != second
    for token in (first, second):
        client = APIClient()
        assert client.get("/api/applications/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    wrong = APIClient().get("/api/applications/", HTTP_AUTHORIZATION=f"Token {first[:-1]}x")
    assert wrong.status_code in (401, 403) and wrong.json()["code"] == "authentication_failed"


def test_an_expired_token_is_refused_with_token_expired(newborn: None) -> None:
    from yijianshi.accounts.models import ApiToken

    token = obtain()
    ApiToken.objects.update(created=timezone.now() - timedelta(seconds=settings.YIJIANSHI_TOKEN_SECONDS + 1))
    refused = APIClient().get("/api/applications/", HTTP_AUTHORIZATION=f"Token {token}")
    assert refused.status_code in (401, 403) and refused.json()["code"] == "token_expired"
    obtain()  # signing in again: a new token, and the expired one is gone
    assert ApiToken.objects.count() == 1
