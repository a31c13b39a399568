"""Writes to the catalogue. Each service runs in one transaction and takes an explicit `actor`.

- `catalog_load`: a validated `Catalogue` (packs.read_packs) into the database, all or nothing. Loading the
  same packs again changes nothing; a changed bundle gets a new published version and the old one is retired.
- `bundle_version_publish`: freeze a draft version into an immutable snapshot.
- `bundle_version_new_draft`: start editing a bundle again, from its latest version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from yijianshi.core.actor import Actor
from yijianshi.core.errors import Conflict, DomainError

from . import engine
from .engine.serialize import bundle_to_dict
from .models import (
    Bundle,
    BundleDependency,
    BundleItem,
    BundleVersion,
    DataSource,
    Delegation,
    Department,
    FieldKey,
    Item,
    ItemField,
    ItemMaterial,
    LicenceType,
    Region,
    ServicePoint,
    Situation,
    SituationOption,
    VersionStatus,
)
from .packs import Catalogue
from .selectors import bundle_def_from_rows, version_guide


@dataclass
class LoadResult:
    regions: int = 0
    items: int = 0
    bundles: int = 0
    new_versions: list[str] = field(default_factory=list)
    delegations: int = 0

    def summary(self) -> str:
        return (
            f"{self.regions} regions, {self.items} items, {self.bundles} bundles "
            f"({len(self.new_versions)} new published versions), {self.delegations} delegations"
        )


class _Unchanged(Exception):
    pass


# ------------------------------------------------------------------------------------------ publishing


def version_snapshot(version: BundleVersion) -> dict[str, Any]:
    definition = bundle_def_from_rows(version)
    try:
        engine.compute(definition)  # refuses cycles, conflicts and unknown dependencies
    except DomainError as exc:
        raise DomainError(exc.code, f"无法发布：{exc.detail.zh}", f"Cannot publish: {exc.detail.en}") from exc
    snapshot: dict[str, Any] = {"definition": bundle_to_dict(definition), "guide": version_guide(version)}
    if version.checks:  # absent when none, so that versions published before checks existed stay unchanged
        snapshot["checks"] = list(version.checks)
    frozen: dict[str, Any] = json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))
    return frozen  # exactly what the JSON column gives back


@transaction.atomic
def bundle_version_publish(
    *, version: BundleVersion, actor: Actor, effective_from: date | None = None
) -> BundleVersion:
    version = BundleVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise Conflict("version_not_draft", "只有草稿版本可以发布", "Only a draft version can be published")
    snapshot = version_snapshot(version)
    when = effective_from or version.effective_from or timezone.localdate()
    previous = (
        BundleVersion.objects.select_for_update()
        .filter(bundle=version.bundle, status=VersionStatus.PUBLISHED)
        .first()
    )
    if previous is not None:
        previous.status = VersionStatus.RETIRED
        previous.effective_to = when
        previous.save(update_fields=["status", "effective_to"])
    version.snapshot = snapshot
    version.status = VersionStatus.PUBLISHED
    version.effective_from = when
    version.published_at = timezone.now()
    version.published_by = actor.user
    version.save(update_fields=["snapshot", "status", "effective_from", "published_at", "published_by"])
    return version


@transaction.atomic
def bundle_version_new_draft(*, bundle: Bundle, actor: Actor) -> BundleVersion:
    """A new draft copying the latest version's items, dependencies and situations."""
    bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
    if bundle.versions.filter(status=VersionStatus.DRAFT).exists():
        raise Conflict("draft_exists", "该“一件事”已有草稿版本", "This bundle already has a draft version")
    latest = bundle.versions.order_by("-number").first()
    draft = BundleVersion.objects.create(
        bundle=bundle,
        number=(latest.number + 1) if latest else 1,
        checks=list(latest.checks) if latest else [],
    )
    if latest is not None:
        _copy_version(latest, draft)
    return draft


