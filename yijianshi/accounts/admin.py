"""The admin of API tokens: which user holds one, its first characters and its dates — never the token (the
platform holds only its digest) and not the digest either. Tokens are made by signing in, not here; deleting
one revokes it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from .models import ApiToken


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
