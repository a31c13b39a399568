from __future__ import annotations

from typing import Any

import pytest

from tests.support.catalogue import NEWBORN, load_newborn, shipped
from yijianshi.accounts.demo import create_demo_accounts
from yijianshi.catalog.engine import compute
from yijianshi.datahub.demo import demo_data_seed
from yijianshi.ledger.services import Purpose


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
    cat = shipped()
    region, bundle = next((r, b) for r, b in cat.bundles() if b["code"] == NEWBORN)
    form = compute(cat.bundle_def(region, bundle)).form
    return [(f.key, f.spec.source) for f in form.fields]


@pytest.fixture
def purpose() -> Purpose:
    return Purpose(kind="application", reference="YJS-TEST-0001")
