"""The applicant's pages after submission: the deficiency notice and the supplement upload, the list's
pagination; and the home page's life events and region chooser, the guide's simple view and QR code."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.support.api import WebClients as Clients
from tests.support.factories import submitted_application
from tests.support.files import png_file
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.services import application_intake

pytestmark = pytest.mark.django_db


def test_deficiency_notice_then_supplement_upload(newborn: None, signed_in: Clients) -> None:
    app = submitted_application(complete=False)
    application_intake(application=app, actor=actor_of(User.objects.get(username="clerk")))
    app.refresh_from_db()
    assert app.status == "deficient"
    mother = signed_in("mother")
    page = mother.get(f"/me/applications/{app.number}/").content.decode()
    assert "一次性告知" in page and "缺少材料" in page and 'name="file:birth.first_issue_form"' in page
    # a file of a type the material does not accept: refused next to its field, nothing changes
    bad = mother.post(
        f"/me/applications/{app.number}/supplement/",
        {
            "version": app.version,
            "file:birth.first_issue_form": SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 10),
        },
    )
    assert bad.status_code == 400 and "field-error" in bad.content.decode()
    app.refresh_from_db()
    assert app.status == "deficient"
    ok = mother.post(
        f"/me/applications/{app.number}/supplement/",
        {
            "version": app.version,
            "file:birth.first_issue_form": png_file(),
            "file:child.birth_vaccination_record": png_file("vaccination.png"),
        },
    )
    assert ok.status_code == 302, ok.content.decode()[:2000]
    app.refresh_from_db()
    assert app.status == "submitted" and "birth.first_issue_form" in app.materials_provided
    assert signed_in("father").post(f"/me/applications/{app.number}/supplement/").status_code == 404


def test_my_applications_are_paginated(newborn: None, signed_in: Clients) -> None:
    for _ in range(12):
        submitted_application()
    mother = signed_in("mother")
    first = mother.get("/me/").content.decode()
    assert first.count("/me/applications/") == 10 and "?page=2" in first
    assert mother.get("/me/?page=2").content.decode().count("/me/applications/") == 2
    assert signed_in("father").get("/me/").content.decode().count("/me/applications/") == 0


def test_home_has_life_events_and_remembers_the_region(newborn: None, client: Client) -> None:
    page = client.get("/").content.decode()
    assert 'id="event-birth"' in page and "/bundles/140524-09/" in page and 'role="search"' in page
    assert client.get("/", {"region": "140524"}).status_code == 200
    assert client.session["region"] == "140524"
    assert client.get("/", {"region": "nowhere"}).status_code == 200  # an unknown region: the default


def test_guide_has_simple_view_qr_and_print(newborn: None, client: Client) -> None:
    full = client.get("/bundles/140524-09/").content.decode()
    assert "<svg" in full and "http://127.0.0.1:8000/bundles/140524-09/" in full and "@media print" in full
    assert "受理条件" in full and "办理地点" in full and "/bundles/140524-09/apply/" in full
    simple = client.get("/bundles/140524-09/?view=simple").content.decode()
    assert "要准备的材料" in simple and "受理条件" not in simple


def test_guide_marks_waivers_for_the_signed_in_applicant(newborn: None, signed_in: Clients) -> None:
    from yijianshi.datahub.demo import demo_data_seed
    from yijianshi.licenses.demo import seed_demo_licences

    demo_data_seed(persons=40, enterprises=5)
    seed_demo_licences()
    page = signed_in("mother").get("/bundles/140524-09/").content.decode()
    assert "已按您的电子证照和共享数据核验结果标注" in page
    # granted only now that her licences were read: the same wording as the application's materials step
    assert "您已有电子居民身份证，无需提交" in page and "以电子证照（" not in page


def test_my_file_shows_values_by_source_and_consent_can_be_given(newborn: None, signed_in: Clients) -> None:
    from yijianshi.datahub.demo import demo_data_seed
    from yijianshi.datahub.selectors import consent_active
    from yijianshi.ledger.models import LedgerEntry

    demo_data_seed(persons=40, enterprises=5)
    mother = signed_in("mother")
    page = mother.get("/me/file/").content.decode()
    assert "人口基础信息库" in page and "王芳" in page
    assert LedgerEntry.objects.filter(purpose_kind="party_file").exists()
    assert mother.post("/me/file/", {"consent": "grant"}).status_code == 302
    profile = User.objects.get(username="mother").profile
    assert consent_active(party_id=profile.id_number)
    assert signed_in("clerk").get("/me/file/").status_code == 404
