"""Finding a guide by the words people use (issue 5, point 7; issue 18, point 2): the query is segmented with
jieba (with a small dictionary of our domain terms) and expanded with synonyms — the administrator's table
(web.models.SearchSynonym, seeded from synonyms.yaml: 上户口 → 户口登记, 生孩子 → 新生儿出生, 开个小饭馆 → 餐饮 …).
Each bundle is scored on where the terms occur — in its name (most), its life-event stage, its items' names,
its English name — weighted by how rare the term is among the bundles searched; a single character is never a
term, generic words (登记, 证明 …) and words found inside a longer matched word count little, and a bundle is
shown only above a minimum score and a share of the best one (no weak matches beside the right answer). Ties go
to the shorter (more specific) name, then the code. A query naming a region (十堰开饭店) searches that region.

The ranking is pure (documents and a tokenizer in, ranked results out); jieba is loaded once, lazily, on the
first search of a process (`tokenizer()`), and its load time is kept in `LOAD_SECONDS` for the health page.
Quality is measured on tests/data/search_queries.yaml (tests/web/test_search_quality.py, bench/search_quality.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SYNONYMS_FILE = HERE / "synonyms.yaml"
USER_DICT = HERE / "userdict.txt"

Tokenizer = Callable[[str], list[str]]

# words that say nothing about which bundle is meant
STOP = frozenset(
    {
        "我",
        "我要",
        "我想",
        "想",
        "要",
        "办",
        "办理",
        "怎么",
        "怎么办",
        "如何",
        "的",
        "了",
        "一件",
        "事",
        "一件事",
        "需要",
        "什么",
        "哪里",
        "在",
        "去",
        "给",
        "请问",
        "手续",
        "材料",
        "吗",
        "呢",
        "和",
    }
)

WEIGHT_NAME = 10.0
WEIGHT_STAGE = 5.0
WEIGHT_ITEM = 3.0
WEIGHT_EN = 4.0
SYNONYM_FACTOR = 0.9  # an expanded term counts a little less than a typed one
EXACT_BONUS = 20.0
REGION_BONUS = 1.5  # a query naming a place (十堰开饭店) puts that place's bundles first
# a hit must reach MIN_SCORE and a share RELATIVE of the best hit's score: a bundle found only through a common
# word in one of its items' names (登记, 证明 …) is not shown beside the bundle the words were about
MIN_SCORE = 5.0
RELATIVE = 0.3
# words found in the names of many kinds of bundle: they count, but a little (生育登记 is about 生育)
GENERIC = frozenset(
    {"登记", "证明", "申请", "服务", "办理", "信息", "企业", "公司", "补办", "变更", "核查", "审批"}
)
GENERIC_FACTOR = 0.3
SUBSUMED_FACTOR = 0.3  # a term found inside a longer term that is found too


@dataclass(frozen=True)
class SearchDoc:
    code: str
    name: str
    region: str = ""
    subject: str = ""
    stage: str = ""
    name_en: str = ""
    items: tuple[str, ...] = ()
    region_name: str = ""


@dataclass(frozen=True)
class Hit:
    doc: SearchDoc
    score: float
    matched: tuple[str, ...] = field(default=())


def parse_synonyms(raw: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(str(v) for v in (vs if isinstance(vs, list) else [vs])) for k, vs in raw.items()}


def load_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, tuple[str, ...]]:
    """The seed synonyms as shipped (the search itself reads the administrator's, catalogue.current_synonyms)."""
    return parse_synonyms(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def _meaningful(token: str) -> bool:
    if not token or token in STOP:
        return False
    if token.isascii():
        return len(token) >= 3 and not token.isdigit()
    return len(token) >= 2


def terms_of(query: str, tokenize: Tokenizer, synonyms: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """The weighted terms of a query: its meaningful tokens (weight 1), the whole query, and the official terms
    of every colloquial term found in it (weight SYNONYM_FACTOR). A single character is never a term: alone it
    would match bundles that merely share it."""
    q = " ".join(query.split()).strip()
    if not q:
        return {}
    terms: dict[str, float] = {}
    compact = q.replace(" ", "")
    for token in tokenize(q):
        token = token.strip()
        if _meaningful(token):
            terms.setdefault(
                token.lower() if token.isascii() else token, GENERIC_FACTOR if token in GENERIC else 1.0
            )
    if terms:  # the whole query too, unless it is nothing but stop words
        terms.setdefault(compact.lower() if compact.isascii() else compact, 1.0)
    lowered = compact.lower()
    for colloquial, official in synonyms.items():
        if colloquial in compact or colloquial.lower() in lowered or colloquial in terms:
            for term in official:
                if _meaningful(term):
                    terms[term] = max(terms.get(term, 0.0), SYNONYM_FACTOR)
    return terms


def _fields(doc: SearchDoc, term: str) -> float:
    hit = 0.0
    if term in doc.name:
        hit += WEIGHT_NAME + (EXACT_BONUS if term in (doc.name, doc.name.removesuffix("一件事")) else 0.0)
    if doc.stage and term in doc.stage:
        hit += WEIGHT_STAGE
    if any(term in item for item in doc.items):
        hit += WEIGHT_ITEM * (2 if len(term) >= 4 else 1)  # a long term found in an item names that item
    if doc.name_en and term.isascii() and term in doc.name_en.lower():
        hit += WEIGHT_EN
    return hit


def score(
    doc: SearchDoc, terms: Mapping[str, float], rarity: Mapping[str, float] | None = None
) -> tuple[float, tuple[str, ...]]:
    """A document's score: for each term found in it, where it was found (name, stage, items, English name),
    times the term's weight, its length (a longer term is more specific) and its rarity among the documents
    searched (a word found in every bundle tells them apart by nothing)."""
    found = {term: hit for term in terms if (hit := _fields(doc, term))}
    total = 0.0
    for term, hit in found.items():
        value = hit * terms[term] * (1 + min(len(term), 6) / 10) * (rarity or {}).get(term, 1.0)
        if any(term != other and term in other for other in found):
            value *= SUBSUMED_FACTOR  # 驾驶 inside 驾驶证: the same words, found twice
        total += value
    return total, tuple(found)


def _rarity(docs: Sequence[SearchDoc], terms: Mapping[str, float]) -> dict[str, float]:
    """1 for a term found in one document, falling towards 0.3 for a term found in all of them."""
    n = len(docs)
    out = {}
    for term in terms:
        found = sum(1 for d in docs if _fields(d, term))
        out[term] = 1.0 if found <= 1 or n <= 1 else max(0.3, 1.0 - 0.7 * (found - 1) / (n - 1))
    return out


def _places(doc: SearchDoc) -> tuple[str, ...]:
    if not doc.region_name:
        return ()
    short = doc.region_name.rstrip("县市区")
    return (doc.region_name, short) if len(short) >= 2 else (doc.region_name,)


def rank(
    docs: Iterable[SearchDoc], terms: Mapping[str, float], *, limit: int = 30, query: str = ""
) -> list[Hit]:
    docs = list(docs)
    rarity = _rarity(docs, terms)
    compact = "".join(query.split())
    hits = []
    for doc in docs:
        value, matched = score(doc, terms, rarity)
        if value > 0 and compact and any(p in compact for p in _places(doc)):
            value *= REGION_BONUS
        if value >= MIN_SCORE:
            hits.append(Hit(doc=doc, score=round(value, 3), matched=matched))
    hits.sort(key=lambda h: (-h.score, len(h.doc.name), h.doc.code))
    if hits:
        floor = hits[0].score * RELATIVE
        hits = [h for h in hits if h.score >= floor]
    return hits[:limit]


def search(
    query: str,
    docs: Iterable[SearchDoc],
    *,
    tokenize: Tokenizer | None = None,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    limit: int = 30,
) -> list[Hit]:
    terms = terms_of(query, tokenize or tokenizer(), synonyms if synonyms is not None else default_synonyms())
    return rank(docs, terms, limit=limit, query=query)


def named_region(query: str, docs: Iterable[SearchDoc]) -> str | None:
    """The region a query names (十堰开饭店, 陵川县退休), if it names the region of one of the documents."""
    compact = "".join(query.split())
    for doc in docs:
        if any(p in compact for p in _places(doc)):
            return doc.region
    return None


def search_regions(
    query: str,
    docs: Sequence[SearchDoc],
    region: str | None,
    *,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    tokenize: Tokenizer | None = None,
) -> tuple[list[Hit], str | None]:
    """The search page's answer: the documents of the region the query names, else of the region chosen (its
    code), else — none chosen, or nothing found there — of every region; with the region searched (None: every
    region)."""
    for code in dict.fromkeys((named_region(query, docs), region)):
        if code is not None:
            hits = search(query, [d for d in docs if d.region == code], synonyms=synonyms, tokenize=tokenize)
            if hits:
                return hits, code
    return search(query, docs, synonyms=synonyms, tokenize=tokenize), None


# ------------------------------------------------------------------------------------------ jieba, lazily

_lock = threading.Lock()
_tokenizer: Tokenizer | None = None
LOAD_SECONDS: float | None = None  # how long the first load took in this process


def tokenizer() -> Tokenizer:
    """jieba's search-mode segmentation, with our dictionary; initialised once per process (≈1 s the first time,
    less when jieba's own cache file is warm)."""
    global _tokenizer, LOAD_SECONDS
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                started = time.perf_counter()
                tk = jieba.Tokenizer()
                tk.initialize()
                tk.load_userdict(str(USER_DICT))
                LOAD_SECONDS = time.perf_counter() - started

                def cut(text: str) -> list[str]:
                    return list(tk.cut_for_search(text))

                _tokenizer = cut
    return _tokenizer


@lru_cache(maxsize=1)
def default_synonyms() -> dict[str, tuple[str, ...]]:
    return load_synonyms()
