"""The merged form on paper (documents/render.py `render_form_pdf`), read back with pypdf: a blank form to fill
in by hand and a sample marked 样表 on every page; the same sheet gives the same bytes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

from yijianshi.documents import render
from yijianshi.documents.render import FormLine, FormSheet, render_form_pdf

SHEET = FormSheet(
    bundle_code="140524-09",
    bundle_name="新生儿出生",
    region_name="陵川县",
    version=3,
    items=("预防接种证办理", "社会保障卡申领"),
    lines=tuple(
        FormLine(
            f"第{i}项",
            f"Line {i}",
            required=i % 2 == 0,
            value=f"示例值{i}",
            choices=("男", "女") if i == 1 else (),
        )
        for i in range(40)  # onto a second page
    ),
    guide_url="https://yjs.example.gov.cn/bundles/140524-09/",
)


@pytest.fixture(autouse=True)
def cid_font(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.PDF_FONT = ""
    monkeypatch.setattr(render, "_system_font", lambda: None)
    render._resolve_font.cache_clear()
    yield
    render._resolve_font.cache_clear()


def pages(pdf: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


def test_a_blank_form_has_every_line_and_no_value() -> None:
    text = pages(render_form_pdf(SHEET))
    assert len(text) >= 2
    whole = "".join(text)
    assert all(f"第{i}项" in whole for i in range(40))
    assert "示例值" not in whole and "样表" not in whole and "SAMPLE" not in whole
    assert "□男" in whole and "140524-09-V3" in whole and "预防接种证办理、社会保障卡申领" in whole


def test_a_sample_is_marked_on_every_page() -> None:
    text = pages(render_form_pdf(dataclasses.replace(SHEET, sample=True)))
    assert len(text) >= 2
    assert all("SAMPLE" in page for page in text)
    assert "新生儿出生申请表（样表）" in text[0] and "示例值39" in "".join(text)


def test_the_same_sheet_renders_the_same_bytes() -> None:
    assert render_form_pdf(SHEET) == render_form_pdf(SHEET)
