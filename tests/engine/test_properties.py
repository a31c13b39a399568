"""Properties of the bundle engine, over thousands of random bundles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yijianshi.catalog import engine
from yijianshi.catalog.engine import BundleDef, DependencyCycle, Evidence
from yijianshi.catalog.engine.schedule import dependency_edges

from .strategies import answers_for, bundles

settings.register_profile("ci", max_examples=300, deadline=None)
settings.load_profile("ci")


@given(st.data())
def test_every_required_field_of_every_included_item_is_in_the_form_exactly_once(data: st.DataObject) -> None:
    bundle = data.draw(bundles())
    answers = data.draw(answers_for(bundle))
    result = engine.compute(bundle, answers)
    keys = [f.key for f in result.form.fields]
    assert len(keys) == len(set(keys))
    for item in bundle.items:
        if item.ref not in result.included:
            continue
        for spec in item.fields:
            merged = result.form.get(spec.key)
            assert merged is not None and keys.count(spec.key) == 1
            assert item.ref in merged.items
            if spec.required:
                assert merged.spec.required
    included_keys = {f.key for it in bundle.items if it.ref in result.included for f in it.fields}
    assert set(keys) == included_keys


@given(st.data())
def test_no_item_is_scheduled_before_its_prerequisites(data: st.DataObject) -> None:
    bundle = data.draw(bundles())
    result = engine.compute(bundle, data.draw(answers_for(bundle)))
    plan = result.schedule
    edges = dependency_edges(bundle, result.included)
    for s in plan.items:
        item = bundle.item(s.ref)
        assert s.finish_day == s.start_day + item.promised_limit_days
        assert set(s.requires) == set(edges[s.ref])
        for p in s.requires:
            prereq = plan.get(p)
            assert s.start_day >= prereq.finish_day
            assert s.layer > prereq.layer
    assert plan.total_days == max((s.finish_day for s in plan.items), default=0)
    # the critical path is a chain of real dependencies whose durations add up to the total
    path = plan.critical_path
    assert sum(bundle.item(r).promised_limit_days for r in path) == plan.total_days
    for before, after in zip(path, path[1:], strict=False):
        assert before in edges[after]
    # items of one layer never depend on each other: they run in parallel
    for layer in plan.layers:
        for ref in layer:
            assert not set(edges[ref]) & set(layer)


@given(st.data())
def test_every_figure_is_consistent_with_its_formula(data: st.DataObject) -> None:
    bundle = data.draw(bundles())
    result = engine.compute(bundle, data.draw(answers_for(bundle)))
    f = result.figures
    chosen = [it for it in bundle.items if it.ref in result.included]
    assert f.items == len(chosen)
    assert f.fields_separate == sum(len(it.fields) for it in chosen)
    assert f.fields_merged == len({fs.key for it in chosen for fs in it.fields})
    assert f.fields_auto == len({fs.key for it in chosen for fs in it.fields if fs.source})
    assert f.fields_auto <= f.fields_merged <= f.fields_separate
    assert f.materials_separate == sum(1 for it in chosen for m in it.materials if m.required)
    assert f.materials_required <= f.materials_separate
    assert f.time_separate_days == sum(it.legal_limit_days for it in chosen)
    assert f.time_bundle_days <= sum(it.promised_limit_days for it in chosen) <= f.time_separate_days
    assert f.steps_bundle == max((it.steps for it in chosen), default=0) <= f.steps_separate
    assert f.visits_bundle == max((it.visits for it in chosen), default=0) <= f.visits_separate
    for share in (f.fields_auto_share, f.materials_reduction, f.time_reduction, f.steps_reduction):
        assert 0.0 <= share <= 1.0
    if f.materials_separate:
        assert f.materials_reduction == round(1 - f.materials_required / f.materials_separate, 4)


@given(st.data())
def test_waivers_need_a_stand_in_and_evidence_only_narrows_them(data: st.DataObject) -> None:
    bundle = data.draw(bundles())
    result = engine.compute(bundle)
    nothing = engine.compute(bundle, evidence=Evidence(licences=frozenset(), data_checks=frozenset()))
    for entry in result.materials.entries:
        if entry.waiver:
            assert entry.waiver.ref in entry.stand_ins[entry.waiver.kind]
            assert entry.waiver.reason_zh and entry.waiver.reason_en
    for entry in nothing.materials.entries:
        if entry.waiver:
            assert entry.waiver.kind == "item_result"
            assert entry.waiver.ref in result.included
    assert len(nothing.materials.required) >= len(result.materials.required)


@given(bundles(max_items=6), st.data())
def test_a_cycle_is_an_error_naming_a_real_cycle(bundle: BundleDef, data: st.DataObject) -> None:
    if len(bundle.items) < 2:
        return
    edges = dependency_edges(bundle)
    a, b = data.draw(st.permutations([it.ref for it in bundle.items]))[:2]
    cyclic = BundleDef(
        code=bundle.code,
        name=bundle.name,
        items=bundle.items,
        dependencies=(*bundle.dependencies, (a, b), (b, a)),
        situations=(),
    )
    with pytest.raises(DependencyCycle) as caught:
        engine.compute(cyclic)
    cycle = caught.value.cycle
    full = dependency_edges(cyclic)
    for i, ref in enumerate(cycle):
        assert cycle[(i + 1) % len(cycle)] in full[ref]
    assert caught.value.code == "dependency_cycle"
    assert "→" in caught.value.detail.zh
    assert edges  # the acyclic original was accepted
