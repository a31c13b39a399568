"""The guide's remaining parts for people (issue 18 point 1): the merged form to download blank and as a sample
(样表), read back with pypdf; each fee with its basis from the packs; "按当前回答需办理" as a fragment of the
guide computation; error answers never kept for Back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.support.api import WebClients as Clients
from tests.support.catalogue import load_bundles, shipped
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.guide import guide_compute
from yijianshi.catalog.pack_schema import ItemTemplateEntry
from yijianshi.catalog.selectors import published_version
from yijianshi.documents import render

pytestmark = pytest.mark.django_db
GUIDE = "/bundles/140524-09/"
LATE = "under_one=no"  # a child past one: the household birth registration is not part of the bundle


@pytest.fixture(autouse=True)
def cid_font(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The built-in CID font, whatever fonts the machine has: its text, Latin too, reads back with pypdf (a
    system font such as DroidSansFallback embeds Latin glyphs pypdf cannot map back to text)."""
    settings.PDF_FONT = ""
    monkeypatch.setattr(render, "_system_font", lambda: None)
    render._resolve_font.cache_clear()
    yield
    render._resolve_font.cache_clear()


def pdf_text(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_guide_links_the_blank_form_and_the_sample_with_its_answers(
    newborn: None, client: Client
) -> None:
    page = client.get(GUIDE + "?" + LATE).content.decode()
    assert "下载空白申请表" in page and "下载填写示例" in page
    assert f'href="{GUIDE}form-blank.pdf?under_one=no' in page
    assert f'href="{GUIDE}form-sample.pdf?under_one=no' in page


def test_the_blank_form_is_the_merged_form_of_the_guide(newborn: None, client: Client) -> None:
    version = published_version("140524-09")
    assert version is not None
    guide = guide_compute(version=version, answers={}, actor=actor_of(None))
    # when
    response = client.get(GUIDE + "form-blank.pdf")
    # then
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="140524-09-form-blank.pdf"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "新生儿出生申请表.pdf"
    text = flat(pdf_text(response.content))
    assert "新生儿出生申请表" in text and "Applicationform" in text
    for field in guide.snapshot()["form"]:
        assert flat(field["label_zh"]) in text
    for item in guide.snapshot()["items"]:
        assert flat(item["name"]) in text
    assert "样表" not in text and "张某某" not in text
    assert "□男" in text  # a choice is printed as boxes to tick
    assert "申请人签名" in text


def test_the_sample_is_marked_and_filled_with_illustrative_values(newborn: None, client: Client) -> None:
    response = client.get(GUIDE + "form-sample.pdf")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="140524-09-form-sample.pdf"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "新生儿出生申请表（样表）.pdf"
    text = flat(pdf_text(response.content))
    assert "新生儿出生申请表（样表）" in text
    assert "本表中填写的内容均为示例，不是真实信息" in text
    assert "SAMPLE" in text  # across every page
    assert "张某某" in text  # a person's name is plainly not anyone's
    assert "13800138000" in text  # the phone number of the samples


def test_the_form_follows_the_answers(newborn: None, client: Client) -> None:
    every = flat(pdf_text(client.get(GUIDE + "form-blank.pdf").content))
    late = flat(pdf_text(client.get(GUIDE + "form-blank.pdf?" + LATE).content))
    assert "本县户口登记" in every and "本县户口登记" not in late


def test_a_bad_answer_is_a_400_naming_the_situation(newborn: None, client: Client) -> None:
    for path in ("form-blank.pdf", "form-sample.pdf"):
        response = client.get(GUIDE + path + "?under_one=perhaps")
        assert response.status_code == 400
        body = response.content.decode()
        assert "under_one" in body and re.search(r"[\u4e00-\u9fff]", body) and re.search(r"[a-z]{4}", body)
        assert "no-store" in response["Cache-Control"]
    assert client.get("/bundles/nope/form-blank.pdf").status_code == 404


def test_the_list_of_items_is_a_fragment_of_the_guide_computation(newborn: None, client: Client) -> None:
    every = client.get(GUIDE + "included/")
    late = client.get(GUIDE + "included/?" + LATE + "&csrfmiddlewaretoken=x&step=situation")
    assert every.status_code == late.status_code == 200
    assert "按当前回答需办理" in every.content.decode()
    head, _, tail = late.content.decode().partition("按当前回答不需办理")
    assert "本县户口登记" not in head and "本县户口登记" in tail
    bad = client.get(GUIDE + "included/?under_one=perhaps")
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    assert "no-store" in bad["Cache-Control"]


def test_the_guide_and_the_application_show_the_same_fragment(newborn: None, signed_in: Clients) -> None:
    guide = signed_in("mother").get(GUIDE + "?" + LATE).content.decode()
    assert 'data-included-url="/bundles/140524-09/included/"' in guide
    mother = signed_in("mother")
    step = mother.get("/bundles/140524-09/apply/?" + LATE).content.decode()
    assert 'data-included-url="/bundles/140524-09/included/"' in step and "data-without-script" in step
    head, _, _ = step.partition("按当前回答不需办理")
    assert "本县户口登记" not in head.split("按当前回答需办理")[1]


def test_without_script_updating_the_items_comes_back_to_the_step(newborn: None, signed_in: Clients) -> None:
    mother = signed_in("mother")
    mother.get("/bundles/140524-09/apply/")
    answers = {
        "step": "situation",
        "under_one": "no",
        "in_wedlock": "yes",
        "local_household": "yes",
        "refresh": "1",
    }
    response = mother.post("/bundles/140524-09/apply/?step=situation", answers)
    assert response.status_code == 302 and response["Location"].endswith("?step=situation")
    page = mother.get(response["Location"]).content.decode()
    assert "本县户口登记" not in page.split("按当前回答需办理")[1].split("按当前回答不需办理")[0]


def test_an_error_page_of_the_guide_is_not_kept(newborn: None, client: Client) -> None:
    bad = client.get(GUIDE + "?under_one=perhaps")
    assert bad.status_code == 400 and "no-store" in bad["Cache-Control"]
    assert "no-store" not in client.get(GUIDE).get("Cache-Control", "")  # the public guide stays cacheable


# --- fees and their basis ----------------------------------------------------------------------------------------


def test_each_fee_shows_its_basis(db: Any, client: Client) -> None:
    load_bundles("140524-06")  # water, power, gas … connections: no connection fee, by 国办函〔2020〕129号
    page = client.get("/bundles/140524-06/").content.decode()
    assert page.count('class="fee-basis"') == page.count("<dt>", page.index('class="basis"'))
    assert "收费依据：《国务院办公厅转发国家发展改革委等部门关于清理规范城镇供水供电供气供暖行业收费" in page
    assert "收费依据：收费标准以窗口公示为准" in page  # an item whose basis the pack does not know


def test_every_item_that_charges_says_where_the_fee_comes_from_or_sends_to_the_window() -> None:
    templates = shipped().templates
    charged = {ref: t for ref, t in templates.items() if re.search(r"\d+元", str(t.get("fee") or ""))}
    assert charged, "some items charge"
    known = {ref for ref, t in charged.items() if t.get("fee_basis")}
    assert {"resident_id_card_application", "real_estate_registration"} <= known


def test_a_fee_basis_must_name_a_document() -> None:
    entry = {
        "name": "某事项",
        "item_type": "01",
        "service_object": "person",
        "department_kind": "health",
        "legal_limit_days": 5,
        "promised_limit_days": 1,
        "fee": "每件10元",
    }
    assert ItemTemplateEntry.model_validate({**entry, "fee_basis": "《某收费标准的通知》"}).fee_basis
    with pytest.raises(ValueError, match="must name a document"):
        ItemTemplateEntry.model_validate({**entry, "fee_basis": "按规定"})
