"""The everyday-query set of the portal's search (tests/data/search_queries.yaml) and how it is scored: read by
tests/web/test_search_quality.py and bench/search_quality.py (issue 18, point 2)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

QUERIES = Path(__file__).resolve().parents[1] / "data" / "search_queries.yaml"

# a searcher: (query, region code or None for every region) -> the bundle codes found, best first
Searcher = Callable[[str, str | None], list[str]]


@dataclass(frozen=True)
class Case:
    q: str
    region: str | None  # the region searched; None: every region
    expect: tuple[str, ...]  # acceptable codes; () when nothing relevant exists


def read_cases(path: Path = QUERIES, regions: tuple[str, ...] = ()) -> list[Case]:
    """One case per query and region it names (see the file's header); a must-be-empty query once per region
    in `regions` and once over every region."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]
    out: list[Case] = []
    for e in entries:
        q, codes = str(e["q"]), [str(c) for c in e["expect"]]
        if not codes:
            out += [Case(q, r, ()) for r in (*regions, None)]
        elif e.get("region") == "all":
            out.append(Case(q, None, tuple(codes)))
        else:
            for region in dict.fromkeys(c.split("-")[0] for c in codes):
                out.append(Case(q, region, tuple(c for c in codes if c.startswith(region + "-"))))
    return out


def query_count(path: Path = QUERIES) -> tuple[int, int]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]
    return len(entries), sum(1 for e in entries if not e["expect"])


@dataclass
class Score:
    cases: int = 0
    top1: int = 0
    top3: int = 0
    empty_cases: int = 0
    false_hits: int = 0
    millis: list[float] = field(default_factory=list)
    misses: list[tuple[Case, list[str]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.cases if self.cases else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.cases if self.cases else 0.0

    @property
    def false_hit_rate(self) -> float:
        return self.false_hits / self.empty_cases if self.empty_cases else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.millis) if self.millis else 0.0

    @property
    def p99_ms(self) -> float:
        ordered = sorted(self.millis)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] if ordered else 0.0


def evaluate(cases: list[Case], searcher: Searcher) -> dict[str, Score]:
    """Scores overall ("all") and per region of the case (the must-be-empty ones count only overall)."""
    scores: dict[str, Score] = {"all": Score()}
    for case in cases:
        started = time.perf_counter()
        found = searcher(case.q, case.region)
        elapsed = (time.perf_counter() - started) * 1000
        targets = [scores["all"]]
        if case.expect:
            targets.append(scores.setdefault(case.region or case.expect[0].split("-")[0], Score()))
        for s in targets:
            s.millis.append(elapsed)
            if case.expect:
                s.cases += 1
                s.top1 += bool(found[:1]) and found[0] in case.expect
                s.top3 += any(c in case.expect for c in found[:3])
            else:
                s.empty_cases += 1
                s.false_hits += bool(found)
        if (case.expect and not any(c in case.expect for c in found[:3])) or (not case.expect and found):
            scores["all"].misses.append((case, found[:3]))
    return scores
