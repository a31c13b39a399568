"""Quality and speed of the portal's search (issue 18, point 2) on the everyday-query set
tests/data/search_queries.yaml, over the whole shipped catalogue loaded into a throwaway SQLite database.

Rows, in the same run:
  1. ours: the search page's search (jieba terms, the administrator's synonyms as seeded from synonyms.yaml,
     rarity weighting, a minimum score, the region the query names or the one chosen, all regions when that
     region has nothing);
  2. ours without synonyms: the same with an empty synonym table (what the synonyms are worth);
  3. substring: a bundle is found when the query, spaces removed, is a substring of its name or one of its
     items' names (what a plain LIKE search gives).
Each row: top-1 and top-3 accuracy overall and per region, the false-hit rate on the must-be-empty queries, and
the median and p99 time of one query (after one warm-up pass over the whole set).

    .venv/bin/python bench/search_quality.py [--misses]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--misses", action="store_true", help="list the queries ours does not answer")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="yjs-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijianshi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from tests.support.search_quality import Searcher, evaluate, query_count, read_cases
    from yijianshi.catalog.packs import read_packs
    from yijianshi.catalog.services import catalog_load
    from yijianshi.web.catalogue import search_catalogue, search_index

    cat = read_packs()
    catalog_load(catalogue=cat, actor=None)
    regions = tuple(sorted({b["code"].split("-")[0] for _, b in cat.bundles()}))
    names = {d.region: d.region_name for d in search_index()}
    cases = read_cases(regions=regions)

    def ours(q: str, region: str | None) -> list[str]:
        return [h.doc.code for h in search_catalogue(q, region)[0]]

    def no_synonyms(q: str, region: str | None) -> list[str]:
        return [h.doc.code for h in search_catalogue(q, region, synonyms={})[0]]

    def substring(q: str, region: str | None) -> list[str]:
        needle = "".join(q.split())
        docs = [d for d in search_index() if region is None or d.region == region]
        return [d.code for d in docs if needle and (needle in d.name or any(needle in i for i in d.items))]

    rows: list[tuple[str, Searcher]] = [
        ("ours", ours),
        ("ours, no synonyms", no_synonyms),
        ("substring", substring),
    ]
    queries, empty = query_count()
    print(f"{queries} queries ({empty} must find nothing) → {len(cases)} cases over {len(regions)} regions\n")
    head = f"{'search':<20}{'region':<10}{'cases':>6}{'top-1':>8}{'top-3':>8}{'false hits':>12}{'median ms':>11}{'p99 ms':>9}"
    print(head)
    print("-" * len(head))
    results = {}
    for label, searcher in rows:
        evaluate(cases, searcher)  # warm-up: jieba's dictionary, the index, the synonym table
        scores = evaluate(cases, searcher)
        results[label] = scores
        for key in ["all", *regions]:
            s = scores.get(key)
            if s is None:
                continue
            where = "all" if key == "all" else names.get(key, key)
            false_hits = f"{s.false_hits}/{s.empty_cases}" if key == "all" else ""
            print(
                f"{label:<20}{where:<10}{s.cases:>6}{s.top1_rate:>8.1%}{s.top3_rate:>8.1%}{false_hits:>12}"
                f"{s.median_ms:>11.2f}{s.p99_ms:>9.2f}"
            )
    base = results["substring"]["all"]
    mine = results["ours"]["all"]
    print(
        f"\ntop-3: ours {mine.top3_rate:.1%} vs substring {base.top3_rate:.1%}"
        f" (×{mine.top3_rate / base.top3_rate:.1f}); p99 ours {mine.p99_ms:.2f} ms"
        if base.top3_rate
        else ""
    )
    if args.misses:
        print("\nmisses of ours (query, region, expected, first three found):")
        for case, found in mine.misses:
            print(
                f"  {case.q}\t{case.region or 'all'}\t{','.join(case.expect) or '(nothing)'}\t{','.join(found)}"
            )


if __name__ == "__main__":
    main()
