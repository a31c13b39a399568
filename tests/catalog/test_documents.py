"""Each region's bundle list comes out exactly as its document gives it (names and item counts), and every
bundle, item and delegated-item name stands verbatim in the source document.

The expected lists below were read off the annexes by hand, independently of the packs. The documents themselves
are found in settings.SEEDS_DIR (YIJIANSHI_SEEDS_DIR; by default the shared/seeds folder beside the repository):
without them the checks that read them are skipped, saying so, except in CI (CI=true), where they must be there.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from yijianshi.catalog.packs import Catalogue, read_packs

LINGCHUAN = [  # 000 陵政发〔2024〕9号, annex
    "企业开办",
    "企业准营(50个, 以开办餐饮店为例)",
    "涉企不动产登记",
    "办理初步设计深度的可行性研究报告",
    "办理用地规划",
    "水电气暖网联合报装",
    "建设项目竣工联合验收",
    "购买商品房、二手房转移登记及水电气暖联动过户",
    "新生儿出生",
    "开办运输企业",
    "企业信息变更",
    "企业注销登记",
    "信用修复",
    "员工录用",
    "教育入学",
    "灵活就业",
    "公民婚育",
    "退休",
    "公民身后",
    "社会保障卡居民服务",
    "残疾人服务",
    "军人退役",
    "挖掘城市道路",
    "养老机构补贴申领",
    "个人养老服务",
]
LINGCHUAN_ITEMS = [5, 4, 2, 2, 4, 5, 13, 11, 5, 3, 5, 4, 4, 6, 5, 5, 4, 8, 6, 4, 5, 9, 4, 4, 9]
SHIYAN = [  # 002 十政发〔2024〕11号, annex
    "企业信息变更",
    "开办运输企业",
    "开办餐饮店",
    "水电气网联合报装",
    "信用修复",
    "企业上市合法合规信息核查",
    "企业破产信息核查",
    "企业注销登记",
    "新生儿出生",
    "教育入学",
    "退休",
    "社会保障卡居民服务",
    "残疾人服务",
    "加装电梯",
    "社会救助",
]
SHIYAN_ITEMS = [7, 3, 4, 5, 4, 18, 9, 6, 7, 5, 9, 4, 5, 3, 4]
XINXIANG = [  # 004 新政文〔2024〕62号, annex 1
    "企业信息变更",
    "开办运输企业",
    "开办餐饮店",
    "水电气网联合报装",
    "信用修复",
    "企业上市合法合规信息核查",
    "企业破产信息核查",
    "企业注销登记",
    "新生儿出生",
    "教育入学",
    "社会保障卡居民服务",
    "残疾人服务",
    "退休",
    "企业迁移登记",
    "企业数据填报",
    "大件运输",
    "就医费用报销",
    "住房公积金个人住房贷款购房",
    "申请公租房",
    "退役军人服务",
    "留学服务",
]
XINXIANG_ITEMS = [6, 3, 4, 5, 4, 18, 10, 6, 7, 5, 4, 5, 9, 8, 7, 3, 4, 8, 8, 11, 8]

EXPECTED = {
    "140524": ("000_4d8286c7536c7c85.txt", LINGCHUAN, LINGCHUAN_ITEMS),
    "420300": ("002_3e986848f8fa55e1.txt", SHIYAN, SHIYAN_ITEMS),
    "410721": ("004_6bf863b8414105de.txt", XINXIANG, XINXIANG_ITEMS),
}
# Names the PDF extraction printed across separate cells; they are the joined cell texts.
REASSEMBLED = {
    "购买商品房、二手房转移登记及水电气暖联动过户",  # 000 #8: two sub-lists under one number
    "就业和人力资源服务、社保服务",  # 000 #20: one cell wrapped around the department column
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_packs()


def document_text(name: str) -> str:
    """A source document's text; skipped without the documents (a failure in CI, which has them)."""
    path = settings.SEEDS_DIR / name
    if not path.is_file():
        reason = f"source documents not found at {settings.SEEDS_DIR} ({name}): set YIJIANSHI_SEEDS_DIR"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI has them)")
        pytest.skip(reason)
    return path.read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("region", sorted(EXPECTED))
