"""Request and response shapes of the cases API (documented in OpenAPI by drf-spectacular). An application's
answer shows what the actor may see of it (permissions.application_scope: an officer, their items' part)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yijianshi.core.fields import CleanText
from yijianshi.core.identifiers import mask
from yijianshi.core.serializers import FieldsBuiltOnce
from yijianshi.uploads.api import UploadOut, UploadRequest
from yijianshi.uploads.models import Upload

from .material_states import material_states
from .materials import application_of
from .models import Application, CaseEvent, Document, ItemCase
from .permissions import WHOLE, ApplicationScope
from .progress import Progress, application_progress
from .verification import document_verify_url


class ApplicationUploadRequest(UploadRequest):
    """An upload, optionally attached at once to an open application (a clerk's scan, a supplement)."""

    application = CleanText(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="application number: attach at once (clerk scan, supplement)",
    )


class AttachedUploadOut(UploadOut):
    """An upload with the number of the application it is attached to (null while it is not): the link is
    cases' (ApplicationUpload). Inside an application's answer the number comes from the context."""

    application = serializers.SerializerMethodField()

    class Meta(UploadOut.Meta):
        fields = [*UploadOut.Meta.fields[:-3], "application", *UploadOut.Meta.fields[-3:]]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_application(self, obj: Upload) -> str | None:
        known = self.context.get("application")
        app = known if known is not None else application_of(obj)
        return app.number if app is not None else None


class OnBehalfOf(serializers.Serializer[Any]):
    """The party an applicant or a clerk applies for (the service checks the identifier and the authorisation)."""

    party_type = serializers.ChoiceField(choices=["person", "enterprise"], default="person")
    name = CleanText(name=True, max_length=50, required=False, allow_blank=True)
    id_number = CleanText(max_length=40, required=False, allow_blank=True, help_text="a person's")
    uscc = CleanText(max_length=40, required=False, allow_blank=True, help_text="an enterprise's")
    phone = CleanText(max_length=20, required=False, allow_blank=True)
    authorisation = CleanText(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="the authorisation to apply for them (an applicant needs one)",
    )


class SubmitRequest(serializers.Serializer[Any]):
    bundle = CleanText(max_length=40, help_text="bundle code, e.g. 140524-09")
    form = serializers.DictField(help_text="merged-form values by semantic key")
    answers = serializers.DictField(child=CleanText(max_length=60), required=False)
    channel = serializers.ChoiceField(choices=["online", "window", "kiosk", "mobile"], default="online")
    service_point = CleanText(max_length=60, required=False, allow_blank=True)
    materials = serializers.ListField(child=CleanText(max_length=80), required=False, max_length=200)
    tolerated = serializers.ListField(child=CleanText(max_length=80), required=False, max_length=200)
    commitments = serializers.ListField(child=CleanText(max_length=80), required=False, max_length=200)
    on_behalf_of = OnBehalfOf(required=False, help_text="applying for someone else")
    uploads = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=200,
        help_text="ids of the actor's uploads (POST /api/uploads/) to submit with it",
    )


class VersionedRequest(serializers.Serializer[Any]):
    expected_version = serializers.IntegerField(required=False, min_value=1)


class IntakeRequest(VersionedRequest):
    problems = serializers.ListField(
        child=CleanText(max_length=300),
        required=False,
        max_length=100,
        help_text="problems the clerk found beyond the automatic check",
    )
    confirmed = serializers.ListField(
        child=CleanText(max_length=80),
        required=False,
        max_length=200,
        help_text="codes of the materials listed to hand in at the window that the clerk saw and checked",
    )
    deficient = serializers.BooleanField(
        required=False,
        default=False,
        help_text="issue the deficiency notice for the listed materials not handed in, rather than be refused",
    )


class SupplementRequest(VersionedRequest):
    form = serializers.DictField(required=False)
    materials = serializers.ListField(
        child=CleanText(max_length=80),
        required=False,
        max_length=200,
        help_text="materials brought without a file: to hand in at the window (a clerk's: received)",
    )
    uploads = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=200)


class WithdrawRequest(VersionedRequest):
    reason = CleanText(max_length=500, required=False, allow_blank=True)


class DeliverRequest(VersionedRequest):
    method = serializers.ChoiceField(choices=["pickup", "post", "electronic"])
    tracking_number = CleanText(max_length=40, required=False, allow_blank=True)
    address = CleanText(max_length=200, required=False, allow_blank=True)
    item_cases = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=100
    )


class ToleratedRequest(serializers.Serializer[Any]):
    code = CleanText(max_length=80)


class TransitionRequest(serializers.Serializer[Any]):
    action = serializers.ChoiceField(
        choices=["accept", "reject", "request_correction", "resume", "approve", "deny", "progress"]
    )
    expected_version = serializers.IntegerField(min_value=1)
    reason = CleanText(max_length=2000, required=False, allow_blank=True)
    corrections = serializers.ListField(child=CleanText(max_length=300), required=False, max_length=100)
    result = serializers.DictField(required=False, help_text="{summary, number} of an approval")


class PostCheckRequest(serializers.Serializer[Any]):
    kept = serializers.BooleanField()
    note = CleanText(max_length=2000, required=False, allow_blank=True)


class ProgressOut(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=[p.value for p in Progress])
    zh = serializers.CharField()
    en = serializers.CharField()


