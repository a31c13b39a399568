"""Fixtures of the security tests (docs/security.md): the newborn bundle and the demo accounts, clients signed in
through the API (`as_user`) or a browser session (`signed_in`), and no counters left from one test to the next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from tests.cases.conftest import as_user, newborn  # noqa: F401 - fixtures shared with the case tests


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()  # sign-in and verification counters of one test never leak into another


@pytest.fixture
def signed_in(db: Any) -> Callable[[str], Client]:
    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client
    return client_for
