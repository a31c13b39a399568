"""Licence pages and API: parse, authorise (selectors and services), call a service, render.

- ``/licences/verify/<code>``: the public verification page (HTML, bilingual, holder masked), by the licence's
  verification code (what its QR code's verify link carries), never by its identifier;
- ``/api/licences/``: the wallet (an applicant's own licences; officers their department's; admin/auditor all);
- ``/api/licences/<id>/``, ``/<id>/qr.svg``, ``/<id>/qr.png``, ``/<id>/revoke/``;
- ``/api/licences/verify/<code>`` (GET) and ``/api/licences/verify/`` (POST an offline document or a code):
  anyone;
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
from yijianshi.core.verification import looks_like_code

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
    """Anyone may verify a licence by its verification code (what its verify link carries); the answer names
    each check that failed. Any other string gets the one answer ``unknown_code``."""

    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]

    @extend_schema(responses=s.VerificationOut)
    def get(self, request: Request, code: str) -> Response:
        result = services.licence_verify(code=code)
        return Response(_verification_body(result))


class LicenceDocumentVerifyApi(APIView):
    """Anyone may verify an offline document (the JSON a licence's QR code carries, bare or as ``document``),
    or a verification ``code``."""

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
            elif ser.validated_data.get("code"):
                result = services.licence_verify(code=ser.validated_data["code"])
            else:
                raise DomainError(
                    "verify_nothing",
                    "请提供证照核验码或离线证照文件",
                    "Give a licence's verification code or its offline document",
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
# what the page says when a found licence fails a check, by the problem's code: plainly, without the
# revocation reason or any other free text (the holder would not show those)
VERDICTS = {
    "revoked": ("该证照已注销，不再有效。", "This licence was revoked; it is no longer valid."),
    "superseded": (
        "该证照已被新版本替代，不再有效。",
        "This licence was replaced by a newer version; it is no longer valid.",
    ),
    "expired": ("该证照已过有效期，不再有效。", "This licence has expired; it is no longer valid."),
    "not_yet_valid": ("该证照尚未生效。", "This licence is not valid yet."),
}
ALTERED = (
    "核验未通过：该证照的内容或签名与签发时不一致，请勿采信。",
    "Verification failed: the licence's content or signature differs from what was issued; do not rely on it.",
)
CHECK_NAMES = {
    "identifier": ("证照标识", "Identifier"),
    "registry": ("本平台登记", "Registered on this platform"),
    "digest": ("内容完整（SM3 摘要）", "Content intact (SM3 digest)"),
    "signature": ("发证部门签名（SM2）", "Issuer's signature (SM2)"),
    "status": ("未注销、未被替代", "Not revoked, not replaced"),
    "validity": ("有效期", "Validity"),
}


def _verdict(result: services.Verification) -> tuple[str, str]:
    if result.ok:
        return (
            "核验通过：该电子证照由所示发证部门签发，内容未被改动，真实有效。",
            "Verified: this licence was signed by the issuer shown, is unaltered and valid today.",
        )
    for code in ("revoked", "superseded", "expired", "not_yet_valid"):
        if code in result.codes and not ({"surface_altered", "signature_invalid"} & set(result.codes)):
            return VERDICTS[code]
    return ALTERED


@require_GET
@verification_limited  # each face of verification, one budget per address (accounts/limits.py)
def verify_page(request: HttpRequest, code: str = "") -> HttpResponse:
    """What scanning a licence's QR code or opening its verify link shows (/licences/verify/<code>): what the
    licence is, who issued it, whether it is valid today, the holder masked. Found by its verification code
    only: a licence identifier, a guess or a malformed code all get the same "not found" page."""
    if not code:
        typed = (request.GET.get("code") or "").strip().rstrip("/").rsplit("/", 1)[-1]  # a code, or a link
        if typed and looks_like_code(typed):
            return HttpResponseRedirect(reverse("licence-verify", args=[typed]))
        answer = 404 if typed else 200
        return render(request, "licenses/verify.html", {"asked": bool(typed), "licence": None}, status=answer)
    result = services.licence_verify(code=code)
    licence = result.licence
    if licence is None:
        return render(request, "licenses/verify.html", {"asked": True, "licence": None}, status=404)
    english = (get_language() or "").startswith("en")
    context = {
        "asked": True,
        "result": result,
        "licence": licence,
        "verdict": _verdict(result),
        "checks": [(CHECK_NAMES.get(c.name, (c.name, c.name)), c.ok) for c in result.checks],
        "holder": s.masked_name(licence.holder_name),
        "holder_id": mask(licence.holder_id),
        "status": STATUS_EN.get(licence.status, licence.status) if english else licence.get_status_display(),
        "id_type": ID_TYPE_EN.get(licence.holder_id_type, "")
        if english
        else licence.get_holder_id_type_display(),
    }
    return render(request, "licenses/verify.html", context)
