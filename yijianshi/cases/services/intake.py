"""收件 (004 annex 3 §3): within 2 working hours the window checks an application once: complete → a receipt
and one item case per item, pushed to its department through the outbox; incomplete → one deficiency notice
listing everything at once (一次告知). 补齐补正: the applicant (or the clerk) supplies it, and intake starts again.

A material the applicant listed without a file (待窗口核验, cases/material_states.py) is provided only when the
clerk confirms at intake that it was handed in and checked (`confirmed`, a history row naming the clerk; issue
17 point 4). Intake does not accept while a required one is unconfirmed (400 `materials_not_confirmed` naming
them): the clerk confirms it, or chooses the deficiency notice (`deficient`, or problems of their own), which
then lists it as missing. A supplement must bring something of what was asked (issue 18 point 5)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction

from yijianshi.catalog.models import Department, Item
from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.calendar import work_calendar
from yijianshi.core.errors import DomainError
from yijianshi.core.workdays import deadline_words
from yijianshi.documents.kinds import DocumentKind
from yijianshi.integrations.outbox import outbox_enqueue
from yijianshi.uploads.models import Upload
from yijianshi.uploads.services import uploads_claim

from .. import permissions, progress
from ..formcheck import check_form
from ..material_states import (
    MAX_REVIEW_REASON,
    MaterialReview,
    MaterialRow,
    MaterialState,
    asked_codes,
    correction_problem,
    deficiency_notice_event,
    material_states,
    missing_materials,
    received_materials,
    unconfirmed_materials,
)
from ..materials import uploads_link
from ..models import Application, CaseEvent, Commitment, EventType, ItemCase, ToleratedMaterial
from ..transitions import AppAction
from .base import (
    ACCEPT_DAYS,
    INTAKE_HOURS,
    POST_CHECK_DAYS,
    at_the_window,
    check_version,
    document_issue,
    event_write,
    hours_of,
    lock_application,
    notify_applicant,
    set_app_status,
)

IDENTITY_FIELDS = frozenset(
    {"id_number", "name", "uscc", "birth_date"}
)  # who a subject is (issue 17 point 5)


def _deficiencies(application: Application) -> list[str]:
    """The notice's lines for the missing materials, by name: the notice is for people, never a code."""
    return [f"缺少材料：{m.spec['name']}" for m in missing_materials(application)]


