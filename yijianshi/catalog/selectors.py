"""Reads of the catalogue. Other parts ask here, never the models directly (DESIGN.md §3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from yijianshi.core.remembered import Remembered

from . import engine
from .engine.serialize import bundle_from_dict
from .models import (
    Bundle,
    BundleItem,
    BundleVersion,
    DataSource,
    Department,
    FieldKey,
    Item,
    ItemField,
    ItemMaterial,
    LicenceType,
    Region,
    ServicePoint,
    ServicePointKind,
    Situation,
    VersionStatus,
)

# What every submission looks up first — which version of a bundle is published, which service point takes it
# in — kept per process (core/remembered.py): a change made in this process is seen at once, one made in
# another process within YIJIANSHI_CATALOGUE_CACHE_SECONDS (settings: 5 s unless set; 0: not kept). A published version
# is frozen, so what is kept is only *which* one is current.
_lookups: Remembered[Any] = Remembered(
    "catalog.lookups",
    sources=(Region, Bundle, BundleVersion, ServicePoint),
    ttl=lambda: float(settings.YIJIANSHI_CATALOGUE_CACHE_SECONDS),
)


def _validation_pairs(validation: Mapping[str, Any]) -> tuple[tuple[str, object], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in validation.items()))


def item_def_from_row(item: Item, *, name: str, department: str) -> engine.ItemDef:
    return engine.ItemDef(
        ref=item.ref,
        name=name,
        department=department,
        legal_limit_days=item.legal_limit_days,
        promised_limit_days=item.promised_limit_days,
        visits=item.visits,
        steps=item.steps,
        fields=tuple(
            engine.FieldSpec(
                key=f.key.key,
                label_zh=f.key.label_zh,
                label_en=f.key.label_en,
                type=f.key.type,
                required=f.required,
                validation=_validation_pairs(f.key.validation),
                source=f.key.source.code if f.key.source else None,
            )
            for f in item.fields.all()
        ),
        materials=tuple(
            engine.MaterialSpec(
                code=m.code,
                name=m.name,
                channel=m.channel,  # type: ignore[arg-type]
                licence=m.licence.code if m.licence else None,
                data_check=m.data_check.code if m.data_check else None,
                item_result=m.item_result or None,
                form=m.form,  # type: ignore[arg-type]
                copies=m.copies,
                required=m.required,
                tolerated=m.tolerated,
                commitment=m.commitment,
                commitment_text=m.commitment_text or None,
            )
            for m in item.materials.all()
        ),
        requires=tuple(item.requires),
        issues_licence=item.issues_licence.code if item.issues_licence else None,
    )


def _version_rows(version: BundleVersion) -> list[BundleItem]:
    return list(
        version.items.select_related("item__issues_licence", "department")
        .prefetch_related(
            Prefetch(
                "item__fields", queryset=ItemField.objects.select_related("key__source").order_by("position")
            ),
            "item__materials__licence",
            "item__materials__data_check",
            "departments",
        )
        .order_by("position")
    )


def bundle_def_from_rows(version: BundleVersion) -> engine.BundleDef:
    """The definition a draft version has now (a published one is read from its snapshot instead)."""
    rows = _version_rows(version)
    by_pk = {bi.pk: bi.item.ref for bi in rows}
    return engine.BundleDef(
        code=version.bundle.code,
        name=version.bundle.name,
        items=tuple(item_def_from_row(bi.item, name=bi.name, department=bi.department.code) for bi in rows),
        dependencies=tuple(
            (by_pk[d.item_id], by_pk[d.requires_id])
            for d in version.dependencies.order_by("item__position", "requires__position")
        ),
        situations=tuple(
            engine.Situation(
                code=s.code,
                question_zh=s.question_zh,
                question_en=s.question_en,
                default=s.default,
                options=tuple(
                    engine.SituationOption(
                        value=o.value,
                        label_zh=o.label_zh,
                        label_en=o.label_en,
                        excludes=tuple(by_pk[x.pk] for x in o.excludes.order_by("position")),
                    )
                    for o in s.options.all()
                ),
            )
            for s in Situation.objects.filter(version=version)
            .prefetch_related("options__excludes")
            .order_by("position")
        ),
    )


def version_guide(version: BundleVersion) -> dict[str, Any]:
    """What the guide shows besides the engine's definition: standard elements, departments, lead."""
    bundle = version.bundle
    return {
        "region": bundle.region.code,
        "region_name": bundle.region.name,
        "subject": bundle.subject,
        "stage": bundle.stage,
        "lead_department": bundle.lead_department.name,
        "items": {
            bi.item.ref: {
                "code": bi.item.code,
                "standard_name": bi.item.name,
                "item_type": bi.item.item_type,
                "item_type_label": bi.item.get_item_type_display(),
                "department": bi.department.name,
                "departments": [
                    d.name for d in sorted(bi.departments.all(), key=lambda d: d.pk != bi.department_id)
                ],
                "legal_basis": bi.item.legal_basis,
                "conditions": bi.item.conditions,
                "fee": bi.item.fee,
                "fee_basis": bi.item.fee_basis,
                "result": bi.item.result,
                "online_depth": bi.item.online_depth,
                "illustrative": bi.item.illustrative,
            }
            for bi in _version_rows(version)
        },
    }


