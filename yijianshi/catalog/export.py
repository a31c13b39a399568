"""Write the catalogue in the database back out as packs (docs/catalog-packs.md), so that an edit made in the
admin can be reviewed, versioned and loaded elsewhere. The export validates with `read_packs` and loads back
to the same published definitions.

Items live per region in the database; the export turns them back into shared templates. When two regions'
items of one key have drifted apart, the second gets its own template key `<ref>__<region>`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .models import (
    Bundle,
    DataSource,
    Delegation,
    FieldKey,
    Item,
    LicenceType,
    Region,
    VersionStatus,
)


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8"
    )


def _template(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": item.name,
        "item_type": item.item_type,
        "service_object": item.service_object,
        "department_kind": item.department.kind,
        "level": item.level,
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "legal_limit_days": item.legal_limit_days,
        "promised_limit_days": item.promised_limit_days,
        "fee": item.fee,
        **({"fee_basis": item.fee_basis} if item.fee_basis else {}),
        "result": item.result,
        "visits": item.visits,
        "steps": item.steps,
        "online_depth": item.online_depth,
        "requires": list(item.requires),
        "illustrative": list(item.illustrative),
        "fields": [
            {"key": f.key.key, "required": f.required}
            for f in item.fields.select_related("key").order_by("position")
        ],
        "materials": [],
    }
    if item.name_en:
        data["en"] = item.name_en
    if item.issues_licence_id:
        data["issues_licence"] = item.issues_licence.code  # type: ignore[union-attr]
    for m in item.materials.select_related("licence", "data_check").order_by("position"):
        mat: dict[str, Any] = {
            "code": m.code,
            "name": m.name,
            "channel": m.channel,
            "form": m.form,
            "copies": m.copies,
            "required": m.required,
            "tolerated": m.tolerated,
            "commitment": m.commitment,
        }
        if m.licence_id:
            mat["licence"] = m.licence.code  # type: ignore[union-attr]
        if m.data_check_id:
            mat["data_check"] = m.data_check.code  # type: ignore[union-attr]
        if m.item_result:
            mat["item_result"] = m.item_result
        if m.commitment_text:
            mat["commitment_text"] = m.commitment_text
        if m.name_en:
            mat["en"] = m.name_en
        data["materials"].append(mat)
    return data


def _en(name_en: str) -> dict[str, str]:
    """The `en` key of an entry, when it has an English name."""
    return {"en": name_en} if name_en else {}


def _region_ref(r: Region) -> dict[str, str]:
    return {"code": r.code, "name": r.name, **_en(r.name_en), "level": r.level}


def catalog_export(target: Path) -> dict[str, int]:
    """Export to `target` (a folder laid out like packs/). Draft versions are exported if newer than published."""
    target = Path(target)
    _dump(
        target / "common" / "data_sources.yaml",
        {
            "sources": {
                s.code: {"name": s.name, "en": s.name_en, "provider_kind": s.provider_kind, "mode": s.mode}
                for s in DataSource.objects.order_by("code")
            }
        },
    )
    _dump(
        target / "common" / "licence_types.yaml",
        {
            "licence_types": {
                lt.code: {
                    "name": lt.name,
                    "en": lt.name_en,
                    "issuer_kind": lt.issuer_kind,
                    **({"type_code": lt.type_code} if lt.type_code else {}),
                    **({"validity_years": lt.validity_years} if lt.validity_years else {}),
                }
                for lt in LicenceType.objects.order_by("code")
            }
        },
    )
    vocab = {}
    for k in FieldKey.objects.select_related("source").order_by("key"):
        entry: dict[str, Any] = {"zh": k.label_zh, "en": k.label_en, "type": k.type, **k.validation}
        if k.choices_en:
            entry["choices_en"] = list(k.choices_en)
        if k.source_id:
            entry["source"] = k.source.code  # type: ignore[union-attr]
        vocab[k.key] = entry
    _dump(target / "common" / "vocabulary.yaml", {"fields": vocab})

    templates: dict[str, dict[str, Any]] = {}
    counts = {"regions": 0, "bundles": 0, "templates": 0, "delegations": 0}
    top_regions = (
        Region.objects.filter(bundles__isnull=False).distinct()
        | Region.objects.filter(delegations__isnull=False).distinct()
    )
    for region in top_regions.distinct().order_by("code"):
        counts["regions"] += 1
        chain: list[Region] = []
        node = region.parent
        while node is not None:
            chain.insert(0, node)
            node = node.parent
        children = [
            r
            for r in Region.objects.filter(code__startswith=region.code)
            .exclude(pk=region.pk)
            .order_by("code")
        ]
        folder = target / "regions" / region.code
        _dump(
            folder / "region.yaml",
            {
                "region": {
                    "code": region.code,
                    "name": region.name,
                    **_en(region.name_en),
                    "level": region.level,
                    "parents": [_region_ref(r) for r in chain],
                    "children": [_region_ref(r) for r in children],
                },
                "departments": {
                    d.code: {
                        "name": d.name,
                        **_en(d.name_en),
                        "kind": d.kind,
                        **({"full_name": d.full_name} if d.full_name and d.full_name != d.name else {}),
                        **{k: v for k in ("consult_phone", "supervise_phone") if (v := getattr(d, k))},
                        **({"illustrative": list(d.illustrative)} if d.illustrative else {}),
                    }
                    for d in region.departments.order_by("code")
                },
                "service_points": {
                    p.code: {
                        "name": p.name,
                        **_en(p.name_en),
                        "kind": p.kind,
                        "region": p.located_in.code,
                        "address": p.address,
                        "hours": p.hours,
                        **({"phone": p.phone} if p.phone else {}),
                        **({"lat": p.lat, "lng": p.lng} if p.lat is not None else {}),
                        **({"operator": p.operator.code} if p.operator is not None else {}),
                    }
                    for p in region.service_points.select_related("located_in", "operator").order_by("code")
                },
            },
        )
        bundles = []
        for bundle in Bundle.objects.filter(region=region).select_related("lead_department").order_by("seq"):
            version = (
                bundle.versions.filter(status=VersionStatus.DRAFT).first()
                or bundle.versions.filter(status=VersionStatus.PUBLISHED).first()
            )
            if version is None:
                continue
            counts["bundles"] += 1
            refs: dict[int, str] = {}
            entries = []
            for bi in (
                version.items.select_related("item__department", "department")
                .prefetch_related("departments")
                .order_by("position")
            ):
                ref = bi.item.ref
                tpl = _template(bi.item)
                if ref in templates and templates[ref] != tpl:
                    ref = f"{ref}__{region.code}"
                templates.setdefault(ref, tpl)
                refs[bi.pk] = ref
                others = sorted(d.code for d in bi.departments.all() if d.pk != bi.department_id)
                entries.append(
                    {
                        "ref": ref,
                        "name": bi.name,
                        **_en(bi.name_en),
                        "departments": [bi.department.code, *others],
                    }
                )
            deps: dict[str, list[str]] = {}
            for dep in version.dependencies.order_by("item__position", "requires__position"):
                deps.setdefault(refs[dep.item_id], []).append(refs[dep.requires_id])
            data: dict[str, Any] = {
                "code": bundle.code,
                "seq": bundle.seq,
                "name": bundle.name,
                "subject": bundle.subject,
                "stage": bundle.stage,
                "tier": bundle.tier,
                "lead": bundle.lead_department.code,
                "items": entries,
                "dependencies": [{"item": k, "requires": v} for k, v in deps.items()],
                "situations": [
                    {
                        "code": s.code,
                        "zh": s.question_zh,
                        "en": s.question_en,
                        "default": s.default,
                        "options": [
                            {
                                "value": o.value,
                                "zh": o.label_zh,
                                "en": o.label_en,
                                "excludes": [refs[x.pk] for x in o.excludes.all()],
                            }
                            for o in s.options.all()
                        ],
                    }
                    for s in version.situations.prefetch_related("options__excludes").order_by("position")
                ],
                "version": {
                    "number": version.number,
                    "effective_from": version.effective_from,
                    "effective_to": version.effective_to,
                },
            }
            if version.checks:
                data["checks"] = version.checks
            if bundle.name_en:
                data["en"] = bundle.name_en
            bundles.append(data)
        if bundles:
            _dump(folder / "bundles.yaml", {"bundles": bundles})
        delegations = []
        for d in (
            Delegation.objects.filter(region=region)
            .select_related("item__department")
            .order_by("level", "seq")
        ):
            counts["delegations"] += 1
            delegations.append(
                {
                    "seq": d.seq,
                    "level": d.level,
                    "name": d.item.name,
                    "item_type": d.item.item_type,
                    "item_type_label": d.item.get_item_type_display(),
                    "mode": d.mode,
                    "scope": d.scope,
                    "department_kind": d.item.department.kind,
                    "note": d.note,
                }
            )
        if delegations:
            _dump(folder / "delegations.yaml", {"delegations": delegations})
    counts["templates"] = len(templates)
    _dump(target / "common" / "items" / "items.yaml", {"items": templates})
    return counts
