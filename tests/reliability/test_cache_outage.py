"""The shared cache (Redis: REDIS_URL) going away: sign-in still works and is still rate limited — each web
process counts failures by itself until the cache answers again — instead of every sign-in failing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from yijianshi.accounts.demo import DEMO_PASSWORD
from yijianshi.accounts.services import MAX_FAILURES

pytestmark = pytest.mark.django_db

NOBODY = "redis://127.0.0.1:9/0"  # the discard port: nothing answers there


@pytest.fixture
def cache_down(settings: Any) -> Iterator[None]:
    from yijianshi.accounts import services

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": NOBODY}
    }
    yield
    services._counters_local.clear()  # what this test counted in the process's own counters
    services._shared.reset()


def sign_in(client: APIClient, password: str) -> Any:
    return client.post("/api/auth/token/", {"username": "mother", "password": password}, format="json")


def test_sign_in_while_the_shared_cache_is_down(newborn: None, cache_down: None) -> None:
    client = APIClient(raise_request_exception=False)
    started = time.monotonic()
    ok = sign_in(client, DEMO_PASSWORD)
    assert ok.status_code == 200 and ok.json()["token"], ok.content
    assert time.monotonic() - started < 3
    for _ in range(MAX_FAILURES):
        wrong = sign_in(client, "guess")
        assert wrong.status_code == 400, wrong.content
    blocked = sign_in(client, DEMO_PASSWORD)
    assert blocked.status_code == 429 and blocked.json()["code"] == "too_many_signin_attempts", (
        blocked.content
    )
