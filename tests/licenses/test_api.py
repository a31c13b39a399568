"""The licence API and the public verification page: who sees which licence, verification by anyone, revocation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.catalog.models import Department
from yijianshi.core.identifiers import mask
from yijianshi.licenses.models import LicenceStatus, License
from yijianshi.licenses.services import licence_issue, offline_document

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.licenses.urls")]

API = "/api/licences/"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def family(issue: Callable[..., License], police: Department, users: dict[str, Any]) -> dict[str, License]:
    card = licence_issue(
        licence_type="id_card",
        holder_name="李强",
        holder_id=FATHER_ID,
        holder_id_type="111",
        issuer=police,
        surface={"姓名": "李强"},
        valid_from=issue().valid_from,
        valid_to=None,
        actor=None,
    )
    return {"mother_marriage": License.objects.get(holder_id=MOTHER_ID), "father_card": card}


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["identifier"] for row in response.json()["results"]}


def test_wallet_shows_own_licences_only(
    family: dict[str, License], client_for: Callable[[str], APIClient]
) -> None:
    mine, theirs = family["mother_marriage"], family["father_card"]
    assert ids(client_for("mother").get(API)) == {mine.identifier}
    assert ids(client_for("father").get(API)) == {theirs.identifier}
    # another applicant's licence is not found (404), neither as detail nor QR code nor by filtering
    mother = client_for("mother")
    assert mother.get(f"{API}{theirs.pk}/").status_code == 404
    assert mother.get(f"{API}{theirs.pk}/qr.svg").status_code == 404
    assert ids(mother.get(API, {"holder_id": FATHER_ID})) == set()
    # staff by role
    assert (
        ids(client_for("admin").get(API))
        == ids(client_for("auditor").get(API))
        == {mine.identifier, theirs.identifier}
    )
    assert ids(client_for("officer_civil").get(API)) == {mine.identifier}
    assert ids(client_for("officer_police").get(API)) == {theirs.identifier}
    assert APIClient().get(API).status_code in (401, 403)


def test_list_masks_and_detail_carries_the_offline_document(
    family: dict[str, License], client_for: Callable[[str], APIClient]
) -> None:
    mine = family["mother_marriage"]
    mother = client_for("mother")
    [row] = mother.get(API).json()["results"]
    assert (
        row["holder_id"] == mask(MOTHER_ID)
        and row["valid_today"] is True
        and row["type"] == "marriage_certificate"
    )
    detail = mother.get(f"{API}{mine.pk}/").json()
    assert detail["document"] == offline_document(mine)
    svg = mother.get(f"{API}{mine.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = mother.get(f"{API}{mine.pk}/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


def test_anyone_can_verify(family: dict[str, License]) -> None:
    mine = family["mother_marriage"]
    anon = APIClient()
    body = anon.get(f"{API}verify/{mine.identifier}").json()
    assert body["ok"] is True and body["problems"] == []
    assert body["licence"]["holder_id"] == mask(MOTHER_ID) and body["licence"]["holder_name"] == "王*"
    assert "surface" not in body["licence"]
    wrong = mine.identifier[:-1] + ("A" if mine.identifier[-1] != "A" else "B")
    body = anon.get(f"{API}verify/{wrong}/").json()
    assert body["ok"] is False and [p["code"] for p in body["problems"]] == ["bad_check_character"]
    # the offline document, as the QR code carries it, or wrapped
    document = offline_document(mine)
    assert anon.post(f"{API}verify/", document, format="json").json()["ok"] is True
    document["licence"]["holder"] = "王芬"
    body = anon.post(f"{API}verify/", {"document": document}, format="json").json()
    assert "surface_altered" in [p["code"] for p in body["problems"]]
    empty = anon.post(f"{API}verify/", {}, format="json")
    assert empty.status_code == 400 and empty.json()["code"] == "verify_nothing"


def test_revoke_permissions(family: dict[str, License], client_for: Callable[[str], APIClient]) -> None:
    mine = family["mother_marriage"]
    url = f"{API}{mine.pk}/revoke/"
    assert client_for("mother").post(url, {"reason": "x"}).status_code == 403  # sees it, may not revoke
    assert client_for("auditor").post(url, {"reason": "x"}).status_code == 403
    assert (
        client_for("officer_police").post(url, {"reason": "x"}).status_code == 404
    )  # not their department's
    assert client_for("officer_civil").post(url, {}).status_code == 400
    response = client_for("officer_civil").post(url, {"reason": "婚姻登记被撤销"})
    assert response.status_code == 200 and response.json()["status"] == LicenceStatus.REVOKED
    again = client_for("admin").post(url, {"reason": "again"})
    assert again.status_code == 409 and again.json()["code"] == "licence_not_revocable"
    body = APIClient().get(f"{API}verify/{mine.identifier}").json()
    assert [p["code"] for p in body["problems"]] == ["revoked"]


def test_public_keys(family: dict[str, License]) -> None:
    rows = APIClient().get(f"{API}keys/").json()["results"]
    assert {r["key_id"] for r in rows} == {
        family["mother_marriage"].key.key_id,
        family["father_card"].key.key_id,
    }
    assert all(len(r["public_key"]) == 128 and len(r["issuer_code"]) == 18 for r in rows)


def test_public_page_masks_the_holder(family: dict[str, License]) -> None:
    mine = family["mother_marriage"]
    page = Client().get(f"/licences/verify/{mine.identifier}")
    text = page.content.decode()
    assert page.status_code == 200
    assert mask(MOTHER_ID) in text and MOTHER_ID not in text and "王芳" not in text
    assert "核验通过" in text and mine.issuer_name in text
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = english.get(f"/licences/verify/{mine.identifier}").content.decode()
    assert "Verified" in text and "Each check" in text and "identity number" in text
    wrong = mine.identifier[:-1] + ("A" if mine.identifier[-1] != "A" else "B")
    page = Client().get(f"/licences/verify/{wrong}")
    assert page.status_code == 404 and "bad_check_character" in page.content.decode()
    form = Client().get("/licences/verify/", {"identifier": mine.identifier.lower()})
    assert form.status_code == 302 and form["Location"].endswith(mine.identifier)


def test_wallet_lists_valid_first_in_a_fixed_number_of_queries(
    issue: Callable[..., License], client_for: Callable[[str], APIClient], django_assert_max_num_queries: Any
) -> None:
    from yijianshi.licenses.services import licence_revoke, licence_supersede

    revoked = licence_revoke(licence=issue(), reason="登记错误", actor=None)
    old = issue()
    new = licence_supersede(licence=old, surface={}, actor=None)
    expired = issue(valid_from=revoked.valid_from, valid_to=revoked.valid_from)
    valid = issue()
    mother = client_for("mother")
    with django_assert_max_num_queries(5):  # auth profile, count, page (with type, key, newer version)
        rows = mother.get(API).json()["results"]
    order = [r["identifier"] for r in rows]
    assert set(order[:2]) == {valid.identifier, new.identifier}
    assert set(order[2:]) == {revoked.identifier, old.identifier, expired.identifier}
    assert [r["valid_today"] for r in rows] == [True, True, False, False, False]