def _copy_version(source: BundleVersion, target: BundleVersion) -> None:
    mapping: dict[int, BundleItem] = {}
    for bi in source.items.prefetch_related("departments"):
        new = BundleItem.objects.create(
            version=target, item=bi.item, name=bi.name, department=bi.department, position=bi.position
        )
        new.departments.set(bi.departments.all())
        mapping[bi.pk] = new
    for dep in source.dependencies.all():
        BundleDependency.objects.create(
            version=target, item=mapping[dep.item_id], requires=mapping[dep.requires_id]
        )
    for s in source.situations.prefetch_related("options__excludes"):
        ns = Situation.objects.create(
            version=target,
            code=s.code,
            question_zh=s.question_zh,
            question_en=s.question_en,
            default=s.default,
            position=s.position,
        )
        for o in s.options.all():
            no = SituationOption.objects.create(
                situation=ns, value=o.value, label_zh=o.label_zh, label_en=o.label_en, position=o.position
            )
            no.excludes.set([mapping[x.pk] for x in o.excludes.all()])
    target.regions.set(source.regions.all())


# ------------------------------------------------------------------------------------------ loading


@transaction.atomic
def catalog_load(*, catalogue: Catalogue, actor: Actor) -> LoadResult:
    result = LoadResult()
    sources = {
        code: _upsert(
            DataSource,
            {"code": code},
            name=s["name"],
            name_en=s.get("en", ""),
            provider_kind=s["provider_kind"],
            mode=s["mode"],
        )
        for code, s in catalogue.sources.items()
    }
    licences = {
        code: _upsert(
            LicenceType,
            {"code": code},
            name=lt["name"],
            name_en=lt.get("en", ""),
            issuer_kind=lt["issuer_kind"],
            type_code=lt.get("type_code") or "",
            validity_years=lt.get("validity_years"),
        )
        for code, lt in catalogue.licence_types.items()
    }
    keys = {}
    for key, v in catalogue.vocabulary.items():
        validation = {k: v[k] for k in engine.types.VALIDATION_KEYS if v.get(k) is not None}
        keys[key] = _upsert(
            FieldKey,
            {"key": key},
            label_zh=v["zh"],
            label_en=v["en"],
            choices_en=list(v.get("choices_en") or ()),
            type=v["type"],
            validation=validation,
            source=sources.get(v.get("source") or ""),
        )
    for code, pack in catalogue.regions.items():
        result.regions += 1
        regions: dict[str, Region] = {}
        for r in pack["regions"]:
            regions[r["code"]] = _upsert(
                Region,
                {"code": r["code"]},
                name=r["name"],
                name_en=r.get("en") or "",
                level=r["level"],
                parent=regions.get(r["parent"] or "")
                or Region.objects.filter(code=r["parent"] or "").first(),
            )
        region = regions[code]
        depts = {
            dcode: _upsert(
                Department,
                {"region": region, "code": dcode},
                name=d["name"],
                name_en=d.get("en") or "",
                kind=d["kind"],
                full_name=d.get("full_name") or d["name"],
                consult_phone=d.get("consult_phone") or "",
                supervise_phone=d.get("supervise_phone") or "",
                illustrative=list(d.get("illustrative") or ()),
            )
            for dcode, d in pack["departments"].items()
        }
        for pcode, p in pack["service_points"].items():
            _upsert(
                ServicePoint,
                {"region": region, "code": pcode},
                name=p["name"],
                name_en=p.get("en") or "",
                kind=p["kind"],
                located_in=regions[p["region"]],
                address=p["address"],
                hours=p["hours"],
                phone=p["phone"],
                lat=p["lat"],
                lng=p["lng"],
                operator=depts.get(p.get("operator") or ""),
            )
        items: dict[str, Item] = {}
        for bundle in pack["bundles"]:
            for entry in bundle["items"]:
                if entry["ref"] not in items:
                    items[entry["ref"]] = _item_upsert(
                        region,
                        entry["ref"],
                        catalogue.templates[entry["ref"]],
                        depts[entry["departments"][0]],
                        keys,
                        licences,
                        sources,
                    )
        for bundle in pack["bundles"]:
            result.bundles += 1
            if _bundle_load(region, bundle, depts, items, actor):
                result.new_versions.append(bundle["code"])
        for d in pack["delegations"]:
            dept = next(x for x in depts.values() if x.kind == d["department_kind"])
            ref = f"delegated_{d['level']}_{d['seq']:03d}"
            tpl = {
                "name": d["name"],
                "item_type": d["item_type"],
                "service_object": ["person"],
                "level": d["level"],
                "legal_limit_days": 20,
                "promised_limit_days": 10,
                "illustrative": ["department_kind", "legal_limit_days", "promised_limit_days"],
                "fields": [],
                "materials": [],
            }
            item = _item_upsert(region, ref, tpl, dept, keys, licences, sources)
            _upsert(
                Delegation,
                {"region": region, "level": d["level"], "seq": d["seq"]},
                item=item,
                mode=d["mode"],
                scope=d["scope"],
                note=d["note"],
            )
            result.delegations += 1
        result.items += len(items)
    return result


