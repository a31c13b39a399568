"""Electronic licences (电子证照, GB/T 36901–36905 as far as public descriptions go; issue 4 point 6).

A `License` is one version of one licence: what it says (holder, type, issuer, dates, surface data) is
snapshotted at issue, encoded canonically, digested with SM3 and signed with the issuing department's SM2
key (`crypto`). Rows are never edited after issue except for their status: a new version is a new row
(the old one becomes ``superseded``), revocation and expiry only change the status. Business rules live in
`services.py`; this module only holds the data.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yijianshi.core.verification import new_code


class HolderIdType(models.TextChoices):
    """持证主体代码类型 (GB/T 36902 uses the codes of the identity document kinds)."""

    IDENTITY_NUMBER = "111", _("公民身份号码")
    USCC = "001", _("统一社会信用代码")
    NONE_YET = "999", _("其他（尚无证件号码，如未落户的新生儿）")


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已注销")
    EXPIRED = "expired", _("已过期")
    SUPERSEDED = "superseded", _("已被新版本替代")


class IssuerIdentity(models.Model):
    """The unified social credit code a department issues licences under (颁发机构代码)."""

    department = models.OneToOneField(
        "catalog.Department", on_delete=models.PROTECT, related_name="issuer_identity", verbose_name=_("部门")
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    derived = models.BooleanField(
        _("系统推导"),
        default=True,
        help_text=_("未登记真实代码时由区划代码与部门编码推导，可改为真实代码（仅影响此后签发的证照）"),
    )

    class Meta:
        verbose_name = _("颁发机构代码")
        verbose_name_plural = _("颁发机构代码")

    def __str__(self) -> str:
        return f"{self.department} {self.uscc}"


class SigningKey(models.Model):
    """A department's SM2 public key. The private key is a file under settings.LICENCE_KEY_DIR, never here."""

    department = models.ForeignKey(
        "catalog.Department", on_delete=models.PROTECT, related_name="signing_keys", verbose_name=_("部门")
    )
    key_id = models.CharField(_("密钥标识"), max_length=16, unique=True)
    algorithm = models.CharField(_("算法"), max_length=20, default="SM2-SM3")
    public_key = models.CharField(_("公钥"), max_length=128)
    created_at = models.DateTimeField(_("生成时间"))
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    # Compromised: nothing it signed or sealed is valid any more (a retired key's earlier signatures stay valid).
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("吊销原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["department", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=models.Q(retired_at__isnull=True),
                name="signing_key_one_active_per_department",
            )
        ]
        verbose_name = _("签章密钥")
        verbose_name_plural = _("签章密钥")

    def __str__(self) -> str:
        return f"{self.department} {self.key_id}"


class License(models.Model):
    identifier = models.CharField(_("证照标识"), max_length=80, unique=True)
    licence_type = models.ForeignKey(
        "catalog.LicenceType", on_delete=models.PROTECT, related_name="licences", verbose_name=_("证照类型")
    )
    type_code = models.CharField(_("证照类型代码"), max_length=21)
    type_name = models.CharField(_("证照名称"), max_length=100)
    issuer = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        related_name="issued_licences",
        verbose_name=_("颁发机构"),
    )
    issuer_code = models.CharField(_("颁发机构代码"), max_length=18)
    issuer_name = models.CharField(_("颁发机构名称"), max_length=200)
    serial = models.PositiveBigIntegerField(_("流水号"))
    version = models.PositiveIntegerField(_("版本号"), default=1)
    holder_name = models.CharField(_("持证主体"), max_length=100)
    holder_id_type = models.CharField(_("持证主体代码类型"), max_length=3, choices=HolderIdType.choices)
    holder_id = models.CharField(_("持证主体代码"), max_length=18, db_index=True, blank=True)
    # 申领人: the party who applied for a licence held by someone else (a newborn's parent, a deceased's
    # relative): signed with the licence, and it shows in their wallet and stands in for their materials
    # (docs/adr/0006-licence-holder-rule.md). Blank when the holder applied themself.
    applicant_name = models.CharField(_("申领人"), max_length=100, blank=True)
    applicant_id_type = models.CharField(
        _("申领人代码类型"), max_length=3, choices=HolderIdType.choices, blank=True
    )
    applicant_id = models.CharField(_("申领人代码"), max_length=18, db_index=True, blank=True)
    issue_date = models.DateField(_("颁证日期"))
    valid_from = models.DateField(_("有效期起始"))
    valid_to = models.DateField(_("有效期截止"), null=True, blank=True, help_text=_("空表示长期有效"))
    surface = models.JSONField(_("照面信息"), default=dict)
    digest = models.CharField(_("SM3 摘要"), max_length=64)
    signature = models.CharField(_("SM2 签名"), max_length=128)
    key = models.ForeignKey(
        SigningKey, on_delete=models.PROTECT, related_name="licences", verbose_name=_("签章密钥")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("替代的版本"),
    )
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("注销原因"), max_length=300, blank=True)
    source_reference = models.CharField(_("来源"), max_length=100, blank=True, help_text=_("如办件编号"))
    issued_at = models.DateTimeField(_("签发时间"))
    # what the verify link (in the QR code's offline document and the wallet) carries: never the identifier,
    # whose serial can be counted (core/verification.py); not part of what is signed
    verification_code = models.CharField(
        _("核验码"), max_length=32, unique=True, default=new_code, editable=False
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签发人"),
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["type_code", "issuer_code", "serial", "version"], name="licence_unique_serial_version"
            ),
        ]
        indexes = [models.Index(fields=["holder_id", "licence_type", "status"], name="licence_holder_type")]
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")

    def __str__(self) -> str:
        return f"{self.type_name} {self.identifier}"

    def canonical_fields(self) -> dict[str, Any]:
        """What is digested and signed (crypto.canonical_bytes); also what an offline verifier recomputes."""
        return canonical_fields(
            identifier=self.identifier,
            type=self.type_code,
            type_name=self.type_name,
            holder=self.holder_name,
            holder_id_type=self.holder_id_type,
            holder_id=self.holder_id,
            issuer=self.issuer_code,
            issuer_name=self.issuer_name,
            issue_date=self.issue_date,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            surface=self.surface,
            version=self.version,
            applicant=self.applicant_name,
            applicant_id_type=self.applicant_id_type,
            applicant_id=self.applicant_id,
        )

    def effective_status(self, today: date) -> str:
        if self.status == LicenceStatus.VALID and self.valid_to is not None and self.valid_to < today:
            return LicenceStatus.EXPIRED
        return str(self.status)


