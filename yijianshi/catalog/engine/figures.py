"""The reform figures of a bundle (004 §二: form fields generated ≥ 50 %, materials −60 %, time −70 %,
steps −80 %). The formulas are documented in docs/reform-figures.md; each is a plain count here.
"""

from __future__ import annotations

from .types import Figures, ItemDef, MaterialSet, MergedForm, Schedule

TARGETS = {
    "fields_auto_share": 0.50,
    "materials_reduction": 0.60,
    "time_reduction": 0.70,
    "steps_reduction": 0.80,
}


def figures(items: tuple[ItemDef, ...], form: MergedForm, materials: MaterialSet, plan: Schedule) -> Figures:
    return Figures(
        items=len(items),
        # every item's form filled separately: each item's fields typed once per item
        fields_separate=sum(len(it.fields) for it in items),
        # one merged form: one field per semantic key
        fields_merged=len(form.fields),
        # fields of the merged form a data source can fill
        fields_auto=sum(1 for f in form.fields if f.auto),
        # each item's required materials brought separately
        materials_separate=sum(sum(1 for m in it.materials if m.required) for it in items),
        # one set: distinct required materials that are not waived
        materials_required=len(materials.required),
        # one after another, each taking its legal limit
        time_separate_days=sum(it.legal_limit_days for it in items),
        # in parallel with dependencies respected, promised limits: the critical path
        time_bundle_days=plan.total_days,
        steps_separate=sum(it.steps for it in items),
        # each kind of step (guide, apply, intake, collect…) done once for all items
        steps_bundle=max((it.steps for it in items), default=0),
        visits_separate=sum(it.visits for it in items),
        # one visit to the one window serves every item that needs a presence
        visits_bundle=max((it.visits for it in items), default=0),
    )
