"""Upload endpoints (mounted under /api/uploads/): multipart upload, metadata, the file itself (always as an
attachment, with its sniffed type and `nosniff`), and deletion while not yet part of an application."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
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
from yijianshi.api.fields import CleanText
from yijianshi.cases.permissions import visible_applications
from yijianshi.core.errors import DomainError

from . import selectors, services
from .handlers import oversize_fields
from .models import Upload, UploadChannel
from .validation import download_name, too_large

BODY_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields


class UploadRequest(serializers.Serializer[Any]):
    bundle = CleanText(max_length=40, help_text="bundle code, e.g. 140524-09")
    material = CleanText(max_length=80, help_text="material code of the bundle's material set")
    file = serializers.FileField(allow_empty_file=True, use_url=False,
                                 help_text="PDF, JPEG or PNG (checked from the content); at most UPLOAD_MAX_BYTES")
    application = CleanText(max_length=40, required=False, allow_blank=True,
                                        help_text="application number: attach at once (clerk scan, supplement)")
    channel = serializers.ChoiceField(choices=UploadChannel.values, required=False,
                                      help_text="online (default for applicants) or counter_scan (default for clerks)")


class UploadOut(serializers.ModelSerializer[Upload]):
    material = serializers.CharField(source="material_key")
    bundle = serializers.CharField(source="bundle_code")
    name = serializers.CharField(source="original_name")
    application = serializers.CharField(source="application.number", default=None)
    content_url = serializers.SerializerMethodField()

    class Meta:
        model = Upload
        fields = ["id", "bundle", "material", "name", "content_type", "size", "sha256", "pages", "channel",
                  "application", "created_at", "attached_at", "content_url"]

    def get_content_url(self, obj: Upload) -> str:
        return f"/api/uploads/{obj.pk}/content"


class UploadCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": UploadRequest}, responses={201: UploadOut})
    def post(self, request: Request) -> Response:
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.UPLOAD_MAX_BYTES + BODY_OVERHEAD:
            raise too_large(settings.UPLOAD_MAX_BYTES)  # refused before the body is read
        try:
            data = request.data  # parses the body; a file past the limit is dropped while it streams
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            raise DomainError("request_too_large", "请求包含的字段或文件过多、过大", "The request has too many or too "
                              "large fields or files", field="file") from None
        if oversize_fields(request._request):
            raise too_large(settings.UPLOAD_MAX_BYTES)
        ser = UploadRequest(data=data)
        ser.is_valid(raise_exception=True)
        values = ser.validated_data
        actor = actor_of(request.user)
        application = None
        if values.get("application"):
            application = get_object_or_404(visible_applications(actor).select_related("bundle"),
                                            number=values["application"])
        channel = values.get("channel") or (UploadChannel.COUNTER_SCAN if actor.role == Role.CLERK
                                            else UploadChannel.ONLINE)
        upload = services.upload_receive(actor=request.user, bundle_code=values["bundle"],
                                         material_key=values["material"], file=values["file"],
                                         application=application, channel=channel)
        return Response(UploadOut(upload).data, status=status.HTTP_201_CREATED)


class UploadDetailApi(APIView):
    @extend_schema(responses=UploadOut)
    def get(self, request: Request, pk: str) -> Response:
        return Response(UploadOut(selectors.upload_for_actor(actor=request.user, upload_id=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: str) -> Response:
        upload = selectors.upload_for_actor(actor=request.user, upload_id=pk)
        services.upload_discard(actor=request.user, upload=upload)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UploadContentApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: str) -> FileResponse:
        upload, content = selectors.upload_content(actor=request.user, upload_id=pk)
        response = FileResponse(content, content_type=upload.content_type, as_attachment=True,
                                filename=download_name(upload.original_name, upload.content_type))
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response
