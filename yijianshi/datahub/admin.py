"""Admin: how each data source is reached, with the connector's configuration check, its circuit breaker and
its last error (the health view staff use when a source fails); the records held locally (identity numbers
masked in lists); consents; objections (read-only here: they are resolved through the service)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yijianshi.core import clock
from yijianshi.core.identifiers import mask

from .connectors import ConnectionConfig, registry
from .models import Consent, Objection, SourceConnection, SourceRecord


class SourceConnectionForm(forms.ModelForm):
    connector = forms.ChoiceField(label=_("连接方式"), choices=registry.choices)

    class Meta:
        model = SourceConnection
        fields = [
            "source",
            "connector",
            "url",
            "lookup_url",
            "mapping",
            "timeout",
            "retries",
            "breaker_threshold",
            "breaker_seconds",
            "active",
        ]


@admin.register(SourceConnection)
class SourceConnectionAdmin(admin.ModelAdmin):
    form = SourceConnectionForm
    list_display = ["source", "connector", "active", "state", "last_error_at", "last_error", "problems"]
    readonly_fields = ["failures", "open_until", "last_error", "last_error_at", "last_ok_at"]
    actions = ["close_breaker"]

    @admin.display(description=_("熔断状态"))
    def state(self, obj: SourceConnection) -> str:
        if obj.open_until is not None and obj.open_until > clock.now():
            return f"熔断中，至 {clock.local(obj.open_until):%H:%M:%S}"
        return f"连续失败 {obj.failures} 次" if obj.failures else "正常"

    @admin.display(description=_("配置检查"))
    def problems(self, obj: SourceConnection) -> str:
        config = ConnectionConfig(
            source=obj.source.code,
            connector=obj.connector,
            url=obj.url,
            lookup_url=obj.lookup_url,
            mapping=dict(obj.mapping or {}),
            timeout=obj.timeout,
            retries=obj.retries,
            source_id=obj.source_id,
        )
        return "；".join(registry.check_config(config)) or "✓"

    @admin.action(description=_("关闭熔断（立即重试）"))
    def close_breaker(self, request: HttpRequest, queryset: QuerySet[SourceConnection]) -> None:
        n = queryset.update(failures=0, open_until=None)
        self.message_user(request, f"{n} 个数据源已恢复调用", messages.SUCCESS)


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin):
    list_display = ["source", "subject", "effective_date", "batch", "updated_at"]
    list_filter = ["source", "batch"]
    search_fields = ["=subject_id"]
    readonly_fields = ["source", "subject_id", "data", "effective_date", "batch", "updated_at"]
    list_select_related = ["source"]

    @admin.display(description=_("主体标识"))
    def subject(self, obj: SourceRecord) -> str:
        return mask(obj.subject_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return (
            False  # records come from the provider's files (yijianshi datahub load) or a resolved objection
        )


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["party", "granted_at", "revoked_at"]
    search_fields = ["=party_id"]
    readonly_fields = ["party_id", "granted_at", "granted_by", "revoked_at", "revoked_by"]

    @admin.display(description=_("当事人"))
    def party(self, obj: Consent) -> str:
        return mask(obj.party_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the party grants consent


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["number", "source", "key", "subject", "department", "status", "raised_at", "resolved_at"]
    list_filter = ["status", "source", "department"]
    search_fields = ["number", "application_number", "=subject_id"]
    list_select_related = ["source", "department"]

    @admin.display(description=_("主体标识"))
    def subject(self, obj: Objection) -> str:
        return mask(obj.subject_id)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Objection._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
