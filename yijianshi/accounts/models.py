"""A user's role and where it applies (one profile per user; a user without one has no role), and the user's
API tokens."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    CLERK = "clerk", _("窗口工作人员")
    OFFICER = "officer", _("部门审批人员")
    ADMIN = "admin", _("管理员")
    AUDITOR = "auditor", _("审计人员")


class PartyType(models.TextChoices):
    PERSON = "person", _("个人")
    ENTERPRISE = "enterprise", _("企业")


class AssuranceLevel(models.TextChoices):
    """How sure we are of who signed in: a local password, or the province's identity service vouching for the
    person (real-name by identity document, or by face recognition). Stored from the claims (docs/identity.md)."""

    PASSWORD = "password", _("账号密码 · password")
    DOCUMENT = "document", _("实名（证件核验）· real-name by identity document")
    FACE = "face", _("实名（人脸识别）· real-name by face")


class EnterpriseRole(models.TextChoices):
    """For whom an enterprise account acts: its legal representative (法定代表人, vouched for by the identity
    service) or a staff member (经办人) the representative has named (`EnterpriseStaff`)."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人 · legal representative")
    STAFF = "staff", _("经办人 · named staff member")


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    # applicants: the person, and for an enterprise representative the enterprise too
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_number = models.CharField(_("公民身份号码"), max_length=18, blank=True, db_index=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    party_type = models.CharField(
        _("办事主体"), max_length=12, choices=PartyType.choices, default=PartyType.PERSON
    )
    enterprise_name = models.CharField(_("企业名称"), max_length=100, blank=True)
    enterprise_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    enterprise_role = models.CharField(
        _("企业身份"), max_length=24, choices=EnterpriseRole.choices, blank=True
    )
    # real-name sign-in (docs/identity.md): the level of the last sign-in the identity service vouched for
    assurance = models.CharField(
        _("认证等级"), max_length=12, choices=AssuranceLevel.choices, default=AssuranceLevel.PASSWORD
    )
    realname_at = models.DateTimeField(_("最近实名登录时间"), null=True, blank=True)
    # staff: where the role applies
    department = models.ForeignKey(
        "catalog.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="officers"
    )
    service_point = models.ForeignKey(
        "catalog.ServicePoint", null=True, blank=True, on_delete=models.PROTECT, related_name="clerks"
    )
    is_department_head = models.BooleanField(_("部门负责人"), default=False)
    # 适老化 display preferences, remembered per user (the portal's header toggles)
    large_type = models.BooleanField(_("大字版"), default=False)
    high_contrast = models.BooleanField(_("高对比度"), default=False)

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="officer") | models.Q(department__isnull=False),
                name="officer_has_department",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="clerk") | models.Q(service_point__isnull=False),
                name="clerk_has_service_point",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


def token_digest(raw: str) -> str:
    """What is stored of an API token: its SHA-256, in hex. A token is 160 random bits (accounts/services.py
    `api_token_issue`), so a plain digest cannot be reversed or guessed; no key is needed (none to rotate)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """An API token (`Authorization: Token <token>`), stored as its digest (docs/security.md, finding 6): the
    token itself is shown once, in the answer that issues it; nobody reading the database, a backup or the admin
    can use it. `prefix`, its first characters, tells tokens apart in the admin. A token is good for
    `YIJIANSHI_TOKEN_SECONDS` from `created` (accounts/authentication.py)."""

    digest = models.CharField(_("摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户")
    )
    created = models.DateTimeField(_("签发时间"), default=timezone.now)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class EnterpriseStaff(models.Model):
    """A staff member (经办人) an enterprise's legal representative has named: the person may sign in through the
    identity service acting for the enterprise while the record is active (accounts/services.py)."""

    enterprise_uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    id_number = models.CharField(_("公民身份号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=50)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("指定人")
    )
    named_at = models.DateTimeField(_("指定时间"))
    active = models.BooleanField(_("有效"), default=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("撤销人"),
    )
    removed_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业经办人")
        verbose_name_plural = _("企业经办人")
        constraints = [
            models.UniqueConstraint(fields=["enterprise_uscc", "id_number"], name="enterprise_staff_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.enterprise_uscc})"
