"""The merged form (一表申请): the union of the included items' fields, one per semantic key.

A key asked for by several items appears once and serves them all; it is required if any of them requires
it. The same key with an incompatible type or validation is a conflict, reported rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable

from .types import Conflict, FieldSpec, ItemDef, MergedField, MergedForm


def merge_form(items: Iterable[ItemDef]) -> MergedForm:
    order: list[str] = []
    first: dict[str, FieldSpec] = {}
    required: dict[str, bool] = {}
    serves: dict[str, list[str]] = {}
    conflicts: dict[str, list[str]] = {}
    for item in items:
        for spec in item.fields:
            key = spec.key
            if key not in first:
                order.append(key)
                first[key] = spec
                required[key] = spec.required
                serves[key] = [item.ref]
                continue
            if item.ref not in serves[key]:
                serves[key].append(item.ref)
            required[key] = required[key] or spec.required
            base = first[key]
            if spec.type != base.type:
                conflicts.setdefault(key, []).append(f"type {base.type} ≠ {spec.type}")
            elif spec.validation != base.validation:
                conflicts.setdefault(key, []).append(
                    f"validation {base.validation_dict()} ≠ {spec.validation_dict()}"
                )
    fields = tuple(
        MergedField(spec=_with_required(first[k], required[k]), items=tuple(serves[k])) for k in order
    )
    found = tuple(
        Conflict(key=k, items=tuple(serves[k]), detail="; ".join(dict.fromkeys(conflicts[k])))
        for k in order
        if k in conflicts
    )
    return MergedForm(fields=fields, conflicts=found)


def _with_required(spec: FieldSpec, required: bool) -> FieldSpec:
    if spec.required == required:
        return spec
    return FieldSpec(
        key=spec.key,
        label_zh=spec.label_zh,
        label_en=spec.label_en,
        type=spec.type,
        required=required,
        validation=spec.validation,
        source=spec.source,
    )
