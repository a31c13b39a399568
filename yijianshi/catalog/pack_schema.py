"""The shapes of the catalogue packs (docs/catalog-packs.md), declared as pydantic models.

A model says which keys an entry takes (any other key is an error: `extra="forbid"`), which are required, their
types, ranges and the values a key may take. What one entry cannot know is checked by hand in `packs.py`: an item
naming a department of its region, a bundle naming item templates, a material naming a licence type or a data
source, a field key of the vocabulary, codes used twice.

`check(Model, raw, where, errors)` validates one entry and turns every pydantic error into the project's error
form (ErrorDetail: code, zh/en message, `where` = file and entry), collecting them all:
- an unknown key: `pack_unknown_key`; a required key absent, null or "": `pack_missing_key`;
- a list or a mapping where a mapping is needed: `pack_shape`;
- a value out of its set: the set's code (`pack_unknown_kind` for department kinds, `pack_bad_type` for field
  types, `pack_bad_region` for region levels, `pack_bad_value` otherwise);
- any other wrong type or range: `pack_bad_value`.
An error inside a listed sub-entry (an item of a bundle, a material of an item …) is placed at that sub-entry,
named as the hand-written checks name it (`…: bundle 140524-09: item ssc`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    StrictBool,
    StrictFloat,
    StrictInt,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from yijianshi.core import clock
from yijianshi.core.errors import DomainError, ErrorList
from yijianshi.core.workdays import BusinessHours

from .engine.types import FIELD_TYPES

ITEM_TYPES = {
    "01": "行政许可",
    "02": "行政处罚",
    "03": "行政强制",
    "04": "行政征收",
    "05": "行政给付",
    "06": "行政检查",
    "07": "行政确认",
    "08": "行政奖励",
    "09": "行政裁决",
    "10": "其他行政权力",
    "20": "公共服务",
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


def _problem(code: str, zh: str, en: str) -> PydanticCustomError:
    """A pydantic error carrying the project's code and both messages (the English one is pydantic's message)."""
    return PydanticCustomError(code, "{en}", {"en": en, "zh": zh})


# ------------------------------------------------------------------------------------------ value types


def _one_of(allowed: Collection[str], zh: str, en: str, code: str = "pack_bad_value") -> AfterValidator:
    def check(value: str) -> str:
        if value not in allowed:
            raise _problem(code, f"未知{zh}“{value}”", f"unknown {en} '{value}'")
        return value

    return AfterValidator(check)


def _scalar_text(value: Any) -> Any:
    """A code YAML may read as a number when unquoted (140524, 9): taken as its text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _one_or_many(value: Any) -> Any:
    return value if isinstance(value, list) else [value]


def _none_is_empty(value: Any) -> Any:
    return [] if value is None else value


def _item_type(value: Any) -> Any:
    return str(value).zfill(2) if isinstance(value, (int, str)) and not isinstance(value, bool) else value


def _pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise _problem("pack_bad_value", f"正则表达式无效：{exc}", f"invalid pattern: {exc}") from exc
    return value


def _hours(value: str) -> str:
    """Business hours as the intake clock reads them (core.workdays.BusinessHours), each ';'-separated set."""
    for part in value.split(";"):
        try:
            BusinessHours.parse(part)
        except DomainError as exc:
            raise _problem("pack_bad_value", exc.detail.zh, exc.detail.en) from exc
    return value


def _illustrative(value: Any) -> Any:
    if value is None or value is False:
        return []
    if value is True:
        return sorted(ILLUSTRATIVE_ELEMENTS)
    if not isinstance(value, list):
        raise _problem(
            "pack_bad_value",
            "illustrative 应为 true/false 或要素列表",
            "illustrative must be a boolean or a list",
        )
    return value


Code = Annotated[str, BeforeValidator(_scalar_text), Field(min_length=1)]
Text = Annotated[str, Field(min_length=1)]
Codes = Annotated[list[Code], BeforeValidator(_one_or_many)]
OptionalCodes = Annotated[list[Code], BeforeValidator(_none_is_empty)]
StrictDate = Annotated[date, Strict()]
DepartmentKind = Annotated[str, _one_of(DEPARTMENT_KINDS, "部门类别", "department kind", "pack_unknown_kind")]
Level = Annotated[str, _one_of(LEVELS, "层级", "level")]
RegionLevel = Annotated[str, _one_of(LEVELS, "区划层级", "region level", "pack_bad_region")]
ItemType = Annotated[str, BeforeValidator(_item_type), _one_of(ITEM_TYPES, "事项类型", "item type")]
Days = Annotated[StrictInt, Field(ge=0, le=3650)]
Visits = Annotated[StrictInt, Field(ge=0, le=10)]
Steps = Annotated[StrictInt, Field(ge=1, le=20)]
OnlineDepth = Annotated[StrictInt, Field(ge=1, le=4)]


