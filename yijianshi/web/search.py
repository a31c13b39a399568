"""Finding a guide by the words people use (issue 5, point 7): the query is segmented with jieba (with a
small dictionary of our domain terms) and expanded with synonyms (synonyms.yaml: 上户口 → 户口登记, 生孩子 →
新生儿出生 …); each bundle is scored on where the terms occur — in its name (most), its life-event stage, its
items' names, its English name — and the bundles are ranked by that score, then by name length (the more
specific name first), then by code.

The ranking is pure (documents and a tokenizer in, ranked results out); jieba is loaded once, lazily, on the
first search of a process (`tokenizer()`), and its load time is kept in `LOAD_SECONDS` for the health page.
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


@dataclass(frozen=True)
class SearchDoc:
    code: str
    name: str
    region: str = ""
    subject: str = ""
    stage: str = ""
    name_en: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    doc: SearchDoc
    score: float
    matched: tuple[str, ...] = field(default=())


def load_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, tuple[str, ...]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): tuple(str(v) for v in (vs if isinstance(vs, list) else [vs])) for k, vs in raw.items()}


def terms_of(query: str, tokenize: Tokenizer, synonyms: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """The weighted terms of a query: its meaningful tokens (weight 1), the whole query, and the official terms
    of every colloquial term found in it (weight SYNONYM_FACTOR)."""
    q = " ".join(query.split()).strip()
    if not q:
        return {}
    terms: dict[str, float] = {}
    compact = q.replace(" ", "")
    for token in tokenize(q):
        token = token.strip()
        if (
            not token
            or token in STOP
            or (len(token) < 2 and not token.isascii())
            or (token.isascii() and len(token) < 3)
        ):
            continue
        terms.setdefault(token.lower() if token.isascii() else token, 1.0)
    if terms:  # the whole query too, unless it is nothing but stop words
        terms.setdefault(compact.lower() if compact.isascii() else compact, 1.0)
    for colloquial, official in synonyms.items():
        if colloquial in compact or colloquial in terms:
            for term in official:
                terms[term] = max(terms.get(term, 0.0), SYNONYM_FACTOR)
    return terms


def score(doc: SearchDoc, terms: Mapping[str, float]) -> tuple[float, tuple[str, ...]]:
    total = 0.0
    matched: list[str] = []
    name_en = doc.name_en.lower()
    for term, weight in terms.items():
        hit = 0.0
        if term in doc.name:
            hit += WEIGHT_NAME + (EXACT_BONUS if term in (doc.name, doc.name.removesuffix("一件事")) else 0.0)
        if doc.stage and (term in doc.stage or doc.stage in term):
            hit += WEIGHT_STAGE
        if any(term in item for item in doc.items):
            hit += WEIGHT_ITEM
        if name_en and term.isascii() and term in name_en:
            hit += WEIGHT_EN
        if hit:
            total += hit * weight * (1 + min(len(term), 6) / 10)  # a longer matched term is more specific
            matched.append(term)
    return total, tuple(matched)


def rank(docs: Iterable[SearchDoc], terms: Mapping[str, float], *, limit: int = 30) -> list[Hit]:
    hits = []
    for doc in docs:
        value, matched = score(doc, terms)
        if value > 0:
            hits.append(Hit(doc=doc, score=round(value, 3), matched=matched))
    hits.sort(key=lambda h: (-h.score, len(h.doc.name), h.doc.code))
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
    return rank(docs, terms, limit=limit)


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
