"""The API's shapes of an upload: the multipart request (checked while it streams in), the metadata answered, the
file itself (always as an attachment, with its sniffed type and `nosniff`).

The endpoints under /api/uploads/ are cases' (yijianshi/cases/api.py): who sees an upload, and attaching one to
an application, depend on applications, which uploads knows nothing of (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files import File
from django.http import FileResponse
from django.utils.cache import add_never_cache_headers
from rest_framework import serializers
from rest_framework.request import Request

from yijianshi.core.errors import DomainError
from yijianshi.core.fields import CleanText

from .handlers import oversize_fields
from .models import Upload, UploadChannel
from .validation import ALL_TYPES, PDF, download_name, too_large

BODY_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields


class UploadRequest(serializers.Serializer[Any]):
    bundle = CleanText(max_length=40, help_text="bundle code, e.g. 140524-09")
    material = CleanText(max_length=80, help_text="material code of the bundle's material set")
    file = serializers.FileField(
        allow_empty_file=True,
        use_url=False,
        help_text="PDF, JPEG or PNG (checked from the content); at most UPLOAD_MAX_BYTES",
    )
    channel = serializers.ChoiceField(
        choices=UploadChannel.values,
        required=False,
        help_text="online (default for applicants) or counter_scan (default for clerks)",
    )


class UploadOut(serializers.ModelSerializer[Upload]):
    material = serializers.CharField(source="material_key")
    bundle = serializers.CharField(source="bundle_code")
    name = serializers.CharField(source="original_name")
    content_url = serializers.SerializerMethodField()

    class Meta:
        model = Upload
        fields = [
            "id",
            "bundle",
            "material",
            "name",
            "content_type",
            "size",
            "sha256",
            "pages",
            "channel",
            "created_at",
            "attached_at",
            "content_url",
        ]

    def get_content_url(self, obj: Upload) -> str:
        return f"/api/uploads/{obj.pk}/content"


def upload_request(request: Request, shape: type[UploadRequest] = UploadRequest) -> dict[str, Any]:
    """The fields of a multipart upload, checked (`shape`: UploadRequest or a caller's extension of it): a body
    past the limit is refused before it is read, a file past it is dropped while it streams (413 either way),
    too many fields or files are refused."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.UPLOAD_MAX_BYTES + BODY_OVERHEAD:
        raise too_large(settings.UPLOAD_MAX_BYTES)  # refused before the body is read
    try:
        data = request.data  # parses the body; a file past the limit is dropped while it streams
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        raise DomainError(
            "request_too_large",
            "请求包含的字段或文件过多、过大",
            "The request has too many or too large fields or files",
            field="file",
        ) from None
    if oversize_fields(request._request):
        raise too_large(settings.UPLOAD_MAX_BYTES)
    ser = shape(data=data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


def upload_download(upload: Upload, content: File) -> FileResponse:
    """The file itself: always an attachment, with its sniffed type, `nosniff` and a sandboxing CSP."""
    response = FileResponse(
        content,
        content_type=upload.content_type,
        as_attachment=True,
        filename=download_name(upload.original_name, upload.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# What a staff view of a file may load: nothing but itself. Images also get `sandbox` (no script, an opaque
# origin). A PDF does not: Chromium's and Firefox's built-in viewers refuse to show a PDF under a `sandbox`
# directive, and the viewers run the document in their own sandbox. Only the sniffed PDF, JPEG and PNG are
# ever stored (validation.py), and `nosniff` stops a browser from guessing anything else.
VIEW_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


def upload_view(upload: Upload, content: File) -> FileResponse:
    """The file opened in the browser by staff: a PDF or an image inline (its sniffed type), anything else an
    attachment; `nosniff`, a restrictive CSP, never cached."""
    inline = upload.content_type in ALL_TYPES
    response = FileResponse(
        content,
        content_type=upload.content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=download_name(upload.original_name, upload.content_type)
        if upload.content_type in ALL_TYPES
        else "file.bin",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = VIEW_CSP if upload.content_type == PDF else VIEW_CSP + "; sandbox"
    add_never_cache_headers(response)
    response["Cache-Control"] = "private, " + response["Cache-Control"]
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
