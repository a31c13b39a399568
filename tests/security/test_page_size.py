"""Finding 1 (issue 17, lows): `?limit=9223372036854775808` answered 500 on every API list (an integer SQLite and
PostgreSQL cannot take into LIMIT). Every list is paginated by yijianshi.api.pagination.Pagination: a limit past
`MAX_LIMIT` is cut to it, an offset past any list is an empty page; a limit or offset that is not a whole number (negative, zero for a limit, words) is 400
`invalid_page_parameter` naming the parameter; `page` is not a parameter of these lists and is ignored.

The lists come from the URL resolver (as tests/access/test_access_matrix.py builds its table): every GET under
/api/ without a path parameter whose view paginates (a GenericAPIView)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.generics import GenericAPIView
from rest_framework.test import APIClient

from tests.support.access import advance, api_endpoints, submit
from tests.support.api import api_client as client_for
from yijianshi.accounts.roles import actor_of
from yijianshi.catalog.models import ServicePoint

pytestmark = pytest.mark.django_db
HUGE = "9223372036854775808"  # 2**63: one past the largest 64-bit integer


def list_endpoints() -> list[str]:
    from django.urls import resolve

    out = []
    for route, method in api_endpoints():
        if method != "GET" or "<" in route or "(?P" in route:
            continue
        view = resolve("/" + route).func
        cls = getattr(view, "cls", None)
        if cls is not None and issubclass(cls, GenericAPIView) and cls.pagination_class is not None:
            out.append("/" + route)
    return sorted(out)


def test_the_lists_are_found() -> None:
    lists = list_endpoints()
    assert {
        "/api/applications/",
        "/api/item-cases/",
        "/api/licences/",
        "/api/objections/",
        "/api/intake-queue/",
        "/api/me/data-reads/",
        "/api/licences/keys/",
    } <= set(lists), lists


@pytest.fixture
def lists(family: None) -> None:  # noqa: F811 - the fixture imported above
    """Something in every list: an empty list answers before it runs the query that took the limit."""
    number = submit("mother", None)
    advance(number, client_for("clerk"), "received")
    submit("mother", None)  # another one, left in the intake queue
    raised = client_for("mother").post(
        "/api/objections/",
        {"application": number, "key": "mother.name", "claimed_value": "王芳芳", "reason": "姓名有误"},
        format="json",
    )
    assert raised.status_code == 201, raised.content
    from datetime import timedelta

    from django.contrib.auth.models import User

    from yijianshi.core import clock
    from yijianshi.mandates.services import mandate_grant

    mandate_grant(
        actor=actor_of(User.objects.get(username="mother")),
        agent_kind="service_point",  # a mandate in the list
        agent_service_point=ServicePoint.objects.order_by("code").first().code,  # type: ignore[union-attr]
        scope="bundles",
        bundle_codes=["140524-09"],
        abilities=["apply"],
        valid_to=clock.local(clock.now()).date() + timedelta(days=30),
    )


def reader(path: str, as_user: Callable[[str], APIClient]) -> APIClient:
    """A demo user who may read this list (the mother, or the administrator for the staff lists)."""
    for username in ("mother", "admin"):
        client = as_user(username)
        client.raise_request_exception = False  # a 500 is an answer here, not an exception
        response = client.get(path)
        if response.status_code == 200:
            assert response.json()["count"] > 0, f"{path} is empty: the test would not run its query"
            return client
    raise AssertionError(f"nobody may read {path}")


@pytest.mark.parametrize("path", list_endpoints())
def test_huge_limits_and_offsets_are_cut_not_a_500(
    path: str, lists: None, as_user: Callable[[str], APIClient]
) -> None:
    client = reader(path, as_user)
    for query in (
        f"limit={HUGE}",
        f"limit={10**30}",
        f"offset={HUGE}",
        f"limit={HUGE}&offset={HUGE}",
        f"page={HUGE}",
        "page=-1",
        "page=abc",
    ):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (query, response.status_code, response.content[:300])
    from yijianshi.api.pagination import MAX_LIMIT

    for query in (f"limit={HUGE}", f"limit={MAX_LIMIT + 1}", "limit=" + "9" * 5000, "offset=" + "9" * 5000):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (query, response.status_code, response.content[:300])
        body = response.json()
        assert len(body["results"]) <= MAX_LIMIT
        if "limit=" in query:
            assert body["next"] is None or f"limit={MAX_LIMIT}" in body["next"], body["next"]


@pytest.mark.parametrize("path", list_endpoints())
def test_garbage_limits_and_offsets_are_400_naming_the_parameter(
    path: str, lists: None, as_user: Callable[[str], APIClient]
) -> None:
    client = reader(path, as_user)
    for name, value in (
        ("limit", "-1"),
        ("limit", "0"),
        ("limit", "abc"),
        ("limit", "1.5"),
        ("offset", "-1"),
        ("offset", "abc"),
        ("offset", "1e3"),
        ("offset", "٣"),
    ):  # an Arabic-Indic digit: int() takes it, a page parameter does not
        response = client.get(f"{path}?{name}={value}")
        assert response.status_code == 400, (name, value, response.status_code, response.content[:300])
        body = response.json()
        assert body["code"] == "invalid_page_parameter" and body["field"] == name, body
        assert body["message"]["zh-hans"] and body["message"]["en"], body


def test_a_limit_within_bounds_is_kept(newborn: None, as_user: Callable[[str], APIClient]) -> None:
    body = as_user("admin").get("/api/licences/keys/?limit=7&offset=0").json()
    assert "results" in body and (body["next"] is None or "limit=7" in body["next"])
