"""The newborn bundle (新生儿出生, 陵川县 140524-09) through the API, as the demo accounts use it: the guide, the
materials to hand in, an application submitted and taken in, an item case's transition."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.test import APIClient

from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases.samples import sample_form

from .catalogue import NEWBORN


def guide(client: APIClient, **answers: str) -> dict[str, Any]:
    """The bundle's guide as `client` sees it (with the answers to its situations)."""
    response = client.get(f"/api/bundles/{NEWBORN}/", answers)
    assert response.status_code == 200, response.content
    return response.json()


def to_hand_in(guide_or_snapshot: dict[str, Any], *, skip: Iterable[str] = ()) -> list[str]:
    """The codes of the required materials that nothing waives (less `skip`): what the applicant hands in."""
    left_out = set(skip)
    return [
        m["code"]
        for m in guide_or_snapshot["materials"]
        if m["required"] and not m["waiver"] and m["code"] not in left_out
    ]


def act(client: APIClient, case: dict[str, Any], action: str, **extra: Any) -> Any:
    """Post a transition of an item case (as last read by the caller: its id and version)."""
    return client.post(
        f"/api/item-cases/{case['id']}/transitions/",
        {"action": action, "expected_version": case["version"], **extra},
        format="json",
    )


def cases_by_ref(client: APIClient, number: str) -> dict[str, dict[str, Any]]:
    """An application's item cases by item ref, as `client` reads them."""
    return {c["ref"]: c for c in client.get(f"/api/applications/{number}/").json()["item_cases"]}


def received(mother: APIClient, clerk: APIClient, **extra: Any) -> str:
    """The mother submits a complete application (`tolerated` and `commitments` materials left out, and any
    other field of the request in `extra`); the clerk takes it in. Its number."""
    g = guide(mother)
    form = sample_form(g["form"], overrides={"mother.id_number": MOTHER_ID})
    skip = set(extra.get("tolerated", [])) | set(extra.get("commitments", []))
    response = mother.post(
        "/api/applications/",
        {"bundle": NEWBORN, "form": form, "materials": to_hand_in(g, skip=skip), **extra},
        format="json",
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert take_in(clerk, number).json()["status"] == "received"
    return str(number)


def take_in(clerk: APIClient, number: str, **extra: Any) -> Any:
    """The clerk's intake confirming every material the applicant listed to hand in at the window (as if each
    was brought and checked), with any other field of the request in `extra`; the response."""
    listed = clerk.get(f"/api/applications/{number}/").json()["materials_to_present"]
    return clerk.post(f"/api/applications/{number}/intake/", {"confirmed": listed, **extra}, format="json")


def submit_with_prefill(applicant: APIClient, *, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """Submit the bundle with the prefilled values (and `changes` typed over them); the guide it saw."""
    g = guide(applicant)
    offered = {k: v["value"] for k, v in g["prefill"].items()}
    form = sample_form(g["form"], overrides={**offered, **(changes or {})})
    materials = to_hand_in(g)
    created = applicant.post(
        "/api/applications/", {"bundle": NEWBORN, "form": form, "materials": materials}, format="json"
    )
    assert created.status_code == 201, created.content
    return {"guide": g, "application": created.json(), "form": form, "materials": materials}
