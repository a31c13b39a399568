"""Upload limits on the portal (issue 18 point 5): each upload control says the types and the size limit; a
file past the limit is answered as such ("文件过大，单个文件不超过 N MB"), as a form error with a 4xx, never as
"请上传该材料", a bare 400 page or a 500 — in the application wizard and in the supplement after a deficiency
notice. The limit is checked while the file streams in (uploads/handlers.py), so nothing is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.api import WebClients as Clients
from tests.support.factories import submitted_application
from tests.support.files import pdf_bytes
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.services import application_intake
from yijianshi.uploads.models import Upload

pytestmark = pytest.mark.django_db
APPLY = "/bundles/140524-09/apply/"
MATERIAL = "birth.first_issue_form"


def _at_materials(mother: Any) -> None:
    step = mother.post(
        APPLY, {"step": "situation", "under_one": "yes", "in_wedlock": "yes", "local_household": "yes"}
    )
    assert step.status_code == 302


def test_the_wizard_says_the_limits_next_to_each_upload_control(family: None, signed_in: Clients) -> None:
    mother = signed_in("mother")
    _at_materials(mother)
    html = mother.get(APPLY + "?step=materials").content.decode()
    assert "单个文件不超过 10 MB" in html and "PDF、JPEG、PNG" in html
    controls = html.count('type="file"')
    assert controls and html.count('class="muted upload-limits"') == controls


def test_an_oversized_file_in_the_wizard_is_answered_as_too_large(
    family: None, media: Path, settings: Any, signed_in: Clients
) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    mother = signed_in("mother")
    _at_materials(mother)
    big = SimpleUploadedFile("scan.pdf", pdf_bytes() + b"0" * 5000, "application/pdf")
    answer = mother.post(APPLY + "?step=materials", {"step": "materials", f"file:{MATERIAL}": big})
    html = answer.content.decode()
    assert 400 <= answer.status_code < 500
    assert "文件过大，单个文件不超过" in html
    error = html[html.index('id="m_birth__first_issue_form"') :]
    error = error[: error.index("</fieldset>")]
    assert "文件过大" in error and "请上传该材料" not in error  # next to its control, and why
    assert Upload.objects.count() == 0


def test_a_file_past_the_default_limit_is_a_form_error_not_a_500(
    family: None, media: Path, signed_in: Clients
) -> None:
    """A real 11 MiB file against the default 10 MiB limit: the request body is far past Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE, which counts only the non-file fields, so the form answers it."""
    mother = signed_in("mother")
    _at_materials(mother)
    big = SimpleUploadedFile("scan.pdf", pdf_bytes() + b"0" * (11 * 1024 * 1024), "application/pdf")
    answer = mother.post(APPLY + "?step=materials", {"step": "materials", f"file:{MATERIAL}": big})
    assert answer.status_code == 400
    assert "文件过大，单个文件不超过 10 MB" in answer.content.decode()
    assert Upload.objects.count() == 0


def test_an_oversized_supplement_is_answered_as_too_large(
    newborn: None, media: Path, settings: Any, signed_in: Clients
) -> None:
    app = submitted_application(complete=False)
    app = application_intake(application=app, actor=actor_of(User.objects.get(username="clerk")))
    assert app.status == "deficient"
    mother = signed_in("mother")
    page = mother.get(f"/me/applications/{app.number}/").content.decode()
    assert "单个文件不超过 10 MB" in page
    code = app.snapshot["materials"][0]["code"]
    settings.UPLOAD_MAX_BYTES = 1000
    big = SimpleUploadedFile("scan.pdf", pdf_bytes() + b"0" * 5000, "application/pdf")
    answer = mother.post(
        f"/me/applications/{app.number}/supplement/", {"version": app.version, f"file:{code}": big}
    )
    assert 400 <= answer.status_code < 500
    assert "文件过大，单个文件不超过" in answer.content.decode()
    app.refresh_from_db()
    assert app.status == "deficient" and Upload.objects.count() == 0