def _upsert(model: Any, lookup: dict[str, Any], **values: Any) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    if changed:
        obj.save(update_fields=changed)
    return obj


def _item_upsert(
    region: Region,
    ref: str,
    tpl: dict[str, Any],
    department: Department,
    keys: dict[str, FieldKey],
    licences: dict[str, LicenceType],
    sources: dict[str, DataSource],
) -> Item:
    item: Item = _upsert(
        Item,
        {"region": region, "ref": ref},
        code=f"{region.code}.{ref}",
        name=tpl["name"],
        name_en=tpl.get("en") or "",
        item_type=tpl["item_type"],
        service_object=tpl["service_object"],
        department=department,
        level=tpl.get("level", "county"),
        legal_basis=tpl.get("legal_basis") or "",
        conditions=tpl.get("conditions") or "",
        legal_limit_days=tpl["legal_limit_days"],
        promised_limit_days=tpl["promised_limit_days"],
        fee=str(tpl.get("fee") or "不收费"),
        fee_basis=tpl.get("fee_basis") or "",
        result=tpl.get("result") or "",
        issues_licence=licences.get(tpl.get("issues_licence") or ""),
        visits=tpl.get("visits", 1),
        steps=tpl.get("steps", 4),
        online_depth=tpl.get("online_depth", 3),
        requires=list(tpl.get("requires") or []),
        illustrative=list(tpl.get("illustrative") or []),
    )
    wanted_fields = [(f["key"], f["required"]) for f in tpl["fields"]]
    have_fields = [(f.key.key, f.required) for f in item.fields.select_related("key").order_by("position")]
    if wanted_fields != have_fields:
        item.fields.all().delete()
        ItemField.objects.bulk_create(
            ItemField(item=item, key=keys[k], required=req, position=i)
            for i, (k, req) in enumerate(wanted_fields)
        )
    wanted = [_material_values(m, licences, sources) for m in tpl["materials"]]
    have = [_material_values_from_row(m) for m in item.materials.order_by("position")]
    if [_comparable(w) for w in wanted] != have:
        item.materials.all().delete()
        ItemMaterial.objects.bulk_create(
            ItemMaterial(item=item, position=i, **w) for i, w in enumerate(wanted)
        )
    return item


def _material_values(
    m: dict[str, Any], licences: dict[str, LicenceType], sources: dict[str, DataSource]
) -> dict[str, Any]:
    return {
        "code": m["code"],
        "name": m["name"],
        "name_en": m.get("en") or "",
        "channel": m["channel"],
        "licence": licences.get(m.get("licence") or ""),
        "data_check": sources.get(m.get("data_check") or ""),
        "item_result": m.get("item_result") or "",
        "form": m["form"],
        "copies": m["copies"],
        "required": m["required"],
        "tolerated": m["tolerated"],
        "commitment": m["commitment"],
        "commitment_text": m.get("commitment_text") or "",
    }


