"""Writes to cases (004 annex 3, 通用流程). One command, one transaction: each service locks what it decides on
(the application row first, then its item cases, always in that order), checks the transition against the
tables in transitions.py, writes the history row, the documents and the outbox messages in the same
transaction, and leaves notifications to `transaction.on_commit`.

Clocks (stored when assigned): intake within 2 working hours of submission (the service point's business
hours), acceptance within 1 working day of intake, each item's promised limit from its acceptance; a
correction request stops the item's clock and the pause is added back on resume.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q

from yijianshi.accounts.models import PartyType, Profile, Role
from yijianshi.accounts.roles import Actor, actor_of, profile_of
from yijianshi.catalog import engine
from yijianshi.catalog.models import Bundle, Department, Item, ServicePoint
from yijianshi.catalog.selectors import bundle_definition, published_version, region_service_point
from yijianshi.core import clock
from yijianshi.core.calendar import work_calendar
from yijianshi.core.errors import Conflict, DomainError, NotFound
from yijianshi.core.identifiers import credit_code, resident_id
from yijianshi.core.notify import Notice
from yijianshi.core.text import hidden_controls
from yijianshi.core.workdays import BusinessHours
from yijianshi.documents.render import DocumentData, render_pdf
from yijianshi.integrations.outbox import outbox_enqueue
from yijianshi.ledger.services import Purpose
from yijianshi.mandates.permissions import mandate_require
from yijianshi.mandates.services import mandate_use
from yijianshi.mandates.transitions import Ability
from yijianshi.uploads.models import Upload
from yijianshi.uploads.services import uploads_attach, uploads_claim

from . import permissions
from .formcheck import PHONE, check_form
from .models import (
    Application,
    CaseEvent,
    Channel,
    Commitment,
    CreditRecord,
    DeliveryMethod,
    Document,
    EventType,
    ItemCase,
    ToleratedMaterial,
)
from .transitions import (
    FINAL_CASE_STATES,
    OPEN_CASE_STATES,
    AppAction,
    AppStatus,
    CaseAction,
    CaseStatus,
    next_application_status,
    next_case_status,
)

INTAKE_HOURS = 2  # 004 annex 3: online applications are checked within 2 working hours
ACCEPT_DAYS = 1  # 004 annex 3: each department accepts or rejects within 1 working day
POST_CHECK_DAYS = 30  # a commitment is checked within 30 working days of intake (illustrative; configurable later)
DONE_FOR_DEPENDANTS = frozenset({CaseStatus.APPROVED, CaseStatus.DELIVERED})
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,100}")  # visible ASCII, as HTTP carries it (ADR 0007)
DOC_CODES = {"receipt": "SJ", "deficiency_notice": "GZ", "acceptance_notice": "SL", "rejection_decision": "BSL",
             "correction_notice": "BZ", "approval_decision": "ZY", "denial_decision": "BY",
             "withdrawal_notice": "CH", "delivery_receipt": "SD"}


@dataclass(frozen=True)
class Submission:
    application: Application
    replayed: bool


# ------------------------------------------------------------------------------------------------ helpers


def _actor(user: User | None) -> Actor:
    return actor_of(user) if user is not None else Actor(user_id=None, role="system")


def _event(application: Application, type: str, *, actor: User | None, item_case: ItemCase | None = None,
           from_status: str = "", to_status: str = "", reason: str = "", data: dict[str, Any] | None = None,
           document: Document | None = None) -> CaseEvent:
    role = _actor(actor).role or ""
    return CaseEvent.objects.create(application=application, item_case=item_case, type=type, actor=actor,
                                    actor_role=role if actor else "system", at=clock.now(),
                                    from_status=from_status, to_status=to_status, reason=reason,
                                    data=data or {}, document=document)


def _hours(point: ServicePoint) -> BusinessHours:
    return BusinessHours.parse(point.hours.split(";")[0] if point.hours else "")


def _document(application: Application, kind: str, *, issuer: str, lines: Sequence[tuple[str, str]] = (),
              items: Sequence[str] = (), item_case: ItemCase | None = None) -> Document:
    from django.conf import settings

    count = Document.objects.filter(application=application, kind=kind).count()
    number = f"{application.number}-{DOC_CODES[kind]}{count + 1:02d}"
    issued = clock.now()
    content = {"kind": kind, "number": number, "application_number": application.number,
               "issued_at": issued.isoformat(), "issuer": issuer, "applicant_name": application.party_name,
               "bundle_name": application.snapshot["bundle"]["name"], "lines": [[str(a), str(b)] for a, b in lines],
               "items": [str(x) for x in items]}
    pdf = render_pdf(DocumentData(
        kind=kind, number=number, application_number=application.number, issued_at=issued, issuer=issuer,
        applicant_name=application.party_name, bundle_name=application.snapshot["bundle"]["name"],
        lines=tuple((str(a), str(b)) for a, b in lines), items=tuple(items),
        verify_url=f"{settings.PUBLIC_URL}/verify/documents/{number}",
    ))
    return Document.objects.create(number=number, application=application, item_case=item_case, kind=kind,
                                   issuer=issuer, issued_at=issued, content=content, pdf=pdf,
                                   digest=hashlib.sha256(pdf).hexdigest())


def _notify_later(application: Application, event: str, zh: str, en: str) -> None:
    profile = profile_of(application.applicant_id)
    notice = Notice(event=event, reference=application.number,
                    subject_zh=f"【一件事】{application.snapshot['bundle']['name']}", subject_en="[yijianshi] "
                    + application.snapshot["bundle"]["name"], body_zh=f"办件 {application.number}：{zh}",
                    body_en=f"Application {application.number}: {en}",
                    phone=profile.phone if profile else "", email=profile.email if profile else "",
                    name=application.party_name)
    from .tasks import dispatch_notice  # import here: tasks imports this module

    transaction.on_commit(lambda: dispatch_notice(notice))


def _lock_application(application: Application | int) -> Application:
    pk = application.pk if isinstance(application, Application) else application
    return Application.objects.select_for_update().get(pk=pk)


def _check_version(obj: Application | ItemCase, expected: int | None) -> None:
    if expected is not None and expected != obj.version:
        raise Conflict("stale_version", f"该记录已被他人更新（当前版本 {obj.version}，状态 {obj.status}），请刷新后重试",
                       f"This record was changed meanwhile (now version {obj.version}, status {obj.status}); "
                       "reload and try again", field="expected_version")


def _set_app_status(application: Application, action: AppAction, target: AppStatus | None = None) -> str:
    old = application.status
    application.status = next_application_status(AppStatus(old), action, target)
    application.version += 1
    return old


# ------------------------------------------------------------------------------------------------ submit


def _canonical(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def guide_snapshot(version_number: int, bundle: Bundle, definition: engine.BundleDef,
              result: engine.Computation) -> dict[str, Any]:
    departments = {it.ref: it.department for it in definition.items}
    return {
        "bundle": {"code": bundle.code, "name": bundle.name, "version": version_number},
        "included": list(result.included),
        "excluded": list(result.excluded),
        "form": [{"key": f.key, "label_zh": f.spec.label_zh, "label_en": f.spec.label_en, "type": f.spec.type,
                  "required": f.spec.required, "validation": dict(f.spec.validation), "source": f.spec.source,
                  "items": list(f.items)} for f in result.form.fields],
        "materials": [{"code": m.code, "name": m.spec.name, "required": m.spec.required, "items": list(m.items),
                       "tolerated": m.spec.tolerated, "commitment": m.spec.commitment,
                       "commitment_text": m.spec.commitment_text or "",
                       "waiver": ({"kind": m.waiver.kind, "ref": m.waiver.ref, "reason_zh": m.waiver.reason_zh,
                                   "reason_en": m.waiver.reason_en} if m.waiver else None)}
                      for m in result.materials.entries],
        "items": [{"ref": it.ref, "name": it.name, "department": departments[it.ref],
                   "promised_limit_days": it.promised_limit_days, "legal_limit_days": it.legal_limit_days,
                   "requires": list(result.schedule.get(it.ref).requires)}
                  for it in definition.items if it.ref in result.included],
        "schedule": {"critical_path": list(result.schedule.critical_path), "total_days": result.schedule.total_days},
    }


def _party(actor: User, actor_info: Actor, on_behalf_of: dict[str, Any] | None, *, bundle_code: str,
           item_refs: Sequence[str]) -> tuple[User, User | None, str, str, str, dict[str, Any]]:
    """(applicant user, agent user, party type, party id, party name, authorisation) — validated identifiers.

    An applicant acting for someone needs an active mandate (授权委托) from them covering this bundle (or all of
    its items) and the ability to apply: checked right after the identifier is validated, before anything about
    the party is looked up, created or read (mandates.permissions.mandate_require; 403 `mandate_required`
    naming what is missing). The free-text `authorisation` grants nothing. A clerk applying at the counter for
    a person present (verified in person, purpose `intake`) is not checked against the register: their text
    (in person / the letter's reference) is kept as it was."""
    if on_behalf_of:
        if not isinstance(on_behalf_of, dict):
            raise DomainError("invalid_party", "代办对象格式有误", "on_behalf_of must be an object", field="on_behalf_of")
        name = str(on_behalf_of.get("name") or "").strip()
        if not name or len(name) > 50:
            raise DomainError("required", "请填写被代办人姓名", "The represented person's name is required",
                              field="on_behalf_of.name")
        if hidden_controls(name):
            raise DomainError("invalid_characters", "被代办人姓名含有不可见的控制字符或文字方向控制符",
                              "The represented party's name contains control or bidirectional characters",
                              field="on_behalf_of.name")
        phone = str(on_behalf_of.get("phone") or "").strip()
        if phone and not PHONE.match(phone):
            raise DomainError("invalid_phone", "被代办人电话号码格式不正确", "The represented party's phone number is "
                              "not valid", field="on_behalf_of.phone")
        kind = on_behalf_of.get("party_type") or PartyType.PERSON
        if kind not in PartyType.values:
            raise DomainError("invalid_choice", "代办对象类型应为个人或企业", "party_type must be person or enterprise",
                              field="on_behalf_of.party_type")
        if kind == PartyType.ENTERPRISE:
            party_id = credit_code(str(on_behalf_of.get("uscc") or ""), field="on_behalf_of.uscc")
        else:
            party_id = resident_id(str(on_behalf_of.get("id_number") or ""), field="on_behalf_of.id_number")
        text = str(on_behalf_of.get("authorisation") or "").strip()
        authorisation = {"text": text[:500]} if text else {}
        if actor_info.role == Role.APPLICANT:
            mandate = mandate_require(agent_user=actor, party_type=kind, party_id=party_id, bundle_code=bundle_code,
                                      ability=Ability.APPLY, item_refs=item_refs)
            mandate = mandate_use(mandate=mandate, actor=actor, ability=Ability.APPLY, bundle_code=bundle_code,
                                  item_refs=item_refs)
            name, authorisation = mandate.principal_name, {"mandate": mandate.number, "method": mandate.method}
        profile = Profile.objects.filter(role=Role.APPLICANT, id_number=party_id).select_related("user").first() \
            if kind != PartyType.ENTERPRISE else Profile.objects.filter(
                role=Role.APPLICANT, enterprise_uscc=party_id).select_related("user").first()
        if profile is None:
            user = User.objects.create(username=f"party-{hashlib.sha256(party_id.encode()).hexdigest()[:20]}")
            user.set_unusable_password()
            user.save(update_fields=["password"])
            profile = Profile.objects.create(
                user=user, role=Role.APPLICANT, name=name, party_type=kind,
                id_number=party_id if kind != PartyType.ENTERPRISE else "",
                enterprise_uscc=party_id if kind == PartyType.ENTERPRISE else "",
                enterprise_name=name if kind == PartyType.ENTERPRISE else "",
                phone=phone)
        return profile.user, actor, kind, party_id, name, authorisation
    if actor_info.role != Role.APPLICANT:
        raise DomainError("party_required", "工作人员代为申请时须指明申请人（on_behalf_of）",
                          "Staff applying must name the applicant (on_behalf_of)", field="on_behalf_of")
    profile = profile_of(actor.pk)
    if profile is None:
        raise DomainError("no_profile", "账号没有申请人资料", "The account has no applicant profile", field="actor")
    if profile.party_type == PartyType.ENTERPRISE:
        return actor, None, PartyType.ENTERPRISE, profile.enterprise_uscc, profile.enterprise_name, {}
    return actor, None, PartyType.PERSON, profile.id_number, profile.name, {}


def application_submit(
    *, actor: User, bundle_code: str, form: Any, answers: Any = None, channel: str = Channel.ONLINE,
    service_point: str | None = None, materials: Iterable[str] = (), tolerated: Iterable[str] = (),
    commitments: Iterable[str] = (), on_behalf_of: dict[str, Any] | None = None, idempotency_key: str | None = None,
    uploads: Iterable[uuid.UUID | str] = (),
) -> Submission:
    """一表申请: one application for one bundle. Replays the original for a repeated Idempotency-Key.
    `uploads`: the actor's unattached uploads of this bundle; each one's material counts as provided and the
    uploads are attached to the application in the same transaction."""
    info = _actor(actor)
    if info.role not in (Role.APPLICANT, Role.CLERK):
        raise DomainError("forbidden_role", "只有申请人或窗口工作人员可以提交申请",
                          "Only applicants and window clerks can submit applications", field="actor")
    materials, tolerated, commitments = list(materials), list(tolerated), list(commitments)
    request = {"bundle": bundle_code, "form": form, "answers": answers or {}, "channel": channel,
               "service_point": service_point, "materials": sorted(map(str, materials)),
               "tolerated": sorted(map(str, tolerated)), "commitments": sorted(map(str, commitments)),
               "on_behalf_of": on_behalf_of}
    upload_ids = [str(u) for u in uploads]
    if upload_ids:
        request["uploads"] = sorted(upload_ids)
    digest = _canonical(request)
    if idempotency_key is not None:
        if not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
            raise DomainError("invalid_idempotency_key", "Idempotency-Key 应为 1–100 个可见 ASCII 字符（如 UUID）",
                              "Idempotency-Key must be 1–100 visible ASCII characters (a UUID, say)",
                              field="Idempotency-Key")
        previous = _replay(actor, idempotency_key, digest)
        if previous is not None:
            return previous
    try:
        with transaction.atomic():
            application = _submit(actor, info, bundle_code, form, answers, channel, service_point, materials,
                                  tolerated, commitments, on_behalf_of, idempotency_key, digest, upload_ids)
            _record_prefill(application, actor, info)
    except IntegrityError:
        if idempotency_key is not None:  # a concurrent request with the same key won the race
            previous = _replay(actor, idempotency_key, digest)
            if previous is not None:
                return previous
        raise
    return Submission(application=application, replayed=False)


def _record_prefill(application: Application, actor: User, info: Actor) -> None:
    """Prefill and evidence for the party, under the purpose of this application (each read in the ledger):
    which values came from where, which the applicant changed, which materials are waived by what."""
    from .shared import party_data

    definition = bundle_definition(application.bundle_version)
    data = party_data(definition=definition, answers=application.answers, party_type=application.party_type,
                      party_id=application.party_id, purpose=Purpose("application", application.number), actor=actor,
                      actor_role=info.role or "")
    result = engine.compute(definition, application.answers, evidence=data.evidence)
    fresh = guide_snapshot(application.bundle_version.number, application.bundle, definition, result)
    provenance = data.provenance()
    changed = sorted(k for k, v in provenance.items()
                     if k in application.form_data and str(application.form_data[k]) != str(v["value"]))
    application.snapshot = {**application.snapshot, "materials": fresh["materials"], "prefill": provenance,
                            "prefill_changed": changed, "prefill_failures": dict(data.prefill.failures),
                            "evidence": {"licences": sorted(data.evidence.licences or ()),
                                         "data_checks": sorted(data.evidence.data_checks or ())}}
    application.save(update_fields=["number", "snapshot"])


def _replay(actor: User, key: str, digest: str) -> Submission | None:
    previous = Application.objects.filter(Q(applicant=actor) | Q(agent=actor), idempotency_key=key).first()
    if previous is None:
        return None
    if previous.request_digest != digest:
        raise Conflict("idempotency_key_reused", "该 Idempotency-Key 已用于另一份不同的申请",
                       "This Idempotency-Key was already used for a different request", field="Idempotency-Key")
    return Submission(application=previous, replayed=True)


def _submit(actor: User, info: Actor, bundle_code: str, form: Any, answers: Any, channel: str,
            service_point: str | None, materials: list[str], tolerated: list[str], commitments: list[str],
            on_behalf_of: dict[str, Any] | None, idempotency_key: str | None, digest: str,
            upload_ids: Sequence[str] = ()) -> Application:
    version = published_version(str(bundle_code))
    bundle = version.bundle if version is not None else None
    if bundle is None or version is None:
        raise NotFound("unknown_bundle", f"“一件事”{bundle_code} 不存在或未发布",
                       f"No published bundle '{bundle_code}'", field="bundle")
    if channel not in Channel.values:
        raise DomainError("invalid_channel", "申请渠道无效", f"Unknown channel '{channel}'", field="channel")
    if answers is not None and not isinstance(answers, dict):
        raise DomainError("invalid_answers", "情形回答应为对象", "answers must be an object", field="answers")
    definition = bundle_definition(version)
    result = engine.compute(definition, {str(k): str(v) for k, v in (answers or {}).items()})
    snapshot = guide_snapshot(version.number, bundle, definition, result)
    clean = check_form(snapshot["form"], form)
    by_code = {m["code"]: m for m in snapshot["materials"]}
    for field, codes, flag in (("materials", materials, None), ("tolerated", tolerated, "tolerated"),
                               ("commitments", commitments, "commitment")):
        for code in codes:
            if code not in by_code:
                raise DomainError("unknown_material", f"本件不需要材料“{code}”", f"'{code}' is not a material of this "
                                  "application", field=field)
            if flag and not by_code[code][flag]:
                raise DomainError(f"{flag}_not_allowed", f"材料“{by_code[code]['name']}”不适用"
                                  f"{'容缺受理' if flag == 'tolerated' else '告知承诺'}",
                                  f"'{by_code[code]['name']}' does not allow {flag}", field=field)
    if set(tolerated) & set(commitments):
        raise DomainError("tolerated_and_committed", "同一材料不能既容缺又承诺",
                          "A material cannot be both tolerated and committed", field="commitments")
    claimed = uploads_claim(actor=actor, bundle_code=bundle.code, upload_ids=upload_ids, materials=by_code)
    materials = [*materials, *(u.material_key for u in claimed)]
    applicant, agent, party_type, party_id, party_name, authorisation = _party(
        actor, info, on_behalf_of, bundle_code=bundle.code, item_refs=snapshot["included"])
    if commitments:
        barred = set(CreditRecord.objects.filter(party_id=party_id).values_list("item_ref", flat=True))
        for code in commitments:
            hit = sorted(barred & set(by_code[code]["items"]))
            if hit:
                raise DomainError("commitment_barred", "因存在虚假承诺的信用记录，该事项不能适用告知承诺",
                                  "A record of a false commitment bars commitments for this item",
                                  field="commitments")
    point = _service_point(info, bundle, service_point)
    now = clock.now()
    application = Application.objects.create(
        number=f"tmp-{uuid.uuid4().hex}", bundle_version=version, bundle=bundle, region=bundle.region,
        snapshot=snapshot, answers=engine.resolve_answers(definition, answers or {}), form_data=clean,
        materials_provided=sorted(set(materials)), tolerated=sorted(set(tolerated)),
        commitments=sorted(set(commitments)), applicant=applicant, party_type=party_type, party_id=party_id,
        party_name=party_name, agent=agent, authorisation=authorisation,
        channel=channel, service_point=point, idempotency_key=idempotency_key, request_digest=digest,
        submitted_at=now, intake_deadline=work_calendar().add_work_hours(now, INTAKE_HOURS, _hours(point)),
    )
    application.number = f"YJS{bundle.region.code}{clock.local(now):%Y%m%d}{application.pk:07d}"  # saved by _record_prefill
    uploads_attach(uploads=claimed, application=application, actor=actor)
    _event(application, EventType.SUBMITTED, actor=actor, to_status=application.status,
           data={"channel": channel, "bundle_version": version.number, "agent": bool(agent)})
    _notify_later(application, "application.submitted", "已提交，等待收件审查。", "submitted; awaiting the intake check.")
    return application


def _service_point(info: Actor, bundle: Bundle, code: str | None) -> ServicePoint:
    if info.role == Role.CLERK:
        return ServicePoint.objects.get(pk=info.service_point_id or 0)
    point = region_service_point(bundle.region_id, code)
    if point is None and code:
        raise DomainError("unknown_service_point", f"服务场所“{code}”不存在", f"No service point '{code}'",
                          field="service_point")
    if point is None:
        raise DomainError("no_service_point", "该地区未设置服务场所", "This region has no service point",
                          field="service_point")
    return point


# ------------------------------------------------------------------------------------------------ intake


def _deficiencies(application: Application) -> list[str]:
    missing = []
    provided = set(application.materials_provided) | set(application.tolerated) | set(application.commitments)
    for m in application.snapshot["materials"]:
        if m["required"] and not m["waiver"] and m["code"] not in provided:
            missing.append(f"缺少材料：{m['name']}（{m['code']}）")
    return missing


@transaction.atomic
def application_intake(*, application: Application, actor: User, problems: Sequence[str] = (),
                       expected_version: int | None = None) -> Application:
    """收件: complete → receipt and fan-out to the departments; incomplete → one notice listing everything."""
    app = _lock_application(application)
    permissions.require_intake(actor, app)
    _check_version(app, expected_version)
    found = _deficiencies(app) + [f"{p}" for p in problems if str(p).strip()]
    point = app.service_point.name
    if found:
        old = _set_app_status(app, AppAction.INTAKE_DEFICIENT)
        app.save(update_fields=["status", "version"])
        doc = _document(app, "deficiency_notice", issuer=point, items=found,
                        lines=[("办件编号", app.number), ("告知事项数", str(len(found)))])
        _event(app, EventType.DEFICIENT, actor=actor, from_status=old, to_status=app.status,
               reason="；".join(found), data={"problems": found}, document=doc)
        _notify_later(app, "application.deficient", f"材料需补正，请一次补齐：{'；'.join(found)}",
                      f"please supply everything listed at once ({len(found)} item(s)).")
        return app
    now = clock.now()
    old = _set_app_status(app, AppAction.INTAKE_COMPLETE)
    app.received_at = now
    app.save(update_fields=["status", "version", "received_at"])
    doc = _document(app, "receipt", issuer=point, lines=[("办件编号", app.number), ("一件事", app.bundle.name)],
                    items=[i["name"] for i in app.snapshot["items"]])
    _event(app, EventType.RECEIVED, actor=actor, from_status=old, to_status=app.status, document=doc)
    _fan_out(app, actor, now)
    _notify_later(app, "application.received", "材料齐全，已收件并推送各联办部门。",
                  "complete; received and sent to the departments.")
    return app


def _fan_out(app: Application, actor: User, now: datetime) -> None:
    calendar = work_calendar()
    departments = {d.code: d for d in Department.objects.filter(region=app.region)}
    items = {i.ref: i for i in Item.objects.filter(region=app.region, ref__in=app.snapshot["included"])}
    materials = app.snapshot["materials"]
    for pos, spec in enumerate(app.snapshot["items"]):
        case = ItemCase.objects.create(
            application=app, ref=spec["ref"], item=items[spec["ref"]], name=spec["name"],
            department=departments[spec["department"]], position=pos, requires=spec["requires"],
            promised_limit_days=spec["promised_limit_days"],
            accept_deadline=calendar.add_workdays(now, ACCEPT_DAYS))
        for m in materials:
            if spec["ref"] not in m["items"]:
                continue
            if m["code"] in app.tolerated:
                ToleratedMaterial.objects.create(item_case=case, code=m["code"], name=m["name"],
                                                 due_at=calendar.add_workdays(now, max(1, spec["promised_limit_days"])))
            if m["code"] in app.commitments:
                Commitment.objects.create(item_case=case, code=m["code"], name=m["name"],
                                          text=m["commitment_text"] or f"本人承诺“{m['name']}”真实有效。",
                                          signed_by=app.agent or app.applicant, signed_at=now,
                                          check_due_at=calendar.add_workdays(now, POST_CHECK_DAYS))
                _event(app, EventType.COMMITMENT_SIGNED, actor=actor, item_case=case, data={"material": m["code"]})
        outbox_enqueue(topic="item_case.created", department=case.department,
                       payload=_case_payload(case), idempotency_key=f"{app.number}:{case.ref}:created")
    _event(app, EventType.FANNED_OUT, actor=actor, data={"item_cases": len(app.snapshot["items"])})


def _case_payload(case: ItemCase) -> dict[str, Any]:
    app = case.application
    keys = {f["key"] for f in app.snapshot["form"] if case.ref in f["items"]}
    return {"application": app.number, "item_case": case.pk, "item": case.ref, "name": case.name,
            "accept_deadline": case.accept_deadline.isoformat(), "requires": case.requires,
            "form": {k: v for k, v in app.form_data.items() if k in keys},
            "materials": [m["code"] for m in app.snapshot["materials"] if case.ref in m["items"]]}


@transaction.atomic
def application_supplement(*, application: Application, actor: User, form: Any = None,
                           materials: Iterable[str] = (), expected_version: int | None = None,
                           uploads: Iterable[uuid.UUID | str] = ()) -> Application:
    """补齐补正 after a deficiency notice: back to intake with a fresh 2-working-hour clock. Materials count as
    provided when named, when uploaded now (`uploads`, attached here) or already attached to the application
    (a clerk's scans, the applicant's uploads for this application)."""
    app = _lock_application(application)
    permissions.require_owner_or_clerk(actor, app)
    _check_version(app, expected_version)
    merged = {**app.form_data, **form} if isinstance(form, dict) else app.form_data
    if form is not None and not isinstance(form, dict):
        raise DomainError("invalid_form", "表单应为对象", "The form must be an object", field="form")
    clean = check_form(app.snapshot["form"], merged)
    codes = {m["code"] for m in app.snapshot["materials"]}
    extra = list(materials)
    for code in extra:
        if code not in codes:
            raise DomainError("unknown_material", f"本件不需要材料“{code}”",
                              f"'{code}' is not a material of this application", field="materials")
    claimed = uploads_claim(actor=actor, bundle_code=app.bundle.code, upload_ids=uploads,
                            materials={m["code"]: m for m in app.snapshot["materials"]})
    uploads_attach(uploads=claimed, application=app, actor=actor)
    extra += [u.material_key for u in claimed]
    extra += list(Upload.objects.filter(application=app).values_list("material_key", flat=True))
    old = _set_app_status(app, AppAction.SUPPLEMENT)
    app.form_data = clean
    app.materials_provided = sorted(set(app.materials_provided) | set(extra))
    now = clock.now()
    app.intake_deadline = work_calendar().add_work_hours(now, INTAKE_HOURS, _hours(app.service_point))
    app.overdue = False
    app.save(update_fields=["status", "version", "form_data", "materials_provided", "intake_deadline", "overdue"])
    _event(app, EventType.SUPPLEMENTED, actor=actor, from_status=old, to_status=app.status,
           data={"materials": sorted(set(extra)), "uploads": [str(u.pk) for u in claimed]})
    return app


# ------------------------------------------------------------------------------------------------ item cases


def _prerequisites_done(case: ItemCase, siblings: dict[str, ItemCase]) -> bool:
    return all(siblings[r].status in DONE_FOR_DEPENDANTS for r in case.requires if r in siblings)


@transaction.atomic
def item_case_transition(*, item_case: ItemCase, actor: User | None, action: str, expected_version: int | None,
                         reason: str = "", result: dict[str, Any] | None = None,
                         corrections: Sequence[str] = ()) -> ItemCase:
    """An officer's decision on one item case (accept, reject, request_correction, resume, approve, deny,
    progress). Stale `expected_version` → 409 with the current state."""
    try:
        act = CaseAction(action)
    except ValueError:
        raise DomainError("unknown_action", f"未知操作“{action}”", f"Unknown action '{action}'", field="action") from None
    if act not in (CaseAction.ACCEPT, CaseAction.REJECT, CaseAction.REQUEST_CORRECTION, CaseAction.RESUME,
                   CaseAction.APPROVE, CaseAction.DENY, CaseAction.PROGRESS):
        raise DomainError("action_not_for_officers", f"操作“{action}”由系统执行", f"'{action}' is done by the system",
                          field="action")
    app = _lock_application(item_case.application_id)
    siblings = {c.ref: c for c in ItemCase.objects.select_for_update().filter(application=app)}
    case = next(c for c in siblings.values() if c.pk == item_case.pk)
    permissions.require_department(actor, case)
    _check_version(case, expected_version)
    reason = (reason or "").strip()
    if act in (CaseAction.REJECT, CaseAction.DENY, CaseAction.REQUEST_CORRECTION, CaseAction.PROGRESS) and not reason:
        raise DomainError("reason_required", "请说明理由", "A reason is required", field="reason")
    if len(reason) > 2000:
        raise DomainError("too_long", "理由不能超过 2000 字", "The reason must be at most 2000 characters", field="reason")
    now = clock.now()
    calendar = work_calendar()
    old = case.status
    document: Document | None = None
    event_type = {CaseAction.ACCEPT: EventType.ACCEPTED, CaseAction.REJECT: EventType.REJECTED,
                  CaseAction.REQUEST_CORRECTION: EventType.CORRECTION_REQUESTED, CaseAction.RESUME: EventType.RESUMED,
                  CaseAction.APPROVE: EventType.APPROVED, CaseAction.DENY: EventType.DENIED,
                  CaseAction.PROGRESS: EventType.PROGRESS}[act]
    issuer = case.department.name
    if act == CaseAction.ACCEPT:
        target = CaseStatus.ACCEPTED if _prerequisites_done(case, siblings) else CaseStatus.PRE_REVIEW
        case.status = next_case_status(CaseStatus(old), act, target)
        case.accepted_at = now
        case.decide_deadline = calendar.add_workdays(now, case.promised_limit_days)
        case.overdue = False
        if target == CaseStatus.PRE_REVIEW:
            event_type = EventType.PRE_REVIEW
        document = _document(app, "acceptance_notice", issuer=issuer, item_case=case,
                             lines=[("事项", case.name), ("承诺办结时限", f"{case.promised_limit_days} 个工作日")])
        _notify_later(app, "item_case.accepted", f"“{case.name}”已受理，办理时限开始计算。",
                      f"'{case.name}' accepted; its clock has started.")
    elif act == CaseAction.REJECT:
        case.status = next_case_status(CaseStatus(old), act)
        case.decided_at = now
        document = _document(app, "rejection_decision", issuer=issuer, item_case=case, items=[reason],
                             lines=[("事项", case.name)])
        _notify_later(app, "item_case.rejected", f"“{case.name}”不予受理：{reason}", f"'{case.name}' was not accepted.")
    elif act == CaseAction.REQUEST_CORRECTION:
        case.resume_status = old
        case.status = next_case_status(CaseStatus(old), act)
        case.paused_at = now
        items = [c for c in corrections if str(c).strip()] or [reason]
        document = _document(app, "correction_notice", issuer=issuer, item_case=case, items=items,
                             lines=[("事项", case.name)])
        _notify_later(app, "item_case.correction", f"“{case.name}”需补正：{'；'.join(items)}",
                      f"'{case.name}' needs a correction.")
    elif act == CaseAction.RESUME:
        back = CaseStatus(case.resume_status or CaseStatus.ACCEPTED)
        if back == CaseStatus.PRE_REVIEW and _prerequisites_done(case, siblings):
            back = CaseStatus.ACCEPTED
        case.status = next_case_status(CaseStatus(old), act, back)
        paused = calendar.workdays_between(case.paused_at, now) if case.paused_at else 0
        case.paused_workdays += paused
        if case.decide_deadline is not None and paused:
            case.decide_deadline = calendar.extend_deadline(case.decide_deadline, paused)
        case.paused_at = None
        case.resume_status = ""
    elif act == CaseAction.APPROVE:
        if old == CaseStatus.PRE_REVIEW:
            pending = [siblings[r].name for r in case.requires if r in siblings
                       and siblings[r].status not in DONE_FOR_DEPENDANTS]
            raise Conflict("prerequisite_not_approved", f"前置事项尚未办结：{'、'.join(pending)}，暂不能作出决定",
                           f"The prerequisite result is not there yet ({', '.join(pending)}); cannot decide",
                           field="action")
        case.status = next_case_status(CaseStatus(old), act)
        case.decided_at = now
        case.result = {"summary": str((result or {}).get("summary") or case.item.result or case.name)[:300],
                       "licence_type": case.item.issues_licence.code if case.item.issues_licence else None,
                       "number": str((result or {}).get("number") or "")[:60]}
        from .shared import issue_result_licence

        licence = issue_result_licence(case=case, application=app, actor=actor)
        if licence:
            case.result["licence"] = licence
        document = _document(app, "approval_decision", issuer=issuer, item_case=case,
                             lines=[("事项", case.name), ("办理结果", case.result["summary"]),
                                    ("电子证照", licence or "—")])
        _notify_later(app, "item_case.approved", f"“{case.name}”已办结（准予）。", f"'{case.name}' approved.")
    elif act == CaseAction.DENY:
        case.status = next_case_status(CaseStatus(old), act)
        case.decided_at = now
        document = _document(app, "denial_decision", issuer=issuer, item_case=case, items=[reason],
                             lines=[("事项", case.name)])
        _notify_later(app, "item_case.denied", f"“{case.name}”不予批准：{reason}", f"'{case.name}' denied.")
    else:  # progress, noted by hand for a department without a connected system
        next_case_status(CaseStatus(old), act, CaseStatus(old))
        case.progress_note = reason[:300]
    case.version += 1
    case.save()
    _event(app, event_type, actor=actor, item_case=case, from_status=old, to_status=case.status, reason=reason,
           data={"result": case.result} if act == CaseAction.APPROVE else {}, document=document)
    if case.status in (CaseStatus.APPROVED,):
        _release_dependants(app, case, siblings, actor)
    if case.status in (CaseStatus.DENIED, CaseStatus.REJECTED):
        _terminate_dependants(app, case, siblings, f"前置事项“{case.name}”未获准予，本事项终止")
    _complete_if_done(app, siblings)
    return case


def _release_dependants(app: Application, done: ItemCase, siblings: dict[str, ItemCase], actor: User | None) -> None:
    """容缺预审 → decide at once: dependants in pre-review whose prerequisites are now all there."""
    for case in siblings.values():
        if done.ref in case.requires and case.status == CaseStatus.PRE_REVIEW and _prerequisites_done(case, siblings):
            old = case.status
            case.status = next_case_status(CaseStatus(old), CaseAction.PREREQUISITE_READY)
            case.version += 1
            case.save(update_fields=["status", "version"])
            _event(app, EventType.PREREQUISITE_READY, actor=None, item_case=case, from_status=old,
                   to_status=case.status, data={"prerequisite": done.ref})


def _terminate_dependants(app: Application, failed: ItemCase, siblings: dict[str, ItemCase], reason: str) -> None:
    """A prerequisite that will never have a result ends every open item that needs it, transitively."""
    queue = [failed.ref]
    while queue:
        ref = queue.pop()
        for case in siblings.values():
            if ref in case.requires and case.status in OPEN_CASE_STATES:
                _end_case(app, case, CaseAction.TERMINATE, reason)
                queue.append(case.ref)


def _end_case(app: Application, case: ItemCase, action: CaseAction, reason: str) -> None:
    old = case.status
    case.status = next_case_status(CaseStatus(old), action)
    case.decided_at = clock.now()
    case.version += 1
    case.save(update_fields=["status", "decided_at", "version"])
    _event(app, EventType.TERMINATED if action == CaseAction.TERMINATE else EventType.WITHDRAWN, actor=None,
           item_case=case, from_status=old, to_status=case.status, reason=reason)
    topic = "item_case.terminated" if action == CaseAction.TERMINATE else "application.withdrawn"
    outbox_enqueue(topic=topic, department=case.department,
                   payload={"application": app.number, "item_case": case.pk, "item": case.ref, "reason": reason},
                   idempotency_key=f"{app.number}:{case.ref}:{action.value}")


def _complete_if_done(app: Application, siblings: dict[str, ItemCase]) -> None:
    if app.status == AppStatus.RECEIVED and siblings and all(c.status in FINAL_CASE_STATES for c in siblings.values()):
        old = _set_app_status(app, AppAction.COMPLETE)
        app.completed_at = clock.now()
        app.save(update_fields=["status", "version", "completed_at"])
        _event(app, EventType.COMPLETED, actor=None, from_status=old, to_status=app.status)
        _notify_later(app, "application.completed", "全部事项已办结，请按所选方式领取结果。",
                      "every item is decided; collect the results as chosen.")


# ------------------------------------------------------------------------------------------------ withdraw


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, reason: str = "",
                         expected_version: int | None = None) -> Application:
    """撤回 before decision: every open item case ends and every department involved is told."""
    app = _lock_application(application)
    permissions.require_owner_or_clerk(actor, app)
    _check_version(app, expected_version)
    cases = list(ItemCase.objects.select_for_update().filter(application=app))
    if app.status == AppStatus.RECEIVED and not any(c.status in OPEN_CASE_STATES for c in cases):
        raise Conflict("nothing_to_withdraw", "各事项均已作出决定，不能撤回", "Every item is decided; nothing to withdraw")
    old = _set_app_status(app, AppAction.WITHDRAW)
    app.withdrawn_at = clock.now()
    app.save(update_fields=["status", "version", "withdrawn_at"])
    text = (reason or "申请人撤回申请").strip()[:500]
    for case in cases:
        if case.status in OPEN_CASE_STATES:
            _end_case(app, case, CaseAction.WITHDRAW, text)
    doc = _document(app, "withdrawal_notice", issuer=app.service_point.name, items=[text],
                    lines=[("办件编号", app.number)])
    _event(app, EventType.WITHDRAWN, actor=actor, from_status=old, to_status=app.status, reason=text, document=doc)
    _notify_later(app, "application.withdrawn", "申请已撤回，各部门已终止办理。", "withdrawn; every department stopped.")
    return app


