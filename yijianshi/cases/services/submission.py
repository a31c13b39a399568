"""一表申请 (004 annex 3 §2): one application for one bundle, through any channel.

What the client may not choose (issue 17): who the party is (the signed-in applicant's own party, or a party
they hold a mandate for, or the walk-in a clerk verified in person), the channel (the clerk's counter is the
window; an applicant's face says which of online, mobile or kiosk), the service point (the clerk's post; for
an applicant, the bundle region's hall or another point of that region) and which materials were provided
(only uploads, which are attached here). The number is allocated before the row is written, the guide computed
once for validation and once with the party's data under the application's purpose; a repeated
Idempotency-Key from the same sender replays the first answer.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q

from yijianshi.accounts.models import PartyType, Profile, Role
from yijianshi.catalog.models import Bundle, ServicePoint
from yijianshi.catalog.selectors import region_service_point
from yijianshi.core import clock
from yijianshi.core.actor import Actor, Party
from yijianshi.core.calendar import work_calendar
from yijianshi.core.errors import Conflict, DomainError, Forbidden
from yijianshi.core.identifiers import credit_code, resident_id
from yijianshi.core.text import hidden_controls
from yijianshi.ledger.services import Purpose
from yijianshi.mandates.permissions import mandate_require
from yijianshi.mandates.services import mandate_use
from yijianshi.mandates.transitions import Ability
from yijianshi.uploads.services import uploads_claim

from ..formcheck import PHONE, check_form
from ..guide import guide_compute, guide_version
from ..materials import uploads_link
from ..models import Application, Channel, CreditRecord, EventType, NumberAllocation
from .base import INTAKE_HOURS, at_the_window, event_write, hours_of, notify_applicant

IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,100}")  # visible ASCII, as HTTP carries it (ADR 0007)
APPLICANT_CHANNELS = frozenset({Channel.ONLINE, Channel.MOBILE, Channel.KIOSK})


@dataclass(frozen=True)
class Submission:
    application: Application
    replayed: bool


def _canonical(payload: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def application_submit(
    *,
    actor: Actor,
    bundle_code: str,
    form: Any,
    answers: Any = None,
    channel: str = Channel.ONLINE,
    service_point: str | None = None,
    materials: Iterable[str] = (),
    tolerated: Iterable[str] = (),
    commitments: Iterable[str] = (),
    on_behalf_of: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    uploads: Iterable[uuid.UUID | str] = (),
) -> Submission:
    """一表申请: one application for one bundle. Replays the original for a repeated Idempotency-Key.
    `uploads`: the actor's unattached uploads of this bundle; each one's material counts as provided and the
    uploads are attached to the application in the same transaction. `materials` without a file: received by
    the clerk filing at the counter, or, from an applicant, to hand in at the window (confirmed at intake).
    `channel` is the face's (an applicant cannot claim the window: only a clerk's counter is)."""
    if actor.role not in (Role.APPLICANT, Role.CLERK):
        raise Forbidden(
            "forbidden_role",
            "只有申请人或窗口工作人员可以提交申请",
            "Only applicants and window clerks can submit applications",
            field="actor",
        )
    channel = _channel(actor, channel)
    materials, tolerated, commitments = list(materials), list(tolerated), list(commitments)
    request = {
        "bundle": bundle_code,
        "form": form,
        "answers": answers or {},
        "channel": channel,
        "service_point": service_point,
        "materials": sorted(map(str, materials)),
        "tolerated": sorted(map(str, tolerated)),
        "commitments": sorted(map(str, commitments)),
        "on_behalf_of": on_behalf_of,
    }
    upload_ids = [str(u) for u in uploads]
    if upload_ids:
        request["uploads"] = sorted(upload_ids)
    digest = _canonical(request)
    key = None
    if idempotency_key is not None:
        if not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
            raise DomainError(
                "invalid_idempotency_key",
                "Idempotency-Key 应为 1–100 个可见 ASCII 字符（如 UUID）",
                "Idempotency-Key must be 1–100 visible ASCII characters (a UUID, say)",
                field="Idempotency-Key",
            )
        key = f"{actor.user_id}:{idempotency_key}"  # a key is the sender's own: never collides with another's
        previous = _replay(actor, key, digest)
        if previous is not None:
            return previous
    try:
        with transaction.atomic():
            application = _submit(
                actor,
                bundle_code,
                form,
                answers,
                channel,
                service_point,
                materials,
                tolerated,
                commitments,
                on_behalf_of,
                key,
                digest,
                upload_ids,
            )
    except IntegrityError:
        if key is not None:  # a concurrent request with the same key won the race
            previous = _replay(actor, key, digest)
            if previous is not None:
                return previous
        raise
    return Submission(application=application, replayed=False)


def _channel(actor: Actor, channel: str) -> str:
    if actor.role == Role.CLERK:
        return Channel.WINDOW
    if channel not in {c.value for c in Channel}:
        raise DomainError("invalid_channel", "申请渠道无效", f"Unknown channel '{channel}'", field="channel")
    if channel not in APPLICANT_CHANNELS:
        raise Forbidden(
            "channel_not_allowed",
            "窗口渠道只能由窗口工作人员办理",
            "Only a clerk at a window files through the window channel",
            field="channel",
        )
    return channel


def _replay(actor: Actor, key: str, digest: str) -> Submission | None:
    previous = Application.objects.filter(
        Q(applicant_id=actor.user_id) | Q(agent_id=actor.user_id), idempotency_key=key
    ).first()
    if previous is None:
        return None
    if previous.request_digest != digest:
        raise Conflict(
            "idempotency_key_reused",
            "该 Idempotency-Key 已用于另一份不同的申请",
            "This Idempotency-Key was already used for a different request",
            field="Idempotency-Key",
        )
    return Submission(application=previous, replayed=True)


def _submit(
    actor: Actor,
    bundle_code: str,
    form: Any,
    answers: Any,
    channel: str,
    service_point: str | None,
    materials: list[str],
    tolerated: list[str],
    commitments: list[str],
    on_behalf_of: dict[str, Any] | None,
    key: str | None,
    digest: str,
    upload_ids: Sequence[str] = (),
) -> Application:
    version = guide_version(str(bundle_code))
    bundle = version.bundle
    if answers is not None and not isinstance(answers, dict):
        raise DomainError("invalid_answers", "情形回答应为对象", "answers must be an object", field="answers")
    catalogue_view = guide_compute(version=version, answers=answers, actor=actor)
    snapshot = catalogue_view.snapshot()
    clean = check_form(
        snapshot["form"], form, checks=snapshot.get("checks", ()), answers=catalogue_view.answers
    )
    by_code = {m["code"]: m for m in snapshot["materials"]}
    for field, codes, flag in (
        ("materials", materials, None),
        ("tolerated", tolerated, "tolerated"),
        ("commitments", commitments, "commitment"),
    ):
        for code in codes:
            if code not in by_code:
                raise DomainError(
                    "unknown_material",
                    f"本件不需要材料“{code}”",
                    f"'{code}' is not a material of this application",
                    field=field,
                )
            if flag and not by_code[code].get(flag):
                raise DomainError(
                    f"{flag}_not_allowed",
                    f"材料“{by_code[code]['name']}”不适用{'容缺受理' if flag == 'tolerated' else '告知承诺'}",
                    f"'{by_code[code]['name']}' does not allow {flag}",
                    field=field,
                )
    if set(tolerated) & set(commitments):
        raise DomainError(
            "tolerated_and_committed",
            "同一材料不能既容缺又承诺",
            "A material cannot be both tolerated and committed",
            field="commitments",
        )
    point = _service_point(actor, bundle, service_point)
    applicant, agent, party, authorisation = _party(
        actor, on_behalf_of, bundle_code=bundle.code, item_refs=snapshot["included"]
    )
    claimed = uploads_claim(actor=actor, bundle_code=bundle.code, upload_ids=upload_ids, materials=by_code)
    if commitments:
        barred = set(CreditRecord.objects.filter(party_id=party.id).values_list("item_ref", flat=True))
        for code in commitments:
            if barred & set(by_code[code]["items"]):
                raise DomainError(
                    "commitment_barred",
                    "因存在虚假承诺的信用记录，该事项不能适用告知承诺",
                    "A record of a false commitment bars commitments for this item",
                    field="commitments",
                )
    now = clock.now()
    number = f"YJS{bundle.region.code}{clock.local(now):%Y%m%d}{NumberAllocation.objects.create().pk:07d}"
    # the party's data, read once the right to read it is established, under this application's purpose (and
    # the agent's mandate: the ledger names it)
    guide = guide_compute(
        version=version,
        answers=catalogue_view.answers,
        actor=actor,
        party=party,
        purpose=Purpose("application", number, mandate=authorisation.get("mandate", "")),
    )
    pinned = guide.snapshot()
    provenance = pinned.get("prefill", {})
    pinned["prefill_changed"] = sorted(
        k for k, v in provenance.items() if k in clean and str(clean[k]) != str(v["value"])
    )
    uploaded = {u.material_key for u in claimed}
    waived = {m["code"] for m in pinned["materials"] if m.get("waiver")}  # nothing to hand in
    listed = sorted(set(materials) - uploaded - waived)
    seen_by_clerk = listed if at_the_window(actor) else []
    application = Application.objects.create(
        number=number,
        bundle_version=version,
        bundle=bundle,
        region=bundle.region,
        snapshot=pinned,
        answers=guide.answers,
        form_data=clean,
        materials_provided=sorted({*seen_by_clerk, *uploaded}),
        materials_to_present=[] if seen_by_clerk else listed,
        tolerated=sorted(set(tolerated)),
        commitments=sorted(set(commitments)),
        applicant=applicant,
        party_type=party.type,
        party_id=party.id,
        party_name=party.name,
        agent=agent,
        authorisation=authorisation,
        channel=channel,
        service_point=point,
        idempotency_key=key,
        request_digest=digest,
        submitted_at=now,
        intake_deadline=work_calendar().add_work_hours(now, INTAKE_HOURS, hours_of(point)),
    )
    uploads_link(application=application, uploads=claimed, actor=actor)
    event_write(
        application,
        EventType.SUBMITTED,
        actor=actor,
        to_status=application.status,
        data={"channel": channel, "bundle_version": version.number, "agent": bool(agent)},
    )
    if seen_by_clerk:
        event_write(
            application,
            EventType.MATERIAL_PROVIDED,
            actor=actor,
            data={"materials": seen_by_clerk, "confirmed": True, "channel": channel},
        )
    notify_applicant(
        application,
        "application.submitted",
        "已提交，等待收件审查。",
        "submitted; awaiting the intake check.",
    )
    return application


def _service_point(actor: Actor, bundle: Bundle, code: str | None) -> ServicePoint:
    """A clerk files at their own post, and only for a bundle of their point's region or one above it (a town
    point takes in its county's bundles within its delegation); an applicant names a point of the bundle's
    region, or gets its hall."""
    if actor.role == Role.CLERK:
        post = ServicePoint.objects.select_related("region").get(pk=actor.service_point_id or 0)
        if not _region_within(post.region_id, bundle.region_id):
            raise Forbidden(
                "outside_region",
                f"本服务场所不能受理其他地区的“一件事”（{bundle.region.name}）",
                f"This service point cannot take in another region's bundle ({bundle.region.name})",
                field="bundle",
            )
        return post
    point = region_service_point(bundle.region_id, code)
    if point is None and code:
        raise DomainError(
            "unknown_service_point",
            f"服务场所“{code}”不存在",
            f"No service point '{code}'",
            field="service_point",
        )
    if point is None:
        raise DomainError(
            "no_service_point",
            "该地区未设置服务场所",
            "This region has no service point",
            field="service_point",
        )
    return point


def _region_within(region_id: int, ancestor_id: int) -> bool:
    from yijianshi.catalog.models import Region

    seen = 0
    current: int | None = region_id
    while current is not None and seen < 8:
        if current == ancestor_id:
            return True
        current = Region.objects.filter(pk=current).values_list("parent_id", flat=True).first()
        seen += 1
    return False


def _party(
    actor: Actor, on_behalf_of: dict[str, Any] | None, *, bundle_code: str, item_refs: Sequence[str]
) -> tuple[User, User | None, Party, dict[str, Any]]:
    """(applicant user, agent user, party, authorisation) — from the actor, never from the request alone: an
    applicant's own party; a party named in `on_behalf_of` only by a clerk (the walk-in verified at the
    counter) or by an agent holding an active mandate (授权委托) from them covering this bundle (or all of its
    items) and the ability to apply: checked right after the identifier is validated, before anything about
    the party is looked up, created or read (mandates.permissions.mandate_require; 403 `mandate_required`
    naming what is missing). The free-text `authorisation` grants nothing."""
    if on_behalf_of:
        if not isinstance(on_behalf_of, dict):
            raise DomainError(
                "invalid_party", "代办对象格式有误", "on_behalf_of must be an object", field="on_behalf_of"
            )
        name = str(on_behalf_of.get("name") or "").strip()
        if not name or len(name) > 50:
            raise DomainError(
                "required",
                "请填写被代办人姓名",
                "The represented person's name is required",
                field="on_behalf_of.name",
            )
        if hidden_controls(name):
            raise DomainError(
                "invalid_characters",
                "被代办人姓名含有不可见的控制字符或文字方向控制符",
                "The represented party's name contains control or bidirectional characters",
                field="on_behalf_of.name",
            )
        phone = str(on_behalf_of.get("phone") or "").strip()
        if phone and not PHONE.match(phone):
            raise DomainError(
                "invalid_phone",
                "被代办人电话号码格式不正确",
                "The represented party's phone number is not valid",
                field="on_behalf_of.phone",
            )
        kind = on_behalf_of.get("party_type") or PartyType.PERSON
        if kind not in PartyType.values:
            raise DomainError(
                "invalid_choice",
                "代办对象类型应为个人或企业",
                "party_type must be person or enterprise",
                field="on_behalf_of.party_type",
            )
        if kind == PartyType.ENTERPRISE:
            party_id = credit_code(str(on_behalf_of.get("uscc") or ""), field="on_behalf_of.uscc")
        else:
            party_id = resident_id(str(on_behalf_of.get("id_number") or ""), field="on_behalf_of.id_number")
        authorisation = _right_to_act(actor, kind, party_id, bundle_code, item_refs, on_behalf_of)
        if "mandate" in authorisation:
            name = str(authorisation.pop("principal_name", name))
        profile = (
            Profile.objects.filter(role=Role.APPLICANT, id_number=party_id).select_related("user").first()
            if kind != PartyType.ENTERPRISE
            else Profile.objects.filter(role=Role.APPLICANT, enterprise_uscc=party_id)
            .select_related("user")
            .first()
        )
        if profile is None:
            user = User.objects.create(username=f"party-{hashlib.sha256(party_id.encode()).hexdigest()[:20]}")
            user.set_unusable_password()
            user.save(update_fields=["password"])
            profile = Profile.objects.create(
                user=user,
                role=Role.APPLICANT,
                name=name,
                party_type=kind,
                id_number=party_id if kind != PartyType.ENTERPRISE else "",
                enterprise_uscc=party_id if kind == PartyType.ENTERPRISE else "",
                enterprise_name=name if kind == PartyType.ENTERPRISE else "",
                phone=phone,
            )
        return profile.user, actor.user, Party(type=kind, id=party_id, name=name), authorisation
    if actor.role != Role.APPLICANT:
        raise DomainError(
            "party_required",
            "工作人员代为申请时须指明申请人（on_behalf_of）",
            "Staff applying must name the applicant (on_behalf_of)",
            field="on_behalf_of",
        )
    if actor.party is None:
        raise DomainError(
            "no_profile", "账号没有申请人资料", "The account has no applicant profile", field="actor"
        )
    return actor.user, None, actor.party, {}


def _right_to_act(
    actor: Actor,
    party_type: str,
    party_id: str,
    bundle_code: str,
    item_refs: Sequence[str],
    on_behalf_of: dict[str, Any],
) -> dict[str, Any]:
    """Acting for someone needs a mandate (issue 17): a clerk at the counter acts for the walk-in they verified
    in person (their note is kept); an applicant only under an active mandate covering this bundle, used in
    this transaction (its history, the principal told). Refused before any source is read or any row written.
    Returns what the application records of the authority."""
    if actor.role == Role.CLERK:
        text = str(on_behalf_of.get("authorisation") or "").strip()
        return {"text": text[:500]} if text else {}
    mandate = mandate_require(
        agent_user=actor.user,
        party_type=party_type,
        party_id=party_id,
        bundle_code=bundle_code,
        ability=Ability.APPLY,
        item_refs=item_refs,
    )
    mandate = mandate_use(
        mandate=mandate, actor=actor, ability=Ability.APPLY, bundle_code=bundle_code, item_refs=item_refs
    )
    return {"mandate": mandate.number, "method": mandate.method, "principal_name": mandate.principal_name}
