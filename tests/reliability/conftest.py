from __future__ import annotations

import pytest
from django.db import connection


@pytest.fixture
def postgres_only() -> None:
    """These tests need real row locks and concurrent connections: PostgreSQL (CI runs the suite on it)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the CI's PostgreSQL run executes it)")
