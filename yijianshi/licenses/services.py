"""Electronic licences: issue, supersede, revoke, verify, waive, remind (issue 4 point 6; 000 §13–14, §18).

- **Issue** (`licence_issue`): the issuing department's next serial for that type, the identifier
  (`identifiers.licence_identifier`), the canonical fields, their SM3 digest and the department's SM2
  signature (`crypto`), all in one transaction that holds the department's issuer row locked, so two
  issues never get the same serial. A department that has no key yet gets one on its first issue (the same as
  `yijianshi licence keys`); one whose active key's file is missing is refused until the key is replaced.
- **New version** (`licence_supersede`): same serial, version + 1, a new identifier and signature; the old
  version's status becomes ``superseded``. **Revocation** (`licence_revoke`) and expiry change only the status.
- **Verification** (`licence_verify`) by identifier (online: the row is re-digested and its signature checked)
  or from an offline document (what the QR code carries: the canonical fields, digest, signature and key id);
  every failed check is named: ``bad_check_character``, ``bad_identifier``, ``bad_document``,
  ``unknown_licence``, ``signature_invalid``, ``surface_altered``, ``revoked``, ``expired``, ``superseded``,
  ``not_yet_valid``.
- **Waivers** (`licence_for_waiver`): a material is waived only by a licence that passes every check today; each
  licence refused is recorded on it as a ``waiver_refused`` event with the problems found.
- **Renewal reminders** (`renewal_reminders`, 无感续证 000 §18): the holder is told ``RENEWAL_REMINDER_DAYS``
  days before expiry, once per licence version (a ``renewal_reminder`` event, unique per licence).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import segno
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse

from yijianshi.accounts.models import Profile, Role
from yijianshi.catalog.models import Department, LicenceType
from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.errors import Conflict, DomainError, Forbidden, NotFound
from yijianshi.core.identifiers import credit_code, mask, resident_id
from yijianshi.core.notices import notice_send_on_commit
from yijianshi.core.notify import Notice
from yijianshi.core.verification import public_url

from . import crypto
from .identifiers import derived_issuer_code, licence_identifier, parse_identifier, validate_type_code
from .models import (
    APPLICANT_KEYS,
    CANONICAL_KEYS,
    HolderIdType,
    IssuerIdentity,
    LicenceEvent,
    LicenceEventType,
    LicenceStatus,
    License,
    SigningKey,
)
from .selectors import licence_by_code, licence_by_identifier, licences_with_related, local_today, wallet

__all__ = [
    "Forbidden",
    "department_signing_pair",
    "KeyReport",
    "Problem",
    "Verification",
    "WaiverCheck",
    "issuer_identity_ensure",
    "licence_issue",
    "licence_supersede",
    "licence_revoke",
    "licence_verify",
    "licence_for_waiver",
    "licence_waiver_check",
    "licence_waiver_checks",
    "licences_daily",
    "licences_expire",
    "offline_document",
    "qr_code",
    "renewal_reminders",
    "verify_url",
    "signing_keys_ensure",
    "wallet",
]

logger = logging.getLogger(__name__)

DOCUMENT_FORMAT = "yijianshi-licence/1"
MAX_CANONICAL_BYTES = (
    2048  # so that the offline document still fits one QR code (version 40, level L: 2953 bytes)
)


# ------------------------------------------------------------------------------------------------ issuers and keys


def _issuer_name(department: Department) -> str:
    region = department.region.name if department.region_id else ""
    return department.name if department.name.startswith(region) else f"{region}{department.name}"


def issuer_identity_ensure(*, department: Department) -> IssuerIdentity:
    """The department's issuer code, derived (and stored) the first time it is needed."""
    identity = IssuerIdentity.objects.filter(department=department).first()
    if identity is not None:
        return identity
    code = derived_issuer_code(region_code=department.region.code, department_code=department.code)
    try:
        with transaction.atomic():
            return IssuerIdentity.objects.create(department=department, uscc=code, derived=True)
    except IntegrityError:
        identity = IssuerIdentity.objects.filter(department=department).first()
        if identity is not None:  # created meanwhile by another transaction
            return identity
        raise DomainError(
            "issuer_code_taken",
            f"部门“{department}”推导出的颁发机构代码 {code} 已被其他部门使用，请在管理后台登记其真实代码",
            f"The issuer code {code} derived for '{department}' is already used by another "
            "department; register its real code in the admin",
            field="issuer",
        ) from None


@dataclass(frozen=True)
class KeyReport:
    department: str
    key_id: str
    action: str  # "created", "replaced" (the active key's private file was missing), "kept"


def _create_key(department: Department) -> SigningKey:
    pair = crypto.generate_keypair()
    crypto.store_private_key(pair, label=f"{department.region.code}/{department.code} {department.name}")
    return SigningKey.objects.create(
        department=department,
        key_id=pair.key_id,
        public_key=pair.public_key,
        algorithm=crypto.ALGORITHM,
        created_at=clock.now(),
    )


