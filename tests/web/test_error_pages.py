"""The error pages people meet (issue 18 point 8): 403, 404, CSRF failure and 500 in Chinese, in the site's frame,
with English for English readers, and a way on (home, search, the 12345 hotline)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

from yijianshi.api.errors import server_error

pytestmark = pytest.mark.django_db


def test_404_is_chinese_in_the_site_frame(client: Client) -> None:
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and 'class="site"' in page and 'href="/search/"' in page
    assert "Not Found" not in page  # not Django's bare English page


def test_404_in_english_for_an_english_reader(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language button's cookie
    page = client.get("/no-such-page/").content.decode()
    assert "Page not found" in page and "页面不存在" not in page


def test_404_under_the_api_stays_structured(client: Client) -> None:
    response = client.get("/api/no-such-route/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_403_page() -> None:
    request = RequestFactory().get("/workbench/")
    request.user = AnonymousUser()  # what the authentication middleware sets before a view refuses
    with translation.override("zh-hans"):
        response = defaults.permission_denied(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403 and "无权访问" in page and 'class="site"' in page


def test_csrf_failure_says_nothing_was_sent() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/prefs/display/", {"toggle": "large_type", "next": "/"})
    page = response.content.decode()
    assert response.status_code == 403 and "页面已过期" in page and "没有提交" in page


def test_500_page_is_bilingual_and_needs_no_context() -> None:
    request = RequestFactory().get("/bundles/")
    try:
        raise ValueError("boom")
    except ValueError:
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时出错" in page and "Something went wrong" in page and "boom" not in page
