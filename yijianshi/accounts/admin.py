"""The admin of API tokens: which user holds one, its first characters and its dates — never the token (the
platform holds only its digest) and not the digest either. Tokens are made by signing in, not here; deleting
one revokes it.

The enterprises' naming records (经办人) are shown read-only: a legal representative makes and removes them
(/accounts/enterprise/staff/, accounts/services.py), so that whoever named someone is always the record's author."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from .models import ApiToken, EnterpriseStaff


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("shown_prefix", "user", "created", "expires")
    list_select_related = ("user",)
    search_fields = ("user__username", "prefix")
    ordering = ("-created",)
    fields = ("shown_prefix", "user", "created", "expires")
    readonly_fields = fields

    @admin.display(description="令牌前缀 / Token prefix")
    def shown_prefix(self, obj: ApiToken) -> str:
        return f"{obj.prefix}…"

    @admin.display(description="到期时间 / Expires")
    def expires(self, obj: ApiToken) -> datetime:
        return obj.created + timedelta(seconds=float(settings.YIJIANSHI_TOKEN_SECONDS))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False


@admin.register(EnterpriseStaff)
class EnterpriseStaffAdmin(admin.ModelAdmin):
    list_display = ("name", "enterprise_uscc", "active", "named_by", "named_at", "removed_at")
    list_filter = ("active",)
    list_select_related = ("named_by",)
    search_fields = ("enterprise_uscc", "name")
    ordering = ("-named_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EnterpriseStaff | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: EnterpriseStaff | None = None) -> bool:
        return False
