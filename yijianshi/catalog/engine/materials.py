"""The material set (一套材料): duplicates merged by material code, government-issued ones waived.

A material is waived, in this order of preference, by
1. an e-licence of the type that stands in for it (电子证照替代),
2. a data check against the source that holds it (数据核验替代),
3. the result of an earlier item of the same bundle (前序事项结果替代) — only when that item is included.
In the catalogue view (no evidence about an applicant) every licence and data check is assumed available: the
figures then show what the bundle can achieve. With evidence, only what the applicant really holds counts.
"""

from __future__ import annotations

from collections.abc import Iterable

from .types import Evidence, ItemDef, MaterialEntry, MaterialSet, MaterialSpec, Waiver


def material_set(
    items: Iterable[ItemDef], *, included: Iterable[str] | None = None, evidence: Evidence | None = None
) -> MaterialSet:
    items = tuple(items)
    present = set(included) if included is not None else {it.ref for it in items}
    evidence = evidence or Evidence()
    order: list[str] = []
    specs: dict[str, MaterialSpec] = {}
    serves: dict[str, list[str]] = {}
    stand_ins: dict[str, dict[str, list[str]]] = {}
    for item in items:
        if item.ref not in present:
            continue
        for spec in item.materials:
            code = spec.code
            if code not in specs:
                order.append(code)
                specs[code] = spec
                serves[code] = []
                stand_ins[code] = {"licence": [], "data_check": [], "item_result": []}
            else:
                # the same document asked by several items: required if any requires it
                if spec.required and not specs[code].required:
                    specs[code] = spec
            if item.ref not in serves[code]:
                serves[code].append(item.ref)
            for kind, ref in (
                ("licence", spec.licence),
                ("data_check", spec.data_check),
                ("item_result", spec.item_result),
            ):
                if ref and ref not in stand_ins[code][kind]:
                    stand_ins[code][kind].append(ref)
    entries = []
    for code in order:
        options = stand_ins[code]
        entries.append(
            MaterialEntry(
                spec=specs[code],
                items=tuple(serves[code]),
                waiver=_waiver(options, present, evidence, serves[code]),
                stand_ins={k: tuple(v) for k, v in options.items() if v},
            )
        )
    return MaterialSet(entries=tuple(entries))


def _waiver(
    options: dict[str, list[str]], present: set[str], evidence: Evidence, consumers: list[str]
) -> Waiver | None:
    for licence in options["licence"]:
        if evidence.licences is None or licence in evidence.licences:
            return Waiver(
                kind="licence",
                ref=licence,
                reason_zh=f"以电子证照（{licence}）替代，无需提交",
                reason_en=f"Replaced by the e-licence ({licence}); not to be submitted",
            )
    for source in options["data_check"]:
        if evidence.data_checks is None or source in evidence.data_checks:
            return Waiver(
                kind="data_check",
                ref=source,
                reason_zh=f"通过数据共享核验（{source}），无需提交",
                reason_en=f"Verified through shared data ({source}); not to be submitted",
            )
    for producer in options["item_result"]:
        if producer in present and producer not in consumers:
            return Waiver(
                kind="item_result",
                ref=producer,
                reason_zh=f"由本件前序事项（{producer}）的办理结果替代",
                reason_en=f"Replaced by the result of the earlier item {producer} of this application",
            )
    return None
