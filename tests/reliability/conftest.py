from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.cases.conftest import as_user, newborn  # noqa: F401 - fixtures shared with the case tests


@pytest.fixture
def postgres_only() -> None:
    """These tests need real row locks and concurrent connections: PostgreSQL (CI runs the suite on it)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the CI's PostgreSQL run executes it)")


Clients = Callable[[str], APIClient]
