"""The permission matrix: every role against every endpoint, on an application owned by the mother, taken in
at the county hall, with item cases at four departments. Allowed cells succeed; the rest answer 403 or 404
(404 whenever the object is outside the user's scope, so existence is not revealed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.support.accounts import MATRIX_USERS as USERS
from tests.support.api import api_client
from tests.support.newborn import received
from yijianshi.cases.models import ItemCase

pytestmark = pytest.mark.django_db

OK = "ok"
# endpoint -> the users for whom it succeeds; every other user gets one of the codes listed in DENIED
MATRIX: dict[str, set[str]] = {
    "GET application": {"mother", "clerk", "officer_health", "admin", "auditor"},
    "GET history": {"mother", "clerk", "officer_health", "admin", "auditor"},
    "GET documents": {"mother", "clerk", "officer_health", "admin", "auditor"},
    "GET receipt pdf": {"mother", "clerk", "officer_health", "admin", "auditor"},
    "GET item case": {"mother", "clerk", "officer_health", "admin", "auditor"},
    "POST accept": {"officer_health", "admin"},
    "POST withdraw": {"mother", "clerk", "admin"},
}
DENIED = {"anonymous": {401, 403}}


def call(client: APIClient, endpoint: str, number: str, case: ItemCase) -> int:
    if endpoint == "GET application":
        return client.get(f"/api/applications/{number}/").status_code
    if endpoint == "GET history":
        return client.get(f"/api/applications/{number}/history/").status_code
    if endpoint == "GET documents":
        return client.get(f"/api/applications/{number}/documents/").status_code
    if endpoint == "GET receipt pdf":
        return client.get(f"/api/documents/{number}-SJ01.pdf").status_code
    if endpoint == "GET item case":
        return client.get(f"/api/item-cases/{case.pk}/").status_code
    if endpoint == "POST accept":
        return client.post(
            f"/api/item-cases/{case.pk}/transitions/",
            {"action": "accept", "expected_version": case.version},
            format="json",
        ).status_code
    if endpoint == "POST withdraw":
        return client.post(f"/api/applications/{number}/withdraw/", {}, format="json").status_code
    raise AssertionError(endpoint)


@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_permission_matrix(newborn: None, as_user: Callable[[str], APIClient], endpoint: str) -> None:
    results: dict[str, Any] = {}
    for username in USERS:
        number = received(as_user("mother"), as_user("clerk"))  # a fresh application for each cell
        case = ItemCase.objects.get(application__number=number, ref="vaccination_certificate")
        client = api_client(username)
        results[username] = call(client, endpoint, number, case)
    for username, code in results.items():
        if username in MATRIX[endpoint]:
            assert 200 <= code < 300, (endpoint, username, code)
        else:
            assert code in DENIED.get(username, {403, 404}), (endpoint, username, code)


def test_lists_only_show_what_is_in_scope(newborn: None, as_user: Callable[[str], APIClient]) -> None:
    number = received(as_user("mother"), as_user("clerk"))
    for username, expected in (
        ("mother", 1),
        ("father", 0),
        ("clerk", 1),
        ("clerk_town", 0),
        ("officer_health", 1),
        ("officer_civil", 0),
        ("auditor", 1),
    ):
        listed = as_user(username).get("/api/applications/").json()["results"]
        assert len(listed) == expected, username
        if listed:
            assert listed[0]["number"] == number
    assert {c["department"] for c in as_user("officer_health").get("/api/item-cases/").json()["results"]} == {
        "卫生健康部门"
    }
    assert as_user("officer_civil").get("/api/item-cases/").json()["results"] == []
