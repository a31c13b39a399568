"""The permission matrix, continued: the remaining write endpoints, each on an application in the state the
act needs. Allowed cells succeed; every other user gets 401/403 (anonymous) or 403/404 — never a success."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.support.accounts import MATRIX_USERS as USERS
from tests.support.api import ApiClients as Clients
from tests.support.api import api_client
from tests.support.factories import item_cases_approved
from tests.support.newborn import guide, received, to_hand_in
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import Application, Commitment
from yijianshi.cases.samples import sample_form

pytestmark = pytest.mark.django_db

ALLOWED: dict[str, set[str]] = {
    "POST intake": {"clerk", "admin"},
    "POST supplement": {"mother", "clerk", "admin"},
    "POST tolerated": {"clerk", "admin"},  # staff record a 容缺 material as received (issue 17, finding 4)
    "POST deliver": {"clerk", "admin"},
    "POST archive": {"clerk", "admin"},
    "POST post-check": {"officer_health", "admin"},
}


def _submitted(as_user: Clients) -> str:
    mother = as_user("mother")
    form = sample_form(guide(mother)["form"], overrides={"mother.id_number": MOTHER_ID})
    return str(
        mother.post("/api/applications/", {"bundle": "140524-09", "form": form}, format="json").json()[
            "number"
        ]
    )


def _prepare(endpoint: str, as_user: Clients) -> tuple[str, dict[str, Any]]:
    """An application (and request) in the state the endpoint acts on."""
    if endpoint == "POST intake":
        return f"/api/applications/{_submitted(as_user)}/intake/", {"problems": ["字迹不清"]}
    if endpoint == "POST supplement":
        number = _submitted(as_user)
        as_user("clerk").post(f"/api/applications/{number}/intake/", {}, format="json")  # deficient
        return f"/api/applications/{number}/supplement/", {"materials": to_hand_in(guide(as_user("mother")))}
    if endpoint == "POST tolerated":
        number = received(as_user("mother"), as_user("clerk"), tolerated=["child.birth_vaccination_record"])
        return f"/api/applications/{number}/tolerated/", {"code": "child.birth_vaccination_record"}
    if endpoint in ("POST deliver", "POST archive"):
        number = received(as_user("mother"), as_user("clerk"))
        admin = User.objects.get(username="admin")
        item_cases_approved(number, admin)
        if endpoint == "POST archive":
            services.application_deliver(
                application=Application.objects.get(number=number), actor=actor_of(admin), method="electronic"
            )
            return f"/api/applications/{number}/archive/", {}
        return f"/api/applications/{number}/deliver/", {"method": "pickup"}
    if endpoint == "POST post-check":
        number = received(as_user("mother"), as_user("clerk"), commitments=["birth.first_issue_form"])
        commitment = Commitment.objects.get(item_case__application__number=number)
        return f"/api/commitments/{commitment.pk}/post-check/", {"kept": True}
    raise AssertionError(endpoint)


@pytest.mark.parametrize("endpoint", list(ALLOWED))
def test_write_permission_matrix(newborn: None, as_user: Clients, endpoint: str) -> None:
    for username in USERS:
        url, body = _prepare(endpoint, as_user)
        client = api_client(username)
        code = client.post(url, body, format="json").status_code
        if username in ALLOWED[endpoint]:
            assert 200 <= code < 300, (endpoint, username, code)
        elif username == "anonymous":
            assert code in (401, 403), (endpoint, username, code)
        else:
            assert code in (403, 404), (endpoint, username, code)