def _reviewed(app: Application, reviews: Mapping[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    """The clerk's review of provided materials (code -> (verdict, reason)), checked: only a provided material
    of this application, a known verdict, a reason for 需补正 (printed in the notice)."""
    provided = {row.code: row for row in material_states(app) if row.state == MaterialState.PROVIDED}
    out: dict[str, dict[str, str]] = {}
    for code, (verdict, reason) in reviews.items():
        field = f"review:{code}"
        if code not in provided:
            raise DomainError(
                "not_a_provided_material",
                f"“{code}”不是本件已提交的材料，不能审查",
                f"'{code}' is not a material provided with this application",
                field=field,
            )
        try:
            judged = MaterialReview(verdict)
        except ValueError:
            raise DomainError(
                "unknown_review", "请选择合格或需补正", "Choose accepted or needs correction", field=field
            ) from None
        reason = str(reason or "").strip()
        if judged == MaterialReview.NEEDS_CORRECTION and not reason:
            raise DomainError(
                "review_reason_required",
                f"请写明“{provided[code].spec['name']}”需补正的原因",
                f"Say why '{provided[code].spec['name']}' needs correction",
                field=field,
            )
        if len(reason) > MAX_REVIEW_REASON:
            raise DomainError(
                "too_long",
                f"原因不能超过 {MAX_REVIEW_REASON} 字",
                f"The reason must be at most {MAX_REVIEW_REASON} characters",
                field=field,
            )
        out[code] = {"verdict": judged.value, "reason": reason}
    return out


def _names(rows: Iterable[MaterialRow]) -> tuple[str, str]:
    listed = [(str(m.spec.get("name") or m.code), m.code) for m in rows]
    return "、".join(f"“{n}”（{c}）" for n, c in listed), ", ".join(f"'{n}' ({c})" for n, c in listed)


def _confirmable(app: Application, confirmed: Iterable[str]) -> list[str]:
    """The codes the clerk confirms that the applicant listed to hand in at the window. A code already in hand
    (uploaded, scanned, waived) is a harmless repeat; any other is refused (400 naming it): the clerk confirms
    what the applicant listed, nothing else."""
    codes = sorted({str(c) for c in confirmed})
    in_hand = set(app.materials_provided) | {m["code"] for m in app.snapshot["materials"] if m.get("waiver")}
    unlisted = [c for c in codes if c not in set(app.materials_to_present) | in_hand]
    if unlisted:
        names = {m["code"]: m["name"] for m in app.snapshot["materials"]}
        shown = "、".join(f"“{names.get(c, c)}”（{c}）" for c in unlisted)
        raise DomainError(
            "material_not_listed",
            f"以下材料不在申请人列明到窗口提交的材料中，不能确认：{shown}",
            f"Not among the materials the applicant listed to hand in at the window: {', '.join(unlisted)}",
            field="confirmed",
        )
    return [c for c in codes if c in set(app.materials_to_present)]


@transaction.atomic
def application_intake(
    *,
    application: Application,
    actor: Actor,
    problems: Sequence[str] = (),
    confirmed: Iterable[str] = (),
    deficient: bool = False,
    expected_version: int | None = None,
    reviews: Mapping[str, tuple[str, str]] | None = None,
) -> Application:
    """收件: complete → receipt and fan-out to the departments; incomplete → one notice listing everything.
    `confirmed`: the materials listed to hand in at the window that the clerk saw and checked; `deficient`: the
    clerk chooses the deficiency notice for those not handed in rather than being refused; `reviews`: code ->
    (verdict, reason) for provided materials, those needing correction listed in the notice with the reason."""
    app = lock_application(application)
    permissions.require_intake(actor, app)
    check_version(app, expected_version)
    problems = [f"{p}" for p in problems if str(p).strip()]
    # a material the clerk judged (合格 / 需补正) was in their hands: presented, as if ticked
    judged_at_window = [c for c in (reviews or {}) if c in app.materials_to_present]
    presented = _confirmable(app, [*confirmed, *judged_at_window])
    rows = [m for m in unconfirmed_materials(app) if m.code not in presented]
    asks_correction = any(
        verdict == MaterialReview.NEEDS_CORRECTION for verdict, _ in (reviews or {}).values()
    )
    if rows and not deficient and not problems and not asks_correction:
        zh, en = _names(rows)
        raise DomainError(
            "materials_not_confirmed",
            f"以下材料申请人列明到窗口提交，尚未确认已收取核验：{zh}。请勾选已核验的材料，或出具一次告知书",
            f"The applicant listed these to hand in at the window and they are not confirmed as checked: {en}. "
            "Confirm those checked, or issue the deficiency notice",
            field="confirmed",
        )
    # confirmed → provided; the rest leave the list (not handed in: missing, if required)
    app.materials_provided = sorted(set(app.materials_provided) | set(presented))
    app.materials_to_present = []
    judged = _reviewed(app, reviews or {})  # provided ones, those just confirmed too
    specs = {row.code: row.spec for row in material_states(app)}
    corrections = [
        correction_problem(specs[code], r["reason"])
        for code, r in judged.items()
        if r["verdict"] == MaterialReview.NEEDS_CORRECTION
    ]
    found = _deficiencies(app) + corrections + problems
    asked = [m.code for m in missing_materials(app)] + [
        code for code, r in judged.items() if r["verdict"] == MaterialReview.NEEDS_CORRECTION
    ]
    if deficient and not found:
        raise DomainError(
            "nothing_to_notify",
            "材料已齐全：出具一次告知书须写明需补正的内容",
            "Nothing is missing: list what must be corrected to issue the deficiency notice",
            field="problems",
        )
    app.save(update_fields=["materials_provided", "materials_to_present"])
    if presented:
        event_write(
            app,
            EventType.MATERIAL_PROVIDED,
            actor=actor,
            data={"materials": presented, "confirmed": True},
        )
    if found:
        old = set_app_status(app, AppAction.INTAKE_DEFICIENT)
        app.save(update_fields=["status", "version"])
        due = progress.respond_by(work_calendar(), clock.now(), progress.supplement_days())
        due_zh, due_en = deadline_words(due), deadline_words(due, "en")
        doc = document_issue(
            app,
            DocumentKind.DEFICIENCY_NOTICE,
            issued_by=app.service_point,
            items=found,
            lines=[
                ("办件编号", app.number),
                ("告知事项数", str(len(found))),
                ("补正期限", f"请于{due_zh}一次补齐（{progress.supplement_days()} 个工作日）"),
                ("逾期后果", progress.AFTER_SUPPLEMENT[0]),
            ],
        )
        event_write(
            app,
            EventType.DEFICIENT,
            actor=actor,
            from_status=old,
            to_status=app.status,
            reason="；".join(found),
            data={
                "problems": found,
                "asked": asked,  # the materials the supplement brings (material_states.asked_materials)
                "asked_other": bool(problems),  # and the clerk's own lines, which a changed field may answer
                "respond_by": due.isoformat(),
                **({"reviews": judged} if judged else {}),
            },
            document=doc,
        )
        notify_applicant(
            app,
            "application.deficient",
            f"材料需补正，请于{due_zh}一次补齐：{'；'.join(found)}。{progress.AFTER_SUPPLEMENT[0]}",
            f"please supply everything listed at once ({len(found)} item(s)) {due_en}. "
            f"{progress.AFTER_SUPPLEMENT[1]}",
        )
        return app
    now = clock.now()
    old = set_app_status(app, AppAction.INTAKE_COMPLETE)
    app.received_at = now
    app.save(update_fields=["status", "version", "received_at"])
    doc = document_issue(
        app,
        DocumentKind.RECEIPT,
        issued_by=app.service_point,
        lines=[("办件编号", app.number), ("一件事", app.bundle.name)],
        items=[str(m.spec["name"]) for m in received_materials(app)],
    )
    event_write(
        app,
        EventType.RECEIVED,
        actor=actor,
        from_status=old,
        to_status=app.status,
        document=doc,
        data={"reviews": judged} if judged else None,
    )
    _fan_out(app, actor, now)
    notify_applicant(
        app,
        "application.received",
        "材料齐全，已收件并推送各联办部门。",
        "complete; received and sent to the departments.",
    )
    return app


def _fan_out(app: Application, actor: Actor, now: datetime) -> None:
    calendar = work_calendar()
    departments = {d.code: d for d in Department.objects.filter(region=app.region)}
    items = {i.ref: i for i in Item.objects.filter(region=app.region, ref__in=app.snapshot["included"])}
    materials = app.snapshot["materials"]
    for pos, spec in enumerate(app.snapshot["items"]):
        case = ItemCase.objects.create(
            application=app,
            ref=spec["ref"],
            item=items[spec["ref"]],
            name=spec["name"],
            department=departments[spec["department"]],
            position=pos,
            requires=spec["requires"],
            promised_limit_days=spec["promised_limit_days"],
            accept_deadline=calendar.add_workdays(now, ACCEPT_DAYS),
        )
        for m in materials:
            if spec["ref"] not in m["items"]:
                continue
            if m["code"] in app.tolerated:
                ToleratedMaterial.objects.create(
                    item_case=case,
                    code=m["code"],
                    name=m["name"],
                    due_at=calendar.add_workdays(now, max(1, spec["promised_limit_days"])),
                )
            if m["code"] in app.commitments:
                Commitment.objects.create(
                    item_case=case,
                    code=m["code"],
                    name=m["name"],
                    text=m["commitment_text"] or f"本人承诺“{m['name']}”真实有效。",
                    signed_by=app.agent or app.applicant,
                    signed_at=now,
                    check_due_at=calendar.add_workdays(now, POST_CHECK_DAYS),
                )
                event_write(
                    app,
                    EventType.COMMITMENT_SIGNED,
                    actor=actor,
                    item_case=case,
                    data={"material": m["code"]},
                )
        outbox_enqueue(
            topic="item_case.created",
            department=case.department,
            payload=_case_payload(case),
            idempotency_key=f"{app.number}:{case.ref}:created",
        )
    event_write(app, EventType.FANNED_OUT, actor=actor, data={"item_cases": len(app.snapshot["items"])})


def _case_payload(case: ItemCase) -> dict[str, Any]:
    """What a department's system receives: its item's fields and materials, nothing of the other items."""
    app = case.application
    keys = {f["key"] for f in app.snapshot["form"] if case.ref in f["items"]}
    return {
        "application": app.number,
        "item_case": case.pk,
        "item": case.ref,
        "name": case.name,
        "accept_deadline": case.accept_deadline.isoformat(),
        "requires": case.requires,
        "form": {k: v for k, v in app.form_data.items() if k in keys},
        "materials": [m["code"] for m in app.snapshot["materials"] if case.ref in m["items"]],
    }


def _attached_since_notice(app: Application, notice: CaseEvent | None) -> set[str]:
    """The materials of the files attached to the application since the notice (a clerk's scans, the
    applicant's uploads): brought by the supplement as much as those it carries."""
    since = Upload.objects.filter(attached_to=app)
    if notice is not None:
        since = since.filter(created_at__gte=notice.at)
    return set(since.values_list("material_key", flat=True))


def _require_something(
    app: Application, notice: CaseEvent | None, *, brought: set[str], changed: bool
) -> None:
    """A supplement brings what was asked (issue 18 point 5): one of the materials the notice asked for (missing,
    or judged 需补正) when it asked for some — or, when the clerk also wrote lines of their own, a changed field
    or a file; otherwise a file, a material or a changed field. Else 400 `supplement_empty` naming them."""
    codes = asked_codes(app, notice)
    if codes:
        if brought & set(codes):
            return
        if notice is not None and (notice.data or {}).get("asked_other") and (brought or changed):
            return
        asked = {row.code: row for row in material_states(app)}
        zh, en = _names(asked[c] for c in codes if c in asked)
        raise DomainError(
            "supplement_empty",
            f"补正须提交一次告知书所列的材料：{zh}",
            f"A supplement must bring the materials the notice lists: {en}",
            field="materials",
        )
    if not (brought or changed):
        raise DomainError(
            "supplement_empty",
            "补正未提交任何材料或更正",
            "The supplement brings no material and no correction",
            field="materials",
        )


@transaction.atomic
def application_supplement(
    *,
    application: Application,
    actor: Actor,
    form: Any = None,
    materials: Iterable[str] = (),
    expected_version: int | None = None,
    uploads: Iterable[uuid.UUID | str] = (),
) -> Application:
    """补齐补正 after a deficiency notice: back to the clerk's intake with a fresh 2-working-hour clock; the fields
    it changes are in the history row, a subject's identity fields apart, and shown to the clerk highlighted.
    Materials count as provided when uploaded now (`uploads`, attached here), already attached to the
    application (a clerk's scans, the applicant's uploads for this application) or named by a clerk at the
    counter; named by the applicant without a file, they are to hand in at the window (confirmed at intake).
    It must bring something of what was asked: one of the materials the notice asked for, missing or judged
    需补正 (400 `supplement_empty` naming them; material_states.asked_materials), or else a file, a material or
    a changed field."""
    app = lock_application(application)
    permissions.require_owner_or_clerk(actor, app)
    check_version(app, expected_version)
    merged = {**app.form_data, **form} if isinstance(form, dict) else app.form_data
    if form is not None and not isinstance(form, dict):
        raise DomainError("invalid_form", "表单应为对象", "The form must be an object", field="form")
    clean = check_form(
        app.snapshot["form"], merged, checks=app.snapshot.get("checks", ()), answers=app.answers
    )
    codes = {m["code"] for m in app.snapshot["materials"]}
    extra = list(materials)
    for code in extra:
        if code not in codes:
            raise DomainError(
                "unknown_material",
                f"本件不需要材料“{code}”",
                f"'{code}' is not a material of this application",
                field="materials",
            )
    claimed = uploads_claim(
        actor=actor,
        bundle_code=app.bundle.code,
        upload_ids=uploads,
        materials={m["code"]: m for m in app.snapshot["materials"]},
    )
    changed = sorted(k for k in set(clean) | set(app.form_data) if clean.get(k) != app.form_data.get(k))
    uploaded = {u.material_key for u in claimed}
    old = set_app_status(
        app, AppAction.SUPPLEMENT
    )  # a supplement only after a notice (409), then what it brings
    notice = deficiency_notice_event(app)
    supplied = uploaded | set(extra) | _attached_since_notice(app, notice)
    _require_something(app, notice, brought=supplied, changed=bool(changed))
    uploads_link(application=app, uploads=claimed, actor=actor)
    attached = set(Upload.objects.filter(attached_to=app).values_list("material_key", flat=True))
    provided = set(app.materials_provided) | uploaded | attached
    listed = set(extra) - provided - {m["code"] for m in app.snapshot["materials"] if m.get("waiver")}
    if at_the_window(actor):
        provided |= listed
    else:
        app.materials_to_present = sorted(set(app.materials_to_present) | listed)
    extra = sorted(set(extra) | uploaded | attached)
    app.form_data = clean
    app.materials_provided = sorted(provided)
    now = clock.now()
    app.intake_deadline = work_calendar().add_work_hours(now, INTAKE_HOURS, hours_of(app.service_point))
    app.overdue = False
    app.save(
        update_fields=[
            "status",
            "version",
            "form_data",
            "materials_provided",
            "materials_to_present",
            "intake_deadline",
            "overdue",
        ]
    )
    event_write(
        app,
        EventType.SUPPLEMENTED,
        actor=actor,
        from_status=old,
        to_status=app.status,
        data={
            "materials": extra,
            "supplied": sorted(supplied),  # what it brought: a 需补正 of one of these is over
            "to_present": sorted(app.materials_to_present),
            "uploads": [str(u.pk) for u in claimed],
            "changed": changed,
            "identity_changed": [k for k in changed if k.rpartition(".")[2] in IDENTITY_FIELDS],
        },
    )
    return app
