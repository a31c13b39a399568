"""Files built in the test itself (PDFs, images) and what is stored on disk."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from yijianshi.uploads.models import Upload


def pdf_bytes(pages: int = 1, *, js: str | None = None, password: str | None = None) -> bytes:
    """A blank A4 PDF (with an open action running `js`, encrypted with `password`)."""
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


def png_file(name: str = "scan.png") -> SimpleUploadedFile:
    """A small white PNG, as a browser posts it."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def assert_nothing_stored(root: Path) -> None:
    assert Upload.objects.count() == 0
    assert stored_files(root) == []
