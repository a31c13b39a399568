"""Fixtures of the security tests (docs/security.md): the newborn bundle and the demo accounts, clients signed in
through the API (`as_user`) or a browser session (`signed_in`), and no counters left from one test to the next."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()  # sign-in and verification counters of one test never leak into another
