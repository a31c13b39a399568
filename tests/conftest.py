from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from tests.support.api import ApiClients, WebClients, api_client, web_client
from tests.support.catalogue import NEWBORN, load_bundles
from tests.support.passes import needs_the_engine
from yijianshi.accounts.demo import create_demo_accounts
from yijianshi.datahub.demo import demo_data_seed
from yijianshi.licenses.demo import seed_demo_licences

# Property tests check correctness, not speed: Hypothesis' default deadline (200 ms per example) turned a pure
# function's test red when the machine was loaded (seen: tests/datahub/test_routing.py, passing again with the
# same seed). Speed is measured in bench/ (rule 5), never by a test's clock.
hypothesis_settings.register_profile("yijianshi", deadline=None)
hypothesis_settings.load_profile("yijianshi")

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """make test's PostgreSQL pass leaves out what does not depend on the engine (tests/support/passes.py)."""
    if os.environ.get("YIJIANSHI_SECOND_DATABASE_PASS") != "1":
        return
    keep = [i for i in items if needs_the_engine(i)]
    left = [i for i in items if not needs_the_engine(i)]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = keep


@pytest.fixture
def minipack(tmp_path: Path) -> Path:
    """A writable copy of the small test pack (three items of the newborn bundle)."""
    target = tmp_path / "pack"
    shutil.copytree(FIXTURES / "minipack", target)
    return target


@pytest.fixture(autouse=True)
def _fast_password_hasher(request: pytest.FixtureRequest, settings: Any) -> None:
    """Most tests create the demo accounts, and Django's default hasher (PBKDF2-SHA256, 1,000,000 iterations)
    costs ~0.3 s a password on the CI machine: ~4 s a test. Tests hash with MD5 instead, except those about
    the hasher itself, which say so with `@pytest.mark.real_password_hasher`. Production keeps the default."""
    if request.node.get_closest_marker("real_password_hasher") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _staff_second_factor(request: pytest.FixtureRequest, settings: Any) -> None:
    """Staff sign in with a password and a TOTP code (accounts/otp.py). Tests of other things sign staff in with
    `force_login` or the password alone, so the second factor is off for them; the tests of the second factor
    itself (tests/accounts) turn it on with `@pytest.mark.staff_otp`, as production has it."""
    if request.node.get_closest_marker("staff_otp") is None:
        settings.YIJIANSHI_STAFF_OTP = False


@pytest.fixture(autouse=True)
def _fresh_remembered_values() -> None:
    """A rolled-back test sends no signal: start every test with what processes keep (the working-day calendar,
    catalogue lookups: core/remembered.py) read again from its own data."""
    from yijianshi.core.remembered import remembered_clear_all

    remembered_clear_all()


@pytest.fixture(scope="session", autouse=True)
def _ledger_connection_closed_at_the_end(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The access ledger keeps a second connection per thread (PostgreSQL): closed before the test database
    is dropped (a connected session would stop DROP DATABASE)."""
    yield
    from yijianshi.ledger.services import ledger_connection_close

    ledger_connection_close()


@pytest.fixture
def newborn(db: Any) -> None:
    """The newborn bundle of 陵川县 with its region's departments and service points, and the demo accounts."""
    load_bundles(NEWBORN)
    create_demo_accounts()


@pytest.fixture
def family(newborn: None) -> None:
    """`newborn`, and the demo family's shared data (a small synthetic population around it) and licences."""
    demo_data_seed(persons=40, enterprises=5)
    seed_demo_licences()


@pytest.fixture
def as_user() -> ApiClients:
    """username -> an API client authenticated as that user."""
    return api_client


@pytest.fixture
def signed_in() -> WebClients:
    """username -> a page client with that user's session."""
    return web_client


@pytest.fixture(autouse=True)
def _keys_in_a_temporary_folder(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Departments' SM2 private keys (licences and document seals, made on first use) go to a fresh folder,
    never the developer's data folder."""
    settings.LICENCE_KEY_DIR = tmp_path_factory.mktemp("keys")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """MEDIA_ROOT in a fresh folder of this test, so that what is stored can be checked on disk."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root
