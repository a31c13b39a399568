"""The shipped catalogue, loaded in part: tests load only the bundles they use (the whole catalogue takes most
of a test's time)."""

from __future__ import annotations

import copy
from functools import lru_cache

from yijianshi.catalog.packs import Catalogue, read_packs
from yijianshi.catalog.services import catalog_load
from yijianshi.core.actor import Actor

NEWBORN = "140524-09"  # 新生儿出生一件事, 陵川县
COUNTY = "140524"  # 陵川县


@lru_cache(maxsize=1)
def shipped() -> Catalogue:
    """The packs as shipped, read once per process (copy before changing)."""
    return read_packs()


def load_bundles(*codes: str, region: str = COUNTY) -> None:
    """Load just these bundles of the shipped catalogue (fast), with the region's departments."""
    cat = copy.deepcopy(shipped())
    pack = cat.regions[region]
    pack["bundles"] = [b for b in pack["bundles"] if b["code"] in codes]
    pack["delegations"] = []
    cat.regions = {region: pack}
    catalog_load(catalogue=cat, actor=Actor.system())


def load_newborn() -> None:
    """陵川县 with only the newborn bundle, and of the vocabulary only the keys of that bundle and the keys a
    source fills (the loader upserts key by key: the whole vocabulary would take most of each test's time)."""
    cat = copy.deepcopy(shipped())
    pack = cat.regions[COUNTY]
    pack["bundles"] = [b for b in pack["bundles"] if b["code"] == NEWBORN]
    pack["delegations"] = []
    cat.regions = {COUNTY: pack}
    used = {f["key"] for b in pack["bundles"] for e in b["items"] for f in cat.templates[e["ref"]]["fields"]}
    cat.vocabulary = {k: v for k, v in cat.vocabulary.items() if k in used or v.get("source")}
    catalog_load(catalogue=cat, actor=Actor.system())
