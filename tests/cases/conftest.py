from __future__ import annotations

import copy
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from yijianshi.accounts.demo import create_demo_accounts
from yijianshi.catalog.packs import Catalogue, read_packs
from yijianshi.catalog.services import catalog_load


@lru_cache(maxsize=1)
def _shipped() -> Catalogue:
    return read_packs()


def load_bundles(*codes: str, region: str = "140524") -> None:
    """Load just these bundles of the shipped catalogue (fast), with the region's departments."""
    cat = copy.deepcopy(_shipped())
    pack = cat.regions[region]
    pack["bundles"] = [b for b in pack["bundles"] if b["code"] in codes]
    pack["delegations"] = []
    cat.regions = {region: pack}
    catalog_load(catalogue=cat, actor=None)


@pytest.fixture
def newborn(db: Any) -> None:
    load_bundles("140524-09")
    create_demo_accounts()


@pytest.fixture
def as_user() -> Callable[[str], APIClient]:
    def client_for(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(User.objects.get(username=username))
        return client
    return client_for
