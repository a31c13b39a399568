"""Scanned paper materials attached at the window, through the uploads service: a good scan marks the material
provided; a file of the wrong type or too large is refused next to the file field and nothing is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.api import WebClients as Clients
from tests.support.factories import submitted_application
from tests.support.files import pdf_bytes
from tests.support.newborn import to_hand_in
from yijianshi.uploads.models import Upload

pytestmark = pytest.mark.django_db


def test_scans_complete_the_application_then_it_is_received(
    newborn: None, media: Path, signed_in: Clients
) -> None:
    app = submitted_application(complete=False)
    clerk = signed_in("clerk")
    url = f"/workbench/window/applications/{app.number}/"
    missing = to_hand_in(app.snapshot)
    for code in missing:
        sent = clerk.post(
            url + "upload/",
            {"material": code, "file": SimpleUploadedFile("scan.pdf", pdf_bytes(), "application/pdf")},
        )
        assert sent.status_code == 302, sent.content.decode()[:2000]
    app.refresh_from_db()
    assert set(app.materials_provided) >= set(missing)
    assert Upload.objects.filter(attached_to=app, channel="counter_scan").count() == len(missing)
    page = clerk.get(url).content.decode()
    assert "必需材料齐全" in page and 'id="uploads"' in page
    assert (
        clerk.post(url + "intake/", {"decision": "accept", "expected_version": app.version}).status_code
        == 302
    )
    app.refresh_from_db()
    assert app.status == "received"


def test_a_wrong_or_too_large_file_is_refused_next_to_the_field(
    newborn: None, media: Path, settings: Any, signed_in: Clients
) -> None:
    app = submitted_application(complete=False)
    clerk = signed_in("clerk")
    url = f"/workbench/window/applications/{app.number}/upload/"
    code = to_hand_in(app.snapshot)[0]
    text = clerk.post(
        url, {"material": code, "file": SimpleUploadedFile("scan.pdf", b"just text", "application/pdf")}
    )
    assert 400 <= text.status_code < 500
    assert text.context["upload_form"]["file"].errors
    settings.UPLOAD_MAX_BYTES = 1000
    big = clerk.post(
        url,
        {
            "material": code,
            "file": SimpleUploadedFile("big.pdf", pdf_bytes() + b"0" * 5000, "application/pdf"),
        },
    )
    assert big.status_code == 413 and "文件过大，单个文件不超过" in big.content.decode()
    assert Upload.objects.count() == 0 and not [p for p in media.rglob("*") if p.is_file()]
    app.refresh_from_db()
    assert code not in app.materials_provided
    # another service point's clerk cannot attach anything to it
    other = signed_in("clerk_town").post(
        url, {"material": code, "file": SimpleUploadedFile("scan.pdf", pdf_bytes(), "application/pdf")}
    )
    assert other.status_code == 404 and Upload.objects.count() == 0