# Decoded definitions of published snapshots, per process. A snapshot never changes once written
# (catalog.services.bundle_version_publish), so the key only has to tell versions apart — including across
# test databases that reuse primary keys: the publication time and the bundle code are part of it.
_DEFINITIONS: dict[tuple[Any, ...], engine.BundleDef] = {}
_DEFINITIONS_MAX = 512


def bundle_definition(version: BundleVersion) -> engine.BundleDef:
    """The version's bundle definition: decoded from its published snapshot (cached per process: the
    submission, the prefill and the guide each ask for it), or built from the draft's rows."""
    if version.snapshot is None:
        return bundle_def_from_rows(version)
    data = version.snapshot["definition"]
    if version.pk is None or version.published_at is None:
        return bundle_from_dict(data)
    key = (
        version.pk,
        version.bundle_id,
        version.number,
        version.published_at,
        data.get("code"),
        len(data.get("items") or ()),
    )
    definition = _DEFINITIONS.get(key)
    if definition is None:
        if len(_DEFINITIONS) >= _DEFINITIONS_MAX:
            _DEFINITIONS.clear()
        definition = _DEFINITIONS[key] = bundle_from_dict(data)
    return definition


def bundle_checks(version: BundleVersion) -> list[dict[str, Any]]:
    """The version's checks before submission (docs/catalog-packs.md "checks"): from its published snapshot, or
    the draft's own."""
    if version.snapshot is not None:
        return list(version.snapshot.get("checks") or ())
    return list(version.checks or ())


def bundle_guide(version: BundleVersion) -> dict[str, Any]:
    return version.snapshot["guide"] if version.snapshot is not None else version_guide(version)


def published_versions(*, region: str | None = None) -> QuerySet[BundleVersion]:
    qs = BundleVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("bundle__region")
    if region:
        qs = qs.filter(bundle__region__code=region)
    return qs.order_by("bundle__region__code", "bundle__seq")


def _newest_published(versions: QuerySet[BundleVersion]) -> BundleVersion | None:
    return versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


_names: Remembered[dict[str, dict[str, tuple[str, str]]]] = Remembered(
    "catalog.stand_in_names",
    sources=(LicenceType, DataSource),
    ttl=lambda: float(settings.YIJIANSHI_CATALOGUE_CACHE_SECONDS),
)


def stand_in_names() -> dict[str, dict[str, tuple[str, str]]]:
    """The names (zh, en) of every licence type and data source, by code — what a guide says instead of a
    code when a licence or a data check stands in for a material. Kept per process; callers must not
    change it."""

    def load() -> dict[str, dict[str, tuple[str, str]]]:
        return {
            "licence": {
                c: (n, e or n) for c, n, e in LicenceType.objects.values_list("code", "name", "name_en")
            },
            "data_check": {
                c: (n, e or n) for c, n, e in DataSource.objects.values_list("code", "name", "name_en")
            },
        }

    return _names.get("all", load)


_english: Remembered[dict[str, dict[str, str]]] = Remembered(
    "catalog.english_names",
    sources=(Region, Department, ServicePoint, Bundle, Item, BundleItem, ItemMaterial, FieldKey, DataSource),
    ttl=lambda: float(settings.YIJIANSHI_CATALOGUE_CACHE_SECONDS),
)

# The kinds of names the English view looks up (`english_names`).
NAME_KINDS = ("bundle", "item", "material", "department", "service_point", "region", "choice", "data_source")


