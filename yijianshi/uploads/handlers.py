"""The size limit while the request streams in: a file part past `UPLOAD_MAX_BYTES` is dropped chunk by chunk
(never written to a temporary file beyond the limit) and remembered on the request, so the view answers 413
with the structured error instead of "file missing"."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

OVERSIZE = "yijianshi.upload_oversize"


class SizeLimitUploadHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            if self.request is not None:
                self.request.META.setdefault(OVERSIZE, []).append(self.field_name)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None


def oversize_fields(request: HttpRequest) -> list[str]:
    """The file fields of this request dropped for being too large (after its body was parsed)."""
    return list(request.META.get(OVERSIZE, []))
