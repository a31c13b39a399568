"""The ranking of the portal's search (pure) and the search page over the loaded catalogue."""

from __future__ import annotations

import pytest
from django.test import Client

from yijianshi.web.search import SearchDoc, load_synonyms, rank, search, terms_of, tokenizer

DOCS = [
    SearchDoc(
        code="140524-09",
        name="新生儿出生",
        stage="出生",
        subject="person",
        items=("出生医学证明", "本县户口登记(申报出生登记)", "城乡居民基本医疗保险参保登记"),
    ),
    SearchDoc(
        code="140524-17", name="公民婚育", stage="婚育", subject="person", items=("结婚登记", "生育登记")
    ),
    SearchDoc(
        code="140524-02",
        name="企业准营(以开办餐饮店为例)",
        stage="准营",
        subject="enterprise",
        items=("食品经营许可",),
    ),
    SearchDoc(code="140524-18", name="退休", stage="退休", subject="person", items=("职工养老保险待遇核定",)),
    SearchDoc(code="140524-19", name="公民身后", stage="身后", subject="person", items=("死亡医学证明",)),
]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("生孩子", "140524-09"),
        ("上户口", "140524-09"),
        ("宝宝出生了怎么办", "140524-09"),
        ("新生儿出生一件事", "140524-09"),
        ("开饭店", "140524-02"),
        ("我要开餐馆", "140524-02"),
        ("领养老金", "140524-18"),
        ("家里老人去世", "140524-19"),
        ("结婚", "140524-17"),
    ],
)
def test_colloquial_words_find_the_bundle(query: str, first: str) -> None:
    hits = search(query, DOCS)
    assert hits and hits[0].doc.code == first, [(h.doc.code, h.score) for h in hits]


def test_without_synonyms_the_colloquial_word_finds_nothing() -> None:
    # the synonyms do the work: the same query with none loaded has no hit
    assert search("生孩子", DOCS, synonyms={}) == []
    assert search("上户口", DOCS, synonyms={})[0].doc.code == "140524-09"  # "户口" is in an item's name


def test_name_weighs_more_than_items_and_unrelated_words_find_nothing() -> None:
    terms = {"出生": 1.0}
    hits = rank(DOCS, terms)
    assert hits[0].doc.code == "140524-09"  # name and stage, above 公民身后 (item 死亡医学证明 has no 出生)
    assert search("天气预报", DOCS) == []
    assert search("   ", DOCS) == []


def test_stop_words_alone_match_nothing() -> None:
    assert terms_of("我要办理", tokenizer(), load_synonyms()) == {}


def test_synonyms_file_has_dozens_of_entries() -> None:
    synonyms = load_synonyms()
    assert len(synonyms) >= 40
    assert "新生儿出生" in synonyms["生孩子"] and "户口登记" in synonyms["上户口"]


@pytest.mark.django_db
def test_search_page_finds_the_newborn_bundle(client: Client, newborn: None) -> None:
    for q in ("生孩子", "上户口"):
        page = client.get("/search/", {"q": q})
        assert page.status_code == 200
        assert "/bundles/140524-09/" in page.content.decode(), q
    empty = client.get("/search/", {"q": "天气预报"}).content.decode()
    assert "没有找到" in empty
