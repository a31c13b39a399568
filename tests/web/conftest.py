from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from tests.cases.conftest import load_bundles
from yijianshi.accounts.demo import create_demo_accounts

Clients = Callable[[str], Client]


@pytest.fixture
def newborn(db: Any) -> None:
    load_bundles("140524-09")
    create_demo_accounts()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()  # the sign-in failure counters of one test never leak into another


@pytest.fixture
def signed_in() -> Clients:
    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client
    return client_for
