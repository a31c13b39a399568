"""Shared-data API (issue 4): the party file, consent, objections. Parse, authorise, call a service, render.

- ``GET /api/me/file/`` — 一人一档 / 一企一档 of the signed-in applicant: every value the connected sources hold
  on them with its provenance (source, provider department, when it was read) and, with their consent, what
  they entered in earlier applications. Read through `services.party_file` under the purpose ``party_file``,
  so every read is in the access ledger. ``?party=person|enterprise`` for an enterprise's representative.
  **Only the party itself** (decision; PIPL's minimum necessary): staff see the values that prefilled an
  application, with their provenance, in that application's snapshot within their scope (the clerk at intake,
  the item's department); nobody browses a person's whole file. Staff access would need its own purpose tied
  to an application and a scope rule of its own: not built.
- ``GET/POST /api/me/consents/``, ``POST /api/me/consents/revoke/`` — consent to reuse earlier entries
  (一次申报、多次复用).
- ``GET/POST /api/objections/``, ``GET /api/objections/<id>/``, ``POST /api/objections/<id>/resolve/`` —
  数据异议: the applicant raises, the provider department's officer resolves. Out of scope answers 404.

Applications are cases', and datahub does not read them (docs/architecture.md): the party file's earlier
entries and the application an objection is raised from come through what the view is handed where it is
mounted (`MyPartyFileApi.earlier`, `ObjectionListApi.find_application`: yijianshi/api/urls.py hands them
yijianshi/cases/shared.py's readers).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from yijianshi.accounts.models import PartyType, Profile, Role
from yijianshi.accounts.roles import actor_of
from yijianshi.catalog.models import DataSource, FieldKey
from yijianshi.core.errors import DomainError, NotFound
from yijianshi.core.fields import CleanText
from yijianshi.core.identifiers import mask
from yijianshi.ledger.services import Purpose

from . import selectors, services
from .models import Consent, Objection, ObjectionStatus
from .results import ApplicationRef, EarlierEntries


class FindApplication(Protocol):
    """The application `number` as datahub sees it, when the actor may see it; raises Http404 otherwise."""

    def __call__(self, *, actor: User, number: str) -> ApplicationRef: ...


# ---------------------------------------------------------------------------------------------- shapes


class ProviderOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class FileValueOut(serializers.Serializer[Any]):
    key = serializers.CharField()
    label_zh = serializers.CharField()
    label_en = serializers.CharField()
    value = serializers.JSONField()
    source = serializers.CharField(help_text="data source code, or 'application' for an earlier entry")
    source_name = serializers.CharField()
    provider = ProviderOut(allow_null=True, help_text="the department that provides the source")
    fetched_at = serializers.DateTimeField()
    reference = serializers.CharField(help_text="for an earlier entry: the application it was entered in")


class RelatedOut(serializers.Serializer[Any]):
    role = serializers.CharField(help_text="child | represents")
    source = serializers.CharField()
    subject = serializers.CharField(help_text="masked")


class PartyFileOut(serializers.Serializer[Any]):
    subject = serializers.CharField(help_text="masked")
    kind = serializers.CharField(help_text="person | enterprise")
    consent = serializers.BooleanField()
    values = FileValueOut(many=True)
    earlier = FileValueOut(many=True)
    related = RelatedOut(many=True)
    failures = serializers.DictField(child=serializers.CharField(), help_text="source → error code")
    sources = serializers.ListField(child=serializers.CharField())


class PartyRequest(serializers.Serializer[Any]):
    party = serializers.ChoiceField(
        choices=["person", "enterprise"], required=False, help_text="default: the account's own kind of party"
    )


class ConsentOut(serializers.ModelSerializer[Consent]):
    party = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = ["id", "party", "active", "granted_at", "revoked_at"]

    def get_party(self, obj: Consent) -> str:
        return mask(obj.party_id)

    def get_active(self, obj: Consent) -> bool:
        return obj.revoked_at is None


class ObjectionRequest(serializers.Serializer[Any]):
    key = CleanText(
        max_length=80,
        help_text="with `application`: the form field (mother.name); "
        "without: the party-file key (person.name), with `source`",
    )
    application = CleanText(max_length=40, required=False, allow_blank=True)
    source = CleanText(max_length=60, required=False, allow_blank=True)
    claimed_value = serializers.JSONField(help_text="the value the applicant claims is right")
    reason = CleanText(max_length=2000)


class ResolveRequest(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=[ObjectionStatus.CORRECTED.value, ObjectionStatus.CONFIRMED.value]
    )
    note = CleanText(max_length=2000, required=False, allow_blank=True, default="")
    corrected_value = serializers.JSONField(required=False, help_text="default: the claimed value")


class ObjectionOut(serializers.ModelSerializer[Objection]):
    source = serializers.CharField(source="source.code")
    source_name = serializers.CharField(source="source.name")
    department = serializers.CharField(source="department.name", default=None)
    subject = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = [
            "id",
            "number",
            "subject",
            "source",
            "source_name",
            "key",
            "form_key",
            "held_value",
            "claimed_value",
            "reason",
            "application_number",
            "department",
            "status",
            "raised_at",
            "resolved_at",
            "resolution_note",
            "corrected_value",
            "source_updated",
        ]

    def get_subject(self, obj: Objection) -> str:
        return mask(obj.subject_id)


# ---------------------------------------------------------------------------------------------- helpers


def _parse(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


def _applicant_profile(request: Request, zh: str, en: str) -> Profile:
    actor = actor_of(request.user)
    if actor.role != Role.APPLICANT:
        raise NotFound("not_found", zh, en)
    return Profile.objects.get(user_id=actor.user_id or 0)


def _party_id(profile: Profile, party: str | None) -> str:
    kind = party or (PartyType.ENTERPRISE if profile.party_type == PartyType.ENTERPRISE else PartyType.PERSON)
    value = profile.enterprise_uscc if kind == PartyType.ENTERPRISE else profile.id_number
    if not value:
        raise DomainError(
            "party_unknown",
            "账户未登记该类主体的证件号码" if kind == PartyType.PERSON else "账户未关联企业",
            "The account has no identity number"
            if kind == PartyType.PERSON
            else "The account represents no enterprise",
            field="party",
        )
    return value


def _file_body(file: Any) -> dict[str, Any]:
    keys = {v.key for v in file.values} | {v.key for v in file.earlier}
    labels = {
        k: (zh, en)
        for k, zh, en in FieldKey.objects.filter(key__in=keys).values_list("key", "label_zh", "label_en")
    }
    names = dict(DataSource.objects.filter(code__in=file.sources).values_list("code", "name"))
    providers = selectors.source_providers(codes=file.sources, subject_id=file.subject_id)

    def row(v: Any) -> dict[str, Any]:
        zh, en = labels.get(v.key, (v.key, v.key))
        dept = providers.get(v.source)
        return {
            "key": v.key,
            "label_zh": zh,
            "label_en": en,
            "value": v.value,
            "source": v.source,
            "source_name": names.get(v.source, "此前的申报" if v.source == "application" else v.source),
            "provider": {"code": dept.code, "name": dept.name} if dept else None,
            "fetched_at": v.fetched_at,
            "reference": v.reference,
        }

    return {
        "subject": file.subject,
        "kind": file.kind,
        "consent": file.consent,
        "values": [row(v) for v in file.values],
        "earlier": [row(v) for v in file.earlier],
        "related": [{"role": r.role, "source": r.source, "subject": r.subject} for r in file.related],
        "failures": dict(file.failures),
        "sources": list(file.sources),
    }


# ---------------------------------------------------------------------------------------------- party file


class MyPartyFileApi(APIView):
    """一人一档 / 一企一档 of the signed-in applicant (each read in the access ledger, purpose ``party_file``)."""

    earlier: EarlierEntries | None = (
        None  # the reader of earlier applications, handed in by `as_view(earlier=…)`
    )

    @extend_schema(
        parameters=[OpenApiParameter("party", str, enum=["person", "enterprise"])], responses=PartyFileOut
    )
    def get(self, request: Request) -> Response:
        profile = _applicant_profile(request, "仅申请人可查看本人档案", "Only applicants have a party file")
        query = PartyRequest(data=request.query_params)
        query.is_valid(raise_exception=True)
        party_id = _party_id(profile, query.validated_data.get("party"))
        file = services.party_file(
            subject_id=party_id,
            purpose=Purpose("party_file", f"self:{request.user.pk}"),
            actor=actor_of(request.user),
            earlier=self.earlier,
        )
        return Response(PartyFileOut(_file_body(file)).data)


# ---------------------------------------------------------------------------------------------- consent


class MyConsentListApi(APIView):
    """The applicant's consents (active and withdrawn) to reuse what they entered before; POST grants one."""

    @extend_schema(responses=ConsentOut(many=True))
    def get(self, request: Request) -> Response:
        profile = _applicant_profile(request, "仅申请人有数据复用授权", "Only applicants give consent")
        ids = [v for v in (profile.id_number, profile.enterprise_uscc) if v]
        return Response(ConsentOut(Consent.objects.filter(party_id__in=ids), many=True).data)

    @extend_schema(request=PartyRequest, responses={201: ConsentOut})
    def post(self, request: Request) -> Response:
        profile = _applicant_profile(request, "仅申请人有数据复用授权", "Only applicants give consent")
        data = _parse(PartyRequest, request)
        consent = services.consent_grant(
            party_id=_party_id(profile, data.get("party")), actor=actor_of(request.user)
        )
        return Response(ConsentOut(consent).data, status=status.HTTP_201_CREATED)


