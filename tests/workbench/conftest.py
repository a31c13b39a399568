from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.cases.conftest import load_bundles
from yijianshi.accounts.demo import create_demo_accounts


@pytest.fixture
def newborn(db: Any) -> None:
    load_bundles("140524-09")
    create_demo_accounts()


@pytest.fixture
def signed_in() -> Callable[[str], Client]:
    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client
    return client_for
