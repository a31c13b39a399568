"""The Django admin for the portal's search synonyms: an administrator adds the words people type and the
catalogue's words they stand for; the search picks a change up on its next query (catalogue.current_synonyms)."""

from __future__ import annotations

from django.contrib import admin

from .models import SearchSynonym


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "means", "active", "updated_at"]
    list_filter = ["active"]
    list_editable = ["active"]
    search_fields = ["term", "means", "note"]
    readonly_fields = ["updated_at"]
