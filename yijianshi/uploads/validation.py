"""Checks on an uploaded material, from its bytes, never from its name (issue 5 "what bad input gets", issue 6
"hostile input"). Pure: no Django; the limits come in as arguments and every refusal is a `DomainError` with a
stable code, a reason in Chinese and English and `field="file"`.

What is accepted: PDF, JPEG and PNG, detected from the magic bytes and then verified — the PDF parses (pypdf),
is not encrypted and carries no active content (JavaScript, automatic actions, launch actions, embedded
files); an image has a sound structure (PNG chunks and their CRCs, JPEG markers, decoded by Pillow), sane
dimensions (no decompression bomb) and nothing appended after its end. Archives (zip, gzip, rar, 7z, tar,
bzip2, xz, zstd) are refused outright and never unpacked. The size limit is enforced while the bytes are read
(`read_limited`), before anything is stored.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from yijianshi.core.errors import DomainError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
ALL_TYPES: frozenset[str] = frozenset({PDF, JPEG, PNG})
IMAGES: frozenset[str] = frozenset({JPEG, PNG})
EXTENSIONS: dict[str, str] = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
LABELS: dict[str, str] = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}

MAX_NAME_CHARS = 255  # a longer name is refused: no file system or form sends one honestly
DISPLAY_NAME_CHARS = 100  # kept for display, extension preserved
MAX_IMAGE_SIDE = 30_000

ARCHIVES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"PK\x03\x04", "zip"),
    (0, b"PK\x05\x06", "zip"),
    (0, b"PK\x07\x08", "zip"),
    (0, b"\x1f\x8b", "gzip"),
    (0, b"Rar!\x1a\x07", "rar"),
    (0, b"7z\xbc\xaf\x27\x1c", "7z"),
    (0, b"BZh", "bzip2"),
    (0, b"\xfd7zXZ\x00", "xz"),
    (0, b"\x28\xb5\x2f\xfd", "zstd"),
    (0, b"MSCF", "cab"),
    (0, b"\x1f\x9d", "compress"),
    (257, b"ustar", "tar"),
)

# PDF names that make a viewer run or open something by itself, or carry other files
ACTIVE_PDF_NAMES: frozenset[str] = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/OpenAction",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
    }
)
_RAW_ACTIVE = re.compile(
    rb"/(JavaScript|JS|OpenAction|AA|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|"
    rb"ImportData|GoToE)(?![A-Za-z0-9])"
)
_MAX_PDF_OBJECTS = 200_000

# names: C0/C1 controls (NUL included), and the bidirectional overrides that disguise an extension
# ("invoice\u202efdp.exe" shows as "invoiceexe.pdf")
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")


@dataclass(frozen=True)
class Checked:
    """What the bytes turned out to be."""

    content_type: str
    size: int
    sha256: str
    pages: int | None = None
    width: int | None = None
    height: int | None = None

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 60_000_000
    max_pdf_pages: int = 500


def refuse(code: str, zh: str, en: str, *, status: int = 400) -> DomainError:
    error = DomainError(code, zh, en, field="file")
    error.status = status
    return error


def too_large(limit: int) -> DomainError:
    mib = f"{limit / (1024 * 1024):g}"
    return refuse(
        "file_too_large",
        f"文件过大，单个文件不超过 {mib} MB，未保存",
        f"File too large: each file must be at most {mib} MB; nothing was stored",
        status=413,
    )


# ------------------------------------------------------------------------------------------------ names


def clean_name(raw: str) -> str:
    """The name shown to people (never used on disk). Directory parts are dropped (a browser may send
    `C:\\fakepath\\a.pdf`); control characters, NUL and bidirectional overrides are refused, as are names
    longer than 255 characters; the rest is normalised (NFC), trimmed and shortened for display."""
    name = str(raw or "")
    if len(name) > MAX_NAME_CHARS:
        raise refuse(
            "file_name_too_long",
            f"文件名过长（超过 {MAX_NAME_CHARS} 个字符）",
            f"The file name is longer than {MAX_NAME_CHARS} characters",
        )
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise refuse("invalid_file_name", "文件名含有控制字符", "The file name contains control characters")
    if any(c in _BIDI for c in name):
        raise refuse(
            "invalid_file_name",
            "文件名含有改变文字方向的字符（可能伪装扩展名）",
            "The file name contains text-direction overrides (which can disguise its extension)",
        )
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split()).strip(" .")
    if name in ("", ".", ".."):
        return "file"
    if len(name) > DISPLAY_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        stem = stem if ext else name
        name = stem[: DISPLAY_NAME_CHARS - len(ext) - 1].rstrip(" .") + (f".{ext}" if ext else "")
    return name


def download_name(display: str, content_type: str) -> str:
    """The name a download gets: the display stem with the extension of what the file really is."""
    stem = display.rsplit(".", 1)[0] if "." in display else display
    return f"{stem or 'file'}.{EXTENSIONS[content_type]}"


# ------------------------------------------------------------------------------------------------ size


def read_limited(chunks: Iterable[bytes], *, limit: int) -> bytes:
    """Join the chunks, stopping with `file_too_large` the moment they pass the limit."""
    out = bytearray()
    for chunk in chunks:
        out += chunk
        if len(out) > limit:
            raise too_large(limit)
    return bytes(out)


# ------------------------------------------------------------------------------------------------ content


def sniff(data: bytes) -> str | None:
    """The type from the magic bytes, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def archive_kind(data: bytes) -> str | None:
    for offset, magic, kind in ARCHIVES:
        if data[offset : offset + len(magic)] == magic:
            return kind
    return None