# ------------------------------------------------------------------------------------------------ delivery


@transaction.atomic
def application_deliver(*, application: Application, actor: User, method: str, tracking_number: str = "",
                        address: str = "", item_cases: Sequence[int] | None = None,
                        expected_version: int | None = None) -> Application:
    """送达: all at once, or item by item; pickup, free post (with a tracking number) or electronic."""
    app = _lock_application(application)
    permissions.require_clerk_of(actor, app)
    _check_version(app, expected_version)
    if method not in DeliveryMethod.values:
        raise DomainError("invalid_delivery_method", "领取方式无效", f"Unknown delivery method '{method}'", field="method")
    if method == DeliveryMethod.POST and not (tracking_number or "").strip():
        raise DomainError("tracking_number_required", "邮寄送达须填写快递单号", "Delivery by post needs a tracking number",
                          field="tracking_number")
    if app.status not in (AppStatus.COMPLETED, AppStatus.RECEIVED):
        raise Conflict("transition_not_allowed", "当前状态不能送达", f"Cannot deliver while '{app.status}'",
                       field="action")
    cases = {c.pk: c for c in ItemCase.objects.select_for_update().filter(application=app)}
    chosen = [cases[i] for i in item_cases if i in cases] if item_cases else [
        c for c in cases.values() if c.status == CaseStatus.APPROVED]
    if item_cases and len(chosen) != len(set(item_cases)):
        raise DomainError("unknown_item_case", "所选事项不属于本办件", "An item case is not part of this application",
                          field="item_cases")
    now = clock.now()
    for case in chosen:
        old = case.status
        case.status = next_case_status(CaseStatus(old), CaseAction.DELIVER)
        case.delivered_at = now
        case.version += 1
        case.save(update_fields=["status", "delivered_at", "version"])
        _event(app, EventType.DELIVERED, actor=actor, item_case=case, from_status=old, to_status=case.status,
               data={"method": method})
    app.delivery_method = method
    app.tracking_number = (tracking_number or "").strip()[:40]
    app.delivery_address = (address or "").strip()[:200]
    remaining = [c for c in cases.values() if c.status == CaseStatus.APPROVED]
    done = app.status == AppStatus.COMPLETED and not remaining
    old = _set_app_status(app, AppAction.DELIVER if done else AppAction.DELIVER_PARTIAL) \
        if app.status == AppStatus.COMPLETED else app.status
    if done:
        app.delivered_at = now
    app.save()
    doc = _document(app, "delivery_receipt", issuer=app.service_point.name, items=[c.name for c in chosen],
                    lines=[("领取方式", str(DeliveryMethod(method).label)), ("快递单号", app.tracking_number or "—")])
    _event(app, EventType.DELIVERED, actor=actor, from_status=old, to_status=app.status,
           data={"method": method, "item_cases": [c.pk for c in chosen]}, document=doc)
    _notify_later(app, "application.delivered", "办理结果已送达。", "results delivered.")
    return app