def _ensure_key(department: Department) -> KeyReport:
    active = _active_key(department, lock=True)  # nothing to lock for a first key: see _signing_pair
    label = f"{department.region.code}/{department.code}"
    if active is not None and crypto.load_private_key(active.key_id) is not None:
        return KeyReport(label, active.key_id, "kept")
    action = "created"
    if active is not None:
        logger.warning("licence key %s of %s has no private key file: replaced", active.key_id, label)
        active.retired_at = clock.now()
        active.save(update_fields=["retired_at"])
        action = "replaced"
    return KeyReport(label, _create_key(department).key_id, action)


def signing_keys_ensure(*, departments: Iterable[Department] | None = None, actor: Actor) -> list[KeyReport]:
    """Give every issuing department (by default: those whose kind issues some licence type) an SM2 key pair.

    A department whose active key's private file is missing gets a new key; the old one is retired and stays
    in the database so that licences it signed can still be verified.
    """
    if departments is None:
        kinds = set(LicenceType.objects.values_list("issuer_kind", flat=True))
        departments = Department.objects.filter(kind__in=kinds).select_related("region")
    reports = []
    for department in departments:
        with transaction.atomic():
            issuer_identity_ensure(department=department)
            reports.append(_ensure_key(department))
    return reports


def signing_key_revoke(*, key_id: str, reason: str, actor: Actor) -> SigningKey:
    """Revoke a department's signing key (a private key known or feared to be out of our hands): from now on no
    licence it signed and no document it sealed verifies (key_revoked / revoked_key), and the department's next
    licence or document gets a new key. Only an administrator (or the system) may; a reason is required."""
    if not (actor.is_system or actor.role == Role.ADMIN):
        raise Forbidden(
            "forbidden_role",
            "只有管理员可以吊销签章密钥",
            "Only an administrator may revoke a signing key",
            field="actor",
        )
    text = str(reason or "").strip()
    if not text:
        raise DomainError(
            "reason_required", "请填写吊销原因", "Give the reason for the revocation", field="reason"
        )
    with transaction.atomic():
        key = SigningKey.objects.select_for_update().filter(key_id=key_id).first()
        if key is None:
            raise NotFound("unknown_key", f"没有密钥 {key_id}", f"No key {key_id}", field="key_id")
        if key.revoked_at is not None:
            raise Conflict(
                "already_revoked", f"密钥 {key_id} 已吊销", f"Key {key_id} is already revoked", field="key_id"
            )
        now = clock.now()
        key.revoked_at, key.revoked_reason = now, text[:300]
        key.retired_at = key.retired_at or now
        key.save(update_fields=["revoked_at", "revoked_reason", "retired_at"])
    logger.warning("signing key %s of %s revoked: %s", key.key_id, key.department_id, text)
    return key


def department_signing_pair(*, department: Department) -> tuple[SigningKey, crypto.KeyPair]:
    """The department's active key and its private key, made on first use: it signs its licences and seals its
    documents (docs/adr/0011-electronic-seals.md). Raises when the private key file is missing."""
    return _signing_pair(department)


def _active_key(department: Department, *, lock: bool = False) -> SigningKey | None:
    keys = SigningKey.objects.select_for_update() if lock else SigningKey.objects.all()
    return keys.filter(department=department, retired_at__isnull=True).first()


def _signing_pair(department: Department) -> tuple[SigningKey, crypto.KeyPair]:
    active = _active_key(department)
    if active is None:
        try:
            # a savepoint: two requests may issue the department's first document at once (two web workers)
            with transaction.atomic():
                _ensure_key(department)
        except (
            IntegrityError
        ):  # signing_key_one_active_per_department: the other request made it; take that one
            logger.info("licence key of %s made by a concurrent request", department)
        active = SigningKey.objects.get(department=department, retired_at__isnull=True)
        logger.info("licence key %s created for %s on its first issue", active.key_id, department)
    pair = crypto.load_private_key(active.key_id)
    if pair is None:
        raise DomainError(
            "licence_key_missing",
            f"“{department}”的签章私钥文件缺失，请运行 yijianshi licence keys 更换密钥",
            f"The private signing key of '{department}' is missing; run `yijianshi licence keys` to "
            "replace it",
            field="issuer",
        )
    return active, pair


# ------------------------------------------------------------------------------------------------ issue


