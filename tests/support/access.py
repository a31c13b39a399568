"""What the access matrix and the security tests share: the API's endpoints from the URL resolver, and
applications of the demo family submitted and advanced through the API to the state a cell needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.support.api import api_client
from tests.support.newborn import act, cases_by_ref, guide, take_in, to_hand_in
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.cases.models import Application
from yijianshi.cases.samples import sample_form


def api_endpoints() -> Iterator[tuple[str, str]]:
    """(route, METHOD) of every view under /api/, read from the URL resolver."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.callback

    for route, callback in walk(get_resolver().url_patterns, ""):
        if not route.startswith("api/"):
            continue
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        methods = [
            m for m in ("get", "post", "put", "patch", "delete") if view is not None and hasattr(view, m)
        ]
        for method in methods or ["get"]:
            yield route, method.upper()


def submit(username: str, point: str | None) -> str:
    client = api_client(username)
    g = guide(client)
    own_id = MOTHER_ID if username == "mother" else FATHER_ID
    form = sample_form(
        g["form"],
        overrides={
            "mother.id_number": MOTHER_ID,
            "father.id_number": FATHER_ID,
            "applicant.id_number": own_id,
        },
    )
    needed = to_hand_in(g, skip=("child.birth_vaccination_record", "birth.first_issue_form"))
    body = {
        "bundle": "140524-09",
        "form": form,
        "materials": needed,
        "tolerated": ["child.birth_vaccination_record"],
        "commitments": ["birth.first_issue_form"],
    }
    if point:
        body["service_point"] = point
    response = client.post("/api/applications/", body, format="json")
    assert response.status_code == 201, response.content
    return str(response.json()["number"])


def advance(number: str, clerk: APIClient, to: str) -> None:
    if to == "submitted":
        return
    if to == "deficient":
        assert (
            clerk.post(
                f"/api/applications/{number}/intake/", {"problems": ["字迹不清"]}, format="json"
            ).json()["status"]
            == "deficient"
        )
        return
    assert take_in(clerk, number).json()["status"] == "received"
    if to == "received":
        return
    admin = api_client("admin")
    tolerated = Application.objects.get(number=number)
    clerk.post(
        f"/api/applications/{number}/tolerated/", {"code": "child.birth_vaccination_record"}, format="json"
    )
    for _ in range(3):  # prerequisites first: repeat until everything is decided
        for case in cases_by_ref(admin, number).values():
            if case["status"] == "pending_acceptance":
                case = act(admin, case, "accept").json()
            if case["status"] == "accepted":
                act(admin, case, "approve")
    assert Application.objects.get(pk=tolerated.pk).status == "completed"
    if to == "delivered":
        assert (
            clerk.post(f"/api/applications/{number}/deliver/", {"method": "pickup"}, format="json").json()[
                "status"
            ]
            == "delivered"
        )