class PackModel(BaseModel):
    """An entry of a pack: unknown keys are errors; a required key given as null or "" counts as missing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        return {
            k: v
            for k, v in data.items()
            if not (k in fields and fields[k].is_required() and (v is None or v == ""))
        }


# ------------------------------------------------------------------------------------------ common/


class DataSourceEntry(PackModel):
    """common/data_sources.yaml: sources.<code>"""

    name: Text
    en: str | None = None
    provider_kind: DepartmentKind
    mode: Annotated[str, _one_of({"query", "verify"}, "共享方式", "mode")] = "query"


class LicenceTypeEntry(PackModel):
    """common/licence_types.yaml: licence_types.<code>"""

    name: Text
    en: str | None = None
    issuer_kind: DepartmentKind
    type_code: Annotated[str, Field(max_length=30)] | None = None
    validity_years: Annotated[StrictInt, Field(ge=1, le=100)] | None = None


class VocabularyEntry(PackModel):
    """common/vocabulary*.yaml: fields.<subject.attribute>"""

    zh: Text
    en: Text
    type: Annotated[str, _one_of(FIELD_TYPES, "字段类型", "field type", "pack_bad_type")]
    source: Code | None = None
    max_length: Annotated[StrictInt, Field(ge=1)] | None = None
    min: Any = None  # a number, or for a date "today" / a quoted "YYYY-MM-DD": checked below
    max: Any = None
    pattern: Annotated[str, AfterValidator(_pattern)] | None = None
    choices: list[Text] | None = None
    choices_en: list[Text] | None = (
        None  # the English of each choice, in the same order (shown, never stored)
    )

    @model_validator(mode="after")
    def _rules(self) -> VocabularyEntry:
        if self.type == "choice" and not self.choices:
            raise _problem("pack_bad_value", "choice 类型须给出 choices", "a choice field needs choices")
        if self.choices_en is not None and len(self.choices_en) != len(self.choices or ()):
            raise _problem(
                "pack_bad_value",
                "choices_en 须与 choices 一一对应",
                "choices_en must give one English name for each of the choices",
            )
        for bound in ("min", "max"):
            value = getattr(self, bound)
            if value is None:
                continue
            if self.type == "date":
                if not _date_rule(value):
                    raise _problem(
                        "pack_bad_value",
                        f'日期字段的 {bound} 应为 today 或加引号的 "YYYY-MM-DD"',
                        f'a date field\'s {bound} must be today or a quoted "YYYY-MM-DD"',
                    )
            elif not isinstance(value, (int, float)) or isinstance(value, bool):
                raise _problem("pack_bad_value", f"{bound} 应为数字", f"{bound} must be a number")
        return self


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


class TemplateField(PackModel):
    """A form field of an item template: `key` or `{key, required, type}`."""

    key: Text
    required: StrictBool = True
    type: Annotated[str, _one_of(FIELD_TYPES, "字段类型", "field type", "pack_bad_type")] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"key": data, "required": True} if isinstance(data, str) else data


class MaterialEntry(PackModel):
    """A material of an item template."""

    code: Text
    name: Text
    en: Text | None = None
    channel: Annotated[str, _one_of(CHANNELS, "来源渠道", "channel")] = "applicant"
    licence: Code | None = None
    data_check: Code | None = None
    item_result: Code | None = None
    form: Annotated[str, _one_of(FORMS, "材料形式", "form")] = "either"
    copies: Annotated[StrictInt, Field(ge=0, le=100)] = 1
    required: StrictBool = True
    tolerated: StrictBool = False
    commitment: StrictBool = False
    commitment_text: str | None = None


def _names_a_document(value: str) -> str:
    if not re.search(r"《[^《》]+》", value):
        raise _problem(
            "pack_bad_value",
            f"收费依据“{value}”须写明文件名称（《…》），不知道的请留空",
            f"the fee basis '{value}' must name a document (《…》); leave it out when it is not known",
        )
    return value


class ItemTemplateEntry(PackModel):
    """common/items/*.yaml: items.<ref>"""

    name: Text
    en: Text | None = None
    item_type: ItemType
    service_object: Annotated[
        list[Annotated[str, _one_of(SERVICE_OBJECTS, "服务对象", "service object")]],
        BeforeValidator(_one_or_many),
    ]
    department_kind: DepartmentKind
    level: Level = "county"
    legal_basis: str | None = None
    conditions: str | None = None
    legal_limit_days: Days
    promised_limit_days: Days
    fee: str | None = None
    # 收费依据 (003 三.3: a guide states the fee and its basis): the document that sets or waives the fee, named
    # as it is titled (《…》); left out where the basis is not known (the guide then sends to the window's notice)
    fee_basis: Annotated[str, AfterValidator(_names_a_document)] | None = None
    result: str | None = None
    issues_licence: Code | None = None
    visits: Visits = 1
    steps: Steps = 4
    online_depth: OnlineDepth = 3
    requires: OptionalCodes = []
    illustrative: Annotated[
        list[Annotated[str, _one_of(ILLUSTRATIVE_ELEMENTS, "illustrative 要素", "element in illustrative")]],
        BeforeValidator(_illustrative),
    ] = []
    fields: Annotated[list[TemplateField], BeforeValidator(_none_is_empty)] = []
    materials: Annotated[list[MaterialEntry], BeforeValidator(_none_is_empty)] = []

    @model_validator(mode="after")
    def _limits(self) -> ItemTemplateEntry:
        if self.promised_limit_days > self.legal_limit_days:
            raise _problem(
                "pack_bad_value",
                "承诺时限不得超过法定时限",
                "the promised limit must not exceed the legal limit",
            )
        return self


# ------------------------------------------------------------------------------------------ regions/<code>/


class RegionRef(PackModel):
    """A parent or a child region: its code, name and level."""

    code: Code
    name: Text
    en: Text | None = None
    level: RegionLevel


class RegionEntry(PackModel):
    """region.yaml: region"""

    code: Code
    name: Text
    en: Text | None = None
    level: RegionLevel
    parents: Annotated[list[RegionRef], BeforeValidator(_none_is_empty)] = []
    children: Annotated[list[RegionRef], BeforeValidator(_none_is_empty)] = []


class DocumentEntry(PackModel):
    """region.yaml: document — the official document the pack is taken from."""

    number: str | None = None
    file: str | None = None
    date: StrictDate | None = None


Phone = Annotated[str, Field(max_length=40, pattern=r"^\+?[0-9][0-9 ()\-,/转]*$")]
DEPARTMENT_ILLUSTRATIVE = ("consult_phone", "supervise_phone")


class DepartmentEntry(PackModel):
    """region.yaml: departments.<code> — with the telephone numbers a guide gives for questions (咨询) and
    complaints (监督), and which of them are examples (`illustrative`), not the department's own."""

    name: Text
    en: Text | None = None
    kind: DepartmentKind
    full_name: Text | None = (
        None  # the body's full official name (e.g. 陵川县人力资源和社会保障局); default: name
    )
    consult_phone: Phone | None = None
    supervise_phone: Phone | None = None
    illustrative: list[
        Annotated[str, _one_of(DEPARTMENT_ILLUSTRATIVE, "illustrative 要素", "element in illustrative")]
    ] = []


class ServicePointEntry(PackModel):
    """region.yaml: service_points.<code>"""

    name: Text
    en: Text | None = None
    kind: Annotated[str, _one_of(SERVICE_POINT_KINDS, "服务场所类型", "service point kind")]
    address: Annotated[str, Field(max_length=300)] | None = None
    region: Code | None = None
    hours: Annotated[str, Field(max_length=100), AfterValidator(_hours)] | None = None
    phone: Annotated[str, Field(max_length=40, pattern=r"^\+?[0-9][0-9 ()\-,/转]*$")] | None = None
    lat: Annotated[StrictFloat, Field(ge=-90, le=90)] | None = None  # WGS 84, decimal degrees
    lng: Annotated[StrictFloat, Field(ge=-180, le=180)] | None = None
    operator: Code | None = None  # the department (of this region) that runs it and seals its documents

    @model_validator(mode="after")
    def _both_coordinates(self) -> ServicePointEntry:
        if (self.lat is None) != (self.lng is None):
            raise _problem("pack_bad_value", "lat 与 lng 须同时给出", "lat and lng go together")
        return self


class BundleItemEntry(PackModel):
    ref: Code
    name: Annotated[str, BeforeValidator(_scalar_text), Field(min_length=1)]
    en: Text | None = None
    departments: Annotated[Codes, Field(min_length=1)]


class DependencyEntry(PackModel):
    item: Code
    requires: Codes


class OptionEntry(PackModel):
    value: Code
    zh: Text
    en: Text
    excludes: OptionalCodes = []


class SituationEntry(PackModel):
    code: Code
    zh: Text
    en: Text
    default: Code | None = None  # the first option when not given
    options: Annotated[list[OptionEntry], Field(min_length=1)]

    @model_validator(mode="after")
    def _default_is_an_option(self) -> SituationEntry:
        values = [o.value for o in self.options]
        if len(set(values)) != len(values):
            raise _problem("pack_duplicate_code", "选项值重复", "an option value is used twice")
        if self.default is not None and self.default not in values:
            raise _problem(
                "pack_bad_value",
                f"默认回答“{self.default}”不是选项之一",
                f"default '{self.default}' is not one of the options",
            )
        return self


# ------------------------------------------------------------------------ checks before submission
# A small vocabulary of cross-field rules (docs/catalog-packs.md "checks"), evaluated by cases/crosscheck.py.
# Each message may use only the placeholders its kind fills in.

PLACEHOLDERS = {
    "min_age_at": frozenset({"years", "age"}),
    "date_range": frozenset({"earliest", "latest"}),
    "matches_answer": frozenset({"allowed"}),
}
Years = Annotated[StrictInt, Field(ge=0, le=150)]
DaySpan = Annotated[StrictInt, Field(ge=0, le=36500)]


class WhenEntry(PackModel):
    """The rule applies only when the situation `situation` is answered with one of `in`."""

    situation: Code
    in_: Annotated[Codes, Field(alias="in", min_length=1)]


class CheckBase(PackModel):
    kind: str
    code: Code
    when: WhenEntry | None = None
    zh: Text
    en: Text

    @model_validator(mode="after")
    def _placeholders(self) -> CheckBase:
        """Format each message as the evaluator will: a placeholder the kind does not fill or a stray brace fails
        here, at load, not at an applicant's submission."""
        allowed = PLACEHOLDERS[self.kind]
        names = "、".join(sorted(allowed))
        for text in (self.zh, self.en):
            try:
                text.format(**dict.fromkeys(allowed, ""))
            except KeyError as exc:
                raise _problem(
                    "pack_bad_value",
                    f"提示语中的占位符“{{{exc.args[0]}}}”不可用（可用：{names}）",
                    f"placeholder {{{exc.args[0]}}} is not available (available: {', '.join(sorted(allowed))})",
                ) from exc
            except (ValueError, IndexError) as exc:
                raise _problem(
                    "pack_bad_value",
                    f"提示语格式有误（花括号须成对，字面花括号写作 {{{{ }}}}）：{exc}",
                    f"the message is malformed (braces go in pairs; write a literal brace as {{{{ }}}}): {exc}",
                ) from exc
        return self


class MinAgeAtCheck(CheckBase):
    """The person born on `birth` (a date field) or as `id_number` says is at least `years` old (or
    `years_by_sex[value of sex]`) on the date in field `at`."""

    kind: Literal["min_age_at"] = "min_age_at"
    birth: Code | None = None
    id_number: Code | None = None
    at: Code
    years: Years | None = None
    sex: Code | None = None
    years_by_sex: dict[Code, Years] | None = None

    @model_validator(mode="after")
    def _one_birth_one_age(self) -> MinAgeAtCheck:
        if (self.birth is None) == (self.id_number is None):
            raise _problem(
                "pack_bad_value", "须给出 birth 或 id_number 之一", "give exactly one of birth and id_number"
            )
        if (self.years is None) == (self.years_by_sex is None):
            raise _problem(
                "pack_bad_value",
                "须给出 years 或 years_by_sex 之一",
                "give exactly one of years and years_by_sex",
            )
        if (self.sex is None) != (self.years_by_sex is None):
            raise _problem(
                "pack_bad_value", "sex 与 years_by_sex 须同时给出", "sex and years_by_sex go together"
            )
        return self


class DateRangeCheck(CheckBase):
    """The date in `field` is within [today − past_days, today + future_days] and not before / after the dates
    in the fields `not_before` / `not_after`."""

    kind: Literal["date_range"] = "date_range"
    field: Code
    past_days: DaySpan | None = None
    future_days: DaySpan | None = None
    not_before: Code | None = None
    not_after: Code | None = None

    @model_validator(mode="after")
    def _a_bound(self) -> DateRangeCheck:
        if all(v is None for v in (self.past_days, self.future_days, self.not_before, self.not_after)):
            raise _problem(
                "pack_missing_key",
                "至少需要一个界限（past_days、future_days、not_before、not_after）",
                "give at least one bound (past_days, future_days, not_before, not_after)",
            )
        return self


class MatchesAnswerCheck(CheckBase):
    """The value of `field` is one of `values[answer]` for the answer given to `situation`."""

    kind: Literal["matches_answer"] = "matches_answer"
    field: Code
    situation: Code
    values: Annotated[dict[Code, Annotated[Codes, Field(min_length=1)]], Field(min_length=1)]


CHECK_KINDS: dict[str, type[CheckBase]] = {
    "min_age_at": MinAgeAtCheck,
    "date_range": DateRangeCheck,
    "matches_answer": MatchesAnswerCheck,
}


def _check_kind(value: Any) -> str | None:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return kind if isinstance(kind, str) and kind in CHECK_KINDS else None


# A rule is read by its `kind`; an unknown kind is refused naming the known ones.
CheckEntry = Annotated[
    Annotated[MinAgeAtCheck, Tag("min_age_at")]
    | Annotated[DateRangeCheck, Tag("date_range")]
    | Annotated[MatchesAnswerCheck, Tag("matches_answer")],
    Discriminator(
        _check_kind,
        custom_error_type="pack_unknown_kind",
        custom_error_message="unknown rule kind",
        custom_error_context={
            "zh": f"未知规则类型 kind（可用：{'、'.join(CHECK_KINDS)}）",
            "en": f"unknown rule kind (known: {', '.join(CHECK_KINDS)})",
        },
    ),
]


class VersionEntry(PackModel):
    number: Annotated[StrictInt, Field(ge=1)] = 1
    effective_from: StrictDate | None = None
    effective_to: StrictDate | None = None


class BundleEntry(PackModel):
    """bundles*.yaml: one entry of `bundles`"""

    code: Code
    seq: Annotated[StrictInt, Field(ge=1, le=999)]
    name: Text
    subject: Annotated[str, _one_of({"person", "enterprise"}, "服务对象", "subject")]
    stage: str | None = None
    tier: str | None = None
    lead: Code
    items: list[BundleItemEntry]
    dependencies: Annotated[list[DependencyEntry], BeforeValidator(_none_is_empty)] = []
    situations: Annotated[list[SituationEntry], BeforeValidator(_none_is_empty)] = []
    checks: Annotated[list[CheckEntry], BeforeValidator(_none_is_empty)] = []
    version: VersionEntry | None = None
    en: str | None = None

    @model_validator(mode="after")
    def _has_items(self) -> BundleEntry:
        if not self.items:
            raise _problem("pack_missing_key", "“一件事”至少包含一个事项", "a bundle needs at least one item")
        return self


class DelegationEntry(PackModel):
    """delegations*.yaml: one entry of `delegations`"""

    seq: Annotated[StrictInt, Field(ge=1, le=9999)]
    level: Annotated[str, _one_of({"town", "village"}, "层级", "level")]
    name: Text
    item_type: ItemType
    item_type_label: str | None = None
    mode: str | None = None
    scope: Annotated[
        list[Annotated[str, _one_of(SCOPES, "办理范围", "scope")]],
        BeforeValidator(lambda v: ["intake"] if v is None else v),
    ] = ["intake"]
    department_kind: DepartmentKind
    note: str | None = None


# ------------------------------------------------------------------------------------------ files


class DataSourcesFile(PackModel):
    sources: dict[Any, Any] | None = None


class LicenceTypesFile(PackModel):
    licence_types: dict[Any, Any] | None = None


class VocabularyFile(PackModel):
    fields: dict[Any, Any] | None = None


class ItemsFile(PackModel):
    items: dict[Any, Any] | None = None


class RegionFile(PackModel):
    region: dict[Any, Any]
    document: DocumentEntry | None = None
    departments: dict[Any, Any] | None = None
    service_points: dict[Any, Any] | None = None


class BundlesFile(PackModel):
    bundles: list[Any] | None = None


class DelegationsFile(PackModel):
    delegations: list[Any] | None = None


# ------------------------------------------------------------------------------------------ errors

# A list of sub-entries inside an entry, and how an error in one of them is placed: "<where>: <label> <name>",
# the name read from the sub-entry's key (or the sub-entry itself when it is a plain value). A label of ""
# names the sub-entry beside its parent ("…: region" → "…: region 140500").
ENTRIES: dict[str, tuple[str, str]] = {
    "items": ("item", "ref"),
    "dependencies": ("dependency", "item"),
    "situations": ("situation", "code"),
    "checks": ("check", "code"),
    "fields": ("field", "key"),
    "materials": ("material", "code"),
    "parents": ("", "code"),
    "children": ("", "code"),
}

_ZH = {
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "string_type": "应为文字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "string_too_short": "不得为空",
    "string_too_long": "过长（至多 {max_length} 个字符）",
    "too_short": "至少需要 {min_length} 项",
    "string_pattern_mismatch": "格式不符",
    "greater_than_equal": "不得小于 {ge}",
    "less_than_equal": "不得大于 {le}",
}
_SHAPE = {"model_type", "model_attributes_type", "dict_type"}

M = TypeVar("M", bound=PackModel)


def _locate(where: str, raw: Any, loc: tuple[int | str, ...]) -> tuple[str, list[str]]:
    """Walk an error's location through the raw entry: the sub-entry it names, and the path left inside it."""
    node, i = raw, 0
    rest: list[str] = []
    while i < len(loc):
        part = loc[i]
        listed = node.get(part) if isinstance(node, dict) and isinstance(part, str) else None
        if (
            isinstance(part, str)
            and part in ENTRIES
            and i + 1 < len(loc)
            and isinstance(loc[i + 1], int)
            and isinstance(listed, list)
            and 0 <= int(loc[i + 1]) < len(listed)
        ):
            label, key = ENTRIES[part]
            node = listed[int(loc[i + 1])]
            name = node.get(key) if isinstance(node, dict) else node
            where = f"{where}: {label} {name}" if label else f"{where} {name}"
            rest, i = [], i + 2
            continue
        if isinstance(part, str) and isinstance(node, dict) and node.get("kind") == part:
            i += 1  # the tag of a rule read by its kind (checks) is not a key of the entry
            continue
        rest.append(str(part))
        node = (
            node.get(part)
            if isinstance(node, dict)
            else (
                node[part]
                if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
                else None
            )
        )
        i += 1
    return where, rest


def _translate(error: Any) -> tuple[str, str, str]:
    """(code, zh, en) for one pydantic error whose location is already known."""
    kind, ctx = error["type"], error.get("ctx") or {}
    path = ".".join(str(p) for p in error["loc"])
    if kind.startswith("pack_"):
        return kind, ctx["zh"], ctx["en"]
    if kind == "extra_forbidden":
        return "pack_unknown_key", f"未知字段“{path}”", f"unknown key '{path}'"
    if kind == "missing":
        return "pack_missing_key", f"缺少必填字段“{path}”", f"missing required key '{path}'"
    if kind in _SHAPE:
        prefix_zh, prefix_en = (f"“{path}”", f"{path} ") if path else ("", "")
        return "pack_shape", f"{prefix_zh}应为映射", f"{prefix_en}must be a mapping"
    zh = _ZH.get(kind, "值无效（{msg}）").format(
        msg=error["msg"], **{k: v for k, v in ctx.items() if k != "msg"}
    )
    return (
        "pack_bad_value",
        f"“{path}”{zh}" if path else zh,
        f"{path}: {error['msg']}" if path else error["msg"],
    )


def check(model: type[M], raw: Any, where: str, errors: ErrorList) -> M | None:
    """`raw` validated as `model`, or None after adding every problem to `errors` (named by `where`)."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            at, rest = _locate(where, raw, tuple(error["loc"]))
            code, zh, en = _translate({**error, "loc": tuple(rest)})
            errors.add(code, zh, en, where=at)
        return None
