"""Admin: how each department is connected (with the connector's configuration check — the health view) and
the outbox (read-only, with "deliver again"). The webhook secret is write-only: never listed, never echoed
back into a form, kept unchanged when the field is left empty."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yijianshi.core.errors import DomainError

from .connectors import registry
from .models import DepartmentIntegration, OutboxMessage
from .outbox import outbox_retry


class DepartmentIntegrationForm(forms.ModelForm):
    url = forms.URLField(label=_("推送地址"), required=False, max_length=500, assume_scheme="https")
    secret = forms.CharField(
        label=_("签名密钥"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("留空则保持原密钥 / leave empty to keep the current secret"),
    )

    class Meta:
        model = DepartmentIntegration
        fields = ["department", "mode", "url", "secret", "active"]

    def clean_secret(self) -> str:
        value: str = self.cleaned_data.get("secret") or ""
        if not value and self.instance.pk:
            return self.instance.secret
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "webhook":
            probe = DepartmentIntegration(
                mode="webhook", url=data.get("url") or "", secret=data.get("secret") or "", active=True
            )
            for problem in registry.check_config(probe):
                if "https" not in problem:  # plain http is a warning (shown in the list), not an error
                    self.add_error(None, problem)
        return data


@admin.register(DepartmentIntegration)
class DepartmentIntegrationAdmin(admin.ModelAdmin):
    form = DepartmentIntegrationForm
    list_display = ["department", "mode", "endpoint", "active", "has_secret", "problems"]
    list_filter = ["mode", "active"]
    search_fields = ["department__name", "department__code"]
    list_select_related = ["department"]

    @admin.display(description=_("推送地址（主机）"))
    def endpoint(self, obj: DepartmentIntegration) -> str:
        return urlsplit(obj.url).netloc if obj.url else "—"

    @admin.display(description=_("已设密钥"), boolean=True)
    def has_secret(self, obj: DepartmentIntegration) -> bool:
        return bool(obj.secret)

    @admin.display(description=_("配置检查"))
    def problems(self, obj: DepartmentIntegration) -> str:
        found = registry.check_config(obj)
        return "；".join(found) if found else "✓"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "topic",
        "department",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "connector",
        "short_error",
    ]
    list_filter = ["status", "topic", "connector"]
    search_fields = ["idempotency_key", "topic"]
    list_select_related = ["department"]
    date_hierarchy = "created_at"
    actions = ["deliver_again"]
    readonly_fields = [
        "topic",
        "department",
        "payload",
        "idempotency_key",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "delivered_at",
        "connector",
        "claim_token",
    ]

    @admin.display(description=_("最近错误"))
    def short_error(self, obj: OutboxMessage) -> str:
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("重新投递所选消息 / deliver again"))
    def deliver_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        done = 0
        for message in queryset:
            try:
                outbox_retry(message=message, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{message.pk}: {exc.detail.zh}", messages.WARNING)
        self.message_user(request, f"{done} 条消息将重新投递 / queued again", messages.SUCCESS)
