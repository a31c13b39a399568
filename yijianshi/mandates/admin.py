"""Admin: the register read-only (principals' numbers masked in the list); mandates change only through the
services (the principal's account, a clerk's window), never here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yijianshi.core.identifiers import mask

from .models import Mandate, MandateEvent


class MandateEventInline(admin.TabularInline):
    model = MandateEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "at",
        "type",
        "actor",
        "actor_role",
        "from_status",
        "to_status",
        "reason",
        "new",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "status",
        "principal_name",
        "principal",
        "agent_name",
        "scope",
        "method",
        "valid_to",
    ]
    list_filter = ["status", "method", "scope", "agent_kind"]
    search_fields = ["number", "principal_name", "agent_name"]
    inlines = [MandateEventInline]

    @admin.display(description=_("委托人证件号码"))
    def principal(self, obj: Mandate) -> str:
        return mask(obj.principal_id)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Mandate._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
