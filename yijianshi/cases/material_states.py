"""The state of each material of an application (004 annex 3, 收件: 一次告知 lists every missing one): one home
for the rule, used by intake (what is missing), the clerk's and the officer's pages, the applicant's pages and
the API.

A material is, in this order of precedence:
- waived (免提交) when the guide computed a waiver for it (a valid e-licence, a data check, an earlier result),
  with the reason;
- provided (已提交) when an upload, a clerk's scan or a clerk's confirmation made it so (`materials_provided`);
- tolerated (容缺) when the applicant asked to hand it in after acceptance, and tolerated-received once staff
  recorded it;
- committed (告知承诺) when a signed commitment stands in for it;
- to present (待窗口核验) when the applicant listed it without a file (`materials_to_present`): it becomes
  provided only when a clerk confirms at intake that it was handed in and checked (issue 17 point 4);
- missing (缺少) when required and none of the above; optional (选交) otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from yijianshi.core.labels import Labelled, labels_set

from .models import Application


class MaterialState(Labelled):
    WAIVED = "waived"
    PROVIDED = "provided"
    TOLERATED = "tolerated"
    COMMITTED = "committed"
    TO_PRESENT = "to_present"
    MISSING = "missing"
    OPTIONAL = "optional"


labels_set(
    MaterialState,
    {
        "waived": ("免提交", "waived"),
        "provided": ("已提交", "provided"),
        "tolerated": ("容缺（后补）", "tolerated (to follow)"),
        "committed": ("告知承诺", "signed commitment"),
        "to_present": ("待窗口核验", "to hand in at the window"),
        "missing": ("缺少", "missing"),
        "optional": ("选交", "optional"),
    },
)


@dataclass(frozen=True)
class MaterialRow:
    spec: dict[str, Any]  # the material as the application's snapshot holds it (code, name, items, waiver …)
    state: MaterialState

    @property
    def code(self) -> str:
        return str(self.spec["code"])

    def concerns(self, refs: Iterable[str]) -> bool:
        """Is it a material of one of these items?"""
        return bool(set(self.spec.get("items", ())) & set(refs))

    def as_dict(self) -> dict[str, Any]:
        """For templates: the snapshot's keys, the state and its labels."""
        return {**self.spec, "state": self.state.value, "state_zh": self.state.zh, "state_en": self.state.en}


def material_state(
    spec: dict[str, Any],
    *,
    provided: Iterable[str],
    tolerated: Iterable[str],
    committed: Iterable[str],
    to_present: Iterable[str] = (),
) -> MaterialState:
    code = spec["code"]
    if spec.get("waiver"):
        return MaterialState.WAIVED
    if code in provided:
        return MaterialState.PROVIDED
    if code in tolerated:
        return MaterialState.TOLERATED
    if code in committed:
        return MaterialState.COMMITTED
    if code in to_present:
        return MaterialState.TO_PRESENT
    return MaterialState.MISSING if spec.get("required") else MaterialState.OPTIONAL


def material_states(app: Application) -> list[MaterialRow]:
    """Each material of the application with its state, in the guide's order."""
    provided, tolerated, committed = set(app.materials_provided), set(app.tolerated), set(app.commitments)
    to_present = set(app.materials_to_present)
    return [
        MaterialRow(
            spec=m,
            state=material_state(
                m, provided=provided, tolerated=tolerated, committed=committed, to_present=to_present
            ),
        )
        for m in (app.snapshot or {}).get("materials", [])
    ]


def missing_materials(app: Application) -> list[MaterialRow]:
    return [row for row in material_states(app) if row.state == MaterialState.MISSING]


def unconfirmed_materials(app: Application) -> list[MaterialRow]:
    """The required materials still waiting for a clerk to confirm them at the window: intake cannot accept
    the application while there is one."""
    return [
        row
        for row in material_states(app)
        if row.state == MaterialState.TO_PRESENT and row.spec.get("required")
    ]


def received_materials(app: Application) -> list[MaterialRow]:
    """What was handed in (uploaded, scanned or confirmed by a clerk): the receipt's list."""
    return [row for row in material_states(app) if row.state == MaterialState.PROVIDED]