@transaction.atomic
def application_archive(*, application: Application, actor: User) -> Application:
    """归档: the lead department keeps the originals; everyone else works from the electronic copies."""
    app = _lock_application(application)
    permissions.require_clerk_of(actor, app)
    old = _set_app_status(app, AppAction.ARCHIVE)
    app.archived_at = clock.now()
    app.save(update_fields=["status", "version", "archived_at"])
    _event(app, EventType.ARCHIVED, actor=actor, from_status=old, to_status=app.status,
           data={"keeper": app.bundle.lead_department.name})
    return app


# ------------------------------------------------------------------------------------------------ 容缺 / 承诺


@transaction.atomic
def tolerated_material_receive(*, application: Application, actor: User, code: str) -> int:
    app = _lock_application(application)
    permissions.require_owner_or_clerk(actor, app)
    rows = list(ToleratedMaterial.objects.select_for_update().filter(
        item_case__application=app, code=code, received_at__isnull=True, expired=False))
    if not rows:
        raise NotFound("no_tolerated_material", f"没有待补交的容缺材料“{code}”", f"No pending tolerated material '{code}'",
                       field="code")
    now = clock.now()
    for row in rows:
        row.received_at = now
        row.save(update_fields=["received_at"])
        _event(app, EventType.TOLERATED_RECEIVED, actor=actor, item_case=row.item_case, data={"material": code})
    app.materials_provided = sorted(set(app.materials_provided) | {code})
    app.save(update_fields=["materials_provided"])
    return len(rows)


