"""The ranking of the portal's search (pure) and the search page over the loaded catalogue."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.catalogue import load_bundles
from yijianshi.web.catalogue import current_synonyms, synonyms_seed
from yijianshi.web.models import SearchSynonym
from yijianshi.web.search import SearchDoc, load_synonyms, rank, search, search_regions, terms_of, tokenizer

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
    # "户口" is only in an item's name: a short word found in one item is below the minimum score
    assert search("上户口", DOCS, synonyms={}) == []


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


def test_a_single_character_is_never_a_term_and_weak_matches_are_dropped() -> None:
    for q in ("出", "生", "办", "证", "房 车"):
        assert terms_of(q, tokenizer(), load_synonyms()) == {}, q
        assert search(q, DOCS) == [], q
    # 登记 is in items of three of these bundles and a generic word: alone it is not enough
    assert search("登记", DOCS) == []
    # a bundle matched only by a word inside a longer matched word is not shown beside the right one
    hits = search("开饭店", DOCS)
    assert [h.doc.code for h in hits] == ["140524-02"], [(h.doc.code, h.score, h.matched) for h in hits]


def test_a_query_naming_a_region_searches_that_region() -> None:
    docs = [
        SearchDoc(code="140524-18", name="退休", stage="退休", region="140524", region_name="陵川县"),
        SearchDoc(code="420300-11", name="退休", stage="退休", region="420300", region_name="十堰市"),
    ]
    hits, searched = search_regions("十堰办退休", docs, "140524")
    assert [h.doc.code for h in hits] == ["420300-11"] and searched == "420300"
    hits, searched = search_regions("办退休", docs, "140524")
    assert [h.doc.code for h in hits] == ["140524-18"] and searched == "140524"
    hits, searched = search_regions("办退休", docs, None)
    assert {h.doc.code for h in hits} == {"140524-18", "420300-11"} and searched is None
    hits, searched = search_regions("电梯", docs, "140524")
    assert hits == [] and searched is None


@pytest.mark.django_db
def test_synonyms_are_seeded_and_an_administrators_edit_takes_effect(client: Client, newborn: None) -> None:
    assert SearchSynonym.objects.count() == len(load_synonyms())  # the data migration seeded the file
    assert "新生儿出生" in current_synonyms()["生孩子"]
    assert "没有找到" in client.get("/search/", {"q": "添丁"}).content.decode()
    SearchSynonym.objects.create(term="添丁", means="新生儿出生、出生")
    assert "/bundles/140524-09/" in client.get("/search/", {"q": "添丁"}).content.decode()
    row = SearchSynonym.objects.get(term="添丁")
    row.active = False
    row.save()
    assert "没有找到" in client.get("/search/", {"q": "添丁"}).content.decode()
    row.delete()
    SearchSynonym.objects.filter(term="生孩子").delete()
    SearchSynonym.objects.filter(term="上户口").update(means="户口登记")
    assert "生孩子" not in current_synonyms()
    # a new release's seed adds what the table lacks and leaves the administrator's rows as they are
    assert synonyms_seed() == 1 and "生孩子" in current_synonyms()
    assert SearchSynonym.objects.get(term="上户口").means == "户口登记" and synonyms_seed() == 0


def test_a_synonym_of_one_character_is_refused() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        SearchSynonym(term="饭", means="餐饮").full_clean()
    assert "term" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        SearchSynonym(term="吃饭", means="餐饮、食").full_clean(validate_unique=False)
    assert "means" in caught.value.message_dict
    row = SearchSynonym(term=" 开 馆子 ", means="餐饮，餐饮店, 餐饮")
    row.full_clean(validate_unique=False)
    assert (row.term, row.means) == ("开馆子", "餐饮、餐饮店")


@pytest.mark.django_db
def test_the_page_shows_the_region_searched_and_lets_it_change(client: Client) -> None:
    load_bundles("140524-18", region="140524")
    load_bundles("420300-11", region="420300")
    page = client.get("/search/", {"q": "办退休", "region": "140524"}).content.decode()
    assert "搜索地区" in page and "<strong>陵川县</strong>" in page
    assert "/bundles/140524-18/" in page and "/bundles/420300-11/" not in page
    assert '<option value="420300">十堰市</option>' in page and 'value="all"' in page
    # the choice is remembered: the next search without ?region= searches 陵川县 again
    again = client.get("/search/", {"q": "退休"}).content.decode()
    assert "/bundles/140524-18/" in again and "/bundles/420300-11/" not in again
    # every region: both bundles, each with its region's name
    every = client.get("/search/", {"q": "办退休", "region": "all"}).content.decode()
    assert "/bundles/140524-18/" in every and "/bundles/420300-11/" in every
    assert "<strong>全部地区</strong>" in every and every.count('class="tag region"') == 2
    assert "十堰市</span>" in every and "陵川县</span>" in every
    remembered = client.get("/search/", {"q": "退休"}).content.decode()
    assert "/bundles/420300-11/" in remembered and "/bundles/140524-18/" in remembered
    # switching back to one region
    one = client.get("/search/", {"q": "退休", "region": "420300"}).content.decode()
    assert "/bundles/420300-11/" in one and "/bundles/140524-18/" not in one
    # an unknown region code is not an error: the remembered region is searched
    odd = client.get("/search/", {"q": "退休", "region": "999999"})
    assert odd.status_code == 200


@pytest.mark.django_db
def test_a_region_with_nothing_says_so_and_shows_other_regions(client: Client) -> None:
    load_bundles("140524-18", region="140524")
    load_bundles("420300-14", region="420300")
    page = client.get("/search/", {"q": "加装电梯", "region": "140524"}).content.decode()
    assert "/bundles/420300-14/" in page and "所选地区没有找到，以下是其他地区的结果" in page
    assert "<strong>陵川县</strong>" in page
    named = client.get("/search/", {"q": "十堰电梯", "region": "140524"}).content.decode()
    assert "/bundles/420300-14/" in named and "以下是您输入的地区的结果：十堰市" in named
    # 十堰 has no 退休 bundle here: the chosen region's is shown, as the chosen region's
    fallback = client.get("/search/", {"q": "十堰退休", "region": "140524"}).content.decode()
    assert "/bundles/140524-18/" in fallback and 'id="elsewhere"' not in fallback
    here = client.get("/search/", {"q": "退休", "region": "140524"}).content.decode()
    assert "/bundles/140524-18/" in here and 'id="elsewhere"' not in here


@pytest.mark.django_db
def test_the_query_is_escaped(client: Client, newborn: None) -> None:
    q = '<script>alert("x")</script>生孩子'
    page = client.get("/search/", {"q": q}).content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;生孩子" in page
    assert "/bundles/140524-09/" in page
    # the link to search every region carries the query, encoded
    linked = client.get("/search/", {"q": "生孩子&region=999", "region": "140524"}).content.decode()
    assert "/search/?q=%E7%94%9F%E5%AD%A9%E5%AD%90%26region%3D999&amp;region=all" in linked
    long = client.get("/search/", {"q": "退" * 5000})
    assert long.status_code == 200


@pytest.mark.django_db
def test_an_administrator_edits_synonyms_in_the_admin(client: Client, newborn: None) -> None:
    from django.contrib.auth.models import User

    User.objects.create_superuser("root", "root@example.invalid", "pw-for-tests-only")
    client.login(username="root", password="pw-for-tests-only")  # noqa: S106
    listing = client.get("/admin/web/searchsynonym/", {"q": "生孩子"})
    assert listing.status_code == 200 and "新生儿出生" in listing.content.decode()
    refused = client.post(
        "/admin/web/searchsynonym/add/", {"term": "娃", "means": "新生儿出生", "active": "on"}
    )
    assert refused.status_code == 200 and "至少两个字" in refused.content.decode()
    added = client.post(
        "/admin/web/searchsynonym/add/", {"term": "添丁", "means": "新生儿出生", "active": "on"}
    )
    assert added.status_code == 302
    assert "/bundles/140524-09/" in client.get("/search/", {"q": "家里添丁了"}).content.decode()
