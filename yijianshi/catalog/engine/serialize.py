"""A bundle definition to and from plain JSON: the frozen snapshot of a published version."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .types import BundleDef, FieldSpec, ItemDef, MaterialSpec, Situation, SituationOption


def bundle_to_dict(bundle: BundleDef) -> dict[str, Any]:
    data = asdict(bundle)
    for item in data["items"]:
        for f in item["fields"]:
            f["validation"] = [list(pair) for pair in f["validation"]]
    data["dependencies"] = [list(e) for e in data["dependencies"]]
    return data


def _validation(pairs: list[list[Any]]) -> tuple[tuple[str, object], ...]:
    return tuple((str(k), tuple(v) if isinstance(v, list) else v) for k, v in pairs)


def bundle_from_dict(data: dict[str, Any]) -> BundleDef:
    return BundleDef(
        code=data["code"],
        name=data["name"],
        items=tuple(
            ItemDef(
                ref=i["ref"],
                name=i["name"],
                department=i["department"],
                legal_limit_days=i["legal_limit_days"],
                promised_limit_days=i["promised_limit_days"],
                visits=i["visits"],
                steps=i["steps"],
                fields=tuple(
                    FieldSpec(
                        key=f["key"],
                        label_zh=f["label_zh"],
                        label_en=f["label_en"],
                        type=f["type"],
                        required=f["required"],
                        validation=_validation(f["validation"]),
                        source=f["source"],
                    )
                    for f in i["fields"]
                ),
                materials=tuple(MaterialSpec(**m) for m in i["materials"]),
                requires=tuple(i["requires"]),
                issues_licence=i["issues_licence"],
            )
            for i in data["items"]
        ),
        dependencies=tuple((a, b) for a, b in data["dependencies"]),
        situations=tuple(
            Situation(
                code=s["code"],
                question_zh=s["question_zh"],
                question_en=s["question_en"],
                default=s["default"],
                options=tuple(
                    SituationOption(
                        value=o["value"],
                        label_zh=o["label_zh"],
                        label_en=o["label_en"],
                        excludes=tuple(o["excludes"]),
                    )
                    for o in s["options"]
                ),
            )
            for s in data["situations"]
        ),
    )
