"""Request and response shapes of the licence API. Lists mask identity numbers; the public shapes mask names."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from yijianshi.core.fields import CleanText
from yijianshi.core.identifiers import mask, mask_name

from .models import LicenceStatus, License, SigningKey


def masked_name(name: str) -> str:
    return mask_name(name)


class LicenceOut(serializers.ModelSerializer[License]):
    type = serializers.CharField(source="licence_type.code")
    holder_id = serializers.SerializerMethodField()
    applicant_id = serializers.SerializerMethodField(
        help_text="申领人 (masked): who applied for a licence someone "
        "else holds, e.g. a newborn's parent; blank otherwise"
    )
    key_id = serializers.CharField(source="key.key_id")
    superseded_by = serializers.SerializerMethodField()
    valid_today = serializers.SerializerMethodField()

    class Meta:
        model = License
        fields = [
            "id",
            "identifier",
            "type",
            "type_code",
            "type_name",
            "issuer_code",
            "issuer_name",
            "serial",
            "version",
            "holder_name",
            "holder_id_type",
            "holder_id",
            "applicant_name",
            "applicant_id_type",
            "applicant_id",
            "issue_date",
            "valid_from",
            "valid_to",
            "status",
            "valid_today",
            "superseded_by",
            "revoked_at",
            "revoked_reason",
            "key_id",
            "issued_at",
        ]

    def get_holder_id(self, obj: License) -> str:
        return mask(obj.holder_id)

    def get_applicant_id(self, obj: License) -> str:
        return mask(obj.applicant_id)

    def get_superseded_by(self, obj: License) -> str | None:
        newer = getattr(obj, "superseded_by", None)
        return newer.identifier if newer is not None else None

    def get_valid_today(self, obj: License) -> bool:
        from .selectors import local_today

        today = local_today()
        return (
            obj.status == LicenceStatus.VALID
            and obj.valid_from <= today
            and (obj.valid_to is None or obj.valid_to >= today)
        )


class LicenceDetailOut(LicenceOut):
    surface = serializers.JSONField()
    document = serializers.SerializerMethodField()

    class Meta(LicenceOut.Meta):
        fields = [*LicenceOut.Meta.fields, "surface", "digest", "signature", "document"]

    def get_document(self, obj: License) -> dict[str, Any]:
        from .services import offline_document

        return offline_document(obj)


class PublicLicenceOut(serializers.Serializer[License]):
    """What anyone may learn about a licence from its verification code or its signed offline document: no
    surface data, holder masked."""

    identifier = serializers.CharField()
    type_code = serializers.CharField()
    type_name = serializers.CharField()
    issuer_code = serializers.CharField()
    issuer_name = serializers.CharField()
    version = serializers.IntegerField()
    holder_name = serializers.SerializerMethodField()
    holder_id_type = serializers.CharField()
    holder_id = serializers.SerializerMethodField()
    issue_date = serializers.DateField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    status = serializers.CharField()

    def get_holder_name(self, obj: License) -> str:
        return masked_name(obj.holder_name)

    def get_holder_id(self, obj: License) -> str:
        return mask(obj.holder_id)


class CheckOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    ok = serializers.BooleanField()
    zh = serializers.CharField()
    en = serializers.CharField()


class ProblemOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    zh = serializers.CharField()
    en = serializers.CharField()


class VerificationOut(serializers.Serializer[Any]):
    identifier = serializers.CharField()
    ok = serializers.BooleanField()
    problems = ProblemOut(many=True)
    checks = CheckOut(many=True)
    licence = PublicLicenceOut(allow_null=True)


class VerifyRequest(serializers.Serializer[Any]):
    code = CleanText(
        required=False, max_length=120, help_text="the verification code its verify link carries"
    )
    document = serializers.DictField(
        required=False, help_text="the offline document (what the QR code carries)"
    )


class RevokeRequest(serializers.Serializer[Any]):
    reason = CleanText(max_length=300)


class SigningKeyOut(serializers.ModelSerializer[SigningKey]):
    department = serializers.SerializerMethodField()
    issuer_code = serializers.SerializerMethodField()

    class Meta:
        model = SigningKey
        fields = [
            "key_id",
            "algorithm",
            "public_key",
            "department",
            "issuer_code",
            "created_at",
            "retired_at",
        ]

    def get_department(self, obj: SigningKey) -> str:
        return f"{obj.department.region.code}/{obj.department.code} {obj.department.name}"

    def get_issuer_code(self, obj: SigningKey) -> str | None:
        identity = getattr(obj.department, "issuer_identity", None)
        return identity.uscc if identity is not None else None
