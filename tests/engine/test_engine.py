"""Worked examples of the engine on the newborn bundle of the test pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from yijianshi.catalog import engine
from yijianshi.catalog.engine import Evidence
from yijianshi.catalog.engine.serialize import bundle_from_dict, bundle_to_dict
from yijianshi.catalog.packs import read_packs


@pytest.fixture
def newborn(minipack: Path) -> engine.BundleDef:
    cat = read_packs(minipack)
    region, raw = next(cat.bundles())
    return cat.bundle_def(region, raw)


def test_merged_form_serves_several_items_once(newborn: engine.BundleDef) -> None:
    result = engine.compute(newborn)
    mother = result.form.get("mother.id_number")
    assert mother is not None and mother.items == ("birth_cert", "hukou_birth")
    gender = result.form.get("child.gender")
    assert gender is not None and gender.spec.required is False  # optional in its only item
    assert result.figures.fields_separate == 15 and result.figures.fields_merged == 10


def test_materials_merge_and_waive_with_reasons(newborn: engine.BundleDef) -> None:
    result = engine.compute(newborn)
    by_code = {e.code: e for e in result.materials.entries}
    assert by_code["mother.id_card"].items == ("birth_cert", "hukou_birth")
    assert by_code["mother.id_card"].waiver.kind == "licence"
    assert by_code["birth.certificate"].waiver.kind == "licence"
    assert [e.code for e in result.materials.required] == ["birth.record", "child.photo"]
    # an applicant known to hold no licences: the birth certificate is still the earlier item's result
    held = engine.compute(
        newborn, evidence=Evidence(licences=frozenset(), data_checks=frozenset({"population"}))
    )
    by_code = {e.code: e for e in held.materials.entries}
    assert by_code["birth.certificate"].waiver.kind == "item_result"
    assert by_code["birth.certificate"].waiver.ref == "birth_cert"
    assert by_code["mother.id_card"].waiver.kind == "data_check"
    assert not by_code["marriage.certificate"].waived


def test_schedule_respects_dependencies_and_finds_the_critical_path(newborn: engine.BundleDef) -> None:
    plan = engine.compute(newborn).schedule
    assert plan.layers == (("birth_cert",), ("hukou_birth",), ("ssc",))
    assert plan.critical_path == ("birth_cert", "hukou_birth", "ssc")
    assert plan.total_days == 1 + 1 + 5


def test_situation_excludes_items_and_their_edges(newborn: engine.BundleDef) -> None:
    result = engine.compute(newborn, {"in_wedlock": "no"})
    assert result.excluded == ("hukou_birth",)
    assert result.schedule.layers == (("birth_cert", "ssc"),)
    # without the registration item, nothing stands in for the household register any more? it still has a
    # data check; but the birth certificate material is no longer asked at all
    assert "birth.certificate" not in {e.code for e in result.materials.entries}


def test_a_bad_answer_is_a_clear_error(newborn: engine.BundleDef) -> None:
    with pytest.raises(engine.InvalidAnswer) as caught:
        engine.compute(newborn, {"in_wedlock": "maybe"})
    assert caught.value.detail.field == "situations.in_wedlock"
    with pytest.raises(engine.InvalidAnswer):
        engine.compute(newborn, {"no_such_question": "yes"})


def test_conflicting_field_definitions_are_reported(newborn: engine.BundleDef) -> None:
    first = newborn.items[0]
    clash = engine.FieldSpec(key="mother.name", label_zh="x", label_en="x", type="date")
    other = engine.ItemDef(
        ref="x", name="x", department="d", legal_limit_days=1, promised_limit_days=1, fields=(clash,)
    )
    form = engine.merge_form((first, other))
    assert [c.key for c in form.conflicts] == ["mother.name"]
    bundle = engine.BundleDef(code="c", name="c", items=(first, other))
    with pytest.raises(engine.FormConflicts):
        engine.compute(bundle)


def test_snapshot_round_trip_is_lossless(newborn: engine.BundleDef) -> None:
    assert bundle_from_dict(bundle_to_dict(newborn)) == newborn


def test_unknown_dependency_is_named(newborn: engine.BundleDef) -> None:
    bad = engine.BundleDef(code="b", name="b", items=newborn.items, dependencies=(("ssc", "nope"),))
    with pytest.raises(engine.UnknownDependency) as caught:
        engine.compute(bad)
    assert "nope" in caught.value.detail.en
