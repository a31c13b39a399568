"""Mandate API, included at /api/ (yijianshi/api/urls.py). Parse, authorise, call a service, render.

- ``GET /api/mandates/`` — the mandates the actor may see (permissions.visible_mandates): an applicant's as
  principal and as agent, a clerk's service point's, every one for administrators and auditors.
- ``POST /api/mandates/`` — 委托人在线授权: the signed-in applicant grants (active at once).
- ``POST /api/mandates/requests/`` — 代理人申请: the signed-in applicant asks someone to let them act for them.
- ``POST /api/mandates/window/`` — 窗口登记: a clerk records one after checking the principal in person.
- ``GET /api/mandates/<number>/`` — one mandate with its evidence and history (404 outside scope).
- ``POST /api/mandates/<number>/confirm/ | refuse/ | revoke/`` — the principal decides (403 for others who see it).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from yijianshi.accounts.models import Role
from yijianshi.accounts.roles import actor_of

from . import serializers as s
from . import services
from .models import Mandate
from .permissions import MandateForbidden, visible_mandates


def _parse(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


def _visible(request: Request) -> QuerySet[Mandate]:
    return visible_mandates(actor_of(request.user)).select_related("agent_service_point")


def _mandate(request: Request, number: str) -> Mandate:
    return get_object_or_404(_visible(request), number=number)


def _detail(mandate: Mandate, code: int = status.HTTP_200_OK) -> Response:
    fresh = (
        Mandate.objects.select_related("agent_service_point")
        .prefetch_related("events__actor")
        .get(pk=mandate.pk)
    )
    return Response(s.MandateDetailOut(fresh).data, status=code)


def _only(request: Request, role: str, zh: str, en: str) -> None:
    """403 before the body is judged, for a role that can never do this."""
    if actor_of(request.user).role != role:
        raise MandateForbidden("forbidden_role", zh, en)


def _terms(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "scope": data["scope"],
        "bundle_codes": data.get("bundles", []),
        "item_refs": data.get("items", []),
        "abilities": data["abilities"],
        "valid_from": data.get("valid_from"),
        "valid_to": data["valid_to"],
    }


def _principal(data: dict[str, Any]) -> dict[str, Any]:
    p = data["principal"]
    return {
        "principal_type": p["party_type"],
        "principal_id_number": p.get("id_number", ""),
        "principal_uscc": p.get("uscc", ""),
        "principal_name": p["name"],
    }


def _agent(data: dict[str, Any]) -> dict[str, Any]:
    a = data["agent"]
    return {
        "agent_kind": a["kind"],
        "agent_id_number": a.get("id_number", ""),
        "agent_name": a.get("name", ""),
        "agent_service_point": a.get("service_point", ""),
    }


class MandateListApi(GenericAPIView[Mandate]):
    serializer_class = s.MandateOut

    @extend_schema(responses=s.MandateOut(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(_visible(request))
        return self.get_paginated_response(s.MandateOut(page, many=True).data)

    @extend_schema(request=s.GrantIn, responses={201: s.MandateDetailOut})
    def post(self, request: Request) -> Response:
        """委托人在线授权 (the principal is the signed-in applicant)."""
        _only(request, Role.APPLICANT, "只有申请人可以授权他人代办", "Only applicants can grant a mandate")
        data = _parse(s.GrantIn, request)
        mandate = services.mandate_grant(actor=actor_of(request.user), **_agent(data), **_terms(data))
        return _detail(mandate, status.HTTP_201_CREATED)


class MandateRequestApi(APIView):
    @extend_schema(request=s.RequestIn, responses={201: s.MandateDetailOut})
    def post(self, request: Request) -> Response:
        """代理人申请授权 (the agent is the signed-in applicant); nothing is granted until the principal confirms."""
        _only(request, Role.APPLICANT, "只有申请人可以申请代办授权", "Only applicants can request a mandate")
        data = _parse(s.RequestIn, request)
        mandate = services.mandate_request(
            actor=actor_of(request.user), agent_kind=data["agent_kind"], **_principal(data), **_terms(data)
        )
        return _detail(mandate, status.HTTP_201_CREATED)


class MandateWindowRecordApi(APIView):
    @extend_schema(request=s.WindowRecordIn, responses={201: s.MandateDetailOut})
    def post(self, request: Request) -> Response:
        """窗口登记授权 (the clerk and the service point are the signed-in clerk's)."""
        _only(request, Role.CLERK, "只有窗口工作人员可以登记授权", "Only window clerks can record a mandate")
        data = _parse(s.WindowRecordIn, request)
        mandate = services.mandate_record_at_window(
            actor=actor_of(request.user),
            verification=data["verification"],
            evidence=data["evidence"],
            **_principal(data),
            **_agent(data),
            **_terms(data),
        )
        return _detail(mandate, status.HTTP_201_CREATED)


class MandateDetailApi(APIView):
    @extend_schema(responses=s.MandateDetailOut)
    def get(self, request: Request, number: str) -> Response:
        return _detail(_mandate(request, number))


class MandateConfirmApi(APIView):
    @extend_schema(request=s.DecisionIn, responses=s.MandateDetailOut)
    def post(self, request: Request, number: str) -> Response:
        data = _parse(s.DecisionIn, request)
        return _detail(
            services.mandate_confirm(
                mandate=_mandate(request, number),
                actor=actor_of(request.user),
                expected_version=data.get("expected_version"),
            )
        )


class MandateRefuseApi(APIView):
    @extend_schema(request=s.DecisionIn, responses=s.MandateDetailOut)
    def post(self, request: Request, number: str) -> Response:
        data = _parse(s.DecisionIn, request)
        return _detail(
            services.mandate_refuse(
                mandate=_mandate(request, number),
                actor=actor_of(request.user),
                reason=data.get("reason", ""),
                expected_version=data.get("expected_version"),
            )
        )


class MandateRevokeApi(APIView):
    @extend_schema(request=s.DecisionIn, responses=s.MandateDetailOut)
    def post(self, request: Request, number: str) -> Response:
        data = _parse(s.DecisionIn, request)
        return _detail(
            services.mandate_revoke(
                mandate=_mandate(request, number),
                actor=actor_of(request.user),
                reason=data.get("reason", ""),
                expected_version=data.get("expected_version"),
            )
        )
