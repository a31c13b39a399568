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