def _comparable(values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple((k, getattr(v, "pk", v)) for k, v in sorted(values.items()))


def _material_values_from_row(m: ItemMaterial) -> tuple[Any, ...]:
    return tuple(
        sorted(
            {
                "code": m.code,
                "name": m.name,
                "name_en": m.name_en,
                "channel": m.channel,
                "licence": m.licence_id,
                "data_check": m.data_check_id,
                "item_result": m.item_result,
                "form": m.form,
                "copies": m.copies,
                "required": m.required,
                "tolerated": m.tolerated,
                "commitment": m.commitment,
                "commitment_text": m.commitment_text,
            }.items()
        )
    )


def _bundle_load(
    region: Region,
    raw: dict[str, Any],
    depts: dict[str, Department],
    items: dict[str, Item],
    actor: Actor,
) -> bool:
    """Create or update a bundle; publish a new version only if its snapshot differs. True if it did."""
    bundle = _upsert(
        Bundle,
        {"code": raw["code"]},
        region=region,
        seq=raw["seq"],
        name=raw["name"],
        name_en=raw.get("en") or "",
        subject=raw["subject"],
        stage=raw.get("stage") or "",
        tier=raw.get("tier") or "",
        lead_department=depts[raw["lead"]],
    )
    current = bundle.versions.filter(status=VersionStatus.PUBLISHED).first()
    latest = bundle.versions.order_by("-number").first()
    try:
        with transaction.atomic():
            version = BundleVersion.objects.create(
                bundle=bundle,
                number=(latest.number + 1) if latest else int(raw["version"]["number"]),
                effective_from=raw["version"]["effective_from"],
                effective_to=raw["version"]["effective_to"],
                checks=raw.get("checks") or [],
            )
            version.regions.set([region])
            rows: dict[str, BundleItem] = {}
            for pos, entry in enumerate(raw["items"]):
                bi = BundleItem.objects.create(
                    version=version,
                    item=items[entry["ref"]],
                    name=entry["name"],
                    name_en=entry.get("en") or "",
                    department=depts[entry["departments"][0]],
                    position=pos,
                )
                bi.departments.set([depts[d] for d in entry["departments"]])
                rows[entry["ref"]] = bi
            for dep in raw["dependencies"]:
                for req in dep["requires"]:
                    BundleDependency.objects.create(
                        version=version, item=rows[dep["item"]], requires=rows[req]
                    )
            for pos, s in enumerate(raw["situations"]):
                sit = Situation.objects.create(
                    version=version,
                    code=s["code"],
                    question_zh=s["zh"],
                    question_en=s["en"],
                    default=s["default"],
                    position=pos,
                )
                for opos, o in enumerate(s["options"]):
                    opt = SituationOption.objects.create(
                        situation=sit, value=o["value"], label_zh=o["zh"], label_en=o["en"], position=opos
                    )
                    opt.excludes.set([rows[x] for x in o["excludes"]])
            if current is not None and version_snapshot(version) == current.snapshot:
                raise _Unchanged
            bundle_version_publish(
                version=version,
                actor=actor,
                effective_from=None if current else raw["version"]["effective_from"],
            )
    except _Unchanged:
        if current is not None:
            _bundle_items_english(current, raw, items)
        return False
    return True


def _bundle_items_english(version: BundleVersion, raw: dict[str, Any], items: dict[str, Item]) -> None:
    """The English names of a published version's items, as the pack now gives them: a name's English is shown,
    not part of the frozen snapshot, so a new translation reaches the version in force without a new version."""
    for entry in raw["items"]:
        BundleItem.objects.filter(version=version, item=items[entry["ref"]]).exclude(
            name_en=entry.get("en") or ""
        ).update(name_en=entry.get("en") or "")
