"""Integration models. The rules live in outbox.py (services) and connectors.py, not here.

`DepartmentIntegration` says how one department works (004 annex 3 三(三)); a department without a row works
in our workbench. `OutboxMessage` is one message to one department's system, written in the same transaction
as the change it reports; `next_attempt_at` doubles as the lease of a message being delivered (outbox.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntegrationMode(models.TextChoices):
    WORKBENCH = "workbench", _("在本平台工作台办理")
    WEBHOOK = "webhook", _("推送至部门业务系统")
    MANUAL = "manual", _("无对接系统，人工更新进度")


class DepartmentIntegration(models.Model):
    department = models.OneToOneField(
        "catalog.Department", on_delete=models.CASCADE, related_name="integration", verbose_name=_("部门")
    )
    mode = models.CharField(
        _("对接方式"), max_length=20, choices=IntegrationMode.choices, default=IntegrationMode.WORKBENCH
    )
    url = models.URLField(_("推送地址"), max_length=500, blank=True)
    # The HMAC key of the webhook. Never shown in lists, logs or error texts (admin.py renders it write-only).
    secret = models.CharField(_("签名密钥"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["department__region__code", "department__code"]
        verbose_name = _("部门对接")
        verbose_name_plural = _("部门对接")

    def __str__(self) -> str:
        return f"{self.department} · {self.get_mode_display()}"

    def __repr__(self) -> str:  # no secret
        return f"<DepartmentIntegration {self.department_id} {self.mode} active={self.active}>"


KEY_MAX_LENGTH = 200


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待投递")
    DELIVERED = "delivered", _("已投递")
    FAILED = "failed", _("投递失败（已放弃）")


class OutboxMessage(models.Model):
    topic = models.CharField(_("主题"), max_length=100)
    department = models.ForeignKey(
        "catalog.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbox_messages",
        verbose_name=_("部门"),
    )
    payload = models.JSONField(_("内容"))
    idempotency_key = models.CharField(_("幂等键"), max_length=KEY_MAX_LENGTH, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("投递次数"), default=0)
    # When the message is due; while a deliverer holds it, the end of that deliverer's lease.
    next_attempt_at = models.DateTimeField(_("下次投递时间"))
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    delivered_at = models.DateTimeField(_("投递时间"), null=True, blank=True)
    connector = models.CharField(_("投递方式"), max_length=40, blank=True)  # the connector that delivered it
    claim_token = models.CharField(_("租约"), max_length=32, blank=True)  # the deliverer holding the lease

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息（outbox）")

    def __str__(self) -> str:
        return f"{self.topic} [{self.idempotency_key}] {self.status}"
