"""Helpers of the shared-data API tests: a client per demo user, a submitted newborn application."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from yijianshi.cases.samples import sample_form

NEWBORN = "140524-09"


def client(username: str) -> APIClient:
    api = APIClient()
    api.force_authenticate(User.objects.get(username=username))
    return api


def results(body: Any) -> list[dict[str, Any]]:
    return body["results"] if isinstance(body, dict) else body


def submit_newborn(applicant: APIClient, *, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """Submit the newborn bundle with the prefilled values (and `changes` typed over them); the guide it saw."""
    guide = applicant.get(f"/api/bundles/{NEWBORN}/").json()
    offered = {k: v["value"] for k, v in guide["prefill"].items()}
    form = sample_form(guide["form"], overrides={**offered, **(changes or {})})
    needed = [m["code"] for m in guide["materials"] if m["required"] and not m["waiver"]]
    created = applicant.post("/api/applications/", {"bundle": NEWBORN, "form": form, "materials": needed},
                             format="json")
    assert created.status_code == 201, created.content
    return {"guide": guide, "application": created.json(), "form": form, "materials": needed}
