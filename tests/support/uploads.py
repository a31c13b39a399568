"""Uploads through the API for the newborn bundle: a PDF for a material, an application that names uploads."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases.samples import sample_form
from yijianshi.uploads.accept import accepted_types

from .catalogue import NEWBORN
from .files import pdf_bytes
from .newborn import guide, to_hand_in


def needed_materials(client: APIClient) -> list[str]:
    """The materials `client` would have to hand in for the bundle."""
    return to_hand_in(guide(client))


def pdf_material(codes: list[str]) -> str:
    """The first of these materials that accepts a PDF."""
    return next(c for c in codes if "application/pdf" in accepted_types(c))


def upload_status(client: APIClient, material: str, **extra: Any) -> int:
    """POST a one-page PDF for `material` (and `extra` fields); the status code."""
    return int(
        client.post(
            "/api/uploads/",
            {
                "bundle": NEWBORN,
                "material": material,
                "file": SimpleUploadedFile("a.pdf", pdf_bytes()),
                **extra,
            },
            format="multipart",
        ).status_code
    )


def upload(client: APIClient, material: str, **extra: Any) -> Any:
    """POST a one-page PDF for `material` (and `extra` fields), which must be stored; the answer."""
    response = client.post(
        "/api/uploads/",
        {
            "bundle": NEWBORN,
            "material": material,
            "file": SimpleUploadedFile("证明.pdf", pdf_bytes()),
            **extra,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return response.json()


def submitted_without_a_pdf(applicant: APIClient) -> tuple[str, str]:
    """The applicant's application with every material handed in but the first that accepts a PDF:
    (its number, that material)."""
    needed = needed_materials(applicant)
    chosen = pdf_material(needed)
    number = submit_with_uploads(applicant, [c for c in needed if c != chosen], []).json()["number"]
    return str(number), chosen


def submit_with_uploads(
    client: APIClient, materials: list[str], uploads: list[str], key: str | None = None
) -> Any:
    """Submit the demo mother's application handing in `materials` and attaching `uploads`; the response."""
    form = sample_form(
        guide(client)["form"], overrides={"mother.id_number": MOTHER_ID, "mother.name": "王芳"}
    )
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        "/api/applications/",
        {"bundle": NEWBORN, "form": form, "materials": materials, "uploads": uploads},
        format="json",
        **headers,
    )