def english_names() -> dict[str, dict[str, str]]:
    """The English of the catalogue's names, by kind and then by the Chinese name: what the English view shows
    for a name. A guide's items and materials come from a version's frozen snapshot, which keeps the Chinese
    names only; their English is looked up by the Chinese, as gettext looks up a message by its text. A name
    with no English is not in it (the view then shows the Chinese, marked). Kept per process; callers must not
    change it."""

    def pairs(qs: QuerySet[Any], zh: str = "name", en: str = "name_en") -> dict[str, str]:
        return dict(qs.exclude(**{en: ""}).values_list(zh, en).distinct())

    def load() -> dict[str, dict[str, str]]:
        choices: dict[str, str] = {}
        for validation, english in FieldKey.objects.exclude(choices_en=[]).values_list(
            "validation", "choices_en"
        ):
            choices.update(zip(validation.get("choices") or (), english, strict=False))
        return {
            "bundle": pairs(Bundle.objects.all()),
            "item": {**pairs(Item.objects.all()), **pairs(BundleItem.objects.all())},
            "material": pairs(ItemMaterial.objects.all()),
            "department": pairs(Department.objects.all()),
            "service_point": pairs(ServicePoint.objects.all()),
            "region": pairs(Region.objects.all()),
            "choice": choices,
            "data_source": pairs(DataSource.objects.all()),
        }

    return _english.get("all", load)


def current_version(bundle: Bundle) -> BundleVersion | None:
    return _newest_published(bundle.versions.all())


def published_version(code: str) -> BundleVersion | None:
    """The published version of the bundle with this code, its bundle and region attached: `current_version`
    and the bundle in one query (what a submission looks up first), kept per process (`_lookups`). Callers
    must not change the instance: it is shared."""
    return _lookups.get(
        ("published", code),
        lambda: _newest_published(
            BundleVersion.objects.filter(bundle__code=code).select_related("bundle__region")
        ),
    )


def region_service_point(region_id: int, code: str | None) -> ServicePoint | None:
    """The service point of the region with this code; without a code the region's hall (its first point when
    it has no hall). Kept per process (`_lookups`); callers must not change the instance."""

    def load() -> ServicePoint | None:
        points = ServicePoint.objects.filter(region_id=region_id)
        if code:
            return points.filter(code=code).first()
        return (
            points.filter(kind=ServicePointKind.HALL).order_by("code").first()
            or points.order_by("code").first()
        )

    return _lookups.get(("service_point", region_id, code or ""), load)


@dataclass(frozen=True)
class BundleRow:
    region: str
    region_name: str
    code: str
    name: str
    subject: str
    version: int
    items_total: int
    figures: engine.Figures

    def as_dict(self) -> dict[str, Any]:
        f = self.figures
        return {
            "region": self.region,
            "region_name": self.region_name,
            "code": self.code,
            "name": self.name,
            "subject": self.subject,
            "version": self.version,
            "items": self.items_total,  # the items of the bundle, as its document lists them
            "items_applicable": f.items,  # those that apply under the default situation answers (the figures' basis)
            "fields_separate": f.fields_separate,
            "fields_merged": f.fields_merged,
            "fields_auto": f.fields_auto,
            "fields_auto_share": f.fields_auto_share,
            "materials_separate": f.materials_separate,
            "materials_required": f.materials_required,
            "materials_reduction": f.materials_reduction,
            "time_separate_days": f.time_separate_days,
            "time_bundle_days": f.time_bundle_days,
            "time_reduction": f.time_reduction,
            "steps_separate": f.steps_separate,
            "steps_bundle": f.steps_bundle,
            "steps_reduction": f.steps_reduction,
            "visits_separate": f.visits_separate,
            "visits_bundle": f.visits_bundle,
            "visits_reduction": f.visits_reduction,
        }


def bundle_rows(*, region: str | None = None) -> list[BundleRow]:
    """Every published bundle with its reform figures (default situation answers, catalogue view)."""
    rows = []
    for version in published_versions(region=region):
        definition = bundle_definition(version)
        result = engine.compute(definition)
        rows.append(
            BundleRow(
                region=version.bundle.region.code,
                region_name=version.bundle.region.name,
                code=version.bundle.code,
                name=version.bundle.name,
                subject=version.bundle.subject,
                version=version.number,
                items_total=len(definition.items),
                figures=result.figures,
            )
        )
    return rows


def totals(rows: list[BundleRow]) -> engine.Figures:
    """The figures of several bundles added up (each count summed), for a region's or the platform's total."""
    names = [f for f in engine.Figures.__dataclass_fields__]
    return engine.Figures(**{n: sum(getattr(r.figures, n) for r in rows) for n in names})


def regions_with_bundles() -> QuerySet[Region]:
    return Region.objects.filter(bundles__isnull=False).distinct().order_by("code")
