"""The bundle engine: from a bundle version and the situation answers, the merged form, the material set,
the schedule and the reform figures. Pure Python, no Django (DESIGN.md §3), so it is tested exhaustively.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import DependencyCycle, FormConflicts, InvalidAnswer, UnknownDependency
from .figures import TARGETS, figures
from .form import merge_form
from .materials import material_set
from .schedule import dependency_edges, find_cycle, schedule
from .situations import included_items, resolve_answers
from .types import (
    BundleDef,
    Computation,
    Evidence,
    FieldSpec,
    Figures,
    ItemDef,
    MaterialSpec,
    Situation,
    SituationOption,
)

__all__ = [
    "TARGETS",
    "BundleDef",
    "Computation",
    "DependencyCycle",
    "Evidence",
    "FieldSpec",
    "Figures",
    "FormConflicts",
    "InvalidAnswer",
    "ItemDef",
    "MaterialSpec",
    "Situation",
    "SituationOption",
    "UnknownDependency",
    "compute",
    "dependency_edges",
    "figures",
    "find_cycle",
    "included_items",
    "material_set",
    "merge_form",
    "resolve_answers",
    "schedule",
]


def compute(
    bundle: BundleDef,
    answers: Mapping[str, str] | None = None,
    *,
    evidence: Evidence | None = None,
    strict: bool = True,
) -> Computation:
    """Everything the platform needs to know about one bundle for one set of answers.

    With `strict`, a merged-form conflict raises `FormConflicts`; otherwise it is returned in `form.conflicts`.
    """
    included = included_items(bundle, answers)
    chosen = tuple(it for it in bundle.items if it.ref in included)
    form = merge_form(chosen)
    if strict and form.conflicts:
        raise FormConflicts("; ".join(f"{c.key} ({c.detail})" for c in form.conflicts))
    materials = material_set(bundle.items, included=included, evidence=evidence)
    plan = schedule(bundle, included)
    return Computation(
        included=included,
        excluded=tuple(it.ref for it in bundle.items if it.ref not in included),
        form=form,
        materials=materials,
        schedule=plan,
        figures=figures(chosen, form, materials, plan),
    )
