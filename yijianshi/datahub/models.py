"""Shared data (数据共享, 001 §15; 004 §4): how each data source is reached, the records of the sources we hold
ourselves, the party's consent to reuse what they entered before, and objections to a value (数据异议).

- `SourceConnection`: per data source, which connector reaches it (``local``: our own tables; ``http``: the
  provider's REST service) and that connector's settings, plus the state of its circuit breaker and its last
  error, which staff see (a source that fails never fails the applicant's form).
- `SourceRecord`: one record of a source we hold locally — data "returned to the grassroots" (数据直达基层),
  loaded from the provider's files. `data` is keyed by the shared form vocabulary (``person.name``, ...).
- `SourceLink`: who else a record is about (the mother and father on a birth record, the legal
  representative of an enterprise), so "the newest birth record whose mother is X" is one indexed lookup.
- `Consent`: the party's consent that what they typed in earlier applications is reused (一次申报、多次复用).
- `Objection`: a dispute about a value held by a source, routed to the provider department.

Business rules are in services.py; these are the rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yijianshi.core.identifiers import mask


class SourceConnection(models.Model):
    """How one data source is reached. A source without a row is read with the ``local`` connector."""

    source = models.OneToOneField(
        "catalog.DataSource", on_delete=models.CASCADE, related_name="connection", verbose_name=_("数据源")
    )
    connector = models.CharField(_("连接方式"), max_length=30, default="local")
    url = models.CharField(
        _("查询地址"),
        max_length=500,
        blank=True,
        help_text=_("含 {subject} 占位符，如 https://rk.example.gov.cn/api/persons/{subject}"),
    )
    lookup_url = models.CharField(
        _("关联查询地址"),
        max_length=500,
        blank=True,
        help_text=_("含 {role} 与 {party} 占位符；返回记录标识的 JSON 数组（可选）"),
    )
    mapping = models.JSONField(
        _("字段映射"),
        default=dict,
        blank=True,
        help_text=_("{我方语义键: 对方 JSON 路径}，路径以点分隔，如 data.xm"),
    )
    timeout = models.FloatField(_("超时（秒）"), default=3.0)
    retries = models.PositiveSmallIntegerField(_("重试次数"), default=1)
    breaker_threshold = models.PositiveSmallIntegerField(_("熔断阈值（连续失败次数）"), default=5)
    breaker_seconds = models.PositiveIntegerField(_("熔断时长（秒）"), default=60)
    active = models.BooleanField(_("启用"), default=True)
    # state, written by the services only
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0, editable=False)
    open_until = models.DateTimeField(_("熔断至"), null=True, blank=True, editable=False)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True, editable=False)
    last_error_at = models.DateTimeField(_("最近错误时间"), null=True, blank=True, editable=False)
    last_ok_at = models.DateTimeField(_("最近成功时间"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["source__code"]
        verbose_name = _("数据源连接")
        verbose_name_plural = _("数据源连接")

    def __str__(self) -> str:
        return f"{self.source} ({self.connector})"


class SourceRecord(models.Model):
    """One record of a source held locally, about one subject (a person, an enterprise, a birth...)."""

    source = models.ForeignKey(
        "catalog.DataSource", on_delete=models.PROTECT, related_name="records", verbose_name=_("数据源")
    )
    subject_id = models.CharField(_("主体标识"), max_length=40)
    data = models.JSONField(_("数据"), default=dict)
    effective_date = models.DateField(
        _("业务日期"),
        null=True,
        blank=True,
        help_text=_("出生、登记或成立日期；同一关联人的多条记录按此取最新"),
    )
    batch = models.CharField(_("导入批次"), max_length=60, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["source_id", "subject_id"]  # the unique index; ordering by "source" would join DataSource
        constraints = [models.UniqueConstraint(fields=["source", "subject_id"], name="source_record_unique")]
        indexes = [models.Index(fields=["batch"], name="source_record_batch_idx")]
        verbose_name = _("共享数据记录")
        verbose_name_plural = _("共享数据记录")

    def __str__(self) -> str:
        return f"{self.source_id}:{mask(self.subject_id)}"


class SourceLink(models.Model):
    """A record is also about this party, in this role (``mother``, ``father``, ``legal_rep``)."""

    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey("catalog.DataSource", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("关联角色"), max_length=20)
    party_id = models.CharField(_("关联人标识"), max_length=40)

    class Meta:
        indexes = [
            models.Index(fields=["source", "role", "party_id"], name="source_link_lookup_idx"),
            models.Index(fields=["party_id"], name="source_link_party_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["record", "role", "party_id"], name="source_link_unique")
        ]
        verbose_name = _("关联人")
        verbose_name_plural = _("关联人")

    def __str__(self) -> str:
        return f"{self.role}:{mask(self.party_id)}"


class Consent(models.Model):
    """The party's consent to reuse what they entered in earlier applications. Active while not revoked."""

    party_id = models.CharField(_("当事人证件号码"), max_length=18, db_index=True)
    granted_at = models.DateTimeField(_("同意时间"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("授权人")
    )
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("撤回人"),
    )

    class Meta:
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["party_id"], condition=models.Q(revoked_at__isnull=True), name="consent_one_active"
            )
        ]
        verbose_name = _("数据复用授权")
        verbose_name_plural = _("数据复用授权")

    def __str__(self) -> str:
        return f"{mask(self.party_id)} {'（已撤回）' if self.revoked_at else ''}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    CORRECTED = "corrected", _("已更正")
    CONFIRMED = "confirmed", _("维持原值")


class Objection(models.Model):
    """数据异议: the applicant disputes a value a source holds about a subject."""

    number = models.CharField(_("异议编号"), max_length=30, unique=True)
    subject_id = models.CharField(_("主体标识"), max_length=40, db_index=True)
    source = models.ForeignKey(
        "catalog.DataSource", on_delete=models.PROTECT, related_name="objections", verbose_name=_("数据源")
    )
    key = models.CharField(_("语义键"), max_length=80)
    form_key = models.CharField(
        _("表单字段"),
        max_length=80,
        blank=True,
        help_text=_("从办件提出时：被质疑的表单字段（如 mother.name），办件详情据此标记"),
    )
    held_value = models.JSONField(_("原值"), null=True, blank=True)
    claimed_value = models.JSONField(_("申请人主张的值"))
    reason = models.TextField(_("异议理由"))
    application_number = models.CharField(_("办件编号"), max_length=40, blank=True, db_index=True)
    department = models.ForeignKey(
        "catalog.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("数据提供部门"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    raised_at = models.DateTimeField(_("提出时间"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("处理人"),
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolution_note = models.TextField(_("处理意见"), blank=True)
    corrected_value = models.JSONField(_("更正后的值"), null=True, blank=True)
    source_updated = models.BooleanField(_("已更正本地数据"), default=False)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_id", "source", "key"],
                condition=models.Q(status="open"),
                name="objection_one_open_per_value",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "raised_at"], name="objection_dept_queue_idx")
        ]
        verbose_name = _("数据异议")
        verbose_name_plural = _("数据异议")

    def __str__(self) -> str:
        return self.number
