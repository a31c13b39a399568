"""Admin: licences, keys and events are read-only (they are changed through the services); an issuer's code
may be set to its real unified social credit code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import mask

from .identifiers import validate_issuer_code
from .models import IssuerIdentity, LicenceEvent, License, SigningKey


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(License)
class LicenseAdmin(ReadOnly):
    list_display = [
        "identifier",
        "type_name",
        "holder_name",
        "masked_holder_id",
        "issuer_name",
        "version",
        "status",
        "valid_to",
    ]
    list_filter = ["status", "licence_type", "issuer"]
    search_fields = ["identifier", "holder_id", "source_reference"]
    exclude = ["holder_id", "applicant_id"]

    @admin.display(description="持证主体代码")
    def masked_holder_id(self, obj: License) -> str:
        return mask(obj.holder_id)


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnly):
    list_display = ["key_id", "department", "algorithm", "created_at", "retired_at", "revoked_at"]
    list_filter = ["department__region"]


@admin.register(LicenceEvent)
class LicenceEventAdmin(ReadOnly):
    list_display = ["licence", "event_type", "actor", "at"]
    list_filter = ["event_type"]


class IssuerIdentityForm(forms.ModelForm):
    class Meta:
        model = IssuerIdentity
        fields = ["uscc"]

    def clean_uscc(self) -> str:
        try:
            return validate_issuer_code(self.cleaned_data["uscc"], field="uscc")
        except DomainError as exc:
            raise forms.ValidationError(f"{exc.detail.zh} / {exc.detail.en}") from None


@admin.register(IssuerIdentity)
class IssuerIdentityAdmin(admin.ModelAdmin):
    """Changing a code affects licences issued afterwards; those issued before keep the code they were signed with."""

    form = IssuerIdentityForm
    list_display = ["department", "uscc", "derived"]
    readonly_fields = ["department", "derived"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: IssuerIdentity, form: Any, change: bool) -> None:
        obj.derived = False
        super().save_model(request, obj, form, change)
