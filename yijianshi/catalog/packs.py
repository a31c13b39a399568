"""Catalogue packs: read, validate and normalise the YAML files under `packs/` (docs/catalog-packs.md).

Pure Python, no Django: `python -m yijianshi.catalog.packs validate [DIR]` runs without a database. Every
problem is collected (not just the first) and named by file, entry and problem; a pack with any problem is
not loaded at all (the loader in `services.py` only receives a `Catalogue` that passed).

The shape of every entry (its keys, their types and allowed values) is declared by the pydantic models of
`pack_schema.py`; this module checks by hand what an entry refers to (departments of its region, item templates,
licence types, data sources, vocabulary keys, the items of its bundle) and what must be unique across entries.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from yijianshi.core.errors import DomainError, ErrorList

from .engine import BundleDef, FieldSpec, ItemDef, MaterialSpec, Situation, SituationOption
from .engine.errors import DependencyCycle, UnknownDependency
from .engine.form import merge_form
from .engine.schedule import dependency_edges, find_cycle
from .engine.types import VALIDATION_KEYS, MergedForm
from .pack_schema import (
    ITEM_TYPES,
    BundleEntry,
    BundlesFile,
    CheckBase,
    DataSourceEntry,
    DataSourcesFile,
    DateRangeCheck,
    DelegationEntry,
    DelegationsFile,
    DepartmentEntry,
    DocumentEntry,
    ItemsFile,
    ItemTemplateEntry,
    LicenceTypeEntry,
    LicenceTypesFile,
    MatchesAnswerCheck,
    MaterialEntry,
    MinAgeAtCheck,
    PackModel,
    RegionEntry,
    RegionFile,
    RegionRef,
    ServicePointEntry,
    TemplateField,
    VersionEntry,
    VocabularyEntry,
    VocabularyFile,
    check,
)
from .pack_schema import (
    date_bound as date_bound,  # where the vocabulary's date rule is read (cases/formcheck.py)
)

PACKS_DIR = Path(__file__).resolve().parent / "packs"

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
REF_RE = re.compile(r"^[a-z][a-z0-9_]*$")
M = TypeVar("M", bound=PackModel)


# --------------------------------------------------------------------------------------------- YAML


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML would silently keep the last)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicated key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# --------------------------------------------------------------------------------------------- model


@dataclass
class Catalogue:
    """A validated, normalised set of packs (plain data, ready for the database loader)."""

    vocabulary: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    licence_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    regions: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> region pack
    origin: dict[str, str] = field(default_factory=dict)  # "template:ref" / "bundle:code" -> file

    def bundles(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for code, region in self.regions.items():
            for bundle in region["bundles"]:
                yield code, bundle

    def bundle_def(self, region_code: str, bundle: dict[str, Any]) -> BundleDef:
        return bundle_def(self, region_code, bundle)


def field_spec(vocabulary: dict[str, dict[str, Any]], key: str, required: bool) -> FieldSpec:
    entry = vocabulary[key]
    return FieldSpec(
        key=key,
        label_zh=entry["zh"],
        label_en=entry["en"],
        type=entry["type"],
        required=required,
        validation=tuple(sorted((k, _freeze(entry[k])) for k in VALIDATION_KEYS if entry.get(k) is not None)),
        source=entry.get("source"),
    )


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def material_spec(raw: dict[str, Any]) -> MaterialSpec:
    return MaterialSpec(
        code=raw["code"],
        name=raw["name"],
        channel=raw.get("channel", "applicant"),
        licence=raw.get("licence"),
        data_check=raw.get("data_check"),
        item_result=raw.get("item_result"),
        form=raw.get("form", "either"),
        copies=int(raw.get("copies", 1)),
        required=bool(raw.get("required", True)),
        tolerated=bool(raw.get("tolerated", False)),
        commitment=bool(raw.get("commitment", False)),
        commitment_text=raw.get("commitment_text"),
    )


def item_def(catalogue: Catalogue, ref: str, department: str) -> ItemDef:
    tpl = catalogue.templates[ref]
    return ItemDef(
        ref=ref,
        name=tpl["name"],
        department=department,
        legal_limit_days=int(tpl["legal_limit_days"]),
        promised_limit_days=int(tpl["promised_limit_days"]),
        visits=int(tpl.get("visits", 1)),
        steps=int(tpl.get("steps", 4)),
        fields=tuple(field_spec(catalogue.vocabulary, f["key"], f["required"]) for f in tpl["fields"]),
        materials=tuple(material_spec(m) for m in tpl["materials"]),
        requires=tuple(tpl.get("requires", ())),
        issues_licence=tpl.get("issues_licence"),
    )


def bundle_def(catalogue: Catalogue, region_code: str, bundle: dict[str, Any]) -> BundleDef:
    items = []
    for entry in bundle["items"]:
        item = item_def(catalogue, entry["ref"], entry["departments"][0])
        items.append(
            replace(item, name=entry["name"])  # the document's verbatim wording
        )
    return BundleDef(
        code=bundle["code"],
        name=bundle["name"],
        items=tuple(items),
        dependencies=tuple((d["item"], r) for d in bundle.get("dependencies", ()) for r in d["requires"]),
        situations=tuple(
            Situation(
                code=s["code"],
                question_zh=s["zh"],
                question_en=s["en"],
                default=str(s["default"]),
                options=tuple(
                    SituationOption(
                        value=str(o["value"]),
                        label_zh=o["zh"],
                        label_en=o["en"],
                        excludes=tuple(o.get("excludes", ())),
                    )
                    for o in s["options"]
                ),
            )
            for s in bundle.get("situations", ())
        ),
    )


# --------------------------------------------------------------------------------------------- checks


def _mapping(data: dict[str, Any] | None, key: str) -> dict[Any, Any]:
    """A file's top-level mapping (a wrong shape is reported by the file's model; nothing is read from it)."""
    value = (data or {}).get(key)
    return value if isinstance(value, dict) else {}


def _sequence(data: dict[str, Any] | None, key: str) -> list[Any]:
    value = (data or {}).get(key)
    return value if isinstance(value, list) else []


class _Checker:
    """Reads the packs: each entry's shape by its model (pack_schema.py), then by hand what an entry refers to."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors = ErrorList()
        self.cat = Catalogue()
        # entries that exist but have errors of their own (already reported): what names them is not blamed again
        self.broken: set[str] = set()  # "source:<code>", "licence:<code>", "field:<key>", "template:<ref>",
        #                                 "department:<region>:<code>"

    # helpers ---------------------------------------------------------------------------------------
    def err(self, where: str, code: str, zh: str, en: str) -> None:
        self.errors.add(code, zh, en, where=where)

    def shape(self, model: type[M], raw: Any, where: str) -> M | None:
        return check(model, raw, where, self.errors)

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def read(self, path: Path, model: type[PackModel]) -> dict[str, Any] | None:
        """A file's data, its top-level keys checked by `model`; None if it cannot be read as a mapping."""
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError as exc:
            self.err(self.rel(path), "pack_yaml", f"YAML 格式错误：{exc}", f"not valid YAML: {exc}")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.err(self.rel(path), "pack_unreadable", f"无法读取：{exc}", f"cannot be read: {exc}")
            return None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.err(self.rel(path), "pack_shape", "文件顶层必须是映射", "the top level must be a mapping")
            return None
        self.shape(model, data, self.rel(path))
        return data

    def unknown(self, kind: str, name: str, known: Any) -> bool:
        """True when `name` is neither known nor an entry whose own errors were already reported."""
        return name not in known and f"{kind}:{name}" not in self.broken

    # common ----------------------------------------------------------------------------------------
    def load_common(self) -> None:
        common = self.root / "common"
        src = common / "data_sources.yaml"
        data = self.read(src, DataSourcesFile) if src.exists() else {}
        for code, raw in _mapping(data, "sources").items():
            s = self.shape(DataSourceEntry, raw, f"{self.rel(src)}: source {code}")
            if s is None:
                self.broken.add(f"source:{code}")
            else:
                self.cat.sources[str(code)] = {
                    "name": s.name,
                    "en": s.en or s.name,
                    "provider_kind": s.provider_kind,
                    "mode": s.mode,
                }
        lic = common / "licence_types.yaml"
        data = self.read(lic, LicenceTypesFile) if lic.exists() else {}
        for code, raw in _mapping(data, "licence_types").items():
            lt = self.shape(LicenceTypeEntry, raw, f"{self.rel(lic)}: licence type {code}")
            if lt is None:
                self.broken.add(f"licence:{code}")
            else:
                self.cat.licence_types[str(code)] = {
                    "name": lt.name,
                    "en": lt.en or lt.name,
                    "issuer_kind": lt.issuer_kind,
                    "type_code": lt.type_code,
                    "validity_years": lt.validity_years,
                }
        for path in sorted(
            common.glob("vocabulary*.yaml"), key=lambda p: (p.name != "vocabulary.yaml", p.name)
        ):
            for key, raw in _mapping(self.read(path, VocabularyFile), "fields").items():
                self.vocabulary_entry(path, key, raw)
        for path in sorted((common / "items").glob("*.yaml")):
            for ref, raw in _mapping(self.read(path, ItemsFile), "items").items():
                self.template(path, ref, raw)
        # cross references once every template is known
        for ref, tpl in self.cat.templates.items():
            where = f"{self.cat.origin['template:' + ref]}: item {ref}"
            for req in tpl["requires"]:
                if self.unknown("template", req, self.cat.templates):
                    self.err(
                        where,
                        "pack_unknown_item",
                        f"requires 引用了未知事项“{req}”",
                        f"requires unknown item '{req}'",
                    )
            for m in tpl["materials"]:
                if m["item_result"] and self.unknown("template", m["item_result"], self.cat.templates):
                    self.err(
                        where,
                        "pack_unknown_item",
                        f"材料 {m['code']} 的 item_result 引用了未知事项“{m['item_result']}”",
                        f"material {m['code']}: item_result names unknown item '{m['item_result']}'",
                    )

    def vocabulary_entry(self, path: Path, key: str, raw: Any) -> None:
        where = f"{self.rel(path)}: field {key}"
        if "field:" + key in self.cat.origin:
            self.err(
                where,
                "pack_duplicate_code",
                f"字段键“{key}”重复定义（已在 {self.cat.origin['field:' + key]}）",
                f"field key '{key}' is declared twice (also in {self.cat.origin['field:' + key]})",
            )
            return
        self.cat.origin["field:" + key] = self.rel(path)
        if not KEY_RE.match(str(key)):
            self.err(
                where,
                "pack_bad_key",
                "字段键应为 subject.attribute 小写格式",
                "a field key must look like subject.attribute",
            )
        v = self.shape(VocabularyEntry, raw, where)
        if v is None:
            self.broken.add("field:" + key)
            return
        if v.source and self.unknown("source", v.source, self.cat.sources):
            self.err(
                where, "pack_unknown_source", f"未知数据源“{v.source}”", f"unknown data source '{v.source}'"
            )
        self.cat.vocabulary[key] = v.model_dump(exclude_none=True)

    def template(self, path: Path, ref: str, raw: Any) -> None:
        where = f"{self.rel(path)}: item {ref}"
        if "template:" + ref in self.cat.origin:
            self.err(
                where,
                "pack_duplicate_code",
                f"事项“{ref}”重复定义（已在 {self.cat.origin['template:' + ref]}）",
                f"item '{ref}' is defined twice (also in {self.cat.origin['template:' + ref]})",
            )
            return
        self.cat.origin["template:" + ref] = self.rel(path)
        if not REF_RE.match(str(ref)):
            self.err(
                where,
                "pack_bad_key",
                "事项键应为小写字母、数字和下划线",
                "an item key must be lower_snake_case",
            )
        t = self.shape(ItemTemplateEntry, raw, where)
        if t is None:
            self.broken.add("template:" + ref)
            return
        if t.issues_licence and self.unknown("licence", t.issues_licence, self.cat.licence_types):
            self.err(
                where,
                "pack_unknown_licence",
                f"未知证照类型“{t.issues_licence}”",
                f"unknown licence type '{t.issues_licence}'",
            )
        tpl = t.model_dump()
        tpl["fields"] = self.template_fields(where, t.fields)
        tpl["materials"] = self.template_materials(where, t.materials)
        self.cat.templates[ref] = tpl

    def template_fields(self, where: str, fields: list[TemplateField]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for f in fields:
            fw = f"{where}: field {f.key}"
            if f.key not in self.cat.vocabulary:
                if self.unknown("field", f.key, self.cat.vocabulary):
                    self.err(
                        fw,
                        "pack_unknown_field",
                        f"字段键“{f.key}”不在词汇表中",
                        f"field key '{f.key}' is not in the vocabulary",
                    )
                continue
            if f.key in seen:
                self.err(
                    fw,
                    "pack_duplicate_code",
                    f"字段“{f.key}”在同一事项中重复",
                    f"field '{f.key}' is listed twice in one item",
                )
                continue
            declared = self.cat.vocabulary[f.key]["type"]
            if f.type and f.type != declared:
                self.err(
                    fw,
                    "pack_field_type_conflict",
                    f"字段“{f.key}”以两种类型使用：词汇表为 {declared}，此处为 {f.type}",
                    f"field key '{f.key}' is used with two types: {declared} in the vocabulary, {f.type} here",
                )
                continue
            seen.add(f.key)
            out.append({"key": f.key, "required": f.required})
        return out

    def template_materials(self, where: str, materials: list[MaterialEntry]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for material in materials:
            mw = f"{where}: material {material.code}"
            if material.code in seen:
                self.err(
                    mw,
                    "pack_duplicate_code",
                    "同一事项中材料编码重复",
                    "material code listed twice in one item",
                )
                continue
            seen.add(material.code)
            if material.licence and self.unknown("licence", material.licence, self.cat.licence_types):
                self.err(
                    mw,
                    "pack_unknown_licence",
                    f"未知证照类型“{material.licence}”",
                    f"unknown licence type '{material.licence}'",
                )
            if material.data_check and self.unknown("source", material.data_check, self.cat.sources):
                self.err(
                    mw,
                    "pack_unknown_source",
                    f"未知数据源“{material.data_check}”",
                    f"unknown data source '{material.data_check}'",
                )
            m = material.model_dump()
            if m["commitment"] and not m["commitment_text"]:
                m["commitment_text"] = (
                    f"本人承诺所提交的“{m['name']}”相关信息真实有效，如有虚假愿承担相应法律责任。"
                )
            out.append(m)
        return out

    # regions ---------------------------------------------------------------------------------------
    def load_regions(self) -> None:
        base = self.root / "regions"
        for folder in sorted(p for p in base.iterdir() if p.is_dir()) if base.exists() else []:
            self.region(folder)
        codes: dict[str, str] = {}
        for code, region in self.cat.regions.items():
            for b in region["bundles"]:
                if b["code"] in codes:
                    self.err(
                        self.cat.origin["bundle:" + b["code"]],
                        "pack_duplicate_code",
                        f"“一件事”编码“{b['code']}”重复",
                        f"bundle code '{b['code']}' is used twice",
                    )
                codes[b["code"]] = code

    def region(self, folder: Path) -> None:
        path = folder / "region.yaml"
        if not path.exists():
            self.err(self.rel(folder), "pack_missing_file", "缺少 region.yaml", "region.yaml is missing")
            return
        data = self.read(path, RegionFile)
        if data is None or not isinstance(data.get("region"), dict):
            return  # a missing or malformed `region` is reported by RegionFile
        where = f"{self.rel(path)}: region"
        r = self.shape(RegionEntry, data["region"], where)
        if r is None:
            return
        code = r.code
        if code != folder.name:
            self.err(
                where,
                "pack_bad_region",
                f"区划代码 {code} 与目录名 {folder.name} 不一致",
                f"region code {code} does not match its folder {folder.name}",
            )
        prev: RegionRef | None = None
        regions: list[dict[str, Any]] = []
        for ref in [*r.parents, RegionRef(code=code, name=r.name, en=r.en, level=r.level)]:
            problem = region_code_problem(ref.code, ref.level, prev.code if prev else None)
            if problem:
                self.err(f"{where} {ref.code}", "pack_bad_region", problem[0], problem[1])
                return
            regions.append(
                {
                    "code": ref.code,
                    "name": ref.name,
                    "en": ref.en or "",
                    "level": ref.level,
                    "parent": prev.code if prev else None,
                }
            )
            prev = ref
        for child in r.children:
            parent = _parent_code(child.code, child.level, {x["code"] for x in regions})
            problem = region_code_problem(child.code, child.level, parent)
            if problem:
                self.err(f"{where} {child.code}", "pack_bad_region", problem[0], problem[1])
                continue
            regions.append(
                {
                    "code": child.code,
                    "name": child.name,
                    "en": child.en or "",
                    "level": child.level,
                    "parent": parent,
                }
            )
        region_codes = {x["code"] for x in regions}
        departments: dict[str, dict[str, Any]] = {}
        for dcode, raw in _mapping(data, "departments").items():
            d = self.shape(DepartmentEntry, raw, f"{self.rel(path)}: department {dcode}")
            if d is None:
                self.broken.add(f"department:{code}:{dcode}")
            else:
                departments[str(dcode)] = {
                    "name": d.name,
                    "en": d.en or "",
                    "kind": d.kind,
                    "full_name": d.full_name or d.name,
                    **{k: v for k in ("consult_phone", "supervise_phone") if (v := getattr(d, k))},
                    **({"illustrative": list(d.illustrative)} if d.illustrative else {}),
                }
        points: dict[str, dict[str, Any]] = {}
        for pcode, raw in _mapping(data, "service_points").items():
            pw = f"{self.rel(path)}: service point {pcode}"
            p = self.shape(ServicePointEntry, raw, pw)
            if p is None:
                continue
            preg = p.region or code
            if preg not in region_codes:
                self.err(
                    pw,
                    "pack_bad_region",
                    f"服务场所所在区划 {preg} 不在本包中",
                    f"region {preg} is not in this pack",
                )
            points[str(pcode)] = {
                "name": p.name,
                "en": p.en or "",
                "kind": p.kind,
                "region": preg,
                "address": p.address or "",
                "hours": p.hours or "",
                "phone": p.phone or "",
                "lat": p.lat,
                "lng": p.lng,
                "operator": p.operator or "",
            }
            if p.operator and self.unknown(f"department:{code}", p.operator, departments):
                self.err(
                    pw,
                    "pack_unknown_department",
                    f"运营部门 {p.operator} 不是本区划的部门",
                    f"operator {p.operator} is not a department of this region",
                )
        try:
            document = DocumentEntry.model_validate(data.get("document") or {}).model_dump()
        except ValidationError:
            document = {}  # reported by RegionFile
        pack: dict[str, Any] = {
            "code": code,
            "name": r.name,
            "level": r.level,
            "regions": regions,
            "document": document,
            "departments": departments,
            "service_points": points,
            "bundles": [],
            "delegations": [],
            "folder": self.rel(folder),
        }
        self.cat.regions[code] = pack
        for bpath in sorted(folder.glob("bundles*.yaml")):
            self.bundles_file(pack, bpath)
        for dpath in sorted(folder.glob("delegations*.yaml")):
            self.delegations_file(pack, dpath)
        extra = sorted(
            p.name
            for p in folder.iterdir()
            if p.is_file()
            and p.suffix in (".yaml", ".yml")
            and p.name != "region.yaml"
            and not p.name.startswith(("bundles", "delegations"))
        )
        for name in extra:
            self.err(f"{self.rel(folder)}/{name}", "pack_unknown_file", "未知的包文件", "unknown pack file")

    def bundles_file(self, pack: dict[str, Any], path: Path) -> None:
        data = self.read(path, BundlesFile)
        seen_codes = {b["code"] for b in pack["bundles"]}
        seen_seq = {b["seq"] for b in pack["bundles"]}
        for raw in _sequence(data, "bundles"):
            where = f"{self.rel(path)}: bundle {raw.get('code') if isinstance(raw, dict) else None}"
            b = self.shape(BundleEntry, raw, where)
            if b is None:
                continue
            if not re.fullmatch(rf"{pack['code']}-\d{{2,3}}", b.code):
                self.err(
                    where,
                    "pack_bad_code",
                    f"“一件事”编码应为 {pack['code']}-序号",
                    f"a bundle code must be {pack['code']}-NN",
                )
            if b.code in seen_codes:
                self.err(
                    where,
                    "pack_duplicate_code",
                    f"“一件事”编码“{b.code}”重复",
                    f"bundle code '{b.code}' is used twice",
                )
                continue
            if b.seq in seen_seq:
                self.err(
                    where,
                    "pack_duplicate_code",
                    f"序号 {b.seq} 重复",
                    f"sequence number {b.seq} is used twice",
                )
            if self.unknown(f"department:{pack['code']}", b.lead, pack["departments"]):
                self.err(
                    where,
                    "pack_unknown_department",
                    f"牵头部门“{b.lead}”不是本地区的部门",
                    f"lead department '{b.lead}' is not a department of this region",
                )
            bundle = self.bundle_items(pack, where, b)
            if bundle is None:
                continue
            seen_codes.add(b.code)
            seen_seq.add(b.seq)
            pack["bundles"].append(bundle)
            self.cat.origin["bundle:" + b.code] = where

    def bundle_items(self, pack: dict[str, Any], where: str, b: BundleEntry) -> dict[str, Any] | None:
        ok = True
        items: list[dict[str, Any]] = []
        refs: list[str] = []
        for entry in b.items:
            iw = f"{where}: item {entry.ref}"
            if entry.ref not in self.cat.templates:
                if self.unknown("template", entry.ref, self.cat.templates):
                    self.err(iw, "pack_unknown_item", f"未知事项“{entry.ref}”", f"unknown item '{entry.ref}'")
                ok = False
            if entry.ref in refs:
                self.err(
                    iw,
                    "pack_duplicate_code",
                    f"事项“{entry.ref}”在同一“一件事”中重复",
                    f"item '{entry.ref}' is listed twice in one bundle",
                )
                ok = False
            for d in entry.departments:
                if d not in pack["departments"]:
                    if self.unknown(f"department:{pack['code']}", d, pack["departments"]):
                        self.err(iw, "pack_unknown_department", f"未知部门“{d}”", f"unknown department '{d}'")
                    ok = False
            refs.append(entry.ref)
            items.append(
                {
                    "ref": entry.ref,
                    "name": entry.name,
                    "en": entry.en or "",
                    "departments": list(entry.departments),
                }
            )
        deps: list[dict[str, Any]] = []
        for dep in b.dependencies:
            for name in [dep.item, *dep.requires]:
                if name not in refs:
                    self.err(
                        f"{where}: dependency {dep.item}",
                        "pack_unknown_dependency",
                        f"依赖关系引用了不属于本“一件事”的事项“{name}”",
                        f"dependency on '{name}', which is not an item of this bundle",
                    )
                    ok = False
            deps.append({"item": dep.item, "requires": list(dep.requires)})
        situations: list[dict[str, Any]] = []
        for s in b.situations:
            sw = f"{where}: situation {s.code}"
            for o in s.options:
                for x in o.excludes:
                    if x not in refs:
                        self.err(
                            sw,
                            "pack_unknown_dependency",
                            f"情形排除了不属于本“一件事”的事项“{x}”",
                            f"an option excludes '{x}', which is not an item of this bundle",
                        )
                        ok = False
            if any(x["code"] == s.code for x in situations):
                self.err(sw, "pack_duplicate_code", "情形编码重复", "situation code used twice")
                ok = False
            situations.append(
                {
                    "code": s.code,
                    "zh": s.zh,
                    "en": s.en,
                    "default": s.default or s.options[0].value,
                    "options": [
                        {"value": o.value, "zh": o.zh, "en": o.en, "excludes": list(o.excludes)}
                        for o in s.options
                    ],
                }
            )
        if not ok:
            return None
        version = b.version or VersionEntry()
        bundle = {
            "code": b.code,
            "seq": b.seq,
            "name": b.name,
            "subject": b.subject,
            "stage": b.stage or "",
            "tier": b.tier or "",
            "lead": b.lead,
            "items": items,
            "dependencies": deps,
            "situations": situations,
            "en": b.en or "",
            "version": {
                "number": version.number,
                "effective_from": version.effective_from or pack["document"].get("date"),
                "effective_to": version.effective_to,
            },
        }
        # engine-level checks: cycles and merged-form conflicts over every item of the bundle
        definition = bundle_def(self.cat, pack["code"], bundle)
        try:
            cycle = find_cycle(dependency_edges(definition))
        except UnknownDependency as exc:
            self.err(where, exc.code, exc.detail.zh, exc.detail.en)
            return None
        if cycle:
            exc2 = DependencyCycle(cycle)
            self.err(where, exc2.code, exc2.detail.zh, exc2.detail.en)
            return None
        merged = merge_form(definition.items)
        for c in merged.conflicts:
            self.err(
                where,
                "pack_field_type_conflict",
                f"字段“{c.key}”在事项 {', '.join(c.items)} 间冲突：{c.detail}",
                f"field '{c.key}' conflicts between items {', '.join(c.items)}: {c.detail}",
            )
            ok = False
        checks: list[dict[str, Any]] = []
        for rule in b.checks:
            if self.bundle_check(f"{where}: check {rule.code}", rule, merged, situations):
                checks.append(rule.model_dump(by_alias=True, exclude_none=True))
            else:
                ok = False
        bundle["checks"] = checks
        if len({r["code"] for r in checks}) != len(checks):
            self.err(where, "pack_duplicate_code", "规则编码重复", "a check code is used twice")
            ok = False
        return bundle if ok else None

    def bundle_check(
        self, where: str, rule: CheckBase, merged: MergedForm, situations: list[dict[str, Any]]
    ) -> bool:
        """A rule names fields of the bundle's merged form, of the right type, and its own situations and their
        options (docs/catalog-packs.md "checks")."""
        ok = True
        answers = {s["code"]: {o["value"] for o in s["options"]} for s in situations}

        def need(key: str | None, types: tuple[str, ...]) -> str | None:
            nonlocal ok
            if key is None:
                return None
            f = merged.get(key)
            if f is None:
                self.err(
                    where,
                    "pack_unknown_field",
                    f"规则引用的字段“{key}”不在本“一件事”的表单中",
                    f"the rule names field '{key}', which is not in this bundle's form",
                )
                ok = False
            elif f.spec.type not in types:
                self.err(
                    where,
                    "pack_bad_value",
                    f"字段“{key}”的类型为 {f.spec.type}，规则需要 {' / '.join(types)}",
                    f"field '{key}' is of type {f.spec.type}; the rule needs {' / '.join(types)}",
                )
                ok = False
            return key

        def situation(code: str, values: list[str]) -> None:
            nonlocal ok
            if code not in answers:
                self.err(
                    where,
                    "pack_unknown_situation",
                    f"规则引用的情形“{code}”不是本“一件事”的情形",
                    f"the rule names situation '{code}', which is not a situation of this bundle",
                )
                ok = False
                return
            for v in values:
                if v not in answers[code]:
                    self.err(
                        where,
                        "pack_unknown_situation",
                        f"“{v}”不是情形“{code}”的选项",
                        f"'{v}' is not an option of situation '{code}'",
                    )
                    ok = False

        def choices(key: str, values: Iterator[str] | list[str], label: str) -> None:
            nonlocal ok
            f = merged.get(key)
            allowed = dict(f.spec.validation).get("choices") if f is not None else None
            for v in values:
                if isinstance(allowed, tuple | list) and v not in allowed:
                    self.err(
                        where,
                        "pack_bad_value",
                        f"{label}“{v}”不是字段“{key}”的可选值",
                        f"{label} '{v}' is not a choice of field '{key}'",
                    )
                    ok = False

        if rule.when is not None:
            situation(rule.when.situation, list(rule.when.in_))
        if isinstance(rule, MinAgeAtCheck):
            need(rule.birth, ("date",))
            need(rule.id_number, ("id_number",))
            need(rule.at, ("date",))
            if rule.sex is not None and need(rule.sex, ("choice",)) and rule.years_by_sex:
                choices(rule.sex, list(rule.years_by_sex), "years_by_sex")
        elif isinstance(rule, DateRangeCheck):
            need(rule.field, ("date",))
            need(rule.not_before, ("date",))
            need(rule.not_after, ("date",))
        elif isinstance(rule, MatchesAnswerCheck):
            need(rule.field, ("choice", "string"))
            situation(rule.situation, list(rule.values))
            if ok:
                choices(rule.field, [v for vs in rule.values.values() for v in vs], "values")
        return ok

    def delegations_file(self, pack: dict[str, Any], path: Path) -> None:
        data = self.read(path, DelegationsFile)
        kinds = {d["kind"] for d in pack["departments"].values()}
        seen: set[tuple[str, int]] = {(d["level"], d["seq"]) for d in pack["delegations"]}
        for raw in _sequence(data, "delegations"):
            where = (
                f"{self.rel(path)}: delegation {raw.get('level')} {raw.get('seq')}"
                if isinstance(raw, dict)
                else f"{self.rel(path)}: delegation {raw}"
            )
            d = self.shape(DelegationEntry, raw, where)
            if d is None:
                continue
            if (d.level, d.seq) in seen:
                self.err(where, "pack_duplicate_code", "序号重复", "sequence number used twice")
                continue
            if d.department_kind not in kinds:
                self.err(
                    where,
                    "pack_unknown_department",
                    f"本地区没有类别为“{d.department_kind}”的部门",
                    f"no department of kind '{d.department_kind}' in this region",
                )
                continue
            seen.add((d.level, d.seq))
            pack["delegations"].append(
                {
                    "seq": d.seq,
                    "level": d.level,
                    "name": d.name,
                    "item_type": d.item_type,
                    "item_type_label": d.item_type_label or ITEM_TYPES[d.item_type],
                    "mode": d.mode or "",
                    "scope": list(d.scope),
                    "department_kind": d.department_kind,
                    "note": d.note or "",
                }
            )


_LEVEL_DIGITS = {"province": 6, "city": 6, "county": 6, "town": 9, "village": 12}


def region_code_problem(code: str, level: str, parent: str | None) -> tuple[str, str] | None:
    """Why an administrative-division code (GB/T 2260, extended to 9/12 digits below county) is bad, or None."""
    if level not in _LEVEL_DIGITS:
        return (f"未知区划层级“{level}”", f"unknown region level '{level}'")
    if not code.isdigit() or len(code) != _LEVEL_DIGITS[level]:
        return (
            f"区划代码“{code}”应为 {_LEVEL_DIGITS[level]} 位数字（{level}）",
            f"region code '{code}' must be {_LEVEL_DIGITS[level]} digits for a {level}",
        )
    if code[:2] not in _PROVINCES:
        return (f"区划代码“{code}”的省级代码无效", f"region code '{code}' has no valid province part")
    shape = {
        "province": code[2:] == "0000",
        "city": code[2:4] != "00" and code[4:] == "00",
        "county": code[4:] != "00",
        "town": code[6:] != "000",
        "village": code[9:] != "000",
    }[level]
    if not shape:
        return (
            f"区划代码“{code}”与层级 {level} 不符",
            f"region code '{code}' does not fit the level {level}",
        )
    if parent is not None:
        prefix = {"province": 0, "city": 2, "county": 4, "town": 6, "village": 9}[level]
        if level == "county" and parent.endswith("0000"):
            prefix = 2  # a county directly under a province (e.g. 省直辖县)
        if not code.startswith(parent[:prefix]):
            return (
                f"区划代码“{code}”不属于上级 {parent}",
                f"region code '{code}' does not belong to its parent {parent}",
            )
    return None


def _parent_code(code: str, level: str, known: set[str]) -> str | None:
    candidates = {
        "county": [code[:4] + "00", code[:2] + "0000"],
        "town": [code[:6]],
        "village": [code[:9]],
        "city": [code[:2] + "0000"],
        "province": [],
    }.get(level, [])
    return next((c for c in candidates if c in known), candidates[0] if candidates else None)


_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
}


def read_packs(root: Path | str = PACKS_DIR) -> Catalogue:
    """Read and validate every pack under `root`; raise `DomainError` listing every problem."""
    root = Path(root)
    if not root.is_dir():
        raise DomainError("pack_missing_file", f"目录不存在：{root}", f"no such folder: {root}")
    checker = _Checker(root)
    checker.load_common()
    checker.load_regions()
    checker.errors.raise_if_any(
        "pack_invalid", "目录包有误，未加载任何内容", "the pack has errors; nothing was loaded"
    )
    return checker.cat


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "validate":
        print("usage: python -m yijianshi.catalog.packs validate [DIR]", file=sys.stderr)
        return 2
    root = Path(args[1]) if len(args) > 1 else PACKS_DIR
    try:
        cat = read_packs(root)
    except DomainError as exc:
        for d in exc.details:
            print(f"error: {d}", file=sys.stderr)
        print(f"{len(exc.details)} error(s); nothing loaded", file=sys.stderr)
        return 1
    n_bundles = sum(len(r["bundles"]) for r in cat.regions.values())
    n_deleg = sum(len(r["delegations"]) for r in cat.regions.values())
    print(
        f"ok: {len(cat.vocabulary)} field keys, {len(cat.templates)} item templates, {len(cat.regions)} regions, "
        f"{n_bundles} bundles, {n_deleg} delegations"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