@transaction.atomic
def commitment_post_check(*, commitment: Commitment, actor: User, kept: bool, note: str = "") -> Commitment:
    """事后核查: a false commitment revokes the result (or ends the open case) and writes a credit record."""
    app = _lock_application(commitment.item_case.application_id)
    siblings = {c.ref: c for c in ItemCase.objects.select_for_update().filter(application=app)}
    row = Commitment.objects.select_for_update().get(pk=commitment.pk)
    case = next(c for c in siblings.values() if c.pk == row.item_case_id)
    permissions.require_department(actor, case)
    if row.outcome != "pending":
        raise Conflict("already_checked", "该承诺已核查", "This commitment was already checked")
    if not kept and not (note or "").strip():
        raise DomainError("reason_required", "认定承诺不实须说明理由", "A false commitment needs a reason", field="note")
    now = clock.now()
    row.outcome = "kept" if kept else "false"
    row.checked_by, row.checked_at, row.note = actor, now, (note or "")[:2000]
    row.save()
    _event(app, EventType.POST_CHECK, actor=actor, item_case=case, reason=row.note,
           data={"material": row.code, "outcome": row.outcome})
    if not kept:
        CreditRecord.objects.create(party_id=app.party_id, item_ref=case.ref, commitment=row,
                                    reason=row.note, created_at=now)
        old = case.status
        if old in (CaseStatus.APPROVED, CaseStatus.DELIVERED):
            case.status = next_case_status(CaseStatus(old), CaseAction.REVOKE)
            case.version += 1
            case.save(update_fields=["status", "version"])
            _event(app, EventType.REVOKED, actor=actor, item_case=case, from_status=old, to_status=case.status,
                   reason=f"告知承诺不实：{row.note}")
            outbox_enqueue(topic="item_case.revoked", department=case.department,
                           payload={"application": app.number, "item_case": case.pk, "item": case.ref},
                           idempotency_key=f"{app.number}:{case.ref}:revoke")
        elif old in OPEN_CASE_STATES:
            _end_case(app, case, CaseAction.TERMINATE, f"告知承诺不实：{row.note}")
            _terminate_dependants(app, case, siblings, f"前置事项“{case.name}”告知承诺不实，本事项终止")
            _complete_if_done(app, siblings)
        _notify_later(app, "commitment.false", f"“{case.name}”的告知承诺经核查不实，相关结果已撤销并记入信用记录。",
                      f"the commitment for '{case.name}' was found false; the result is revoked.")
    return row


