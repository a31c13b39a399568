"""Dependencies point one way in the schema too (DESIGN.md §3, docs/architecture.md): import-linter sees imports,
not the string references of a model's foreign keys, so this walks the model graph. A part may hold a relation
only to a model of its own layer or a lower one; cases links to uploads (cases.ApplicationUpload), never the
other way round."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def _layers() -> dict[str, int]:
    """`yijianshi.<app>` -> its rank in pyproject's "layers" contract (0 is the top)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers")
    return {
        module.strip(): rank for rank, layer in enumerate(contract["layers"]) for module in layer.split("|")
    }


def _part(model: type) -> str:
    return model.__module__.rsplit(".models", 1)[0].split(".models.")[0]


def test_no_model_relates_to_a_model_of_a_higher_layer() -> None:
    ranks = _layers()
    assert "yijianshi.uploads" in ranks and "yijianshi.cases" in ranks, "the layers contract names the parts"
    against: list[str] = []
    for model in apps.get_models():
        part = _part(model)
        if part not in ranks:
            continue
        for field in model._meta.get_fields():
            # only relations the model declares itself (a reverse relation is declared by the other side)
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = _part(field.related_model)
            if target in ranks and ranks[target] < ranks[part]:
                against.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    assert against == []


def test_the_check_sees_a_relation_against_the_arrows() -> None:
    """The walk above can fail: cases (higher) relates to uploads (lower) — seen from the other side it would be
    against the arrows."""
    ranks = _layers()
    from yijianshi.cases.models import ApplicationUpload

    field = ApplicationUpload._meta.get_field("upload")
    assert ranks[_part(field.related_model)] > ranks[_part(ApplicationUpload)]
