"""Catalogue packs: read, validate and normalise the YAML files under `packs/` (docs/catalog-packs.md).

Pure Python, no Django: `python -m yijianshi.catalog.packs validate [DIR]` runs without a database. Every
problem is collected (not just the first) and named by file, entry and problem; a pack with any problem is
not loaded at all (the loader in `services.py` only receives a `Catalogue` that passed).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from yijianshi.core import clock
from yijianshi.core.errors import DomainError, ErrorList

from .engine import BundleDef, FieldSpec, ItemDef, MaterialSpec, Situation, SituationOption
from .engine.errors import DependencyCycle, UnknownDependency
from .engine.form import merge_form
from .engine.schedule import dependency_edges, find_cycle
from .engine.types import FIELD_TYPES, VALIDATION_KEYS

PACKS_DIR = Path(__file__).resolve().parent / "packs"

ITEM_TYPES = {
    "01": "行政许可", "02": "行政处罚", "03": "行政强制", "04": "行政征收", "05": "行政给付", "06": "行政检查",
    "07": "行政确认", "08": "行政奖励", "09": "行政裁决", "10": "其他行政权力", "20": "公共服务",
}
DEPARTMENT_KINDS = frozenset(
    """approval data_bureau market_regulation public_security traffic_police tax hrss housing_fund fire
    natural_resources housing_construction urban_management energy power_supply gas_supply water_supply telecom
    archives landscaping civil_defence meteorology state_security health medical_security education
    civil_affairs disabled_federation veterans armed_forces transport culture_tourism development_reform
    bank_regulator customs court ecology emergency science ip water_resources statistics commerce
    government_office credit_listing real_estate_centre other""".split()
)
LEVELS = ("province", "city", "county", "town", "village")
SERVICE_OBJECTS = frozenset({"person", "enterprise", "organisation"})
SERVICE_POINT_KINDS = frozenset({"hall", "town_centre", "village_point", "kiosk", "bank_branch"})
CHANNELS = frozenset({"applicant", "government", "other"})
FORMS = frozenset({"paper", "electronic", "either"})
SCOPES = frozenset({"intake", "preliminary_review", "review", "decide", "proxy"})
ILLUSTRATIVE_ELEMENTS = frozenset(
    """name item_type service_object department_kind level legal_basis conditions legal_limit_days
    promised_limit_days fee result issues_licence visits steps online_depth requires fields materials""".split()
)
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
REF_RE = re.compile(r"^[a-z][a-z0-9_]*$")


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


def date_bound(rule: object) -> date | None:
    """A date field's `min` or `max` in the vocabulary: "today" (in Asia/Shanghai, so a birth date cannot be in
    the future) or a date YYYY-MM-DD (ValueError otherwise; the pack checker refuses such a pack)."""
    if rule is None:
        return None
    if rule == "today":
        return clock.local(clock.now()).date()
    return date.fromisoformat(str(rule))


def _date_rule(value: Any) -> bool:
    """A date field's min or max: "today" or a quoted "YYYY-MM-DD" (YAML would make an unquoted one a date)."""
    if not isinstance(value, str):
        return False
    try:
        date_bound(value)
    except ValueError:
        return False
    return True


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
        code=raw["code"], name=raw["name"], channel=raw.get("channel", "applicant"),
        licence=raw.get("licence"), data_check=raw.get("data_check"), item_result=raw.get("item_result"),
        form=raw.get("form", "either"), copies=int(raw.get("copies", 1)), required=bool(raw.get("required", True)),
        tolerated=bool(raw.get("tolerated", False)), commitment=bool(raw.get("commitment", False)),
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
                code=s["code"], question_zh=s["zh"], question_en=s["en"], default=str(s["default"]),
                options=tuple(
                    SituationOption(value=str(o["value"]), label_zh=o["zh"], label_en=o["en"],
                                    excludes=tuple(o.get("excludes", ())))
                    for o in s["options"]
                ),
            )
            for s in bundle.get("situations", ())
        ),
    )


# --------------------------------------------------------------------------------------------- checks


