"""cases' own endpoints beside the application API of yijianshi/api/views.py (mounted at /api/ by
yijianshi/cases/api_urls.py). Parse, authorise, call a service or selector, render.

- ``POST /api/uploads/``, ``GET/DELETE /api/uploads/<id>/``, ``GET /api/uploads/<id>/content`` — material
  files (docs/uploads.md). uploads stores and checks them; who sees one, and attaching one to an application
  at once (a clerk's scan, a supplement), are cases' (cases/materials.py).
- ``GET /api/figures/applications/`` — the reform figures measured on submitted applications
  (cases/figures.py, docs/reform-figures.md).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from yijianshi.accounts.models import Role
from yijianshi.accounts.roles import actor_of
from yijianshi.catalog.models import Region
from yijianshi.core.errors import DomainError, NotFound
from yijianshi.uploads.api import UploadOut, UploadRequest, upload_download, upload_request
from yijianshi.uploads.models import UploadChannel
from yijianshi.uploads.services import upload_discard, upload_receive

from . import materials
from .figures import measured_figures
from .formcheck import EARLIEST, LATEST
from .permissions import Forbidden, visible_applications

# ---------------------------------------------------------------------------------------------- uploads


class UploadCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": UploadRequest}, responses={201: UploadOut})
    def post(self, request: Request) -> Response:
        values = upload_request(request)
        actor = actor_of(request.user)
        channel = values.get("channel") or (UploadChannel.COUNTER_SCAN if actor.role == Role.CLERK
                                            else UploadChannel.ONLINE)
        if values.get("application"):
            application = get_object_or_404(visible_applications(actor).select_related("bundle"),
                                            number=values["application"])
            upload = materials.application_material_receive(
                actor=request.user, application=application, bundle_code=values["bundle"],
                material_key=values["material"], file=values["file"], channel=channel)
        else:
            upload = upload_receive(actor=request.user, bundle_code=values["bundle"], material_key=values["material"],
                                    file=values["file"], channel=channel)
        return Response(UploadOut(upload).data, status=status.HTTP_201_CREATED)


class UploadDetailApi(APIView):
    @extend_schema(responses=UploadOut)
    def get(self, request: Request, pk: str) -> Response:
        return Response(UploadOut(materials.upload_for_actor(actor=request.user, upload_id=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: str) -> Response:
        upload = materials.upload_for_actor(actor=request.user, upload_id=pk)
        upload_discard(actor=request.user, upload=upload)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UploadContentApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: str) -> FileResponse:
        upload, content = materials.upload_content(actor=request.user, upload_id=pk)
        return upload_download(upload, content)


# ---------------------------------------------------------------------------------------------- measured figures


class FiguresQuery(serializers.Serializer[Any]):
    region = serializers.CharField(max_length=12, required=False)
    bundle = serializers.CharField(max_length=40, required=False)
    since = serializers.DateField(required=False, help_text="submitted on or after (Beijing date)")
    until = serializers.DateField(required=False, help_text="submitted on or before (Beijing date)")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("since", "until"):
            if attrs.get(name) is not None and not EARLIEST <= attrs[name] <= LATEST:
                raise DomainError("date_out_of_range", "日期超出合理范围（1900–2100）", "The date is outside 1900–2100",
                                  field=name)
        if attrs.get("since") and attrs.get("until") and attrs["until"] < attrs["since"]:
            raise DomainError("until_before_since", "结束日期早于开始日期", "until is before since", field="until")
        return attrs


class MeasuredFiguresApi(APIView):
    """The reform figures measured on submitted applications, per bundle and in total, each beside the
    catalogue's computed figure for the same bundle version and answers (docs/reform-figures.md). Staff,
    administrators and auditors only: counts over everyone's applications, no personal data."""

    @extend_schema(parameters=[FiguresQuery], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        if actor_of(request.user).role not in (Role.CLERK, Role.OFFICER, Role.ADMIN, Role.AUDITOR):
            raise Forbidden("forbidden", "仅工作人员、管理员和审计员可查看实测成效",
                            "Only staff, administrators and auditors see the measured figures")
        query = FiguresQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        if q.get("region") and not Region.objects.filter(code=q["region"]).exists():
            raise NotFound("unknown_region", f"未知区划代码 {q['region']}", f"Unknown region {q['region']}",
                           field="region")
        report = measured_figures(region=q.get("region"), bundle=q.get("bundle"), since=q.get("since"),
                                  until=q.get("until"))
        return Response({"applications": report.applications, "rows": [r.as_dict() for r in report.rows],
                         "total": report.total.as_dict() if report.total else None})
