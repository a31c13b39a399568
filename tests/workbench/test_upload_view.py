"""Staff open an uploaded material in the browser (issue 18 point 5): a PDF or an image inline with its sniffed
type, `nosniff`, a restrictive CSP and no caching; only an upload of an application the actor may see (an
officer only the materials of their own department's items: cases/permissions.py), else 404; every view in
the access ledger with the application as its purpose."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.api import WebClients as Clients
from tests.support.factories import submitted_application
from tests.support.files import image_bytes, pdf_bytes
from tests.support.newborn import to_hand_in
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.materials import application_material_receive
from yijianshi.cases.models import Application, ItemCase
from yijianshi.ledger.models import LedgerEntry
from yijianshi.uploads.models import Upload, UploadChannel

pytestmark = pytest.mark.django_db

OFFICERS = {
    "health": "officer_health",
    "public_security": "officer_police",
    "hrss": "officer_hrss",
    "medical_security": "officer_medical",
    "civil_affairs": "officer_civil",
}


def _scan(app: Application, code: str, content: bytes, name: str, kind: str) -> Upload:
    return application_material_receive(
        actor=actor_of(User.objects.get(username="clerk")),
        application=app,
        bundle_code=app.bundle.code,
        material_key=code,
        file=SimpleUploadedFile(name, content, kind),
        channel=UploadChannel.COUNTER_SCAN,
    )


def _received_with_scans() -> tuple[Application, dict[str, Upload]]:
    app = submitted_application(complete=False)
    uploads = {
        code: _scan(app, code, pdf_bytes(), "doc.pdf", "application/pdf") for code in to_hand_in(app.snapshot)
    }
    app.refresh_from_db()
    app = services.application_intake(application=app, actor=actor_of(User.objects.get(username="clerk")))
    assert app.status == "received"
    return app, uploads


def _outsider(app: Application, upload: Upload) -> tuple[str, str]:
    """An officer with an item in this application whose items do not need this material, and an officer
    whose department's items do need it."""
    spec = next(m for m in app.snapshot["materials"] if m["code"] == upload.material_key)
    cases = list(ItemCase.objects.filter(application=app).select_related("department"))
    owners = {c.department.code for c in cases if c.ref in spec["items"]}
    others = {c.department.code for c in cases} - owners
    outsider = next(d for d in sorted(others) if d in OFFICERS)
    insider = next(d for d in sorted(owners) if d in OFFICERS)
    return OFFICERS[outsider], OFFICERS[insider]


def _pick(app: Application, uploads: dict[str, Upload]) -> Upload:
    """A material needed by some items of the application but not by every department's."""
    departments = {c.ref: c.department.code for c in ItemCase.objects.filter(application=app)}
    for code, upload in uploads.items():
        spec = next(m for m in app.snapshot["materials"] if m["code"] == code)
        if {departments[r] for r in spec["items"]} != set(departments.values()):
            return upload
    raise AssertionError("every material is needed by every department")


def test_clerk_opens_a_pdf_inline_and_each_view_is_in_the_ledger(
    newborn: None, media: Path, signed_in: Clients
) -> None:
    app, uploads = _received_with_scans()
    upload = next(iter(uploads.values()))
    clerk = signed_in("clerk")
    page = clerk.get(f"/workbench/window/applications/{app.number}/").content.decode()
    url = f"/workbench/uploads/{upload.pk}/"
    assert f'href="{url}"' in page
    before = LedgerEntry.objects.filter(source="uploads").count()
    for n in (1, 2):
        opened = clerk.get(url)
        assert opened.status_code == 200
        assert b"".join(opened.streaming_content).startswith(b"%PDF")
        assert opened["Content-Type"] == "application/pdf"
        assert opened["Content-Disposition"].startswith("inline")
        assert opened["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in opened["Content-Security-Policy"]
        assert "no-store" in opened["Cache-Control"] and "private" in opened["Cache-Control"]
        rows = LedgerEntry.objects.filter(source="uploads").order_by("seq")
        assert rows.count() == before + n  # the clerk's own scan too: every view
        last = rows.last()
        assert last is not None
        assert (last.purpose_kind, last.purpose_reference) == ("application", app.number)
        assert last.actor_id == User.objects.get(username="clerk").pk


def test_an_image_is_inline_and_sandboxed(newborn: None, media: Path, signed_in: Clients) -> None:
    app = submitted_application(complete=False)
    code = to_hand_in(app.snapshot)[0]
    upload = _scan(app, code, image_bytes("PNG"), "photo.jpg", "image/jpeg")
    opened = signed_in("clerk").get(f"/workbench/uploads/{upload.pk}/")
    assert opened.status_code == 200
    assert opened["Content-Type"] == "image/png"  # what it is, not what it was called or claimed to be
    assert opened["Content-Disposition"].startswith("inline") and "photo.png" in opened["Content-Disposition"]
    assert opened["Content-Security-Policy"].endswith("sandbox")


def test_officer_sees_only_their_items_materials(newborn: None, media: Path, signed_in: Clients) -> None:
    app, uploads = _received_with_scans()
    upload = _pick(app, uploads)
    outsider, insider = _outsider(app, upload)
    url = f"/workbench/uploads/{upload.pk}/"
    before = LedgerEntry.objects.filter(source="uploads").count()
    assert signed_in(outsider).get(url).status_code == 404
    assert LedgerEntry.objects.filter(source="uploads").count() == before  # nothing was read
    opened = signed_in(insider).get(url)
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
    assert LedgerEntry.objects.filter(source="uploads").count() == before + 1
    # a clerk of another service point: 404 too
    assert signed_in("clerk_town").get(url).status_code == 404
    # an applicant is not staff: 404 on this face (the portal and the API have theirs)
    assert signed_in("mother").get(url).status_code == 404


def test_officer_case_page_links_their_files(newborn: None, media: Path, signed_in: Clients) -> None:
    app, uploads = _received_with_scans()
    upload = _pick(app, uploads)
    outsider, insider = _outsider(app, upload)
    url = f"/workbench/uploads/{upload.pk}/"
    by_officer = {v: k for k, v in OFFICERS.items()}
    mine = ItemCase.objects.filter(application=app, department__code=by_officer[insider]).first()
    theirs = ItemCase.objects.filter(application=app, department__code=by_officer[outsider]).first()
    assert mine is not None and theirs is not None
    assert url in signed_in(insider).get(f"/workbench/department/cases/{mine.pk}/").content.decode()
    assert url not in signed_in(outsider).get(f"/workbench/department/cases/{theirs.pk}/").content.decode()
