"""The portal's reading of the catalogue: life events, the region a visitor looks at, the search index."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, Max
from django.http import HttpRequest

from yijianshi.catalog.models import Bundle, Region
from yijianshi.catalog.selectors import (
    bundle_definition,
    bundle_guide,
    published_versions,
    regions_with_bundles,
)

from .models import SearchSynonym
from .search import Hit, SearchDoc, load_synonyms, search_regions


@dataclass(frozen=True)
class LifeEvent:
    key: str
    zh: str
    en: str
    subject: str
    stages: tuple[str, ...]  # the catalogue's stage names (生命周期阶段) that belong to it


# 001 §11: the life of a person and of an enterprise, as the portal's entries
LIFE_EVENTS = (
    LifeEvent("birth", "出生", "Birth", "person", ("出生",)),
    LifeEvent("school", "入学", "School", "person", ("入学", "留学")),
    LifeEvent("work", "就业", "Work", "person", ("就业",)),
    LifeEvent("family", "婚育", "Marriage and children", "person", ("婚育",)),
    LifeEvent("home", "置业安居", "Housing", "person", ("置业", "安居")),
    LifeEvent("health", "就医", "Health care", "person", ("就医",)),
    LifeEvent("veteran", "退役", "Leaving the army", "person", ("退役",)),
    LifeEvent("retire", "退休养老", "Retirement and old age", "person", ("退休", "养老")),
    LifeEvent("after", "身后", "After a death", "person", ("身后",)),
    LifeEvent("life", "生活", "Daily life", "person", ("生活",)),
    LifeEvent("open", "开办", "Starting up", "enterprise", ("开办",)),
    LifeEvent("permit", "准营", "Permits to operate", "enterprise", ("准营",)),
    LifeEvent("run", "经营发展", "Running the business", "enterprise", ("经营",)),
    LifeEvent("build", "工程建设", "Construction", "enterprise", ("建设",)),
    LifeEvent("change", "变更", "Changes", "enterprise", ("变更",)),
    LifeEvent("close", "注销退出", "Closing down", "enterprise", ("注销",)),
)


def event_of(bundle: Bundle) -> LifeEvent | None:
    for event in LIFE_EVENTS:
        if event.subject == bundle.subject and any(bundle.stage.startswith(s) for s in event.stages):
            return event
    return None


def chosen_region(request: HttpRequest) -> Region | None:
    """?region= (remembered in the session), else the session's, else the first region with bundles."""
    regions = list(regions_with_bundles())
    by_code = {r.code: r for r in regions}
    wanted = request.GET.get("region") or request.session.get("region") or ""
    if wanted in by_code:
        request.session["region"] = wanted
        return by_code[wanted]
    return regions[0] if regions else None


ALL_REGIONS = "all"


def search_scope(request: HttpRequest) -> Region | None:
    """The region the search page searches: ?region=all searches every region, ?region=<code> that region (both
    remembered in the session, the code as chosen_region remembers it); else what was chosen last."""
    wanted = request.GET.get("region")
    if wanted == ALL_REGIONS:
        request.session["search_scope"] = ALL_REGIONS
        return None
    if wanted:
        request.session.pop("search_scope", None)
    elif request.session.get("search_scope") == ALL_REGIONS:
        return None
    return chosen_region(request)


_index: tuple[tuple[object, ...], list[SearchDoc]] | None = None


def search_index() -> list[SearchDoc]:
    """One document per published bundle (name, stage, items, region); rebuilt when the published versions
    change (their number, the latest id and the latest publication time are the stamp)."""
    global _index
    versions = published_versions()
    row = versions.aggregate(n=Count("pk"), m=Max("pk"), at=Max("published_at"))
    stamp = (row["n"], row["m"], row["at"])
    if _index is not None and _index[0] == stamp:
        return _index[1]
    docs = []
    for version in versions.select_related("bundle__region"):
        bundle = version.bundle
        definition = bundle_definition(version)
        standard = [g.get("standard_name", "") for g in bundle_guide(version)["items"].values()]
        names = dict.fromkeys([it.name for it in definition.items] + [n for n in standard if n])
        docs.append(
            SearchDoc(
                code=bundle.code,
                name=bundle.name,
                region=bundle.region.code,
                subject=bundle.subject,
                stage=bundle.stage,
                name_en=bundle.name_en,
                items=tuple(names),
                region_name=bundle.region.name,
            )
        )
    _index = (stamp, docs)
    return docs


_synonyms: tuple[tuple[int, object], dict[str, tuple[str, ...]]] | None = None


def current_synonyms() -> dict[str, tuple[str, ...]]:
    """The administrator's synonyms (SearchSynonym, seeded from synonyms.yaml), the active ones; re-read when a
    row is added, changed or removed (the count and the latest change time are the stamp, so every worker sees
    an edit on its next search)."""
    global _synonyms
    stamp_row = SearchSynonym.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    stamp = (stamp_row["n"], stamp_row["at"])
    if _synonyms is not None and _synonyms[0] == stamp:
        return _synonyms[1]
    table = {s.term: s.official_terms() for s in SearchSynonym.objects.filter(active=True)}
    _synonyms = (stamp, table)
    return table


def synonyms_seed() -> int:
    """Add the terms of synonyms.yaml the table lacks (a new release's words on an existing database; the data
    migration seeded the first ones); a term already there is left as the administrator set it — to retire a
    shipped term, deactivate it rather than delete it, or the next seed brings it back. Returns how many."""
    existing = set(SearchSynonym.objects.values_list("term", flat=True))
    rows = [
        SearchSynonym(term=term, means="、".join(official))
        for term, official in load_synonyms().items()
        if term not in existing
    ]
    SearchSynonym.objects.bulk_create(rows)
    return len(rows)


def search_catalogue(
    query: str, region: str | None, *, synonyms: Mapping[str, Sequence[str]] | None = None
) -> tuple[list[Hit], str | None]:
    """The search page's answer: the bundles of the region searched — the one the query names, else the one
    chosen (its code) — or of every region when none is chosen or the region has nothing for the query; with
    the code of the region searched (None: every region). `synonyms` replaces the administrator's (benchmarks)."""
    return search_regions(
        query, search_index(), region, synonyms=current_synonyms() if synonyms is None else synonyms
    )
