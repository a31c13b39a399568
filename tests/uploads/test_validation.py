"""The pure checks (validation.py): each hostile file refused with its own code, good files accepted."""

from __future__ import annotations

import gzip
import io
import tarfile
import unicodedata
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.files import image_bytes, pdf_bytes
from yijianshi.core.errors import DomainError
from yijianshi.uploads.validation import (
    ALL_TYPES,
    JPEG,
    PDF,
    PNG,
    Limits,
    check_content,
    clean_name,
    download_name,
    read_limited,
)


def refused(data: bytes, accept: frozenset[str] = ALL_TYPES, limits: Limits | None = None) -> DomainError:
    with pytest.raises(DomainError) as caught:
        check_content(data, accept=accept, limits=limits)
    error = caught.value
    body = error.as_dict()
    assert body["field"] == "file"
    assert body["message"]["zh-hans"] and body["message"]["en"]  # type: ignore[index]
    return error


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return len(payload).to_bytes(4, "big") + kind + payload + zlib.crc32(kind + payload).to_bytes(4, "big")


def png_with_size(width: int, height: int) -> bytes:
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])  # 8-bit greyscale
    idat = zlib.compress(b"\0" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def hand_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand: numbered objects, a correct cross-reference table and trailer."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PAGES = (b"<</Type/Pages/Kids[3 0 R]/Count 1>>", b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>")


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("scan.pdf", pdf_bytes())
        z.writestr("zeros.bin", b"\0" * 1_000_000)
    return out.getvalue()


def test_good_files_are_accepted_with_their_real_type() -> None:
    pdf = check_content(pdf_bytes(3))
    assert (pdf.content_type, pdf.pages, pdf.extension) == (PDF, 3, "pdf")
    jpeg = check_content(image_bytes("JPEG"))
    assert (jpeg.content_type, jpeg.width, jpeg.height) == (JPEG, 64, 48)
    png = check_content(image_bytes("PNG"))
    assert png.content_type == PNG and png.pages is None and len(png.sha256) == 64


def test_empty_and_unknown_content() -> None:
    assert refused(b"").code == "empty_file"
    assert refused(b"<html><script>alert(1)</script></html>").code == "unsupported_type"
    assert refused(b"MZ\x90\x00" + b"\0" * 100).code == "unsupported_type"  # a Windows executable


def test_archives_are_refused_never_unpacked() -> None:
    assert refused(zip_bytes()).code == "archive_refused"
    bomb = gzip.compress(b"\0" * 20_000_000)  # 20 MB of zeros in a few kB
    assert len(bomb) < 100_000
    assert refused(bomb).code == "archive_refused"
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        info = tarfile.TarInfo("a.pdf")
        payload = pdf_bytes()
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    assert refused(out.getvalue()).code == "archive_refused"
    assert refused(b"Rar!\x1a\x07\x01\x00" + b"\0" * 50).code == "archive_refused"
    assert refused(b"7z\xbc\xaf\x27\x1c" + b"\0" * 50).code == "archive_refused"


