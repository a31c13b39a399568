"""Admin: licences, keys and events are read-only (they are changed through the services); an issuer's code
may be set to its real unified social credit code; an administrator revokes a department's signing key with a
reason, after a page that says what follows (`signing_key_revoke`, as `yijianshi licence revoke-key` does)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from yijianshi.accounts.models import Role
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import mask

from .identifiers import validate_issuer_code
from .models import IssuerIdentity, LicenceEvent, License, SigningKey
from .services import signing_key_revoke


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


class SigningKeyRevokeForm(forms.Form):
    reason = forms.CharField(
        label="吊销原因 / Reason",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": "请填写吊销原因 / Give the reason for the revocation"},
    )

    def clean_reason(self) -> str:
        text = str(self.cleaned_data["reason"]).strip()
        if not text:
            raise forms.ValidationError("请填写吊销原因 / Give the reason for the revocation")
        return text


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnly):
    list_display = ["key_id", "department", "algorithm", "created_at", "retired_at", "revoked_at"]
    list_filter = ["department__region"]
    actions = ["revoke"]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        """Only an administrator (as the service decides: `signing_key_revoke`), never an auditor."""
        actor: Actor = request.actor  # type: ignore[attr-defined]
        return actor.is_system or actor.role == Role.ADMIN

    @admin.action(description="吊销所选签章密钥 / Revoke the selected signing keys", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> TemplateResponse | None:
        """First a page that lists the keys, says what follows and asks for the reason; then, with a reason, each
        key is revoked through the service, in its own transaction, with the admin's actor."""
        keys = list(
            queryset.select_related("department").annotate(licence_count=Count("licences")).order_by("pk")
        )
        form = SigningKeyRevokeForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            actor: Actor = request.actor  # type: ignore[attr-defined]
            for key in keys:
                try:
                    signing_key_revoke(key_id=key.key_id, reason=form.cleaned_data["reason"], actor=actor)
                except DomainError as exc:
                    self.message_user(
                        request, f"{key.key_id}: {exc.detail.zh} / {exc.detail.en}", messages.ERROR
                    )
                else:
                    self.message_user(
                        request,
                        f"{key.department} 的密钥 {key.key_id} 已吊销 / key {key.key_id} revoked",
                        messages.SUCCESS,
                    )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "吊销签章密钥 / Revoke signing keys",
            "opts": self.model._meta,
            "keys": keys,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/licenses/signingkey/revoke_confirmation.html", context)


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