def check_content(data: bytes, *, accept: Iterable[str] = ALL_TYPES, limits: Limits | None = None) -> Checked:
    """Refuse what is empty, too large, an archive, of an unknown or unaccepted type, malformed or active."""
    limits = limits or Limits()
    accepted = frozenset(accept) & ALL_TYPES or ALL_TYPES
    if not data:
        raise refuse("empty_file", "文件是空的", "The file is empty")
    if len(data) > limits.max_bytes:
        raise too_large(limits.max_bytes)
    kind = archive_kind(data)
    if kind is not None:
        raise refuse(
            "archive_refused",
            f"不接受压缩包（{kind}），请直接上传 PDF 或图片",
            f"Archives ({kind}) are not accepted — they are never unpacked; upload the PDF or image itself",
        )
    content_type = sniff(data)
    names = "、".join(LABELS[t] for t in sorted(accepted))
    if content_type is None:
        raise refuse(
            "unsupported_type",
            f"无法识别的文件类型，本材料只接受 {names}（按文件内容判断，而非文件名）",
            f"Unrecognised file type; this material accepts {', '.join(LABELS[t] for t in sorted(accepted))}"
            " (judged from the content, not the name)",
        )
    if content_type not in accepted:
        raise refuse(
            "type_not_accepted",
            f"本材料不接受 {LABELS[content_type]} 文件，只接受 {names}",
            f"This material does not accept {LABELS[content_type]}; it accepts "
            f"{', '.join(LABELS[t] for t in sorted(accepted))}",
        )
    digest = hashlib.sha256(data).hexdigest()
    if content_type == PDF:
        pages = _check_pdf(data, limits)
        return Checked(content_type, len(data), digest, pages=pages)
    width, height = _check_image(data, content_type, limits)
    return Checked(content_type, len(data), digest, width=width, height=height)


# --- PDF


