"""Uploads in a submission (application_submit, uploads=…), the clerk's scans and the supplement path, scope
(404 outside it), deletion, and replay with the same Idempotency-Key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from tests.support.api import ApiClients as Clients
from tests.support.files import stored_files
from tests.support.newborn import take_in
from tests.support.uploads import (
    needed_materials,
    pdf_material,
    submit_with_uploads,
    submitted_without_a_pdf,
    upload,
    upload_status,
)
from yijianshi.cases.models import Application
from yijianshi.core import clock
from yijianshi.uploads.models import Upload
from yijianshi.uploads.services import uploads_sweep

pytestmark = pytest.mark.django_db


def test_an_upload_submitted_counts_as_provided_and_is_listed(
    newborn: None, media: Path, as_user: Clients
) -> None:
    mother, clerk = as_user("mother"), as_user("clerk")
    needed = needed_materials(mother)
    chosen = pdf_material(needed)
    up = upload(mother, chosen)
    response = submit_with_uploads(mother, [c for c in needed if c != chosen], [up["id"]], key="with-upload")
    assert response.status_code == 201, response.content
    body = response.json()
    assert chosen in body["materials_provided"]
    assert [(u["id"], u["material"], u["content_type"]) for u in body["uploads"]] == [
        (up["id"], chosen, "application/pdf")
    ]
    assert body["uploads"][0]["content_url"] == f"/api/uploads/{up['id']}/content"
    row = Upload.objects.get(pk=up["id"])
    assert [a.number for a in row.attached_to.all()] == [body["number"]] and row.attached_at is not None
    # complete: the clerk's intake check finds nothing missing
    assert take_in(clerk, body["number"]).json()["status"] == "received"
    # the clerk of the service point and the mother can read it; it cannot be deleted any more
    for client in (mother, clerk):
        content = client.get(f"/api/uploads/{up['id']}/content")
        assert content.status_code == 200
        assert b"".join(content.streaming_content) == row.file.open("rb").read()
        assert content["Content-Disposition"].startswith("attachment;")
        assert content["X-Content-Type-Options"] == "nosniff" and content["Content-Type"] == "application/pdf"
    # the clerk's read is in the access ledger, seen by the mother under "who read my data"; her own is not
    reads = [r for r in mother.get("/api/me/data-reads/").json()["results"] if r["source"] == "uploads"]
    assert [(r["actor"], r["fields"], r["purpose"]["reference"]) for r in reads] == [
        ("clerk", [chosen], body["number"])
    ]
    gone = mother.delete(f"/api/uploads/{up['id']}/")
    assert gone.status_code == 409 and gone.json()["code"] == "upload_attached"


def test_replay_with_the_same_key_returns_the_original(newborn: None, media: Path, as_user: Clients) -> None:
    mother = as_user("mother")
    needed = needed_materials(mother)
    chosen = pdf_material(needed)
    up = upload(mother, chosen)
    rest = [c for c in needed if c != chosen]
    first = submit_with_uploads(mother, rest, [up["id"]], key="k-up")
    again = submit_with_uploads(mother, rest, [up["id"]], key="k-up")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"] and Application.objects.count() == 1
    other = upload(mother, chosen)
    changed = submit_with_uploads(
        mother, rest, [other["id"]], key="k-up"
    )  # same key, different uploads: a different request
    assert changed.status_code == 409 and changed.json()["code"] == "idempotency_key_reused"
    reused = submit_with_uploads(mother, rest, [up["id"]])  # already part of the first application
    assert reused.status_code == 409 and reused.json()["code"] == "upload_attached"
    assert Application.objects.count() == 1


def test_uploads_of_others_or_other_bundles_are_refused(newborn: None, media: Path, as_user: Clients) -> None:
    mother, father = as_user("mother"), as_user("father")
    needed = needed_materials(mother)
    chosen = pdf_material(needed)
    theirs = upload(father, chosen)
    refused = submit_with_uploads(mother, needed, [theirs["id"]])
    assert refused.status_code == 400 and refused.json()["code"] == "unknown_upload"
    assert refused.json()["field"] == "uploads"
    bad = submit_with_uploads(mother, needed, ["not-a-uuid"])
    assert bad.status_code == 400 and bad.json()["field"].startswith("uploads")
    assert Application.objects.count() == 0 and Upload.objects.filter(attached_at__isnull=False).count() == 0


def test_out_of_scope_reads_answer_404(newborn: None, media: Path, as_user: Clients) -> None:
    mother, father = as_user("mother"), as_user("father")
    needed = needed_materials(mother)
    up = upload(mother, pdf_material(needed))
    assert mother.get(f"/api/uploads/{up['id']}/").status_code == 200
    for username in ("father", "clerk", "clerk_town", "officer_health"):  # unattached: only its owner sees it
        client = as_user(username)
        for url in (f"/api/uploads/{up['id']}/", f"/api/uploads/{up['id']}/content"):
            response = client.get(url)
            assert response.status_code == 404 and response.json()["code"] == "not_found", (username, url)
        assert client.delete(f"/api/uploads/{up['id']}/").status_code == 404
    assert father.get("/api/uploads/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert father.get("/api/uploads/../../etc/passwd/").status_code == 404
    number = submit_with_uploads(mother, [c for c in needed if c != up["material"]], [up["id"]]).json()[
        "number"
    ]
    assert (
        as_user("clerk").get(f"/api/uploads/{up['id']}/").status_code == 200
    )  # the application's service point
    assert as_user("clerk_town").get(f"/api/uploads/{up['id']}/").status_code == 404
    assert father.get(f"/api/uploads/{up['id']}/content").status_code == 404
    assert father.get(f"/api/applications/{number}/").status_code == 404


def test_discard_before_submission_removes_row_and_file(
    newborn: None, media: Path, as_user: Clients, django_capture_on_commit_callbacks: Any
) -> None:
    mother = as_user("mother")
    up = upload(mother, pdf_material(needed_materials(mother)))
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert mother.delete(f"/api/uploads/{up['id']}/").status_code == 204
    assert Upload.objects.count() == 0 and stored_files(media) == []


def test_clerk_scans_for_a_deficient_application_then_supplement(
    newborn: None, media: Path, as_user: Clients
) -> None:
    mother, clerk = as_user("mother"), as_user("clerk")
    number, chosen = submitted_without_a_pdf(mother)
    deficient = take_in(clerk, number).json()
    assert deficient["status"] == "deficient"
    # another service point's clerk cannot even see it; the applicant's father neither
    assert upload_status(as_user("clerk_town"), chosen, application=number) == 404
    assert upload_status(as_user("father"), chosen, application=number) == 404
    scan = upload(clerk, chosen, application=number)  # the paper material, scanned at the window
    assert scan["channel"] == "counter_scan" and scan["application"] == number
    assert chosen in Application.objects.get(number=number).materials_provided
    app = mother.get(f"/api/applications/{number}/").json()
    assert [u["id"] for u in app["uploads"]] == [scan["id"]]
    back = clerk.post(f"/api/applications/{number}/supplement/", {}, format="json")
    assert back.status_code == 200 and back.json()["status"] == "submitted"
    assert take_in(clerk, number).json()["status"] == "received"


def test_applicant_supplements_with_an_upload(newborn: None, media: Path, as_user: Clients) -> None:
    mother, clerk = as_user("mother"), as_user("clerk")
    number, chosen = submitted_without_a_pdf(mother)
    assert take_in(clerk, number).json()["status"] == "deficient"
    up = upload(mother, chosen)
    back = mother.post(f"/api/applications/{number}/supplement/", {"uploads": [up["id"]]}, format="json")
    assert back.status_code == 200, back.content
    assert chosen in back.json()["materials_provided"] and back.json()["uploads"][0]["id"] == up["id"]
    assert take_in(clerk, number).json()["status"] == "received"
    closed = upload_status(mother, chosen, application=number)
    assert closed == 201  # still open (received): a correction may need a file


def test_abandoned_uploads_are_swept_submitted_ones_stay(
    newborn: None, media: Path, as_user: Clients, django_capture_on_commit_callbacks: Any
) -> None:
    mother = as_user("mother")
    needed = needed_materials(mother)
    chosen = pdf_material(needed)
    kept = upload(mother, chosen)
    submit_with_uploads(mother, [c for c in needed if c != chosen], [kept["id"]])
    abandoned = upload(mother, chosen)
    later = clock.now() + timedelta(days=8)
    assert uploads_sweep(older_than_days=30, now=later) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert uploads_sweep(older_than_days=7, now=later) == 1
    assert list(Upload.objects.values_list("pk", flat=True)) == [UUID(kept["id"])]
    assert not Upload.objects.filter(pk=abandoned["id"]).exists() and len(stored_files(media)) == 1