class ItemCaseOut(serializers.ModelSerializer[ItemCase]):
    department = serializers.CharField(source="department.name")
    application = serializers.CharField(source="application.number")

    class Meta:
        model = ItemCase
        fields = [
            "id",
            "application",
            "ref",
            "name",
            "department",
            "status",
            "version",
            "requires",
            "accept_deadline",
            "accepted_at",
            "decide_deadline",
            "paused_at",
            "paused_workdays",
            "decided_at",
            "result",
            "delivered_at",
            "progress_note",
            "overdue",
            "escalation_level",
        ]


class ApplicationListOut(FieldsBuiltOnce, serializers.ModelSerializer[Application]):
    bundle = serializers.CharField(source="bundle.code")
    bundle_name = serializers.CharField(source="bundle.name")
    party_id = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "number",
            "bundle",
            "bundle_name",
            "party_name",
            "party_id",
            "channel",
            "status",
            "progress",
            "version",
            "submitted_at",
            "intake_deadline",
            "overdue",
        ]

    def get_party_id(self, obj: Application) -> str:
        return mask(obj.party_id)

    @extend_schema_field(ProgressOut)
    def get_progress(self, obj: Application) -> dict[str, str]:
        """Where the application stands in the words every page uses (cases/progress.py); `status` stays the
        raw state of the application's own machine."""
        p = application_progress(obj)
        return {"code": p.value, "zh": p.zh, "en": p.en}


class ApplicationOut(ApplicationListOut):
    item_cases = ItemCaseOut(many=True, read_only=True)
    service_point = serializers.CharField(source="service_point.name")
    snapshot = serializers.JSONField()
    uploads = serializers.SerializerMethodField(
        help_text="uploaded material files (metadata and content link)"
    )
    materials = serializers.SerializerMethodField(
        help_text="each material with its state (cases/material_states.py): waived, provided, tolerated, "
        "committed, to_present (listed to hand in at the window, not yet confirmed by a clerk), missing, optional"
    )
    disputed = serializers.SerializerMethodField(
        help_text="fields with an open data objection (数据异议): the applicant's value is used meanwhile"
    )

    class Meta(ApplicationListOut.Meta):
        fields = [
            *ApplicationListOut.Meta.fields,
            "service_point",
            "answers",
            "form_data",
            "materials_provided",
            "materials_to_present",
            "materials",
            "tolerated",
            "commitments",
            "received_at",
            "completed_at",
            "delivered_at",
            "archived_at",
            "withdrawn_at",
            "delivery_method",
            "tracking_number",
            "snapshot",
            "item_cases",
            "uploads",
            "disputed",
        ]

    def to_representation(self, instance: Application) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        scope: ApplicationScope = self.context.get("scope", WHOLE)
        if scope.whole:
            return data
        keys = scope.form_keys(instance)
        codes = scope.material_codes(instance)
        data["form_data"] = scope.form_data(instance)
        data["snapshot"] = scope.snapshot(instance)
        data["item_cases"] = [c for c in data["item_cases"] if scope.sees_item(c["ref"])]
        data["uploads"] = [u for u in data["uploads"] if u["material"] in codes]
        data["materials_provided"] = [c for c in data["materials_provided"] if c in codes]
        data["materials_to_present"] = [c for c in data["materials_to_present"] if c in codes]
        data["materials"] = [m for m in data["materials"] if m["code"] in codes]
        data["tolerated"] = [c for c in data["tolerated"] if c in codes]
        data["commitments"] = [c for c in data["commitments"] if c in codes]
        data["disputed"] = [d for d in data["disputed"] if d.get("key") in keys]
        return data

    @extend_schema_field(AttachedUploadOut(many=True))
    def get_uploads(self, obj: Application) -> Any:
        return AttachedUploadOut(
            obj.uploads.all(), many=True, context={**self.context, "application": obj}
        ).data

    def get_materials(self, obj: Application) -> list[dict[str, Any]]:
        return [
            {
                "code": row.code,
                "name": row.spec.get("name", ""),
                "required": bool(row.spec.get("required")),
                "state": row.state.value,
                "state_zh": row.state.zh,
                "state_en": row.state.en,
            }
            for row in material_states(obj)
        ]

    def get_disputed(self, obj: Application) -> list[dict[str, Any]]:
        from yijianshi.datahub.selectors import disputed_values

        return [
            d.as_dict()
            for d in disputed_values(
                number=obj.number,
                party_id=obj.party_id,
                form_data=obj.form_data or {},
                prefill=(obj.snapshot or {}).get("prefill") or {},
            )
        ]


class EventOut(serializers.ModelSerializer[CaseEvent]):
    item_case = serializers.CharField(source="item_case.name", default=None)
    actor = serializers.CharField(source="actor.username", default=None)
    document = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "type",
            "at",
            "actor",
            "actor_role",
            "item_case",
            "from_status",
            "to_status",
            "reason",
            "data",
            "document",
        ]

    def get_document(self, obj: CaseEvent) -> str | None:
        """The document's number, unless the reader's scope hides its kind (an agent without "receive": the
        results)."""
        scope: ApplicationScope = self.context.get("scope", WHOLE)
        doc = obj.document
        return None if doc is None or doc.kind in scope.hidden else doc.number


class DocumentOut(serializers.ModelSerializer[Document]):
    verify_url = serializers.SerializerMethodField(
        help_text="the public verification address its QR code carries (with its verification code)"
    )

    class Meta:
        model = Document
        fields = ["number", "kind", "issuer", "issued_at", "digest", "verify_url"]

    def get_verify_url(self, obj: Document) -> str:
        return document_verify_url(obj.verification_code)