def test_bundle_list_matches_the_document(catalogue: Catalogue, region: str) -> None:
    _, names, counts = EXPECTED[region]
    bundles = sorted(catalogue.regions[region]["bundles"], key=lambda b: b["seq"])
    assert [b["seq"] for b in bundles] == list(range(1, len(names) + 1))
    assert [b["name"] for b in bundles] == names
    assert [len(b["items"]) for b in bundles] == counts
    assert all(b["code"] == f"{region}-{b['seq']:02d}" for b in bundles)


@pytest.mark.parametrize("region", sorted(EXPECTED))
def test_every_name_stands_verbatim_in_the_document(catalogue: Catalogue, region: str) -> None:
    source = _flat(document_text(EXPECTED[region][0]))
    missing = []
    for b in catalogue.regions[region]["bundles"]:
        for name in [b["name"], *(i["name"] for i in b["items"])]:
            if name not in REASSEMBLED and _flat(name) not in source:
                missing.append(f"{b['code']}: {name}")
    assert missing == []


def test_the_newborn_bundle_uses_each_documents_wording(catalogue: Catalogue) -> None:
    def item_names(code: str) -> list[str]:
        region = code.split("-")[0]
        return [
            i["name"]
            for i in next(b for b in catalogue.regions[region]["bundles"] if b["code"] == code)["items"]
        ]

    assert "本县户口登记(申报出生登记)1岁以下婚内本县生育" in item_names("140524-09")
    assert "本市户口登记(申报出生登记)1岁以下婚内本市生育" in item_names("420300-09")
    assert "户口登记（申报出生登记）1岁以下婚内生育" in item_names("410721-09")


def test_lead_departments_are_the_starred_ones(catalogue: Catalogue) -> None:
    def lead(code: str) -> str:
        region = code.split("-")[0]
        pack = catalogue.regions[region]
        bundle = next(b for b in pack["bundles"] if b["code"] == code)
        return str(pack["departments"][bundle["lead"]]["name"])

    assert lead("140524-09") == "卫生健康部门"
    assert lead("140524-21") == "残联"
    assert lead("420300-01") == "市数据局"
    assert lead("420300-02") == "市交通运输局"
    assert lead("410721-09") == "县卫健委"
    assert lead("410721-10") == "县教体局"


def test_delegations_of_xiangyuan_match_the_document(catalogue: Catalogue) -> None:
    delegations = catalogue.regions["140423"]["delegations"]
    town = [d for d in delegations if d["level"] == "town"]
    village = [d for d in delegations if d["level"] == "village"]
    assert [d["seq"] for d in sorted(town, key=lambda d: d["seq"])] == list(range(1, 100))
    assert [d["seq"] for d in sorted(village, key=lambda d: d["seq"])] == list(range(1, 44))
    first = min(town, key=lambda d: d["seq"])
    assert (first["name"], first["item_type"], first["mode"]) == ("老年人高龄补贴发放", "20", "镇级负责受理")
    assert Counter(d["item_type"] for d in village)["04"] == 1  # 行政征收 1项
    assert Counter(d["item_type"] for d in town)["09"] == 1  # 行政裁决 1项


def test_every_delegated_item_stands_verbatim_in_the_document(catalogue: Catalogue) -> None:
    source = _flat(document_text("003_333d64b663416e61.txt"))
    assert [
        d["name"] for d in catalogue.regions["140423"]["delegations"] if _flat(d["name"]) not in source
    ] == []


def test_without_the_documents_the_checks_say_where_they_looked(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SEEDS_DIR = tmp_path / "nowhere"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(
        pytest.skip.Exception, match=r"source documents not found at .*nowhere.*: set YIJIANSHI_SEEDS_DIR"
    ):
        document_text("000_4d8286c7536c7c85.txt")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI has them"):
        document_text("000_4d8286c7536c7c85.txt")
