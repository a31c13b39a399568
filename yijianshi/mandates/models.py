"""The register of mandates and its append-only history. Rows are written only by services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yijianshi.accounts.models import PartyType

from .rules import Terms, last_day
from .transitions import (
    AgentKind,
    Establishment,
    MandateEventType,
    MandateStatus,
    Scope,
    choices,
)


class Mandate(models.Model):
    """授权委托: the principal lets the agent act for them, within a scope, with some abilities, for a time."""

    number = models.CharField(_("授权编号"), max_length=24, unique=True)
    status = models.CharField(_("状态"), max_length=12, choices=choices(MandateStatus))
    version = models.PositiveIntegerField(default=1)
    # the principal: who is acted for
    principal_type = models.CharField(_("委托人类型"), max_length=12, choices=PartyType.choices)
    principal_id = models.CharField(_("委托人证件号码"), max_length=18)
    principal_name = models.CharField(_("委托人名称"), max_length=100)
    principal_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates_given",
        verbose_name=_("委托人账号"),
    )
    # the agent: who acts — a person's account, or a service point
    agent_kind = models.CharField(_("代理人类型"), max_length=20, choices=choices(AgentKind))
    agent_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates_held",
        verbose_name=_("代理人账号"),
    )
    agent_service_point = models.ForeignKey(
        "catalog.ServicePoint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates_held",
        verbose_name=_("代理服务场所"),
    )
    agent_name = models.CharField(_("代理人"), max_length=200)
    # what for, and until when
    scope = models.CharField(_("授权范围"), max_length=8, choices=choices(Scope))
    bundle_codes = models.JSONField(_("“一件事”编码"), default=list, blank=True)
    item_refs = models.JSONField(_("事项键"), default=list, blank=True)
    abilities = models.JSONField(_("授权权限"), default=list)
    valid_from = models.DateTimeField(_("生效时间"))
    valid_to = models.DateTimeField(_("失效时间"))  # exclusive: the start of the day after the last valid day
    # how it was established
    method = models.CharField(_("建立方式"), max_length=12, choices=choices(Establishment))
    evidence = models.JSONField(_("核验依据"), default=dict, blank=True)
    recorded_at_point = models.ForeignKey(
        "catalog.ServicePoint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates_recorded",
        verbose_name=_("登记窗口"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("建立时间"))
    decided_at = models.DateTimeField(_("确认或拒绝时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("撤销或失效时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agent_user__isnull=False, agent_service_point__isnull=True)
                | models.Q(agent_user__isnull=True, agent_service_point__isnull=False),
                name="mandate_one_agent",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__gt=models.F("valid_from")),
                name="mandate_valid_to_after_valid_from",
            ),
        ]
        indexes = [
            models.Index(fields=["principal_type", "principal_id"], name="mandate_principal_idx"),
            models.Index(fields=["agent_user", "principal_id"], name="mandate_agent_idx"),
            models.Index(fields=["status", "valid_to"], name="mandate_expiry_idx"),
        ]
        verbose_name = _("授权委托")
        verbose_name_plural = _("授权委托")

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"

    def terms(self) -> Terms:
        return Terms(
            number=self.number,
            status=self.status,
            scope=self.scope,
            bundle_codes=frozenset(self.bundle_codes or ()),
            item_refs=frozenset(self.item_refs or ()),
            abilities=frozenset(self.abilities or ()),
            valid_from=self.valid_from,
            valid_to=self.valid_to,
        )

    @property
    def valid_until(self) -> str:
        """The last valid day (Beijing time), as people write it."""
        return last_day(self.valid_to)


class MandateEvent(models.Model):
    """One change to a mandate, or one use of it; never changed once written."""

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("类型"), max_length=12, choices=choices(MandateEventType))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(_("角色"), max_length=16)
    at = models.DateTimeField(_("时间"))
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    old = models.JSONField(_("原值"), default=dict, blank=True)
    new = models.JSONField(_("新值"), default=dict, blank=True)
    reason = models.CharField(_("理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("授权记录")
        verbose_name_plural = _("授权记录")

    def __str__(self) -> str:
        return f"{self.mandate.number} {self.type}"
