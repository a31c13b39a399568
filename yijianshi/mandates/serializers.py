"""Request and response shapes of the mandate API (documented in OpenAPI by drf-spectacular)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from yijianshi.core.fields import CleanText
from yijianshi.core.identifiers import mask

from .models import Mandate, MandateEvent
from .transitions import (
    Ability,
    AgentKind,
    Establishment,
    MandateEventType,
    MandateStatus,
    Scope,
    Verification,
    label,
)

PERSON_AGENT_KINDS = [
    AgentKind.PERSON.value,
    AgentKind.ENTERPRISE_STAFF.value,
    AgentKind.VILLAGE_ASSISTANT.value,
]


class TermsIn(serializers.Serializer[Any]):
    scope = serializers.ChoiceField(choices=[s.value for s in Scope], help_text="all | bundles | items")
    bundles = serializers.ListField(
        child=CleanText(max_length=20),
        required=False,
        max_length=50,
        help_text="bundle codes, for scope=bundles",
    )
    items = serializers.ListField(
        child=CleanText(max_length=80), required=False, max_length=200, help_text="item refs, for scope=items"
    )
    abilities = serializers.ListField(
        child=serializers.ChoiceField(choices=[a.value for a in Ability]),
        min_length=1,
        max_length=3,
        help_text="apply | follow | receive",
    )
    valid_from = serializers.DateField(
        required=False, help_text="first valid day (Beijing time); default today"
    )
    valid_to = serializers.DateField(help_text="last valid day (Beijing time), at most about three years on")


class AgentIn(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[k.value for k in AgentKind], default=AgentKind.PERSON.value)
    id_number = CleanText(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="a person agent's identity number (their account is found by it and the name together)",
    )
    name = CleanText(name=True, max_length=50, required=False, allow_blank=True)
    service_point = CleanText(
        max_length=60, required=False, allow_blank=True, help_text="for kind=service_point: the point's code"
    )


class PrincipalIn(serializers.Serializer[Any]):
    party_type = serializers.ChoiceField(choices=["person", "enterprise"], default="person")
    id_number = CleanText(max_length=40, required=False, allow_blank=True, help_text="a person's")
    uscc = CleanText(max_length=40, required=False, allow_blank=True, help_text="an enterprise's")
    name = CleanText(name=True, max_length=100)


class GrantIn(TermsIn):
    agent = AgentIn()


class RequestIn(TermsIn):
    principal = PrincipalIn()
    agent_kind = serializers.ChoiceField(choices=PERSON_AGENT_KINDS, default=AgentKind.PERSON.value)


class WindowRecordIn(TermsIn):
    principal = PrincipalIn()
    agent = AgentIn()
    verification = serializers.ChoiceField(
        choices=[v.value for v in Verification], help_text="id_card_read | face_check | paper_authorisation"
    )
    evidence = CleanText(max_length=1000, help_text="the check's result or the scanned letter's reference")


class DecisionIn(serializers.Serializer[Any]):
    expected_version = serializers.IntegerField(required=False, min_value=1)
    reason = CleanText(max_length=500, required=False, allow_blank=True)


def _labelled(value: Any, enum: Any) -> dict[str, str]:
    zh, en = label(enum(value))
    return {"code": str(value), "zh": zh, "en": en}


class MandateOut(serializers.ModelSerializer[Mandate]):
    status = serializers.CharField(help_text="requested | active | revoked | expired | refused")
    scope = serializers.CharField(help_text="all | bundles | items")
    method = serializers.CharField(help_text="granted | requested | window: how it was established")
    status_label = serializers.SerializerMethodField()
    method_label = serializers.SerializerMethodField()
    principal = serializers.SerializerMethodField()
    agent = serializers.SerializerMethodField()
    bundles = serializers.ListField(source="bundle_codes", child=serializers.CharField())
    items = serializers.ListField(source="item_refs", child=serializers.CharField())
    abilities = serializers.ListField(child=serializers.CharField())
    valid_until = serializers.CharField(help_text="the last valid day, Beijing time")

    class Meta:
        model = Mandate
        fields = [
            "number",
            "status",
            "status_label",
            "version",
            "principal",
            "agent",
            "scope",
            "bundles",
            "items",
            "abilities",
            "valid_from",
            "valid_to",
            "valid_until",
            "method",
            "method_label",
            "created_at",
            "decided_at",
            "ended_at",
        ]

    def get_status_label(self, obj: Mandate) -> dict[str, str]:
        return _labelled(obj.status, MandateStatus)

    def get_method_label(self, obj: Mandate) -> dict[str, str]:
        return _labelled(obj.method, Establishment)

    def get_principal(self, obj: Mandate) -> dict[str, str]:
        return {"party_type": obj.principal_type, "id": mask(obj.principal_id), "name": obj.principal_name}

    def get_agent(self, obj: Mandate) -> dict[str, Any]:
        return {
            "kind": obj.agent_kind,
            "name": obj.agent_name,
            "service_point": obj.agent_service_point.code if obj.agent_service_point else None,
        }


class MandateEventOut(serializers.ModelSerializer[MandateEvent]):
    actor = serializers.CharField(source="actor.username", default=None)
    type_label = serializers.SerializerMethodField()

    class Meta:
        model = MandateEvent
        fields = [
            "type",
            "type_label",
            "at",
            "actor",
            "actor_role",
            "from_status",
            "to_status",
            "old",
            "new",
            "reason",
        ]

    def get_type_label(self, obj: MandateEvent) -> dict[str, str]:
        return _labelled(obj.type, MandateEventType)


class MandateDetailOut(MandateOut):
    evidence = serializers.JSONField(
        help_text="how it was established: who verified the principal, how, where"
    )
    events = MandateEventOut(many=True, read_only=True)

    class Meta(MandateOut.Meta):
        fields = [*MandateOut.Meta.fields, "evidence", "events"]
