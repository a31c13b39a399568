from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.cases.conftest import _shipped
from yijianshi.accounts.demo import create_demo_accounts
from yijianshi.catalog.engine import compute
from yijianshi.catalog.services import catalog_load
from yijianshi.datahub.demo import demo_data_seed
from yijianshi.ledger.services import Purpose

NEWBORN_BORN = date(2026, 10, 20)  # demo TODAY - 12 days


def load_newborn() -> None:
    """陵川县 with only the newborn bundle, and of the vocabulary only the keys of that bundle and the keys a
    source fills (the loader upserts key by key: the whole vocabulary would take most of each test's time)."""
    cat = copy.deepcopy(_shipped())
    pack = cat.regions["140524"]
    pack["bundles"] = [b for b in pack["bundles"] if b["code"] == "140524-09"]
    pack["delegations"] = []
    cat.regions = {"140524": pack}
    used = {f["key"] for b in pack["bundles"] for e in b["items"] for f in cat.templates[e["ref"]]["fields"]}
    cat.vocabulary = {k: v for k, v in cat.vocabulary.items() if k in used or v.get("source")}
    catalog_load(catalogue=cat, actor=None)


@pytest.fixture
def hub(db: Any) -> None:
    """The newborn bundle and its region loaded (every data source with it), the demo accounts, and a small
    seeded population around the demo family."""
    load_newborn()
    create_demo_accounts()
    demo_data_seed(persons=150, enterprises=12, seed=3)


@pytest.fixture
def newborn_keys() -> list[tuple[str, str | None]]:
    """(key, source) of the merged form of the shipped newborn bundle (陵川县 140524-09)."""
    cat = _shipped()
    region, bundle = next((r, b) for r, b in cat.bundles() if b["code"] == "140524-09")
    form = compute(cat.bundle_def(region, bundle)).form
    return [(f.key, f.spec.source) for f in form.fields]


@pytest.fixture
def purpose() -> Purpose:
    return Purpose(kind="application", reference="YJS-TEST-0001")


def user(username: str) -> User:
    return User.objects.get(username=username)