# ------------------------------------------------------------------------------------------------ review at intake
# The clerk's judgement of each provided material at intake (004 annex 3, 收件审查): 合格, or 需补正 with the
# reason, which the one deficiency notice (一次告知) prints. Kept in the intake event's data (`reviews`), so the
# latest intake's judgement is the one shown; the material's state above is unchanged by it.


class MaterialReview(Labelled):
    ACCEPTED = "accepted"
    NEEDS_CORRECTION = "needs_correction"


labels_set(
    MaterialReview,
    {
        "accepted": ("合格", "accepted"),
        "needs_correction": ("需补正", "needs correction"),
    },
)

MAX_REVIEW_REASON = 500


def correction_problem(spec: dict[str, Any], reason: str) -> str:
    """The line of the deficiency notice for a provided material that needs correction, with the reason."""
    return f"材料需补正：{spec['name']}。原因：{reason}"


def material_reviews(app: Application) -> dict[str, dict[str, str]]:
    """The latest intake's review of each material: code -> {verdict, reason, zh, en} (empty if none). A 需补正
    is over once a supplement brought the material again (its `supplied`): the new one waits for the next
    intake's judgement, and is not shown as needing correction meanwhile."""
    from .models import EventType

    event = (
        app.events.filter(type__in=(EventType.DEFICIENT, EventType.RECEIVED), item_case__isnull=True)
        .order_by("-at", "-pk")
        .first()
    )
    reviews: dict[str, dict[str, str]] = dict((event.data or {}).get("reviews", {})) if event else {}
    resupplied = _supplied_since(app, event) if event else set()
    out = {}
    for code, review in reviews.items():
        try:
            verdict = MaterialReview(review.get("verdict", ""))
        except ValueError:
            continue
        if verdict == MaterialReview.NEEDS_CORRECTION and code in resupplied:
            continue
        out[code] = {
            "verdict": verdict.value,
            "reason": review.get("reason", ""),
            "zh": verdict.zh,
            "en": verdict.en,
        }
    return out


def _supplied_since(app: Application, event: Any) -> set[str]:
    """The materials the supplements after this history row brought."""
    from .models import EventType

    rows = app.events.filter(type=EventType.SUPPLEMENTED, item_case__isnull=True).filter(
        Q(at__gt=event.at) | Q(at=event.at, pk__gt=event.pk)
    )
    return {
        str(code) for data in rows.values_list("data", flat=True) for code in (data or {}).get("supplied", [])
    }


# ----------------------------------------------------------------------------------- what the notice asked for
# The one deficiency notice (一次告知) names the materials the applicant must supply: those missing when it was
# issued and those the clerk judged 需补正. A supplement brings those and lists only those (issue 18 point 5);
# one the applicant then supplied is not asked again, unless the next intake judges it again.


def deficiency_notice_event(app: Application) -> Any:
    """The history row of the latest deficiency notice (None if there is none)."""
    from .models import EventType

    return app.events.filter(type=EventType.DEFICIENT, item_case__isnull=True).order_by("-at", "-pk").first()


def asked_codes(app: Application, event: Any = None) -> list[str]:
    """The codes of the materials the latest deficiency notice asked for (its `asked`; for a notice from before
    they were kept, the materials missing now and those its reviews judged 需补正)."""
    event = event or deficiency_notice_event(app)
    if event is None:
        return []
    data = event.data or {}
    if "asked" in data:
        return [str(c) for c in data["asked"]]
    corrections = {
        code
        for code, r in (data.get("reviews") or {}).items()
        if r.get("verdict") == MaterialReview.NEEDS_CORRECTION
    }
    return [
        row.code
        for row in material_states(app)
        if row.state == MaterialState.MISSING or row.code in corrections
    ]


def asked_materials(app: Application) -> list[dict[str, Any]]:
    """The materials the latest deficiency notice asked for, in the guide's order, each with its state and, for
    one judged 需补正, the reason the notice printed (`correction`): what the supplement page lists."""
    event = deficiency_notice_event(app)
    codes = set(asked_codes(app, event))
    reviews = ((event.data or {}).get("reviews") or {}) if event else {}
    return [
        {**row.as_dict(), "correction": _correction_reason(reviews.get(row.code))}
        for row in material_states(app)
        if row.code in codes
    ]


def _correction_reason(review: Any) -> str:
    if not isinstance(review, dict) or review.get("verdict") != MaterialReview.NEEDS_CORRECTION:
        return ""
    return str(review.get("reason", ""))
