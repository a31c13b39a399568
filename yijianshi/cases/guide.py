"""One guide computation (004 annex 3 §1 咨询; 001 §15 一表申请): from a published version, the situation
answers, the party (or none), the purpose and the actor, the typed guide every face shows and every
submission pins — the merged form, the materials with their waivers, the items and their schedule, and for a
known party the prefill with each value's provenance and the evidence that waives materials.

Faces (the API's guide, the portal's guide and application, the counter) and the submission all call
`guide_compute`; nothing else computes a bundle's guide for a party. Reading the party's data happens only
here, only for a party the actor may read for (the caller has established it: the signed-in party
themselves, an agent under a mandate, a clerk after the in-person check), under the purpose given, each read in
the access ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from yijianshi.catalog import engine
from yijianshi.catalog.engine.types import MaterialEntry as EngineMaterial
from yijianshi.catalog.engine.types import Waiver
from yijianshi.catalog.models import Bundle, BundleVersion
from yijianshi.catalog.selectors import (
    bundle_checks,
    bundle_definition,
    english_names,
    published_version,
    stand_in_names,
)
from yijianshi.core.actor import Actor, Party
from yijianshi.core.errors import NotFound
from yijianshi.ledger.services import Purpose

from .shared import PartyData, party_data


class FieldEntry(TypedDict):
    key: str
    label_zh: str
    label_en: str
    type: str
    required: bool
    validation: dict[str, Any]
    source: str | None
    items: list[str]


class MaterialEntry(TypedDict):
    code: str
    name: str
    required: bool
    items: list[str]
    tolerated: bool
    commitment: bool
    commitment_text: str
    waiver: dict[str, str] | None  # kind, ref, reason_zh, reason_en


class ItemEntry(TypedDict):
    ref: str
    name: str
    department: str
    promised_limit_days: int
    legal_limit_days: int
    requires: list[str]


class GuideSnapshot(TypedDict):
    """The typed snapshot an application pins (and the API's guide answers): JSON-ready."""

    bundle: dict[str, Any]  # code, name, version
    included: list[str]
    excluded: list[str]
    form: list[FieldEntry]
    materials: list[MaterialEntry]
    items: list[ItemEntry]
    schedule: dict[str, Any]  # critical_path, total_days
    prefill: NotRequired[dict[str, dict[str, Any]]]  # key -> provenance (value, source, subject …)
    prefill_failures: NotRequired[dict[str, str]]
    prefill_changed: NotRequired[list[str]]
    evidence: NotRequired[dict[str, list[str]]]
    # the cross-field rules checked before submission (cases/crosscheck.py), when the bundle has any
    checks: NotRequired[list[dict[str, Any]]]


@dataclass(frozen=True)
class Guide:
    """A bundle's guide for given answers and, when known, a party."""

    version: BundleVersion
    definition: engine.BundleDef
    answers: dict[str, str]  # every situation resolved (defaults filled in)
    result: engine.Computation
    party: PartyData | None = None
    # whether what the applicant holds is known (a party's data was read, or evidence from an earlier read was
    # given): only then may a licence or data-check waiver be shown as granted
    evidence_known: bool = False

    @property
    def bundle(self) -> Bundle:
        return self.version.bundle

    def snapshot(self) -> GuideSnapshot:
        """What an application pins and what the API answers: the guide as plain data (a snapshot never
        changes when the catalogue does)."""
        definition, result, bundle = self.definition, self.result, self.bundle
        departments = {it.ref: it.department for it in definition.items}
        names = stand_in_names()
        items = {it.ref: it.name for it in definition.items}
        snap: GuideSnapshot = {
            "bundle": {"code": bundle.code, "name": bundle.name, "version": self.version.number},
            "included": list(result.included),
            "excluded": list(result.excluded),
            "form": [
                {
                    "key": f.key,
                    "label_zh": f.spec.label_zh,
                    "label_en": f.spec.label_en,
                    "type": f.spec.type,
                    "required": f.spec.required,
                    "validation": dict(f.spec.validation),
                    "source": f.spec.source,
                    "items": list(f.items),
                }
                for f in result.form.fields
            ],
            "materials": [
                {
                    "code": m.code,
                    "name": m.spec.name,
                    "required": m.spec.required,
                    "items": list(m.items),
                    "tolerated": m.spec.tolerated,
                    "commitment": m.spec.commitment,
                    "commitment_text": m.spec.commitment_text or "",
                    "waiver": (
                        {
                            "kind": m.waiver.kind,
                            "ref": m.waiver.ref,
                            **_reason(m.waiver, names, items),
                        }
                        if m.waiver
                        else None
                    ),
                }
                for m in result.materials.entries
            ],
            "items": [
                {
                    "ref": it.ref,
                    "name": it.name,
                    "department": departments[it.ref],
                    "promised_limit_days": it.promised_limit_days,
                    "legal_limit_days": it.legal_limit_days,
                    "requires": list(result.schedule.get(it.ref).requires),
                }
                for it in definition.items
                if it.ref in result.included
            ],
            "schedule": {
                "critical_path": list(result.schedule.critical_path),
                "total_days": result.schedule.total_days,
            },
        }
        checks = bundle_checks(self.version)
        if checks:
            snap["checks"] = checks
        if self.party is not None:
            snap["prefill"] = self.party.provenance()
            snap["prefill_failures"] = dict(self.party.prefill.failures)
            snap["evidence"] = {
                "licences": sorted(self.party.evidence.licences or ()),
                "data_checks": sorted(self.party.evidence.data_checks or ()),
            }
        return snap

    def public(self) -> dict[str, Any]:
        """The guide as the API shows it: the snapshot with the situation questions and the answers."""
        snap: dict[str, Any] = dict(self.snapshot())
        snap["situations"] = [
            {
                "code": q.code,
                "zh": q.question_zh,
                "en": q.question_en,
                "default": q.default,
                "options": [{"value": o.value, "zh": o.label_zh, "en": o.label_en} for o in q.options],
            }
            for q in self.definition.situations
        ]
        snap["answers"] = dict(self.answers)
        snap.setdefault("prefill", {})
        snap.setdefault("prefill_failures", {})
        return snap

    def needs(self) -> list[MaterialNeed]:
        """The materials as a person reads them, in the guide, its print, the application and at the counter:
        a waiver is shown as granted only when it holds for this applicant (their licences and data checks
        were read) or for anyone (the result of an earlier item of the same bundle); otherwise the ways it
        could be waived are written as conditions ("已有电子营业执照的，免提交")."""
        result = self.result
        if self.evidence_known:
            certain = {m.code: m.waiver for m in result.materials.entries}
        else:  # the catalogue view assumes every stand-in: keep only the waivers that hold for anyone
            nothing = engine.Evidence(licences=frozenset(), data_checks=frozenset())
            held = engine.material_set(self.definition.items, included=result.included, evidence=nothing)
            certain = {m.code: m.waiver for m in held.entries}
        names = stand_in_names()
        items = {it.ref: it.name for it in self.definition.items}
        out = []
        for m in result.materials.entries:
            granted = certain.get(m.code)
            conditions: list[tuple[str, str]] = []
            if granted is None:
                for ref in m.stand_ins.get("licence", ()):
                    zh, en = names["licence"].get(ref, (ref, ref))
                    conditions.append(
                        (
                            f"已有电子{zh.removeprefix('电子')}的，免提交",
                            f"If you already have the e-licence “{en}”, you need not hand it in",
                        )
                    )
                for ref in m.stand_ins.get("data_check", ()):
                    zh, en = names["data_check"].get(ref, (ref, ref))
                    conditions.append(
                        (
                            f"能通过{zh}核验的，免提交",
                            f"If it can be checked with {en}, you need not hand it in",
                        )
                    )
            out.append(
                MaterialNeed(
                    entry=m,
                    granted=_granted_wording(granted, names, items) if granted else None,
                    conditions=tuple(conditions),
                )
            )
        return out

    def prefilled(self) -> dict[str, Any]:
        """The values the sources hold for the form, by key."""
        return {k: v["value"] for k, v in (self.party.provenance() if self.party else {}).items()}


@dataclass(frozen=True)
class MaterialNeed:
    """One material of a guide as a person reads it (`Guide.needs`)."""

    entry: EngineMaterial
    granted: tuple[str, str] | None  # (zh, en) why it need not be handed in, when that holds
    conditions: tuple[tuple[str, str], ...] = ()  # (zh, en) when it would not be needed

    @property
    def code(self) -> str:
        return self.entry.code

    @property
    def spec(self) -> engine.MaterialSpec:
        return self.entry.spec

    @property
    def to_hand_in(self) -> bool:
        return self.granted is None and self.entry.spec.required


def _item_name(items: dict[str, str], ref: str) -> tuple[str, str]:
    """An item of the bundle by its name in Chinese and in English (the Chinese when it has no English)."""
    zh = items.get(ref, ref)
    return zh, english_names()["item"].get(zh, zh)


def _granted_wording(
    waiver: Waiver, names: dict[str, dict[str, tuple[str, str]]], items: dict[str, str]
) -> tuple[str, str]:
    if waiver.kind == "licence":
        zh, en = names["licence"].get(waiver.ref, (waiver.ref, waiver.ref))
        return (
            f"您已有电子{zh.removeprefix('电子')}，无需提交",
            f"You already have the e-licence “{en}”; you need not hand it in",
        )
    if waiver.kind == "data_check":
        zh, en = names["data_check"].get(waiver.ref, (waiver.ref, waiver.ref))
        return (f"已通过{zh}核验，无需提交", f"Checked with {en}; you need not hand it in")
    zh, en = _item_name(items, waiver.ref)
    return (
        f"由本件“{zh}”的办理结果代替，无需提交",
        f"The result of “{en}” in this application stands in for it; you need not hand it in",
    )


def _reason(
    waiver: Waiver, names: dict[str, dict[str, tuple[str, str]]], items: dict[str, str]
) -> dict[str, str]:
    """Why a material is waived, for staff and the documents, naming the licence, source or item (the
    engine's reason names their codes)."""
    if waiver.kind == "licence":
        zh, en = names["licence"].get(waiver.ref, (waiver.ref, waiver.ref))
        return {
            "reason_zh": f"以电子{zh.removeprefix('电子')}替代，无需提交",
            "reason_en": f"Replaced by the e-licence “{en}”; not to be handed in",
        }
    if waiver.kind == "data_check":
        zh, en = names["data_check"].get(waiver.ref, (waiver.ref, waiver.ref))
        return {
            "reason_zh": f"经{zh}核验，无需提交",
            "reason_en": f"Checked with {en}; not to be handed in",
        }
    zh, en = _item_name(items, waiver.ref)
    return {
        "reason_zh": f"由本件“{zh}”的办理结果替代，无需提交",
        "reason_en": f"Replaced by the result of “{en}” in this application",
    }


def guide_version(code: str) -> BundleVersion:
    """The published version of a bundle (the one way every face finds it): 404 when there is none."""
    version = published_version(str(code))
    if version is None:
        raise NotFound(
            "unknown_bundle",
            f"“一件事”{code} 不存在或未发布",
            f"No published bundle '{code}'",
            field="bundle",
        )
    return version


def guide_compute(
    *,
    version: BundleVersion,
    answers: dict[str, Any] | None,
    actor: Actor,
    party: Party | None = None,
    purpose: Purpose | None = None,
    evidence: engine.Evidence | None = None,
) -> Guide:
    """The guide for these answers; with a party and a purpose, prefilled from what the government holds and
    with the materials their licences and data checks waive (each read in the access ledger as `actor`).
    `evidence` found by an earlier computation for the same party (the portal's wizard keeps it between its
    steps) waives materials without reading again. Unknown or invalid answers raise the engine's DomainError
    naming the situation."""
    definition = bundle_definition(version)
    resolved = engine.resolve_answers(definition, {str(k): str(v) for k, v in (answers or {}).items()})
    data = None
    if party is not None and purpose is not None:
        data = party_data(
            definition=definition,
            answers=resolved,
            party_type=party.type,
            party_id=party.id,
            purpose=purpose,
            actor=actor,
        )
    result = engine.compute(definition, resolved, evidence=data.evidence if data else evidence)
    known = data is not None or (evidence is not None and not evidence.is_catalogue_view)
    return Guide(
        version=version,
        definition=definition,
        answers=resolved,
        result=result,
        party=data,
        evidence_known=known,
    )
