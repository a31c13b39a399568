"""What the mandate tests and the on-behalf-of attacker tests share."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases.samples import sample_form

BUNDLE = "140524-09"


def attack(client: APIClient, party_id: str = MOTHER_ID, **behalf: Any) -> Any:
    guide = (
        APIClient().get(f"/api/bundles/{BUNDLE}/").json()
    )  # the catalogue's guide: nothing read for anyone
    form = sample_form(guide["form"], overrides={"mother.id_number": MOTHER_ID, "mother.name": "王芳"})
    needed = [m["code"] for m in guide["materials"] if m["required"] and not m["waiver"]]
    body = {
        "bundle": BUNDLE,
        "form": form,
        "materials": needed,
        "on_behalf_of": {"name": "王芳", "id_number": party_id, "authorisation": "x", **behalf},
    }
    return client.post("/api/applications/", body, format="json")
