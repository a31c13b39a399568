"""Licence pages and API: parse, authorise (selectors and services), call a service, render.

- ``/licences/verify/<identifier>``: the public verification page (HTML, bilingual, holder masked);
- ``/api/licences/``: the wallet (an applicant's own licences; officers their department's; admin/auditor all);
- ``/api/licences/<id>/``, ``/<id>/qr.svg``, ``/<id>/qr.png``, ``/<id>/revoke/``;
- ``/api/licences/verify/<identifier>`` (GET) and ``/api/licences/verify/`` (POST an offline document): anyone;
- ``/api/licences/keys/``: the public keys, for offline verifiers (anyone).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from yijianshi.accounts.limits import VerifyThrottle, verification_limited
from yijianshi.accounts.roles import actor_of
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import mask

from . import selectors, services
from . import serializers as s
from .models import License, SigningKey


def _verification_body(result: services.Verification) -> dict[str, Any]:
    return dict(
        s.VerificationOut(
            {
                "identifier": result.identifier,
                "ok": result.ok,
                "problems": result.problems,
                "checks": [{"name": c.name, "ok": c.ok, "zh": c.zh, "en": c.en} for c in result.checks],
                "licence": result.licence,
            }
        ).data
    )


def _visible(request: Request, pk: int) -> License:
    return get_object_or_404(selectors.licences_visible_to(actor_of(request.user)), pk=pk)


class LicenceListApi(GenericAPIView[License]):
    serializer_class = s.LicenceOut

    @extend_schema(
        parameters=[
            OpenApiParameter("holder_id", str),
            OpenApiParameter("type", str),
            OpenApiParameter("status", str),
        ],
        responses=s.LicenceOut(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = selectors.licences_visible_to(actor_of(request.user))
        params = request.query_params
        if params.get("holder_id"):
            qs = qs.filter(holder_id=params["holder_id"].strip().upper())
        if params.get("type"):
            qs = qs.filter(licence_type__code=params["type"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        page = self.paginate_queryset(selectors.valid_first(qs))
        return self.get_paginated_response(s.LicenceOut(page, many=True).data)


class LicenceDetailApi(APIView):
    @extend_schema(responses=s.LicenceDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.LicenceDetailOut(_visible(request, pk)).data)


class LicenceQrApi(APIView):
    """The QR code of the licence's offline document (it holds the holder's data: only who may see the licence)."""

    @extend_schema(responses={(200, "image/svg+xml"): bytes, (200, "image/png"): bytes})
    def get(self, request: Request, pk: int, kind: str) -> HttpResponse:
        licence = _visible(request, pk)
        content_type = "image/svg+xml" if kind == "svg" else "image/png"
        response = HttpResponse(services.qr_code(licence, kind=kind), content_type=content_type)
        response["Cache-Control"] = "private, no-store"
        return response


class LicenceRevokeApi(APIView):
    @extend_schema(request=s.RevokeRequest, responses=s.LicenceOut)
    def post(self, request: Request, pk: int) -> Response:
        ser = s.RevokeRequest(data=request.data)
        ser.is_valid(raise_exception=True)
        licence = services.licence_revoke(
            licence=_visible(request, pk), reason=ser.validated_data["reason"], actor=request.user
        )
        return Response(s.LicenceOut(licence).data)


class LicenceVerifyApi(APIView):
    """Anyone may verify a licence by its identifier; the answer names each check that failed."""

    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]

    @extend_schema(responses=s.VerificationOut)
    def get(self, request: Request, identifier: str) -> Response:
        result = services.licence_verify(identifier=identifier)
        return Response(_verification_body(result))


class LicenceDocumentVerifyApi(APIView):
    """Anyone may verify an offline document (the JSON a licence's QR code carries, bare or as ``document``),
    or an ``identifier``."""

    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]

    @extend_schema(request=s.VerifyRequest, responses=s.VerificationOut)
    def post(self, request: Request) -> Response:
        data = request.data
        if isinstance(data, dict) and "licence" in data:  # the document itself, as the QR code carries it
            result = services.licence_verify(document=dict(data))
        else:
            ser = s.VerifyRequest(data=data)
            ser.is_valid(raise_exception=True)
            if "document" in ser.validated_data:
                result = services.licence_verify(document=dict(ser.validated_data["document"]))
            elif ser.validated_data.get("identifier"):
                result = services.licence_verify(identifier=ser.validated_data["identifier"])
            else:
                raise DomainError(
                    "verify_nothing",
                    "请提供证照标识或离线证照文件",
                    "Give a licence identifier or the offline document",
                    field="document",
                )
        return Response(_verification_body(result), status=status.HTTP_200_OK)


class SigningKeyListApi(GenericAPIView[SigningKey]):
    permission_classes = [AllowAny]
    serializer_class = s.SigningKeyOut

    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.public_keys())
        return self.get_paginated_response(s.SigningKeyOut(page, many=True).data)


# --- the public page ------------------------------------------------------------------------------------------


STATUS_EN = {
    "valid": "valid",
    "revoked": "revoked",
    "expired": "expired",
    "superseded": "superseded by a newer version",
}
ID_TYPE_EN = {"111": "identity number", "001": "unified social credit code", "999": "none yet"}


@require_GET
@verification_limited  # each face of verification, one budget per address (accounts/limits.py)
def verify_page(request: HttpRequest, identifier: str = "") -> HttpResponse:
    """What scanning a licence's QR code or typing its identifier shows: each check, the holder masked."""
    if not identifier:
        typed = (request.GET.get("identifier") or "").strip()
        if typed:
            return HttpResponseRedirect(reverse("licence-verify", args=[typed.upper()]))
        return render(request, "licenses/verify.html", {"asked": False})
    result = services.licence_verify(identifier=identifier)
    licence = result.licence
    english = (get_language() or "").startswith("en")
    context = {
        "asked": True,
        "result": result,
        "licence": licence,
        "holder": s.masked_name(licence.holder_name) if licence else "",
        "holder_id": mask(licence.holder_id) if licence else "",
        "status": (STATUS_EN.get(licence.status, licence.status) if english else licence.get_status_display())
        if licence
        else "",
        "id_type": (
            ID_TYPE_EN.get(licence.holder_id_type, "") if english else licence.get_holder_id_type_display()
        )
        if licence
        else "",
    }
    return render(request, "licenses/verify.html", context, status=200 if licence is not None else 404)
