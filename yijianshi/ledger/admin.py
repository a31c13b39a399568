"""The access ledger in the admin: a read-only list (nobody adds, changes or deletes a row here), the subject
masked in the list and on the detail page. An auditor finds the reads about a person by searching for the
full identifier (exact match), which is never displayed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import LedgerEntry

# the detail page: every column, the subject masked (never `subject_id` itself)
DETAIL = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "subject",
    "source",
    "purpose_kind",
    "purpose_reference",
    "fields",
    "mode",
    "outcome",
    "detail",
    "prev_hash",
    "hash",
)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = [
        "seq",
        "at",
        "actor_name",
        "actor_role",
        "subject",
        "source",
        "purpose_kind",
        "purpose_reference",
        "mode",
        "outcome",
    ]
    list_filter = ["outcome", "mode", "purpose_kind", "source"]
    search_fields = ["=subject_id", "purpose_reference", "actor_name"]
    date_hierarchy = "at"
    actions = None
    show_full_result_count = False
    readonly_fields = DETAIL
    fields = DETAIL

    @admin.display(description=_("数据主体 Subject"), ordering="subject_id")
    def subject(self, obj: LedgerEntry) -> str:
        return obj.subject_masked

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
