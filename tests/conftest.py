from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def minipack(tmp_path: Path) -> Path:
    """A writable copy of the small test pack (three items of the newborn bundle)."""
    target = tmp_path / "pack"
    shutil.copytree(FIXTURES / "minipack", target)
    return target


@pytest.fixture(autouse=True)
def _fresh_work_calendar() -> None:
    """A rolled-back test sends no signal: start every test with the calendar rebuilt from its own data."""
    from yijianshi.core.calendar import work_calendar_clear

    work_calendar_clear()