class MyConsentRevokeApi(APIView):
    """Withdraw consent: earlier entries are no longer reused. Idempotent: `active` is false afterwards."""

    @extend_schema(request=PartyRequest, responses=ConsentOut)
    def post(self, request: Request) -> Response:
        profile = _applicant_profile(request, "仅申请人有数据复用授权", "Only applicants give consent")
        party_id = _party_id(profile, _parse(PartyRequest, request).get("party"))
        consent = services.consent_revoke(
            party_id=party_id, actor=actor_of(request.user)
        ) or selectors.consent_of(party_id=party_id)
        if consent is None:
            raise NotFound("consent_none", "您尚未授权复用数据", "You have not given consent")
        return Response(ConsentOut(consent).data)


# ---------------------------------------------------------------------------------------------- objections


def _objection(request: Request, pk: int) -> Objection:
    return get_object_or_404(selectors.objections_visible_to(actor_of(request.user)), pk=pk)


class ObjectionListApi(GenericAPIView[Objection]):
    serializer_class = ObjectionOut
    find_application: FindApplication | None = None  # handed in by `as_view(find_application=…)`

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=ObjectionStatus.values),
            OpenApiParameter("application", str),
        ],
        responses=ObjectionOut(many=True),
    )
    def get(self, request: Request) -> Response:
        """An applicant's own objections; an officer's department's queue; everything for admin and auditor."""
        qs = selectors.objections_visible_to(actor_of(request.user))
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in ObjectionStatus.values:
                raise DomainError(
                    "invalid_status", f"未知的状态 {wanted}", f"Unknown status {wanted}", field="status"
                )
            qs = qs.filter(status=wanted)
        if request.query_params.get("application"):
            qs = qs.filter(application_number=request.query_params["application"])
        page = self.paginate_queryset(qs.order_by("-raised_at", "-pk"))
        return self.get_paginated_response(ObjectionOut(page, many=True).data)

    @extend_schema(request=ObjectionRequest, responses={201: ObjectionOut})
    def post(self, request: Request) -> Response:
        """Dispute a prefilled value of an application (`application` + form field `key`) or a value of one's
        party file (`source` + `key`)."""
        data = _parse(ObjectionRequest, request)
        if data.get("application"):
            if self.find_application is None:
                raise NotFound("not_found", "对象不存在", "Not found")
            app = self.find_application(actor=request.user, number=data["application"])
            obj = services.objection_raise_on_field(
                application=app,
                form_key=data["key"],
                claimed_value=data["claimed_value"],
                reason=data["reason"],
                actor=actor_of(request.user),
            )
        else:
            if not data.get("source"):
                raise DomainError(
                    "objection_source_required",
                    "未指明办件时须指明数据源",
                    "Without an application, name the source",
                    field="source",
                )
            profile = _applicant_profile(
                request, "仅申请人可对本人数据提出异议", "Only applicants dispute their own data"
            )
            obj = services.objection_raise(
                subject_id=_party_id(profile, None),
                source=data["source"],
                key=data["key"],
                claimed_value=data["claimed_value"],
                reason=data["reason"],
                actor=actor_of(request.user),
            )
        return Response(ObjectionOut(_objection(request, obj.pk)).data, status=status.HTTP_201_CREATED)


class ObjectionDetailApi(APIView):
    @extend_schema(responses=ObjectionOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ObjectionOut(_objection(request, pk)).data)


class ObjectionResolveApi(APIView):
    """The provider department decides: ``corrected`` (the source is updated) or ``confirmed`` (with a reason)."""

    @extend_schema(request=ResolveRequest, responses=ObjectionOut)
    def post(self, request: Request, pk: int) -> Response:
        data = _parse(ResolveRequest, request)
        obj = services.objection_resolve(
            objection=_objection(request, pk),
            actor=actor_of(request.user),
            outcome=data["outcome"],
            note=data.get("note", ""),
            corrected_value=data.get("corrected_value"),
        )
        return Response(ObjectionOut(_objection(request, obj.pk)).data)
