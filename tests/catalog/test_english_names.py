"""Every name of the shipped catalogue has an English rendering (issue 18 point 8): bundles, items (the template
and the document's wording in each bundle), materials, departments, service points, regions, situation questions
and their options, form field labels and the choices of select fields. The loader keeps them, and a new
translation reaches the version in force without publishing a new version."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.support.catalogue import COUNTY, load_bundles, shipped
from yijianshi.catalog.models import (
    Bundle,
    BundleItem,
    Department,
    FieldKey,
    Item,
    ItemMaterial,
    Region,
    ServicePoint,
)
from yijianshi.catalog.pack_schema import VocabularyEntry, check
from yijianshi.catalog.selectors import english_names
from yijianshi.catalog.services import catalog_load
from yijianshi.core.actor import Actor
from yijianshi.core.errors import ErrorList


def _missing() -> list[str]:
    cat = shipped()
    missing: list[str] = []

    def need(where: str, entry: dict[str, Any], key: str = "en") -> None:
        if not str(entry.get(key) or "").strip():
            missing.append(where)

    for key, field in cat.vocabulary.items():
        need(f"field {key}", field)
        if field.get("choices") and len(field.get("choices_en") or ()) != len(field["choices"]):
            missing.append(f"field {key}: choices")
    for ref, tpl in cat.templates.items():
        need(f"item {ref}", tpl)
        for m in tpl["materials"]:
            need(f"item {ref}: material {m['code']}", m)
    for code, pack in cat.regions.items():
        for r in pack["regions"]:
            need(f"region {r['code']}", r)
        for dcode, d in pack["departments"].items():
            need(f"{code}: department {dcode}", d)
        for pcode, p in pack["service_points"].items():
            need(f"{code}: service point {pcode}", p)
        for b in pack["bundles"]:
            need(f"bundle {b['code']}", b)
            for e in b["items"]:
                need(f"bundle {b['code']}: item {e['ref']}", e)
            for s in b["situations"]:
                need(f"bundle {b['code']}: situation {s['code']}", s)
                for o in s["options"]:
                    need(f"bundle {b['code']}: situation {s['code']}: option {o['value']}", o)
    return missing


def test_every_name_of_the_shipped_packs_has_an_english_name() -> None:
    missing = _missing()
    assert not missing, f"{len(missing)} names without English, e.g. {missing[:10]}"


def test_the_count_of_names_checked_covers_the_catalogue() -> None:
    """The check above walks every kind of entry (a loader that dropped `en` would fail it, not skip it)."""
    cat = shipped()
    materials = sum(len(t["materials"]) for t in cat.templates.values())
    assert len(cat.templates) > 150 and materials > 500
    assert all(m.get("en") for t in cat.templates.values() for m in t["materials"])
    assert sum(len(p["departments"]) for p in cat.regions.values()) > 100


def test_choices_in_english_must_match_the_choices_one_to_one() -> None:
    errors = ErrorList()
    raw = {"zh": "性别", "en": "Sex", "type": "choice", "choices": ["男", "女"], "choices_en": ["Male"]}
    assert check(VocabularyEntry, raw, "vocabulary.yaml: field person.gender", errors) is None
    assert [e.code for e in errors.items] == ["pack_bad_value"]
    assert "choices_en" in errors.items[0].en
    ok = {**raw, "choices_en": ["Male", "Female"]}
    assert check(VocabularyEntry, ok, "vocabulary.yaml: field person.gender", ErrorList()) is not None


@pytest.mark.django_db
def test_the_loader_keeps_the_english_names() -> None:
    load_bundles("140524-09")
    bundle = Bundle.objects.get(code="140524-09")
    assert bundle.name_en == "Birth of a child"
    assert Item.objects.get(ref="vaccination_certificate").name_en == "Vaccination certificate"
    assert (
        BundleItem.objects.get(version__bundle=bundle, item__ref="vaccination_certificate").name_en
        == "Vaccination certificate"
    )
    assert (
        ItemMaterial.objects.filter(name="母亲居民身份证").first().name_en
        == "Mother's resident identity card"
    )  # type: ignore[union-attr]
    assert Department.objects.get(region__code=COUNTY, code="health").name_en
    assert Region.objects.get(code=COUNTY).name_en == "Lingchuan County"
    assert ServicePoint.objects.get(region__code=COUNTY, code="hall").name_en
    gender = FieldKey.objects.get(key="child.gender")
    assert dict(zip(gender.validation["choices"], gender.choices_en, strict=True)) == {
        "男": "Male",
        "女": "Female",
    }
    names = english_names()
    assert names["item"]["预防接种证办理"] == "Vaccination certificate"
    assert names["choice"]["男"] == "Male" and names["region"]["陵川县"] == "Lingchuan County"


@pytest.mark.django_db
def test_a_new_translation_reaches_the_version_in_force_without_a_new_version() -> None:
    # given a published bundle
    load_bundles("140524-09")
    version = Bundle.objects.get(code="140524-09").versions.get()
    # when the pack's English of an item changes and the catalogue is loaded again
    cat = copy.deepcopy(shipped())
    pack = cat.regions[COUNTY]
    pack["bundles"] = [b for b in pack["bundles"] if b["code"] == "140524-09"]
    pack["delegations"] = []
    cat.regions = {COUNTY: pack}
    pack["bundles"][0]["items"][1]["en"] = "Vaccination booklet"
    result = catalog_load(catalogue=cat, actor=Actor.system())
    # then the version in force shows it, and no version was published for it
    assert result.new_versions == []
    assert Bundle.objects.get(code="140524-09").versions.count() == 1
    row = BundleItem.objects.get(version=version, position=1)
    assert row.name_en == "Vaccination booklet"
