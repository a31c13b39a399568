"""Finding 4 (issue 17, lows): personal pages and API answers could be kept by a shared cache or the browser's
back-forward history on a shared counter PC. yijianshi.web.middleware.PrivateAnswersMiddleware marks as
`Cache-Control: no-store` (private, never kept) every answer of /me/, /workbench/, /accounts/, /admin/, every API
answer but the public catalogue and keys, and every page served to a signed-in user (the frame shows who is signed
in, a guide shows the applicant's own waivers). Public pages seen anonymously stay cacheable."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from yijianshi.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def no_store(response: object) -> bool:
    value = str(getattr(response, "headers", {}).get("Cache-Control", ""))
    return "no-store" in value and "public" not in value


def test_personal_pages_and_api_answers_are_never_stored(
    newborn: None, signed_in: Callable[[str], Client], as_user: Callable[[str], APIClient]
) -> None:
    mother, clerk, admin = signed_in("mother"), signed_in("clerk"), signed_in("admin")
    answers = {
        "/me/": mother.get("/me/"),
        "/me/licences/": mother.get("/me/licences/"),
        "/me/data-reads/": mother.get("/me/data-reads/"),
        "/workbench/window/": clerk.get("/workbench/window/"),
        "/accounts/login/": Client().get("/accounts/login/"),
        "/admin/": admin.get("/admin/"),
        "home, signed in": mother.get("/"),
        "guide, signed in": mother.get("/bundles/140524-09/"),
        "/api/applications/": as_user("mother").get("/api/applications/"),
        "/api/applications/ anonymous (401)": APIClient().get("/api/applications/"),
        "/api/licences/": as_user("mother").get("/api/licences/"),
        "/api/me/file/": as_user("mother").get("/api/me/file/"),
        "/api/bundles/140524-09/ signed in": as_user("mother").get("/api/bundles/140524-09/"),
        "/api/auth/token/": APIClient().post(
            "/api/auth/token/", {"username": "mother", "password": DEMO_PASSWORD}, format="json"
        ),
    }
    stored = {
        k: (r.status_code, r.headers.get("Cache-Control")) for k, r in answers.items() if not no_store(r)
    }
    assert stored == {}


def test_public_pages_stay_cacheable(newborn: None) -> None:
    anonymous = Client()
    for path in (
        "/",
        "/bundles/140524-09/",
        "/figures/",
        "/search/?q=出生",
        "/api/bundles/",
        "/api/bundles/140524-09/",
    ):
        response = anonymous.get(path)
        assert response.status_code == 200 and not no_store(response), (
            path,
            response.headers.get("Cache-Control"),
        )
