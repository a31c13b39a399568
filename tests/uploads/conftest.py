"""Upload tests: files built in the test itself; MEDIA_ROOT is a fresh temporary folder per test, so "nothing
stored" can be checked on disk as well as in the database."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from rest_framework.test import APIClient

from tests.cases.conftest import as_user, newborn  # noqa: F401  (fixtures)
from yijianshi.uploads.models import Upload

Clients = Callable[[str], APIClient]
BUNDLE = "140524-09"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def assert_nothing_stored(root: Path) -> None:
    assert Upload.objects.count() == 0
    assert stored_files(root) == []


def pdf_bytes(pages: int = 1, *, js: str | None = None, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if js is not None:
        writer.add_open_action(JavaScript(js))
    if password is not None:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=fmt)
    return out.getvalue()