def _clean_value(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | int | str):
        if isinstance(value, str) and len(value) > 500:
            raise DomainError(
                "licence_surface_too_long",
                f"照面信息“{path}”过长（最多500字）",
                f"Surface field '{path}' is too long (at most 500 characters)",
                field=f"surface.{path}",
            )
        return value
    if isinstance(value, list):
        return [_clean_value(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {str(k): _clean_value(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    raise DomainError(
        "licence_surface_bad_value",
        f"照面信息“{path}”的值类型不受支持（只能是文字、整数、是否、列表或对象）",
        f"Surface field '{path}' has an unsupported type ({type(value).__name__}): use text, "
        "integers, booleans, lists or objects",
        field=f"surface.{path}",
    )


def _clean_surface(surface: Any) -> dict[str, Any]:
    if not isinstance(surface, dict):
        raise DomainError(
            "licence_surface_bad", "照面信息应为键值对象", "Surface data must be an object", field="surface"
        )
    cleaned: dict[str, Any] = {}
    for key, value in surface.items():
        if not isinstance(key, str) or not key.strip():
            raise DomainError(
                "licence_surface_bad_key",
                "照面信息的字段名应为非空文字",
                "Surface field names must be non-empty text",
                field="surface",
            )
        cleaned[key] = _clean_value(value, key)
    return cleaned


def _clean_holder(holder_name: str, holder_id: str, holder_id_type: str) -> tuple[str, str, str]:
    name = (holder_name or "").strip()
    if not name or len(name) > 100:
        raise DomainError(
            "licence_holder_name_bad",
            "持证主体名称应为1至100字",
            "The holder's name must be 1 to 100 characters",
            field="holder_name",
        )
    if holder_id_type == HolderIdType.IDENTITY_NUMBER:
        return name, resident_id(holder_id, field="holder_id"), holder_id_type
    if holder_id_type == HolderIdType.USCC:
        return name, credit_code(holder_id, field="holder_id"), holder_id_type
    if holder_id_type == HolderIdType.NONE_YET and not (holder_id or "").strip():
        return name, "", holder_id_type
    raise DomainError(
        "licence_holder_id_type_bad",
        "持证主体代码类型应为 111（公民身份号码）、001（统一社会信用代码）或 999（尚无证件号码，号码留空）",
        "The holder identifier type must be 111 (identity number), 001 (unified social credit "
        "code) or 999 (none yet, with no number)",
        field="holder_id_type",
    )


def _clean_applicant(name: str, applicant_id: str, id_type: str) -> tuple[str, str, str]:
    """申领人: who applied for a licence held by someone else; required when the holder has no number yet."""
    if not (applicant_id or "").strip():
        return "", "", ""
    if id_type not in (HolderIdType.IDENTITY_NUMBER, HolderIdType.USCC):
        raise DomainError(
            "licence_applicant_id_type_bad",
            "申领人代码类型应为 111 或 001",
            "The applicant identifier type must be 111 or 001",
            field="applicant_id_type",
        )
    try:
        cleaned = _clean_holder(name, applicant_id, id_type)
    except DomainError as exc:
        raise DomainError(
            exc.code,
            exc.detail.zh,
            exc.detail.en,
            field=(exc.detail.field or "").replace("holder", "applicant"),
        ) from None
    return cleaned


def _check_validity(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(
            "licence_validity_bad",
            "有效期截止日期早于起始日期",
            "The validity ends before it begins",
            field="valid_to",
        )


def _sign_and_save(licence: License, pair: crypto.KeyPair) -> License:
    fields = licence.canonical_fields()
    encoded = crypto.canonical_bytes(fields)
    if len(encoded) > MAX_CANONICAL_BYTES:
        raise DomainError(
            "licence_too_large",
            f"证照内容过多（{len(encoded)} 字节，上限 {MAX_CANONICAL_BYTES}），无法放入二维码",
            f"The licence is too large ({len(encoded)} bytes, at most {MAX_CANONICAL_BYTES}) to fit "
            "its QR code",
            field="surface",
        )
    licence.digest = crypto.sm3_hex(encoded)
    licence.signature = crypto.sign(licence.digest, private_key=pair.private_key, public_key=pair.public_key)
    licence.save()
    return licence


def _event(licence: License, event_type: str, *, actor: Actor, **data: Any) -> LicenceEvent:
    return LicenceEvent.objects.create(
        licence=licence, event_type=event_type, actor=actor.user, at=clock.now(), data=data
    )


def licence_issue(
    *,
    licence_type: str,
    holder_name: str,
    holder_id: str,
    holder_id_type: str,
    issuer: Department,
    surface: dict[str, Any],
    valid_from: date,
    valid_to: date | None,
    actor: Actor,
    source_reference: str = "",
    applicant_name: str = "",
    applicant_id: str = "",
    applicant_id_type: str = "",
) -> License:
    """Issue version 1 of a new licence, signed by `issuer`'s key. `applicant_*` name who applied for a licence
    someone else holds (holders.py); a holder without a number yet (type 999) needs one."""
    lt = LicenceType.objects.filter(code=licence_type).first()
    if lt is None:
        raise NotFound(
            "licence_type_unknown",
            f"未知的证照类型：{licence_type}",
            f"Unknown licence type: {licence_type}",
            field="licence_type",
        )
    if not lt.type_code:
        raise DomainError(
            "licence_type_no_code",
            f"证照类型“{lt.name}”没有证照类型代码，无法签发",
            f"The licence type '{lt.name}' has no type code; it cannot be issued",
            field="licence_type",
        )
    type_code = validate_type_code(lt.type_code, field="licence_type")
    name, holder, id_type = _clean_holder(holder_name, holder_id, holder_id_type)
    applicant = _clean_applicant(applicant_name, applicant_id, applicant_id_type)
    if not holder and not applicant[1]:
        raise DomainError(
            "licence_applicant_required",
            "持证主体尚无证件号码时须登记申领人",
            "A holder without an identifier needs the applicant who applied for it",
            field="applicant_id",
        )
    cleaned = _clean_surface(surface)
    _check_validity(valid_from, valid_to)
    with transaction.atomic():
        issuer_identity_ensure(department=issuer)
        identity = IssuerIdentity.objects.select_for_update().get(department=issuer)  # serialises serials
        key, pair = _signing_pair(issuer)
        last = License.objects.filter(type_code=type_code, issuer_code=identity.uscc).aggregate(
            m=Max("serial")
        )["m"]
        serial = (last or 0) + 1
        now = clock.now()
        licence = License(
            identifier=licence_identifier(
                type_code=type_code, issuer_code=identity.uscc, serial=serial, version=1
            ),
            licence_type=lt,
            type_code=type_code,
            type_name=lt.name,
            issuer=issuer,
            issuer_code=identity.uscc,
            issuer_name=_issuer_name(issuer),
            serial=serial,
            version=1,
            holder_name=name,
            holder_id_type=id_type,
            holder_id=holder,
            applicant_name=applicant[0],
            applicant_id=applicant[1],
            applicant_id_type=applicant[2],
            issue_date=clock.local(now).date(),
            valid_from=valid_from,
            valid_to=valid_to,
            surface=cleaned,
            key=key,
            status=LicenceStatus.VALID,
            source_reference=(source_reference or "")[:100],
            issued_at=now,
            issued_by=actor.user,
        )
        _sign_and_save(licence, pair)
        _event(licence, LicenceEventType.ISSUED, actor=actor, source_reference=licence.source_reference)
    return licence


def _lock(licence: License) -> License:
    # of=("self",): the licence row only, not its issuer's, region's and type's (FOR UPDATE on a department
    # would block every insert that references it)
    return (
        License.objects.select_for_update(of=("self",))
        .select_related("issuer__region", "licence_type")
        .get(pk=licence.pk)
    )


def licence_supersede(
    *,
    licence: License,
    surface: dict[str, Any],
    actor: Actor,
    validity: tuple[date, date | None] | None = None,
) -> License:
    """Issue the next version of `licence` with new surface data (and, for a renewal, a new validity)."""
    cleaned = _clean_surface(surface)
    if validity is not None:
        _check_validity(*validity)
    with transaction.atomic():
        IssuerIdentity.objects.select_for_update().filter(
            department_id=licence.issuer_id
        ).first()  # as issue does
        old = _lock(licence)
        if old.status not in (LicenceStatus.VALID, LicenceStatus.EXPIRED):
            raise Conflict(
                "licence_not_current",
                f"证照 {old.identifier} 状态为“{old.get_status_display()}”，不能换发新版本",
                f"Licence {old.identifier} is {old.status}; it cannot get a new version",
                field="licence",
            )
        key, pair = _signing_pair(old.issuer)
        version = old.version + 1
        now = clock.now()
        valid_from, valid_to = validity if validity is not None else (old.valid_from, old.valid_to)
        new = License(
            identifier=licence_identifier(
                type_code=old.type_code, issuer_code=old.issuer_code, serial=old.serial, version=version
            ),
            licence_type=old.licence_type,
            type_code=old.type_code,
            type_name=old.type_name,
            issuer=old.issuer,
            issuer_code=old.issuer_code,
            issuer_name=old.issuer_name,
            serial=old.serial,
            version=version,
            holder_name=old.holder_name,
            holder_id_type=old.holder_id_type,
            holder_id=old.holder_id,
            applicant_name=old.applicant_name,
            applicant_id_type=old.applicant_id_type,
            applicant_id=old.applicant_id,
            issue_date=clock.local(now).date(),
            valid_from=valid_from,
            valid_to=valid_to,
            surface=cleaned,
            key=key,
            status=LicenceStatus.VALID,
            supersedes=old,
            source_reference=old.source_reference,
            issued_at=now,
            issued_by=actor.user,
        )
        old.status = LicenceStatus.SUPERSEDED
        old.save(update_fields=["status"])
        _sign_and_save(new, pair)
        _event(old, LicenceEventType.SUPERSEDED, actor=actor, by=new.identifier)
        _event(new, LicenceEventType.ISSUED, actor=actor, supersedes=old.identifier)
    return new


def _may_revoke(actor: Actor, licence: License) -> bool:
    if actor.is_system:  # e.g. a failed post-check of a commitment
        return True
    return actor.role == Role.ADMIN or (
        actor.role == Role.OFFICER and actor.department_id == licence.issuer_id
    )


def licence_revoke(*, licence: License, reason: str, actor: Actor) -> License:
    """注销: the licence stops being valid at once; only an administrator or the issuing department may."""
    text = (reason or "").strip()
    if not text:
        raise DomainError(
            "licence_revoke_reason_required",
            "请填写注销原因",
            "Give the reason for the revocation",
            field="reason",
        )
    with transaction.atomic():
        current = _lock(licence)
        if not _may_revoke(actor, current):
            raise Forbidden(
                "forbidden",
                "只有管理员或发证部门可以注销该证照",
                "Only an administrator or the issuing department may revoke this licence",
            )
        if current.status not in (LicenceStatus.VALID, LicenceStatus.EXPIRED):
            raise Conflict(
                "licence_not_revocable",
                f"证照 {current.identifier} 状态为“{current.get_status_display()}”，不能注销",
                f"Licence {current.identifier} is {current.status}; it cannot be revoked",
                field="licence",
            )
        current.status = LicenceStatus.REVOKED
        current.revoked_at = clock.now()
        current.revoked_reason = text[:300]
        current.save(update_fields=["status", "revoked_at", "revoked_reason"])
        _event(current, LicenceEventType.REVOKED, actor=actor, reason=current.revoked_reason)
    return current


def licences_expire(*, today: date | None = None, actor: Actor) -> int:
    """Mark valid licences whose validity ended before `today` as expired (verification does not wait for it)."""
    today = today or local_today()
    count = 0
    for pk in License.objects.filter(status=LicenceStatus.VALID, valid_to__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            licence = License.objects.select_for_update().get(pk=pk)
            if (
                licence.status == LicenceStatus.VALID
                and licence.valid_to is not None
                and licence.valid_to < today
            ):
                licence.status = LicenceStatus.EXPIRED
                licence.save(update_fields=["status"])
                _event(licence, LicenceEventType.EXPIRED, actor=actor, valid_to=licence.valid_to.isoformat())
                count += 1
    return count


# ------------------------------------------------------------------------------------------------ verification


@dataclass(frozen=True)
class Problem:
    code: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Check:
    """One check a verifier made, passed or not, for a printout (`yijianshi licence verify`)."""

    name: str  # identifier, registry, digest, signature, status, validity
    ok: bool
    zh: str
    en: str


@dataclass
class Verification:
    identifier: str
    ok: bool = True
    problems: list[dict[str, str]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    licence: License | None = None
    fields: dict[str, Any] | None = None

    def passed(self, name: str, zh: str, en: str) -> None:
        self.checks.append(Check(name, True, zh, en))

    def failed(self, name: str, problem: Problem) -> None:
        self.checks.append(Check(name, False, problem.zh, problem.en))
        self.problems.append(problem.as_dict())
        self.ok = False

    @property
    def codes(self) -> list[str]:
        return [p["code"] for p in self.problems]


_SIG_BAD = Problem(
    "signature_invalid",
    "签名无效：该证照不是由所示发证部门的密钥签发，或签名已被改动",
    "The signature is not valid: the licence was not signed by the issuer's key, or the signature "
    "was altered",
)
_ALTERED = Problem(
    "surface_altered",
    "证照内容与签发时不一致：照面或持证信息已被改动",
    "The licence's content differs from what was signed: its surface or holder data was altered",
)


def _check_identifier(result: Verification, text: str) -> bool:
    try:
        parse_identifier(text)
    except DomainError as exc:
        code = "bad_check_character" if exc.code == "licence_id_bad_check" else "bad_identifier"
        result.failed("identifier", Problem(code, exc.detail.zh, exc.detail.en))
        return False
    result.passed(
        "identifier",
        "证照标识格式与校验位正确",
        "The identifier is well formed and its check character is right",
    )
    return True


def _check_dates(result: Verification, valid_from: date, valid_to: date | None, today: date) -> None:
    if valid_from > today:
        result.failed(
            "validity",
            Problem(
                "not_yet_valid",
                f"证照自 {valid_from} 起生效，目前尚未生效",
                f"The licence is valid from {valid_from}; not yet",
            ),
        )
    elif valid_to is not None and valid_to < today:
        result.failed(
            "validity", Problem("expired", f"证照已于 {valid_to} 到期", f"The licence expired on {valid_to}")
        )
    else:
        until = str(valid_to) if valid_to else "长期"
        result.passed(
            "validity",
            f"在有效期内（{valid_from} 至 {until}）",
            f"Within its validity ({valid_from} to {valid_to or 'no end date'})",
        )


def _check_status(result: Verification, licence: License, today: date) -> None:
    if licence.status == LicenceStatus.REVOKED:
        when = clock.local(licence.revoked_at).date() if licence.revoked_at else ""
        result.failed(
            "status",
            Problem(
                "revoked",
                f"证照已于 {when} 注销：{licence.revoked_reason}",
                f"The licence was revoked on {when}: {licence.revoked_reason}",
            ),
        )
    elif licence.status == LicenceStatus.SUPERSEDED:
        newer = getattr(licence, "superseded_by", None)
        newer_id = newer.identifier if newer is not None else ""
        result.failed(
            "status",
            Problem(
                "superseded",
                f"证照已被新版本替代：{newer_id}",
                f"The licence was superseded by a newer version: {newer_id}",
            ),
        )
    else:
        result.passed("status", "未注销、未被替代", "Not revoked, not superseded")
    _check_dates(result, licence.valid_from, licence.valid_to, today)


def _check_signature(
    result: Verification, digest: str, signature: str, key: SigningKey | None, issuer_ok: bool
) -> None:
    if key is not None and key.revoked_at is not None:
        when = clock.local(key.revoked_at).date()
        result.failed(
            "signature",
            Problem(
                "key_revoked",
                f"签发密钥已于 {when} 吊销：{key.revoked_reason}",
                f"The signing key was revoked on {when}: {key.revoked_reason}",
            ),
        )
    elif key is not None and issuer_ok and crypto.verify(digest, signature, key.public_key):
        result.passed(
            "signature",
            f"SM2 签名有效（密钥 {key.key_id}，{key.department}）",
            f"The SM2 signature is valid (key {key.key_id}, {key.department})",
        )
    else:
        result.failed("signature", _SIG_BAD)


def _verify_row(result: Verification, licence: License, today: date) -> None:
    result.licence = licence
    result.fields = licence.canonical_fields()
    result.passed("registry", "本平台签发的证照", "A licence issued on this platform")
    if crypto.digest_of(result.fields) == licence.digest:
        result.passed(
            "digest",
            "证照内容与签发时一致（SM3 摘要相符）",
            "The content is as signed (the SM3 digest matches)",
        )
    else:
        result.failed("digest", _ALTERED)
    _check_signature(
        result, licence.digest, licence.signature, licence.key, licence.key.department_id == licence.issuer_id
    )
    _check_status(result, licence, today)


def _document_fields(document: Any) -> tuple[dict[str, Any], str, str, str] | None:
    if not isinstance(document, dict):
        return None
    fields = document.get("licence")
    digest, signature, key_id = document.get("digest"), document.get("signature"), document.get("key_id")
    if not isinstance(fields, dict) or set(fields) not in (
        set(CANONICAL_KEYS),
        {*CANONICAL_KEYS, *APPLICANT_KEYS},
    ):
        return None
    if not all(isinstance(v, str) for v in (digest, signature, key_id)):
        return None
    return fields, str(digest), str(signature), str(key_id)


def _parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _verify_document(result: Verification, document: dict[str, Any], today: date) -> None:
    parsed = _document_fields(document)
    if parsed is None:
        result.failed(
            "document",
            Problem(
                "bad_document",
                "离线证照文件不完整：应含 licence（"
                + "、".join(CANONICAL_KEYS)
                + "）、digest、signature、key_id",
                "The offline document is incomplete: it needs licence ("
                + ", ".join(CANONICAL_KEYS)
                + "), digest, signature and key_id",
            ),
        )
        return
    fields, digest, signature, key_id = parsed
    result.fields = fields
    result.identifier = str(fields.get("identifier") or "")
    _check_identifier(result, result.identifier)
    try:
        recomputed = crypto.digest_of(fields)
    except (TypeError, ValueError):
        recomputed = ""
    if recomputed and recomputed == digest.strip().lower():
        result.passed(
            "digest", "证照内容与所附摘要一致（SM3）", "The content matches the digest it carries (SM3)"
        )
    else:
        result.failed("digest", _ALTERED)
    key = SigningKey.objects.select_related("department").filter(key_id=key_id.strip().lower()).first()
    carried = document.get("public_key")
    if (
        key is not None
        and isinstance(carried, str)
        and crypto.normalise_public_key(carried) != key.public_key
    ):
        key = None  # a document that brings its own key is not trusted for it
    licence = licence_by_identifier(result.identifier) if result.identifier else None
    if key is None:
        issuer_ok = False
    elif licence is not None:
        issuer_ok = key.department_id == licence.issuer_id
    else:
        identity = IssuerIdentity.objects.filter(department_id=key.department_id).first()
        issuer_ok = identity is not None and identity.uscc == fields.get("issuer")
    _check_signature(result, digest.strip().lower(), signature, key, issuer_ok)
    if "signature_invalid" in result.codes:
        # not a document the issuer signed: say nothing of the registry (whether that identifier was issued,
        # its holder, its status), or forged documents would walk the sequential identifiers
        return
    if licence is None:
        result.failed(
            "registry",
            Problem(
                "unknown_licence",
                "本平台未签发该标识的证照",
                "No licence with this identifier was issued on this platform",
            ),
        )
        start, end = _parse_date(fields.get("valid_from")), _parse_date(fields.get("valid_to"))
        if start is not None:
            _check_dates(result, start, end, today)
        return
    result.licence = licence
    if licence.digest != digest.strip().lower() and "surface_altered" not in result.codes:
        result.failed("registry", _ALTERED)
    else:
        result.passed("registry", "与本平台登记的证照一致", "Matches the licence registered on this platform")
    _check_status(result, licence, today)


_NO_SUCH_CODE = Problem(
    "unknown_code",
    "没有与该核验码对应的证照，请核对证照二维码或核验地址中的核验码",
    "No licence has this verification code; check the code in the licence's QR code or verification link",
)


def licence_verify(
    *,
    identifier: str | None = None,
    code: str | None = None,
    document: dict[str, Any] | None = None,
    today: date | None = None,
) -> Verification:
    """Check a licence by its verification code (the public faces), its identifier (the command line, staff) or
    from its offline document; never raises on bad input.

    By code, anything that is not the code of an issued licence gets the one answer ``unknown_code`` (no
    distinction between a malformed, a guessed and a wrong code); by document, a document whose signature
    does not hold learns nothing of the registry."""
    today = today or local_today()
    if document is not None:
        result = Verification(identifier="")
        _verify_document(result, document, today)
        return result
    if code is not None:
        found = licence_by_code(code.strip())
        if found is None:
            result = Verification(identifier="")
            result.failed("registry", _NO_SUCH_CODE)
            return result
        result = Verification(identifier=found.identifier)
        if _check_identifier(result, found.identifier):
            _verify_row(result, found, today)
        return result
    text = (identifier or "").strip().upper()
    result = Verification(identifier=text)
    if not _check_identifier(result, text):
        return result
    licence = licence_by_identifier(text)
    if licence is None:
        result.failed(
            "registry",
            Problem(
                "unknown_licence",
                "本平台未签发该标识的证照",
                "No licence with this identifier was issued on this platform",
            ),
        )
        return result
    _verify_row(result, licence, today)
    return result


# ------------------------------------------------------------------------------------------------ waivers


@dataclass(frozen=True)
class WaiverCheck:
    licence: License | None
    refused: list[tuple[str, list[dict[str, str]]]]  # (identifier, problems) of each licence refused


def licence_waiver_check(*, holder_id: str, licence_type: str, today: date | None = None) -> WaiverCheck:
    """The newest licence of that type the holder has that passes every check today, and why others failed."""
    return licence_waiver_checks(holder_id=holder_id, licence_types=[licence_type], today=today)[licence_type]


def licence_waiver_checks(
    *, holder_id: str, licence_types: Iterable[str], today: date | None = None
) -> dict[str, WaiverCheck]:
    """`licence_waiver_check` for each of `licence_types` at once: the holder's candidates of all those types
    are read in one query and each is verified as `licence_verify` does (identifier, digest, signature,
    status, validity); a licence that fails is recorded as refused for a waiver."""
    today = today or local_today()
    types = sorted(set(licence_types))
    checks: dict[str, WaiverCheck] = {t: WaiverCheck(licence=None, refused=[]) for t in types}
    party = (holder_id or "").strip().upper()
    if not party or not types:
        return checks
    # the party's own licences and those they applied for as 申领人 (their newborn's birth certificate); most
    # parties hold none of these types, so the ids come first and the rows with what verifying needs after
    held = list(
        License.objects.filter(
            Q(holder_id=party) | Q(applicant_id=party), licence_type__code__in=types
        ).values_list("pk", flat=True)
    )
    if not held:
        return checks
    candidates = licences_with_related(License.objects.filter(pk__in=held)).order_by(
        "-issued_at", "-version", "-pk"
    )
    for licence in candidates:
        check = checks[licence.licence_type.code]
        if check.licence is not None:
            continue
        result = Verification(identifier=licence.identifier)
        if _check_identifier(result, licence.identifier):
            _verify_row(result, licence, today)
        if result.ok:
            checks[licence.licence_type.code] = WaiverCheck(licence=licence, refused=check.refused)
            continue
        check.refused.append((licence.identifier, result.problems))
        if licence.status != LicenceStatus.SUPERSEDED:  # an old version being superseded is no news
            _event(
                licence,
                LicenceEventType.WAIVER_REFUSED,
                actor=Actor.system(),
                today=today.isoformat(),
                problems=result.problems,
            )
            logger.info(
                "licence %s refused for a waiver: %s",
                licence.identifier,
                ", ".join(p["code"] for p in result.problems),
            )
    return checks


def licence_for_waiver(*, holder_id: str, licence_type: str, today: date) -> License | None:
    """A licence that may stand in for a material (免提交), or None; each licence refused is recorded."""
    return licence_waiver_check(holder_id=holder_id, licence_type=licence_type, today=today).licence


# ------------------------------------------------------------------------------------------------ renewal reminders


def _contact(holder_id: str) -> Profile | None:
    if not holder_id:
        return None
    return (
        Profile.objects.filter(id_number=holder_id).first()
        or Profile.objects.filter(enterprise_uscc=holder_id).first()
    )


def _reminder(licence: License) -> Notice:
    profile = _contact(licence.holder_id) or _contact(licence.applicant_id)  # a child's licence: the parent
    until = licence.valid_to.isoformat() if licence.valid_to else ""
    return Notice(
        event="licence.renewal_reminder",
        reference=licence.identifier,
        subject_zh=f"【一件事】{licence.type_name}即将到期",
        subject_en=f"[yijianshi] Your {licence.type_name} expires soon",
        body_zh=f"您的{licence.type_name}（持证主体代码 {mask(licence.holder_id)}）将于 {until} 到期，请在到期前办理续证。",
        body_en=f"Your {licence.type_name} (holder {mask(licence.holder_id)}) expires on {until}; renew it before then.",
        phone=profile.phone if profile else "",
        email=profile.email if profile else "",
        name=profile.name if profile and profile.name else licence.holder_name,
    )


def renewal_reminders(*, today: date, days: int | None = None) -> int:
    """Tell holders of licences expiring within `days` (default settings.RENEWAL_REMINDER_DAYS); once each.

    Each reminder is recorded before it is sent (in its own transaction; the notice goes out after the commit),
    so a second run, or two runs at once, never send it twice. Returns how many were sent.
    """
    horizon = today + timedelta(days=settings.RENEWAL_REMINDER_DAYS if days is None else days)
    due = (
        License.objects.filter(
            status=LicenceStatus.VALID, valid_to__isnull=False, valid_to__gte=today, valid_to__lte=horizon
        )
        .exclude(events__event_type=LicenceEventType.RENEWAL_REMINDER)
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(due):
        try:
            with transaction.atomic():
                licence = License.objects.select_for_update().get(pk=pk)
                if (
                    licence.status != LicenceStatus.VALID
                    or licence.events.filter(event_type=LicenceEventType.RENEWAL_REMINDER).exists()
                ):
                    continue
                _event(
                    licence,
                    LicenceEventType.RENEWAL_REMINDER,
                    actor=Actor.system(),
                    today=today.isoformat(),
                    valid_to=licence.valid_to.isoformat() if licence.valid_to else None,
                )
                notice = _reminder(licence)
                notice_send_on_commit(notice)
        except IntegrityError:  # another run recorded it first
            continue
        sent += 1
    return sent


def licences_daily(*, today: date | None = None) -> dict[str, int]:
    """The daily licence run (Celery beat `licenses.daily`, the in-process runner once a day): mark the licences
    past their validity expired, then remind holders of those expiring soon. Both are idempotent, so a second
    run the same day, or two processes running it at once, change and send nothing more."""
    today = today or local_today()
    expired = licences_expire(today=today, actor=Actor.system())
    reminded = renewal_reminders(today=today)
    if expired or reminded:
        logger.info("licences daily run %s: %d expired, %d reminded", today, expired, reminded)
    return {"expired": expired, "reminded": reminded}


# ------------------------------------------------------------------------------------------------ offline document


def offline_document(licence: License) -> dict[str, Any]:
    """What the licence's QR code carries: enough for a verifier to recompute the digest and check the signature
    (the public key comes from the verifier's trust list, `GET /api/licences/keys/`, by its key id)."""
    return {
        "format": DOCUMENT_FORMAT,
        "licence": licence.canonical_fields(),
        "digest": licence.digest,
        "signature": licence.signature,
        "key_id": licence.key.key_id,
        "algorithm": licence.key.algorithm,
        "verify_url": verify_url(licence),
    }


def verify_url(licence: License) -> str:
    """The public verification address of a licence (YIJIANSHI_PUBLIC_URL): it carries the licence's
    verification code, never its identifier."""
    return public_url(reverse("licence-verify", args=[licence.verification_code]))


def document_bytes(licence: License) -> bytes:
    return json.dumps(
        offline_document(licence), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def qr_code(licence: License, *, kind: str = "svg", scale: int = 3) -> bytes:
    """The QR code of the offline document (UTF-8 JSON, byte mode), as SVG or PNG."""
    data = document_bytes(licence)
    try:
        qr = segno.make(data, error="m", boost_error=False)
    except (
        segno.DataOverflowError
    ):  # a large licence: the lowest error correction still fits (MAX_CANONICAL_BYTES)
        qr = segno.make(data, error="l", boost_error=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind=kind, scale=scale, border=4)
    return buffer.getvalue()
