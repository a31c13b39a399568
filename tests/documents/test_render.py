"""PDF documents are read back with pypdf: titles, numbers, page flow, the font, and the QR code's modules."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import reportlab
import segno
from pypdf import PdfReader

from tests.support.pdf import qr_modules
from yijianshi.core.errors import DomainError
from yijianshi.documents.render import (
    CID_FONT,
    KINDS,
    QR_BORDER,
    QR_MASK,
    DocumentData,
    check_config,
    pdf_font,
    qr_png,
    render_pdf,
    title_for,
)

LATIN_TTF = (
    Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
)  # ships with reportlab: no system font needed
MM = 72 / 25.4  # points per millimetre
URL = "https://yjs.example.gov.cn/verify/YJS-RC-20261121-000123?h=3f9a1c"


def make(kind: str = "receipt", **changes: Any) -> DocumentData:
    data = DocumentData(
        kind=kind,
        number="YJS-RC-20261121-000123",
        application_number="YJS-20261121-000042",
        issued_at=datetime(2026, 11, 21, 6, 30, tzinfo=UTC),
        issuer="新乡市政务服务中心",
        applicant_name="张**",
        bundle_name="新生儿出生一件事",
        lines=(("事项", "出生医学证明办理"), ("办理时限", "5个工作日")),
        items=("户口簿原件", "父母双方身份证"),
        verify_url=URL,
    )
    return dataclasses.replace(data, **changes)


def read(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def fonts_of(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def text_origins(page: Any) -> list[tuple[float, float, str]]:
    """Where each piece of text on the page starts, in page space (the text matrix under the current matrix)."""
    origins: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: Any) -> None:
        if text.strip():
            origins.append(
                (tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text)
            )

    page.extract_text(visitor_text=visit)
    return origins


@pytest.fixture(autouse=True)
def no_configured_font(settings: Any) -> None:
    settings.PDF_FONT = ""


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_renders_with_its_title_and_number(kind: str) -> None:
    # given
    zh, en = title_for(kind)
    # when
    pdf = render_pdf(make(kind, number=f"YJS-{kind.upper()}-000123"))
    # then
    assert pdf.startswith(b"%PDF-")
    reader = read(pdf)
    text = text_of(reader)
    assert zh in text and en in text  # the CID font's text extracts reliably with pypdf
    assert f"YJS-{kind.upper()}-000123" in text
    assert "YJS-20261121-000042" in text and "新生儿出生一件事" in text and "户口簿原件" in text
    assert reader.metadata is not None and reader.metadata.title == f"{zh} YJS-{kind.upper()}-000123"


def test_titles_are_distinct_and_follow_annex_3() -> None:
    assert title_for("receipt") == ("收件回执", "Receipt")
    assert title_for("deficiency_notice")[0] == "一次告知通知书"
    assert title_for("rejection_decision")[0] == "不予受理决定书"
    assert title_for("delivery_receipt")[0] == "送达回证"
    assert len({title_for(k)[0] for k in KINDS}) == len(KINDS)


def test_unknown_kind_is_a_domain_error() -> None:
    with pytest.raises(DomainError) as caught:
        title_for("summons")
    assert caught.value.code == "unknown_document_kind"
    with pytest.raises(DomainError) as caught:
        render_pdf(make("summons"))
    assert caught.value.code == "unknown_document_kind"


def test_time_is_shown_in_beijing_time_and_must_be_aware() -> None:
    late_utc = datetime(2026, 11, 21, 17, 5, tzinfo=UTC)  # already the 22nd in Beijing
    assert "2026年11月22日 01:05" in text_of(read(render_pdf(make(issued_at=late_utc))))
    other_zone = late_utc.astimezone(timezone(timedelta(hours=-5)))
    assert "2026年11月22日 01:05" in text_of(read(render_pdf(make(issued_at=other_zone))))
    with pytest.raises(ValueError, match="aware"):
        render_pdf(make(issued_at=datetime(2026, 11, 21, 9, 0)))


def test_decisions_against_the_applicant_state_the_remedy() -> None:
    for kind in ("rejection_decision", "denial_decision"):
        assert "行政复议" in text_of(read(render_pdf(make(kind))))
    assert "行政复议" not in text_of(read(render_pdf(make("approval_decision"))))


def test_a_long_deficiency_list_flows_onto_further_pages() -> None:
    items = tuple(f"材料{i:03d}：出生医学证明复印件不清晰，请提交原件并加盖医院公章" for i in range(1, 201))
    reader = read(render_pdf(make("deficiency_notice", items=items)))
    pages = len(reader.pages)
    assert pages >= 4
    text = text_of(reader)
    assert all(f"材料{i:03d}" in text for i in range(1, 201))  # nothing was dropped
    last = reader.pages[-1].extract_text()
    assert f"第 {pages} 页 / 共 {pages} 页" in last
    assert "一次告知通知书" in last and "YJS-RC-20261121-000123" in last  # each page names its document
    # every list entry was drawn inside the page's frame, clear of the header and footer
    for page in reader.pages:
        origins = text_origins(page)
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        entries = [(x, y) for x, y, text in origins if text.startswith("材料")]
        assert entries
        assert all(20 * MM <= x < width - 20 * MM and 22 * MM <= y <= height - 20 * MM for x, y in entries)
        assert all(0 <= x <= width and 0 <= y <= height for x, y, _ in origins)


def test_one_very_long_value_splits_across_pages_instead_of_failing() -> None:
    value = "很长的说明。" * 1500
    reader = read(render_pdf(make(lines=(("备注", value),), items=())))
    assert len(reader.pages) >= 2
    assert text_of(reader).count("很长的说明") > 1000


def test_caller_text_is_not_taken_as_markup() -> None:
    text = text_of(read(render_pdf(make(items=("<b>原件</b> & 复印件", "a < b > c")))))
    assert "<b>原件</b> & 复印件" in text
    assert "a < b > c" in text


def test_same_data_renders_the_same_bytes() -> None:
    assert render_pdf(make()) == render_pdf(make())
    assert render_pdf(make()) != render_pdf(make(number="YJS-RC-20261121-000124"))


# --- the QR code -------------------------------------------------------------------------------------------------


def modules_of(png_image: Any, size: int) -> tuple[tuple[int, ...], ...]:
    """Sample the centre of every module of an image holding a QR symbol of `size` modules plus the border."""
    gray = png_image.convert("L")
    width, height = gray.size
    assert width == height and width % (size + 2 * QR_BORDER) == 0, "not a whole number of pixels per module"
    scale = width // (size + 2 * QR_BORDER)
    return tuple(
        tuple(
            int(
                gray.getpixel(
                    ((QR_BORDER + col) * scale + scale // 2, (QR_BORDER + row) * scale + scale // 2)
                )
                < 128
            )
            for col in range(size)
        )
        for row in range(size)
    )


def expected_modules(url: str, mask: int | None = QR_MASK) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(row) for row in segno.make(url, micro=False, error="m", mask=mask).matrix)


def test_the_drawn_qr_code_holds_the_verify_url() -> None:
    # when
    reader = read(render_pdf(make(verify_url=URL)))
    # then: page 1 draws the QR symbol of exactly that URL, in vector graphics (no image to embed)
    expected = expected_modules(URL)
    assert qr_modules(reader.pages[0]) == expected
    assert list(reader.pages[0].images) == []
    assert expected != expected_modules(URL + "x")  # the comparison can tell URLs apart
    assert URL in text_of(reader)  # and the address is printed for those without a camera


def test_the_fixed_mask_is_a_valid_mask_of_the_same_data() -> None:
    # a symbol with another mask holds the same data: only the masked modules differ, never the function patterns
    fixed, chosen = expected_modules(URL), expected_modules(URL, mask=None)
    assert len(fixed) == len(chosen)
    finder = [row[:7] for row in fixed[:7]]
    assert finder == [row[:7] for row in chosen[:7]]


def test_qr_png_is_a_full_qr_code_not_a_micro_one() -> None:
    from PIL import Image

    short = "https://a.cn/1"  # short enough that segno.make would choose a Micro QR
    assert segno.make(short).is_micro
    image = Image.open(BytesIO(qr_png(short)))
    expected = expected_modules(short)
    assert len(expected) >= 21  # version 1 QR and up; Micro QR is at most 17
    assert modules_of(image, len(expected)) == expected


def test_without_a_verify_url_there_is_no_qr_code() -> None:
    reader = read(render_pdf(make(verify_url="")))
    assert list(reader.pages[0].images) == []
    assert qr_modules(reader.pages[0]) is None


# --- the font ------------------------------------------------------------------------------------------------------


def test_without_a_configured_font_a_cjk_font_is_used(settings: Any) -> None:
    choice = pdf_font()
    fonts = fonts_of(read(render_pdf(make())))
    if choice.source == "builtin":
        assert choice.name == CID_FONT
        assert f"/{CID_FONT}" in fonts
    else:  # a system CJK font was found and embedded (subset names look like /ABCDEF+Name)
        assert choice.source == "system" and Path(choice.path).is_file()
        assert any("+" in name for name in fonts)
    assert check_config() == []


def test_a_configured_truetype_font_is_embedded(settings: Any) -> None:
    # Bitstream Vera has no Chinese glyphs: it shows the embedding path, and that the health page says so
    settings.PDF_FONT = str(LATIN_TTF)
    reader = read(render_pdf(make()))
    assert any("+" in name and "Vera" in name for name in fonts_of(reader))
    assert "YJS-RC-20261121-000123" in text_of(reader)
    assert pdf_font().source == "setting"
    [problem] = check_config()
    assert "lacks Chinese characters" in problem


def test_an_unusable_configured_font_falls_back(settings: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font at all")
    settings.PDF_FONT = str(broken)
    pdf = render_pdf(make())
    assert "收件回执" in text_of(read(pdf))
    assert pdf_font().source in ("system", "builtin")
    [problem] = check_config()
    assert "cannot be used" in problem and str(broken) in problem