class _Checker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors = ErrorList()
        self.cat = Catalogue()

    # helpers ---------------------------------------------------------------------------------------
    def err(self, where: str, code: str, zh: str, en: str) -> None:
        self.errors.add(code, zh, en, where=where)

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def read(self, path: Path) -> dict[str, Any] | None:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError as exc:
            self.err(self.rel(path), "pack_yaml", f"YAML 格式错误：{exc}", f"not valid YAML: {exc}")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.err(self.rel(path), "pack_unreadable", f"无法读取：{exc}", f"cannot be read: {exc}")
            return None
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.err(self.rel(path), "pack_shape", "文件顶层必须是映射", "the top level must be a mapping")
            return None
        return data

    def keys(self, where: str, raw: Any, allowed: set[str], required: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
        if not isinstance(raw, dict):
            self.err(where, "pack_shape", "应为映射", "must be a mapping")
            return False
        ok = True
        for k in raw:
            if k not in allowed:
                self.err(where, "pack_unknown_key", f"未知字段“{k}”", f"unknown key '{k}'")
                ok = False
        for k in sorted(required):
            if k not in raw or raw[k] in (None, ""):
                self.err(where, "pack_missing_key", f"缺少必填字段“{k}”", f"missing required key '{k}'")
                ok = False
        return ok

    def top(self, path: Path, data: dict[str, Any], allowed: set[str]) -> None:
        self.keys(self.rel(path), data, allowed)

    # common ----------------------------------------------------------------------------------------
    def load_common(self) -> None:
        common = self.root / "common"
        src = common / "data_sources.yaml"
        data = self.read(src) if src.exists() else {}
        if data is not None:
            self.top(src, data, {"sources"})
            for code, raw in (data.get("sources") or {}).items():
                where = f"{self.rel(src)}: source {code}"
                if self.keys(where, raw, {"name", "en", "provider_kind", "mode"}, {"name", "provider_kind"}):
                    if raw["provider_kind"] not in DEPARTMENT_KINDS:
                        self.err(where, "pack_unknown_kind", f"未知部门类别“{raw['provider_kind']}”",
                                 f"unknown department kind '{raw['provider_kind']}'")
                    if raw.get("mode", "query") not in ("query", "verify"):
                        self.err(where, "pack_bad_value", "mode 只能是 query 或 verify", "mode must be query or verify")
                    self.cat.sources[code] = {"mode": "query", "en": raw["name"], **raw}
        lic = common / "licence_types.yaml"
        data = self.read(lic) if lic.exists() else {}
        if data is not None:
            self.top(lic, data, {"licence_types"})
            for code, raw in (data.get("licence_types") or {}).items():
                where = f"{self.rel(lic)}: licence type {code}"
                if self.keys(where, raw, {"name", "en", "issuer_kind", "type_code", "validity_years"},
                             {"name", "issuer_kind"}):
                    if raw["issuer_kind"] not in DEPARTMENT_KINDS:
                        self.err(where, "pack_unknown_kind", f"未知部门类别“{raw['issuer_kind']}”",
                                 f"unknown department kind '{raw['issuer_kind']}'")
                    self.cat.licence_types[code] = {"en": raw["name"], **raw}
        for path in sorted(common.glob("vocabulary*.yaml"), key=lambda p: (p.name != "vocabulary.yaml", p.name)):
            data = self.read(path)
            if data is None:
                continue
            self.top(path, data, {"fields"})
            for key, raw in (data.get("fields") or {}).items():
                self.vocabulary_entry(path, key, raw)
        for path in sorted((common / "items").glob("*.yaml")):
            data = self.read(path)
            if data is None:
                continue
            self.top(path, data, {"items"})
            for ref, raw in (data.get("items") or {}).items():
                self.template(path, ref, raw)
        # cross references once every template is known
        for ref, tpl in self.cat.templates.items():
            where = f"{self.cat.origin['template:' + ref]}: item {ref}"
            for req in tpl.get("requires", ()):
                if req not in self.cat.templates:
                    self.err(where, "pack_unknown_item", f"requires 引用了未知事项“{req}”",
                             f"requires unknown item '{req}'")
            for m in tpl["materials"]:
                if m.get("item_result") and m["item_result"] not in self.cat.templates:
                    self.err(where, "pack_unknown_item", f"材料 {m['code']} 的 item_result 引用了未知事项“{m['item_result']}”",
                             f"material {m['code']}: item_result names unknown item '{m['item_result']}'")

    def vocabulary_entry(self, path: Path, key: str, raw: Any) -> None:
        where = f"{self.rel(path)}: field {key}"
        if key in self.cat.vocabulary:
            self.err(where, "pack_duplicate_code", f"字段键“{key}”重复定义（已在 {self.cat.origin['field:' + key]}）",
                     f"field key '{key}' is declared twice (also in {self.cat.origin['field:' + key]})")
            return
        if not KEY_RE.match(str(key)):
            self.err(where, "pack_bad_key", "字段键应为 subject.attribute 小写格式", "a field key must look like subject.attribute")
        if not self.keys(where, raw, {"zh", "en", "type", "source", *VALIDATION_KEYS}, {"zh", "en", "type"}):
            return
        if raw["type"] not in FIELD_TYPES:
            self.err(where, "pack_bad_type", f"未知字段类型“{raw['type']}”", f"unknown field type '{raw['type']}'")
        if raw["type"] == "choice" and not raw.get("choices"):
            self.err(where, "pack_bad_value", "choice 类型须给出 choices", "a choice field needs choices")
        if raw.get("source") and raw["source"] not in self.cat.sources:
            self.err(where, "pack_unknown_source", f"未知数据源“{raw['source']}”", f"unknown data source '{raw['source']}'")
        for bound in ("min", "max"):
            if raw["type"] == "date" and raw.get(bound) is not None and not _date_rule(raw[bound]):
                self.err(where, "pack_bad_value", f"日期字段的 {bound} 应为 today 或加引号的 \"YYYY-MM-DD\"",
                         f"a date field's {bound} must be today or a quoted \"YYYY-MM-DD\"")
        if raw.get("pattern"):
            try:
                re.compile(raw["pattern"])
            except re.error as exc:
                self.err(where, "pack_bad_value", f"正则表达式无效：{exc}", f"invalid pattern: {exc}")
        self.cat.vocabulary[key] = dict(raw)
        self.cat.origin["field:" + key] = self.rel(path)

    def template(self, path: Path, ref: str, raw: Any) -> None:
        where = f"{self.rel(path)}: item {ref}"
        if ref in self.cat.templates:
            self.err(where, "pack_duplicate_code", f"事项“{ref}”重复定义（已在 {self.cat.origin['template:' + ref]}）",
                     f"item '{ref}' is defined twice (also in {self.cat.origin['template:' + ref]})")
            return
        if not REF_RE.match(str(ref)):
            self.err(where, "pack_bad_key", "事项键应为小写字母、数字和下划线", "an item key must be lower_snake_case")
        allowed = {
            "name", "item_type", "service_object", "department_kind", "level", "legal_basis", "conditions",
            "legal_limit_days", "promised_limit_days", "fee", "result", "issues_licence", "visits", "steps",
            "online_depth", "requires", "illustrative", "fields", "materials",
        }
        need = {"name", "item_type", "service_object", "department_kind", "legal_limit_days", "promised_limit_days"}
        if not self.keys(where, raw, allowed, need):
            return
        tpl = dict(raw)
        tpl["item_type"] = str(tpl["item_type"]).zfill(2)
        if tpl["item_type"] not in ITEM_TYPES:
            self.err(where, "pack_bad_value", f"未知事项类型“{raw['item_type']}”", f"unknown item type '{raw['item_type']}'")
        objs = tpl["service_object"] if isinstance(tpl["service_object"], list) else [tpl["service_object"]]
        tpl["service_object"] = objs
        for o in objs:
            if o not in SERVICE_OBJECTS:
                self.err(where, "pack_bad_value", f"未知服务对象“{o}”", f"unknown service object '{o}'")
        if tpl["department_kind"] not in DEPARTMENT_KINDS:
            self.err(where, "pack_unknown_kind", f"未知部门类别“{tpl['department_kind']}”",
                     f"unknown department kind '{tpl['department_kind']}'")
        tpl.setdefault("level", "county")
        if tpl["level"] not in LEVELS:
            self.err(where, "pack_bad_value", f"未知层级“{tpl['level']}”", f"unknown level '{tpl['level']}'")
        for k, lo, hi in (("legal_limit_days", 0, 3650), ("promised_limit_days", 0, 3650), ("visits", 0, 10),
                          ("steps", 1, 20), ("online_depth", 1, 4)):
            if k in tpl and not (isinstance(tpl[k], int) and not isinstance(tpl[k], bool) and lo <= tpl[k] <= hi):
                self.err(where, "pack_bad_value", f"{k} 应为 {lo}–{hi} 的整数", f"{k} must be a whole number from {lo} to {hi}")
                return
        if tpl["promised_limit_days"] > tpl["legal_limit_days"]:
            self.err(where, "pack_bad_value", "承诺时限不得超过法定时限",
                     "the promised limit must not exceed the legal limit")
        if tpl.get("issues_licence") and tpl["issues_licence"] not in self.cat.licence_types:
            self.err(where, "pack_unknown_licence", f"未知证照类型“{tpl['issues_licence']}”",
                     f"unknown licence type '{tpl['issues_licence']}'")
        ill = tpl.get("illustrative", False)
        if isinstance(ill, list):
            for e in ill:
                if e not in ILLUSTRATIVE_ELEMENTS:
                    self.err(where, "pack_bad_value", f"illustrative 中的未知要素“{e}”", f"unknown element '{e}' in illustrative")
        elif not isinstance(ill, bool):
            self.err(where, "pack_bad_value", "illustrative 应为 true/false 或要素列表", "illustrative must be a boolean or a list")
        tpl["illustrative"] = sorted(ILLUSTRATIVE_ELEMENTS) if ill is True else (list(ill) if isinstance(ill, list) else [])
        tpl["requires"] = list(tpl.get("requires") or [])
        tpl["fields"] = self.template_fields(where, tpl.get("fields") or [])
        tpl["materials"] = self.template_materials(where, tpl.get("materials") or [])
        self.cat.templates[ref] = tpl
        self.cat.origin["template:" + ref] = self.rel(path)

    def template_fields(self, where: str, raw: list[Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for entry in raw:
            if isinstance(entry, str):
                entry = {"key": entry, "required": True}
            if not self.keys(f"{where}: field {entry.get('key') if isinstance(entry, dict) else entry}",
                             entry, {"key", "required", "type"}, {"key"}):
                continue
            key = entry["key"]
            fw = f"{where}: field {key}"
            if key not in self.cat.vocabulary:
                self.err(fw, "pack_unknown_field", f"字段键“{key}”不在词汇表中", f"field key '{key}' is not in the vocabulary")
                continue
            if key in seen:
                self.err(fw, "pack_duplicate_code", f"字段“{key}”在同一事项中重复", f"field '{key}' is listed twice in one item")
                continue
            declared = self.cat.vocabulary[key]["type"]
            if entry.get("type") and entry["type"] != declared:
                self.err(fw, "pack_field_type_conflict",
                         f"字段“{key}”以两种类型使用：词汇表为 {declared}，此处为 {entry['type']}",
                         f"field key '{key}' is used with two types: {declared} in the vocabulary, {entry['type']} here")
                continue
            seen.add(key)
            out.append({"key": key, "required": bool(entry.get("required", True))})
        return out

    def template_materials(self, where: str, raw: list[Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        allowed = {"code", "name", "channel", "licence", "data_check", "item_result", "form", "copies", "required",
                   "tolerated", "commitment", "commitment_text"}
        for entry in raw:
            mw = f"{where}: material {entry.get('code') if isinstance(entry, dict) else entry}"
            if not self.keys(mw, entry, allowed, {"code", "name"}):
                continue
            m = dict(entry)
            if m["code"] in seen:
                self.err(mw, "pack_duplicate_code", "同一事项中材料编码重复", "material code listed twice in one item")
                continue
            seen.add(m["code"])
            if m.setdefault("channel", "applicant") not in CHANNELS:
                self.err(mw, "pack_bad_value", f"未知来源渠道“{m['channel']}”", f"unknown channel '{m['channel']}'")
            if m.setdefault("form", "either") not in FORMS:
                self.err(mw, "pack_bad_value", f"未知材料形式“{m['form']}”", f"unknown form '{m['form']}'")
            if m.get("licence") and m["licence"] not in self.cat.licence_types:
                self.err(mw, "pack_unknown_licence", f"未知证照类型“{m['licence']}”", f"unknown licence type '{m['licence']}'")
            if m.get("data_check") and m["data_check"] not in self.cat.sources:
                self.err(mw, "pack_unknown_source", f"未知数据源“{m['data_check']}”", f"unknown data source '{m['data_check']}'")
            if not isinstance(m.setdefault("copies", 1), int) or m["copies"] < 0:
                self.err(mw, "pack_bad_value", "份数应为非负整数", "copies must be a whole number ≥ 0")
            if m.get("commitment") and not m.get("commitment_text"):
                m["commitment_text"] = f"本人承诺所提交的“{m['name']}”相关信息真实有效，如有虚假愿承担相应法律责任。"
            for flag in ("required", "tolerated", "commitment"):
                m[flag] = bool(m.get(flag, flag == "required"))
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
                    self.err(self.cat.origin["bundle:" + b["code"]], "pack_duplicate_code",
                             f"“一件事”编码“{b['code']}”重复", f"bundle code '{b['code']}' is used twice")
                codes[b["code"]] = code

    def region(self, folder: Path) -> None:
        path = folder / "region.yaml"
        if not path.exists():
            self.err(self.rel(folder), "pack_missing_file", "缺少 region.yaml", "region.yaml is missing")
            return
        data = self.read(path)
        if data is None:
            return
        self.top(path, data, {"region", "document", "departments", "service_points"})
        where = f"{self.rel(path)}: region"
        raw: Any = data.get("region")
        if not self.keys(where, raw, {"code", "name", "level", "parents", "children"}, {"code", "name", "level"}):
            return
        code = str(raw["code"])
        if code != folder.name:
            self.err(where, "pack_bad_region", f"区划代码 {code} 与目录名 {folder.name} 不一致",
                     f"region code {code} does not match its folder {folder.name}")
        chain = [*(raw.get("parents") or []), {"code": code, "name": raw["name"], "level": raw["level"]}]
        prev: dict[str, Any] | None = None
        regions: list[dict[str, Any]] = []
        for r in chain:
            rw = f"{self.rel(path)}: region {r.get('code') if isinstance(r, dict) else r}"
            if not self.keys(rw, r, {"code", "name", "level"}, {"code", "name", "level"}):
                return
            problem = region_code_problem(str(r["code"]), r["level"], str(prev["code"]) if prev else None)
            if problem:
                self.err(rw, "pack_bad_region", problem[0], problem[1])
                return
            regions.append({**r, "code": str(r["code"]), "parent": str(prev["code"]) if prev else None})
            prev = r
        for child in raw.get("children") or []:
            cw = f"{self.rel(path)}: region {child.get('code') if isinstance(child, dict) else child}"
            if not self.keys(cw, child, {"code", "name", "level"}, {"code", "name", "level"}):
                continue
            parent = _parent_code(str(child["code"]), child["level"], {r["code"] for r in regions})
            problem = region_code_problem(str(child["code"]), child["level"], parent)
            if problem:
                self.err(cw, "pack_bad_region", problem[0], problem[1])
                continue
            regions.append({**child, "code": str(child["code"]), "parent": parent})
        region_codes = {r["code"] for r in regions}
        departments: dict[str, dict[str, Any]] = {}
        for dcode, d in (data.get("departments") or {}).items():
            dw = f"{self.rel(path)}: department {dcode}"
            if self.keys(dw, d, {"name", "kind"}, {"name", "kind"}):
                if d["kind"] not in DEPARTMENT_KINDS:
                    self.err(dw, "pack_unknown_kind", f"未知部门类别“{d['kind']}”", f"unknown department kind '{d['kind']}'")
                departments[str(dcode)] = dict(d)
        points: dict[str, dict[str, Any]] = {}
        for pcode, p in (data.get("service_points") or {}).items():
            pw = f"{self.rel(path)}: service point {pcode}"
            if self.keys(pw, p, {"name", "kind", "address", "region", "hours", "phone", "lat", "lng"}, {"name", "kind"}):
                if p["kind"] not in SERVICE_POINT_KINDS:
                    self.err(pw, "pack_bad_value", f"未知服务场所类型“{p['kind']}”", f"unknown service point kind '{p['kind']}'")
                preg = str(p.get("region", code))
                if preg not in region_codes:
                    self.err(pw, "pack_bad_region", f"服务场所所在区划 {preg} 不在本包中", f"region {preg} is not in this pack")
                points[str(pcode)] = {**p, "region": preg}
        pack: dict[str, Any] = {
            "code": code, "name": raw["name"], "level": raw["level"], "regions": regions,
            "document": data.get("document") or {}, "departments": departments, "service_points": points,
            "bundles": [], "delegations": [], "folder": self.rel(folder),
        }
        self.cat.regions[code] = pack
        for bpath in sorted(folder.glob("bundles*.yaml")):
            self.bundles_file(pack, bpath)
        for dpath in sorted(folder.glob("delegations*.yaml")):
            self.delegations_file(pack, dpath)
        extra = sorted(p.name for p in folder.iterdir()
                       if p.is_file() and p.suffix in (".yaml", ".yml") and p.name != "region.yaml"
                       and not p.name.startswith(("bundles", "delegations")))
        for name in extra:
            self.err(f"{self.rel(folder)}/{name}", "pack_unknown_file", "未知的包文件", "unknown pack file")

    def bundles_file(self, pack: dict[str, Any], path: Path) -> None:
        data = self.read(path)
        if data is None:
            return
        self.top(path, data, {"bundles"})
        seen_codes = {b["code"] for b in pack["bundles"]}
        seen_seq = {b["seq"] for b in pack["bundles"]}
        for raw in data.get("bundles") or []:
            code = raw.get("code") if isinstance(raw, dict) else None
            where = f"{self.rel(path)}: bundle {code}"
            allowed = {"code", "seq", "name", "subject", "stage", "tier", "lead", "items", "dependencies",
                       "situations", "version", "en", "summary"}
            if not self.keys(where, raw, allowed, {"code", "seq", "name", "subject", "lead", "items"}):
                continue
            code = str(raw["code"])
            if not re.fullmatch(rf"{pack['code']}-\d{{2,3}}", code):
                self.err(where, "pack_bad_code", f"“一件事”编码应为 {pack['code']}-序号", f"a bundle code must be {pack['code']}-NN")
            if code in seen_codes:
                self.err(where, "pack_duplicate_code", f"“一件事”编码“{code}”重复", f"bundle code '{code}' is used twice")
                continue
            if raw["seq"] in seen_seq:
                self.err(where, "pack_duplicate_code", f"序号 {raw['seq']} 重复", f"sequence number {raw['seq']} is used twice")
            if raw["subject"] not in ("person", "enterprise"):
                self.err(where, "pack_bad_value", "subject 应为 person 或 enterprise", "subject must be person or enterprise")
            if raw["lead"] not in pack["departments"]:
                self.err(where, "pack_unknown_department", f"牵头部门“{raw['lead']}”不是本地区的部门",
                         f"lead department '{raw['lead']}' is not a department of this region")
            bundle = self.bundle_items(pack, where, raw)
            if bundle is None:
                continue
            seen_codes.add(code)
            seen_seq.add(raw["seq"])
            pack["bundles"].append(bundle)
            self.cat.origin["bundle:" + code] = f"{self.rel(path)}: bundle {code}"

    def bundle_items(self, pack: dict[str, Any], where: str, raw: dict[str, Any]) -> dict[str, Any] | None:
        ok = True
        items: list[dict[str, Any]] = []
        refs: list[str] = []
        for entry in raw["items"] or []:
            iw = f"{where}: item {entry.get('ref') if isinstance(entry, dict) else entry}"
            if not self.keys(iw, entry, {"ref", "name", "departments"}, {"ref", "name", "departments"}):
                ok = False
                continue
            ref = entry["ref"]
            if ref not in self.cat.templates:
                self.err(iw, "pack_unknown_item", f"未知事项“{ref}”", f"unknown item '{ref}'")
                ok = False
            if ref in refs:
                self.err(iw, "pack_duplicate_code", f"事项“{ref}”在同一“一件事”中重复", f"item '{ref}' is listed twice in one bundle")
                ok = False
            depts = entry["departments"] if isinstance(entry["departments"], list) else [entry["departments"]]
            for d in depts:
                if d not in pack["departments"]:
                    self.err(iw, "pack_unknown_department", f"未知部门“{d}”", f"unknown department '{d}'")
                    ok = False
            refs.append(ref)
            items.append({"ref": ref, "name": str(entry["name"]), "departments": [str(d) for d in depts]})
        if not items:
            self.err(where, "pack_missing_key", "“一件事”至少包含一个事项", "a bundle needs at least one item")
            return None
        deps: list[dict[str, Any]] = []
        for d in raw.get("dependencies") or []:
            dw = f"{where}: dependency {d.get('item') if isinstance(d, dict) else d}"
            if not self.keys(dw, d, {"item", "requires"}, {"item", "requires"}):
                ok = False
                continue
            reqs = d["requires"] if isinstance(d["requires"], list) else [d["requires"]]
            for name in [d["item"], *reqs]:
                if name not in refs:
                    self.err(dw, "pack_unknown_dependency", f"依赖关系引用了不属于本“一件事”的事项“{name}”",
                             f"dependency on '{name}', which is not an item of this bundle")
                    ok = False
            deps.append({"item": d["item"], "requires": list(reqs)})
        situations: list[dict[str, Any]] = []
        for s in raw.get("situations") or []:
            sw = f"{where}: situation {s.get('code') if isinstance(s, dict) else s}"
            if not self.keys(sw, s, {"code", "zh", "en", "default", "options", "help"}, {"code", "zh", "en", "options"}):
                ok = False
                continue
            values = []
            options = []
            for o in s["options"]:
                if not self.keys(sw, o, {"value", "zh", "en", "excludes"}, {"value", "zh", "en"}):
                    ok = False
                    continue
                values.append(str(o["value"]))
                for x in o.get("excludes") or []:
                    if x not in refs:
                        self.err(sw, "pack_unknown_dependency", f"情形排除了不属于本“一件事”的事项“{x}”",
                                 f"an option excludes '{x}', which is not an item of this bundle")
                        ok = False
                options.append({**o, "value": str(o["value"]), "excludes": list(o.get("excludes") or [])})
            default = str(s.get("default", values[0] if values else ""))
            if default not in values:
                self.err(sw, "pack_bad_value", f"默认回答“{default}”不是选项之一", f"default '{default}' is not one of the options")
                ok = False
            if any(x["code"] == s["code"] for x in situations):
                self.err(sw, "pack_duplicate_code", "情形编码重复", "situation code used twice")
                ok = False
            situations.append({**s, "default": default, "options": options})
        version = raw.get("version") or {}
        if not isinstance(version, dict) or not set(version) <= {"number", "effective_from", "effective_to"}:
            self.err(where, "pack_bad_value", "version 只能包含 number, effective_from, effective_to",
                     "version takes number, effective_from, effective_to")
            ok = False
            version = {}
        for k in ("effective_from", "effective_to"):
            if version.get(k) is not None and not isinstance(version[k], date):
                self.err(where, "pack_bad_value", f"{k} 应为日期（YYYY-MM-DD）", f"{k} must be a date (YYYY-MM-DD)")
                ok = False
        if not ok:
            return None
        bundle = {
            "code": str(raw["code"]), "seq": raw["seq"], "name": str(raw["name"]), "subject": raw["subject"],
            "stage": raw.get("stage", ""), "tier": raw.get("tier", ""), "lead": raw["lead"], "items": items,
            "dependencies": deps, "situations": situations, "en": raw.get("en", ""), "summary": raw.get("summary", ""),
            "version": {"number": int(version.get("number", 1)),
                        "effective_from": version.get("effective_from") or pack["document"].get("date"),
                        "effective_to": version.get("effective_to")},
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
        for c in merge_form(definition.items).conflicts:
            self.err(where, "pack_field_type_conflict", f"字段“{c.key}”在事项 {', '.join(c.items)} 间冲突：{c.detail}",
                     f"field '{c.key}' conflicts between items {', '.join(c.items)}: {c.detail}")
            ok = False
        return bundle if ok else None

    def delegations_file(self, pack: dict[str, Any], path: Path) -> None:
        data = self.read(path)
        if data is None:
            return
        self.top(path, data, {"delegations"})
        kinds = {d["kind"] for d in pack["departments"].values()}
        seen: set[tuple[str, int]] = {(d["level"], d["seq"]) for d in pack["delegations"]}
        for raw in data.get("delegations") or []:
            where = f"{self.rel(path)}: delegation {raw.get('level') if isinstance(raw, dict) else ''} {raw.get('seq') if isinstance(raw, dict) else raw}"
            allowed = {"seq", "level", "name", "item_type", "item_type_label", "mode", "scope", "department_kind", "note"}
            if not self.keys(where, raw, allowed, {"seq", "level", "name", "item_type", "department_kind"}):
                continue
            d = dict(raw)
            d["item_type"] = str(d["item_type"]).zfill(2)
            if d["level"] not in ("town", "village"):
                self.err(where, "pack_bad_value", "level 应为 town 或 village", "level must be town or village")
                continue
            if (d["level"], d["seq"]) in seen:
                self.err(where, "pack_duplicate_code", "序号重复", "sequence number used twice")
                continue
            if d["item_type"] not in ITEM_TYPES:
                self.err(where, "pack_bad_value", f"未知事项类型“{raw['item_type']}”", f"unknown item type '{raw['item_type']}'")
                continue
            d["scope"] = list(d.get("scope") or ["intake"])
            bad = [s for s in d["scope"] if s not in SCOPES]
            if bad:
                self.err(where, "pack_bad_value", f"未知办理范围“{bad[0]}”", f"unknown scope '{bad[0]}'")
                continue
            if d["department_kind"] not in kinds:
                self.err(where, "pack_unknown_department", f"本地区没有类别为“{d['department_kind']}”的部门",
                         f"no department of kind '{d['department_kind']}' in this region")
                continue
            d.setdefault("mode", "")
            d.setdefault("note", "")
            d.setdefault("item_type_label", ITEM_TYPES[d["item_type"]])
            d["mode"] = d["mode"] or ""
            d["note"] = d["note"] or ""
            seen.add((d["level"], d["seq"]))
            pack["delegations"].append(d)


_LEVEL_DIGITS = {"province": 6, "city": 6, "county": 6, "town": 9, "village": 12}


def region_code_problem(code: str, level: str, parent: str | None) -> tuple[str, str] | None:
    """Why an administrative-division code (GB/T 2260, extended to 9/12 digits below county) is bad, or None."""
    if level not in _LEVEL_DIGITS:
        return (f"未知区划层级“{level}”", f"unknown region level '{level}'")
    if not code.isdigit() or len(code) != _LEVEL_DIGITS[level]:
        return (f"区划代码“{code}”应为 {_LEVEL_DIGITS[level]} 位数字（{level}）",
                f"region code '{code}' must be {_LEVEL_DIGITS[level]} digits for a {level}")
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
        return (f"区划代码“{code}”与层级 {level} 不符", f"region code '{code}' does not fit the level {level}")
    if parent is not None:
        prefix = {"province": 0, "city": 2, "county": 4, "town": 6, "village": 9}[level]
        if level == "county" and parent.endswith("0000"):
            prefix = 2  # a county directly under a province (e.g. 省直辖县)
        if not code.startswith(parent[:prefix]):
            return (f"区划代码“{code}”不属于上级 {parent}", f"region code '{code}' does not belong to its parent {parent}")
    return None


def _parent_code(code: str, level: str, known: set[str]) -> str | None:
    candidates = {"county": [code[:4] + "00", code[:2] + "0000"], "town": [code[:6]], "village": [code[:9]],
                  "city": [code[:2] + "0000"], "province": []}.get(level, [])
    return next((c for c in candidates if c in known), candidates[0] if candidates else None)


_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
}


def read_packs(root: Path | str = PACKS_DIR) -> Catalogue:
    """Read and validate every pack under `root`; raise `DomainError` listing every problem."""
    root = Path(root)
    if not root.is_dir():
        raise DomainError("pack_missing_file", f"目录不存在：{root}", f"no such folder: {root}")
    checker = _Checker(root)
    checker.load_common()
    checker.load_regions()
    checker.errors.raise_if_any("pack_invalid", "目录包有误，未加载任何内容", "the pack has errors; nothing was loaded")
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
    print(f"ok: {len(cat.vocabulary)} field keys, {len(cat.templates)} item templates, {len(cat.regions)} regions, "
          f"{n_bundles} bundles, {n_deleg} delegations")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
