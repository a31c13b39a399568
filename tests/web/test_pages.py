"""The catalogue pages: home, a bundle's guide, the reform-figures page with its chart."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from yijianshi.catalog.packs import read_packs
from yijianshi.catalog.services import catalog_load
from yijianshi.core.actor import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(minipack: Path) -> None:
    catalog_load(catalogue=read_packs(minipack), actor=Actor.system())


def test_home_lists_bundles(client: Client, loaded: None) -> None:
    page = client.get("/").content.decode()
    assert "新生儿出生" in page and "/bundles/140524-09/" in page


def test_guide_shows_form_materials_schedule_and_figures(client: Client, loaded: None) -> None:
    page = client.get("/bundles/140524-09/").content.decode()
    assert "本县户口登记(申报出生登记)1岁以下婚内本县生育" in page
    assert "母亲公民身份号码" in page and "mother.id_number" not in page  # the label, not the key
    assert "已有电子居民身份证的，免提交" in page and "（id_card）" not in page  # the condition, not granted
    assert "决定总时间" in page


def test_guide_answers_situations(client: Client, loaded: None) -> None:
    page = client.get("/bundles/140524-09/?in_wedlock=no").content.decode()
    assert "按您的情形不需办理" in page
    bad = client.get("/bundles/140524-09/?in_wedlock=maybe")
    assert bad.status_code == 400 and "无效" in bad.content.decode()


def test_unknown_bundle_is_404(client: Client, loaded: None) -> None:
    assert client.get("/bundles/nope/").status_code == 404
    assert client.get("/figures/?region=999999").status_code == 404


def test_figures_page_has_the_table_and_the_chart_against_targets(client: Client, loaded: None) -> None:
    page = client.get("/figures/").content.decode()
    assert "<svg" in page and "目标 50%" in page and "目标 80%" in page
    assert "15/10/7" in page  # fields separate/merged/auto of the newborn bundle
    assert "docs/reform-figures.md" not in page  # no pointer into the source tree on a public page
    assert client.get("/figures/?region=140524").status_code == 200


def test_english_is_available(client: Client, loaded: None) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/figures/"})
    page = client.get("/figures/").content.decode()
    assert "What the reform achieves" in page and "target 50%" in page
