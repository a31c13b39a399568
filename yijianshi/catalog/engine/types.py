"""Plain data the bundle engine takes and returns. No Django here (STYLE.md: pure engines).

A `BundleDef` is a self-contained snapshot of one bundle version: its items with their fields and materials,
its dependency edges and its situation questions. The catalogue app builds one from the database (or from a
published version's frozen snapshot), so that editing the catalogue never changes what an earlier version
computes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Channel = Literal["applicant", "government", "other"]
MaterialForm = Literal["paper", "electronic", "either"]
FIELD_TYPES = frozenset(
    {
        "string",
        "text",
        "date",
        "id_number",
        "uscc",
        "phone",
        "email",
        "number",
        "money",
        "boolean",
        "choice",
        "address",
        "postcode",
        "region_code",
    }
)
VALIDATION_KEYS = ("max_length", "min", "max", "pattern", "choices")


@dataclass(frozen=True)
class FieldSpec:
    """One form field of one item, named by a semantic key of the shared vocabulary."""

    key: str
    label_zh: str
    label_en: str
    type: str
    required: bool = True
    validation: tuple[tuple[str, object], ...] = ()  # sorted (name, value) pairs, hashable
    source: str | None = None  # the data source that can fill it

    def validation_dict(self) -> dict[str, object]:
        return dict(self.validation)


@dataclass(frozen=True)
class MaterialSpec:
    """One document an item asks for (申请材料)."""

    code: str
    name: str
    channel: Channel = "applicant"
    licence: str | None = None  # an e-licence type that stands in for it
    data_check: str | None = None  # a data source whose check stands in for it
    item_result: str | None = None  # an item (ref) whose result stands in for it
    form: MaterialForm = "either"
    copies: int = 1
    required: bool = True
    tolerated: bool = False  # 容缺
    commitment: bool = False  # 告知承诺
    commitment_text: str | None = None


@dataclass(frozen=True)
class ItemDef:
    """One item (事项) as it takes part in a bundle."""

    ref: str
    name: str
    department: str
    legal_limit_days: int
    promised_limit_days: int
    visits: int = 1
    steps: int = 4
    fields: tuple[FieldSpec, ...] = ()
    materials: tuple[MaterialSpec, ...] = ()
    requires: tuple[str, ...] = ()  # refs whose results it needs, when they are in the same bundle
    issues_licence: str | None = None


@dataclass(frozen=True)
class SituationOption:
    value: str
    label_zh: str
    label_en: str
    excludes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Situation:
    """A question (情形) whose answer may exclude items of the bundle."""

    code: str
    question_zh: str
    question_en: str
    options: tuple[SituationOption, ...]
    default: str

    def option(self, value: str) -> SituationOption | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class BundleDef:
    code: str
    name: str
    items: tuple[ItemDef, ...]
    dependencies: tuple[tuple[str, str], ...] = ()  # (item, prerequisite) edges declared by the bundle
    situations: tuple[Situation, ...] = ()

    def item(self, ref: str) -> ItemDef:
        for it in self.items:
            if it.ref == ref:
                return it
        raise KeyError(ref)


@dataclass(frozen=True)
class Evidence:
    """What is known about one applicant: licences held and data checks that passed.

    `None` for either means "not known yet": the catalogue view, in which every stand-in is assumed available
    (the potential of the bundle). An empty set means "known: none".
    """

    licences: frozenset[str] | None = None
    data_checks: frozenset[str] | None = None

    @property
    def is_catalogue_view(self) -> bool:
        return self.licences is None and self.data_checks is None


# ---------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class MergedField:
    spec: FieldSpec
    items: tuple[str, ...]  # refs of the items this field serves

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def auto(self) -> bool:
        return self.spec.source is not None


@dataclass(frozen=True)
class Conflict:
    key: str
    items: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class MergedForm:
    fields: tuple[MergedField, ...]
    conflicts: tuple[Conflict, ...] = ()

    def get(self, key: str) -> MergedField | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True)
class Waiver:
    kind: Literal["licence", "data_check", "item_result"]
    ref: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class MaterialEntry:
    spec: MaterialSpec
    items: tuple[str, ...]
    waiver: Waiver | None = None
    stand_ins: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def waived(self) -> bool:
        return self.waiver is not None


@dataclass(frozen=True)
class MaterialSet:
    entries: tuple[MaterialEntry, ...]

    @property
    def required(self) -> tuple[MaterialEntry, ...]:
        return tuple(e for e in self.entries if e.spec.required and not e.waived)

    @property
    def waived(self) -> tuple[MaterialEntry, ...]:
        return tuple(e for e in self.entries if e.waived)


@dataclass(frozen=True)
class ScheduledItem:
    ref: str
    requires: tuple[str, ...]
    start_day: int  # earliest start, working days after acceptance
    finish_day: int
    layer: int  # 0 = can start at once; items of one layer run in parallel


@dataclass(frozen=True)
class Schedule:
    items: tuple[ScheduledItem, ...]
    layers: tuple[tuple[str, ...], ...]
    critical_path: tuple[str, ...]
    total_days: int

    def get(self, ref: str) -> ScheduledItem:
        return next(s for s in self.items if s.ref == ref)


@dataclass(frozen=True)
class Figures:
    """The reform figures of one bundle (docs/reform-figures.md gives each formula)."""

    items: int
    fields_separate: int
    fields_merged: int
    fields_auto: int
    materials_separate: int
    materials_required: int
    time_separate_days: int
    time_bundle_days: int
    steps_separate: int
    steps_bundle: int
    visits_separate: int
    visits_bundle: int

    @staticmethod
    def _ratio(part: int, whole: int) -> float:
        return round(part / whole, 4) if whole else 0.0

    @property
    def fields_auto_share(self) -> float:
        return self._ratio(self.fields_auto, self.fields_merged)

    @property
    def materials_reduction(self) -> float:
        return self._ratio(self.materials_separate - self.materials_required, self.materials_separate)

    @property
    def time_reduction(self) -> float:
        return self._ratio(self.time_separate_days - self.time_bundle_days, self.time_separate_days)

    @property
    def steps_reduction(self) -> float:
        return self._ratio(self.steps_separate - self.steps_bundle, self.steps_separate)

    @property
    def visits_reduction(self) -> float:
        return self._ratio(self.visits_separate - self.visits_bundle, self.visits_separate)


@dataclass(frozen=True)
class Computation:
    included: tuple[str, ...]
    excluded: tuple[str, ...]
    form: MergedForm
    materials: MaterialSet
    schedule: Schedule
    figures: Figures