CANONICAL_KEYS = (
    "identifier",
    "type",
    "type_name",
    "holder",
    "holder_id_type",
    "holder_id",
    "issuer",
    "issuer_name",
    "issue_date",
    "valid_from",
    "valid_to",
    "surface",
    "version",
)
APPLICANT_KEYS = (
    "applicant",
    "applicant_id_type",
    "applicant_id",
)  # signed too, present only when there is one


def canonical_fields(
    *,
    identifier: str,
    type: str,
    type_name: str,
    holder: str,
    holder_id_type: str,
    holder_id: str,
    issuer: str,
    issuer_name: str,
    issue_date: date,
    valid_from: date,
    valid_to: date | None,
    surface: dict[str, Any],
    version: int,
    applicant: str = "",
    applicant_id_type: str = "",
    applicant_id: str = "",
) -> dict[str, Any]:
    fields = {
        "identifier": identifier,
        "type": type,
        "type_name": type_name,
        "holder": holder,
        "holder_id_type": holder_id_type,
        "holder_id": holder_id,
        "issuer": issuer,
        "issuer_name": issuer_name,
        "issue_date": issue_date.isoformat(),
        "valid_from": valid_from.isoformat(),
        "valid_to": valid_to.isoformat() if valid_to else None,
        "surface": surface,
        "version": version,
    }
    if applicant_id:  # licences the holder applied for themself keep the encoding they were signed with
        fields.update(
            {"applicant": applicant, "applicant_id_type": applicant_id_type, "applicant_id": applicant_id}
        )
    return fields


class LicenceEventType(models.TextChoices):
    ISSUED = "issued", _("签发")
    SUPERSEDED = "superseded", _("被新版本替代")
    REVOKED = "revoked", _("注销")
    EXPIRED = "expired", _("过期")
    WAIVER_REFUSED = "waiver_refused", _("免提交被拒（证照未通过核验）")
    RENEWAL_REMINDER = "renewal_reminder", _("到期续证提醒")


class LicenceEvent(models.Model):
    """Append-only history of a licence (STYLE.md: history is append-only and typed)."""

    licence = models.ForeignKey(License, on_delete=models.PROTECT, related_name="events")
    event_type = models.CharField(_("事件"), max_length=20, choices=LicenceEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"))
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        ordering = ["licence", "at", "pk"]
        constraints = [
            # 无感续证: one reminder per licence version, even with two reminder jobs running at once
            models.UniqueConstraint(
                fields=["licence"],
                condition=models.Q(event_type="renewal_reminder"),
                name="licence_one_renewal_reminder",
            ),
        ]
        verbose_name = _("证照事件")
        verbose_name_plural = _("证照事件")

    def __str__(self) -> str:
        return f"{self.licence_id} {self.event_type}"
