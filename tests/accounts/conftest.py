"""Real-name sign-in against a real OpenID Connect provider (tests/support/oidc_provider: django-oauth-toolkit in
its own process, a key made for this run), and the staff's second factor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from tests.support.oidc_provider.provider import Provider
from tests.support.realname import USERS


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    provider = Provider(users=USERS).start(tmp_path_factory.mktemp("oidc-provider"))
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture
def realname(oidc_provider: Provider, settings: Any, db: Any) -> Provider:
    """The platform configured for the test provider (endpoints read from its discovery document)."""
    settings.YIJIANSHI_OIDC = oidc_provider.rp_settings()
    return oidc_provider


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()  # the sign-in failure counters of one test never leak into another