def _check_pdf(data: bytes, limits: Limits) -> int:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    tail = data[data.rfind(b"%%EOF") + 5 :] if b"%%EOF" in data else b"?"
    if tail.strip(b"\r\n\t \x00"):
        raise refuse(
            "invalid_pdf",
            "PDF 文件不完整或在结尾之后附加了其他数据",
            "The PDF is truncated or has other data appended after its end",
        )
    if _RAW_ACTIVE.search(data):
        raise _active_pdf()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise refuse(
                "encrypted_pdf",
                "不接受加密或设置了密码的 PDF，请去除密码后再上传",
                "Encrypted or password-protected PDFs are not accepted; remove the password and upload again",
            )
        pages = len(reader.pages)
        seen: set[tuple[int, int]] = set()
        stack: list[Any] = [reader.trailer]
        count = 0
        while stack:
            obj = stack.pop()
            count += 1
            if count > _MAX_PDF_OBJECTS:
                raise refuse("invalid_pdf", "PDF 结构过于复杂，无法检查", "The PDF is too complex to check")
            if isinstance(obj, IndirectObject):
                ref = (obj.idnum, obj.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                obj = obj.get_object()
            if isinstance(obj, DictionaryObject):
                for key, value in obj.items():
                    if key in ACTIVE_PDF_NAMES:
                        raise _active_pdf()
                    stack.append(value)
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
            elif isinstance(obj, NameObject) and obj in ACTIVE_PDF_NAMES:
                raise _active_pdf()
    except DomainError:
        raise
    except (
        Exception,
        RecursionError,
    ):  # pypdf raises many types on hostile input; all mean "not a sound PDF"
        raise refuse(
            "invalid_pdf", "PDF 文件已损坏或无法解析", "The PDF is damaged or cannot be parsed"
        ) from None
    if pages < 1:
        raise refuse("invalid_pdf", "PDF 文件没有页面", "The PDF has no pages")
    if pages > limits.max_pdf_pages:
        raise refuse(
            "too_many_pages",
            f"PDF 页数超过上限 {limits.max_pdf_pages} 页",
            f"The PDF has more than {limits.max_pdf_pages} pages",
        )
    return pages


def _active_pdf() -> DomainError:
    return refuse(
        "pdf_active_content",
        "PDF 含有脚本、自动动作、启动程序或嵌入文件，不予接受",
        "The PDF contains JavaScript, automatic actions, launch actions or embedded files; not accepted",
    )


# --- images


def _png_end(data: bytes) -> int:
    """Offset just past IEND, walking the chunks (length, type, data, CRC) from the signature."""
    import zlib

    pos, first = 8, True
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > len(data) or not kind.isalpha():
            break
        if first and kind != b"IHDR":
            break
        if zlib.crc32(data[pos + 4 : pos + 8 + length]) != int.from_bytes(data[end - 4 : end], "big"):
            raise refuse(
                "invalid_image",
                "PNG 图片已损坏（校验和不符）",
                "The PNG image is damaged (checksum mismatch)",
            )
        first = False
        if kind == b"IEND":
            return end
        pos = end
    raise refuse("invalid_image", "PNG 图片结构无效或不完整", "The PNG image is malformed or truncated")


def _check_image(data: bytes, content_type: str, limits: Limits) -> tuple[int, int]:
    from PIL import Image

    if content_type == PNG:
        end = _png_end(data)
    else:
        trimmed = data.rstrip(b"\x00\r\n\t ")
        if not trimmed.endswith(b"\xff\xd9"):
            raise refuse(
                "invalid_image",
                "JPEG 图片不完整或在结尾之后附加了其他数据",
                "The JPEG image is truncated or has other data appended after its end",
            )
        end = len(trimmed)
    if data[end:].strip(b"\x00\r\n\t "):
        raise refuse(
            "invalid_image", "图片结尾之后附加了其他数据", "The image has other data appended after its end"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=["PNG" if content_type == PNG else "JPEG"])
        with img:
            width, height = img.size
            if (
                width < 1
                or height < 1
                or width > MAX_IMAGE_SIDE
                or height > MAX_IMAGE_SIDE
                or width * height > limits.max_pixels
            ):
                raise refuse(
                    "image_too_large",
                    f"图片尺寸异常（{width}×{height} 像素），超过上限",
                    f"The image's dimensions ({width}×{height} pixels) exceed the limit",
                )
            if content_type == JPEG:
                img.draft(
                    img.mode, (max(1, width // 8), max(1, height // 8))
                )  # decode every block, at 1/8 scale
            img.load()
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refuse(
            "image_too_large", "图片尺寸异常，超过上限", "The image's dimensions exceed the limit"
        ) from None
    except (Exception, RecursionError):  # Pillow raises OSError, SyntaxError, ValueError … on malformed data
        raise refuse(
            "invalid_image", "图片已损坏或无法解码", "The image is damaged or cannot be decoded"
        ) from None
    return width, height