# ------------------------------------------------------------------------------------------------ sweep


LAST_ESCALATION_LEVEL = 2  # 1: the department head; 2, a working day later: the supervising bureau


def deadlines_sweep(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Mark what is overdue and escalate it: first to the department head, one working day later to the
    supervising bureau (the region's approval / data bureau); expire tolerated materials that never came.
    Each row is handled in its own short transaction, with SKIP LOCKED so two sweepers never double work; a row
    another transaction holds (another sweeper, an officer acting on the case) is left for the next sweep and
    counted as `skipped`."""
    now = now or clock.now()
    calendar = work_calendar()
    stats = {"overdue": 0, "escalated": 0, "expired": 0, "skipped": 0}
    for pk in (_cases_to_sweep([CaseStatus.PENDING_ACCEPTANCE], "accept_deadline", now, batch)
               + _cases_to_sweep([CaseStatus.ACCEPTED, CaseStatus.PRE_REVIEW], "decide_deadline", now, batch)):
        with transaction.atomic():
            case = _case_to_sweep(pk)
            if case is None:
                stats["skipped"] += 1
                continue
            deadline = case.accept_deadline if case.status == CaseStatus.PENDING_ACCEPTANCE else case.decide_deadline
            if deadline is None or deadline >= now:
                continue
            level = LAST_ESCALATION_LEVEL if calendar.workdays_between(deadline, now) >= 1 else 1
            changed = False
            if not case.overdue:
                case.overdue, changed = True, True
                stats["overdue"] += 1
                _event(case.application, EventType.OVERDUE, actor=None, item_case=case,
                       data={"deadline": deadline.isoformat()})
            if level > case.escalation_level:
                to = case.department.name + "负责人" if level == 1 else _supervisor(case.department)
                case.escalation_level, changed = level, True
                stats["escalated"] += 1
                _event(case.application, EventType.ESCALATED, actor=None, item_case=case,
                       data={"level": level, "to": to, "deadline": deadline.isoformat()})
            if changed:  # a case at level 1 waits for its working day: nothing to write until then
                case.save(update_fields=["overdue", "escalation_level"])
    for pk in Application.objects.filter(status=AppStatus.SUBMITTED, overdue=False,
                                         intake_deadline__lt=now).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            app = Application.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if app is None:
                stats["skipped"] += 1
                continue
            if app.overdue or app.status != AppStatus.SUBMITTED:
                continue
            app.overdue = True
            app.escalation_level = 1
            app.save(update_fields=["overdue", "escalation_level"])
            stats["overdue"] += 1
            _event(app, EventType.OVERDUE, actor=None, data={"deadline": app.intake_deadline.isoformat(),
                                                              "stage": "intake"})
    for pk in ToleratedMaterial.objects.filter(received_at__isnull=True, expired=False, due_at__lt=now,
                                               item_case__status__in=list(OPEN_CASE_STATES)).values_list(
            "pk", flat=True)[:500]:
        with transaction.atomic():
            row = ToleratedMaterial.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                stats["skipped"] += 1
                continue
            if row.expired or row.received_at:
                continue
            app = _lock_application(row.item_case.application_id)
            siblings = {c.ref: c for c in ItemCase.objects.select_for_update().filter(application=app)}
            case = next(c for c in siblings.values() if c.pk == row.item_case_id)
            row.expired = True
            row.save(update_fields=["expired"])
            if case.status in OPEN_CASE_STATES:
                text = f"容缺材料“{row.name}”逾期未补交，本事项终止"
                _end_case(app, case, CaseAction.TERMINATE, text)
                _terminate_dependants(app, case, siblings, f"前置事项“{case.name}”终止，本事项终止")
                _complete_if_done(app, siblings)
                _notify_later(app, "item_case.terminated", text, f"'{case.name}' ended: the tolerated material never came.")
            stats["expired"] += 1
    return stats


def _cases_to_sweep(statuses: list[str], deadline: str, now: datetime, batch: int) -> list[int]:
    """The first `batch` overdue item cases the sweep still has something to do for: not marked overdue yet
    (first), or below the last escalation level (oldest deadline first: when it is not due for the next level,
    no later one is). Cases escalated as far as they go never fill the batch and hide the others."""
    return list(ItemCase.objects.filter(status__in=statuses, **{f"{deadline}__lt": now})
                .exclude(overdue=True, escalation_level__gte=LAST_ESCALATION_LEVEL)
                .order_by("overdue", deadline, "pk").values_list("pk", flat=True)[:batch])


def _case_to_sweep(pk: int) -> ItemCase | None:
    """Item case `pk`, locked for the rest of the transaction; None when another transaction holds it. Only its
    own row is locked, not its application's nor its department's (`of`), so that a sweeper on another worker
    skips this case alone, not every case of the department and of the application."""
    return ItemCase.objects.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).select_related(
        "application", "department").first()


def _supervisor(department: Department) -> str:
    bureau = Department.objects.filter(region_id=department.region_id, kind__in=["approval", "data_bureau"]).first()
    return bureau.name if bureau else "本级政务服务管理机构"

