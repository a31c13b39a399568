"""The reform figures measured on real applications (issue 4 point 3; 004 §二), next to the catalogue's.

The catalogue computes what a bundle *can* achieve (every licence and data check assumed available,
`catalog/engine/figures.py`). Here each submitted application is measured from what it recorded at submission
— its snapshot (the merged form it was shown, the values prefilled and from where, the values the applicant
changed, the materials with the waivers its real evidence allowed, the included items and the schedule), its
form data and the materials it brought — and set beside the catalogue's figures for the same bundle version
and the same situation answers. The formulas are in docs/reform-figures.md ("Measured on real applications").

Both sides are `engine.Figures`, so every ratio is the same property with the same formula; totals add the
counts first and then take the ratios (a large bundle weighs more, as on /figures/).

Reads only (a selector module): nothing here reads a data source, so nothing goes to the access ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet

from yijianshi.catalog import engine
from yijianshi.catalog.selectors import bundle_definition
from yijianshi.core import clock

from .models import Application

EARLIER = "application"  # the provenance of a value reused from an earlier application (datahub.results)
PRESENCE_CHANNELS = frozenset({"window", "kiosk"})


@dataclass(frozen=True)
class Extra:
    """Counts measured on applications that the catalogue has no figure for."""

    applications: int = 0
    fields_from_sources: int = 0  # prefilled from a data source
    fields_reused: int = 0  # prefilled from what the party entered before (with consent)
    fields_changed: int = 0  # prefilled, then changed by the applicant
    fields_typed: int = 0  # filled by the applicant without a prefilled value
    fields_empty: int = 0  # left empty (optional fields)
    materials_listed: int = 0  # every material entry the application showed, required or not
    materials_waived_licence: int = 0
    materials_waived_data_check: int = 0
    materials_waived_result: int = 0  # the result of an earlier item of the same application
    materials_provided: int = 0  # material codes the applicant brought or uploaded
    materials_tolerated: int = 0  # 容缺
    materials_committed: int = 0  # 告知承诺
    visits_observed: int = 0  # applied at a window or kiosk (1) + collected at a window (1)

    def __add__(self, other: Extra) -> Extra:
        return Extra(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(Extra)})


@dataclass(frozen=True)
class Measured:
    measured: engine.Figures
    catalogue: engine.Figures
    extra: Extra


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def measure(
    *,
    snapshot: Mapping[str, Any],
    form_data: Mapping[str, Any],
    materials_provided: Sequence[str],
    tolerated: Sequence[str],
    commitments: Sequence[str],
    definition: engine.BundleDef,
    answers: Mapping[str, str],
    channel: str = "",
    delivery_method: str = "",
    catalogue: engine.Figures | None = None,
) -> Measured:
    """One application's figures. Pure: everything comes from the arguments (`catalogue`, the catalogue's
    figures for the definition and answers, is computed when not given)."""
    form = snapshot.get("form") or []
    prefill: Mapping[str, Any] = snapshot.get("prefill") or {}
    keys = [f["key"] for f in form]
    prefilled = [k for k in keys if k in prefill]
    changed = set(snapshot.get("prefill_changed") or ()) & set(prefilled)
    filled = [k for k in keys if not _empty(form_data.get(k))]
    materials = snapshot.get("materials") or []
    required = [m for m in materials if m.get("required")]
    waived = [m["waiver"]["kind"] for m in required if m.get("waiver")]
    included = set(snapshot.get("included") or ())
    items = [it for it in definition.items if it.ref in included]
    listed_items = snapshot.get("items") or []
    measured = engine.Figures(
        items=len(items),
        fields_separate=sum(len(it.fields) for it in items),
        fields_merged=len(keys),
        fields_auto=len(prefilled) - len(changed),  # generated and kept: what the applicant did not type
        materials_separate=sum(sum(1 for m in it.materials if m.required) for it in items),
        materials_required=len(required) - len(waived),  # asked of the applicant
        time_separate_days=sum(int(it.get("legal_limit_days") or 0) for it in listed_items),
        time_bundle_days=int((snapshot.get("schedule") or {}).get("total_days") or 0),  # promised
        steps_separate=sum(it.steps for it in items),
        steps_bundle=max((it.steps for it in items), default=0),
        visits_separate=sum(it.visits for it in items),
        visits_bundle=max((it.visits for it in items), default=0),
    )
    if catalogue is None:
        catalogue = engine.compute(definition, dict(answers)).figures
    extra = Extra(
        applications=1,
        fields_from_sources=sum(1 for k in prefilled if prefill[k].get("source") != EARLIER),
        fields_reused=sum(1 for k in prefilled if prefill[k].get("source") == EARLIER),
        fields_changed=len(changed),
        fields_typed=sum(1 for k in filled if k not in prefill),
        fields_empty=len(keys) - len(filled),
        materials_listed=len(materials),
        materials_waived_licence=waived.count("licence"),
        materials_waived_data_check=waived.count("data_check"),
        materials_waived_result=waived.count("item_result"),
        materials_provided=len(set(materials_provided)),
        materials_tolerated=len(set(tolerated)),
        materials_committed=len(set(commitments)),
        visits_observed=int(channel in PRESENCE_CHANNELS) + int(delivery_method == "pickup"),
    )
    return Measured(measured=measured, catalogue=catalogue, extra=extra)


def add(figures: Iterable[engine.Figures]) -> engine.Figures:
    names = [f.name for f in fields(engine.Figures)]
    rows = list(figures)
    return engine.Figures(**{n: sum(getattr(r, n) for r in rows) for n in names})


RATIOS = ("fields_auto_share", "materials_reduction", "time_reduction", "steps_reduction", "visits_reduction")


@dataclass(frozen=True)
class MeasuredRow:
    """The figures of a bundle (or of everything: code ``*``) over its measured applications."""

    region: str
    code: str
    name: str
    measured: engine.Figures
    catalogue: engine.Figures
    extra: Extra

    def as_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "region": self.region,
            "code": self.code,
            "name": self.name,
            **asdict(self.extra),
        }
        row.update({f"measured_{k}": v for k, v in asdict(self.measured).items()})
        row.update({f"measured_{r}": getattr(self.measured, r) for r in RATIOS})
        row.update({f"catalogue_{k}": v for k, v in asdict(self.catalogue).items()})
        row.update({f"catalogue_{r}": getattr(self.catalogue, r) for r in RATIOS})
        return row


@dataclass(frozen=True)
class MeasuredReport:
    rows: list[MeasuredRow]
    total: MeasuredRow | None

    @property
    def applications(self) -> int:
        return self.total.extra.applications if self.total else 0


def _bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(since, time.min, tzinfo=clock.SHANGHAI) if since else None
    end = datetime.combine(until, time.max, tzinfo=clock.SHANGHAI) if until else None
    return start, end


def measured_applications(
    *,
    region: str | None = None,
    bundle: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[Application]:
    """The submitted applications measured: every application (each was submitted), optionally of one region,
    one bundle, and submitted within [since, until] (dates in Asia/Shanghai)."""
    qs = Application.objects.select_related("bundle", "region", "bundle_version")
    if region:
        qs = qs.filter(region__code=region)
    if bundle:
        qs = qs.filter(bundle__code=bundle)
    start, end = _bounds(since, until)
    if start:
        qs = qs.filter(submitted_at__gte=start)
    if end:
        qs = qs.filter(submitted_at__lte=end)
    return qs.order_by("bundle__region__code", "bundle__seq", "pk")


def measured_figures(
    *,
    region: str | None = None,
    bundle: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> MeasuredReport:
    """Per bundle and in total, the figures measured on the applications next to the catalogue's."""
    definitions: dict[int, engine.BundleDef] = {}
    catalogues: dict[tuple[int, tuple[tuple[str, str], ...]], engine.Figures] = {}
    by_bundle: dict[str, list[Measured]] = {}
    names: dict[str, tuple[str, str]] = {}
    for app in measured_applications(region=region, bundle=bundle, since=since, until=until).iterator():
        definition = definitions.get(app.bundle_version_id)
        if definition is None:
            definition = definitions[app.bundle_version_id] = bundle_definition(app.bundle_version)
        names[app.bundle.code] = (app.region.code, app.bundle.name)
        answers = {str(k): str(v) for k, v in (app.answers or {}).items()}
        key = (app.bundle_version_id, tuple(sorted(answers.items())))
        if key not in catalogues:
            catalogues[key] = engine.compute(definition, answers).figures
        by_bundle.setdefault(app.bundle.code, []).append(
            measure(
                snapshot=app.snapshot or {},
                form_data=app.form_data or {},
                materials_provided=app.materials_provided,
                tolerated=app.tolerated,
                commitments=app.commitments,
                definition=definition,
                answers=answers,
                channel=app.channel,
                delivery_method=app.delivery_method,
                catalogue=catalogues[key],
            )
        )
    rows = []
    for code, measured in by_bundle.items():
        extra = Extra()
        for m in measured:
            extra = extra + m.extra
        rows.append(
            MeasuredRow(
                region=names[code][0],
                code=code,
                name=names[code][1],
                measured=add(m.measured for m in measured),
                catalogue=add(m.catalogue for m in measured),
                extra=extra,
            )
        )
    if not rows:
        return MeasuredReport(rows=[], total=None)
    total_extra = Extra()
    for r in rows:
        total_extra = total_extra + r.extra
    total = MeasuredRow(
        region=region or "*",
        code="*",
        name="合计",
        measured=add(r.measured for r in rows),
        catalogue=add(r.catalogue for r in rows),
        extra=total_extra,
    )
    return MeasuredReport(rows=rows, total=total)