def test_a_pdf_with_script_or_automatic_actions_is_refused() -> None:
    assert refused(pdf_bytes(js="app.alert('hi')")).code == "pdf_active_content"
    assert check_content(hand_pdf(b"<</Type/Catalog/Pages 2 0 R>>", *PAGES)).pages == 1  # the same, harmless
    launch = hand_pdf(b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/Launch/F(calc.exe)>>>>", *PAGES)
    assert refused(launch).code == "pdf_active_content"
    embedded = hand_pdf(
        b"<</Type/Catalog/Pages 2 0 R/Names<</EmbeddedFiles 4 0 R>>>>", *PAGES, b"<</Names[]>>"
    )
    assert refused(embedded).code == "pdf_active_content"


def test_a_pdf_with_a_disguised_script_name_is_refused() -> None:
    # "/J#61vaScript" is "/JavaScript" with a hex escape: invisible to a byte search, caught on the parsed objects
    body = hand_pdf(
        b"<</Type/Catalog/Pages 2 0 R/Names<</J#61vaScript 4 0 R>>>>",
        *PAGES,
        b"<</Names[(a) 5 0 R]>>",
        b"<</S/J#61vaScript/J#53(app.alert(1))>>",
    )
    assert b"/JavaScript" not in body
    assert refused(body).code == "pdf_active_content"


def test_encrypted_damaged_and_appended_pdfs_are_refused() -> None:
    assert refused(pdf_bytes(password="secret")).code == "encrypted_pdf"
    assert refused(b"%PDF-1.7\n" + b"garbage " * 100 + b"\n%%EOF").code == "invalid_pdf"
    assert refused(pdf_bytes()[:-200]).code == "invalid_pdf"  # truncated
    assert refused(pdf_bytes() + zip_bytes()).code == "invalid_pdf"  # a zip hiding behind the PDF


def test_too_many_pages() -> None:
    assert refused(pdf_bytes(4), limits=Limits(max_pdf_pages=3)).code == "too_many_pages"


def test_image_checks() -> None:
    assert refused(b"\x89PNG\r\n\x1a\n" + b"garbage" * 50).code == "invalid_image"
    assert refused(b"\xff\xd8\xff\xe0" + b"garbage" * 50).code == "invalid_image"
    jpeg = image_bytes("JPEG", (400, 300))
    assert refused(jpeg[: len(jpeg) // 2]).code == "invalid_image"  # truncated
    assert refused(jpeg + zip_bytes()).code == "invalid_image"  # polyglot: a zip appended
    png = image_bytes("PNG")
    corrupt = bytearray(png)
    corrupt[40] ^= 0xFF  # flips a byte inside a chunk: its CRC no longer matches
    assert refused(bytes(corrupt)).code == "invalid_image"


def test_decompression_bombs_are_refused_before_decoding() -> None:
    assert refused(png_with_size(100_000, 100_000)).code == "image_too_large"
    assert refused(png_with_size(10_000, 10_000)).code == "image_too_large"  # 100 MP > 60 MP
    assert refused(png_with_size(2_000, 2_000), limits=Limits(max_pixels=1_000_000)).code == "image_too_large"


def test_type_decided_by_content_and_the_material_narrows_it() -> None:
    jpeg = image_bytes("JPEG")
    assert check_content(jpeg, accept={JPEG, PNG}).content_type == JPEG
    error = refused(jpeg, accept=frozenset({PDF}))
    assert error.code == "type_not_accepted" and "PDF" in error.detail.en and "JPEG" in error.detail.en
    assert refused(pdf_bytes(), accept=frozenset({JPEG, PNG})).code == "type_not_accepted"


def test_size_limit_while_reading() -> None:
    chunks = (b"x" * 1000 for _ in range(10_000))
    with pytest.raises(DomainError) as caught:
        read_limited(chunks, limit=5000)
    assert caught.value.code == "file_too_large" and caught.value.status == 413
    assert next(chunks)  # stopped early: the rest of the stream was never read
    assert refused(b"%PDF-" + b"x" * 100, limits=Limits(max_bytes=50)).code == "file_too_large"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("a/b.pdf", "b.pdf"),
        ("C:\\fakepath\\出生证明.pdf", "出生证明.pdf"),
        ("  ..hidden.pdf  ", "hidden.pdf"),
        ("..", "file"),
        ("", "file"),
        ("e\u0301.pdf", "\u00e9.pdf"),  # NFC
    ],
)
def test_names_are_cleaned(raw: str, expected: str) -> None:
    assert clean_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("a\x00.pdf", "invalid_file_name"),
        ("invoice\u202efdp.exe", "invalid_file_name"),
        ("bad\nname.pdf", "invalid_file_name"),
        ("x" * 300 + ".pdf", "file_name_too_long"),
    ],
)
def test_hostile_names_are_refused(raw: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        clean_name(raw)
    assert caught.value.code == code and caught.value.detail.field == "file"


def test_long_names_are_shortened_keeping_the_extension() -> None:
    name = clean_name("材" * 200 + ".pdf")
    assert len(name) == 100 and name.endswith(".pdf")
    assert download_name("出生证明.pdf", JPEG) == "出生证明.jpg"
    assert download_name("noext", PDF) == "noext.pdf"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_a_cleaned_name_is_always_safe_to_show(raw: str) -> None:
    try:
        name = clean_name(raw)
    except DomainError as error:
        assert error.code in ("invalid_file_name", "file_name_too_long")
        return
    assert name and len(name) <= 100
    assert "/" not in name and "\\" not in name and name not in (".", "..")
    assert not any(unicodedata.category(c) == "Cc" for c in name)
